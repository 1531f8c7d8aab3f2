// Prometheus texts of the mock, one per server family it imitates (docs/mock-server.md): the
// metric names, types, label sets and conventions of vLLM (V1, prometheus_client), SGLang,
// TensorRT-LLM (trtllm-serve), Triton with the TensorRT-LLM backend, Dynamo's frontend, TGI,
// llama.cpp and AIPerf's own mock, all drawn from the same counters.
#include <fmt/format.h>

#include <cmath>

#include "aiperf/mock/metrics_buckets.h"
#include "aiperf/mock/metrics_text.h"
#include "aiperf/mock/server_metrics.h"

namespace aiperf::mock {

namespace {

using namespace detail;

void render_vllm(const ServerMetrics& m, Text& t, const std::string& model, double created) {
  using namespace buckets;
  const std::string l = fmt::format("engine=\"0\",model_name=\"{}\"", model);
  t.family("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.");
  t.sample("vllm:num_requests_running", l, double(m.num_requests_running.load(kR)));
  t.family("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.");
  t.sample("vllm:num_requests_waiting", l, double(m.num_requests_waiting.load(kR)));
  t.family("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.");
  t.sample("vllm:kv_cache_usage_perc", l, kv_ratio(m));
  t.py_counter("vllm:prefix_cache_queries",
               "Prefix cache queries, in terms of number of queried tokens.", l,
               double(m.prompt_tokens_total.load(kR)), created);
  t.py_counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.",
               l, double(m.cached_prompt_tokens_total.load(kR)), created);
  t.py_counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.", l, 0,
               created);
  t.py_counter("vllm:prompt_tokens", "Number of prefill tokens processed.", l,
               double(m.prompt_tokens_total.load(kR)), created);
  t.py_counter("vllm:generation_tokens", "Number of generation tokens processed.", l,
               double(m.generation_tokens_total.load(kR)), created);
  t.family("vllm:request_success_total", "counter", "Count of successfully processed requests.");
  for (auto [reason, n] : {std::pair{"length", &m.finished_length}, {"stop", &m.finished_stop}}) {
    t.sample("vllm:request_success_total",
             fmt::format("engine=\"0\",finished_reason=\"{}\",model_name=\"{}\"", reason, model),
             double(n->load(kR)));
  }
  t.histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", l,
              chat_and_completions(m.time_to_first_token, kVllm), false);
  t.histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.", l,
              chat_and_completions(m.inter_token_latency, kVllm), false);
  t.histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", l,
              chat_and_completions(m.e2e_request_latency, kVllm), false);
  t.histogram("vllm:request_queue_time_seconds",
              "Histogram of time spent in WAITING phase for request.", l, m.queue_time->view(kVllm),
              false);
  t.histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", l,
              m.prompt_length->view(kVllm), false);
  t.histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", l,
              m.generation_length->view(kVllm), false);
  t.family("vllm:cache_config_info", "gauge", "Information of the LLMEngine CacheConfig");
  t.sample("vllm:cache_config_info",
           fmt::format("block_size=\"16\",cache_dtype=\"auto\",enable_prefix_caching=\"True\","
                       "engine=\"0\",num_gpu_blocks=\"{}\"",
                       ServerMetrics::kKvCacheTokens / 16),
           1.0);
}

void render_sglang(const ServerMetrics& m, Text& t, const std::string& model) {
  using namespace buckets;
  const std::string l =
      fmt::format("engine_type=\"unified\",model_name=\"{}\",pp_rank=\"0\",tp_rank=\"0\"", model);
  int64_t kv = std::max<int64_t>(0, m.kv_tokens_in_use.load(kR));
  double prompt = double(m.prompt_tokens_total.load(kR));
  t.family("sglang:num_running_reqs", "gauge", "The number of running requests.");
  t.sample("sglang:num_running_reqs", l, double(m.num_requests_running.load(kR)));
  t.family("sglang:num_queue_reqs", "gauge", "The number of requests in the waiting queue.");
  t.sample("sglang:num_queue_reqs", l, 0);
  t.family("sglang:num_used_tokens", "gauge", "The number of used tokens.");
  t.sample("sglang:num_used_tokens", l, double(kv));
  t.family("sglang:token_usage", "gauge", "The token usage.");
  t.sample("sglang:token_usage", l, kv_ratio(m));
  t.family("sglang:cache_hit_rate", "gauge", "The prefix cache hit rate.");
  t.sample("sglang:cache_hit_rate", l,
           prompt > 0 ? double(m.cached_prompt_tokens_total.load(kR)) / prompt : 0.0);
  t.family("sglang:prompt_tokens_total", "counter", "Number of prefill tokens processed.");
  t.sample("sglang:prompt_tokens_total", l, prompt);
  t.family("sglang:generation_tokens_total", "counter", "Number of generation tokens processed.");
  t.sample("sglang:generation_tokens_total", l, double(m.generation_tokens_total.load(kR)));
  t.family("sglang:num_requests_total", "counter", "Number of requests processed.");
  t.sample("sglang:num_requests_total", l, double(m.request_success_total.load(kR)));
  t.histogram("sglang:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
              l, chat_and_completions(m.time_to_first_token, kSglang), false);
  t.histogram("sglang:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
              l, chat_and_completions(m.inter_token_latency, kSglang), false);
  t.histogram("sglang:e2e_request_latency_seconds",
              "Histogram of End-to-end request latency in seconds", l,
              chat_and_completions(m.e2e_request_latency, kSglang), false);
  t.histogram("sglang:queue_time_seconds", "Histogram of queueing time in seconds.", l,
              m.queue_time->view(kSglang), false);
}

