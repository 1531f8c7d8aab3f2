// The mock's counters and union-bucket histograms (server_metrics.h); the per-family texts are in
// metrics_render.cpp.
#include "aiperf/mock/server_metrics.h"

#include <algorithm>
#include <cmath>

#include "aiperf/mock/metrics_buckets.h"

namespace aiperf::mock {

std::optional<MetricsFamily> metrics_family_from_name(std::string_view n) {
  static constexpr std::pair<std::string_view, MetricsFamily> kNames[] = {
      {"aiperf", MetricsFamily::kAiperf}, {"vllm", MetricsFamily::kVllm},
      {"sglang", MetricsFamily::kSglang}, {"trtllm", MetricsFamily::kTrtllm},
      {"triton", MetricsFamily::kTriton}, {"dynamo", MetricsFamily::kDynamo},
      {"tgi", MetricsFamily::kTgi},       {"llamacpp", MetricsFamily::kLlamacpp}};
  for (const auto& [name, f] : kNames) {
    if (name == n) return f;
  }
  return std::nullopt;
}

const char* to_string(MetricsFamily f) {
  switch (f) {
    case MetricsFamily::kAiperf:
      return "aiperf";
    case MetricsFamily::kVllm:
      return "vllm";
    case MetricsFamily::kSglang:
      return "sglang";
    case MetricsFamily::kTrtllm:
      return "trtllm";
    case MetricsFamily::kTriton:
      return "triton";
    case MetricsFamily::kDynamo:
      return "dynamo";
    case MetricsFamily::kTgi:
      return "tgi";
    case MetricsFamily::kLlamacpp:
      return "llamacpp";
  }
  return "?";
}

MultiHistogram::MultiHistogram(std::vector<std::vector<double>> views, double unit)
    : views_(std::move(views)), unit_(unit) {
  // Values are whole base units, so "v <= bound" is "v <= floor(bound)" (the epsilon absorbs
  // 0.001 * 1e9 coming out as 999999.99...).
  auto base = [&](double b) { return int64_t(std::floor(b * unit_ + 1e-6)); };
  for (const auto& v : views_) {
    for (double b : v) bounds_base_.push_back(base(b));
  }
  std::sort(bounds_base_.begin(), bounds_base_.end());
  bounds_base_.erase(std::unique(bounds_base_.begin(), bounds_base_.end()), bounds_base_.end());
  for (const auto& v : views_) {
    std::vector<size_t> idx;
    for (double b : v) {
      int64_t x = base(b);
      idx.push_back(size_t(std::lower_bound(bounds_base_.begin(), bounds_base_.end(), x) -
                           bounds_base_.begin()));
    }
    view_index_.push_back(std::move(idx));
  }
  buckets_ = std::make_unique<std::atomic<uint64_t>[]>(bounds_base_.size() + 1);
  for (size_t i = 0; i <= bounds_base_.size(); ++i) buckets_[i].store(0);
}

void MultiHistogram::observe(int64_t v) {
  size_t i = size_t(std::lower_bound(bounds_base_.begin(), bounds_base_.end(), v) -
                    bounds_base_.begin());  // first bound >= v: le semantics
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

MultiHistogram::View MultiHistogram::view(const std::vector<const MultiHistogram*>& hs, size_t i) {
  View out;
  const MultiHistogram& h0 = *hs.front();
  out.bounds = h0.views_[i];
  const size_t n = h0.bounds_base_.size() + 1;
  std::vector<uint64_t> counts(n, 0);
  int64_t sum = 0;
  for (const MultiHistogram* h : hs) {
    for (size_t k = 0; k < n; ++k) counts[k] += h->buckets_[k].load(std::memory_order_relaxed);
    sum += h->sum_.load(std::memory_order_relaxed);
  }
  uint64_t cum = 0;
  size_t k = 0;
  for (size_t b : h0.view_index_[i]) {
    for (; k <= b; ++k) cum += counts[k];
    out.cumulative.push_back(cum);
  }
  for (; k < n; ++k) cum += counts[k];
  out.cumulative.push_back(cum);
  out.sum = double(sum) / h0.unit_;
  return out;
}

ServerMetrics::ServerMetrics() {
  for (size_t a = 0; a < 2; ++a) {
    time_to_first_token[a] = std::make_unique<MultiHistogram>(buckets::ttft_views(), 1e9);
    inter_token_latency[a] = std::make_unique<MultiHistogram>(buckets::itl_views(), 1e9);
    e2e_request_latency[a] = std::make_unique<MultiHistogram>(buckets::e2e_views(), 1e9);
  }
  queue_time = std::make_unique<MultiHistogram>(buckets::queue_views(), 1e9);
  prompt_length = std::make_unique<MultiHistogram>(buckets::length_views(), 1.0);
  generation_length = std::make_unique<MultiHistogram>(buckets::length_views(), 1.0);
  time_per_token = std::make_unique<MultiHistogram>(buckets::itl_views(), 1e9);
  prefill_duration = std::make_unique<MultiHistogram>(buckets::dynamo_component_views(), 1e9);
  decode_duration = std::make_unique<MultiHistogram>(buckets::dynamo_component_views(), 1e9);
}

void ServerMetrics::on_request_start(int kind, int64_t isl, bool stream) {
  const auto r = std::memory_order_relaxed;
  prompt_tokens_total.fetch_add(uint64_t(isl), r);
  api[size_t(kind)].prompt_tokens.fetch_add(uint64_t(isl), r);
  api[size_t(kind)].in_progress.fetch_add(1, r);
  if (stream) {
    stream_requests.fetch_add(1, r);
    api[size_t(kind)].streaming_requests.fetch_add(1, r);
  } else {
    unary_requests.fetch_add(1, r);
  }
  if (kind < 2) {
    kv_tokens_in_use.fetch_add(isl, r);
    llm_started.fetch_add(1, r);
    prefill_kv_tokens.fetch_add(isl, r);
    queue_time->observe(0);  // served at once: the mock has no queue
    prompt_length->observe(isl);
  }
}

void ServerMetrics::on_first_token(int kind, int64_t ttft_ns, int64_t isl) {
  const auto r = std::memory_order_relaxed;
  prompt_time_ns.fetch_add(ttft_ns, r);
  if (kind >= 2) return;
  time_to_first_token[size_t(kind)]->observe(ttft_ns);
  prefill_kv_tokens.fetch_sub(isl, r);
  prefill_duration->observe(ttft_ns);
  llm_first_tokens.fetch_add(1, r);
}

void ServerMetrics::on_tokens(int kind, int64_t n, int64_t gap_ns) {
  const auto r = std::memory_order_relaxed;
  generation_tokens_total.fetch_add(uint64_t(n), r);
  api[size_t(kind)].completion_tokens.fetch_add(uint64_t(n), r);
  api[size_t(kind)].tokens_streamed.fetch_add(uint64_t(n), r);
  kv_tokens_in_use.fetch_add(n, r);
  if (gap_ns > 0 && kind < 2) {
    for (int64_t k = 0; k < n; ++k) inter_token_latency[size_t(kind)]->observe(gap_ns);
  }
}

void ServerMetrics::on_request_end(int kind, int status, int64_t e2e_ns, int64_t isl,
                                   int64_t emitted, bool length_limited, int64_t decode_ns) {
  const auto r = std::memory_order_relaxed;
  ApiCounters& a = this->api[size_t(kind)];
  a.in_progress.fetch_sub(1, r);
  if (status < 400) {
    request_success_total.fetch_add(1, r);
    a.ok.fetch_add(1, r);
    (length_limited ? finished_length : finished_stop).fetch_add(1, r);
  } else {
    request_failure_total.fetch_add(1, r);
    if (status < 600) a.failed_by_status[size_t(status - 400)].fetch_add(1, r);
  }
  if (kind >= 2) return;
  kv_tokens_in_use.fetch_sub(isl + emitted, r);
  if (decode_ns >= 0) {
    decode_duration->observe(decode_ns);
    llm_ended_decoding.fetch_add(1, r);
  } else {
    prefill_kv_tokens.fetch_sub(isl, r);
    llm_ended_in_prefill.fetch_add(1, r);
    decode_ns = 0;
  }
  e2e_request_latency[size_t(kind)]->observe(e2e_ns);
  if (status < 400) {
    generation_length->observe(emitted);
    if (emitted > 0) time_per_token->observe(e2e_ns / emitted);
  }
  decode_time_ns.fetch_add(decode_ns, r);
  int64_t seq = isl + emitted, cur = max_sequence_tokens.load(r);
  while (seq > cur && !max_sequence_tokens.compare_exchange_weak(cur, seq, r)) {
  }
}

}  // namespace aiperf::mock
