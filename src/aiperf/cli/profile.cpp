// `aiperf profile`: parses the flags and runs one benchmark (run/run.h).
#include <cstdio>

#include "aiperf/cli/cli.h"
#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/run/run.h"
#include "aiperf/study/study.h"

namespace aiperf::cli {

int run_profile(const std::vector<std::string>& args) {
  config::Config cfg;
  try {
    cfg = config::parse_profile_args(args);
  } catch (const config::HelpRequested& h) {
    std::fputs(h.text().c_str(), stdout);
    return kExitOk;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  }
  if (cfg.argv.empty()) {
    cfg.argv = {"aiperf", "profile"};
    cfg.argv.insert(cfg.argv.end(), args.begin(), args.end());
  }
  // Several runs (repeated runs, a sweep, a capacity search) go through the study runner.
  if (cfg.study.active()) return study::run_study_cli(cfg);
  return run::run_benchmark_cli(cfg);
}

}  // namespace aiperf::cli