void render_trtllm(const ServerMetrics& m, Text& t, const std::string& model) {
  using namespace buckets;
  const std::string l = fmt::format("engine_type=\"trtllm\",model_name=\"{}\"", model);
  t.family("trtllm:request_success_total", "counter", "Count of successfully processed requests.");
  for (auto [reason, n] : {std::pair{"length", &m.finished_length}, {"stop", &m.finished_stop}}) {
    t.sample("trtllm:request_success_total",
             fmt::format("engine_type=\"trtllm\",finished_reason=\"{}\",model_name=\"{}\"", reason,
                         model),
             double(n->load(kR)));
  }
  t.histogram("trtllm:e2e_request_latency_seconds",
              "Histogram of end to end request latency in seconds.", l,
              chat_and_completions(m.e2e_request_latency, kVllm), false);
  t.histogram("trtllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
              l, chat_and_completions(m.time_to_first_token, kVllm), false);
  t.histogram("trtllm:time_per_output_token_seconds",
              "Histogram of time per output token in seconds.", l,
              chat_and_completions(m.inter_token_latency, kVllm), false);
  t.histogram("trtllm:request_queue_time_seconds",
              "Histogram of time spent in WAITING phase for request.", l, m.queue_time->view(kVllm),
              false);
}

}  // namespace

std::string ServerMetrics::render_trtllm_iteration_stats() const {
  using detail::kR;
  return fmt::format(
      "[{{\"iter\":{},\"numActiveRequests\":{},\"kvCacheStats\":{{\"usedNumBlocks\":{},"
      "\"maxNumBlocks\":{}}}}}]",
      generation_tokens_total.load(kR), num_requests_running.load(kR),
      std::max<int64_t>(0, kv_tokens_in_use.load(kR)) / 64, kKvCacheTokens / 64);
}

// The other families are in metrics_render_more.cpp.
void render_triton(const ServerMetrics& m, std::string* out, const std::string& model);
void render_dynamo(const ServerMetrics& m, std::string* out, const std::string& model);
void render_tgi(const ServerMetrics& m, std::string* out);
void render_llamacpp(const ServerMetrics& m, std::string* out);
void render_aiperf(const ServerMetrics& m, std::string* out, const std::string& model,
                   int64_t start_wall_ns);

std::string ServerMetrics::render(MetricsFamily family, const std::string& model,
                                  int64_t start_wall_ns) const {
  std::string out;
  out.reserve(16384);
  detail::Text t(&out);
  const double created = double(start_wall_ns) / 1e9;
  switch (family) {
    case MetricsFamily::kVllm:
      render_vllm(*this, t, model, created);
      break;
    case MetricsFamily::kSglang:
      render_sglang(*this, t, model);
      break;
    case MetricsFamily::kTrtllm:
      render_trtllm(*this, t, model);
      break;
    case MetricsFamily::kTriton:
      render_triton(*this, &out, model);
      break;
    case MetricsFamily::kDynamo:
      render_dynamo(*this, &out, model);
      break;
    case MetricsFamily::kTgi:
      render_tgi(*this, &out);
      break;
    case MetricsFamily::kLlamacpp:
      render_llamacpp(*this, &out);
      break;
    case MetricsFamily::kAiperf:
      render_aiperf(*this, &out, model, start_wall_ns);
      break;
  }
  return out;
}

}  // namespace aiperf::mock
