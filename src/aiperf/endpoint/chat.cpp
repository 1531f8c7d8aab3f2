// OpenAI Chat Completions (spec §5.4 "chat").
#include <stdexcept>

#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
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
};

class ChatEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kChatInfo; }

  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("chat: render_body needs a turn");
    Json messages = Json::array();
    const std::optional<std::string>* sys =
        ctx.conversation ? &ctx.conversation->system_message : nullptr;
    if (ctx.warmup) {
      // Warmup: "warmup" system message, or prefix an existing one with "warmup\n".
      std::string content = (sys && *sys) ? "warmup\n" + **sys : std::string("warmup");
      messages.push_back(Json{{"role", "system"}, {"content", content}});
    } else if (sys && *sys) {
      messages.push_back(Json{{"role", "system"}, {"content", **sys}});
    }
    auto add_turn = [&messages](const dataset::Turn& t) {
      messages.push_back(
          Json{{"role", t.role.empty() ? std::string("user") : t.role}, {"content", t.text}});
    };
    for (const dataset::Turn& t : ctx.history) add_turn(t);
    add_turn(*ctx.turn);

    Json payload = Json::object();
    payload["messages"] = std::move(messages);
    payload["model"] = std::string(detail::model_of(ctx));
    payload["stream"] = ctx.streaming;
    if (ctx.turn->max_tokens)
      payload[ctx.use_legacy_max_tokens ? "max_tokens" : "max_completion_tokens"] =
          *ctx.turn->max_tokens;
    detail::merge_extra(payload, ctx.extra_inputs);
    detail::ensure_include_usage(payload, ctx);
    return detail::dump_compact(payload);
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
