// `aiperf profile`: parses the flags and runs one benchmark (run/run.h).
#include <cstdio>
#include <memory>

#include "aiperf/cli/cli.h"
#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/run/run.h"
#include "aiperf/study/study.h"
#include "aiperf/telemetry/telemetry.h"

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
  // Server metrics and GPU telemetry (spec §7) observe every run, each run its own.
  if (cfg.study.active()) {
    // Several runs (repeated runs, a sweep, a capacity search) go through the study runner.
    study::StudyOptions so;
    so.observers = [](const config::Config& c) {
      std::vector<std::unique_ptr<run::RunObserver>> v;
      v.push_back(std::make_unique<telemetry::TelemetryObserver>(c));
      return v;
    };
    return study::run_study_cli(cfg, so);
  }
  telemetry::TelemetryObserver telemetry(cfg);
  run::RunOptions opts;
  opts.observers.push_back(&telemetry);
  return run::run_benchmark_cli(cfg, opts);
}

}  // namespace aiperf::cli
