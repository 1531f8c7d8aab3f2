// The Input, Goodput, Conversation Input, ISL and OSL (synthetic prompts) rows of the `aiperf
// profile` option table (spec §1.3). Names, aliases and defaults are AIPerf's; help texts are our
// own words.
#include <algorithm>
#include <cctype>
#include <cmath>

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
      {{"--isl-distribution"},
       ValueKind::kValue,
       "<json>",
       "",
       "Input Sequence Length (ISL)",
       "Prompt lengths from one of AIPerf's config-file distributions, as JSON: "
       "{\"mean\": 512, \"median\": 400} (log-normal), {\"peaks\": [{\"mean\": 128, "
       "\"stddev\": 20, \"weight\": 60}, {\"mean\": 2048, \"median\": 1800, \"weight\": 40}]}, "
       "{\"points\": [{\"value\": 128, \"weight\": 3}, ...]}, each with optional min/max "
       "clamps. Instead of --isl/--isl-stddev. aiperf-C++ extension.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.isl_distribution = parse_distribution(flag, one(values));
       }},
      {{"--osl-distribution"},
       ValueKind::kValue,
       "<json>",
       "",
       "Output Sequence Length (OSL)",
       "Requested output lengths from a distribution, as --isl-distribution. Instead of "
       "--osl/--osl-stddev. aiperf-C++ extension.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.osl_distribution = parse_distribution(flag, one(values));
       }},
  };
}

void resolve_length_distributions(ParseState& st) {
  Config& c = st.cfg;
  const struct {
    const char* flag;
    std::optional<Distribution>& dist;
    const char* mean_flag;
    const char* stddev_flag;
  } rows[] = {
      {"--isl-distribution", c.isl_distribution, "--prompt-input-tokens-mean",
       "--prompt-input-tokens-stddev"},
      {"--osl-distribution", c.osl_distribution, "--prompt-output-tokens-mean",
       "--prompt-output-tokens-stddev"},
  };
  for (const auto& r : rows) {
    if (!r.dist) continue;
    for (const char* f : {r.mean_flag, r.stddev_flag, "--seq-dist"}) {
      if (st.given(f)) {
        throw ConfigError(std::string(r.flag) + " cannot be used with " + f +
                          ": both set the lengths; drop one of them");
      }
    }
    const int64_t mean = std::max<int64_t>(1, std::llround(r.dist->expected_value()));
    if (&r.dist == &c.isl_distribution) {
      c.isl_mean = mean;
      c.isl_stddev = 0;
    } else {
      c.osl_mean = mean;
      c.osl_stddev = 0;
    }
  }
}

}  // namespace aiperf::config::detail
