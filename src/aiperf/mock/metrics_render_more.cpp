// The mock's Triton, Dynamo (frontend and workers), TGI, llama.cpp and AIPerf-mock texts (see
// metrics_render.cpp).
#include <fmt/format.h>

#include <algorithm>

#include "aiperf/common/clock.h"
#include "aiperf/mock/metrics_buckets.h"
#include "aiperf/mock/metrics_text.h"
#include "aiperf/mock/server_metrics.h"

namespace aiperf::mock {

using namespace detail;

namespace {

/// The TensorRT-LLM backend's gauges inside Triton (nv_trt_llm_*).
void trtllm_backend_gauges(const ServerMetrics& m, Text& t) {
  t.family("nv_trt_llm_request_metrics", "gauge", "TRT LLM request metrics");
  for (auto [type, v] : {std::pair{"waiting", 0.0},
                         {"context", 0.0},
                         {"scheduled", double(m.num_requests_running.load(kR))},
                         {"max", 512.0},
                         {"active", double(m.num_requests_running.load(kR))}}) {
    t.sample("nv_trt_llm_request_metrics",
             fmt::format("model=\"tensorrt_llm\",request_type=\"{}\",version=\"1\"", type), v);
  }
  const double max_blocks = double(ServerMetrics::kKvCacheTokens / 64);
  const double used_blocks = std::ceil(kv_ratio(m) * max_blocks);
  t.family("nv_trt_llm_kv_cache_block_metrics", "gauge", "TRT LLM KV cache block metrics");
  for (auto [type, v] : {std::pair{"fraction", used_blocks / max_blocks},
                         {"tokens_per", 64.0},
                         {"used", used_blocks},
                         {"free", max_blocks - used_blocks},
                         {"max", max_blocks}}) {
    t.sample("nv_trt_llm_kv_cache_block_metrics",
             fmt::format("kv_cache_block_type=\"{}\",model=\"tensorrt_llm\",version=\"1\"", type),
             v);
  }
  t.family("nv_trt_llm_general_metrics", "gauge", "General TRT LLM metrics");
  t.sample("nv_trt_llm_general_metrics",
           "general_type=\"iteration_counter\",model=\"tensorrt_llm\",version=\"1\"",
           double(m.generation_tokens_total.load(kR)));
  t.sample("nv_trt_llm_general_metrics",
           "general_type=\"timestamp\",model=\"tensorrt_llm\",version=\"1\"",
           double(wall_ns() / 1'000'000'000));
}

}  // namespace

void render_triton(const ServerMetrics& m, std::string* out, const std::string& model) {
  Text t(out);
  t.python = false;
  (void)model;  // Triton labels by its model repository name
  const std::string l = "model=\"tensorrt_llm\",version=\"1\"";
  const double ok = double(m.request_success_total.load(kR));
  const double failed = double(m.request_failure_total.load(kR));
  const double e2e_us =
      MultiHistogram::view({m.e2e_request_latency[0].get(), m.e2e_request_latency[1].get()},
                           buckets::kVllm)
          .sum *
      1e6;
  trtllm_backend_gauges(m, t);
  t.family("nv_inference_request_success", "counter",
           "Number of successful inference requests, all batch sizes");
  t.sample("nv_inference_request_success", l, ok);
  t.family("nv_inference_request_failure", "counter",
           "Number of failed inference requests, all batch sizes");
  t.sample("nv_inference_request_failure", "model=\"tensorrt_llm\",reason=\"OTHER\",version=\"1\"",
           failed);
  t.family("nv_inference_count", "counter",
           "Number of inferences performed (does not include cached requests)");
  t.sample("nv_inference_count", l, ok);
  t.family("nv_inference_exec_count", "counter",
           "Number of model executions performed (does not include cached requests)");
  t.sample("nv_inference_exec_count", l, ok);
  t.family("nv_inference_request_duration_us", "counter",
           "Cumulative inference request duration in microseconds (includes cached requests)");
  t.sample("nv_inference_request_duration_us", l, std::round(e2e_us));
  t.family("nv_inference_queue_duration_us", "counter",
           "Cumulative inference queuing duration in microseconds (includes cached requests)");
  t.sample("nv_inference_queue_duration_us", l, 0);
  t.family("nv_inference_pending_request_count", "gauge",
           "Instantaneous number of pending requests awaiting execution per-model.");
  t.sample("nv_inference_pending_request_count", l, 0);
  t.histogram("nv_inference_first_response_histogram_ms",
              "Duration from request to first response in milliseconds", l,
              MultiHistogram::view({m.time_to_first_token[0].get(), m.time_to_first_token[1].get()},
                                   buckets::kTriton),
              false, 1000.0);
}

void render_dynamo(const ServerMetrics& m, std::string* out, const std::string& model) {
  Text t(out);
  t.python = false;  // Rust prometheus crate: integers without ".0", le last
  const std::string l = fmt::format("model=\"{}\"", model);
  t.family("dynamo_frontend_disconnected_clients", "gauge", "Number of disconnected clients");
  t.sample("dynamo_frontend_disconnected_clients", "", 0);
  t.family("dynamo_frontend_inflight_requests", "gauge", "Number of inflight requests");
  t.sample("dynamo_frontend_inflight_requests", l, double(m.num_requests_running.load(kR)));
  t.family("dynamo_frontend_queued_requests", "gauge",
           "Number of requests in HTTP processing queue");
  t.sample("dynamo_frontend_queued_requests", l, 0);
  t.histogram("dynamo_frontend_input_sequence_tokens", "Input sequence length in tokens", l,
              m.prompt_length->view(buckets::kLenDynamo), false);
  t.histogram("dynamo_frontend_output_sequence_tokens", "Output sequence length in tokens", l,
              m.generation_length->view(buckets::kLenDynamo), false);
  t.histogram("dynamo_frontend_inter_token_latency_seconds", "Inter-token latency in seconds", l,
              chat_and_completions(m.inter_token_latency, buckets::kDynamo), false);
  t.histogram("dynamo_frontend_time_to_first_token_seconds", "Time to first token in seconds", l,
              chat_and_completions(m.time_to_first_token, buckets::kDynamo), false);
  t.histogram("dynamo_frontend_request_duration_seconds", "Duration of LLM requests", l,
              chat_and_completions(m.e2e_request_latency, buckets::kDynamo), false);
  t.family("dynamo_frontend_output_tokens_total", "counter", "Total number of output tokens");
  t.sample("dynamo_frontend_output_tokens_total", l, double(m.generation_tokens_total.load(kR)));
  t.family("dynamo_frontend_requests_total", "counter", "Total number of LLM requests processed");
  static const char* kEndpoints[] = {"chat_completions", "completions"};
  for (size_t a = 0; a < 2; ++a) {
    const ApiCounters& c = m.api[a];
    uint64_t failed = 0;
    for (const auto& f : c.failed_by_status) failed += f.load(kR);
    uint64_t stream = c.streaming_requests.load(kR);
    uint64_t ok = c.ok.load(kR);
    // The mock counts streaming per request, success per request: split success by the share of
    // streaming requests (exact when a run uses one mode, as benchmarks do).
    uint64_t total = ok + failed;
    uint64_t ok_stream = total ? ok * stream / total : 0;
    for (auto [type, v] : {std::pair{"stream", ok_stream}, {"unary", ok - ok_stream}}) {
      if (v == 0 && ok) continue;
      t.sample("dynamo_frontend_requests_total",
               fmt::format("endpoint=\"{}\",model=\"{}\",request_type=\"{}\",status=\"success\"",
                           kEndpoints[a], model, type),
               double(v));
    }
    if (failed) {
      t.sample("dynamo_frontend_requests_total",
               fmt::format("endpoint=\"{}\",model=\"{}\",request_type=\"stream\",status=\"error\"",
                           kEndpoints[a], model),
               double(failed));
    }
  }
}

std::string ServerMetrics::render_dynamo_worker(const std::string& worker,
                                                const std::string& model) const {
  std::string out;
  Text t(&out);
  t.python = false;  // the Rust runtime's prometheus crate
  const bool prefill = worker == "prefill";
  const std::string comp =
      fmt::format("dynamo_component=\"{}\",dynamo_namespace=\"dynamo\"", worker);
  const std::string l = fmt::format("{},dynamo_endpoint=\"generate\",model=\"{}\"", comp, model);
  const uint64_t started = llm_started.load(kR), first = llm_first_tokens.load(kR);
  const uint64_t ended_dec = llm_ended_decoding.load(kR), ended_pre = llm_ended_in_prefill.load(kR);
  const int64_t in_prefill = int64_t(started - first - ended_pre);
  const int64_t in_decode = int64_t(first - ended_dec);
  t.family("dynamo_component_inflight_requests", "gauge",
           "Number of requests currently being processed by work handler");
  t.sample("dynamo_component_inflight_requests", l, double(prefill ? in_prefill : in_decode));
  t.histogram("dynamo_component_request_duration_seconds",
              "Time spent processing requests by work handler", l,
              (prefill ? prefill_duration : decode_duration)->view(0), false);
  t.family("dynamo_component_requests_total", "counter",
           "Total number of requests processed by work handler");
  t.sample("dynamo_component_requests_total", l, double(prefill ? first : ended_dec));
  // KV cache: the prefill worker holds the prompts still in prefill, the decode worker the rest.
  constexpr int64_t kBlock = 16;
  const int64_t pre_kv = std::max<int64_t>(0, prefill_kv_tokens.load(kR));
  const int64_t kv = prefill ? pre_kv : std::max<int64_t>(0, kv_tokens_in_use.load(kR) - pre_kv);
  const int64_t active = (kv + kBlock - 1) / kBlock, total = kKvCacheTokens / kBlock;
  t.family("dynamo_component_kvstats_active_blocks", "gauge",
           "Number of active KV cache blocks currently in use");
  t.sample("dynamo_component_kvstats_active_blocks", comp, double(active));
  t.family("dynamo_component_kvstats_total_blocks", "gauge",
           "Total number of KV cache blocks available");
  t.sample("dynamo_component_kvstats_total_blocks", comp, double(total));
  t.family("dynamo_component_kvstats_gpu_cache_usage_percent", "gauge",
           "GPU cache usage as a percentage (0.0-1.0)");
  t.sample("dynamo_component_kvstats_gpu_cache_usage_percent", comp,
           double(active) / double(total));
  return out;
}

void render_tgi(const ServerMetrics& m, std::string* out) {
  Text t(out);
  t.python = false;
  t.blank_between = true;  // metrics-exporter-prometheus
  const double ok = double(m.request_success_total.load(kR));
  const double failed = double(m.request_failure_total.load(kR));
  t.family("tgi_request_success", "counter", "Number of successful requests");
  t.sample("tgi_request_success", "", ok);
  t.family("tgi_request_count", "counter", "Total number of requests");
  t.sample("tgi_request_count", "", ok + failed);
  t.help = false;  // TGI registers some families without a description
  t.family("tgi_request_failure", "counter", "");
  t.sample("tgi_request_failure", "err=\"generation\"", failed);
  t.help = true;
  t.family("tgi_queue_size", "gauge", "Current queue size");
  t.sample("tgi_queue_size", "", 0);
  t.family("tgi_batch_current_size", "gauge", "Current batch size");
  t.sample("tgi_batch_current_size", "", double(m.num_requests_running.load(kR)));
  t.family("tgi_batch_current_max_tokens", "gauge", "Maximum tokens for the current batch");
  t.sample("tgi_batch_current_max_tokens", "",
           double(std::max<int64_t>(0, m.kv_tokens_in_use.load(kR))));
  t.histogram("tgi_request_input_length", "Input token length per request", "",
              m.prompt_length->view(buckets::kLenTgi), false);
  t.histogram("tgi_request_generated_tokens", "Generated tokens per request", "",
              m.generation_length->view(buckets::kLenTgi), false);
  t.histogram("tgi_request_duration", "Request duration", "",
              chat_and_completions(m.e2e_request_latency, buckets::kTgi), false);
  t.histogram("tgi_request_queue_duration", "Request queue duration", "",
              m.queue_time->view(buckets::kQueueTgi), false);
  t.histogram("tgi_request_mean_time_per_token_duration", "Mean time per token per request", "",
              m.time_per_token->view(buckets::kTgi), false);
}

void render_llamacpp(const ServerMetrics& m, std::string* out) {
  Text t(out);
  t.python = false;
  const double prompt = double(m.prompt_tokens_total.load(kR));
  const double gen = double(m.generation_tokens_total.load(kR));
  const double prompt_s = double(m.prompt_time_ns.load(kR)) / 1e9;
  const double gen_s = double(m.decode_time_ns.load(kR)) / 1e9;
  auto counter = [&](const char* name, const char* help, double v) {
    t.family(name, "counter", help);
    t.sample(name, "", v);
  };
  auto gauge = [&](const char* name, const char* help, double v) {
    t.family(name, "gauge", help);
    t.sample(name, "", v);
  };
  counter("llamacpp:prompt_tokens_total", "Number of prompt tokens processed.", prompt);
  counter("llamacpp:prompt_seconds_total", "Prompt process time", prompt_s);
  counter("llamacpp:tokens_predicted_total", "Number of generation tokens processed.", gen);
  counter("llamacpp:tokens_predicted_seconds_total", "Predict process time", gen_s);
  counter("llamacpp:n_decode_total", "Total number of llama_decode() calls", gen);
  counter("llamacpp:n_tokens_max", "Largest observed n_tokens.",
          double(m.max_sequence_tokens.load(kR)));
  gauge("llamacpp:prompt_tokens_seconds", "Average prompt throughput in tokens/s.",
        prompt_s > 0 ? prompt / prompt_s : 0.0);
  gauge("llamacpp:predicted_tokens_seconds", "Average generation throughput in tokens/s.",
        gen_s > 0 ? gen / gen_s : 0.0);
  gauge("llamacpp:requests_processing", "Number of requests processing.",
        double(m.num_requests_running.load(kR)));
  gauge("llamacpp:requests_deferred", "Number of requests deferred.", 0);
}

void render_aiperf(const ServerMetrics& m, std::string* out, const std::string& model,
                   int64_t start_wall_ns) {
  Text t(out);
  static const char* kPaths[] = {"/v1/chat/completions", "/v1/completions", "/v1/embeddings"};
  t.family("aiperf_mock_requests_total", "counter", "Total number of requests");
  for (size_t a = 0; a < 3; ++a) {
    const ApiCounters& c = m.api[a];
    if (uint64_t ok = c.ok.load(kR)) {
      t.sample("aiperf_mock_requests_total",
               fmt::format("endpoint=\"{}\",method=\"POST\",status=\"200\"", kPaths[a]),
               double(ok));
    }
    for (size_t s = 0; s < c.failed_by_status.size(); ++s) {
      if (uint64_t n = c.failed_by_status[s].load(kR)) {
        t.sample("aiperf_mock_requests_total",
                 fmt::format("endpoint=\"{}\",method=\"POST\",status=\"{}\"", kPaths[a], 400 + s),
                 double(n));
      }
    }
  }
  t.family("aiperf_mock_requests_in_progress", "gauge",
           "Number of requests currently being processed");
  for (size_t a = 0; a < 3; ++a) {
    t.sample("aiperf_mock_requests_in_progress", fmt::format("endpoint=\"{}\"", kPaths[a]),
             double(m.api[a].in_progress.load(kR)));
  }
  auto per_api_counter = [&](const char* name, const char* help,
                             std::atomic<uint64_t> ApiCounters::*field) {
    t.family(name, "counter", help);
    for (size_t a = 0; a < 3; ++a) {
      t.sample(name, fmt::format("endpoint=\"{}\",model=\"{}\"", kPaths[a], model),
               double((m.api[a].*field).load(kR)));
    }
  };
  per_api_counter("aiperf_mock_prompt_tokens_total",
                  "Total number of prompt/input tokens processed", &ApiCounters::prompt_tokens);
  per_api_counter("aiperf_mock_completion_tokens_total",
                  "Total number of completion/output tokens generated",
                  &ApiCounters::completion_tokens);
  per_api_counter("aiperf_mock_streaming_requests_total", "Total number of streaming requests",
                  &ApiCounters::streaming_requests);
  per_api_counter("aiperf_mock_tokens_streamed_total", "Total number of tokens streamed",
                  &ApiCounters::tokens_streamed);
  auto per_api_histogram = [&](const char* name, const char* help,
                               const std::array<std::unique_ptr<MultiHistogram>, 2>& hs) {
    t.family(name, "histogram", help);
    for (size_t a = 0; a < 2; ++a) {
      t.histogram_series(name, fmt::format("endpoint=\"{}\"", kPaths[a]),
                         hs[a]->view(buckets::kAiperf), false);
    }
  };
  per_api_histogram("aiperf_mock_request_latency_seconds", "Request latency in seconds",
                    m.e2e_request_latency);
  per_api_histogram("aiperf_mock_time_to_first_token_seconds", "Time to first token in seconds",
                    m.time_to_first_token);
  per_api_histogram("aiperf_mock_inter_token_latency_seconds", "Inter-token latency in seconds",
                    m.inter_token_latency);
  t.family("aiperf_mock_uptime_seconds", "gauge",
           "Server uptime in seconds (updated on metrics scrape)");
  t.sample("aiperf_mock_uptime_seconds", "", double(wall_ns() - start_wall_ns) / 1e9);
}

}  // namespace aiperf::mock
