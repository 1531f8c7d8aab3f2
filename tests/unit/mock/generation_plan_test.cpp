#include "aiperf/mock/generation_plan.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aiperf::mock {
namespace {

TEST(PlanLengths, MaxTokensIsExact) {
  for (uint64_t h = 0; h < 100; ++h) {
    LengthRequest r;
    r.isl = 64;
    r.max_tokens = 24;
    EXPECT_EQ(plan_lengths(r, h).output_tokens, 24);
  }
}

TEST(PlanLengths, MinBelowMaxDrawsInRangeAndIgnoreEosPinsMax) {
  bool saw_below_max = false;
  for (uint64_t h = 0; h < 200; ++h) {
    LengthRequest r;
    r.isl = 10;
    r.max_tokens = 20;
    r.min_tokens = 5;
    int64_t n = plan_lengths(r, h).output_tokens;
    EXPECT_GE(n, 5);
    EXPECT_LE(n, 20);
    saw_below_max |= n < 20;
    r.ignore_eos = true;
    EXPECT_EQ(plan_lengths(r, h).output_tokens, 20);
  }
  EXPECT_TRUE(saw_below_max);
}

TEST(PlanLengths, NoLimitsFollowsPromptLength) {
  for (uint64_t h = 0; h < 200; ++h) {
    LengthRequest r;
    r.isl = 100;
    int64_t n = plan_lengths(r, h).output_tokens;
    EXPECT_GE(n, 80);
    EXPECT_LE(n, 120);
    r.isl = 0;
    EXPECT_GE(plan_lengths(r, h).output_tokens, 1);
  }
}

TEST(PlanLengths, ReasoningEffortAndBudget) {
  LengthRequest r;
  r.isl = 1000;
  r.reasoning_model = true;
  r.reasoning_effort = "low";
  EXPECT_EQ(plan_lengths(r, 1).reasoning_tokens, 100);
  r.reasoning_effort = "high";
  EXPECT_EQ(plan_lengths(r, 1).reasoning_tokens, 500);
  r.reasoning_effort = "";
  EXPECT_EQ(plan_lengths(r, 1).reasoning_tokens, 250);
  // max_tokens bounds reasoning and content together (real servers stop there).
  r.max_tokens = 30;
  EXPECT_EQ(plan_lengths(r, 1).reasoning_tokens, 30);
  EXPECT_EQ(plan_lengths(r, 1).output_tokens, 0);
  r.max_tokens = 400;
  EXPECT_EQ(plan_lengths(r, 1).reasoning_tokens, 250);
  EXPECT_EQ(plan_lengths(r, 1).output_tokens, 150);
  r.reasoning_model = false;
  EXPECT_EQ(plan_lengths(r, 1).reasoning_tokens, 0);
  EXPECT_EQ(plan_lengths(r, 1).output_tokens, 400);
}

TEST(PlanLengths, ReasoningWithinADrawnTotal) {
  LengthRequest r;
  r.isl = 100;
  r.reasoning_model = true;
  r.reasoning_effort = "low";
  r.min_tokens = 150;
  r.max_tokens = 300;
  for (uint64_t h = 0; h < 50; ++h) {
    LengthPlan p = plan_lengths(r, h);
    EXPECT_EQ(p.reasoning_tokens, 100);
    EXPECT_GE(p.reasoning_tokens + p.output_tokens, 150);
    EXPECT_LE(p.reasoning_tokens + p.output_tokens, 300);
  }
}

TEST(Latency, LinearAndQuadraticTerms) {
  LatencyParams p;
  p.ttft_ms = 10;
  p.itl_ms = 2;
  p.ttft_per_isl_token_ms = 0.5;
  p.ttft_concurrency_quad_ms = 1;
  p.itl_per_osl_token_ms = 0.25;
  p.itl_concurrency_lin_ms = 3;
  Latency l = compute_latency(p, 100, 8, 4, 7);
  EXPECT_EQ(l.ttft_ns, int64_t((10 + 50 + 16) * 1e6));
  EXPECT_EQ(l.itl_ns, int64_t((2 + 2 + 12) * 1e6));
}

TEST(Latency, JitterHasMeanOneAndRequestedSpread) {
  LatencyParams p;
  p.ttft_ms = 100;
  p.itl_ms = 10;
  p.ttft_jitter_cv = 0.3;
  const int n = 20000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    double v = double(compute_latency(p, 0, 0, 0, uint64_t(i) * 7919).ttft_ns) / 1e6;
    sum += v;
    sum2 += v * v;
  }
  double mean = sum / n;
  double cv = std::sqrt(sum2 / n - mean * mean) / mean;
  EXPECT_NEAR(mean, 100.0, 1.5);
  EXPECT_NEAR(cv, 0.3, 0.02);
  // ITL without jitter stays exact.
  EXPECT_EQ(compute_latency(p, 0, 0, 0, 3).itl_ns, 10'000'000);
}

TEST(Latency, DeadlinesAreAbsolute) {
  Latency l{40'000'000, 5'000'000};
  EXPECT_EQ(token_deadline_ns(1000, l, 0), 1000 + 40'000'000);
  EXPECT_EQ(token_deadline_ns(1000, l, 23), 1000 + 40'000'000 + 23 * 5'000'000);
}

}  // namespace
}  // namespace aiperf::mock
