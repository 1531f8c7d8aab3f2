// Load shaping as pure logic (spec §3.2, §3.5, §3.10): ramp step times, the rate over time and
// the arrival times it gives, prefill slots with their waiters, the cancellation draw.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "aiperf/config/cli_options.h"
#include "aiperf/schedule/schedule.h"
#include "aiperf/schedule/shaping.h"

namespace aiperf::schedule {
namespace {

constexpr int64_t kSec = 1'000'000'000;

TEST(StepRamp, StepToVHappensAtDurationTimesVMinusOneOverTargetMinusOne) {
  StepRamp r(5, 8 * kSec);  // steps of +1 every 2 s: 1@0, 2@2, 3@4, 4@6, 5@8
  EXPECT_EQ(r.step_time_ns(1), 0);
  EXPECT_EQ(r.step_time_ns(2), 2 * kSec);
  EXPECT_EQ(r.step_time_ns(5), 8 * kSec);
  EXPECT_EQ(r.value_at(0), 1);
  EXPECT_EQ(r.value_at(2 * kSec - 1), 1);
  EXPECT_EQ(r.value_at(2 * kSec), 2);
  EXPECT_EQ(r.value_at(7 * kSec), 4);
  EXPECT_EQ(r.value_at(8 * kSec), 5);
  EXPECT_EQ(r.value_at(100 * kSec), 5);
  auto s = r.next_step(3 * kSec);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->first, 4 * kSec);
  EXPECT_EQ(s->second, 3);
  EXPECT_FALSE(r.next_step(8 * kSec));
}

TEST(StepRamp, UnevenStepsRoundToTheNearestNanosecond) {
  StepRamp r(4, 10 * kSec);  // 10/3 s apart
  EXPECT_EQ(r.step_time_ns(2), 3'333'333'333);
  EXPECT_EQ(r.step_time_ns(3), 6'666'666'667);
  for (int64_t v = 2; v <= 4; ++v) {
    EXPECT_EQ(r.value_at(r.step_time_ns(v)), v);
    EXPECT_EQ(r.value_at(r.step_time_ns(v) - 1), v - 1);
  }
}

TEST(StepRamp, TargetOfOneNeedsNoStep) {
  StepRamp r(1, 5 * kSec);
  EXPECT_EQ(r.value_at(0), 1);
  EXPECT_FALSE(r.next_step(0));
}

TEST(StepRamp, ExponentialStepsAtDurationTimesTheSquareRootOfProgress) {
  // Ease-in (AIPerf's exponent 2): value progress (t/D)^2, so the step to v comes at
  // D·sqrt((v−1)/(T−1)): 1@0, 2@5, 3@7.07.., 4@8.66.., 5@10 for T=5, D=10 s.
  StepRamp r(5, 10 * kSec, config::RampType::kExponential, nullptr);
  EXPECT_EQ(r.step_time_ns(2), 5 * kSec);
  EXPECT_EQ(r.step_time_ns(3), std::llround(10e9 * std::sqrt(0.5)));
  EXPECT_EQ(r.step_time_ns(5), 10 * kSec);
  EXPECT_EQ(r.value_at(5 * kSec - 1), 1);
  EXPECT_EQ(r.value_at(5 * kSec), 2);
  EXPECT_EQ(r.value_at(std::llround(10e9 * std::sqrt(0.5))), 3);
  EXPECT_EQ(r.value_at(9 * kSec), 4);
  EXPECT_EQ(r.value_at(10 * kSec), 5);
  auto next = r.next_step(6 * kSec);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->second, 3);
}

TEST(StepRamp, PoissonStepsAreRandomButEndOnTimeAndRepeatWithTheSeed) {
  const RngManager rngs(std::optional<uint64_t>(7));
  StepRamp a(50, 10 * kSec, config::RampType::kPoisson, &rngs);
  StepRamp b(50, 10 * kSec, config::RampType::kPoisson, &rngs);
  int64_t prev = 0;
  bool uneven = false;
  for (int64_t v = 2; v <= 50; ++v) {
    const int64_t t = a.step_time_ns(v);
    EXPECT_GE(t, prev) << v;
    EXPECT_LE(t, 10 * kSec) << v;
    EXPECT_EQ(t, b.step_time_ns(v)) << v;  // same seed, same trajectory
    EXPECT_EQ(a.value_at(t), std::max(a.value_at(t), v));
    uneven |= std::llabs(t - StepRamp(50, 10 * kSec).step_time_ns(v)) > kSec / 100;
    prev = t;
  }
  EXPECT_TRUE(uneven);  // not the linear schedule
  EXPECT_EQ(a.value_at(10 * kSec), 50);
  // The trajectory itself: values rise by range/n to exactly the target at exactly D.
  Rng rng = rngs.derive(kPoissonRampStream);
  const auto ev = poisson_ramp_events(1.0, 50.0, 10.0, rng);
  ASSERT_FALSE(ev.empty());
  EXPECT_DOUBLE_EQ(ev.back().first, 10.0);
  EXPECT_DOUBLE_EQ(ev.back().second, 50.0);
  const double step = 49.0 / double(ev.size());
  for (size_t i = 0; i + 1 < ev.size(); ++i) {
    EXPECT_NEAR(ev[i].second, 1.0 + step * double(i + 1), 1e-9);
    EXPECT_LE(ev[i].first, ev[i + 1].first);
  }
}

TEST(RateSchedule, ExponentialAndPoissonRampsFollowTheirCurves) {
  // Exponential: start + (target − start)·(t/D)^2 at every 0.1 s update.
  auto e = RateSchedule::ramp(10.0, 2.0, 0.1, config::RampType::kExponential);
  EXPECT_DOUBLE_EQ(e.rate_at(0), 0.5);
  EXPECT_NEAR(e.rate_at(kSec), 0.5 + 9.5 * 0.25, 1e-12);
  EXPECT_DOUBLE_EQ(e.rate_at(2 * kSec), 10.0);
  // Poisson: a step function of the trajectory, non-decreasing, the target from D on.
  const RngManager rngs(std::optional<uint64_t>(3));
  auto p = RateSchedule::ramp(10.0, 2.0, 0.1, config::RampType::kPoisson, &rngs);
  double prev = 0;
  for (const auto& piece : p.pieces()) {
    EXPECT_GE(piece.rate, prev);
    EXPECT_LE(piece.rate, 10.0);
    prev = piece.rate;
  }
  EXPECT_DOUBLE_EQ(p.rate_at(0), 0.5);
  EXPECT_DOUBLE_EQ(p.rate_at(2 * kSec), 10.0);
  EXPECT_THROW(RateSchedule::ramp(10.0, 2.0, 0.1, config::RampType::kPoisson, nullptr),
               std::invalid_argument);
}

TEST(RateSchedule, RampStartsAtTargetTimesIntervalOverDurationAndStepsEveryInterval) {
  auto s = RateSchedule::ramp(10.0, 2.0);  // start 10·0.1/2 = 0.5 req/s
  EXPECT_DOUBLE_EQ(s.rate_at(0), 0.5);
  EXPECT_DOUBLE_EQ(s.rate_at(kSec / 10 - 1), 0.5);
  // At t = 0.1 s: 0.5 + (10 − 0.5)·0.1/2 = 0.975; at 1 s: 5.25; from 2 s on: 10.
  EXPECT_NEAR(s.rate_at(kSec / 10), 0.975, 1e-12);
  EXPECT_NEAR(s.rate_at(kSec), 5.25, 1e-12);
  EXPECT_NEAR(s.rate_at(kSec + kSec / 20), 5.25, 1e-12);
  EXPECT_DOUBLE_EQ(s.rate_at(2 * kSec), 10.0);
  EXPECT_DOUBLE_EQ(s.rate_at(50 * kSec), 10.0);
  EXPECT_EQ(s.pieces().size(), 21u);  // 0, 0.1, ..., 1.9, then the target at 2.0
}

TEST(RateSchedule, PointsInterpolateFromTheRampsEndOn) {
  using P = config::Config::RatePoint;
  auto s = RateSchedule::points({P{0, 2}, P{1, 4}}, 10.0, std::nullopt, 0.0);
  EXPECT_DOUBLE_EQ(s.rate_at(0), 2.0);
  EXPECT_NEAR(s.rate_at(kSec / 2), 3.0, 1e-12);
  EXPECT_NEAR(s.rate_at(kSec / 2 + kSec / 20), 3.0, 1e-12);  // sampled every 0.1 s
  EXPECT_DOUBLE_EQ(s.rate_at(kSec), 4.0);
  EXPECT_DOUBLE_EQ(s.rate_at(9 * kSec), 4.0);  // the last rate holds
  // A first point after 0: its rate until then. After a ramp: the ramp until its end.
  auto late = RateSchedule::points({P{1, 6}, P{2, 8}}, 10.0, std::nullopt, 0.0);
  EXPECT_DOUBLE_EQ(late.rate_at(kSec / 2), 6.0);
  EXPECT_NEAR(late.rate_at(kSec + kSec / 2), 7.0, 1e-12);
  auto r = RateSchedule::points({P{0, 2}, P{1, 4}}, 10.0, RateSchedule::ramp(10.0, 1.0), 1.0);
  EXPECT_DOUBLE_EQ(r.rate_at(0), 1.0);  // 10·0.1/1
  EXPECT_NEAR(r.rate_at(kSec / 2), 1.0 + 9.0 * 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(r.rate_at(kSec), 2.0);
  EXPECT_NEAR(r.rate_at(kSec + kSec / 2), 3.0, 1e-12);
  EXPECT_DOUBLE_EQ(r.rate_at(3 * kSec), 4.0);
}

TEST(RateSchedule, AdvanceIntegratesTheRateAcrossPieces) {
  // 10 req/s for 1 s, 0 for 1 s, then 2 req/s.
  auto s = RateSchedule::series({{10.0, 1.0}, {0.0, 1.0}, {2.0, 1.0}});
  EXPECT_EQ(s.advance(0, 1.0), kSec / 10);
  EXPECT_EQ(s.advance(kSec / 2, 5.0), kSec);  // exactly the rest of the first segment
  // 1 request left after the first segment: the quiet segment is skipped, then 0.5 s at 2/s.
  EXPECT_EQ(s.advance(kSec / 2, 6.0), 2 * kSec + kSec / 2);
  EXPECT_EQ(s.advance(5 * kSec, 4.0), 7 * kSec);  // the last rate holds after the series
  EXPECT_DOUBLE_EQ(s.rate_at(1'500'000'000), 0.0);
}

TEST(RateSchedule, ARateThatStaysZeroNeverArrives) {
  auto s = RateSchedule::series({{5.0, 1.0}, {0.0, 1.0}});
  EXPECT_EQ(s.advance(kSec / 2, 10.0), std::numeric_limits<int64_t>::max());
}

TEST(RateSchedule, ConstantRateIsOneOverRate) {
  auto s = RateSchedule::constant(4.0);
  EXPECT_TRUE(s.is_constant());
  EXPECT_EQ(s.advance(3 * kSec, 1.0), 3 * kSec + kSec / 4);
}

TEST(RateSchedule, ConstantArrivalsUnderARampCountLikeTheIntegral) {
  // Unit gaps under the ramp: the number of arrivals by time t is floor(∫ rate), so the ramp
  // reaches its target rate at its end (no long first gap at the low start rate).
  auto s = RateSchedule::ramp(20.0, 1.0);
  int64_t t = 0;
  int n = 0;
  while ((t = s.advance(t, 1.0)) < kSec) ++n;
  double integral = 0;
  for (const auto& p : s.pieces()) {
    if (p.start_ns >= kSec) break;
    integral += p.rate * 0.1;
  }
  EXPECT_EQ(n, int(std::floor(integral + 1e-9)));
  // After the ramp, arrivals are 1/20 s apart.
  int64_t a = s.advance(2 * kSec, 1.0), b = s.advance(a, 1.0);
  EXPECT_EQ(b - a, kSec / 20);
}

TEST(SlotQueue, WaitersTakeReleasedSlotsInOrder) {
  SlotQueue<int> q(2);
  int a = 1, b = 2, c = 3, d = 4;
  EXPECT_TRUE(q.acquire_or_queue(a));
  EXPECT_TRUE(q.acquire_or_queue(b));
  EXPECT_FALSE(q.acquire_or_queue(c));
  EXPECT_FALSE(q.acquire_or_queue(d));
  EXPECT_EQ(q.in_use(), 2);
  EXPECT_EQ(q.waiting(), 2u);
  auto w = q.release();
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, 3);  // the slot passes to the oldest waiter: still 2 in use
  EXPECT_EQ(q.in_use(), 2);
  w = q.release();
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, 4);
  EXPECT_FALSE(q.release());
  EXPECT_FALSE(q.release());
  EXPECT_EQ(q.in_use(), 0);
}

TEST(SlotQueue, RaisingTheLimitLetsWaitersGoAndLoweringTakesNoSlot) {
  SlotQueue<int> q(1);
  int v[5] = {0, 1, 2, 3, 4};
  EXPECT_TRUE(q.acquire_or_queue(v[0]));
  for (int i = 1; i < 5; ++i) EXPECT_FALSE(q.acquire_or_queue(v[i]));
  auto go = q.set_limit(3);
  ASSERT_EQ(go.size(), 2u);
  EXPECT_EQ(go[0], 1);
  EXPECT_EQ(go[1], 2);
  EXPECT_EQ(q.in_use(), 3);
  EXPECT_TRUE(q.set_limit(1).empty());  // 3 in use stay in use (debt)
  EXPECT_FALSE(q.release());            // 2 in use, still over the limit of 1
  EXPECT_FALSE(q.release());            // 1 in use: at the limit
  auto w = q.release();                 // 0 in use: the waiter goes
  ASSERT_TRUE(w);
  EXPECT_EQ(*w, 3);
  auto rest = q.take_waiters();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0], 4);
  EXPECT_EQ(q.waiting(), 0u);
}

// Prefill slots in a phase: never more than the cap between a credit's acquisition and its
// release, whatever the order of first tokens.
TEST(PhaseStatePrefill, InUseNeverExceedsTheCap) {
  PhaseSpec s;
  s.concurrency = 8;
  s.request_count = 100;
  s.prefill_concurrency = 3;
  PhaseState ps(s, 1, 1);
  ps.start(0);
  ASSERT_TRUE(ps.prefill_limited());
  std::vector<Credit> holding;
  size_t queued = 0;
  for (int i = 0; i < 8; ++i) {
    auto c = ps.try_issue(0, 0);
    ASSERT_TRUE(c);
    Credit copy = *c;
    if (ps.acquire_prefill(0, *c)) {
      holding.push_back(copy);
    } else {
      ++queued;
    }
    EXPECT_LE(ps.prefill_in_use(), 3);
  }
  EXPECT_EQ(holding.size(), 3u);
  EXPECT_EQ(queued, 5u);
  EXPECT_FALSE(ps.prefill_available());
  for (int i = 0; i < 5; ++i) {
    auto w = ps.release_prefill();  // a first token
    ASSERT_TRUE(w);
    EXPECT_EQ(w->credit.index, uint64_t(3 + i));  // FIFO
    EXPECT_EQ(ps.prefill_in_use(), 3);
  }
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(ps.release_prefill());
  EXPECT_EQ(ps.prefill_in_use(), 0);
  EXPECT_TRUE(ps.prefill_available());
}

TEST(PhaseStatePrefill, ARampStartsAtOneSlotAndARampedSessionLimitAtOne) {
  PhaseSpec s;
  s.concurrency = 6;
  s.concurrency_ramp_s = 5.0;
  s.request_count = 100;
  s.prefill_concurrency = 4;
  s.prefill_ramp_s = 3.0;
  PhaseState ps(s, 1, 1);
  ps.start(0);
  EXPECT_EQ(ps.session_limit(), 1);
  ASSERT_TRUE(ps.try_issue(0, 0));
  EXPECT_FALSE(ps.slot_available());
  ps.set_session_limit(2);
  EXPECT_TRUE(ps.slot_available());
  Credit a, b;
  EXPECT_TRUE(ps.acquire_prefill(0, a));
  EXPECT_FALSE(ps.acquire_prefill(1, b));
  auto go = ps.set_prefill_limit(2);
  ASSERT_EQ(go.size(), 1u);
  EXPECT_EQ(go[0].worker, 1);
}

TEST(Cancellation, DrawsItsOwnStreamAndSparesWarmup) {
  RngManager rngs(42);
  CancellationPolicy p(30.0, 0.25, rngs);
  ASSERT_TRUE(p.enabled());
  int cancelled = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    auto d = p.draw(record::Phase::kProfiling);
    if (d) {
      EXPECT_EQ(*d, 250'000'000);
      ++cancelled;
    }
  }
  // Binomial(20000, 0.3): sd ≈ 65; 6 sd.
  EXPECT_NEAR(cancelled, 0.3 * n, 400);
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(p.draw(record::Phase::kWarmup));
  // Same seed, same decisions; other streams are untouched (derived by name).
  CancellationPolicy q(30.0, 0.25, rngs), r(30.0, 0.25, rngs);
  for (int i = 0; i < 200; ++i)
    EXPECT_EQ(q.draw(record::Phase::kProfiling), r.draw(record::Phase::kProfiling));
  EXPECT_FALSE(CancellationPolicy().enabled());
}

