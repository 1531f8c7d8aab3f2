// OpenAI-shaped response parsing (spec §5.4 chat/completions, §2.5 usage field lookups).
//
// One pass over the top-level object with simdjson on-demand: servers order keys differently
// (OpenAI puts "object" before "choices", TGI after), so values are collected as string_views
// into the parser's string buffer (valid until the next document on this thread) and the data
// kind is decided at the end. The parser and the padded input copy are thread-local: parse()
// is callable from any number of threads and allocates nothing once warm.
#include "aiperf/endpoint/openai_parse.h"

#include <simdjson.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

namespace aiperf::endpoint::detail {

namespace od = simdjson::ondemand;

namespace {

struct ThreadState {
  od::parser parser;
  std::string buf;
};

ThreadState& thread_state() {
  thread_local ThreadState t;
  return t;
}

std::string_view trim(std::string_view s) {
  auto ws = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && ws(s.front())) s.remove_prefix(1);
  while (!s.empty() && ws(s.back())) s.remove_suffix(1);
  return s;
}

/// Copies the payload into the thread's padded buffer and starts a document. False for
/// `[DONE]`, empty payloads and anything that is not a JSON object.
bool start_document(std::string_view payload, od::document& doc) {
  payload = trim(payload);
  if (payload.empty() || payload.front() != '{') return false;
  ThreadState& t = thread_state();
  const size_t need = payload.size() + simdjson::SIMDJSON_PADDING;
  if (t.buf.size() < need) t.buf.resize(need < 4096 ? 4096 : need * 2);
  std::memcpy(t.buf.data(), payload.data(), payload.size());
  std::memset(t.buf.data() + payload.size(), 0, simdjson::SIMDJSON_PADDING);
  return !t.parser.iterate(t.buf.data(), payload.size(), t.buf.size()).get(doc);
}

/// The raw key of a field (no unescaping: keys we look for contain no escapes; an escaped key
/// yields an empty view, which matches nothing).
std::string_view key_of(od::field& f) {
  const char* p = f.key().raw();
  const char* q = p;
  while (*q != '"') {
    if (*q == '\\') return {};
    ++q;
  }
  return {p, static_cast<size_t>(q - p)};
}

bool type_of(od::value& v, od::json_type& t) {
  return !v.type().get(t);
}

bool get_str(od::value& v, std::string_view& s) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::string) return false;
  return !v.get_string().get(s);
}

// ---- usage (spec §2.5; AIPerf's Usage wrapper: "first present" key, envelopes unwrapped) ----

enum UKey : uint8_t {
  kPromptTokens,
  kInputTokens,
  kPromptTokenCount,
  kInputTokensCamel,
  kInputTokenCount,
  kCompletionTokens,
  kOutputTokens,
  kCandidatesTokenCount,
  kOutputTokensCamel,
  kGeneratedTokenCount,
  kTotalTokens,
  kTotalTokenCount,
  kTotalTokensCamel,
  kThoughtsTokenCount,
  kCacheReadInputTokens,
  kPromptCacheHitTokens,
  kCachedContentTokenCount,
  kCacheReadInputTokensCamel,
  kCachedTokensTop,
  kCacheCreationInputTokens,
  kCacheWriteInputTokensCamel,
  kPromptCacheMissTokens,
  kToolUsePromptTokenCount,
  kPromptAudioSeconds,
  kNumUKeys
};

constexpr std::array<std::string_view, kNumUKeys> kUKeyNames = {"prompt_tokens",
                                                                "input_tokens",
                                                                "promptTokenCount",
                                                                "inputTokens",
                                                                "input_token_count",
                                                                "completion_tokens",
                                                                "output_tokens",
                                                                "candidatesTokenCount",
                                                                "outputTokens",
                                                                "generated_token_count",
                                                                "total_tokens",
                                                                "totalTokenCount",
                                                                "totalTokens",
                                                                "thoughtsTokenCount",
                                                                "cache_read_input_tokens",
                                                                "prompt_cache_hit_tokens",
                                                                "cachedContentTokenCount",
                                                                "cacheReadInputTokens",
                                                                "cached_tokens",
                                                                "cache_creation_input_tokens",
                                                                "cacheWriteInputTokens",
                                                                "prompt_cache_miss_tokens",
                                                                "toolUsePromptTokenCount",
                                                                "prompt_audio_seconds"};

