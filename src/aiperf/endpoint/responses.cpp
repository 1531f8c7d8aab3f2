// OpenAI Responses API (spec §5.4 "responses"): /v1/responses. The body is an `input` item list
// with the system prompt in `instructions`; the stream is typed events (`type` in each data
// object): response.output_text.delta, response.reasoning_text.delta,
// response.function_call_arguments.delta, response.output_text.done, response.completed (usage),
// response.incomplete (usage, e.g. max_output_tokens reached), response.failed and error.
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

constexpr EndpointInfo kResponsesInfo{
    .name = "responses",
    .endpoint_path = "/v1/responses",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
    .supports_audio = true,
    .supports_images = true,
};

Json input_text(std::string_view text) {
  return Json{{"type", "input_text"}, {"text", std::string(text)}};
}
Json input_image(const std::string& url) {
  return Json{{"type", "input_image"}, {"image_url", url}};  // a plain string, not nested
}

const detail::PartStyle kStyle{"responses", &input_text, &input_image, &detail::input_audio_part,
                               nullptr};

/// Output items that are only valid as input with their tool config or previous_response_id;
/// raw messages replayed from a captured response drop them (as AIPerf).
bool replay_unsafe(const Json& item) {
  if (!item.is_object()) return false;
  auto it = item.find("type");
  if (it == item.end() || !it->is_string()) return false;
  const std::string& t = it->get_ref<const std::string&>();
  return t == "web_search_call" || t == "file_search_call" || t == "image_generation_call" ||
         t == "code_interpreter_call" || t == "computer_call" || t == "reasoning";
}

void render_turn(const dataset::Turn& t, Json& items) {
  if (!t.messages_json.empty()) {
    Json raw = detail::parse_turn_json(t.messages_json, "messages");
    if (!raw.is_array()) throw InputError("turn messages must be a JSON array");
    for (Json& m : raw)
      if (!replay_unsafe(m)) items.push_back(std::move(m));
    return;
  }
  items.push_back(Json{{"role", t.role.empty() ? std::string("user") : t.role},
                       {"content", detail::turn_content(t, kStyle)},
                       {"type", "message"}});
}

const std::string* latest_tools(const RenderContext& ctx) {
  if (!ctx.turn->tools_json.empty()) return &ctx.turn->tools_json;
  for (auto it = ctx.history.rbegin(); it != ctx.history.rend(); ++it)
    if (!it->tools_json.empty()) return &it->tools_json;
  return nullptr;
}

// ---- parsing ----------------------------------------------------------------------------------

/// The text parts of an output item's list (message `content` output_text parts; reasoning
/// `summary` summary_text parts and `content` reasoning_text parts).
bool collect_parts(od::value& v, std::string_view want1, std::string_view want2, std::string& out) {
  using namespace detail;
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::array) return true;
  od::array arr;
  if (v.get_array().get(arr)) return false;
  for (auto er : arr) {
    od::value part;
    if (std::move(er).get(part)) return false;
    if (!type_of(part, t) || t != od::json_type::object) continue;
    od::object o;
    if (part.get_object().get(o)) return false;
    std::string_view type, text;
    for (auto fr : o) {
      od::field f;
      if (std::move(fr).get(f)) return false;
      const RawKey k = raw_key(f);
      if (k == "type")
        get_str(f.value(), type);
      else if (k == "text")
        get_str(f.value(), text);
    }
    if (type == want1 || (!want2.empty() && type == want2)) out.append(text);
  }
  return true;
}

struct FullOutput {
  std::string text, reasoning, tool;
};

/// One `output[]` item of a non-streaming response.
bool read_output_item(od::value& item, FullOutput& acc) {
  using namespace detail;
  od::json_type t;
  if (!type_of(item, t) || t != od::json_type::object) return true;
  od::object o;
  if (item.get_object().get(o)) return false;
  // Keys come in any order: remember the lists' text per kind, decide by `type` at the end.
  std::string_view type, name, arguments;
  std::string content_text, summary_text;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    if (k == "type") {
      get_str(v, type);
    } else if (k == "content") {
      // message: output_text parts; reasoning (vLLM, open-weight models): reasoning_text parts
      if (!collect_parts(v, "output_text", "reasoning_text", content_text)) return false;
    } else if (k == "summary") {
      if (!collect_parts(v, "summary_text", "", summary_text)) return false;
    } else if (k == "name") {
      get_str(v, name);
    } else if (k == "arguments") {
      get_str(v, arguments);
    }
  }
  if (type == "message") {
    acc.text += content_text;
  } else if (type == "reasoning") {
    acc.reasoning += summary_text;
    acc.reasoning += content_text;
  } else if (type == "function_call") {
    acc.tool.append(name);
    acc.tool.append(arguments);
  }
  return true;
}

/// `response` object of response.completed / incomplete / failed: its usage, and its error.
bool read_response_object(od::value& v, ParsedResponse& out) {
  using namespace detail;
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::object) return true;
  od::object o;
  if (v.get_object().get(o)) return false;
  for (auto fr : o) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    const RawKey k = raw_key(f);
    if (k == "usage") {
      if (read_usage(f.value(), out) < 0) return false;
    } else if (k == "error") {
      if (!read_error(f.value(), out)) return false;
    }
  }
  return true;
}

/// The top-level members a Responses API message may carry (views into the parser's buffer).
struct Fields {
  std::string_view type, object, delta, text, message, code_str, output_text;
  std::optional<int> code;
  FullOutput full;
  bool has_output = false;
};

