// OpenAI-shaped response parsing (spec §5.4 chat/completions, §2.5 usage field lookups).
//
// One pass over the top-level object with simdjson on-demand: servers order keys differently
// (OpenAI puts "object" before "choices", TGI after), so values are collected as string_views
// into the parser's string buffer (valid until the next document on this thread) and the data
// kind is decided at the end. The parser and the padded input copy are thread-local: parse()
// is callable from any number of threads and allocates nothing once warm.
#include "aiperf/endpoint/openai_parse.h"

#include <cstdint>
#include <utility>

#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint::detail {

namespace {

// ---- choices ------------------------------------------------------------------------------

struct Collected {
  enum Obj : uint8_t { kUnknown, kChatCompletion, kChatChunk, kCompletion, kErrorObject };
  Obj obj = kUnknown;
  bool have_message = false;
  bool have_delta = false;
  std::string_view content, reasoning_content, reasoning, text;
  // Their raw tokens in the document (verbatim_offset): where the chosen text lies.
  const char *content_raw = nullptr, *reasoning_content_raw = nullptr, *reasoning_raw = nullptr,
             *text_raw = nullptr;
  // top-level fields used when "object" is "error"
  std::string_view top_message, top_type;
  std::optional<int> top_code;
};

/// get_str(), also noting where the value's raw token starts (verbatim_offset checks it).
bool get_str_at(od::value& v, std::string_view& s, const char*& raw) {
  raw = v.raw_json_token().data();
  return get_str(v, s);
}

/// Appends name + arguments of each tool call (chat `tool_calls` array) to `out`.
bool read_tool_calls(od::value& v, std::string& out) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::array) return true;
  od::array arr;
  if (v.get_array().get(arr)) return false;
  for (auto er : arr) {
    od::value call;
    if (std::move(er).get(call)) return false;
    if (!type_of(call, t) || t != od::json_type::object) continue;
    od::object co;
    if (call.get_object().get(co)) return false;
    for (auto fr : co) {
      od::field f;
      if (std::move(fr).get(f)) return false;
      if (raw_key(f) != "function") continue;
      od::value& fv = f.value();
      if (!type_of(fv, t) || t != od::json_type::object) continue;
      od::object fo;
      if (fv.get_object().get(fo)) return false;
      std::string_view name, args;
      for (auto gr : fo) {
        od::field g;
        if (std::move(gr).get(g)) return false;
        const RawKey gk = raw_key(g);
        if (gk == "name")
          get_str(g.value(), name);
        else if (gk == "arguments")
          get_str(g.value(), args);
      }
      out.append(name);
      out.append(args);
    }
  }
  return true;
}

bool read_message(od::value& v, Collected& c, std::string& tool_text) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    const RawKey k = raw_key(f);
    if (k == "content")
      get_str_at(f.value(), c.content, c.content_raw);
    else if (k == "reasoning_content")
      get_str_at(f.value(), c.reasoning_content, c.reasoning_content_raw);
    else if (k == "reasoning")
      get_str_at(f.value(), c.reasoning, c.reasoning_raw);
    else if (k == "tool_calls" && !read_tool_calls(f.value(), tool_text))
      return false;
  }
  return true;
}

bool read_choices(od::value& v, Collected& c, ParsedResponse& out) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::array) return true;
  od::array arr;
  if (v.get_array().get(arr)) return false;
  for (auto er : arr) {  // choices[0] only (as AIPerf)
    od::value choice;
    if (std::move(er).get(choice)) return false;
    if (!type_of(choice, t) || t != od::json_type::object) return true;
    od::object co;
    if (choice.get_object().get(co)) return false;
    for (auto fr : co) {
      od::field f;
      if (std::move(fr).get(f)) return false;
      const RawKey k = raw_key(f);
      if (k == "delta") {
        c.have_delta = true;
        if (!read_message(f.value(), c, out.tool_call_text)) return false;
      } else if (k == "message") {
        c.have_message = true;
        if (!read_message(f.value(), c, out.tool_call_text)) return false;
      } else if (k == "text") {
        get_str_at(f.value(), c.text, c.text_raw);
      } else if (k == "finish_reason") {
        std::string_view fr_s;
        if (get_str(f.value(), fr_s)) out.finish_reason.assign(fr_s);
      }
    }
    break;
  }
  return true;
}

}  // namespace

bool parse_openai(std::string_view payload, OpenAiApi api, ParsedResponse& out) {
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return fail(out);

  Collected c;
  std::string_view error_type;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f)) return fail(out);
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    if (k == "object") {
      std::string_view s;
      if (get_str(v, s)) {
        if (s == "chat.completion.chunk")
          c.obj = Collected::kChatChunk;
        else if (s == "chat.completion")
          c.obj = Collected::kChatCompletion;
        else if (s == "text_completion" || s == "completion")
          c.obj = Collected::kCompletion;
        else if (s == "error")
          c.obj = Collected::kErrorObject;
      }
    } else if (k == "choices") {
      if (!read_choices(v, c, out)) return fail(out);
    } else if (k == "usage") {
      if (read_usage(v, out) < 0) return fail(out);
    } else if (k == "error") {
      if (!read_error(v, out)) return fail(out);
    } else if (k == "error_type") {
      get_str(v, error_type);
    } else if (k == "message") {
      get_str(v, c.top_message);
    } else if (k == "type") {
      get_str(v, c.top_type);
    } else if (k == "code") {
      c.top_code = read_int(v);
    }
  }

  if (out.has_error && out.error.type.empty() && !error_type.empty())
    out.error.type.assign(error_type);
  if (c.obj == Collected::kErrorObject && !out.has_error) {
    out.has_error = true;
    out.error.message.assign(c.top_message);
    out.error.type.assign(c.top_type);
    out.error.code = c.top_code;
  }

  const char* text_raw = nullptr;  // the raw token of the text that decided the kind
  std::string_view text;
  if (api == OpenAiApi::kChat) {
    const bool match = (c.obj == Collected::kChatCompletion && c.have_message) ||
                       (c.obj == Collected::kChatChunk && c.have_delta);
    if (match) {
      const bool rc = !c.reasoning_content.empty();
      std::string_view r = rc ? c.reasoning_content : c.reasoning;
      if (!r.empty()) {
        out.kind = DataKind::kReasoning;
        out.reasoning.assign(r);
        out.content.assign(c.content);
        if (c.content.empty()) {
          text = r;
          text_raw = rc ? c.reasoning_content_raw : c.reasoning_raw;
        }
      } else if (!out.tool_call_text.empty()) {
        out.kind = DataKind::kToolCall;
        out.content.assign(c.content);
      } else if (!c.content.empty()) {
        out.kind = DataKind::kText;
        out.content.assign(c.content);
        text = c.content;
        text_raw = c.content_raw;
      }
    }
  } else if (c.obj == Collected::kCompletion && !c.text.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(c.text);
    text = c.text;
    text_raw = c.text_raw;
  }
  if (text_raw != nullptr) {
    if (auto at = verbatim_offset(text_raw, text); at && *at + text.size() <= UINT32_MAX) {
      out.text_at = static_cast<uint32_t>(*at);
      out.text_len = static_cast<uint32_t>(text.size());
    }
  }
  if (out.kind != DataKind::kToolCall) out.tool_call_text.clear();
  return out.has_data() || out.has_usage || out.has_error;
}

}  // namespace aiperf::endpoint::detail
