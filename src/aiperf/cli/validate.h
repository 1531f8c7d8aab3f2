// `aiperf validate mooncake-trace --input <file>` (spec §8.5): checks a mooncake JSONL trace
// line by line with the mooncake_trace loader's own rules and reports as AIPerf does.
#pragma once
#include <string>
#include <vector>

namespace aiperf::cli {

/// args: the words after "validate". Exit code: 0 valid, 1 invalid rows, 2 usage or unreadable
/// file.
int run_validate(const std::vector<std::string>& args);

}  // namespace aiperf::cli
