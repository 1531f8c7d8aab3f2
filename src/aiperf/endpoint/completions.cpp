// OpenAI Completions (spec §5.4 "completions").
#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/openai_parse.h"

namespace aiperf::endpoint {

namespace {

constexpr EndpointInfo kCompletionsInfo{
    .name = "completions",
    .endpoint_path = "/v1/completions",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
    .service_kind = "openai",
};

class CompletionsEndpoint final : public Endpoint {
 public:
  const EndpointInfo& info() const override { return kCompletionsInfo; }

  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("completions: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    if (!ctx.history.empty())
      throw ConfigError(
          "--endpoint-type completions supports single-turn conversations only; use chat");
    Json prompt = Json::array();
    for (std::string_view text : detail::text_items(*ctx.turn)) {
      if (text.empty()) continue;
      prompt.push_back(ctx.warmup ? "warmup\n" + std::string(text) : std::string(text));
    }
    Json payload = Json::object();
    payload["prompt"] = std::move(prompt);
    payload["model"] = std::string(detail::model_of(ctx));
    payload["stream"] = ctx.streaming;
    if (ctx.turn->max_tokens && *ctx.turn->max_tokens != 0)
      payload["max_tokens"] = *ctx.turn->max_tokens;
    return detail::finish_body(payload, ctx);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return detail::parse_openai(payload, detail::OpenAiApi::kCompletions, out);
  }
};

}  // namespace

std::unique_ptr<Endpoint> make_completions() {
  return std::make_unique<CompletionsEndpoint>();
}

}  // namespace aiperf::endpoint
