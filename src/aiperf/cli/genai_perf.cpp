// GenAI-Perf's subcommands: `profile` runs through the aiperf profile path with its flags
// translated (config/genai_perf_args.h); the others say what to use instead.
#include "aiperf/cli/genai_perf.h"

#include <unistd.h>

#include <cstdio>

#include "aiperf/cli/cli.h"
#include "aiperf/cli/plot_cmd.h"
#include "aiperf/common/error.h"
#include "aiperf/config/genai_perf_args.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/run/run.h"

namespace aiperf::cli {

namespace {

void print_usage(FILE* f) {
  std::fprintf(f,
               "genai-perf: GenAI-Perf's command line, run by aiperf (C++) v%s\n\n"
               "Usage: genai-perf profile [OPTIONS]\n\n"
               "Commands:\n"
               "  profile   Benchmark with GenAI-Perf's profile flags (genai-perf profile --help\n"
               "            shows what each becomes); results are aiperf's artifacts.\n\n"
               "  compare   aiperf compare (--files BASELINE OTHER...).\n\n"
               "GenAI-Perf's analyze, config, create-template and\n"
               "process-export-files are not part of this build.\n"
               "See docs/genai-perf.md, or run aiperf --help for aiperf's own commands.\n",
               kVersion);
}

int refuse(const std::string& msg) {
  std::fprintf(stderr, "genai-perf: error: %s\n", msg.c_str());
  return kExitUsage;
}

int run_profile_line(const std::vector<std::string>& args) {
  config::Config cfg;
  try {
    config::ParseEnv env;
    env.stdout_is_tty = ::isatty(STDOUT_FILENO) == 1;
    cfg = config::parse_genai_perf_profile(args, env);
  } catch (const config::HelpRequested& h) {
    std::fputs(h.text().c_str(), stdout);
    return kExitOk;
  } catch (const ConfigError& e) {
    return refuse(e.what());
  }
  return run_parsed_profile(cfg);
}

}  // namespace

int run_genai_perf(const std::vector<std::string>& args) {
  if (args.empty()) {
    print_usage(stderr);
    return kExitUsage;
  }
  const std::string& cmd = args[0];
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "-h" || cmd == "--help") {
    print_usage(stdout);
    return kExitOk;
  }
  if (cmd == "--version") {
    std::printf("genai-perf (aiperf (C++) %s)\n", kVersion);
    return kExitOk;
  }
  if (cmd == "profile") return run_profile_line(rest);
  if (cmd == "compare") return run_compare(rest);  // aiperf compare takes --files too
  if (cmd == "analyze") {
    return refuse(
        "analyze: sweeps are not available through genai-perf here; run genai-perf profile once "
        "per point");
  }
  if (cmd == "config" || cmd == "create-template" || cmd == "template" ||
      cmd == "process-export-files") {
    return refuse(cmd +
                  ": GenAI-Perf's config files are not read by this build; pass the "
                  "options to genai-perf profile");
  }
  const std::vector<std::string> known = {"profile", "compare",         "analyze",
                                          "config",  "create-template", "process-export-files"};
  auto best = config::nearest(cmd, known);
  return refuse("unknown command '" + cmd + "'" +
                (best ? "; did you mean " + *best + "?" : std::string(" (see genai-perf --help)")));
}

}  // namespace aiperf::cli
