// Exact statistics with numpy's arithmetic (spec §2.3): pairwise summation for sum/mean,
// population variance as mean((x - mean)^2), and the default "linear" percentile method
// including numpy's two-sided lerp, so results match AIPerf to the last bit for the same input
// order.
#include <algorithm>
#include <cmath>

#include "aiperf/metrics/metrics.h"

namespace aiperf::metrics {
namespace {

// numpy's pairwise_sum for contiguous float64 (8-way unrolled blocks of up to 128 values).
double pairwise_sum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (int j = 0; j < 8; ++j) r[j] += a[i + j];
    }
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

}  // namespace

double percentile_sorted(const std::vector<double>& sorted, double q) {
  const size_t n = sorted.size();
  const double virtual_index = (q / 100.0) * static_cast<double>(n - 1);
  const double prev_f = std::floor(virtual_index);
  size_t prev = static_cast<size_t>(std::max(0.0, prev_f));
  if (prev > n - 1) prev = n - 1;
  const size_t next = std::min(prev + 1, n - 1);
  const double gamma = virtual_index - prev_f;
  const double a = sorted[prev], b = sorted[next];
  const double diff = b - a;
  return gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
}

Stats compute_stats(std::vector<double>& values) {
  Stats s;
  const size_t n = values.size();
  s.count = static_cast<int64_t>(n);
  if (n == 0) return s;
  s.sum = pairwise_sum(values.data(), n);
  s.avg = s.sum / static_cast<double>(n);
  {
    std::vector<double> sq(n);
    for (size_t i = 0; i < n; ++i) {
      const double d = values[i] - s.avg;
      sq[i] = d * d;
    }
    s.std = std::sqrt(pairwise_sum(sq.data(), n) / static_cast<double>(n));
  }
  std::sort(values.begin(), values.end());
  s.min = values.front();
  s.max = values.back();
  for (size_t i = 0; i < kPercentiles.size(); ++i)
    s.p[i] = percentile_sorted(values, kPercentiles[i]);
  return s;
}

}  // namespace aiperf::metrics
