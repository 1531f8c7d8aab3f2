// Triton's own protocol, as GenAI-Perf speaks it (--service-kind triton; docs/triton.md):
// "kserve" (the TensorRT-LLM backend's tensors) and "kserve_vllm" (the vLLM backend's) go over
// KServe v2 gRPC (kserve/grpc_client.h). Their bodies are GenAI-Perf's inputs.json rows, one key
// per input tensor, each a one-element list; the gRPC client turns them into tensors. Each
// response is kept as {"text_output": "..."} and parsed here.
#include <stdexcept>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/builtin.h"
#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint {

namespace {

namespace od = simdjson::ondemand;

/// GenAI-Perf's max_tokens for the TensorRT-LLM backend when no output length is asked for.
constexpr int64_t kTrtllmDefaultMaxTokens = 256;

constexpr EndpointInfo kKserveInfo{
    .name = "kserve",
    .endpoint_path = "",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
    .service_kind = "triton",
    .grpc = true,
};

constexpr EndpointInfo kKserveVllmInfo{
    .name = "kserve_vllm",
    .endpoint_path = "",
    .streaming_path = "",
    .supports_streaming = true,
    .produces_tokens = true,
    .tokenizes_input = true,
    .metrics_title = "LLM Metrics",
    .service_kind = "triton",
    .grpc = true,
};

/// The vLLM backend's own input tensors; any other --extra-inputs key is a sampling parameter.
bool is_vllm_input(std::string_view k) {
  return k == "text_input" || k == "stream" || k == "sampling_parameters" ||
         k == "exclude_input_in_output" || k == "return_finish_reason" ||
         k == "return_cumulative_logprob" || k == "return_num_input_tokens" ||
         k == "return_num_output_tokens";
}

std::string prompt_of(const RenderContext& ctx, std::string_view type) {
  if (!ctx.turn) throw std::invalid_argument(std::string(type) + ": render_body needs a turn");
  if (!ctx.history.empty()) {
    throw InputError("--endpoint-type " + std::string(type) +
                     " supports single-turn conversations only (Triton's LLM backends keep no "
                     "history); use an OpenAI endpoint for multi-turn data");
  }
  std::string text;
  for (std::string_view t : detail::text_items(*ctx.turn)) {
    if (t.empty()) continue;
    if (!text.empty()) text += ' ';
    text += t;
  }
  return text;
}

class KserveEndpoint final : public Endpoint {
 public:
  explicit KserveEndpoint(bool vllm) : vllm_(vllm) {}
  const EndpointInfo& info() const override { return vllm_ ? kKserveVllmInfo : kKserveInfo; }

  /// TensorRT-LLM: {"model", "text_input": [prompt], "max_tokens": [N, else 256], "stream":
  /// [true] when streaming, ...each --extra-inputs key: [value]} (ignore_eos:true becomes
  /// "min_length": [N]). vLLM: {"model", "text_input":
  /// [prompt], "exclude_input_in_output": [true], "stream": [true], "sampling_parameters":
  /// ["{\"max_tokens\": \"N\", ...}"]} with --extra-inputs that are not vLLM inputs folded into
  /// the sampling parameters (GenAI-Perf sends them as tensors the model does not have).
  std::string render_body(const RenderContext& ctx) const override {
    using detail::Json;
    std::string prompt = prompt_of(ctx, info().name);
    Json payload = Json::object();
    payload["model"] = std::string(detail::model_of(ctx));
    payload["text_input"] = Json::array({std::move(prompt)});
    if (!vllm_) {
      int64_t max_tokens = ctx.turn->max_tokens ? *ctx.turn->max_tokens : kTrtllmDefaultMaxTokens;
      payload["max_tokens"] = Json::array({max_tokens});
      if (ctx.streaming) payload["stream"] = Json::array({true});
      if (ctx.extra_inputs) {
        for (const auto& [k, v] : ctx.extra_inputs->items()) {
          // The ensemble has no ignore_eos: an exact length is min_length = max_tokens, as
          // GenAI-Perf's --output-tokens-mean-deterministic sends it.
          if (k == "ignore_eos" && v.is_boolean()) {
            if (v.get<bool>()) payload["min_length"] = Json::array({max_tokens});
            continue;
          }
          payload[k] = Json::array({v});
        }
      }
      return detail::dump_compact(payload);
    }
    payload["exclude_input_in_output"] = Json::array({true});
    if (ctx.streaming) payload["stream"] = Json::array({true});
    Json sampling = Json::object();
    if (ctx.turn->max_tokens) sampling["max_tokens"] = std::to_string(*ctx.turn->max_tokens);
    if (ctx.extra_inputs) {
      for (const auto& [k, v] : ctx.extra_inputs->items()) {
        if (is_vllm_input(k)) {
          payload[k] = Json::array({v});
        } else {
          sampling[k] = v;
        }
      }
    }
    if (!sampling.empty() && !payload.contains("sampling_parameters")) {
      payload["sampling_parameters"] = Json::array({sampling.dump()});
    }
    return detail::dump_compact(payload);
  }

  bool parse(std::string_view payload, ParsedResponse& out) const override {
    return parse_text_output(payload, out);
  }

 private:
  bool vllm_;
};

}  // namespace

bool parse_text_output(std::string_view payload, ParsedResponse& out) {
  using namespace detail;
  out.clear();
  od::document doc;
  if (!start_document(payload, doc)) return false;
  od::object obj;
  if (doc.get_object().get(obj)) return fail(out);
  std::string_view text;
  for (auto fr : obj) {
    od::field f;
    if (std::move(fr).get(f)) return fail(out);
    const RawKey k = raw_key(f);
    if (k == "text_output") {
      get_str(f.value(), text);
    } else if (k == "error") {
      if (!read_error(f.value(), out)) return fail(out);
    }
  }
  if (!text.empty()) {
    out.kind = DataKind::kText;
    out.content.assign(text);
  }
  return out.has_data() || out.has_error;
}

std::unique_ptr<Endpoint> make_kserve() {
  return std::make_unique<KserveEndpoint>(false);
}

std::unique_ptr<Endpoint> make_kserve_vllm() {
  return std::make_unique<KserveEndpoint>(true);
}

}  // namespace aiperf::endpoint