// Details dicts, in lookup order: prompt side first two, completion side last two.
constexpr std::array<std::string_view, 4> kDetailsNames = {
    "prompt_tokens_details", "input_tokens_details", "completion_tokens_details",
    "output_tokens_details"};
enum DField : uint8_t { kCached, kAudio, kReasoning, kAccepted, kRejected, kNumDFields };
constexpr std::array<std::string_view, kNumDFields> kDFieldNames = {
    "cached_tokens", "audio_tokens", "reasoning_tokens", "accepted_prediction_tokens",
    "rejected_prediction_tokens"};

struct Slot {
  bool present = false;
  bool numeric = false;
  bool is_bool = false;
  int64_t i = 0;
  double d = 0;
};

struct Slots {
  std::array<Slot, kNumUKeys> k{};
  std::array<bool, 4> det_present{};
  std::array<bool, 4> det_object{};
  std::array<std::array<Slot, kNumDFields>, 4> det{};
};

void read_slot(od::value& v, Slot& s) {
  s = Slot{};
  s.present = true;
  od::json_type t;
  if (!type_of(v, t)) return;
  if (t == od::json_type::boolean) {
    s.is_bool = true;
    return;
  }
  if (t != od::json_type::number) return;
  od::number n;
  if (v.get_number().get(n)) return;
  s.numeric = true;
  if (n.is_int64()) {
    s.i = n.get_int64();
    s.d = static_cast<double>(s.i);
  } else if (n.is_uint64()) {
    s.d = static_cast<double>(n.get_uint64());
    s.i = INT64_MAX;  // above INT64_MAX: saturate
  } else {
    s.d = n.get_double();
    // A count beyond int64 (a hostile or broken server) saturates instead of being undefined.
    constexpr double kLimit = 9.2e18;
    s.i = s.d >= kLimit ? INT64_MAX : s.d <= -kLimit ? INT64_MIN : static_cast<int64_t>(s.d);
  }
}

template <size_t N>
int index_of(const std::array<std::string_view, N>& names, std::string_view k) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == k) return static_cast<int>(i);
  return -1;
}

/// Reads a usage object into `top`; the Gemini `usageMetadata` and Cohere v2 `tokens`
/// envelopes go to `env` (merged under `top`, as dict.setdefault does). Returns the number of
/// members of the object, or -1 on a JSON error.
int read_usage_object(od::object obj, Slots& top, Slots* env) {
  int n = 0;
  for (auto fr : obj) {
    od::field f;
    if (std::move(fr).get(f)) return -1;
    ++n;
    std::string_view k = key_of(f);
    od::value& v = f.value();
    int ki = index_of(kUKeyNames, k);
    if (ki >= 0) {
      read_slot(v, top.k[ki]);
      continue;
    }
    int di = index_of(kDetailsNames, k);
    if (di >= 0) {
      top.det_present[di] = true;
      od::json_type t;
      if (!type_of(v, t) || t != od::json_type::object) continue;
      top.det_object[di] = true;
      od::object d;
      if (v.get_object().get(d)) return -1;
      for (auto dfr : d) {
        od::field df;
        if (std::move(dfr).get(df)) return -1;
        int fi = index_of(kDFieldNames, key_of(df));
        if (fi >= 0) read_slot(df.value(), top.det[di][fi]);
      }
      continue;
    }
    if (env && (k == "usageMetadata" || k == "tokens")) {
      od::json_type t;
      if (!type_of(v, t) || t != od::json_type::object) continue;
      od::object e;
      if (v.get_object().get(e)) return -1;
      if (read_usage_object(e, *env, nullptr) < 0) return -1;
    }
  }
  return n;
}

struct MergedUsage {
  const Slots& top;
  const Slots& env;

