// Statistics: numpy linear percentiles and population std (spec §2.3), hand-computed.
#include <gtest/gtest.h>

#include <cmath>

#include "aiperf/metrics/metrics.h"

namespace aiperf::metrics {
namespace {

TEST(Percentile, LinearInterpolationBetweenNeighbours) {
  const std::vector<double> v{1, 2, 3, 4};
  // rank = q/100 * (n - 1)
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 50), 2.5);   // rank 1.5
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 25), 1.75);  // rank 0.75
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 99), 3.97);  // rank 2.97
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 1), 1.03);   // rank 0.03
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 0), 1.0);
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 100), 4.0);
}

TEST(Percentile, UnevenGaps) {
  const std::vector<double> v{15, 20, 35, 40, 50};
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 40), 29.0);  // rank 1.6: 20 + 0.6 * 15
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 90), 46.0);  // rank 3.6: 40 + 0.6 * 10
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 10), 17.0);  // rank 0.4: 15 + 0.4 * 5
  EXPECT_DOUBLE_EQ(percentile_sorted(v, 50), 35.0);  // exact rank
}

TEST(Percentile, SingleValue) {
  const std::vector<double> v{7};
  for (double q : kPercentiles) EXPECT_DOUBLE_EQ(percentile_sorted(v, q), 7.0);
}

TEST(Stats, PopulationStdNotSample) {
  std::vector<double> v{9, 2, 4, 4, 5, 5, 7, 4};  // unsorted on purpose
  const Stats s = compute_stats(v);
  EXPECT_EQ(s.count, 8);
  EXPECT_DOUBLE_EQ(s.avg, 5.0);
  EXPECT_DOUBLE_EQ(s.std, 2.0);  // ddof=0; the sample std would be 2.138...
  EXPECT_DOUBLE_EQ(s.sum, 40.0);
  EXPECT_DOUBLE_EQ(s.min, 2.0);
  EXPECT_DOUBLE_EQ(s.max, 9.0);
  EXPECT_DOUBLE_EQ(s.p[4], 4.5);   // p50 of 2,4,4,4,5,5,7,9: rank 3.5
  EXPECT_DOUBLE_EQ(s.p[8], 8.86);  // p99: rank 6.93 -> 7 + 0.93 * 2
}

TEST(Stats, ManyValuesPairwiseSumIsExactForIntegers) {
  std::vector<double> v;
  for (int i = 1; i <= 1000; ++i) v.push_back(i);
  const Stats s = compute_stats(v);
  EXPECT_DOUBLE_EQ(s.sum, 500500.0);
  EXPECT_DOUBLE_EQ(s.avg, 500.5);
  EXPECT_NEAR(s.std, std::sqrt((1000.0 * 1000.0 - 1.0) / 12.0), 1e-9);
  EXPECT_DOUBLE_EQ(s.p[8], 990.01);  // rank 989.01
}

TEST(Units, DisplayConversions) {
  EXPECT_DOUBLE_EQ(convert_unit(1.5e6, "ns", "ms"), 1.5);
  EXPECT_DOUBLE_EQ(convert_unit(4e9, "ns", "sec"), 4.0);
  EXPECT_DOUBLE_EQ(convert_unit(0.25, "sec", "ms"), 250.0);
  EXPECT_DOUBLE_EQ(convert_unit(250.0, "ms", "ns"), 2.5e8);
  EXPECT_DOUBLE_EQ(convert_unit(42.0, "tokens", "tokens"), 42.0);
  EXPECT_THROW(convert_unit(1.0, "tokens", "ms"), std::invalid_argument);
  EXPECT_DOUBLE_EQ(metric_info(MetricId::kTimeToFirstToken).to_display(12'345'678.0), 12.345678);
  EXPECT_DOUBLE_EQ(metric_info(MetricId::kBenchmarkDuration).to_display(2.5e9), 2.5);
}

}  // namespace
}  // namespace aiperf::metrics

namespace aiperf::metrics {
namespace {

// Golden values from numpy 1.24 (np.sum, np.mean, np.std, np.percentile) on the same
// generated inputs, compared bit for bit: pairwise summation and numpy's lerp are reproduced.
std::vector<double> generate(int n, uint64_t x) {
  std::vector<double> out;
  for (int i = 0; i < n; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    out.push_back(static_cast<double>(x >> 40) / 3.0);
  }
  return out;
}

struct Golden {
  int n;
  uint64_t seed;
  double sum, mean, std;
  std::array<double, 9> p;
};

TEST(Stats, BitIdenticalToNumpy) {
  const Golden cases[] = {
      {37,
       1,
       112880297.99999999,
       3050818.8648648644,
       1355576.5725400113,
       {328272.76, 960975.8, 1271937.2666666668, 2141127.0, 3074439.6666666665, 4193866.6666666665,
        4754598.533333333, 5051511.866666664, 5448513.84}},
      {1000,
       2,
       2836037696.6666665,
       2836037.6966666663,
       1565190.1350625474,
       {62828.746666666666, 320498.38333333336, 736923.2666666667, 1504069.4166666667,
        2807190.1666666665, 4192699.75, 5041426.3, 5326168.05, 5555121.823333333}},
      {4099,
       3,
       11532628150.333334,
       2813522.3591932994,
       1611485.919932047,
       {60568.86666666667, 273423.6666666666, 550047.7333333333, 1425405.0, 2822883.3333333335,
        4187681.5, 5022579.666666667, 5303744.8, 5538148.906666666}},
  };
  for (const auto& g : cases) {
    auto v = generate(g.n, g.seed);
    const Stats s = compute_stats(v);
    EXPECT_EQ(s.sum, g.sum) << g.n;
    EXPECT_EQ(s.avg, g.mean) << g.n;
    EXPECT_EQ(s.std, g.std) << g.n;
    for (size_t i = 0; i < 9; ++i) EXPECT_EQ(s.p[i], g.p[i]) << g.n << " p" << kPercentiles[i];
  }
}

}  // namespace
}  // namespace aiperf::metrics
