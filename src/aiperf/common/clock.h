// Time sources. Every interval in aiperf is CLOCK_MONOTONIC nanoseconds; wall-clock (epoch)
// nanoseconds are derived from one (wall, monotonic) anchor taken at start so that exported
// timestamps and measured intervals never disagree.
#pragma once
#include <cstdint>
#include <ctime>

namespace aiperf {

/// CLOCK_MONOTONIC in nanoseconds. Thread-safe, vDSO, ~20 ns.
inline int64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// CLOCK_REALTIME (Unix epoch) in nanoseconds.
inline int64_t wall_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// Per-thread CPU time in nanoseconds (used by the client's self-watch).
inline int64_t thread_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// When bytes read at `now_mono` arrived, in CLOCK_MONOTONIC ns, from the kernel's arrival stamp
/// `rx_real` of them (SO_TIMESTAMPNS: CLOCK_REALTIME ns) and the wall clock `real_now` read with
/// `now_mono`: now less how long ago they arrived, kept within [not_before, now]. A stamp from the
/// future (the wall clock stepped back between arrival and read) gives now; one before
/// `not_before` (the caller's last stamp: the send call returned after the answer came, or the
/// wall clock stepped forward) gives not_before, so stamps never go backwards.
inline int64_t arrival_mono_ns(int64_t now_mono, int64_t real_now, int64_t rx_real,
                               int64_t not_before) {
  const int64_t ago = real_now - rx_real;
  if (ago < 0) return now_mono;
  const int64_t t = now_mono - ago;
  return t >= not_before ? t : not_before < now_mono ? not_before : now_mono;
}

/// A (wall, monotonic) pair taken once; converts monotonic instants to epoch ns. Read as mono,
/// wall, mono, best of a few tries (the smallest gap; the wall clock against the midpoint): a
/// thread preempted between two reads would otherwise shift every wall time derived from the
/// pair by as long as it waited (43 us in one CI run, against a mock server's own pair).
class ClockAnchor {
 public:
  ClockAnchor() {
    gap_ = INT64_MAX;
    for (int i = 0; i < 8 && gap_ > 1'000; ++i) {
      const int64_t a = mono_ns(), w = wall_ns(), b = mono_ns();
      if (b - a < gap_) {
        gap_ = b - a;
        mono_ = a + (b - a) / 2;
        wall_ = w;
      }
    }
  }
  int64_t to_wall(int64_t mono) const { return wall_ + (mono - mono_); }
  int64_t mono() const { return mono_; }
  int64_t wall() const { return wall_; }
  /// The monotonic time between the two readings around the wall one (its uncertainty, twice).
  int64_t gap() const { return gap_; }

 private:
  int64_t mono_ = 0;
  int64_t wall_ = 0;
  int64_t gap_ = 0;
};

/// The process's anchor, taken at its first use: a request's start in epoch ns
/// (RequestRecord::start_wall_ns) is its monotonic start converted with it, so that it and the
/// request's measured intervals never disagree.
inline const ClockAnchor& process_anchor() {
  static const ClockAnchor anchor;
  return anchor;
}

}  // namespace aiperf
