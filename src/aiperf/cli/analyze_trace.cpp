#include "aiperf/cli/analyze_trace.h"

#include <cstdio>
#include <fstream>
#include <optional>

#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/dataset/trace_tools.h"

namespace aiperf::cli {

namespace {
const char* kUsage =
    "Usage: aiperf analyze-trace [--input-file] <path> [--block-size <int>] [--output-file "
    "<path>]\n\n"
    "Statistics of a mooncake-style trace (input_length, output_length, hash_ids): lengths,\n"
    "prefix reuse and theoretical cache hit rates.\n\n"
    "  --input-file <path>    trace JSONL (required; may also be given as the one positional\n"
    "                         argument)\n"
    "  --block-size <int>     tokens per hash_ids block [default: 512]\n"
    "  --output-file <path>   also write the analysis as JSON\n";
}  // namespace

int run_analyze_trace(const std::vector<std::string>& args) {
  std::optional<std::string> input, output;
  int64_t block = 512;
  try {
    for (size_t i = 0; i < args.size(); ++i) {
      const std::string& a = args[i];
      if (a == "-h" || a == "--help") {
        std::fputs(kUsage, stdout);
        return 0;
      }
      if (a.empty() || a[0] != '-') {
        // `aiperf analyze-trace FILE`: the trace as the one positional argument.
        if (input) {
          throw ConfigError("unexpected argument '" + a + "': the trace is already " + *input +
                            " (pass one trace file)");
        }
        input = a;
        continue;
      }
      std::string name = a, value;
      bool inline_value = false;
      if (size_t eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
        name = a.substr(0, eq);
        value = a.substr(eq + 1);
        inline_value = true;
      }
      if (name != "--input-file" && name != "--block-size" && name != "--output-file") {
        throw ConfigError("unknown option " + a + " (see aiperf analyze-trace --help)");
      }
      if (!inline_value) {
        if (i + 1 >= args.size()) throw ConfigError(name + ": missing value");
        value = args[++i];
      }
      if (name == "--input-file") {
        if (input) {
          throw ConfigError("--input-file " + value + ": the trace is already " + *input +
                            " (pass one trace file)");
        }
        input = value;
      }
      if (name == "--output-file") output = value;
      if (name == "--block-size") block = config::parse_int_at_least(name, value, 1);
    }
    if (!input) throw ConfigError("--input-file is required (the trace JSONL to analyze)");
    dataset::TraceAnalysis a = dataset::analyze_trace(*input, block);
    std::fputs(dataset::format_report(a).c_str(), stdout);
    if (output) {
      std::ofstream f(*output, std::ios::binary);
      f << dataset::to_json(a).dump(2) << '\n';
      if (!f) throw InputError(*output + ": cannot write the analysis");
      std::printf("\nAnalysis written to %s\n", output->c_str());
    }
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aiperf analyze-trace: error: %s\n", e.what());
    return 2;
  }
}

}  // namespace aiperf::cli
