#include "aiperf/metrics/timeslices.h"

#include <algorithm>
#include <cmath>

namespace aiperf::metrics {

TimesliceAggregator::TimesliceAggregator(RunContext ctx, double slice_duration_s)
    : ctx_(std::move(ctx)), slice_ns_(std::max<int64_t>(1, std::llround(slice_duration_s * 1e9))) {}

int64_t TimesliceAggregator::slice_of(int64_t start_wall_ns, int64_t slice_ns) {
  int64_t q = start_wall_ns / slice_ns;
  if (start_wall_ns % slice_ns != 0 && start_wall_ns < 0) --q;  // floor
  return q;
}

void TimesliceAggregator::add(const record::ProcessedRecord& rec, const RecordValues& values) {
  if (rec.phase != record::Phase::kProfiling) return;
  const int64_t key = slice_of(rec.start_wall_ns, slice_ns_);
  auto it = slices_.find(key);
  if (it == slices_.end()) it = slices_.emplace(key, Aggregator(ctx_)).first;
  it->second.add(rec, values);
}

std::vector<Results> TimesliceAggregator::finish() {
  std::vector<Results> out;
  out.reserve(slices_.size());
  for (auto& [key, agg] : slices_) out.push_back(agg.finish());
  slices_.clear();
  return out;
}

}  // namespace aiperf::metrics
