// Anthropic Messages API (/v1/messages), as current AIPerf speaks it. The system prompt is the
// top-level `system`; `max_tokens` is required (1024 when the turn has none); `stream` is sent
// only when streaming. The stream is typed events: message_start (usage with input_tokens),
// content_block_start, content_block_delta (text_delta, thinking_delta, input_json_delta,
// signature_delta), content_block_stop, message_delta (usage with output_tokens), message_stop,
// ping and error. Auth is x-api-key plus anthropic-version (RequestHeaders).
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"
#include "aiperf/endpoint/message_parts.h"

namespace aiperf::endpoint {

namespace {

namespace od = simdjson::ondemand;

using detail::Json;

constexpr int64_t kDefaultMaxTokens = 1024;  // Anthropic requires max_tokens (AIPerf's default)

constexpr EndpointInfo kMessagesInfo{
    .name = "messages",
    .endpoint_path = "/v1/messages",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
    .supports_images = true,
    .merges_usage = true,
};

Json text_part(std::string_view text) {
  return Json{{"type", "text"}, {"text", std::string(text)}};
}

/// {"type":"image","source":{"type":"base64","media_type":..,"data":..}} for a data URL, else a
/// url source.
Json image_part(const std::string& url) {
  std::string_view u(url);
  if (u.starts_with("data:")) {
    const size_t comma = u.find(',');
    std::string_view header = u.substr(5, comma == std::string_view::npos ? u.npos : comma - 5);
    std::string media_type(header.substr(0, header.find(';')));
    if (media_type.empty()) media_type = "image/png";
    std::string data = comma == std::string_view::npos ? std::string() : url.substr(comma + 1);
    return Json{{"type", "image"},
                {"source",
                 Json{{"type", "base64"}, {"media_type", media_type}, {"data", std::move(data)}}}};
  }
  return Json{{"type", "image"}, {"source", Json{{"type", "url"}, {"url", url}}}};
}

const detail::PartStyle kStyle{"messages", &text_part, &image_part, nullptr, nullptr};

void render_turn(const dataset::Turn& t, Json& messages) {
  if (!t.messages_json.empty()) {
    Json raw = detail::parse_turn_json(t.messages_json, "messages");
    if (!raw.is_array()) throw InputError("turn messages must be a JSON array");
    for (Json& m : raw) messages.push_back(std::move(m));
    return;
  }
  messages.push_back(Json{{"role", t.role.empty() ? std::string("user") : t.role},
                          {"content", detail::turn_content(t, kStyle)}});
}

// ---- parsing ----------------------------------------------------------------------------------

struct Blocks {
  std::string text, thinking, tool;
};

/// A non-streaming `content` array: text, thinking and tool_use (name + compact input) blocks.
bool read_content_blocks(od::value& v, Blocks& b) {
  using namespace detail;
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::array) return true;
  od::array arr;
  if (v.get_array().get(arr)) return false;
  for (auto er : arr) {
    od::value block;
    if (std::move(er).get(block)) return false;
    if (!type_of(block, t) || t != od::json_type::object) continue;
    od::object o;
    if (block.get_object().get(o)) return false;
    std::string_view type, text, thinking, name;
    std::string input;
    for (auto fr : o) {
      od::field f;
      if (std::move(fr).get(f)) return false;
      const RawKey k = raw_key(f);
      od::value& fv = f.value();
      if (k == "type") {
        get_str(fv, type);
      } else if (k == "text") {
        get_str(fv, text);
      } else if (k == "thinking") {
        get_str(fv, thinking);
      } else if (k == "name") {
        get_str(fv, name);
      } else if (k == "input") {
        od::json_type it;
        if (!type_of(fv, it)) return false;
        // An empty input ({}, null) adds nothing, as AIPerf's `if tool_input`.
        if (it == od::json_type::object || it == od::json_type::array) {
          if (!append_compact_json(fv, input)) return false;
          if (input == "{}" || input == "[]") input.clear();
        }
      }
    }
    if (type == "text") {
      b.text.append(text);
    } else if (type == "thinking") {
      b.thinking.append(thinking);
    } else if (type == "tool_use") {
      b.tool.append(name);
      b.tool.append(input);
    }
  }
  return true;
}

/// content_block_delta's `delta`: text_delta -> text, thinking_delta -> reasoning,
/// input_json_delta -> tool-call text; signature_delta and unknown kinds carry nothing.
bool read_delta(od::value& v, ParsedResponse& out) {
  using namespace detail;
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  std::string_view type, text, thinking, partial;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    const RawKey k = raw_key(f);
    if (k == "type")
      get_str(f.value(), type);
    else if (k == "text")
      get_str(f.value(), text);
    else if (k == "thinking")
      get_str(f.value(), thinking);
    else if (k == "partial_json")
      get_str(f.value(), partial);
  }
  if (type == "text_delta" && !text.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(text);
  } else if (type == "thinking_delta" && !thinking.empty()) {
    out.kind = DataKind::kReasoning;
    out.reasoning.assign(thinking);
  } else if (type == "input_json_delta" && !partial.empty()) {
    out.kind = DataKind::kToolCall;
    out.tool_call_text.assign(partial);
  }
  return true;
}

