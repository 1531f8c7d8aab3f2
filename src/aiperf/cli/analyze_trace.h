// `aiperf analyze-trace` (spec §8.3): statistics of a mooncake-style trace.
#pragma once
#include <string>
#include <vector>

namespace aiperf::cli {

/// args: the words after "analyze-trace". Prints the report to stdout; returns the exit code
/// (0 ok, 2 usage or input error, printed as one line on stderr).
int run_analyze_trace(const std::vector<std::string>& args);

}  // namespace aiperf::cli
