// The rest of AIPerf's Warmup group (spec §1.3, §3.1): the warmup's own load (concurrency, rate,
// arrival pattern), a session count as its stop condition and its grace period. Without them
// the warmup inherits the profiling load, as before. Names and defaults are AIPerf's; help
// texts are our own words.
#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> warmup_options() {
  return {
      {{"--num-warmup-sessions"},
       ValueKind::kValue,
       "<int>",
       "",
       "Warmup",
       "Warm up with this many sessions (conversations) before measuring; --warmup-request-count "
       "wins when both are given. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_num_sessions = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--warmup-concurrency"},
       ValueKind::kValue,
       "<int>",
       "--concurrency",
       "Warmup",
       "Conversations in flight during the warmup (a cap when the warmup has a rate). Must be "
       ">= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_concurrency = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--warmup-request-rate"},
       ValueKind::kValue,
       "<per-second>",
       "--request-rate",
       "Warmup",
       "Request rate of the warmup (open loop); without it and without --request-rate the "
       "warmup is a closed loop at --warmup-concurrency. 0 makes the warmup a closed loop even "
       "with --request-rate (an extension of this build: AIPerf's config files can say so, its "
       "command line cannot). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_request_rate = parse_number(flag, one(values), 0, false);
       }},
      {{"--warmup-arrival-pattern"},
       ValueKind::kValue,
       "constant|poisson|gamma",
       "--arrival-pattern",
       "Warmup",
       "Spacing of the warmup's requests when it has a rate (gamma uses --arrival-smoothness).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ArrivalPattern kPatterns[] = {
             ArrivalPattern::kConstant, ArrivalPattern::kPoisson, ArrivalPattern::kGamma};
         st.cfg.warmup_arrival_pattern =
             kPatterns[choose(flag, one(values), {"constant", "poisson", "gamma"})];
       }},
      {{"--warmup-grace-period"},
       ValueKind::kValue,
       "<seconds>",
       "unbounded",
       "Warmup",
       "After --warmup-duration ends, wait at most this long for the warmup's responses (unset: "
       "wait for all). Needs --warmup-duration. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_grace_period_s = parse_number(flag, one(values), 0, false);
       }},
  };
}

void resolve_warmup(ParseState& st) {
  Config& c = st.cfg;
  const bool warmup = c.warmup_request_count || c.warmup_num_sessions || c.warmup_duration_s;
  if (c.warmup_grace_period_s && !c.warmup_duration_s) {
    throw ConfigError(
        "--warmup-grace-period requires --warmup-duration; the grace period applies only to a "
        "duration-bounded warmup. Set --warmup-duration, or drop --warmup-grace-period.");
  }
  if (!warmup) {
    for (const char* f :
         {"--warmup-concurrency", "--warmup-request-rate", "--warmup-arrival-pattern"}) {
      if (st.given(f)) {
        c.warnings.push_back(std::string(f) +
                             " has no effect without --warmup-request-count, "
                             "--num-warmup-sessions or --warmup-duration; ignored");
      }
    }
  }
  if (c.warmup_num_sessions && c.warmup_request_count) c.warmup_num_sessions.reset();
  if (c.warmup_num_sessions && c.warmup_duration_s) {
    c.warnings.push_back(
        "--warmup-duration is ignored: --num-warmup-sessions ends the warmup (AIPerf's "
        "precedence)");
    c.warmup_duration_s.reset();
    c.warmup_grace_period_s.reset();
  }
}

}  // namespace aiperf::config::detail
