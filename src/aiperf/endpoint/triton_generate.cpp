// Triton's HTTP generate extension (GenAI-Perf's --endpoint-type generate; docs/triton.md):
// POST /v2/models/<model>/generate answers one JSON object, /generate_stream an SSE event per
// response, each {"model_name", "model_version", "text_output": "..."} (a delta when streaming).
// Errors are {"error": "message"}.
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"

namespace aiperf::endpoint {

namespace {

class TritonGenerateEndpoint final : public Endpoint {
 public:
  TritonGenerateEndpoint() { set_paths("{model}"); }

  const EndpointInfo& info() const override { return info_; }

  /// The model of the path is the first --model, as GenAI-Perf formats its endpoint.
  void configure(const config::Config& cfg) override {
    set_paths(cfg.models.empty() ? std::string("model") : cfg.models.front());
  }

  /// {"text_input": prompt, "stream": true when streaming, "max_tokens": N, ...--extra-inputs}:
  /// GenAI-Perf's generate body; the prompt is a string, as Triton's documentation sends it
  /// (GenAI-Perf wraps it in a one-element list).
  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    if (!ctx.turn) throw std::invalid_argument("triton_generate: render_body needs a turn");
    if (auto raw = detail::raw_payload_body(ctx)) return *std::move(raw);
    if (!ctx.history.empty()) {
      throw InputError(
          "--endpoint-type triton_generate supports single-turn conversations only (Triton's LLM "
          "backends keep no history); use an OpenAI endpoint for multi-turn data");
    }
    std::string prompt;
    for (std::string_view t : detail::text_items(*ctx.turn)) {
      if (t.empty()) continue;
      if (!prompt.empty()) prompt += ' ';
      prompt += t;
    }
    Json payload = Json::object();
    payload["text_input"] = std::move(prompt);
    if (ctx.streaming) payload["stream"] = true;
    if (ctx.turn->max_tokens) payload["max_tokens"] = *ctx.turn->max_tokens;
    detail::merge_extra(payload, ctx.extra_inputs);
    detail::merge_turn_extra(payload, *ctx.turn);
    return detail::dump_compact(payload);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_text_output(payload, out);
  }

 private:
  void set_paths(const std::string& model) {
    path_ = "/v2/models/" + model + "/generate";
    stream_path_ = path_ + "_stream";
    info_ = EndpointInfo{
        .name = "triton_generate",
        .endpoint_path = path_,
        .streaming_path = stream_path_,
        .supports_streaming = true,
        .produces_tokens = true,
        .tokenizes_input = true,
        .metrics_title = "LLM Metrics",
        .service_kind = "triton",
    };
  }

  std::string path_, stream_path_;
  EndpointInfo info_;
};

}  // namespace

std::unique_ptr<Endpoint> make_triton_generate() {
  return std::make_unique<TritonGenerateEndpoint>();
}

}  // namespace aiperf::endpoint
