// `aiperf profile`: parses the flags and runs one benchmark (run/run.h), or a study of several
// (study/study.h), with server metrics and GPU telemetry (telemetry/telemetry.h), the dashboard
// (--ui dashboard) and the end-of-run report attached as run observers (cli/run_observers.h).
#include <cstdio>
#include <memory>

#include "aiperf/cli/cli.h"
#include "aiperf/cli/run_observers.h"
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
    // Several runs (repeated runs, a sweep, a capacity search) go through the study runner; its
    // report covers every run of the study.
    study::StudyOptions so;
    so.observers = [](const config::Config& c) {
      std::vector<std::unique_ptr<run::RunObserver>> v;
      v.push_back(std::make_unique<telemetry::TelemetryObserver>(c));
      return v;
    };
    return run_study_with_report(cfg, so);
  }
  telemetry::TelemetryObserver telemetry(cfg);
  ReportObserver report(cfg);
  run::RunOptions opts;
  opts.observers = {&telemetry, &report};
  std::optional<DashboardObserver> dash;
  if (cfg.ui == config::UiType::kDashboard) {
    dash.emplace(cfg);
    if (std::string why = dash->unusable(); !why.empty()) {
      // Degrade to the simple progress display (the run shows it for any UI but none).
      std::fprintf(stderr, "aiperf: --ui dashboard: %s; showing simple progress instead\n",
                   why.c_str());
      dash.reset();
    } else {
      dash->show_telemetry(&telemetry);
      opts.observers.push_back(&*dash);
      opts.show_progress = false;
    }
  }
  try {
    return run::run_benchmark(cfg, opts).exit_code;
  } catch (const std::exception& e) {
    if (dash) dash->stop();  // the message must land on the normal screen
    const bool usage = dynamic_cast<const ConfigError*>(&e) || dynamic_cast<const InputError*>(&e);
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return usage ? kExitUsage : kExitBenchmarkFailed;
  }
}

}  // namespace aiperf::cli
