// The rest of AIPerf's Warmup group (spec §1.3, §3.1): the warmup's own load (concurrency, rate,
// arrival pattern), a session count as its stop condition and its grace period. Without them
// the warmup inherits the profiling load, as before. Names and defaults are AIPerf's; help
// texts are our own words.
#include <cstdio>
#include <string>

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
      {{"--warmup-prefill-concurrency"},
       ValueKind::kValue,
       "<int>",
       "--prefill-concurrency",
       "Warmup",
       "At most this many warmup requests waiting for their first token at once. Needs "
       "--streaming; at most the warmup's concurrency. 0: no limit in the warmup even with "
       "--prefill-concurrency (aiperf-C++ extension, for config files). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_prefill_concurrency = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--warmup-concurrency-ramp-duration"},
       ValueKind::kValue,
       "<seconds>",
       "--concurrency-ramp-duration",
       "Warmup",
       "The warmup's own --concurrency-ramp-duration. 0: no such ramp in the warmup even when the "
       "profiling phase "
       "has one (aiperf-C++ extension, for config files). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_concurrency_ramp_duration_s = parse_number(flag, one(values), 0, false);
       }},
      {{"--warmup-prefill-concurrency-ramp-duration"},
       ValueKind::kValue,
       "<seconds>",
       "--prefill-concurrency-ramp-duration",
       "Warmup",
       "The warmup's own --prefill-concurrency-ramp-duration. 0: no such ramp in the warmup even "
       "when the profiling phase "
       "has one (aiperf-C++ extension, for config files). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_prefill_concurrency_ramp_duration_s =
             parse_number(flag, one(values), 0, false);
       }},
      {{"--warmup-request-rate-ramp-duration"},
       ValueKind::kValue,
       "<seconds>",
       "--request-rate-ramp-duration",
       "Warmup",
       "The warmup's own --request-rate-ramp-duration. 0: no such ramp in the warmup even when the "
       "profiling phase "
       "has one (aiperf-C++ extension, for config files). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_request_rate_ramp_duration_s = parse_number(flag, one(values), 0, false);
       }},
      {{"--warmup-concurrency-ramp-strategy"},
       ValueKind::kValue,
       "linear|exponential|poisson",
       "--concurrency-ramp-strategy",
       "Warmup",
       "The curve of the warmup's ramp (as --concurrency-ramp-strategy). aiperf-C++ extension.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_concurrency_ramp_type = parse_ramp_type(flag, one(values));
       }},
      {{"--warmup-prefill-concurrency-ramp-strategy"},
       ValueKind::kValue,
       "linear|exponential|poisson",
       "--prefill-concurrency-ramp-strategy",
       "Warmup",
       "The curve of the warmup's ramp (as --prefill-concurrency-ramp-strategy). aiperf-C++ "
       "extension.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_prefill_concurrency_ramp_type = parse_ramp_type(flag, one(values));
       }},
      {{"--warmup-request-rate-ramp-strategy"},
       ValueKind::kValue,
       "linear|exponential|poisson",
       "--request-rate-ramp-strategy",
       "Warmup",
       "The curve of the warmup's ramp (as --request-rate-ramp-strategy). aiperf-C++ extension.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_request_rate_ramp_type = parse_ramp_type(flag, one(values));
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

namespace {

constexpr const char* kWarmupLoadFlags[] = {
    "--warmup-concurrency",
    "--warmup-request-rate",
    "--warmup-arrival-pattern",
    "--warmup-prefill-concurrency",
    "--warmup-concurrency-ramp-duration",
    "--warmup-prefill-concurrency-ramp-duration",
    "--warmup-request-rate-ramp-duration",
    "--warmup-concurrency-ramp-strategy",
    "--warmup-prefill-concurrency-ramp-strategy",
    "--warmup-request-rate-ramp-strategy",
};

std::string secs(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

/// The warmup's prefill cap and ramps (spec §1.4 phase validators, applied to the warmup as
/// make_phases builds it): each needs its target, and must end within a duration warmup.
void check_warmup_shaping(const ParseState& st) {
  const Config& c = st.cfg;
  const PhaseShaping w = c.warmup_shaping();
  const std::optional<int64_t> conc = c.warmup_concurrency ? c.warmup_concurrency : c.concurrency;
  std::optional<double> rate = c.warmup_request_rate ? c.warmup_request_rate : c.request_rate;
  if (rate && *rate <= 0) rate.reset();
  if (c.warmup_prefill_concurrency && *c.warmup_prefill_concurrency > 0) {
    if (!c.streaming) {
      throw ConfigError(
          "--warmup-prefill-concurrency requires --streaming (prefill ends with a request's "
          "first streamed token); pass --streaming or drop --warmup-prefill-concurrency");
    }
    if (conc && *c.warmup_prefill_concurrency > *conc) {
      throw ConfigError("--warmup-prefill-concurrency (" +
                        std::to_string(*c.warmup_prefill_concurrency) +
                        ") cannot be greater than the warmup concurrency (" +
                        std::to_string(*conc) + "); lower it or raise --warmup-concurrency");
    }
  }
  const struct {
    const char* duration;
    const char* strategy;
    const std::optional<Ramp>& ramp;
    bool has_target;
    const char* target;
  } ramps[] = {
      {"--warmup-concurrency-ramp-duration", "--warmup-concurrency-ramp-strategy",
       w.concurrency_ramp, conc.has_value(), "--warmup-concurrency or --concurrency"},
      {"--warmup-prefill-concurrency-ramp-duration", "--warmup-prefill-concurrency-ramp-strategy",
       w.prefill_ramp, w.prefill_concurrency.has_value(),
       "--warmup-prefill-concurrency or --prefill-concurrency"},
      {"--warmup-request-rate-ramp-duration", "--warmup-request-rate-ramp-strategy", w.rate_ramp,
       rate.has_value(), "--warmup-request-rate or --request-rate"},
  };
  for (const auto& r : ramps) {
    if (st.given(r.strategy) && !r.ramp) {
      throw ConfigError(std::string(r.strategy) + " needs a warmup ramp to shape: give " +
                        r.duration + " (> 0) or the profiling ramp it inherits; or drop " +
                        r.strategy);
    }
    if (st.given(r.duration) && r.ramp && !r.has_target) {
      throw ConfigError(std::string(r.duration) + " needs " + r.target +
                        " (the warmup value it ramps up to)");
    }
    if (r.ramp && c.warmup_duration_s && !c.warmup_request_count && !c.warmup_num_sessions &&
        r.ramp->duration_s > *c.warmup_duration_s && st.given(r.duration)) {
      throw ConfigError(std::string(r.duration) + " (" + secs(r.ramp->duration_s) +
                        " s) is longer than the warmup (--warmup-duration " +
                        secs(*c.warmup_duration_s) +
                        " s): the ramp would never reach its target; shorten it");
    }
  }
}

}  // namespace

void resolve_warmup(ParseState& st) {
  Config& c = st.cfg;
  const bool warmup = c.warmup_request_count || c.warmup_num_sessions || c.warmup_duration_s;
  if (c.warmup_grace_period_s && !c.warmup_duration_s) {
    throw ConfigError(
        "--warmup-grace-period requires --warmup-duration; the grace period applies only to a "
        "duration-bounded warmup. Set --warmup-duration, or drop --warmup-grace-period.");
  }
  if (!warmup) {
    for (const char* f : kWarmupLoadFlags) {
      if (st.given(f)) {
        c.warnings.push_back(std::string(f) +
                             " has no effect without --warmup-request-count, "
                             "--num-warmup-sessions or --warmup-duration; ignored");
      }
    }
  }
  if (warmup) check_warmup_shaping(st);
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
