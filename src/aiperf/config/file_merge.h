// Merging a config file's option occurrences with the command line's (spec §1.2: the file is the
// base, flags given explicitly override it; mappings such as headers, extra inputs and SLOs
// merge key by key). Private to the config stage; used by cli_options.cpp.
#pragma once
#include <string>
#include <vector>

#include "aiperf/config/config_file.h"
#include "aiperf/config/option_table.h"

namespace aiperf::config::detail {

/// Index of an option name (any alias) in option_table(), or -1.
int option_index(std::string_view name);

/// Adds the file's options to `values` (per option_table() row) where the command line did not
/// give them, merges the mapping-shaped ones, and records the key path as the "typed" name so
/// messages name the key. `values` holds the command line's values on entry.
void merge_file_options(const FileOptions& fo, std::vector<std::vector<std::string>>& values,
                        ParseState& st);

/// Checks that need the merged options: a profiling stop condition, secrets that were
/// redacted when the file was written. Throws ConfigError naming the key and line.
void check_merged(const FileOptions& fo, const std::vector<std::vector<std::string>>& values);

/// " at <file>:<line>" of the first key path of `fo` that `message` names (the earliest in the
/// message); " (in <file>)" when it names none.
std::string locate(const FileOptions& fo, const std::string& message);

}  // namespace aiperf::config::detail
