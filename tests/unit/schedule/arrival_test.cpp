// Arrival-interval generators (spec §3.4): exact constant gaps, Poisson and gamma moments at
// fixed seeds (6-standard-error tolerances), run-time rate changes, and the config factory.
#include "aiperf/schedule/arrival.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/schedule/schedule.h"

namespace aiperf::schedule {
namespace {

using config::ArrivalPattern;

constexpr int kN = 200'000;

struct Moments {
  double mean = 0, var = 0;
};

Moments moments(IntervalGenerator& g, int n) {
  double mean = 0, m2 = 0;
  for (int i = 1; i <= n; ++i) {
    double x = g.next_s();
    EXPECT_GE(x, 0.0);
    double d = x - mean;
    mean += d / i;
    m2 += d * (x - mean);
  }
  return {mean, m2 / n};
}

TEST(Arrival, ConstantIsExactlyOneOverRate) {
  ConstantIntervals g(8.0);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(g.next_s(), 0.125);
  EXPECT_EQ(g.next_ns(), 125'000'000);
  ConstantIntervals third(3.0);
  EXPECT_EQ(third.next_ns(), 333'333'333);  // rounded to the nearest ns
  EXPECT_EQ(g.pattern(), ArrivalPattern::kConstant);
}

TEST(Arrival, ConcurrencyBurstIsZero) {
  ConcurrencyBurstIntervals g;
  for (int i = 0; i < 10; ++i) EXPECT_EQ(g.next_ns(), 0);
}

TEST(Arrival, PoissonHasExponentialMoments) {
  const double rate = 50.0;
  PoissonIntervals g(rate, Rng(11));
  auto m = moments(g, kN);
  const double v = 1 / (rate * rate);
  EXPECT_NEAR(m.mean, 1 / rate, 6 * std::sqrt(v / kN));
  EXPECT_NEAR(m.var, v, 6 * std::sqrt(8 * v * v / kN));  // mu4 = 9 v^2
}

class GammaArrival : public ::testing::TestWithParam<double> {};

TEST_P(GammaArrival, MeanIsOneOverRateAndCvIsOneOverSqrtSmoothness) {
  const double k = GetParam(), rate = 20.0;
  GammaIntervals g(rate, k, Rng(22 + uint64_t(k * 10)));
  auto m = moments(g, kN);
  const double theta = 1 / (rate * k);
  const double v = k * theta * theta;  // = 1 / (k rate^2): CV^2 = 1/k
  const double mu4 = 3 * k * (k + 2) * std::pow(theta, 4);
  EXPECT_NEAR(m.mean, 1 / rate, 6 * std::sqrt(v / kN));
  EXPECT_NEAR(m.var, v, 6 * std::sqrt((mu4 - v * v) / kN));
}

INSTANTIATE_TEST_SUITE_P(Smoothness, GammaArrival, ::testing::Values(0.25, 1.0, 4.0, 16.0));

TEST(Arrival, SetRateChangesTheMeanFromTheNextDraw) {
  PoissonIntervals g(10.0, Rng(33));
  auto slow = moments(g, kN);
  g.set_rate(1000.0);
  EXPECT_EQ(g.rate(), 1000.0);
  auto fast = moments(g, kN);
  EXPECT_NEAR(slow.mean, 0.1, 6 * 0.1 / std::sqrt(kN));
  EXPECT_NEAR(fast.mean, 0.001, 6 * 0.001 / std::sqrt(kN));

  GammaIntervals gg(10.0, 2.0, Rng(34));
  gg.set_rate(100.0);
  auto m = moments(gg, kN);
  EXPECT_NEAR(m.mean, 0.01, 6 * std::sqrt(0.5 * 1e-4 / kN));

  ConstantIntervals c(10.0);
  c.set_rate(4.0);
  EXPECT_EQ(c.next_s(), 0.25);
  EXPECT_THROW(c.set_rate(0.0), std::invalid_argument);
  EXPECT_THROW(c.set_rate(-1.0), std::invalid_argument);
  EXPECT_THROW(c.set_rate(std::nan("")), std::invalid_argument);
  EXPECT_EQ(c.rate(), 4.0);
}

config::Config rate_config(ArrivalPattern p, double rate, uint64_t seed) {
  config::Config cfg;
  cfg.timing_mode = config::TimingMode::kRequestRate;
  cfg.request_rate = rate;
  cfg.arrival_pattern = p;
  cfg.random_seed = seed;
  return cfg;
}

TEST(ArrivalFactory, ConcurrencyModeIsBurst) {
  config::Config cfg;  // no --request-rate
  auto g = make_interval_generator(cfg, RngManager(1));
  EXPECT_EQ(g->pattern(), ArrivalPattern::kConcurrencyBurst);
  EXPECT_EQ(g->next_ns(), 0);
}

TEST(ArrivalFactory, FromPhaseSpec) {
  RngManager rngs(3);
  PhaseSpec conc;  // concurrency mode: the arrival pattern is ignored
  conc.mode = config::TimingMode::kConcurrency;
  conc.arrival = ArrivalPattern::kPoisson;
  EXPECT_EQ(make_interval_generator(conc, rngs)->pattern(), ArrivalPattern::kConcurrencyBurst);
  PhaseSpec rate;
  rate.mode = config::TimingMode::kRequestRate;
  rate.rate = 4.0;
  rate.arrival = ArrivalPattern::kGamma;
  rate.smoothness = 2.0;
  auto g = make_interval_generator(rate, rngs);
  ASSERT_EQ(g->pattern(), ArrivalPattern::kGamma);
  EXPECT_EQ(static_cast<GammaIntervals&>(*g).smoothness(), 2.0);
  EXPECT_EQ(g->rate(), 4.0);
}

TEST(ArrivalFactory, PicksThePatternAndItsNamedStream) {
  RngManager rngs(42);
  auto p = make_interval_generator(rate_config(ArrivalPattern::kPoisson, 5.0, 42), rngs);
  ASSERT_EQ(p->pattern(), ArrivalPattern::kPoisson);
  Rng expect = rngs.derive("timing.request.poisson_interval");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(p->next_s(), expect.exponential(5.0));

  auto cfg = rate_config(ArrivalPattern::kGamma, 5.0, 42);
  cfg.arrival_smoothness = 0.5;
  auto g = make_interval_generator(cfg, rngs);
  ASSERT_EQ(g->pattern(), ArrivalPattern::kGamma);
  Rng expect_g = rngs.derive("timing.request.gamma_interval");
  for (int i = 0; i < 100; ++i) ASSERT_EQ(g->next_s(), expect_g.gamma(0.5, 1 / (5.0 * 0.5)));

  auto c = make_interval_generator(rate_config(ArrivalPattern::kConstant, 5.0, 42), rngs);
  EXPECT_EQ(c->pattern(), ArrivalPattern::kConstant);
  EXPECT_EQ(c->next_ns(), 200'000'000);
}

TEST(ArrivalFactory, SameSeedSameScheduleDifferentSeedDifferent) {
  auto cfg = rate_config(ArrivalPattern::kPoisson, 100.0, 7);
  auto a = make_interval_generator(cfg, RngManager(7));
  auto b = make_interval_generator(cfg, RngManager(7));
  auto c = make_interval_generator(cfg, RngManager(8));
  int same_ab = 0, same_ac = 0;
  for (int i = 0; i < 1000; ++i) {
    int64_t x = a->next_ns(), y = b->next_ns(), z = c->next_ns();
    same_ab += x == y;
    same_ac += x == z;
  }
  EXPECT_EQ(same_ab, 1000);
  EXPECT_LT(same_ac, 5);
}

TEST(ArrivalFactory, ImpossibleSettingsNameTheFlag) {
  RngManager rngs(1);
  auto expect_error = [&](const config::Config& cfg, const std::string& flag) {
    try {
      make_interval_generator(cfg, rngs);
      ADD_FAILURE() << "no error for " << flag;
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find(flag), std::string::npos) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  };
  expect_error(rate_config(ArrivalPattern::kPoisson, 0.0, 1), "--request-rate");
  expect_error(rate_config(ArrivalPattern::kConstant, -2.0, 1), "--request-rate");
  auto gamma = rate_config(ArrivalPattern::kGamma, 3.0, 1);
  gamma.arrival_smoothness = 0.0;
  expect_error(gamma, "--arrival-smoothness");
}

TEST(ArrivalRegistry, NamesRoundTrip) {
  EXPECT_EQ(parse_arrival_pattern("poisson"), ArrivalPattern::kPoisson);
  EXPECT_EQ(parse_arrival_pattern("gamma"), ArrivalPattern::kGamma);
  EXPECT_EQ(parse_arrival_pattern("constant"), ArrivalPattern::kConstant);
  EXPECT_EQ(parse_arrival_pattern("concurrency_burst"), ArrivalPattern::kConcurrencyBurst);
  EXPECT_EQ(parse_arrival_pattern("uniform"), std::nullopt);
  EXPECT_EQ(arrival_patterns().size(), 4u);
}

}  // namespace
}  // namespace aiperf::schedule
