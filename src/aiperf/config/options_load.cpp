// The Load Generator and Warmup rows of the `aiperf profile` option table (spec §1.3). Names,
// aliases and defaults are AIPerf's; help texts are our own words.
#include <algorithm>
#include <cctype>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> load_options() {
  return {
      // ---------------------------------------------------------------- Load Generator
      {{"--benchmark-duration", "--duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Load Generator",
       "Stop sending new requests after this many seconds. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.benchmark_duration_s = parse_number(flag, one(values), 0, true, true);
       }},
      {{"--benchmark-grace-period"},
       ValueKind::kValue,
       "<seconds>|inf",
       "30",
       "Load Generator",
       "After --benchmark-duration ends, wait this long for in-flight responses; requests still "
       "open then are cancelled and left out of the results. inf waits for all. Needs "
       "--benchmark-duration. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.grace_period_s = parse_number(flag, one(values), 0, false, false, true);
       }},
      {{"--concurrency", "--max-concurrency"},
       ValueKind::kValue,
       "<int>",
       "1 without --request-rate",
       "Load Generator",
       "Number of conversations kept in flight (closed loop). With --request-rate it caps the "
       "requests in flight instead. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.concurrency = parse_int_at_least(flag, one(values), 1, true);
       }},
      {{"--request-rate"},
       ValueKind::kValue,
       "<per-second>",
       "",
       "Load Generator",
       "Send requests at this average rate (open loop), spaced per --arrival-pattern. Must "
       "be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_rate = parse_number(flag, one(values), 0, true, true);
       }},
      {{"--arrival-pattern", "--request-rate-mode"},
       ValueKind::kValue,
       "constant|poisson|gamma|concurrency_burst",
       "poisson",
       "Load Generator",
       "Spacing of requests with --request-rate: constant intervals, poisson (exponential "
       "gaps) or gamma (see --arrival-smoothness); concurrency_burst is treated as poisson, as "
       "AIPerf does. Ignored without --request-rate.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ArrivalPattern kPatterns[] = {
             ArrivalPattern::kConstant, ArrivalPattern::kPoisson, ArrivalPattern::kGamma,
             ArrivalPattern::kConcurrencyBurst};
         st.arrival_pattern = kPatterns[choose(
             flag, one(values), {"constant", "poisson", "gamma", "concurrency_burst"})];
       }},
      {{"--arrival-smoothness", "--vllm-burstiness"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Load Generator",
       "Shape of the gamma arrival distribution: 1 is poisson-like, < 1 burstier, > 1 more "
       "regular (vLLM's --burstiness). Only with gamma arrivals; with --request-rate and no "
       "--arrival-pattern it selects gamma. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.arrival_smoothness = parse_number(flag, one(values), 0, true);
       }},
      {{"--request-count", "--num-requests"},
       ValueKind::kValue,
       "<int>",
       "10",
       "Load Generator",
       "Stop after sending this many requests. When neither this nor --benchmark-duration is "
       "given, 10. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_count = parse_int_at_least(flag, one(values), 1, true);
       }},
      // ---------------------------------------------------------------- Warmup
      {{"--warmup-request-count", "--num-warmup-requests", "--warmup-requests"},
       ValueKind::kValue,
       "<int>",
       "",
       "Warmup",
       "Send this many requests before measuring; their results are discarded. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_request_count = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--warmup-duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Warmup",
       "Warm up for this many seconds before measuring. When --warmup-request-count is also "
       "given, the count is used (as AIPerf does). Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_duration_s = parse_number(flag, one(values), 0, true);
       }},
  };
}

}  // namespace aiperf::config::detail
