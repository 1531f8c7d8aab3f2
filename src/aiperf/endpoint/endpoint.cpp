// Endpoint base, registry, extra inputs and render-context helpers.
#include "aiperf/endpoint/endpoint.h"

#include <mutex>
#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/builtin.h"

namespace aiperf::endpoint {

Endpoint::~Endpoint() = default;

std::string_view Endpoint::path(const config::Config& cfg) const {
  if (cfg.custom_endpoint) return *cfg.custom_endpoint;
  const EndpointInfo& i = info();
  if (cfg.streaming && !i.streaming_path.empty()) return i.streaming_path;
  return i.endpoint_path;
}

void Endpoint::configure(const config::Config&) {}

// ---- registry ---------------------------------------------------------------------------------

namespace {

struct Registry {
  std::mutex mu;
  std::vector<EndpointEntry> entries;
  Registry() {
    // Built-in endpoints: one line each (CLI name, description, factory).
    entries.push_back({"chat", "OpenAI Chat Completions (/v1/chat/completions)", &make_chat});
    entries.push_back({"cohere_rankings", "Cohere rerank API (/v2/rerank)", &make_cohere_rankings});
    entries.push_back({"completions", "OpenAI Completions (/v1/completions)", &make_completions});
    entries.push_back({"responses", "OpenAI Responses API (/v1/responses)", &make_responses});
    entries.push_back({"chat_embeddings",
                       "Chat-style multimodal embeddings, vLLM (/v1/embeddings, chat body)",
                       &make_chat_embeddings});
    entries.push_back({"embeddings", "OpenAI Embeddings (/v1/embeddings)", &make_embeddings});
    entries.push_back(
        {"hf_tei_rankings", "Hugging Face TEI rerank (/rerank)", &make_hf_tei_rankings});
    entries.push_back({"huggingface_generate", "Hugging Face TGI (/generate, /generate_stream)",
                       &make_huggingface_generate});
    entries.push_back({"image_generation", "OpenAI Image Generation (/v1/images/generations)",
                       &make_image_generation});
    entries.push_back({"video_generation", "OpenAI/SGLang video jobs (/v1/videos, polled)",
                       &make_video_generation});
    entries.push_back(
        {"nim_embeddings", "NVIDIA NIM Embeddings (/v1/embeddings)", &make_nim_embeddings});
    entries.push_back({"nim_rankings", "NVIDIA NIM Rankings (/v1/ranking)", &make_nim_rankings});
    entries.push_back({"template", "A body template of your own (--extra-inputs payload_template)",
                       &make_template});
    entries.push_back({"messages", "Anthropic Messages API (/v1/messages)", &make_messages});
    entries.push_back(
        {"kserve", "Triton KServe v2 gRPC, TensorRT-LLM backend tensors", &make_kserve});
    entries.push_back(
        {"kserve_vllm", "Triton KServe v2 gRPC, vLLM backend tensors", &make_kserve_vllm});
    entries.push_back({"triton_generate",
                       "Triton HTTP generate extension (/v2/models/<model>/generate[_stream])",
                       &make_triton_generate});
  }
};

Registry& reg() {
  static Registry r;
  return r;
}

}  // namespace

const std::vector<EndpointEntry>& registry() {
  return reg().entries;
}

bool register_endpoint(std::string name, std::string description, EndpointFactory factory) {
  Registry& r = reg();
  std::lock_guard lock(r.mu);
  for (const auto& e : r.entries)
    if (e.name == name) return false;
  r.entries.push_back({std::move(name), std::move(description), factory});
  return true;
}

std::unique_ptr<Endpoint> create(std::string_view name) {
  Registry& r = reg();
  EndpointFactory factory = nullptr;
  {
    std::lock_guard lock(r.mu);
    for (const auto& e : r.entries)
      if (e.name == name) factory = e.factory;
  }
  return factory ? factory() : nullptr;  // outside the lock: a factory may call create()
}

std::unique_ptr<Endpoint> create(config::EndpointType type) {
  return create(std::string_view(config::to_string(type)));
}

std::unique_ptr<Endpoint> create(const config::Config& cfg) {
  std::unique_ptr<Endpoint> ep = create(cfg.endpoint_type);
  if (!ep) {
    throw ConfigError(std::string("--endpoint-type ") + config::to_string(cfg.endpoint_type) +
                      ": no such endpoint in this build");
  }
  ep->configure(cfg);
  return ep;
}

// ---- bodies -----------------------------------------------------------------------------------

std::shared_ptr<const nlohmann::ordered_json> parse_extra_inputs(std::string_view json_text) {
  auto j = std::make_shared<nlohmann::ordered_json>();
  if (json_text.empty()) {
    *j = nlohmann::ordered_json::object();
    return j;
  }
  try {
    *j = nlohmann::ordered_json::parse(json_text);
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(std::string("--extra-inputs: not valid JSON (") + e.what() + ")");
  }
  if (!j->is_object())
    throw ConfigError("--extra-inputs: expected a JSON object or key:value pairs");
  return j;
}

RenderContext make_render_context(const config::Config& cfg, const dataset::Conversation& conv,
                                  const dataset::Turn& turn,
                                  const nlohmann::ordered_json* extra_inputs,
                                  std::span<const dataset::Turn> history, bool warmup) {
  RenderContext ctx;
  ctx.conversation = &conv;
  ctx.history = history;
  ctx.turn = &turn;
  if (!cfg.models.empty()) ctx.default_model = cfg.models.front();
  ctx.streaming = cfg.streaming;
  ctx.use_legacy_max_tokens = cfg.use_legacy_max_tokens;
  ctx.use_server_token_count = cfg.use_server_token_count;
  ctx.warmup = warmup;
  ctx.extra_inputs = extra_inputs;
  return ctx;
}

}  // namespace aiperf::endpoint
