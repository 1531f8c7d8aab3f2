// The Output, UI, Service and Workers rows of the `aiperf profile` option table (spec §1.3). Names,
// aliases and defaults are AIPerf's; help texts are our own words.
#include <algorithm>
#include <cctype>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> output_options() {
  return {
      // ---------------------------------------------------------------- Output
      {{"--output-artifact-dir", "--artifact-dir"},
       ValueKind::kValue,
       "<dir>",
       "artifacts",
       "Output",
       "Directory for all results. Unset: artifacts/<model>-openai-<endpoint-type>-<load>, "
       "e.g. artifacts/Qwen_Qwen3-0.6B-openai-chat-concurrency10.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty directory");
         st.cfg.artifact_dir = one(values);
         st.artifact_dir_given = true;
       }},
      {{"--profile-export-prefix", "--profile-export-file"},
       ValueKind::kValue,
       "<name>",
       "",
       "Output",
       "Base name for the export files (P.json, P.csv, P.jsonl, P_raw.jsonl) instead of "
       "profile_export_aiperf / profile_export.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty name");
         st.cfg.profile_export_prefix = one(values);
       }},
      {{"--export-level", "--profile-export-level"},
       ValueKind::kValue,
       "summary|records|raw",
       "records",
       "Output",
       "summary: the aggregate JSON and CSV only; records: also one JSONL line per request; "
       "raw: also the raw request and response of each request.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ExportLevel kLevels[] = {ExportLevel::kSummary, ExportLevel::kRecords,
                                                   ExportLevel::kRaw};
         st.cfg.export_level = kLevels[choose(flag, one(values), {"summary", "records", "raw"})];
       }},
      // ---------------------------------------------------------------- UI
      {{"--ui-type", "--ui"},
       ValueKind::kValue,
       "none|simple|dashboard",
       "dashboard on a terminal (simple with -v/-vv), none otherwise",
       "UI",
       "Live display: dashboard (a full-screen view of progress, rates, latencies and client "
       "health; falls back to simple when the terminal cannot show it), simple (a progress bar "
       "on a terminal, periodic lines otherwise) or none.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr UiType kUis[] = {UiType::kNone, UiType::kSimple, UiType::kDashboard};
         st.ui = kUis[choose(flag, one(values), {"none", "simple", "dashboard"})];
       }},
      // ---------------------------------------------------------------- Service
      {{"--log-level"},
       ValueKind::kValue,
       "TRACE|DEBUG|INFO|NOTICE|WARNING|SUCCESS|ERROR|CRITICAL",
       "INFO",
       "Service",
       "Logging verbosity (any case).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr LogLevel kLevels[] = {
             LogLevel::kTrace,   LogLevel::kDebug,   LogLevel::kInfo,  LogLevel::kNotice,
             LogLevel::kWarning, LogLevel::kSuccess, LogLevel::kError, LogLevel::kCritical};
         st.cfg.log_level = kLevels[choose(
             flag, one(values),
             {"TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "SUCCESS", "ERROR", "CRITICAL"},
             /*fold_case=*/true)];
         st.log_level_given = true;
       }},
      {{"--verbose", "-v"},
       ValueKind::kFlag,
       "",
       "off",
       "Service",
       "Same as --log-level DEBUG.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.verbose = true;
       }},
      {{"--extra-verbose", "-vv"},
       ValueKind::kFlag,
       "",
       "off",
       "Service",
       "Same as --log-level TRACE.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.extra_verbose = true;
       }},
      // ---------------------------------------------------------------- Workers
      {{"--workers-max", "--max-workers"},
       ValueKind::kValue,
       "<int>",
       "auto",
       "Workers",
       "Most worker (I/O) threads to start. Unset: chosen from the CPU count and the "
       "concurrency. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         int64_t n = parse_int_at_least(flag, one(values), 1);
         if (n > 100000) {
           throw ConfigError(std::string(flag) + ": must be <= 100000 (got " + one(values) + ")");
         }
         st.cfg.workers_max = int(n);
       }},
  };
}

}  // namespace aiperf::config::detail
