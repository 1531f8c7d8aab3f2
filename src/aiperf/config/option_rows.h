// Helpers shared by the files that hold the rows of the option table, one file per help group
// (options_*.cpp, media_options.cpp). Private to the config stage.
#pragma once
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

inline constexpr bool kRepeat = true;  // OptionSpec::repeatable
inline constexpr bool kOnce = false;
inline constexpr bool kMulti = true;  // OptionSpec::consume_multiple
inline constexpr bool kSingle = false;

// The rows, by help group (option_table() concatenates them in this order, --help last).
std::vector<OptionSpec> endpoint_options();
std::vector<OptionSpec> input_options();
std::vector<OptionSpec> load_options();
std::vector<OptionSpec> output_options();
std::vector<OptionSpec> workload_options();
std::vector<OptionSpec> server_options();    // options_servers.cpp (issue 9)
std::vector<OptionSpec> tutorial_options();  // options_tutorial.cpp (issue 9)

// Cross-option rules of those rows, run by resolve() in cli_options.cpp.
void resolve_servers(ParseState& st);
void resolve_tutorial(ParseState& st);

}  // namespace aiperf::config::detail
