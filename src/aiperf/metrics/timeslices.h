// Time slices (spec §2.8, --slice-duration S): every profiling record goes to the slice of its
// *start* time, floor(start_wall_ns / S), on epoch-aligned boundaries; each slice has its own
// aggregator, so its derived metrics (duration, throughputs, goodput) use only its records.
// Empty slices are not emitted; the rest are numbered 0..k-1 in time order.
// Threading: one thread calls add() and finish() (the record pipeline's).
#pragma once
#include <cstdint>
#include <map>
#include <vector>

#include "aiperf/metrics/metrics.h"

namespace aiperf::metrics {

class TimesliceAggregator {
 public:
  /// `slice_duration_s` > 0.
  TimesliceAggregator(RunContext ctx, double slice_duration_s);

  /// Adds a record with its already computed values (Aggregator::add's); warmup records are
  /// ignored.
  void add(const record::ProcessedRecord& rec, const RecordValues& values);

  /// The results of every non-empty slice, oldest first. Call once.
  std::vector<Results> finish();

  /// The epoch-aligned slice index of a start time.
  static int64_t slice_of(int64_t start_wall_ns, int64_t slice_ns);

 private:
  RunContext ctx_;
  int64_t slice_ns_;
  std::map<int64_t, Aggregator> slices_;
};

}  // namespace aiperf::metrics
