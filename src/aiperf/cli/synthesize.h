// `aiperf synthesize` (spec §8.4): rewrite a mooncake trace with the --synthesis-* transforms
// and write the result as JSONL. AIPerf's `synthesize agentic-code` target is not built.
#pragma once
#include <string>
#include <vector>

namespace aiperf::cli {

/// args: the words after "synthesize". Returns the exit code (0 ok, 2 usage or input error).
int run_synthesize(const std::vector<std::string>& args);

}  // namespace aiperf::cli