bool read_fields(od::object root, Fields& x, ParsedResponse& out) {
  using namespace detail;
  for (auto fr : root) {
    od::field f;
    if (std::move(fr).get(f)) return false;
    const RawKey k = raw_key(f);
    od::value& v = f.value();
    if (k == "type") {
      get_str(v, x.type);
    } else if (k == "object") {
      get_str(v, x.object);
    } else if (k == "delta") {
      get_str(v, x.delta);
    } else if (k == "text") {
      get_str(v, x.text);
    } else if (k == "message") {
      get_str(v, x.message);
    } else if (k == "code") {
      if (!get_str(v, x.code_str)) x.code = read_int(v);
    } else if (k == "response") {
      if (!read_response_object(v, out)) return false;
    } else if (k == "usage") {
      if (read_usage(v, out) < 0) return false;
    } else if (k == "error") {
      if (!read_error(v, out)) return false;
    } else if (k == "output") {
      od::json_type t;
      if (!type_of(v, t)) return false;
      if (t != od::json_type::array) continue;
      x.has_output = true;
      od::array arr;
      if (v.get_array().get(arr)) return false;
      for (auto er : arr) {
        od::value item;
        if (std::move(er).get(item) || !read_output_item(item, x.full)) return false;
      }
    } else if (k == "output_text") {
      get_str(v, x.output_text);
    }
  }
  return true;
}

/// A streaming event, by its `type`.
void classify_event(const Fields& x, ParsedResponse& out) {
  const std::string_view type = x.type;
  if (type == "response.output_text.delta" && !x.delta.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(x.delta);
  } else if (type == "response.reasoning_text.delta" && !x.delta.empty()) {
    out.kind = DataKind::kReasoning;
    out.reasoning.assign(x.delta);
  } else if (type == "response.function_call_arguments.delta" && !x.delta.empty()) {
    out.kind = DataKind::kToolCall;
    out.tool_call_text.assign(x.delta);
  } else if (type == "response.output_text.done" && !x.text.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(x.text);
    out.final_text = true;
  } else if (type == "error" && !out.has_error) {
    out.has_error = true;
    out.error.type = x.code_str.empty() ? std::string("error") : std::string(x.code_str);
    out.error.message.assign(x.message);
    out.error.code = x.code;
  } else if (type == "response.failed" && !out.has_error) {
    out.has_error = true;
    out.error.type = "response.failed";
    out.error.message = "the server reported response.failed";
  }
  // Usage only from the final events (response.completed, response.incomplete); other
  // structural events (created, in_progress, output_item.*, content_part.*) carry none.
  if (type != "response.completed" && type != "response.incomplete" && type != "response.failed") {
    out.has_usage = false;
    out.usage = record::Usage{};
  }
}

/// A non-streaming response object: precedence reasoning > text > tool call, then output_text.
void classify_full(Fields& x, ParsedResponse& out) {
  FullOutput& full = x.full;
  if (x.has_output && !full.reasoning.empty()) {
    out.kind = DataKind::kReasoning;
    out.reasoning = std::move(full.reasoning);
    out.content = std::move(full.text);
  } else if (x.has_output && !full.text.empty()) {
    out.kind = DataKind::kText;
    out.content = std::move(full.text);
  } else if (x.has_output && !full.tool.empty()) {
    out.kind = DataKind::kToolCall;
    out.tool_call_text = std::move(full.tool);
  } else if (!x.output_text.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(x.output_text);
  }
}

bool parse_responses(std::string_view payload, ParsedResponse& out) {
  using namespace detail;
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object root;
  if (doc.get_object().get(root)) return fail(out);
  Fields x;
  if (!read_fields(root, x, out)) return fail(out);
  if (!x.type.empty()) {
    classify_event(x, out);
  } else if (x.object == "response") {
    classify_full(x, out);
  } else if (!out.has_error) {
    out.has_usage = false;  // some other object: not a Responses API message
  }
  return out.has_data() || out.has_usage || out.has_error;
}

class ResponsesEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kResponsesInfo; }

  std::string render_body(const RenderContext& ctx) const override {
    if (!ctx.turn) throw std::invalid_argument("responses: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    const dataset::Conversation* conv = ctx.conversation;
    Json items = Json::array();
    if (conv && conv->user_context_message && !conv->user_context_message->empty()) {
      items.push_back(
          Json{{"type", "message"}, {"role", "user"}, {"content", *conv->user_context_message}});
    }
    for (const dataset::Turn& t : ctx.history) render_turn(t, items);
    render_turn(*ctx.turn, items);

    Json payload = Json::object();
    payload["input"] = std::move(items);
    payload["model"] = std::string(detail::model_of(ctx));
    payload["stream"] = ctx.streaming;
    const bool has_sys = conv && conv->system_message && !conv->system_message->empty();
    if (ctx.warmup) {
      payload["instructions"] = has_sys ? "warmup\n" + *conv->system_message : "warmup";
    } else if (has_sys) {
      payload["instructions"] = *conv->system_message;
    }
    if (ctx.turn->max_tokens) payload["max_output_tokens"] = *ctx.turn->max_tokens;
    if (const std::string* tools = latest_tools(ctx))
      payload["tools"] = detail::parse_turn_json(*tools, "tools");
    return detail::finish_body(payload, ctx);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_responses(payload, out);
  }
};

}  // namespace

std::unique_ptr<Endpoint> make_responses() {
  return std::make_unique<ResponsesEndpoint>();
}

}  // namespace aiperf::endpoint
