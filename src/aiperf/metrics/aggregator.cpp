// End-of-run aggregation (spec §2.1, §2.3): record metrics keep their values for exact
// statistics, aggregate metrics fold (sum / min / max), derived metrics are computed once at
// the end from the folded results. Everything converts to display units last.
#include <algorithm>
#include <cmath>
#include <limits>

#include "aiperf/metrics/metrics.h"

namespace aiperf::metrics {
namespace {

using M = MetricId;
using Opt = std::optional<double>;

struct SumPair {
  M total;
  M record;
};
constexpr SumPair kSums[] = {
    {M::kTotalIsl, M::kInputSequenceLength},
    {M::kTotalOutputTokens, M::kOutputTokenCount},
    {M::kTotalReasoningTokens, M::kReasoningTokenCount},
    {M::kTotalOsl, M::kOutputSequenceLength},
    {M::kTotalErrorIsl, M::kErrorIsl},
    {M::kTotalUsagePromptTokens, M::kUsagePromptTokens},
    {M::kTotalUsageCompletionTokens, M::kUsageCompletionTokens},
    {M::kTotalUsageTotalTokens, M::kUsageTotalTokens},
    {M::kTotalUsageReasoningTokens, M::kUsageReasoningTokens},
    {M::kTotalUsagePromptCacheReadTokens, M::kUsagePromptCacheReadTokens},
    {M::kTotalUsagePromptCacheWriteTokens, M::kUsagePromptCacheWriteTokens},
    {M::kTotalUsagePromptCacheMissTokens, M::kUsagePromptCacheMissTokens},
    {M::kTotalUsagePromptAudioTokens, M::kUsagePromptAudioTokens},
    {M::kTotalUsageCompletionAudioTokens, M::kUsageCompletionAudioTokens},
    {M::kTotalUsageAcceptedPredictionTokens, M::kUsageAcceptedPredictionTokens},
    {M::kTotalUsageRejectedPredictionTokens, M::kUsageRejectedPredictionTokens},
    {M::kTotalUsageToolUsePromptTokens, M::kUsageToolUsePromptTokens},
    {M::kTotalUsagePromptAudioSeconds, M::kUsagePromptAudioSeconds},
};

}  // namespace

Aggregator::Aggregator(RunContext ctx) : ctx_(std::move(ctx)) {}

size_t Aggregator::sample_count() const {
  size_t n = 0;
  for (const auto& v : samples_) n += v.size();
  return n;
}

size_t Aggregator::sample_bytes() const {
  return sample_count() * sizeof(double);
}

size_t Aggregator::sample_reserved_bytes() const {
  size_t n = 0;
  for (const auto& v : samples_) n += v.capacity() * sizeof(double);
  return n;
}

const RecordValues& Aggregator::add(const record::ProcessedRecord& rec) {
  if (rec.phase != record::Phase::kProfiling) {
    scratch_.clear();
    return scratch_;
  }
  compute_record(rec, ctx_, scratch_);
  add(rec, scratch_);
  return scratch_;
}

void Aggregator::add(const record::ProcessedRecord& rec, const RecordValues& values) {
  if (rec.phase != record::Phase::kProfiling) return;
  if (rec.error) {
    ++errors_;
    accumulate_error(*rec.error);
  } else {
    ++valid_;
  }
  const std::array<MetricInfo, kNumMetrics>& cat = catalog();  // one call, not one per value
  for (const auto& [id, v] : values.scalars) {
    const size_t i = index_of(id);
    const MetricInfo& info = cat[i];
    if (info.kind == Kind::kRecord) {
      if (samples_[i].capacity() == 0) samples_[i].reserve(expected_);
      samples_[i].push_back(v);
    } else if (info.kind == Kind::kAggregate) {
      if (id == M::kMinRequestTimestamp) {
        const int64_t w = rec.start_wall_ns;
        min_start_wall_ns_ = agg_set_[i] ? std::min(min_start_wall_ns_, w) : w;
      } else if (id == M::kMaxResponseTimestamp) {
        // Exact: start wall + (last content response - start), both integers.
        const int64_t w = rec.content_ts.empty()
                              ? static_cast<int64_t>(v)
                              : rec.start_wall_ns + (rec.content_ts.back() - rec.start_ns);
        max_end_wall_ns_ = agg_set_[i] ? std::max(max_end_wall_ns_, w) : w;
      }
      if (!agg_set_[i]) {
        agg_[i] = v;
        agg_set_[i] = true;
      } else if (id == M::kMinRequestTimestamp) {
        agg_[i] = std::min(agg_[i], v);
      } else if (id == M::kMaxResponseTimestamp) {
        agg_[i] = std::max(agg_[i], v);
      } else {
        agg_[i] += v;
      }
    }
  }
  if (!values.inter_chunk_ns.empty()) {
    auto& icl = samples_[index_of(M::kInterChunkLatency)];
    icl.insert(icl.end(), values.inter_chunk_ns.begin(), values.inter_chunk_ns.end());
  }
}

void Aggregator::accumulate_error(const record::ErrorInfo& e) {
  auto key = std::make_tuple(e.code.value_or(std::numeric_limits<int>::min()), e.type, e.message);
  auto it = error_index_.find(key);
  if (it != error_index_.end()) {
    ++errors_table_[it->second].count;
    return;
  }
  if (errors_table_.size() >= kMaxDistinctErrors) {
    // Bounded memory: fold the long tail into one row (its first slot is the overflow row).
    auto ov = std::make_tuple(std::numeric_limits<int>::max(), std::string("(other errors)"),
                              std::string("(other errors)"));
    auto oit = error_index_.find(ov);
    if (oit == error_index_.end()) {
      error_index_.emplace(ov, errors_table_.size());
      errors_table_.push_back({std::nullopt, "(other errors)",
                               "further distinct error messages were folded into this row", 1});
    } else {
      ++errors_table_[oit->second].count;
    }
    return;
  }
  error_index_.emplace(std::move(key), errors_table_.size());
  errors_table_.push_back({e.code, e.type, e.message, 1});
}

// Spec §2.5 network-adjusted metrics: every sample of the source metric less the RTT, clamped
// at 0, so the mean and percentiles shift by the RTT and the spread stays (unless clamped).
void Aggregator::inject_network_adjusted(std::array<std::optional<double>, kNumMetrics>& value,
                                         std::array<Stats, kNumMetrics>& stats,
                                         std::array<bool, kNumMetrics>& dist, Results& res) {
  if (!network_rtt_ns_) return;
  const double rtt = *network_rtt_ns_;
  if (ctx_.is_applicable(M::kNetworkRtt)) value[index_of(M::kNetworkRtt)] = rtt;
  constexpr std::pair<M, M> kAdjusted[] = {
      {M::kNetworkAdjustedRequestLatency, M::kRequestLatency},
      {M::kNetworkAdjustedTimeToFirstToken, M::kTimeToFirstToken},
      {M::kNetworkAdjustedTimeToFirstOutputToken, M::kTimeToFirstOutputToken},
  };
  for (const auto& [adj, src] : kAdjusted) {
    const auto& in = samples_[index_of(src)];
    if (in.empty() || !ctx_.is_applicable(adj)) continue;
    std::vector<double> out;
    out.reserve(in.size());
    bool clamped = false;
    for (double v : in) {
      clamped |= v - rtt < 0;
      out.push_back(std::max(v - rtt, 0.0));
    }
    const size_t i = index_of(adj);
    stats[i] = compute_stats(out);
    value[i] = stats[i].avg;
    dist[i] = true;
    if (clamped) res.network_clamped.emplace_back(metric_info(adj).tag);
  }
}

Results Aggregator::finish() {
  Results res;
  res.valid_count = valid_;
  res.error_count = errors_;

  // Internal-unit values of every metric that has one (record metrics: their sums feed
  // derived metrics; the distribution is kept in `stats`).
  std::array<Opt, kNumMetrics> value{};
  std::array<Opt, kNumMetrics> sum{};
  std::array<Stats, kNumMetrics> stats{};
  std::array<bool, kNumMetrics> dist{};  // has a distribution (record or network-adjusted)
  inject_network_adjusted(value, stats, dist, res);
  for (const auto& m : catalog()) {
    const size_t i = index_of(m.id);
    if (m.kind == Kind::kRecord && !samples_[i].empty()) {
      dist[i] = true;
      stats[i] = compute_stats(samples_[i]);
      std::vector<double>().swap(samples_[i]);
      sum[i] = stats[i].sum;
      value[i] = stats[i].avg;
    } else if (m.kind == Kind::kAggregate && agg_set_[i]) {
      value[i] = agg_[i];
    }
  }
  auto get = [&](M id) { return value[index_of(id)]; };
  auto set = [&](M id, Opt v) {
    if (v && std::isfinite(*v) && ctx_.is_applicable(id)) value[index_of(id)] = v;
  };

  for (const auto& s : kSums) set(s.total, sum[index_of(s.record)]);
  if (auto r = get(M::kTotalReasoningTokens), o = get(M::kTotalOutputTokens); r && o && *o != 0) {
    set(M::kOverallThinkingEfficiency, *r / *o);
  }
  Opt duration_s;
  if (get(M::kMinRequestTimestamp) && get(M::kMaxResponseTimestamp)) {
    value[index_of(M::kMinRequestTimestamp)] = static_cast<double>(min_start_wall_ns_);
    value[index_of(M::kMaxResponseTimestamp)] = static_cast<double>(max_end_wall_ns_);
    res.min_request_wall_ns = min_start_wall_ns_;
    res.max_response_wall_ns = max_end_wall_ns_;
    const int64_t span = max_end_wall_ns_ - min_start_wall_ns_;
    if (span > 0) {
      set(M::kBenchmarkDuration, static_cast<double>(span));
      duration_s = static_cast<double>(span) / 1e9;
    }
  }
  if (duration_s) {
    if (auto c = get(M::kRequestCount)) set(M::kRequestThroughput, *c / *duration_s);
    if (auto t = get(M::kTotalOsl)) set(M::kOutputTokenThroughput, *t / *duration_s);
    if (auto i = get(M::kTotalIsl), o = get(M::kTotalOsl); i && o) {
      set(M::kTotalTokenThroughput, (*i + *o) / *duration_s);
    }
    if (auto g = get(M::kGoodRequestCount)) set(M::kGoodput, *g / *duration_s);
  }
  if (auto g = get(M::kGoodRequestCount)) {
    const double denom = get(M::kRequestCount).value_or(0) + get(M::kErrorRequestCount).value_or(0);
    set(M::kGoodRequestFraction, denom > 0 ? *g / denom : 0.0);
  }
  if (auto c = get(M::kTotalUsagePromptCacheReadTokens), p = get(M::kTotalUsagePromptTokens);
      c && p && *p != 0) {
    set(M::kOverallUsagePromptCacheReadPct, *c / *p * 100.0);
  }

  for (const auto& m : catalog()) {
    const size_t i = index_of(m.id);
    if (!value[i]) continue;
    MetricResult r;
    r.info = &m;
    if (dist[i]) {
      r.distribution = true;
      Stats s = stats[i];
      s.avg = m.to_display(s.avg);
      s.min = m.to_display(s.min);
      s.max = m.to_display(s.max);
      s.sum = m.to_display(s.sum);
      s.std = m.to_display(s.std);
      for (auto& p : s.p) p = m.to_display(p);
      r.stats = s;
      r.value = s.avg;
    } else {
      r.value = m.to_display(*value[i]);
    }
    res.metrics.push_back(r);
  }

  res.error_summary = errors_table_;
  std::stable_sort(res.error_summary.begin(), res.error_summary.end(),
                   [](const ErrorCount& a, const ErrorCount& b) { return a.count > b.count; });
  return res;
}

const MetricResult* Results::find(MetricId id) const {
  for (const auto& m : metrics) {
    if (m.info->id == id) return &m;
  }
  return nullptr;
}

const MetricResult* Results::find(std::string_view tag) const {
  for (const auto& m : metrics) {
    if (m.info->tag == tag) return &m;
  }
  return nullptr;
}

}  // namespace aiperf::metrics
