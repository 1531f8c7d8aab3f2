// One schedule, split exactly (docs/scale-out.md "The split"): which part of a phase each rank
// sends. Pure arithmetic, unit-tested without MPI.
//
// The global arrival sequence (request-rate ticks, trace entries, user-centric users) and the
// sequence of new sessions are the same on every rank (the same seed, the same draws); rank r
// sends the items whose index ≡ r (mod K) and skips the others' draws (PhaseState, the drivers).
// K is the number of ranks, or min(ranks, C) when the phase has C session slots (concurrency
// mode, or a --concurrency ceiling in an open-loop mode), and at most P with P prefill slots
// (--prefill-concurrency): a rank holds at least one slot of each, so the global caps stay
// exactly C and P (rank r holds C/K + (r < C%K)). Ranks from K on are idle. A ramp of either
// limit ramps each rank's share (from K at once, where one process starts from 1).
// --request-count, --conversation-num and the trace's own count are global: rank r's share is
// the count of indices i < total with i ≡ r (mod K). Durations and rates are global and not
// divided: every rank runs the phase from the common start.
#pragma once
#include <cstdint>

#include "aiperf/schedule/schedule.h"

namespace aiperf::cluster {

/// How many of `total` items (indices 0..total-1) have index ≡ idx (mod k).
inline int64_t dealt_count(int64_t total, int idx, int k) {
  if (total <= 0 || k <= 0 || idx >= k) return 0;
  return total / k + (idx < total % k ? 1 : 0);
}

/// Ranks that take part in a phase (K above).
int active_ranks(const schedule::PhaseSpec& global, int ranks);

/// The phase as rank `rank` of `ranks` sends it. `global` must already hold the global counts
/// (for trace replay: after the trace set request_count and num_sessions).
schedule::PhaseSpec share_phase(const schedule::PhaseSpec& global, int rank, int ranks);

}  // namespace aiperf::cluster