  const Slot* key(UKey k) const {
    if (top.k[k].present) return &top.k[k];
    if (env.k[k].present) return &env.k[k];
    return nullptr;
  }
  /// The value at the first present key (a present null / non-number gives nullopt).
  const Slot* first_present(std::initializer_list<UKey> keys) const {
    for (UKey k : keys)
      if (const Slot* s = key(k)) return s;
    return nullptr;
  }
  /// The first details dict (in `dicts` order) that is an object holding `field`.
  const Slot* first_in_details(std::initializer_list<int> dicts, DField field) const {
    for (int d : dicts) {
      const Slots& src = top.det_present[d] ? top : env;
      if (src.det_object[d] && src.det[d][field].present) return &src.det[d][field];
    }
    return nullptr;
  }
};

std::optional<int64_t> as_int(const Slot* s) {
  if (!s || !s->numeric) return std::nullopt;
  return s->i;
}

void resolve_usage(const Slots& top, const Slots& env, record::Usage& u) {
  MergedUsage m{top, env};
  u.prompt_tokens = as_int(m.first_present(
      {kPromptTokens, kInputTokens, kPromptTokenCount, kInputTokensCamel, kInputTokenCount}));
  u.completion_tokens =
      as_int(m.first_present({kCompletionTokens, kOutputTokens, kCandidatesTokenCount,
                              kOutputTokensCamel, kGeneratedTokenCount}));
  u.total_tokens = as_int(m.first_present({kTotalTokens, kTotalTokenCount, kTotalTokensCamel}));
  // A nested value that is null falls through to the top-level synonyms (`is not None`).
  const Slot* r = m.first_in_details({2, 3}, kReasoning);
  u.reasoning_tokens =
      (r && r->numeric) ? as_int(r) : as_int(m.first_present({kThoughtsTokenCount}));
  const Slot* c = m.first_in_details({0, 1}, kCached);
  u.prompt_cache_read_tokens =
      (c && c->numeric) ? as_int(c)
                        : as_int(m.first_present({kCacheReadInputTokens, kPromptCacheHitTokens,
                                                  kCachedContentTokenCount,
                                                  kCacheReadInputTokensCamel, kCachedTokensTop}));
  u.prompt_cache_write_tokens =
      as_int(m.first_present({kCacheCreationInputTokens, kCacheWriteInputTokensCamel}));
  u.prompt_cache_miss_tokens = as_int(m.first_present({kPromptCacheMissTokens}));
  u.prompt_audio_tokens = as_int(m.first_in_details({0, 1}, kAudio));
  u.completion_audio_tokens = as_int(m.first_in_details({2, 3}, kAudio));
  u.accepted_prediction_tokens = as_int(m.first_in_details({2, 3}, kAccepted));
  u.rejected_prediction_tokens = as_int(m.first_in_details({2, 3}, kRejected));
  u.tool_use_prompt_tokens = as_int(m.first_present({kToolUsePromptTokenCount}));
  const Slot* a = m.first_present({kPromptAudioSeconds});
  u.prompt_audio_seconds =
      (a && a->numeric && !a->is_bool) ? std::optional<double>(a->d) : std::nullopt;
}

// ---- choices ------------------------------------------------------------------------------

struct Collected {
  enum Obj : uint8_t { kUnknown, kChatCompletion, kChatChunk, kCompletion, kErrorObject };
  Obj obj = kUnknown;
  bool have_message = false;
  bool have_delta = false;
  std::string_view content, reasoning_content, reasoning, text;
  // top-level fields used when "object" is "error"
  std::string_view top_message, top_type;
  std::optional<int> top_code;
};

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
      if (key_of(f) != "function") continue;
      od::value& fv = f.value();
      if (!type_of(fv, t) || t != od::json_type::object) continue;
      od::object fo;
      if (fv.get_object().get(fo)) return false;
      std::string_view name, args;
      for (auto gr : fo) {
        od::field g;
        if (std::move(gr).get(g)) return false;
        std::string_view gk = key_of(g);
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
    std::string_view k = key_of(f);
    if (k == "content")
      get_str(f.value(), c.content);
    else if (k == "reasoning_content")
      get_str(f.value(), c.reasoning_content);
    else if (k == "reasoning")
      get_str(f.value(), c.reasoning);
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
      std::string_view k = key_of(f);
      if (k == "delta") {
        c.have_delta = true;
        if (!read_message(f.value(), c, out.tool_call_text)) return false;
      } else if (k == "message") {
        c.have_message = true;
        if (!read_message(f.value(), c, out.tool_call_text)) return false;
      } else if (k == "text") {
        get_str(f.value(), c.text);
      } else if (k == "finish_reason") {
        std::string_view fr_s;
        if (get_str(f.value(), fr_s)) out.finish_reason.assign(fr_s);
      }
    }
    break;
  }
  return true;
}

