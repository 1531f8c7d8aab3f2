// Rows that came with the endpoint types beyond chat and completions (spec §1.3 "Endpoint" and
// "Rankings", §4.8): --download-video-content and the --rankings-* group, and the rules that
// tie them (and --streaming) to --endpoint-type. Names and defaults are AIPerf's; help texts are
// our own words.
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {

namespace {

OptionSpec rankings_row(const char* name, const char* def, const char* help, ApplyFn apply) {
  return {{name}, ValueKind::kValue, "<int>", def, "Rankings", help, kOnce, kSingle, apply};
}

int64_t at_least(std::string_view flag, const std::vector<std::string>& values, int64_t min) {
  return parse_int_at_least(flag, one(values), min);
}

}  // namespace

std::vector<OptionSpec> endpoint_type_options() {
  return {
      {{"--download-video-content"},
       ValueKind::kFlag,
       "",
       "off",
       "Endpoint",
       "video_generation: once a job completes, also download the video (its url, else "
       "<job>/content); the download then counts in the request latency.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.download_video_content = true;
       }},
      // ---------------------------------------------------------------- Rankings
      rankings_row("--rankings-passages-mean", "1",
                   "Mean number of passages in each synthetic rankings request (>= 1).",
                   [](ParseState& st, std::string_view flag, const std::vector<std::string>& v) {
                     st.cfg.rankings_passages_mean = at_least(flag, v, 1);
                   }),
      rankings_row("--rankings-passages-stddev", "0",
                   "Standard deviation of the number of passages per request (>= 0).",
                   [](ParseState& st, std::string_view flag, const std::vector<std::string>& v) {
                     st.cfg.rankings_passages_stddev = at_least(flag, v, 0);
                   }),
      rankings_row("--rankings-passages-prompt-token-mean", "550",
                   "Mean length of each synthetic passage, in tokens (>= 1).",
                   [](ParseState& st, std::string_view flag, const std::vector<std::string>& v) {
                     st.cfg.rankings_passages_prompt_token_mean = at_least(flag, v, 1);
                   }),
      rankings_row("--rankings-passages-prompt-token-stddev", "0",
                   "Standard deviation of the passage length, in tokens (>= 0).",
                   [](ParseState& st, std::string_view flag, const std::vector<std::string>& v) {
                     st.cfg.rankings_passages_prompt_token_stddev = at_least(flag, v, 0);
                   }),
      rankings_row("--rankings-query-prompt-token-mean", "550",
                   "Mean length of the synthetic query, in tokens (>= 1).",
                   [](ParseState& st, std::string_view flag, const std::vector<std::string>& v) {
                     st.cfg.rankings_query_prompt_token_mean = at_least(flag, v, 1);
                   }),
      rankings_row("--rankings-query-prompt-token-stddev", "0",
                   "Standard deviation of the query length, in tokens (>= 0).",
                   [](ParseState& st, std::string_view flag, const std::vector<std::string>& v) {
                     st.cfg.rankings_query_prompt_token_stddev = at_least(flag, v, 0);
                   }),
  };
}

void resolve_endpoint_type(ParseState& st) {
  Config& c = st.cfg;
  const std::string type = to_string(c.endpoint_type);
  if (c.streaming && !endpoint_supports_streaming(c.endpoint_type)) {
    // AIPerf turns streaming off for these endpoints with a warning (spec §1.3).
    c.streaming = false;
    c.warnings.push_back("Streaming is not supported for --endpoint-type " + type +
                         ", setting streaming to False");
  }
  // AIPerf accepts these with any endpoint and ignores them; so do we, but say so.
  if (c.download_video_content && c.endpoint_type != EndpointType::kVideoGeneration) {
    c.warnings.push_back(st.typed_as("--download-video-content") +
                         " applies only to --endpoint-type video_generation; ignored for " + type);
  }
  const bool rankings = is_rankings_endpoint(c.endpoint_type);
  const bool synthetic = !c.input_file && !c.public_dataset;
  for (const auto& [primary, typed] : st.typed) {
    if (primary.rfind("--rankings-", 0) != 0) continue;
    if (!rankings) {
      c.warnings.push_back(typed +
                           " applies only to the rankings endpoint types (cohere_rankings, "
                           "hf_tei_rankings, nim_rankings); ignored for " +
                           type);
    } else if (!synthetic) {
      c.warnings.push_back(typed + " shapes synthetic rankings data only; ignored with " +
                           (c.input_file ? "--input-file" : "--public-dataset"));
    }
  }
}

}  // namespace aiperf::config::detail
