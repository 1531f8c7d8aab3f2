// Small numeric helpers of the figure builders (private to the report stage).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "aiperf/report/run_data.h"

namespace aiperf::report::detail {

/// Per-request columns derived for plotting: x axes relative to the run's first request.
struct RequestView {
  const RequestColumns* cols = nullptr;
  std::vector<size_t> order;  // indices sorted by start time
  int64_t t0_ns = 0;          // first request start
  explicit RequestView(const RequestColumns& c);
  /// Values of column `name` in start order: a metric tag, request_number, timestamp(_s),
  /// request_start_ns, request_end_ns. Empty when unknown.
  std::vector<double> column(const std::string& name) const;
  std::vector<double> start_s() const;
  std::vector<double> end_s() const;
};

/// A step function over time: value y[i] holds from x[i] until x[i+1].
struct StepSeries {
  std::vector<double> x, y;
};
/// Output tokens per second spread evenly over each request's generation time (first token
/// to end), summed over requests (AIPerf's "dispersed throughput"). Seconds since t0.
StepSeries dispersed_throughput(const RequestView& v);
/// Requests in flight over time.
StepSeries active_requests(const RequestView& v);

/// Percentile q (0..100) of `v` (sorted in place; linear interpolation as numpy).
double percentile(std::vector<double>& v, double q);

/// Per x bucket (equal width, `buckets` of them) the given percentiles of y; buckets with
/// fewer than `min_count` points are left out. Returns x centres and one y vector per q.
struct Bucketed {
  std::vector<double> x;
  std::vector<std::vector<double>> y;  // y[k][i]: percentile qs[k] of bucket i
};
Bucketed bucket_percentiles(const std::vector<double>& x, const std::vector<double>& y,
                            const std::vector<double>& qs, size_t buckets, size_t min_count);

/// Histogram of the finite values of `v`: bin centres, counts and bin width.
struct Histogram {
  std::vector<double> centre, count;
  double width = 0;
};
Histogram histogram(const std::vector<double>& v, size_t max_bins);

/// Python f"{v:,.2f}" (thousands separators, two decimals).
std::string grouped2(double v);

/// Student-t two-sided critical value for `df` degrees of freedom at confidence `level`.
double t_critical(double level, int df);

}  // namespace aiperf::report::detail