// Scale-out: a rank drawing only for its own credit numbers (index ≡ r mod 3) gets, for each,
// the decision one process drawing every credit gets.
TEST(Cancellation, ARanksShareGetsOneProcessDecisions) {
  RngManager rngs(7);
  CancellationPolicy all(40.0, 0.0, rngs), share(40.0, 0.0, rngs);
  std::vector<bool> one;
  for (int i = 0; i < 300; ++i) one.push_back(all.draw(record::Phase::kProfiling).has_value());
  int cancelled = 0;
  for (uint64_t i = 2; i < 300; i += 3) {
    bool c = share.draw(record::Phase::kProfiling, i).has_value();
    EXPECT_EQ(c, one[i]) << i;
    cancelled += c;
  }
  EXPECT_GT(cancelled, 0);  // both outcomes occur (40 % of 100 draws)
  EXPECT_LT(cancelled, 100);

  // Through PhaseState: rank 1 of 3 issues credits 1, 4, 7, ... with those credits' decisions.
  PhaseSpec s;
  s.concurrency = 100;
  s.request_count = 30;
  s.deal_count = 3;
  s.deal_index = 1;
  PhaseState ps(s, 1, 1);
  ps.set_cancellation(CancellationPolicy(40.0, 0.0, rngs));
  ps.start(0);
  for (int k = 0; k < 30; ++k) {
    auto c = ps.try_issue(0, 0);
    ASSERT_TRUE(c);
    ASSERT_EQ(c->index, uint64_t(1 + 3 * k));
    EXPECT_EQ(c->cancel_after_ns >= 0, bool(one[c->index])) << c->index;
  }
}

