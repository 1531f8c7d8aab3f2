// Prometheus counters, gauges and histograms of the mock server under vLLM's names, so the
// client's server-metrics scraper has something realistic to read. Lock-free (relaxed atomics);
// any thread may observe, render() may run concurrently.
#pragma once
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aiperf::mock {

class AtomicHistogram {
 public:
  /// `bounds_s`: ascending upper bounds in seconds (+Inf is implicit).
  explicit AtomicHistogram(std::vector<double> bounds_s);
  void observe_ns(int64_t ns);
  /// Appends "# HELP/# TYPE" and the _bucket/_sum/_count lines.
  void render(std::string* out, const char* name, const char* help,
              const std::string& labels) const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_s_;
  std::vector<int64_t> bounds_ns_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bound, non-cumulative; last = +Inf
  std::atomic<uint64_t> count_{0};
  std::atomic<int64_t> sum_ns_{0};
};

struct ServerMetrics {
  ServerMetrics();
  std::atomic<int64_t> num_requests_running{0};
  std::atomic<int64_t> num_requests_waiting{0};
  std::atomic<uint64_t> prompt_tokens_total{0};
  std::atomic<uint64_t> generation_tokens_total{0};
  std::atomic<uint64_t> request_success_total{0};
  std::atomic<uint64_t> request_failure_total{0};
  std::atomic<uint64_t> http_requests_total{0};
  AtomicHistogram time_to_first_token;
  AtomicHistogram inter_token_latency;
  AtomicHistogram e2e_request_latency;

  /// Prometheus text exposition (version 0.0.4). `model_name` becomes the label value.
  std::string render(const std::string& model_name) const;
};

}  // namespace aiperf::mock
