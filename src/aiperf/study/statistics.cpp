#include "aiperf/study/statistics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include <boost/math/distributions/students_t.hpp>

namespace aiperf::study {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kExactMaxN = 10000;  // scipy's MAX_AUTO_N for the exact two-sample p-value

double mean_of(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size());
}

/// P(D >= h·g/(n·m)) for samples of sizes n and m: one minus the share of the lattice paths
/// from (0,0) to (n,m) that keep |i·m - j·n| < h·g at every point. u(i,j) is the number of such
/// paths to (i,j) divided by C(i+j, i), which keeps every value in [0, 1].
double exact_two_sided_p(size_t n, size_t m, int64_t bound) {
  std::vector<double> u(m + 1, 0.0);
  auto inside = [&](size_t i, size_t j) {
    int64_t diff = int64_t(i) * int64_t(m) - int64_t(j) * int64_t(n);
    return (diff < 0 ? -diff : diff) < bound;
  };
  u[0] = 1.0;
  for (size_t j = 1; j <= m; ++j) u[j] = inside(0, j) ? u[j - 1] : 0.0;
  for (size_t i = 1; i <= n; ++i) {
    u[0] = inside(i, 0) ? u[0] : 0.0;
    for (size_t j = 1; j <= m; ++j) {
      if (!inside(i, j)) {
        u[j] = 0.0;
        continue;
      }
      const double s = double(i + j);
      u[j] = u[j] * (double(i) / s) + u[j - 1] * (double(j) / s);
    }
  }
  return std::clamp(1.0 - u[m], 0.0, 1.0);
}

}  // namespace

double t_critical(double confidence_level, int64_t df) {
  if (df < 1 || !(confidence_level > 0 && confidence_level < 1)) return kNaN;
  boost::math::students_t dist(static_cast<double>(df));
  return boost::math::quantile(dist, 1.0 - (1.0 - confidence_level) / 2.0);
}

double sample_std(const std::vector<double>& values) {
  if (values.size() < 2) return kNaN;
  const double m = mean_of(values);
  double sq = 0;
  for (double v : values) sq += (v - m) * (v - m);
  return std::sqrt(sq / double(values.size() - 1));
}

ConfidenceStats confidence_stats(const std::vector<double>& values, double confidence_level) {
  ConfidenceStats s;
  const size_t n = values.size();
  s.mean = mean_of(values);
  s.std = sample_std(values);
  s.min = *std::min_element(values.begin(), values.end());
  s.max = *std::max_element(values.begin(), values.end());
  s.cv = s.mean != 0 ? s.std / s.mean : std::numeric_limits<double>::infinity();
  if (n < 2) s.cv = kNaN;
  s.se = s.std / std::sqrt(double(n));
  s.t_critical = t_critical(confidence_level, int64_t(n) - 1);
  s.ci_low = s.mean - s.t_critical * s.se;
  s.ci_high = s.mean + s.t_critical * s.se;
  return s;
}

ConfidenceStats single_run_stats(double value) {
  ConfidenceStats s;
  s.mean = s.min = s.max = s.ci_low = s.ci_high = value;
  s.t_critical = kNaN;
  return s;
}

double kolmogorov_sf(double lambda) {
  if (!(lambda > 0)) return 1.0;
  if (lambda < 1.18) {
    // Small λ: P(K <= λ) = sqrt(2π)/λ Σ exp(-(2k-1)²π²/(8λ²)) converges fast.
    const double w = M_PI * M_PI / (8.0 * lambda * lambda);
    double cdf = 0;
    for (int k = 1; k <= 20; ++k) cdf += std::exp(-double((2 * k - 1) * (2 * k - 1)) * w);
    return std::clamp(1.0 - std::sqrt(2.0 * M_PI) / lambda * cdf, 0.0, 1.0);
  }
  double sf = 0;
  for (int k = 1; k <= 100; ++k) {
    const double term = std::exp(-2.0 * double(k) * double(k) * lambda * lambda);
    sf += (k % 2 ? 2.0 : -2.0) * term;
    if (term < 1e-17) break;
  }
  return std::clamp(sf, 0.0, 1.0);
}

KsResult ks_2samp(std::vector<double> a, std::vector<double> b) {
  KsResult r;
  if (a.empty() || b.empty()) return r;
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  const size_t n = a.size(), m = b.size();
  // The empirical CDFs differ most just after one of the sample values (right-continuous).
  size_t i = 0, j = 0;
  double d = 0;
  while (i < n || j < m) {
    const double x = (j >= m || (i < n && a[i] <= b[j])) ? a[i] : b[j];
    while (i < n && a[i] <= x) ++i;
    while (j < m && b[j] <= x) ++j;
    d = std::max(d, std::fabs(double(i) / double(n) - double(j) / double(m)));
  }
  r.statistic = d;
  if (std::max(n, m) <= kExactMaxN) {
    const int64_t g = int64_t(std::gcd(n, m));
    const double lcm = double(n / size_t(g)) * double(m);
    const int64_t h = int64_t(std::nearbyint(d * lcm));
    r.pvalue = h == 0 ? 1.0 : exact_two_sided_p(n, m, h * g);
    return r;
  }
  const double en = double(n) * double(m) / double(n + m);
  r.pvalue = kolmogorov_sf(std::sqrt(en) * d);
  return r;
}

}  // namespace aiperf::study
