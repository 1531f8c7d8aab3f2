// Studies: runs of runs (DESIGN §2 "study/", spec §8.1, docs/study.md). A study calls one run
// per point through run/run.h and never reaches into a run's stages:
//   * repeated runs (--num-profile-runs N): profile_runs/run_NNNN/ and aggregate/ with mean,
//     sample std and a Student-t confidence interval of every metric, optional early stop
//     (--convergence-metric);
//   * parameter sweeps (--concurrency 10,20,40 and AIPerf's other list-valued flags, grid or
//     zip): one directory per point and sweep_aggregate/ with the best points and the Pareto
//     frontiers;
//   * capacity search (--search concurrency|request-rate, our extension): the largest load
//     whose goodput fraction stays >= a target, in search/.
//
// Call order: plan = make_study_plan(cfg, builder) (validates everything, builds every point's
// Config, starts nothing); rc = run_study(plan). The CLI's builder re-parses the command line
// with one value per swept flag (cli_point_builder); the YAML `sweep`/`multi_run` path supplies
// its own. Threading: run_study blocks the calling thread; it installs the Ctrl-C handlers once
// (run/signals.h) and each run inherits them.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aiperf/config/config.h"

namespace aiperf::run {
class RunObserver;
}

namespace aiperf::study {

/// One value of a swept parameter at a point.
struct PointValue {
  std::string path;  // AIPerf's dotted config path, e.g. "phases.profiling.concurrency"
  config::SweepValue value;
};

/// One point of a sweep (AIPerf's "variation").
struct Variation {
  int index = 0;
  std::string label = "base";  // "phases.profiling.concurrency=10, ..." ("base": no sweep)
  std::string dir_name;        // "concurrency_10" ("" when not a sweep)
  std::vector<PointValue> values;
};

/// Builds the Config of one point from its swept values: a plain run (its `study` empty).
/// Throws aiperf::ConfigError when a value breaks a rule of the configuration.
using PointBuilder = std::function<config::Config(const std::vector<PointValue>&)>;

struct StudyPlan {
  config::Config base;                  // as given; base.study holds the study's settings
  std::string base_dir;                 // root of every artifact of the study
  std::vector<Variation> variations;    // the sweep's points; one "base" point otherwise
  std::vector<config::Config> configs;  // one resolved Config per variation
  PointBuilder build_point;             // for points chosen while running (capacity search)

  const config::StudyConfig& settings() const { return base.study; }
  bool is_sweep() const { return variations.size() > 1; }
  bool is_search() const { return base.study.search != config::SearchParameter::kNone; }
};

/// The CLI's builder: `cfg.argv` parsed again with each value in place of its flag's list
/// (config::parse_profile_point).
PointBuilder cli_point_builder(const config::Config& cfg);

/// Expands the sweep (grid or zip) and builds and checks every point's Config, the --goodput
/// tags and the --convergence-metric, before anything runs. Throws aiperf::ConfigError.
StudyPlan make_study_plan(const config::Config& cfg, PointBuilder builder);

struct StudyOptions {
  bool print_console = true;  // each run's report and the study's summaries on stdout
  /// Makes the observers of one run from that run's Config (e.g. telemetry); they live for the
  /// run only, so each run gets its own. Unset: none.
  std::function<std::vector<std::unique_ptr<run::RunObserver>>(const config::Config&)> observers;
};

/// Runs the plan and writes the aggregates. Returns the exit code: 0 when at least two runs
/// succeeded (AIPerf's rule) or the search finished, 1 otherwise, 130 when interrupted (the
/// aggregates of the completed runs are still written), 2 when a point's configuration or
/// input is rejected at start-up.
int run_study(const StudyPlan& plan, const StudyOptions& opts = {});

/// `aiperf profile` with study flags: make_study_plan with cli_point_builder, then run_study;
/// errors become "aiperf: error: ..." on stderr and their exit code.
int run_study_cli(const config::Config& cfg, const StudyOptions& opts = {});

}  // namespace aiperf::study
