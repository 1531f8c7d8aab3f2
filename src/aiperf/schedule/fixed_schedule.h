// Trace replay (spec §3.6): when each conversation's first turn is due, and when later turns
// with an absolute timestamp are due. Pure arithmetic; the driver thread lives in worker/.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/dataset/dataset.h"

namespace aiperf::schedule {

struct FixedScheduleEntry {
  uint32_t conversation = 0;
  int64_t offset_ns = 0;  // target send time after phase start
};

struct FixedSchedule {
  double zero_ms = 0.0;                     // trace time that maps to phase start
  std::vector<FixedScheduleEntry> entries;  // one per conversation, by first timestamp (stable)
  uint64_t total_turns = 0;
};

/// Schedule zero: auto_offset → earliest first-turn timestamp; else the start offset if set;
/// else 0 (spec §3.6). The dataset is already filtered by the offsets. Throws InputError when a
/// conversation's first turn has no timestamp ("First turn of <id> missing timestamp_ms") or
/// the dataset is empty.
FixedSchedule build_fixed_schedule(const dataset::Dataset& ds, bool auto_offset,
                                   std::optional<int64_t> start_offset_ms);

/// ns after phase start of trace time `timestamp_ms` (may be negative: due at once).
inline int64_t trace_offset_ns(double timestamp_ms, double zero_ms) {
  return int64_t((timestamp_ms - zero_ms) * 1e6 + (timestamp_ms >= zero_ms ? 0.5 : -0.5));
}

}  // namespace aiperf::schedule
