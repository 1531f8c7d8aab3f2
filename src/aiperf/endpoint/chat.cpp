// OpenAI Chat Completions (spec §5.4 "chat").
#include <charconv>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/common/json_string.h"

#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/message_parts.h"
#include "aiperf/endpoint/openai_parse.h"

namespace aiperf::endpoint {

namespace {

constexpr EndpointInfo kChatInfo{
    .name = "chat",
    .endpoint_path = "/v1/chat/completions",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
    .service_kind = "openai",
    .supports_audio = true,
    .supports_images = true,
    .supports_videos = true,
};

/// Appends the messages of one turn: its raw messages verbatim, else one role/content message.
void render_turn(const dataset::Turn& t, detail::Json& out) {
  using detail::Json;
  if (!t.messages_json.empty()) {
    Json raw = detail::parse_turn_json(t.messages_json, "messages");
    if (!raw.is_array()) throw InputError("turn messages must be a JSON array");
    for (Json& m : raw) out.push_back(std::move(m));
    return;
  }
  out.push_back(Json{{"role", t.role.empty() ? std::string("user") : t.role},
                     {"content", detail::turn_content(t, detail::chat_part_style())}});
}

/// The tools of the most recent turn that has them (the current turn first).
const std::string* latest_tools(const RenderContext& ctx) {
  if (!ctx.turn->tools_json.empty()) return &ctx.turn->tools_json;
  for (auto it = ctx.history.rbegin(); it != ctx.history.rend(); ++it) {
    if (!it->tools_json.empty()) return &it->tools_json;
  }
  return nullptr;
}

/// Appends `"role":<role>,"content":<content>` as an object; false if a string is not valid
/// UTF-8.
bool append_message(std::string& out, std::string_view role, std::string_view content) {
  out += R"({"role":)";
  if (!append_json_string(out, role)) return false;
  out += R"(,"content":)";
  if (!append_json_string(out, content)) return false;
  out += '}';
  return true;
}

}  // namespace

namespace detail {

bool chat_body_plain(const RenderContext& ctx, std::string& out) {
  const dataset::Turn& t = *ctx.turn;
  const Json* extra = ctx.extra_inputs;
  if (!ctx.history.empty() || !t.payload_json.empty() || !t.messages_json.empty() ||
      !t.tools_json.empty() || !t.extra_json.empty() || !t.media.empty() || t.texts.size() > 1 ||
      t.role == "system" || (extra && extra->is_object() && !extra->empty())) {
    return false;
  }
  const std::string_view text = t.texts.empty() ? std::string_view(t.text) : t.texts[0];
  const dataset::Conversation* conv = ctx.conversation;
  const bool has_sys = conv && conv->system_message && !conv->system_message->empty();
  out.clear();
  out.reserve(text.size() + 256);
  out += R"({"messages":[)";
  if (ctx.warmup) {
    if (!append_message(out, "system", has_sys ? "warmup\n" + *conv->system_message : "warmup"))
      return false;
    out += ',';
  } else if (has_sys) {
    if (!append_message(out, "system", *conv->system_message)) return false;
    out += ',';
  }
  if (conv && conv->user_context_message && !conv->user_context_message->empty()) {
    if (!append_message(out, "user", *conv->user_context_message)) return false;
    out += ',';
  }
  if (!append_message(out, t.role.empty() ? std::string_view("user") : t.role, text)) return false;
  out += R"(],"model":)";
  if (!append_json_string(out, model_of(ctx))) return false;
  out += ctx.streaming ? R"(,"stream":true)" : R"(,"stream":false)";
  if (t.max_tokens) {
    out += ctx.use_legacy_max_tokens ? R"(,"max_tokens":)" : R"(,"max_completion_tokens":)";
    char num[24];
    out.append(num, std::to_chars(num, num + sizeof num, *t.max_tokens).ptr);
  }
  if (ctx.streaming && ctx.use_server_token_count)
    out += R"(,"stream_options":{"include_usage":true})";
  out += '}';
  return true;
}

std::string chat_body_tree(const RenderContext& ctx) {
  // The turns' own messages (history, then the current turn), before the shared ones.
  Json rendered = Json::array();
  for (const dataset::Turn& t : ctx.history) render_turn(t, rendered);
  render_turn(*ctx.turn, rendered);

  Json messages = Json::array();
  const dataset::Conversation* conv = ctx.conversation;
  const bool first_is_system = !rendered.empty() && rendered[0].is_object() &&
                               rendered[0].contains("role") && rendered[0]["role"] == "system";
  size_t first = 0;
  if (first_is_system) {
    // Raw messages that open with a system message keep it; the conversation's system
    // message is not added. Warmup prefixes that message instead.
    Json sys = rendered[0];
    if (ctx.warmup) {
      auto it = sys.find("content");
      if (it != sys.end() && it->is_string()) {
        const std::string& text = it->get_ref<const std::string&>();
        *it = text.empty() ? std::string("warmup") : "warmup\n" + text;
      }
    }
    messages.push_back(std::move(sys));
    first = 1;
  } else {
    const bool has_sys = conv && conv->system_message && !conv->system_message->empty();
    if (ctx.warmup) {
      // Warmup: "warmup" system message, or prefix an existing one with "warmup\n".
      std::string content = has_sys ? "warmup\n" + *conv->system_message : "warmup";
      messages.push_back(Json{{"role", "system"}, {"content", std::move(content)}});
    } else if (has_sys) {
      messages.push_back(Json{{"role", "system"}, {"content", *conv->system_message}});
    }
  }
  if (conv && conv->user_context_message && !conv->user_context_message->empty())
    messages.push_back(Json{{"role", "user"}, {"content", *conv->user_context_message}});
  for (size_t i = first; i < rendered.size(); ++i) messages.push_back(std::move(rendered[i]));

  Json payload = Json::object();
  payload["messages"] = std::move(messages);
  payload["model"] = std::string(detail::model_of(ctx));
  payload["stream"] = ctx.streaming;
  if (const std::string* tools = latest_tools(ctx))
    payload["tools"] = detail::parse_turn_json(*tools, "tools");
  if (ctx.turn->max_tokens)
    payload[ctx.use_legacy_max_tokens ? "max_tokens" : "max_completion_tokens"] =
        *ctx.turn->max_tokens;
  return finish_body(payload, ctx);
}

}  // namespace detail

namespace {

class ChatEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kChatInfo; }

  std::string render_body(const RenderContext& ctx) const override {
    if (!ctx.turn) throw std::invalid_argument("chat: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    // The usual request (a synthetic prompt, one text turn) is written straight out: the JSON
    // tree cost ~30k instructions and ~60 allocations a body, most of a session's rendering
    // when sessions are rendered just in time.
    std::string body;
    if (detail::chat_body_plain(ctx, body)) return body;
    return detail::chat_body_tree(ctx);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return detail::parse_openai(payload, detail::OpenAiApi::kChat, out);
  }
};

}  // namespace

std::unique_ptr<Endpoint> make_chat() {
  return std::make_unique<ChatEndpoint>();
}

}  // namespace aiperf::endpoint
