// The Input, Goodput, Conversation Input, ISL and OSL (synthetic prompts) rows of the `aiperf
// profile` option table (spec §1.3). Names, aliases and defaults are AIPerf's; help texts are our
// own words.
#include <algorithm>
#include <cctype>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> input_options() {
  return {
      // ---------------------------------------------------------------- Input
      {{"--extra-inputs"},
       ValueKind::kValue,
       "<key:value>[,...]|<json>",
       "",
       "Input",
       "Fields merged into every request body, after (and over) the built-in ones: key:value "
       "items (numbers and true/false/null are converted) or a JSON object. Repeatable.",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         for (const auto& v : values) merge_extra_inputs(flag, v, st.extra_inputs);
       }},
      {{"--header", "-H"},
       ValueKind::kValue,
       "<Name:Value>|<json>",
       "",
       "Input",
       "HTTP header added to every request: Name:Value, or a JSON object of headers. "
       "Repeatable. Credential headers are redacted in exports.",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         for (const auto& v : values) {
           for (auto& h : parse_headers(flag, v)) st.cfg.headers.push_back(std::move(h));
         }
       }},
      {{"--random-seed"},
       ValueKind::kValue,
       "<int>",
       "",
       "Input",
       "Seed for every random choice (prompts, lengths, arrivals), so a run can be repeated. "
       "Unset: a fresh seed each run.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.random_seed = uint64_t(parse_int_at_least(flag, one(values), 0));
       }},
      // ---------------------------------------------------------------- Goodput
      {{"--goodput"},
       ValueKind::kValue,
       "\"<tag:value> ...\"",
       "",
       "Goodput",
       "Service level objectives as one quoted, space-separated list of metric-tag:value pairs, "
       "values in the metric's display unit, e.g. \"request_latency:250 "
       "time_to_first_token:50\" (ms). A request is good when it meets all of them.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         // Appended: the --goodput-ttft/-itl/-e2e spellings add pairs too (options_tutorial.cpp).
         for (auto& p : parse_goodput(flag, one(values))) st.cfg.goodput.push_back(std::move(p));
       }},
      // ---------------------------------------------------------------- Conversation Input
      {{"--num-dataset-entries", "--num-prompts"},
       ValueKind::kValue,
       "<int>",
       "100",
       "Conversation Input",
       "Number of distinct synthetic conversations to generate. Unset: --conversation-num, else "
       "the --request-count if given, "
       "else 100. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.num_dataset_entries = parse_int_at_least(flag, one(values), 1);
       }},
      // ---------------------------------------------------------------- ISL
      {{"--prompt-input-tokens-mean", "--synthetic-input-tokens-mean", "--isl",
        "--input-tokens-mean"},
       ValueKind::kValue,
       "<int>",
       "550",
       "Input Sequence Length (ISL)",
       "Mean length of the synthetic prompts, in tokens. 0 sends no text (then images, audio "
       "or video must be on). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.isl_mean = parse_int_at_least(flag, one(values), 0, true);
       }},
      {{"--prompt-input-tokens-stddev", "--synthetic-input-tokens-stddev", "--isl-stddev",
        "--input-tokens-stddev"},
       ValueKind::kValue,
       "<number>",
       "0",
       "Input Sequence Length (ISL)",
       "Standard deviation of the prompt length, in tokens (normal distribution). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.isl_stddev = parse_number(flag, one(values), 0, false, true);
       }},
      // ---------------------------------------------------------------- OSL
      {{"--prompt-output-tokens-mean", "--output-tokens-mean", "--osl"},
       ValueKind::kValue,
       "<int>",
       "",
       "Output Sequence Length (OSL)",
       "Mean number of output tokens to ask for (sent as max_completion_tokens or max_tokens). "
       "Unset: no limit is sent. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.osl_mean = parse_int_at_least(flag, one(values), 1, true);
       }},
      {{"--prompt-output-tokens-stddev", "--output-tokens-stddev", "--osl-stddev"},
       ValueKind::kValue,
       "<number>",
       "0",
       "Output Sequence Length (OSL)",
       "Standard deviation of the requested output length, in tokens. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.osl_stddev = parse_number(flag, one(values), 0, false, true);
       }},
  };
}

}  // namespace aiperf::config::detail
