// The statistics of a study (spec §8.1): Student-t confidence intervals over run-level values,
// the two-sample Kolmogorov-Smirnov test of the `distribution` convergence mode, and linear
// percentiles of pooled per-request values. Pure functions; private to the study stage.
#pragma once
#include <cstdint>
#include <vector>

namespace aiperf::study {

/// The two-sided critical value t.ppf(1 - (1 - confidence)/2, df) of Student's t (Boost.Math).
/// NaN when df < 1.
double t_critical(double confidence_level, int64_t df);

/// One metric's statistics across runs (AIPerf's ConfidenceMetric, spec §8.1).
struct ConfidenceStats {
  double mean = 0, std = 0, min = 0, max = 0, cv = 0, se = 0;
  double ci_low = 0, ci_high = 0, t_critical = 0;
};

/// mean; sample std (ddof=1); cv = std/mean (inf when mean is 0); se = std/sqrt(n); df = n-1;
/// ci = mean ∓ t·se. `values` must be finite and non-empty; with one value, std, cv, se, the
/// interval and t are NaN (no spread can be estimated; the exports write null).
ConfidenceStats confidence_stats(const std::vector<double>& values, double confidence_level);

/// The degenerate statistics of a single successful run (AIPerf's single-run mode): std, cv and
/// se 0, the interval collapsed to the value, t NaN.
ConfidenceStats single_run_stats(double value);

/// Sample standard deviation (ddof=1); NaN for fewer than two values.
double sample_std(const std::vector<double>& values);

struct KsResult {
  double statistic = 0;  // D = max |F_a(x) - F_b(x)|
  double pvalue = 1;
};
/// Two-sided two-sample Kolmogorov-Smirnov test (scipy.stats.ks_2samp, method "auto"): the exact
/// p-value (lattice-path count) when both samples have <= 10000 values, else the asymptotic
/// Kolmogorov distribution at sqrt(n·m/(n+m))·D. Both samples must be non-empty.
KsResult ks_2samp(std::vector<double> a, std::vector<double> b);

/// Q(λ) = P(K > λ) of the Kolmogorov distribution.
double kolmogorov_sf(double lambda);

}  // namespace aiperf::study
