// The mock server's own Prometheus metrics, rendered as each inference server family exposes
// them (names, types, label sets; docs/mock-server.md "Prometheus metrics"), all from one set of
// counters that agree with what the server really sent: a token is counted when its chunk was
// written, a request when its response was complete. Lock-free (relaxed atomics); any thread may
// count, render() may run concurrently.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aiperf::mock {

enum class MetricsFamily { kAiperf, kVllm, kSglang, kTrtllm, kTriton, kDynamo, kTgi, kLlamacpp };
/// "aiperf", "vllm", "sglang", "trtllm", "triton", "dynamo", "tgi", "llamacpp".
std::optional<MetricsFamily> metrics_family_from_name(std::string_view name);
const char* to_string(MetricsFamily f);

/// A histogram over the union of the bucket bounds of several servers, so that each server's
/// buckets are rendered exactly from one set of counts. Values are integers in a base unit
/// (ns for times, tokens for lengths); bounds are in display units (seconds, tokens, ms).
class MultiHistogram {
 public:
  /// `unit`: base units per display unit (1e9 for seconds over ns, 1 for tokens).
  MultiHistogram(std::vector<std::vector<double>> bounds_per_view, double unit);
  void observe(int64_t v);
  struct View {
    std::vector<double> bounds;        // the view's finite upper bounds (display units)
    std::vector<uint64_t> cumulative;  // per bound, then +Inf last
    double sum = 0;                    // display units
  };
  /// View `i` summed over `hs` (histograms built with the same bounds).
  static View view(const std::vector<const MultiHistogram*>& hs, size_t i);
  View view(size_t i) const { return view({this}, i); }

 private:
  std::vector<std::vector<double>> views_;
  std::vector<std::vector<size_t>> view_index_;  // per view: union index of each bound
  std::vector<int64_t> bounds_base_;             // union bounds in base units
  double unit_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per union bound, non-cumulative; last +Inf
  std::atomic<int64_t> sum_{0};
};

/// Per inference API (chat, completions, embeddings).
struct ApiCounters {
  std::atomic<uint64_t> ok{0};
  std::array<std::atomic<uint64_t>, 200> failed_by_status{};  // 400..599
  std::atomic<uint64_t> prompt_tokens{0}, completion_tokens{0};
  std::atomic<uint64_t> streaming_requests{0}, tokens_streamed{0};
  std::atomic<int64_t> in_progress{0};
};

struct ServerMetrics {
  ServerMetrics();
  static constexpr int64_t kKvCacheTokens = 262144;  // the mock's notional KV-cache capacity

  // Totals over every inference API.
  std::atomic<int64_t> num_requests_running{0};
  std::atomic<int64_t> num_requests_waiting{0};  // the mock has no queue: always 0
  std::atomic<uint64_t> prompt_tokens_total{0};
  std::atomic<uint64_t> cached_prompt_tokens_total{0};  // usage.cached_tokens served
  std::atomic<uint64_t> generation_tokens_total{0};
  std::atomic<uint64_t> request_success_total{0};
  std::atomic<uint64_t> request_failure_total{0};
  std::atomic<uint64_t> finished_length{0}, finished_stop{0};
  std::atomic<uint64_t> stream_requests{0}, unary_requests{0};
  std::atomic<uint64_t> http_requests_total{0};
  std::atomic<int64_t> kv_tokens_in_use{0};
  std::atomic<int64_t> prompt_time_ns{0}, decode_time_ns{0};  // llama.cpp's *_seconds_total
  std::atomic<int64_t> max_sequence_tokens{0};
  std::array<ApiCounters, 3> api;  // by ApiKind

  // Distributions (chat and completions; index = ApiKind).
  std::array<std::unique_ptr<MultiHistogram>, 2> time_to_first_token, inter_token_latency,
      e2e_request_latency;
  std::unique_ptr<MultiHistogram> queue_time, prompt_length, generation_length, time_per_token;

  // Dynamo's disaggregated workers (/dynamo_component/{prefill,decode}/metrics): a chat or
  // completions request is in the prefill worker until its first token, then in the decode
  // worker until it ends. Counts: requests started, first tokens, ends with / without one.
  std::atomic<uint64_t> llm_started{0}, llm_first_tokens{0};
  std::atomic<uint64_t> llm_ended_decoding{0}, llm_ended_in_prefill{0};
  std::atomic<int64_t> prefill_kv_tokens{0};  // prompt tokens of requests still in prefill
  std::unique_ptr<MultiHistogram> prefill_duration, decode_duration;  // Dynamo component buckets

  // Events, called by the connections.
  void on_request_start(int api, int64_t isl, bool stream);
  void on_first_token(int api, int64_t ttft_ns, int64_t isl);
  /// `n` tokens written; `gap_ns` each after the previous (0 for the first chunk).
  void on_tokens(int api, int64_t n, int64_t gap_ns);
  /// A response completed (or the connection ended it): its status, and the request's numbers;
  /// `decode_ns` the time since its first token, < 0 when it had none.
  void on_request_end(int api, int status, int64_t e2e_ns, int64_t isl, int64_t emitted,
                      bool length_limited, int64_t decode_ns);

  /// Prometheus text (format 0.0.4) as `family` serves it. `model` becomes the model label.
  std::string render(MetricsFamily family, const std::string& model, int64_t start_wall_ns) const;
  /// A Dynamo worker's metrics (`worker` "prefill" or "decode"), as the Rust runtime renders them.
  std::string render_dynamo_worker(const std::string& worker, const std::string& model) const;
  /// TensorRT-LLM's /metrics: its iteration-stats JSON (not Prometheus).
  std::string render_trtllm_iteration_stats() const;
};

}  // namespace aiperf::mock
