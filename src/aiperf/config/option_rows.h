// Helpers shared by the files that hold the rows of the option table, one file per help group
// (options_*.cpp, media_options.cpp). Private to the config stage.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/option_table.h"

namespace aiperf::config::detail {

/// The last value given (a repeated single-valued option: the last one wins).
inline const std::string& one(const std::vector<std::string>& values) {
  return values.back();
}

/// Index of `value` in `choices` (exact, or case-insensitive when `fold_case`), else a
/// ConfigError listing the valid choices.
size_t choose(std::string_view flag, const std::string& value,
              const std::vector<std::string_view>& choices, bool fold_case = false);

/// "linear", "exponential" or "poisson" (any case): a ramp's curve (options_shaping.cpp).
RampType parse_ramp_type(std::string_view flag, const std::string& value);

inline constexpr bool kRepeat = true;  // OptionSpec::repeatable
inline constexpr bool kOnce = false;
inline constexpr bool kMulti = true;  // OptionSpec::consume_multiple
inline constexpr bool kSingle = false;

// The rows, by help group (option_table() concatenates them in this order, --help last).
std::vector<OptionSpec> endpoint_options();
std::vector<OptionSpec> input_options();
std::vector<OptionSpec> load_options();
std::vector<OptionSpec> output_options();
std::vector<OptionSpec> report_options();
/// --auto-plot / --no-auto-plot / --plot-required and a config file's `plot:` section
/// (options_report.cpp).
void resolve_plots(ParseState& st);
std::vector<OptionSpec> workload_options();
std::vector<OptionSpec> telemetry_options();
std::vector<OptionSpec> shaping_options();      // options_shaping.cpp
std::vector<OptionSpec> study_options();        // Multi-Run rows and --slice-duration
std::vector<OptionSpec> scale_options();        // Scale-out (--source-ip) and Plugins (--plugin)
std::vector<OptionSpec> config_file_options();  // options_config.cpp
std::vector<OptionSpec> warmup_options();       // options_warmup.cpp

/// AIPerf's list-valued ("magic list") flags: a comma list of several values is a parameter
/// sweep (spec §1.2). `path` is AIPerf's dotted config path of the value (options_study.cpp).
struct MagicList {
  const char* flag;  // primary name of the row
  const char* path;  // e.g. "phases.profiling.concurrency"
  bool integer;
};
const std::vector<MagicList>& magic_lists();
/// The row of `flag` is a magic list with a comma list of several values: records the sweep
/// (each value checked by the row's own apply on a scratch state) and returns the first value,
/// which the caller applies as the base config's placeholder (as AIPerf does).
std::optional<std::string> take_sweep_list(ParseState& st, const OptionSpec& row,
                                           std::string_view flag, const std::string& value);
/// The Multi-Run rules that need every flag (--concurrency-start/-end/-step, convergence and
/// search checks, the consistent seed). Runs first in resolve().
void resolve_study(ParseState& st);
std::vector<OptionSpec> endpoint_type_options();  // options_endpoint_types.cpp
std::vector<OptionSpec> server_options();         // options_servers.cpp (issue 9)
std::vector<OptionSpec> tutorial_options();       // options_tutorial.cpp (issue 9)

/// --streaming, --download-video-content and --rankings-* against --endpoint-type (warnings,
/// streaming turned off where the endpoint cannot stream). Run by resolve().
void resolve_endpoint_type(ParseState& st);
// Cross-option rules of the server and tutorial rows, run by resolve() in cli_options.cpp.
void resolve_servers(ParseState& st);
void resolve_tutorial(ParseState& st);
/// Config::given_options with the tutorial spellings as the options they stand for
/// (--request-timeout ms -> --request-timeout-seconds, --trace-file -> --input-file,
/// --goodput-ttft/-itl/-e2e -> --goodput), so run_config.yaml writes them.
void canonical_given_options(std::vector<std::pair<std::string, std::vector<std::string>>>& given);

}  // namespace aiperf::config::detail