/// message_start's `message`: its usage.
bool read_message_usage(od::value& v, ParsedResponse& out) {
  using namespace detail;
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    if (raw_key(f) == "usage" && read_usage(f.value(), out) < 0) return false;
  }
  return true;
}

bool parse_messages(std::string_view payload, ParsedResponse& out) {
  using namespace detail;
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return fail(out);
  std::string_view type;
  Blocks blocks;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f)) return fail(out);
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    if (k == "type") {
      get_str(v, type);
    } else if (k == "content") {
      if (!read_content_blocks(v, blocks)) return fail(out);
    } else if (k == "delta") {
      // message_delta's delta holds stop_reason; only content_block_delta's carries content
      // (decided by `type` below: keys may come in any order).
      if (!read_delta(v, out)) return fail(out);
    } else if (k == "message") {
      if (!read_message_usage(v, out)) return fail(out);
    } else if (k == "usage") {
      if (read_usage(v, out) < 0) return fail(out);
    } else if (k == "error") {
      if (!read_error(v, out)) return fail(out);
    }
  }
  if (type == "message") {
    if (!blocks.thinking.empty()) {
      out.kind = DataKind::kReasoning;
      out.reasoning = std::move(blocks.thinking);
      out.content = std::move(blocks.text);
    } else if (!blocks.tool.empty()) {
      out.kind = DataKind::kToolCall;
      out.tool_call_text = std::move(blocks.tool);
      out.content = std::move(blocks.text);
    } else if (!blocks.text.empty()) {
      out.kind = DataKind::kText;
      out.content = std::move(blocks.text);
    }
  } else if (type != "content_block_delta") {
    out.kind = DataKind::kNone;
    out.content.clear();
    out.reasoning.clear();
    out.tool_call_text.clear();
  }
  if (type != "message" && type != "message_start" && type != "message_delta") {
    out.has_usage = false;  // usage comes with message, message_start and message_delta only
    out.usage = record::Usage{};
  }
  if (type == "error" && !out.has_error) {
    out.has_error = true;
    out.error.type = "error";
    out.error.message = "the server sent an error event";
  }
  if (type.empty() && !out.has_error) return fail(out);  // not an Anthropic payload
  return out.has_data() || out.has_usage || out.has_error;
}

class MessagesEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kMessagesInfo; }

  std::string render_body(const RenderContext& ctx) const override {
    if (!ctx.turn) throw std::invalid_argument("messages: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    const dataset::Conversation* conv = ctx.conversation;
    Json messages = Json::array();
    if (conv && conv->user_context_message && !conv->user_context_message->empty())
      messages.push_back(Json{{"role", "user"}, {"content", *conv->user_context_message}});
    for (const dataset::Turn& t : ctx.history) render_turn(t, messages);
    render_turn(*ctx.turn, messages);

    Json payload = Json::object();
    payload["model"] = std::string(detail::model_of(ctx));
    payload["messages"] = std::move(messages);
    payload["max_tokens"] = ctx.turn->max_tokens.value_or(kDefaultMaxTokens);
    if (ctx.streaming) payload["stream"] = true;  // omitted otherwise, as Claude clients do
    const bool has_sys = conv && conv->system_message && !conv->system_message->empty();
    if (ctx.warmup) {
      payload["system"] = has_sys ? "warmup\n" + *conv->system_message : "warmup";
    } else if (has_sys) {
      payload["system"] = *conv->system_message;
    }
    const std::string* tools = nullptr;
    if (!ctx.turn->tools_json.empty()) tools = &ctx.turn->tools_json;
    for (auto it = ctx.history.rbegin(); !tools && it != ctx.history.rend(); ++it)
      if (!it->tools_json.empty()) tools = &it->tools_json;
    if (tools) payload["tools"] = detail::parse_turn_json(*tools, "tools");
    detail::merge_extra(payload, ctx.extra_inputs);
    detail::merge_turn_extra(payload, *ctx.turn);
    return detail::dump_compact(payload);  // no stream_options: not an Anthropic field
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_messages(payload, out);
  }
};

}  // namespace

std::unique_ptr<Endpoint> make_messages() {
  return std::make_unique<MessagesEndpoint>();
}

}  // namespace aiperf::endpoint