std::optional<int> read_int(od::value& v) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::number) return std::nullopt;
  od::number n;
  if (v.get_number().get(n)) return std::nullopt;
  if (n.is_int64()) return static_cast<int>(n.get_int64());
  return std::nullopt;
}

/// `{"error": {...}}` (vLLM/SGLang/TGI OpenAI route), `{"error": "..."}` (TGI native).
bool read_error(od::value& v, ParsedResponse& out) {
  od::json_type t;
  if (!type_of(v, t) || t == od::json_type::null) return true;
  out.has_error = true;
  if (t == od::json_type::string) {
    std::string_view s;
    if (get_str(v, s)) out.error.message.assign(s);
    return true;
  }
  if (t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  std::optional<int> http_code;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    std::string_view k = key_of(f);
    std::string_view s;
    if (k == "message") {
      if (get_str(f.value(), s)) out.error.message.assign(s);
    } else if (k == "type") {
      if (get_str(f.value(), s)) out.error.type.assign(s);
    } else if (k == "code") {
      out.error.code = read_int(f.value());
    } else if (k == "http_status_code") {
      http_code = read_int(f.value());
    }
  }
  if (!out.error.code) out.error.code = http_code;
  return true;
}

bool fail(ParsedResponse& out) {
  out.clear();
  return false;
}

}  // namespace

bool parse_openai(std::string_view payload, OpenAiApi api, ParsedResponse& out) {
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return fail(out);

  Collected c;
  Slots top, env;
  std::string_view error_type;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f)) return fail(out);
    std::string_view k = key_of(f);
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
      od::json_type t;
      if (!type_of(v, t) || t != od::json_type::object) continue;
      od::object uo;
      if (v.get_object().get(uo)) return fail(out);
      int n = read_usage_object(uo, top, &env);
      if (n < 0) return fail(out);
      out.has_usage = n > 0;  // an empty usage dict is "no usage" (AIPerf: `usage or None`)
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

  if (out.has_usage) resolve_usage(top, env, out.usage);
  if (out.has_error && out.error.type.empty() && !error_type.empty())
    out.error.type.assign(error_type);
  if (c.obj == Collected::kErrorObject && !out.has_error) {
    out.has_error = true;
    out.error.message.assign(c.top_message);
    out.error.type.assign(c.top_type);
    out.error.code = c.top_code;
  }

  if (api == OpenAiApi::kChat) {
    const bool match = (c.obj == Collected::kChatCompletion && c.have_message) ||
                       (c.obj == Collected::kChatChunk && c.have_delta);
    if (match) {
      std::string_view r = !c.reasoning_content.empty() ? c.reasoning_content : c.reasoning;
      if (!r.empty()) {
        out.kind = DataKind::kReasoning;
        out.reasoning.assign(r);
        out.content.assign(c.content);
      } else if (!out.tool_call_text.empty()) {
        out.kind = DataKind::kToolCall;
        out.content.assign(c.content);
      } else if (!c.content.empty()) {
        out.kind = DataKind::kText;
        out.content.assign(c.content);
      }
    }
  } else if (c.obj == Collected::kCompletion && !c.text.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(c.text);
  }
  if (out.kind != DataKind::kToolCall) out.tool_call_text.clear();
  return out.has_data() || out.has_usage || out.has_error;
}

bool parse_usage_json(std::string_view json, record::Usage& out) {
  out = record::Usage{};
  od::document doc;
  if (!start_document(json, doc)) return false;
  od::object o;
  if (doc.get_object().get(o)) return false;
  Slots top, env;
  int n = read_usage_object(o, top, &env);
  if (n <= 0) return false;
  resolve_usage(top, env, out);
  return true;
}

}  // namespace aiperf::endpoint::detail
