// Live statistics for the terminal dashboard (DESIGN §7: "a small log-linear histogram for
// live views"). The record pipeline thread adds one sample per finished request; the dashboard's
// render thread reads a snapshot a few times a second. Exact end-of-run statistics come from
// the metrics stage, never from here.
//
// Threading: add() and snapshot() may be called from different threads (one mutex; add() is a
// few array increments). Memory: 60 one-second slots x 4 histograms x 2,048 counters (~2 MB).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace aiperf::ui {

/// Counts of positive values in log-linear buckets: 64 powers of two, each split in 32 equal
/// parts, so a percentile is within ~3% of the exact value. Values are integers (e.g. ns).
class LogLinearHistogram {
 public:
  static constexpr int kSubBits = 5;
  static constexpr size_t kBuckets = 64u << kSubBits;

  void add(uint64_t v);
  void merge(const LogLinearHistogram& o);
  void clear();
  uint64_t count() const { return count_; }
  /// Value at percentile q (0..100): the midpoint of the bucket holding it; 0 when empty.
  double percentile(double q) const;

  static size_t bucket_of(uint64_t v);
  static double bucket_mid(size_t b);

 private:
  std::array<uint32_t, kBuckets> counts_{};
  uint64_t count_ = 0;
};

/// One finished request as the dashboard sees it. Times in ns; nullopt = not measured.
struct LiveSample {
  int64_t now_ns = 0;  // when it finished (CLOCK_MONOTONIC)
  std::optional<int64_t> ttft_ns, itl_ns, latency_ns, lateness_ns;
  bool error = false;
  std::string error_type;  // e.g. "timeout", "HTTP 500"; empty when no error
};

enum LiveMetric { kLiveTtft, kLiveItl, kLiveLatency, kLiveLateness, kLiveMetrics };

struct LiveSnapshot {
  /// Per metric over the window: p50, p90, p99 (ns) and the sample count.
  struct Dist {
    double p50 = 0, p90 = 0, p99 = 0;
    uint64_t count = 0;
  };
  std::array<Dist, kLiveMetrics> window;
  /// Per metric, per second of the window (oldest first): the median (ns), 0 = no data.
  std::array<std::vector<double>, kLiveMetrics> per_second_p50;
  std::vector<double> per_second_completed;  // requests finished in each second
  double recent_rate = 0;                    // requests/s over the last few full seconds
  std::map<std::string, uint64_t> errors;    // by type, whole run (capped: "(other)")
  uint64_t total = 0, total_errors = 0;
};

class LiveStats {
 public:
  static constexpr int kWindowS = 60;
  static constexpr size_t kMaxErrorTypes = 12;

  void add(const LiveSample& s);
  /// The last `kWindowS` seconds ending at `now_ns` (the current, partial second included).
  LiveSnapshot snapshot(int64_t now_ns) const;

 private:
  struct Slot {
    int64_t second = -1;
    std::array<LogLinearHistogram, kLiveMetrics> hist;
    uint64_t completed = 0, errors = 0;
  };
  mutable std::mutex mu_;
  std::array<Slot, kWindowS> slots_;
  std::map<std::string, uint64_t> errors_;
  uint64_t total_ = 0, total_errors_ = 0;
};

}  // namespace aiperf::ui
