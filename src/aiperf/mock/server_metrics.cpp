#include "aiperf/mock/server_metrics.h"

#include <fmt/format.h>

#include <memory>

namespace aiperf::mock {

AtomicHistogram::AtomicHistogram(std::vector<double> bounds_s) : bounds_s_(std::move(bounds_s)) {
  for (double b : bounds_s_) bounds_ns_.push_back(int64_t(b * 1e9));
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_s_.size() + 1);
  for (size_t i = 0; i <= bounds_s_.size(); ++i) buckets_[i].store(0);
}

void AtomicHistogram::observe_ns(int64_t ns) {
  size_t i = 0;
  while (i < bounds_ns_.size() && ns > bounds_ns_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
}

void AtomicHistogram::render(std::string* out, const char* name, const char* help,
                             const std::string& labels) const {
  auto it = std::back_inserter(*out);
  fmt::format_to(it, "# HELP {} {}\n# TYPE {} histogram\n", name, help, name);
  uint64_t cum = 0;
  for (size_t i = 0; i < bounds_s_.size(); ++i) {
    cum += buckets_[i].load(std::memory_order_relaxed);
    fmt::format_to(it, "{}_bucket{{{},le=\"{}\"}} {}\n", name, labels, bounds_s_[i], cum);
  }
  cum += buckets_[bounds_s_.size()].load(std::memory_order_relaxed);
  fmt::format_to(it, "{}_bucket{{{},le=\"+Inf\"}} {}\n", name, labels, cum);
  fmt::format_to(it, "{}_sum{{{}}} {}\n", name, labels,
                 double(sum_ns_.load(std::memory_order_relaxed)) / 1e9);
  fmt::format_to(it, "{}_count{{{}}} {}\n", name, labels, cum);
}

ServerMetrics::ServerMetrics()
    : time_to_first_token({0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0,
                           2.5, 5.0, 7.5, 10.0}),
      inter_token_latency({0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4,
                           0.5, 0.75, 1.0, 2.5}),
      e2e_request_latency({0.01, 0.05, 0.1, 0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0,
                           20.0, 30.0, 40.0, 50.0, 60.0}) {}

std::string ServerMetrics::render(const std::string& model_name) const {
  std::string out;
  out.reserve(8192);
  std::string labels = fmt::format("model_name=\"{}\"", model_name);
  auto it = std::back_inserter(out);
  auto gauge = [&](const char* name, const char* help, int64_t v) {
    fmt::format_to(it, "# HELP {} {}\n# TYPE {} gauge\n{}{{{}}} {}\n", name, help, name, name,
                   labels, v);
  };
  auto counter = [&](const char* name, const char* help, uint64_t v) {
    fmt::format_to(it, "# HELP {} {}\n# TYPE {} counter\n{}{{{}}} {}\n", name, help, name, name,
                   labels, v);
  };
  gauge("vllm:num_requests_running", "Number of requests in model execution batches.",
        num_requests_running.load(std::memory_order_relaxed));
  gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.",
        num_requests_waiting.load(std::memory_order_relaxed));
  counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.",
          prompt_tokens_total.load(std::memory_order_relaxed));
  counter("vllm:generation_tokens_total", "Number of generation tokens processed.",
          generation_tokens_total.load(std::memory_order_relaxed));
  counter("vllm:request_success_total", "Count of successfully processed requests.",
          request_success_total.load(std::memory_order_relaxed));
  counter("vllm:request_failure_total", "Count of failed or faulted requests (mock).",
          request_failure_total.load(std::memory_order_relaxed));
  time_to_first_token.render(&out, "vllm:time_to_first_token_seconds",
                             "Histogram of time to first token in seconds.", labels);
  inter_token_latency.render(&out, "vllm:inter_token_latency_seconds",
                             "Histogram of inter-token latency in seconds.", labels);
  e2e_request_latency.render(&out, "vllm:e2e_request_latency_seconds",
                             "Histogram of end to end request latency in seconds.", labels);
  return out;
}

}  // namespace aiperf::mock
