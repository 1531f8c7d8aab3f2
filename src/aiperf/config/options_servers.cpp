// Endpoint rows for several servers and their readiness (spec §1.3 Endpoint, §5.1, §5.5):
// --url-strategy, --connection-reuse-strategy and the --wait-for-model-* probe. Names, choices
// and defaults are AIPerf's; help texts are our own words. (--url itself, with its repeated and
// space-separated forms, is in options_endpoint.cpp.)
#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> server_options() {
  return {
      {{"--url-strategy"},
       ValueKind::kValue,
       "round_robin",
       "round_robin",
       "Endpoint",
       "How conversations are spread over several --url values: round_robin gives each new "
       "conversation the next URL; all turns of a conversation stay on its URL. (AIPerf has no "
       "other strategy.)",
       kOnce,
       kSingle,
       [](ParseState&, std::string_view flag, const std::vector<std::string>& values) {
         choose(flag, one(values), {"round_robin"});
       }},
      {{"--connection-reuse-strategy"},
       ValueKind::kValue,
       "pooled|never|sticky-user-sessions",
       "pooled",
       "Endpoint",
       "pooled: keep-alive connections shared by all requests; never: a new connection for "
       "every request, closed after its response; sticky-user-sessions: one connection per "
       "conversation, kept across its turns and closed after the final turn (or an error), so "
       "a load balancer keeps a conversation on one backend.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ConnectionReuse kChoices[] = {ConnectionReuse::kPooled,
                                                        ConnectionReuse::kNever,
                                                        ConnectionReuse::kStickyUserSessions};
         st.cfg.connection_reuse =
             kChoices[choose(flag, one(values), {"pooled", "never", "sticky-user-sessions"})];
       }},
      {{"--wait-for-model-timeout"},
       ValueKind::kValue,
       "<seconds>",
       "0",
       "Endpoint",
       "Before benchmarking, wait up to this long for each --url and model to be ready (see "
       "--wait-for-model-mode), probing every --wait-for-model-interval seconds; on timeout the "
       "run stops with exit 1. 0 skips the wait. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.wait_for_model_timeout_s = parse_number(flag, one(values), 0, false);
       }},
      {{"--wait-for-model-mode"},
       ValueKind::kValue,
       "models|inference|both",
       "inference",
       "Endpoint",
       "Readiness probe: models (GET /v1/models lists the model), inference (a one-token request "
       "answers with a status below 500) or both (models first). Needs --wait-for-model-timeout.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr WaitForModelMode kModes[] = {
             WaitForModelMode::kModels, WaitForModelMode::kInference, WaitForModelMode::kBoth};
         st.cfg.wait_for_model_mode =
             kModes[choose(flag, one(values), {"models", "inference", "both"})];
       }},
      {{"--wait-for-model-interval"},
       ValueKind::kValue,
       "<seconds>",
       "5",
       "Endpoint",
       "Seconds between readiness probes. Needs --wait-for-model-timeout. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.wait_for_model_interval_s = parse_number(flag, one(values), 0, true);
       }},
  };
}

void resolve_servers(ParseState& st) {
  if (st.cfg.wait_for_model_timeout_s > 0) return;
  // AIPerf refuses only values that differ from the defaults; a probe option without the
  // probe does nothing whatever its value, so we refuse any (docs/differences.md).
  std::string given;
  for (const char* f : {"--wait-for-model-interval", "--wait-for-model-mode"}) {
    if (st.given(f)) given += (given.empty() ? "" : ", ") + st.typed_as(f);
  }
  if (!given.empty()) {
    throw ConfigError(given +
                      " has no effect unless --wait-for-model-timeout is set to a positive value. "
                      "Set --wait-for-model-timeout to enable the readiness probe.");
  }
}

}  // namespace aiperf::config::detail