TEST(Cancellation, IssuedCreditsCarryTheDelay) {
  PhaseSpec s;
  s.concurrency = 1;
  s.request_count = 1000;
  PhaseState ps(s, 1, 1);
  ps.set_cancellation(CancellationPolicy(100.0, 0.5, RngManager(1)));
  ps.start(0);
  auto c = ps.try_issue(0, 0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->cancel_after_ns, 500'000'000);
  PhaseSpec w = s;
  w.phase = record::Phase::kWarmup;
  PhaseState wp(w, 1, 1);
  wp.set_cancellation(CancellationPolicy(100.0, 0.5, RngManager(1)));
  wp.start(0);
  EXPECT_EQ(wp.try_issue(0, 0)->cancel_after_ns, -1);
}

config::Config parse(std::vector<std::string> args) {
  config::ParseEnv env;
  args.insert(args.begin(), {"-m", "mock-model"});
  return config::parse_profile_args(args, env);
}

/// The one-line error parsing `args` gives ("" when it parses).
std::string err(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

TEST(ShapingPhases, ProfilingGetsEveryShapingFlag) {
  auto phases = make_phases(
      parse({"--streaming", "--request-rate-series", "10:1s,20:1s", "--concurrency", "4",
             "--prefill-concurrency", "2", "--concurrency-ramp-duration", "1",
             "--prefill-concurrency-ramp-duration", "0.5", "--request-cancellation-rate", "50",
             "--request-cancellation-delay", "0.2"}));
  ASSERT_EQ(phases.size(), 1u);
  const PhaseSpec& p = phases.front();
  EXPECT_EQ(p.mode, config::TimingMode::kRequestRate);
  EXPECT_EQ(p.rate_series.size(), 2u);
  EXPECT_EQ(p.prefill_concurrency, 2);
  EXPECT_EQ(p.concurrency_ramp_s, 1.0);
  EXPECT_EQ(p.prefill_ramp_s, 0.5);
  EXPECT_EQ(p.cancel_rate_pct, 50.0);
  EXPECT_EQ(p.cancel_delay_s, 0.2);
  EXPECT_EQ(p.duration_s, 2.0);
}

TEST(ShapingPhases, WarmupInheritsRampsAndPrefillButNeitherSeriesNorCancellation) {
  auto phases =
      make_phases(parse({"--streaming", "--request-rate-series", "10:1s,20:1s", "--concurrency",
                         "4", "--prefill-concurrency", "2", "--concurrency-ramp-duration", "1",
                         "--warmup-request-count", "3", "--request-cancellation-rate", "50"}));
  ASSERT_EQ(phases.size(), 2u);
  const PhaseSpec& w = phases.front();
  EXPECT_EQ(w.prefill_concurrency, 2);
  EXPECT_EQ(w.concurrency_ramp_s, 1.0);
  EXPECT_TRUE(w.rate_series.empty());
  EXPECT_DOUBLE_EQ(w.rate, 15.0);  // the series' mean
  EXPECT_EQ(w.cancel_rate_pct, 0.0);
  EXPECT_EQ(phases.back().cancel_rate_pct, 50.0);
}

TEST(ShapingPhases, WarmupShapingFlagsOverrideOrSwitchOffWhatItInherits) {
  auto phases = make_phases(
      parse({"--streaming", "--concurrency", "4", "--prefill-concurrency", "2",
             "--concurrency-ramp-duration", "1", "--concurrency-ramp-strategy", "exponential",
             "--prefill-concurrency-ramp-duration", "0.5", "--warmup-request-count", "3",
             "--warmup-prefill-concurrency", "1", "--warmup-concurrency-ramp-strategy", "poisson",
             "--warmup-prefill-concurrency-ramp-duration", "0"}));
  ASSERT_EQ(phases.size(), 2u);
  const PhaseSpec& w = phases.front();
  EXPECT_EQ(w.prefill_concurrency, 1);
  EXPECT_EQ(w.concurrency_ramp_s, 1.0);  // the profiling duration, the warmup's own curve
  EXPECT_EQ(w.concurrency_ramp_type, config::RampType::kPoisson);
  EXPECT_FALSE(w.prefill_ramp_s);  // 0: none in the warmup
  const PhaseSpec& p = phases.back();
  EXPECT_EQ(p.concurrency_ramp_type, config::RampType::kExponential);
  EXPECT_EQ(p.prefill_ramp_s, 0.5);
  // --warmup-prefill-concurrency 0: no prefill limit in the warmup (and so no prefill ramp).
  auto off =
      make_phases(parse({"--streaming", "--concurrency", "4", "--prefill-concurrency", "2",
                         "--prefill-concurrency-ramp-duration", "0.5", "--warmup-request-count",
                         "3", "--warmup-prefill-concurrency", "0"}));
  EXPECT_FALSE(off.front().prefill_concurrency);
  EXPECT_FALSE(off.front().prefill_ramp_s);
}

TEST(ShapingPhases, WarmupShapingMisuseIsOneLine) {
  EXPECT_NE(err({"--concurrency", "4", "--warmup-request-count", "2",
                 "--warmup-prefill-concurrency", "2"})
                .find("--warmup-prefill-concurrency requires --streaming"),
            std::string::npos);
  EXPECT_NE(err({"--streaming", "--concurrency", "4", "--warmup-request-count", "2",
                 "--warmup-prefill-concurrency", "5"})
                .find("cannot be greater than the warmup concurrency (4)"),
            std::string::npos);
  EXPECT_NE(err({"--concurrency", "4", "--warmup-duration", "2",
                 "--warmup-concurrency-ramp-duration", "3"})
                .find("is longer than the warmup"),
            std::string::npos);
  EXPECT_NE(err({"--concurrency", "4", "--warmup-request-count", "2",
                 "--warmup-request-rate-ramp-duration", "3"})
                .find("needs --warmup-request-rate or --request-rate"),
            std::string::npos);
  EXPECT_NE(err({"--concurrency", "4", "--concurrency-ramp-strategy", "poisson"})
                .find("--concurrency-ramp-strategy needs --concurrency-ramp-duration"),
            std::string::npos);
  EXPECT_NE(err({"--concurrency", "4", "--concurrency-ramp-duration", "1",
                 "--concurrency-ramp-strategy", "cubic"})
                .find("cubic"),
            std::string::npos);
}

TEST(ShapingPhases, JsonRateSeriesFromFileOrInlineAndItsChecks) {
  const std::string dir = ::testing::TempDir();
  const std::string file = dir + "/rate_series_test.json";
  std::ofstream(file) << R"([{"time_s": 0, "qps": 1}, {"time_s": 5, "qps": 3.5}])";
  auto phases = make_phases(
      parse({"--request-rate", "2", "--request-rate-series", file, "--warmup-request-count", "2"}));
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_TRUE(phases.front().rate_points.empty());  // the warmup runs at one rate
  ASSERT_EQ(phases.back().rate_points.size(), 2u);
  EXPECT_EQ(phases.back().rate_points[1].qps, 3.5);
  EXPECT_EQ(phases.back().rate, 2.0);
  const auto inline_pts =
      parse({"--request-rate", "2", "--request-rate-series",
             R"({"points": [{"time_s": 0, "qps": 1}, {"time_s": 2, "qps": 2}]})"})
          .request_rate_points;
  EXPECT_EQ(inline_pts.size(), 2u);
  EXPECT_NE(err({"--request-rate-series", file}).find("needs --request-rate"), std::string::npos);
  EXPECT_NE(err({"--request-rate", "1", "--request-rate-series",
                 R"([{"time_s": 1, "qps": 1}, {"time_s": 1, "qps": 2}])"})
                .find("strictly increasing"),
            std::string::npos);
  EXPECT_NE(err({"--request-rate", "1", "--request-rate-series", R"([{"time_s": 0, "qps": 1}])"})
                .find("at least two points"),
            std::string::npos);
  EXPECT_NE(err({"--request-rate", "1", "--request-rate-series",
                 R"([{"time_s": 0, "qps": 0}, {"time_s": 1, "qps": 1}])"})
                .find("qps > 0"),
            std::string::npos);
  EXPECT_NE(err({"--request-rate", "1", "--request-rate-series", dir + "/missing_series.json"})
                .find("cannot read the rate series file"),
            std::string::npos);
  EXPECT_NE(err({"--request-rate", "1", "--request-rate-series", "[1,"}).find("not valid JSON"),
            std::string::npos);
  EXPECT_NE(err({"--concurrency", "2", "--request-rate-series",
                 R"([{"time_s": 0, "qps": 1}, {"time_s": 1, "qps": 2}])"})
                .find("needs --request-rate"),
            std::string::npos);
}

TEST(ShapingPhases, RateRampOnlyInRateMode) {
  auto phases = make_phases(parse({"--request-rate", "10", "--request-rate-ramp-duration", "2"}));
  EXPECT_EQ(phases.back().rate_ramp_s, 2.0);
  EXPECT_FALSE(make_phases(parse({"--concurrency", "2"})).back().rate_ramp_s);
}

}  // namespace
}  // namespace aiperf::schedule
