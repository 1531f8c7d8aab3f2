// The capacity search on synthetic response curves: bracketing then bisection lands within one
// resolution step of the true capacity, also with noise that never crosses the target by more
// than its amplitude.
#include "aiperf/study/search.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace aiperf::study {
namespace {

std::vector<double> loads(const SearchOutcome& o) {
  std::vector<double> out;
  for (const auto& p : o.probes) out.push_back(p.load);
  return out;
}

TEST(CapacitySearch, StepResponseBracketsThenBisects) {
  SearchSpec spec;  // concurrency from 1, resolution 1
  SearchOutcome o = run_search(spec, [](double c) { return c <= 8 ? 1.0 : 0.0; });
  ASSERT_TRUE(o.capacity);
  EXPECT_EQ(*o.capacity, 8);
  EXPECT_EQ(*o.first_fail, 9);
  EXPECT_EQ(loads(o), (std::vector<double>{1, 2, 4, 8, 16, 12, 10, 9}));
  EXPECT_EQ(o.probes[4].phase, "bracket");
  EXPECT_EQ(o.probes[5].phase, "bisect");
  EXPECT_FALSE(o.probes[4].pass);
  EXPECT_NE(o.stop_reason.find("resolution"), std::string::npos);
}

TEST(CapacitySearch, SmoothMonotoneCurve) {
  // Goodput fraction falls smoothly; it crosses 0.9 between 15 and 16.
  auto f = [](double c) { return 1.0 / (1.0 + std::exp((c - 20.0) / 2.0)); };
  SearchSpec spec;
  SearchOutcome o = run_search(spec, f);
  ASSERT_TRUE(o.capacity);
  EXPECT_EQ(*o.capacity, 15);
  EXPECT_GE(f(*o.capacity), 0.9);
  EXPECT_LT(f(*o.capacity + 1), 0.9);
}

TEST(CapacitySearch, NoisyCurveStaysInsideTheNoiseBand) {
  // With noise of amplitude a, only loads whose true fraction is within a of the target can be
  // misjudged: 1/(1+e^((c-20)/2)) >= 0.95 up to c = 14, < 0.85 from c = 17.
  auto f = [](double c) { return 1.0 / (1.0 + std::exp((c - 20.0) / 2.0)); };
  for (unsigned seed = 1; seed <= 20; ++seed) {
    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> noise(-0.05, 0.05);
    SearchSpec spec;
    SearchOutcome o = run_search(spec, [&](double c) { return f(c) + noise(gen); });
    ASSERT_TRUE(o.capacity) << "seed " << seed;
    EXPECT_GE(*o.capacity, 14) << "seed " << seed;
    EXPECT_LE(*o.capacity, 16) << "seed " << seed;
  }
}

TEST(CapacitySearch, RealValuedLoadStopsAtRelativeResolution) {
  SearchSpec spec;
  spec.integer = false;
  spec.start = 1;
  SearchOutcome o = run_search(spec, [](double r) { return r <= 37.3 ? 0.95 : 0.5; });
  ASSERT_TRUE(o.capacity && o.first_fail);
  EXPECT_LE(*o.capacity, 37.3);
  EXPECT_GT(*o.first_fail, 37.3);
  EXPECT_LE(*o.first_fail - *o.capacity, 0.05 * *o.capacity + 1e-9);
}

TEST(CapacitySearch, ExplicitResolution) {
  SearchSpec spec;
  spec.resolution = 4;
  SearchOutcome o = run_search(spec, [](double c) { return c <= 21 ? 1.0 : 0.0; });
  ASSERT_TRUE(o.capacity && o.first_fail);
  EXPECT_LE(*o.first_fail - *o.capacity, 4);
  EXPECT_LE(*o.capacity, 21);
  EXPECT_GT(*o.first_fail, 21);
}

TEST(CapacitySearch, FirstLoadMisses) {
  SearchSpec spec;
  spec.start = 4;
  SearchOutcome o = run_search(spec, [](double) { return 0.2; });
  EXPECT_FALSE(o.capacity);
  EXPECT_EQ(*o.first_fail, 4);
  EXPECT_EQ(o.probes.size(), 1u);
  EXPECT_NE(o.stop_reason.find("already misses"), std::string::npos);
}

TEST(CapacitySearch, MaximumLoadStillPasses) {
  SearchSpec spec;
  spec.max = 10;
  SearchOutcome o = run_search(spec, [](double) { return 1.0; });
  EXPECT_EQ(*o.capacity, 10);
  EXPECT_FALSE(o.first_fail);
  EXPECT_EQ(loads(o), (std::vector<double>{1, 2, 4, 8, 10}));
  EXPECT_NE(o.stop_reason.find("--search-max"), std::string::npos);
}

TEST(CapacitySearch, ProbeBudget) {
  SearchSpec spec;
  spec.max_probes = 3;
  SearchOutcome o = run_search(spec, [](double c) { return c <= 100 ? 1.0 : 0.0; });
  EXPECT_EQ(o.probes.size(), 3u);
  EXPECT_EQ(*o.capacity, 4);
  EXPECT_NE(o.stop_reason.find("--search-max-probes"), std::string::npos);
}

TEST(CapacitySearch, InterruptedProbeStops) {
  SearchSpec spec;
  int calls = 0;
  SearchOutcome o = run_search(spec, [&](double) -> std::optional<double> {
    if (++calls == 3) return std::nullopt;
    return 1.0;
  });
  EXPECT_TRUE(o.interrupted);
  EXPECT_EQ(o.probes.size(), 2u);
  EXPECT_EQ(*o.capacity, 2);
}

}  // namespace
}  // namespace aiperf::study
