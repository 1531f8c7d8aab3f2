// Spellings that a popular tutorial uses for AIPerf options, accepted with the tutorial's meaning
// (docs/cli.md "Tutorial spellings"). Pure aliases (--max-concurrency, --duration,
// --warmup-requests, --input-tokens-mean/-stddev, --dataset) live in the rows they alias; these
// rows convert a value: milliseconds to seconds, one SLO to a --goodput pair, a trace file to
// --input-file with --fixed-schedule.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {

namespace {

/// The --goodput-* rows: flag -> metric tag (values in ms, the tags' display unit).
struct SloFlag {
  const char* flag;
  const char* tag;
};
constexpr SloFlag kSloFlags[] = {{"--goodput-ttft", "time_to_first_token"},
                                 {"--goodput-itl", "inter_token_latency"},
                                 {"--goodput-e2e", "request_latency"}};

void add_slo(ParseState& st, std::string_view flag, const std::string& value, const char* tag) {
  st.cfg.goodput.emplace_back(tag, parse_number(flag, value, 0, true));
}

OptionSpec slo_row(const char* flag, const char* what, ApplyFn apply) {
  return {{flag}, ValueKind::kValue, "<ms>", "", "Goodput", what, kOnce, kSingle, apply};
}

}  // namespace

std::vector<OptionSpec> tutorial_options() {
  return {
      {{"--request-timeout"},
       ValueKind::kValue,
       "<ms>",
       "",
       "Endpoint",
       "--request-timeout-seconds in milliseconds: the longest a request may take. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (st.given("--request-timeout-seconds")) {
           throw ConfigError(std::string(flag) + " (milliseconds) and " +
                             st.typed_as("--request-timeout-seconds") +
                             " (seconds) both set the request timeout; pass one");
         }
         st.cfg.request_timeout_s = parse_number(flag, one(values), 0, true) / 1000.0;
       }},
      {{"--trace-file"},
       ValueKind::kValue,
       "<path>",
       "",
       "Input",
       "Replay a trace at its own timestamps: --input-file <path> --fixed-schedule, the format "
       "detected from the content (or given by --custom-dataset-type).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (st.given("--input-file")) {
           throw ConfigError(std::string(flag) + " and " + st.typed_as("--input-file") +
                             " both name the dataset file; pass one");
         }
         if (st.given("--no-fixed-schedule")) {
           throw ConfigError(std::string(flag) +
                             " replays the trace at its timestamps, which --no-fixed-schedule "
                             "turns off; use --input-file to send it another way");
         }
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty path");
         st.cfg.input_file = one(values);
         st.fixed_schedule_flag = true;
       }},
      slo_row("--goodput-ttft",
              "Goodput SLO on time to first token, in ms: the same as --goodput "
              "\"time_to_first_token:<ms>\" (combines with --goodput).",
              [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
                add_slo(st, flag, one(values), "time_to_first_token");
              }),
      slo_row("--goodput-itl",
              "Goodput SLO on inter-token latency, in ms: the same as --goodput "
              "\"inter_token_latency:<ms>\".",
              [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
                add_slo(st, flag, one(values), "inter_token_latency");
              }),
      slo_row("--goodput-e2e",
              "Goodput SLO on end-to-end request latency, in ms: the same as --goodput "
              "\"request_latency:<ms>\".",
              [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
                add_slo(st, flag, one(values), "request_latency");
              }),
  };
}

void canonical_given_options(std::vector<std::pair<std::string, std::vector<std::string>>>& given) {
  std::vector<std::pair<std::string, std::vector<std::string>>> out;
  auto add = [&out](const std::string& flag, std::vector<std::string> values) {
    for (auto& [f, v] : out) {
      if (f == flag) {
        v.insert(v.end(), values.begin(), values.end());
        return;
      }
    }
    out.emplace_back(flag, std::move(values));
  };
  for (auto& entry : given) {
    const std::string& flag = entry.first;  // (a lambda below reads it: no structured binding)
    std::vector<std::string>& values = entry.second;
    if (flag == "--request-timeout" && !values.empty()) {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.15g", std::strtod(values.back().c_str(), nullptr) / 1000);
      add("--request-timeout-seconds", {buf});
    } else if (flag == "--trace-file") {
      add("--input-file", values);
    } else if (const SloFlag* slo = std::find_if(std::begin(kSloFlags), std::end(kSloFlags),
                                                 [&](const SloFlag& s) { return flag == s.flag; });
               slo != std::end(kSloFlags)) {
      for (const auto& v : values) add("--goodput", {std::string(slo->tag) + ":" + v});
    } else {
      add(flag, std::move(values));
    }
  }
  given = std::move(out);
}

void resolve_tutorial(ParseState& st) {
  for (const auto& s : kSloFlags) {
    if (!st.given(s.flag)) continue;
    int n = 0;
    for (const auto& [tag, v] : st.cfg.goodput) n += tag == s.tag;
    if (n > 1) {
      throw ConfigError(st.typed_as(s.flag) + " sets " + s.tag + ", which " +
                        st.typed_as("--goodput") + " sets too; give it once");
    }
  }
}

}  // namespace aiperf::config::detail
