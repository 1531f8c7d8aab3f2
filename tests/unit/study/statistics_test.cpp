// Student-t quantiles against published tables, the confidence formulas of spec §8.1 on
// hand-computed cases, and the two-sample KS test against scipy.stats.ks_2samp.
#include "aiperf/study/statistics.h"

#include <cmath>

#include <gtest/gtest.h>

namespace aiperf::study {
namespace {

TEST(TCritical, MatchesPublishedTwoSidedTable) {
  // t_{0.975, df} from any Student-t table (3 decimals).
  EXPECT_NEAR(t_critical(0.95, 1), 12.706, 5e-4);
  EXPECT_NEAR(t_critical(0.95, 2), 4.303, 5e-4);
  EXPECT_NEAR(t_critical(0.95, 4), 2.776, 5e-4);
  EXPECT_NEAR(t_critical(0.95, 9), 2.262, 5e-4);
  EXPECT_NEAR(t_critical(0.95, 29), 2.045, 5e-4);
  EXPECT_NEAR(t_critical(0.90, 10), 1.812, 5e-4);  // t_{0.95, 10}
  EXPECT_NEAR(t_critical(0.99, 5), 4.032, 5e-4);   // t_{0.995, 5}
  // scipy.stats.t.ppf(0.975, 1) to more digits.
  EXPECT_NEAR(t_critical(0.95, 1), 12.706204736, 1e-8);
}

TEST(TCritical, NaNWithoutDegreesOfFreedom) {
  EXPECT_TRUE(std::isnan(t_critical(0.95, 0)));
  EXPECT_TRUE(std::isnan(t_critical(1.0, 5)));
}

TEST(ConfidenceStats, HandComputed) {
  // 10, 12, 14: mean 12, sample std 2, se 2/sqrt(3), t(0.975, 2) = 4.302653.
  ConfidenceStats s = confidence_stats({10, 12, 14}, 0.95);
  EXPECT_DOUBLE_EQ(s.mean, 12);
  EXPECT_DOUBLE_EQ(s.std, 2);
  EXPECT_DOUBLE_EQ(s.min, 10);
  EXPECT_DOUBLE_EQ(s.max, 14);
  EXPECT_DOUBLE_EQ(s.cv, 2.0 / 12.0);
  EXPECT_NEAR(s.se, 1.1547005384, 1e-9);
  EXPECT_NEAR(s.t_critical, 4.3026527297, 1e-8);
  EXPECT_NEAR(s.ci_low, 12 - 4.3026527297 * 1.1547005384, 1e-7);
  EXPECT_NEAR(s.ci_high, 12 + 4.3026527297 * 1.1547005384, 1e-7);
  EXPECT_LE(s.ci_low, s.mean);
  EXPECT_GE(s.ci_high, s.mean);
}

TEST(ConfidenceStats, ZeroMeanGivesInfiniteCv) {
  ConfidenceStats s = confidence_stats({-1, 1}, 0.95);
  EXPECT_DOUBLE_EQ(s.mean, 0);
  EXPECT_TRUE(std::isinf(s.cv));
}

TEST(ConfidenceStats, OneValueHasNoSpread) {
  ConfidenceStats s = confidence_stats({7}, 0.95);
  EXPECT_DOUBLE_EQ(s.mean, 7);
  EXPECT_TRUE(std::isnan(s.std));
  EXPECT_TRUE(std::isnan(s.t_critical));
  EXPECT_TRUE(std::isnan(s.ci_low));
  ConfidenceStats one = single_run_stats(7);
  EXPECT_DOUBLE_EQ(one.std, 0);
  EXPECT_DOUBLE_EQ(one.cv, 0);
  EXPECT_DOUBLE_EQ(one.ci_low, 7);
  EXPECT_DOUBLE_EQ(one.ci_high, 7);
  EXPECT_TRUE(std::isnan(one.t_critical));
}

TEST(KsTest, SeparatedSamples) {
  // scipy.stats.ks_2samp([1,2,3], [4,5,6]): D = 1, p = 2 / C(6,3) = 0.1.
  KsResult r = ks_2samp({1, 2, 3}, {4, 5, 6});
  EXPECT_DOUBLE_EQ(r.statistic, 1.0);
  EXPECT_NEAR(r.pvalue, 0.1, 1e-12);
}

TEST(KsTest, UnequalSizesMatchScipy) {
  KsResult r = ks_2samp({1.0, 2.5, 3.1, 4.7, 5.2, 6.8, 7.1}, {2.2, 3.3, 4.4, 8.8, 9.9});
  EXPECT_NEAR(r.statistic, 0.4, 1e-12);
  EXPECT_NEAR(r.pvalue, 0.6388888888888888, 1e-9);
}

TEST(KsTest, TiesMatchScipy) {
  KsResult r = ks_2samp({1, 2, 2, 3, 3, 3}, {2, 3, 3, 4});
  EXPECT_NEAR(r.statistic, 0.25, 1e-12);
  EXPECT_NEAR(r.pvalue, 0.9952380952380953, 1e-9);
}

TEST(KsTest, LargerSamplesMatchScipy) {
  std::vector<double> a, b;
  for (int i = 0; i < 50; ++i) a.push_back(i);
  for (int i = 0; i < 60; ++i) b.push_back(i * 0.9 + 3);
  KsResult r = ks_2samp(a, b);
  EXPECT_NEAR(r.statistic, 0.14333333333333334, 1e-12);
  EXPECT_NEAR(r.pvalue, 0.5785467572337198, 1e-9);
  std::vector<double> shifted;
  for (double v : a) shifted.push_back(v + 0.5);
  EXPECT_NEAR(ks_2samp(a, shifted).statistic, 0.02, 1e-12);
  EXPECT_DOUBLE_EQ(ks_2samp(a, shifted).pvalue, 1.0);
}

TEST(KsTest, AsymptoticForLargeSamples) {
  // Beyond 10000 values the Kolmogorov limit is used: identical samples give p = 1, clearly
  // shifted ones a tiny p.
  std::vector<double> a, b;
  for (int i = 0; i < 12000; ++i) {
    a.push_back(i);
    b.push_back(i + 3000);
  }
  KsResult r = ks_2samp(a, b);
  EXPECT_NEAR(r.statistic, 0.25, 1e-12);
  EXPECT_LT(r.pvalue, 1e-12);
  EXPECT_DOUBLE_EQ(ks_2samp(a, a).pvalue, 1.0);
}

TEST(Kolmogorov, KnownValues) {
  // Q(1.3581) = 0.05 and Q(1.2238) = 0.10: the usual critical values.
  EXPECT_NEAR(kolmogorov_sf(1.3581), 0.05, 2e-4);
  EXPECT_NEAR(kolmogorov_sf(1.2238), 0.10, 2e-4);
  EXPECT_NEAR(kolmogorov_sf(0.5), 0.963945, 1e-5);
}

}  // namespace
}  // namespace aiperf::study
