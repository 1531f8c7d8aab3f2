// `genai-perf ...` (the binary run under that name, or `aiperf genai-perf ...`): GenAI-Perf's
// command line run by aiperf (docs/genai-perf.md).
#pragma once
#include <string>
#include <vector>

namespace aiperf::cli {

/// Runs GenAI-Perf's command line; `args` are the words after the program name (after
/// `aiperf genai-perf`). Returns the exit code.
int run_genai_perf(const std::vector<std::string>& args);

}  // namespace aiperf::cli
