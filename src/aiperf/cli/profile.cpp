// `aiperf profile`: parses the flags and runs one benchmark (run/run.h), or a study of several
// (study/study.h), with server metrics and GPU telemetry (telemetry/telemetry.h), the dashboard
// (--ui dashboard) and the end-of-run report attached as run observers (cli/run_observers.h).
// Under a launcher (mpirun, srun) the process is one rank of a team (cluster/team.h) that runs
// one benchmark together: rank 0 validates the configuration once and speaks for all.
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "aiperf/cli/cli.h"
#include "aiperf/cli/config_study.h"
#include "aiperf/cli/run_observers.h"
#include "aiperf/cluster/launch.h"
#include "aiperf/cluster/team.h"
#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/plugin/plugin.h"
#include "aiperf/run/run.h"
#include "aiperf/run/signals.h"
#include "aiperf/study/study.h"
#include "aiperf/telemetry/telemetry.h"

namespace aiperf::cli {

namespace {

/// Runs the benchmark as one rank of `team`; `error` is how this rank's flags parsed.
int run_profile_as_rank(cluster::Team& team, config::Config& cfg, std::string error) {
  if (error.empty() && cfg.study.active()) {
    error =
        "repeated runs, sweeps and the capacity search run as one process, not under mpirun "
        "(run the study on one host, or one mpirun per point)";
  }
  int rc = team.agree_config(error, cfg.random_seed);
  if (rc < 0) {
    run::RunOptions o;
    o.team = &team;
    // Server metrics and GPU telemetry are scraped once, by rank 0.
    std::unique_ptr<telemetry::TelemetryObserver> telemetry;
    std::unique_ptr<UserFilesObserver> user_files;
    if (team.leader()) {
      telemetry = std::make_unique<telemetry::TelemetryObserver>(cfg);
      o.observers.push_back(telemetry.get());
      user_files = std::make_unique<UserFilesObserver>(cfg);
      o.observers.push_back(user_files.get());
    }
    rc = run::run_benchmark_cli(cfg, o);
  }
  team.shutdown(run::interrupt_count() > 0, rc);  // interrupted: the launcher ends the job
  return rc;
}

/// Joins the team when launched as a rank (`team` stays null in one process). -1 on success,
/// else the exit code.
int join_team(std::unique_ptr<cluster::Team>& team) {
  try {
    team = cluster::Team::join();  // null: one process
  } catch (const std::exception& e) {
    // Launched as a rank, but MPI cannot be opened: one line (from rank 0), exit 2 everywhere.
    // The other ranks linger a little first: the launcher aborts the job when the first rank
    // fails, and a rank > 0 leaving first would end rank 0 before its line is written (rank 0's
    // own exit ends the wait: the launcher kills the rest).
    if (cluster::detect_launch().rank <= 0) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    } else {
      std::this_thread::sleep_for(std::chrono::seconds(5));
    }
    return kExitUsage;
  }
  return -1;
}

/// One process (no team): a study, or one benchmark with its observers. `args`: the profile
/// flags, for a config file's study (empty for a translated GenAI-Perf line).
int run_one_process(const config::Config& cfg, const std::vector<std::string>& args);

}  // namespace

int run_profile(const std::vector<std::string>& args) {
  std::unique_ptr<cluster::Team> team;
  if (int rc = join_team(team); rc >= 0) return rc;
  config::Config cfg;
  std::string error;
  try {
    // Plugins first: their endpoints are --endpoint-type values (plugin/plugin.h).
    std::vector<std::string> plugins = plugin::env_plugin_paths();
    for (std::string& p : plugin::plugin_flags(args)) plugins.push_back(std::move(p));
    plugin::load_plugins(plugins);
    cfg = config::parse_profile_args(args);
  } catch (const config::HelpRequested& h) {
    if (!team || team->leader()) std::fputs(h.text().c_str(), stdout);
    if (team) team->shutdown();
    return kExitOk;
  } catch (const ConfigError& e) {
    if (!team) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      return kExitUsage;
    }
    error = e.what();
  }
  if (cfg.argv.empty()) {
    cfg.argv = {"aiperf", "profile"};
    cfg.argv.insert(cfg.argv.end(), args.begin(), args.end());
  }
  if (team) return run_profile_as_rank(*team, cfg, std::move(error));
  return run_one_process(cfg, args);
}

int run_parsed_profile(const config::Config& parsed) {
  std::unique_ptr<cluster::Team> team;
  if (int rc = join_team(team); rc >= 0) return rc;
  if (team) {
    config::Config cfg = parsed;
    return run_profile_as_rank(*team, cfg, std::string());
  }
  return run_one_process(parsed, {});
}

namespace {

int run_one_process(const config::Config& cfg, const std::vector<std::string>& args) {
  if (cfg.plot_config_yaml) {  // a config file's plot section: checked before anything starts
    try {
      report::parse_plot_config(*cfg.plot_config_yaml, cfg.plot_config_origin);
    } catch (const ConfigError& e) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      return kExitUsage;
    }
  }
  // Server metrics and GPU telemetry (spec §7) observe every run, each run its own.
  if (cfg.config_file_study || cfg.study.active()) {
    // Several runs (repeated runs, a sweep, a capacity search; or a config file's sweep /
    // multi_run) go through the study runner; its report covers every run of the study.
    study::StudyOptions so;
    so.observers = [](const config::Config& c) {
      std::vector<std::unique_ptr<run::RunObserver>> v;
      v.push_back(std::make_unique<telemetry::TelemetryObserver>(c));
      v.push_back(std::make_unique<UserFilesObserver>(c));
      return v;
    };
    if (cfg.config_file_study) {  // -f with `sweep` / `multi_run`: one Config per variation
      return run_study_with_report(cfg, so, [&](const study::StudyOptions& o) {
        return run_config_file_study(args, cfg, o);
      });
    }
    return run_study_with_report(cfg, so);
  }
  telemetry::TelemetryObserver telemetry(cfg);
  ReportObserver report(cfg);
  UserFilesObserver user_files(cfg);
  run::RunOptions opts;
  opts.observers = {&user_files, &telemetry, &report};
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
    const int rc = run::run_benchmark(cfg, opts).exit_code;
    return rc == 0 && cfg.plot_required && report.failed() ? int(kExitBenchmarkFailed) : rc;
  } catch (const std::exception&) {
    if (dash) dash->stop();  // the message must land on the normal screen
    return run::report_run_error(std::current_exception());
  }
}

}  // namespace

}  // namespace aiperf::cli
