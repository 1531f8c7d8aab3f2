// Statistics of scraped time series over the profiling window (spec §7.1, §7.2). Pure functions
// on (time, value) points so that every rule is unit-tested by hand-computed cases.
//
// Rules (docs/telemetry.md has the reasoning, docs/differences.md where they differ from AIPerf):
//  * window [start_ns, end_ns], inclusive, monotonic ns; points outside are ignored except the
//    reference point: the last point before start_ns.
//  * gauge: avg, min, max, sample std (ddof=1, 0 for one point), percentiles p1..p99 with
//    numpy's linear method, over the in-window points.
//  * counter: total = the increase from the reference point to the last in-window point, a
//    decrease counting as a restart from zero (Prometheus increase()); rate = total / (t_last -
//    t_ref). Without a reference point the first in-window point is the baseline, unless the
//    series was absent from an earlier scrape (created mid-run): then it started from 0.
//  * histogram: per-bucket, _sum and _count increases by the counter rule (a reset is read from
//    _count), avg = sum/count, count_rate, sum_rate, and p1..p99 estimated from the bucket
//    increases (estimate_quantile).
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aiperf::telemetry {

inline constexpr std::array<double, 9> kPercentiles = {1, 5, 10, 25, 50, 75, 90, 95, 99};

struct Window {
  int64_t start_ns = 0;
  int64_t end_ns = 0;
};

struct Point {
  int64_t t_ns;
  double v;
};

struct GaugeStats {
  size_t count = 0;
  double avg = 0, min = 0, max = 0, std = 0, sum = 0;
  std::array<double, 9> p{};  // kPercentiles
};

struct CounterStats {
  double total = 0;
  double rate = 0;  // per second
  int resets = 0;
  double duration_s = 0;
};

/// One histogram: its bucket bounds (ascending, the last one +Inf) and, per scrape, the
/// cumulative counts of each bucket plus _sum and _count. `t_ns` is shared by all components.
struct HistogramSeriesData {
  std::vector<double> bounds;              // upper bounds, +Inf last
  std::vector<int64_t> t_ns;               // scrape times, ascending
  std::vector<std::vector<double>> cumul;  // [scrape][bucket]; NaN = absent in that scrape
  std::vector<double> sum;                 // [scrape]; NaN = absent
  std::vector<double> count;               // [scrape]; NaN = absent
  /// True when a scrape before t_ns[0] answered without this histogram (created mid-run).
  bool born_after_first_scrape = false;
};

struct HistogramStats {
  double count = 0;  // observations in the window
  double sum = 0;
  double avg = 0;
  std::optional<double> count_rate, sum_rate;
  std::vector<double> bucket_deltas;  // cumulative per bound (same order as bounds)
  /// Per bucket (non-cumulative, same order), the mean of its observations where the scrapes
  /// show it: intervals in which every new observation fell into that one bucket give their
  /// exact sum. NaN where unknown.
  std::vector<double> bucket_means;
  std::optional<std::array<double, 9>> p_estimate;
  int resets = 0;
};

/// numpy.percentile(values, q) with the default linear method; `sorted` ascending, non-empty.
double percentile_linear(const std::vector<double>& sorted, double q);

/// Gauge statistics of the points inside `w` (non-finite values skipped); nullopt when none.
std::optional<GaugeStats> gauge_stats(const std::vector<Point>& points, const Window& w);

/// Counter statistics (see the rules above). `born_after_first_scrape`: the series was missing
/// from a scrape before its first point. nullopt when no point lies in the window.
std::optional<CounterStats> counter_stats(const std::vector<Point>& points, const Window& w,
                                          bool born_after_first_scrape = false);

/// nullopt when no scrape of the histogram lies in the window.
std::optional<HistogramStats> histogram_stats(const HistogramSeriesData& h, const Window& w);

/// The q-quantile (0..1) of a histogram given its cumulative bucket counts over `bounds` (the
/// last bound +Inf) and the exact sum of the observations. Inside the bucket holding the rank:
/// where the bucket's mean is known (`bucket_means`, see HistogramStats), its observations are
/// spread evenly and symmetrically around that mean, as wide as the bucket allows; otherwise
/// evenly over the bucket, as Prometheus' histogram_quantile does, the first bucket starting at
/// 0 when its bound is positive. The +Inf bucket is placed with the sum: its observations average
/// (sum - the finite buckets' estimated sum) / n_inf, spread evenly from the last finite bound to
/// twice that mean; without a usable sum it answers the last finite bound, as Prometheus does.
/// NaN when the histogram is empty.
double estimate_quantile(const std::vector<double>& bounds, const std::vector<double>& cumul,
                         double total_sum, double q,
                         const std::vector<double>* bucket_means = nullptr);

// ------------------------------------------------------------------ time slices (spec §7.2)
// With --slice-duration S the window is cut, from its start, into slices of S seconds, the last
// one ending at the window's end (complete = false when shorter than S), as AIPerf cuts it.
//  * gauge: avg/min/max of the points with start <= t < end (the last slice also takes t = end);
//    slices without a point are left out.
//  * counter and histogram: the increase (counter rule above) between the value at the slice's
//    start and at its end, the value at a boundary being the last point at or before it and at
//    the first slice's start the reference point; so the slices add up to the window's total.
//    rate = total / slice length. rate_avg/min/max/std (sample std) over the complete slices.
struct Slice {
  int64_t start_ns = 0, end_ns = 0;
  bool complete = true;
};
struct GaugeSlice {
  Slice slice;
  double avg = 0, min = 0, max = 0;
};
struct CounterSlice {
  Slice slice;
  double total = 0, rate = 0;
};
struct HistogramSlice {
  Slice slice;
  double count = 0, sum = 0, avg = 0;  // avg 0 when count is 0
  std::vector<double> bucket_deltas;   // cumulative per bound
};
struct RateSpread {
  double avg = 0, min = 0, max = 0, std = 0;
};

/// The slices of `w`; empty when slice_s <= 0 or the window is empty.
std::vector<Slice> window_slices(const Window& w, double slice_s);
std::vector<GaugeSlice> gauge_slices(const std::vector<Point>& points,
                                     const std::vector<Slice>& slices);
/// `w` is the window the slices cut (its start picks the reference point).
std::vector<CounterSlice> counter_slices(const std::vector<Point>& points, const Window& w,
                                         const std::vector<Slice>& slices,
                                         bool born_after_first_scrape = false);
std::vector<HistogramSlice> histogram_slices(const HistogramSeriesData& h, const Window& w,
                                             const std::vector<Slice>& slices);
/// Spread of the complete slices' rates; nullopt when no slice is complete.
std::optional<RateSpread> rate_spread(const std::vector<CounterSlice>& slices);

/// Unit inferred from a metric name (AIPerf's suffix table), or "" when none fits.
std::string infer_unit(const std::string& metric_name);

}  // namespace aiperf::telemetry
