#include "aiperf/mock/generation_plan.h"

#include <algorithm>
#include <cmath>

#include "aiperf/mock/mock_rng.h"

namespace aiperf::mock {

namespace {
int64_t draw_between(int64_t lo, int64_t hi, uint64_t hash) {
  if (hi <= lo) return lo;
  return lo + int64_t(splitmix64(hash) % uint64_t(hi - lo + 1));
}
}  // namespace

LengthPlan plan_lengths(const LengthRequest& req, uint64_t hash) {
  LengthPlan plan;
  const int64_t isl = std::max<int64_t>(0, req.isl);
  const int64_t budget = std::max<int64_t>(2 * isl, 16);
  std::optional<int64_t> max = req.max_tokens;
  std::optional<int64_t> min = req.min_tokens;
  if (max) max = std::max<int64_t>(0, *max);
  if (min) min = std::max<int64_t>(0, *min);
  if (max) {
    if (req.ignore_eos || !min || *min >= *max)
      plan.output_tokens = *max;
    else
      plan.output_tokens = draw_between(*min, *max, hash);
  } else if (min) {
    int64_t hi = std::max<int64_t>(*min, int64_t(std::ceil(1.2 * double(isl))));
    plan.output_tokens = draw_between(*min, hi, hash);
  } else {
    int64_t lo = std::max<int64_t>(1, int64_t(0.8 * double(isl)));
    int64_t hi = std::max<int64_t>(lo, int64_t(1.2 * double(isl)));
    plan.output_tokens = std::min(draw_between(lo, hi, hash), budget);
  }
  if (req.reasoning_model) {
    int64_t effort = 250;
    if (req.reasoning_effort == "low") effort = 100;
    if (req.reasoning_effort == "high") effort = 500;
    if (max) {
      // max_tokens bounds reasoning and content together: a real server stops there, thinking
      // included, so the answer gets what the thinking left (possibly nothing).
      const int64_t total = plan.output_tokens;
      plan.reasoning_tokens = std::min(effort, total);
      plan.output_tokens = total - plan.reasoning_tokens;
    } else {
      plan.reasoning_tokens = std::min(effort, budget);  // no limit: thinking comes on top
    }
  }
  return plan;
}

Latency compute_latency(const LatencyParams& p, int64_t isl, int64_t osl, int64_t inflight,
                        uint64_t hash) {
  MockRng rng(hash);
  double c = double(std::max<int64_t>(0, inflight));
  double ttft =
      p.ttft_ms + p.ttft_per_isl_token_ms * double(isl) + p.ttft_concurrency_quad_ms * c * c;
  double itl = p.itl_ms + p.itl_per_osl_token_ms * double(osl) + p.itl_concurrency_lin_ms * c;
  ttft *= rng.lognormal_mean1(p.ttft_jitter_cv);
  itl *= rng.lognormal_mean1(p.itl_jitter_cv);
  Latency l;
  l.ttft_ns = int64_t(std::llround(std::max(0.0, ttft) * 1e6));
  l.itl_ns = int64_t(std::llround(std::max(0.0, itl) * 1e6));
  return l;
}

}  // namespace aiperf::mock
