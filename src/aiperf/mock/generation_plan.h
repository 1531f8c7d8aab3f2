// What one inference request will produce and when: output and reasoning token counts (from
// max_tokens / max_completion_tokens / min_tokens / ignore_eos) and the latency model of spec
// §10.1. Pure functions of their inputs; unit-tested without sockets.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace aiperf::mock {

struct LengthRequest {
  int64_t isl = 0;                    // prompt tokens
  std::optional<int64_t> max_tokens;  // max_completion_tokens, else max_tokens
  std::optional<int64_t> min_tokens;
  bool ignore_eos = false;
  bool reasoning_model = false;       // model name contains "gpt-oss" or "qwen"
  std::string_view reasoning_effort;  // "low" | "medium" | "high" | "" (medium)
};

struct LengthPlan {
  int64_t output_tokens = 0;     // content tokens
  int64_t reasoning_tokens = 0;  // emitted first (reasoning_content, reasoning items, thinking)
};

/// Output length rules (docs/mock-server.md):
///  - max given and no min below it (or ignore_eos): exactly max. A deliberate difference from
///    AIPerf's mock, which draws from [0.8·ISL, max]: exact lengths make OSL checkable.
///  - min < max both given: a value in [min, max] drawn from `hash`.
///  - only min: a value in [min, max(min, 1.2·ISL)].
///  - neither: a value in [max(1, 0.8·ISL), max(1, 1.2·ISL)], capped at max(2·ISL, 16).
/// Reasoning models think first: low/medium/high = 100/250/500 reasoning tokens. With a max
/// the lengths above are the total, reasoning included (as real servers count max_tokens), so
/// reasoning = min(effort, total) and the content gets the rest; without one, reasoning
/// (capped at max(2·ISL, 16)) comes on top of the content.
LengthPlan plan_lengths(const LengthRequest& req, uint64_t hash);

struct LatencyParams {
  double ttft_ms = 20.0;
  double itl_ms = 5.0;
  double ttft_per_isl_token_ms = 0.0;
  double ttft_concurrency_quad_ms = 0.0;
  double itl_per_osl_token_ms = 0.0;
  double itl_concurrency_lin_ms = 0.0;
  double ttft_jitter_cv = 0.0;
  double itl_jitter_cv = 0.0;
};

struct Latency {
  int64_t ttft_ns = 0;
  int64_t itl_ns = 0;
};

/// ttft = (ttft + per_isl·isl + quad·inflight²)·J1, itl = (itl + per_osl·osl + lin·inflight)·J2,
/// J mean-1 log-normal with the given CV, drawn from `hash`. Never negative.
Latency compute_latency(const LatencyParams& p, int64_t isl, int64_t osl, int64_t inflight,
                        uint64_t hash);

/// Absolute release time of token k (0-based): start + ttft + k·itl. Deadlines are computed from
/// one base, not from the previous write, so late timers never accumulate drift. The server
/// rebases `start` once, at the first token's actual write (start = first_write − ttft), so
/// (last − first) ≥ (n−1)·itl: the mean ITL a client measures is never below itl.
inline int64_t token_deadline_ns(int64_t start_ns, const Latency& l, int64_t k) {
  return start_ns + l.ttft_ns + k * l.itl_ns;
}

}  // namespace aiperf::mock
