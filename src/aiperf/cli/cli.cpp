#include "aiperf/cli/cli.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/cli/analyze_trace.h"
#include "aiperf/cli/command_table.h"
#include "aiperf/cli/config_cmd.h"
#include "aiperf/cli/genai_perf.h"
#include "aiperf/cli/plot_cmd.h"
#include "aiperf/cli/speed_bench_report.h"
#include "aiperf/cli/synthesize.h"
#include "aiperf/cli/tokenize_cmd.h"
#include "aiperf/cli/validate.h"
#include "aiperf/common/env.h"
#include "aiperf/common/error.h"

namespace aiperf::cli {

const char* const kVersion = "0.11.0";

namespace {
void print_usage(FILE* f) {
  std::fprintf(
      f,
      "aiperf (C++) v%s · compatible with NVIDIA AIPerf 0.11 - AI Performance Benchmarking "
      "Tool\n\n"
      "Usage: aiperf COMMAND [OPTIONS]\n\n"
      "Commands:\n"
      "  analyze-trace Statistics of a mooncake-style trace (lengths, prefix reuse).\n"
      "  compare       Compare runs: key metrics side by side, change and noise.\n"
      "  config        Config files: init (from a template), expand, validate.\n"
      "  genai-perf    GenAI-Perf's command line (also: this binary run as genai-perf).\n"
      "  plot          Plots and an HTML report of runs (or serve it: --dashboard).\n"
      "  plugins       List the plugin registries (endpoints, datasets, ...).\n"
      "  profile       Run a benchmark against an OpenAI-compatible server.\n"
      "  speed-bench-report\n"
      "                SPEED-Bench matrix (models x categories) of several runs, CSV and table.\n"
      "  synthesize    Rewrite a trace with the --synthesis-* transforms.\n"
      "  tokenize      Count or list the tokens of a text with a tokenizer.\n"
      "  validate      Check a trace file (validate mooncake-trace --input <path>).\n\n"
      "Options:\n"
      "  --help, -h     Show this message.\n"
      "  --version      Show the version.\n"
      "  --install-completion [--shell bash|zsh|fish] [-o PATH]\n"
      "                 Install shell completion for aiperf.\n\n"
      "Run 'aiperf COMMAND --help' for the options of a command.\n",
      kVersion);
}
}  // namespace

int main(int argc, char** argv) {
  // Run as `genai-perf` (the symlink installed next to aiperf): GenAI-Perf's command line.
  std::string_view self = argc > 0 ? argv[0] : "";
  if (size_t slash = self.rfind('/'); slash != std::string_view::npos)
    self.remove_prefix(slash + 1);
  if (self == "genai-perf") return run_genai_perf(std::vector<std::string>(argv + 1, argv + argc));
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  std::string cmd = argv[1];
  try {
    env::check_process_environment();  // unknown AIPERF_* names warned about once
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  }
  if (cmd == "--version" || cmd == "-V" || cmd == "version") {
    std::printf("aiperf %s\n", kVersion);
    return 0;
  }
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    print_usage(stdout);
    return 0;
  }
  if (cmd == "--install-completion") {
    try {
      return install_completion(std::vector<std::string>(argv + 2, argv + argc));
    } catch (const ConfigError& e) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      return kExitUsage;
    }
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
  if (cmd == "config") return run_config(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "genai-perf") return run_genai_perf(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "analyze-trace") {
    return run_analyze_trace(std::vector<std::string>(argv + 2, argv + argc));
  }
  if (cmd == "plot") return run_plot(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "compare") return run_compare(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "speed-bench-report") {
    return run_speed_bench_report(std::vector<std::string>(argv + 2, argv + argc));
  }
  if (cmd == "synthesize") return run_synthesize(std::vector<std::string>(argv + 2, argv + argc));
  if (cmd == "validate") return run_validate(std::vector<std::string>(argv + 2, argv + argc));
  std::fprintf(
      stderr,
      "aiperf: error: unknown command '%s' (commands: analyze-trace, compare, config, genai-perf, "
      "plot, plugins, profile, speed-bench-report, synthesize, tokenize, validate; see aiperf "
      "--help)\n",
      cmd.c_str());
  return 2;
}

}  // namespace aiperf::cli
