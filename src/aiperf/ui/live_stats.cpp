#include "aiperf/ui/live_stats.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace aiperf::ui {

size_t LogLinearHistogram::bucket_of(uint64_t v) {
  if (v < (1u << kSubBits)) return size_t(v);  // exact below 32
  const int msb = 63 - std::countl_zero(v);    // >= kSubBits
  const int shift = msb - kSubBits;
  const uint64_t sub = (v >> shift) & ((1u << kSubBits) - 1);
  return size_t(shift + 1) * (size_t(1) << kSubBits) + size_t(sub);
}

double LogLinearHistogram::bucket_mid(size_t b) {
  const size_t per = size_t(1) << kSubBits;
  if (b < per) return double(b);
  const int shift = int(b / per) - 1;
  const double lo = std::ldexp(double(per + b % per), shift);
  return lo + std::ldexp(1.0, shift) / 2.0;
}

void LogLinearHistogram::add(uint64_t v) {
  counts_[std::min(bucket_of(v), kBuckets - 1)]++;
  ++count_;
}

void LogLinearHistogram::merge(const LogLinearHistogram& o) {
  for (size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
  count_ += o.count_;
}

void LogLinearHistogram::clear() {
  counts_.fill(0);
  count_ = 0;
}

double LogLinearHistogram::percentile(double q) const {
  if (count_ == 0) return 0;
  // The rank of the q-th percentile, 1-based, as "nearest rank".
  const uint64_t rank = std::max<uint64_t>(1, uint64_t(std::ceil(q / 100.0 * double(count_))));
  uint64_t seen = 0;
  for (size_t i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) return bucket_mid(i);
  }
  return bucket_mid(kBuckets - 1);
}

void LiveStats::add(const LiveSample& s) {
  const int64_t sec = s.now_ns / 1'000'000'000;
  std::lock_guard<std::mutex> lk(mu_);
  Slot& slot = slots_[size_t(sec % kWindowS)];
  if (slot.second != sec) {
    slot.second = sec;
    for (auto& h : slot.hist) h.clear();
    slot.completed = slot.errors = 0;
  }
  const std::optional<int64_t>* v[kLiveMetrics] = {&s.ttft_ns, &s.itl_ns, &s.latency_ns,
                                                   &s.lateness_ns};
  for (int m = 0; m < kLiveMetrics; ++m) {
    if (*v[m] && **v[m] >= 0) slot.hist[m].add(uint64_t(**v[m]));
  }
  slot.completed++;
  total_++;
  if (s.error) {
    slot.errors++;
    total_errors_++;
    std::string type = s.error_type.empty() ? "error" : s.error_type;
    if (errors_.count(type) == 0 && errors_.size() >= kMaxErrorTypes) type = "(other)";
    errors_[type]++;
  }
}

LiveSnapshot LiveStats::snapshot(int64_t now_ns) const {
  const int64_t now_s = now_ns / 1'000'000'000;
  LiveSnapshot out;
  std::array<LogLinearHistogram, kLiveMetrics> merged;
  for (auto& v : out.per_second_p50) v.assign(kWindowS, 0.0);
  out.per_second_completed.assign(kWindowS, 0.0);
  std::lock_guard<std::mutex> lk(mu_);
  for (const Slot& slot : slots_) {
    const int64_t age = now_s - slot.second;
    if (slot.second < 0 || age < 0 || age >= kWindowS) continue;
    const size_t col = size_t(kWindowS - 1 - age);
    for (int m = 0; m < kLiveMetrics; ++m) {
      merged[m].merge(slot.hist[m]);
      out.per_second_p50[m][col] = slot.hist[m].percentile(50);
    }
    out.per_second_completed[col] = double(slot.completed);
  }
  for (int m = 0; m < kLiveMetrics; ++m) {
    out.window[m] = {merged[m].percentile(50), merged[m].percentile(90), merged[m].percentile(99),
                     merged[m].count()};
  }
  // Rate: the last three complete seconds (the current one is still filling).
  double done = 0;
  for (int k = 2; k <= 4; ++k) done += out.per_second_completed[size_t(kWindowS - k)];
  out.recent_rate = done / 3.0;
  out.errors = errors_;
  out.total = total_;
  out.total_errors = total_errors_;
  return out;
}

}  // namespace aiperf::ui
