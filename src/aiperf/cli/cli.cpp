#include "aiperf/cli/cli.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "aiperf/cli/analyze_trace.h"
#include "aiperf/cli/plot_cmd.h"
#include "aiperf/cli/synthesize.h"
#include "aiperf/cli/tokenize_cmd.h"
#include "aiperf/cli/validate.h"
#include "aiperf/common/error.h"

namespace aiperf::cli {

const char* const kVersion = "0.11.0";

namespace {
void print_usage(FILE* f) {
  std::fprintf(f,
               "NVIDIA AIPerf v%s - AI Performance Benchmarking Tool (C++ implementation)\n\n"
               "Usage: aiperf COMMAND [OPTIONS]\n\n"
               "Commands:\n"
               "  analyze-trace Statistics of a mooncake-style trace (lengths, prefix reuse).\n"
               "  compare       Compare runs: key metrics side by side, change and noise.\n"
               "  plot          Plots and an HTML report of runs (or serve it: --dashboard).\n"
               "  plugins       List the plugin registries (endpoints, datasets, ...).\n"
               "  profile       Run a benchmark against an OpenAI-compatible server.\n"
               "  synthesize    Rewrite a trace with the --synthesis-* transforms.\n"
               "  tokenize      Count or list the tokens of a text with a tokenizer.\n"
               "  validate      Check a trace file (validate mooncake-trace --input <path>).\n\n"
               "Options:\n"
               "  --help, -h     Show this message.\n"
               "  --version      Show the version.\n\n"
               "Run 'aiperf COMMAND --help' for the options of a command.\n",
               kVersion);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  std::string cmd = argv[1];
  if (cmd == "--version" || cmd == "-V" || cmd == "version") {
    std::printf("aiperf %s\n", kVersion);
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    print_usage(stdout);
    return 0;
  }
  if (cmd == "profile") {
    return run_profile(std::vector<std::string>(argv + 2, argv + argc));
  }
  if (cmd == "plugins") {
    try {
      return run_plugins(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const ConfigError& e) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      return 2;
    }
  }
  if (cmd == "tokenize") return run_tokenize(argc - 1, argv + 1);
  if (cmd == "analyze-trace") {
    return run_analyze_trace(std::vector<std::string>(argv + 2, argv + argc));
  }
  if (cmd == "plot") return run_plot(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "compare") return run_compare(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "synthesize") return run_synthesize(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "validate") return run_validate(std::vector<std::string>(argv + 2, argv + argc));
  std::fprintf(
      stderr,
      "aiperf: error: unknown command '%s' (commands: analyze-trace, compare, plot, plugins, profile, "
      "synthesize, tokenize, validate; see aiperf --help)\n",
      cmd.c_str());
  return 2;
}

}  // namespace aiperf::cli
