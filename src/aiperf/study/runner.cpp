// Repeated runs and sweeps (spec §8.1): AIPerf's loop orders, directory layout, seeds, warmup
// and cooldown rules, early stop, and the aggregates written at the end (also after Ctrl-C, of
// the runs that completed).
#include "aiperf/study/runner.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <thread>

#include "aiperf/common/error.h"
#include "aiperf/common/rng.h"
#include "aiperf/run/run.h"
#include "aiperf/run/signals.h"
#include "aiperf/study/convergence.h"

namespace aiperf::study {
namespace fs = std::filesystem;

std::string run_label(int trial) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "run_%04d", trial + 1);
  return buf;
}

PointRunner::PointRunner(const StudyPlan& plan, const StudyOptions& opts)
    : plan_(plan), opts_(opts) {
  run::install_interrupt_handlers();  // once for the whole study; the runs inherit them
  sig0_ = run::interrupt_count();
  sweep_id_ = random_uuid4();
}

bool PointRunner::interrupted() const {
  return run_interrupted_ || run::interrupt_count() > sig0_;
}

bool PointRunner::cooldown(double seconds) const {
  if (seconds <= 0) return !interrupted();
  std::fprintf(stderr, "aiperf: study: cooldown %.3g s\n", seconds);
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (interrupted()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return !interrupted();
}

namespace {

/// AIPerf's classification of a finished run (LocalSubprocessExecutor).
void classify(const run::RunOutcome& o, RunResult& r) {
  const auto count = r.summary.value("request_count", "avg");
  const auto errors = r.summary.value("error_request_count", "avg");
  if (r.summary.metrics.empty()) {
    r.error = o.exit_code != 0 ? "Benchmark failed with exit code " + std::to_string(o.exit_code)
                               : "No metrics found in artifacts - run may have failed to complete";
  } else if (!count || *count == 0) {
    r.error = errors && *errors > 0 ? "All " + std::to_string(int64_t(*errors)) + " requests failed"
                                    : "No requests completed";
  } else if (o.exit_code != 0) {
    r.error = "Benchmark failed with exit code " + std::to_string(o.exit_code);
  } else {
    r.success = true;
    return;
  }
  if (!o.first_error.empty()) r.error += "; first error: " + o.first_error;
}

}  // namespace

RunResult PointRunner::run(config::Config cfg, const Variation& var, int trial,
                           const std::string& dir) {
  RunResult r;
  r.label = run_label(trial);
  r.artifact_dir = dir;
  r.variation_index = var.index;
  r.variation_label = var.label;
  r.variation_values = var.values;
  r.trial = trial;
  cfg.artifact_dir = dir;
  if (started_ > 0) cfg.warnings.clear();  // said once, before the first run
  ++started_;
  std::fprintf(stderr, "aiperf: study: %s%s%s -> %s\n", r.label.c_str(),
               var.values.empty() ? "" : " of ", var.values.empty() ? "" : var.label.c_str(),
               dir.c_str());
  std::fflush(stderr);
  run::RunOptions ro;
  ro.install_signal_handlers = false;
  ro.interrupts_seen = sig0_;  // a Ctrl-C during the study stops the run in progress
  nlohmann::json values = nlohmann::json::object();
  for (const auto& pv : var.values) values[pv.path] = json_value(pv.value);
  ro.run_info = {{"sweep_id", nlohmann::json(sweep_id_).dump()},
                 {"trial", std::to_string(trial)},
                 {"run_label", nlohmann::json(r.label).dump()},
                 {"variation_label", nlohmann::json(var.label).dump()},
                 {"variation_index", std::to_string(var.index)},
                 {"variation_values", values.dump()}};
  ro.print_console = opts_.print_console;
  std::vector<std::unique_ptr<run::RunObserver>> observers;
  if (opts_.observers) observers = opts_.observers(cfg);
  for (const auto& ob : observers) ro.observers.push_back(ob.get());
  run::RunOutcome o;
  try {
    o = run::run_benchmark(cfg, ro);
  } catch (const ConfigError& e) {
    setup_rc_ = kExitUsage;
    r.error = e.what();
  } catch (const InputError& e) {
    setup_rc_ = kExitUsage;
    r.error = e.what();
  } catch (const std::exception& e) {
    setup_rc_ = kExitFailed;
    r.error = e.what();
  }
  if (setup_rc_ != 0) {
    std::fprintf(stderr, "aiperf: error: %s\n", r.error.c_str());
    return r;
  }
  std::error_code ec;
  if (fs::exists(o.paths.records_jsonl, ec)) r.records_jsonl = o.paths.records_jsonl;
  r.summary = load_run_summary(o.paths.summary_json);
  if (o.interrupted) {
    run_interrupted_ = true;
    r.error = "interrupted (Ctrl-C)";
    return r;
  }
  classify(o, r);
  return r;
}

namespace {

class StudyLoop {
 public:
  StudyLoop(const StudyPlan& plan, PointRunner& runner)
      : plan_(plan),
        s_(plan.settings()),
        runner_(runner),
        history_(plan.variations.size()),
        stop_noted_(plan.variations.size(), false) {}

  void run() {
    if (plan_.is_sweep() && s_.parameter_sweep_mode == config::SweepMode::kIndependent) {
      independent();
    } else {
      repeated();
    }
  }
  int finish();

 private:
  std::string dir_of(const Variation& var, int trial) const;
  std::optional<uint64_t> seed_of(const Variation& var, int trial) const;
  bool wants_more(size_t v);
  /// False when the study must stop (Ctrl-C, a run that could not start, cooldown cut short).
  bool run_point(size_t v, int trial, double cooldown_s);
  void repeated();
  void independent();
  void write_aggregates(std::vector<std::pair<std::string, std::string>>& files);

  const StudyPlan& plan_;
  const config::StudyConfig& s_;
  PointRunner& runner_;
  std::vector<RunResult> results_;
  std::vector<std::vector<RunResult>> history_;  // per variation
  std::vector<bool> stop_noted_;
};

std::string StudyLoop::dir_of(const Variation& var, int trial) const {
  char t[32];
  std::snprintf(t, sizeof t, "trial_%04d", trial + 1);
  fs::path base = plan_.base_dir;
  const bool multi = s_.num_profile_runs > 1;
  if (!plan_.is_sweep()) return (base / "profile_runs" / run_label(trial)).string();
  if (!multi) return (base / var.dir_name).string();
  if (s_.parameter_sweep_mode == config::SweepMode::kRepeated) {
    return (base / "profile_runs" / t / var.dir_name).string();
  }
  return (base / var.dir_name / "profile_runs" / t).string();
}

std::optional<uint64_t> StudyLoop::seed_of(const Variation& var, int trial) const {
  const auto& root = plan_.base.random_seed;
  if (!root) return std::nullopt;
  if (s_.vary_seed_per_trial) {
    return RngManager(*root).derive_seed("variation:" + var.label +
                                         ":trial:" + std::to_string(trial));
  }
  if (plan_.is_sweep() && !s_.parameter_sweep_same_seed) return *root + uint64_t(var.index);
  return *root;
}

bool StudyLoop::wants_more(size_t v) {
  std::string why;
  if (should_continue(s_, history_[v], &why)) return true;
  if (!stop_noted_[v] && !why.empty()) {
    const Variation& var = plan_.variations[v];
    std::fprintf(stderr, "aiperf: study: %s%sconverged after %zu runs (%s)\n",
                 var.values.empty() ? "" : var.label.c_str(), var.values.empty() ? "" : ": ",
                 history_[v].size(), why.c_str());
    stop_noted_[v] = true;
  }
  return false;
}

bool StudyLoop::run_point(size_t v, int trial, double cooldown_s) {
  if (runner_.runs_started() > 0 && !runner_.cooldown(cooldown_s)) return false;
  if (runner_.interrupted()) return false;
  const Variation& var = plan_.variations[v];
  config::Config cfg = plan_.configs[v];
  cfg.random_seed = seed_of(var, trial);
  if (!history_[v].empty() && s_.disable_warmup_after_first) {
    cfg.warmup_request_count.reset();
    cfg.warmup_duration_s.reset();
  }
  RunResult r = runner_.run(std::move(cfg), var, trial, dir_of(var, trial));
  if (runner_.setup_failed()) return false;
  results_.push_back(r);
  history_[v].push_back(std::move(r));
  return !runner_.interrupted();
}

void StudyLoop::repeated() {
  // Trials outer, points inner; a point stops early once it has converged.
  int last_trial = -1;
  for (int trial = 0; trial < s_.num_profile_runs; ++trial) {
    for (size_t v = 0; v < plan_.variations.size(); ++v) {
      if (!wants_more(v)) continue;
      const double pause =
          last_trial == trial ? s_.parameter_sweep_cooldown_s : s_.profile_run_cooldown_s;
      last_trial = trial;
      if (!run_point(v, trial, pause)) return;
    }
  }
}

void StudyLoop::independent() {
  for (size_t v = 0; v < plan_.variations.size(); ++v) {
    for (int trial = 0; wants_more(v); ++trial) {
      const double pause = trial == 0 ? s_.parameter_sweep_cooldown_s : s_.profile_run_cooldown_s;
      if (!run_point(v, trial, pause)) return;
    }
  }
}

void StudyLoop::write_aggregates(std::vector<std::pair<std::string, std::string>>& files) {
  const fs::path base = plan_.base_dir;
  const bool repeated_multi =
      s_.num_profile_runs > 1 && s_.parameter_sweep_mode == config::SweepMode::kRepeated;
  if (!plan_.is_sweep()) {
    AggregateResult a = aggregate_confidence(results_, s_.confidence_level);
    a.metadata["cooldown_seconds"] = s_.profile_run_cooldown_s;
    const std::string dir = (base / "aggregate").string();
    files.emplace_back("Aggregate JSON", write_text(dir, "profile_export_aiperf_aggregate.json",
                                                    render_confidence_json(a)));
    files.emplace_back("Aggregate CSV", write_text(dir, "profile_export_aiperf_aggregate.csv",
                                                   render_confidence_csv(a)));
    if (s_.convergence_metric) {
      nlohmann::ordered_json extra;
      extra["cooldown_seconds"] = s_.profile_run_cooldown_s;
      files.emplace_back("Collated JSON", write_text(dir, "profile_export_aiperf_collated.json",
                                                     render_collated_json(results_, extra)));
    }
    print_confidence_summary(a);
    return;
  }
  // Per point: a confidence aggregate of its runs (one run: AIPerf's single-run mode).
  for (size_t v = 0; v < plan_.variations.size(); ++v) {
    const Variation& var = plan_.variations[v];
    bool any_ok = false;
    for (const auto& r : history_[v]) any_ok = any_ok || r.success;
    if (!any_ok) {
      if (!history_[v].empty()) {
        std::fprintf(stderr, "aiperf: warning: no aggregate for %s: 0 successful runs\n",
                     var.label.c_str());
      }
      continue;
    }
    AggregateResult a = aggregate_confidence(history_[v], s_.confidence_level);
    a.metadata["cooldown_seconds"] = s_.profile_run_cooldown_s;
    a.metadata["variation_label"] = var.label;
    nlohmann::ordered_json values = nlohmann::ordered_json::object();
    for (const auto& pv : var.values) values[pv.path] = json_value(pv.value);
    a.metadata["variation_values"] = values;
    a.metadata["sweep_mode"] = config::to_string(s_.parameter_sweep_mode);
    if (!plan_.configs[v].models.empty()) a.metadata["model"] = plan_.configs[v].models.front();
    const std::string dir = (s_.parameter_sweep_mode == config::SweepMode::kRepeated
                                 ? base / "aggregate" / var.dir_name
                                 : base / var.dir_name / "aggregate")
                                .string();
    write_text(dir, "profile_export_aiperf_aggregate.json", render_confidence_json(a));
    write_text(dir, "profile_export_aiperf_aggregate.csv", render_confidence_csv(a));
  }
  SweepAggregate sa = aggregate_sweep(results_, plan_.variations, s_);
  const std::string dir =
      (repeated_multi ? base / "aggregate" / "sweep_aggregate" : base / "sweep_aggregate").string();
  files.emplace_back("Sweep JSON",
                     write_text(dir, "profile_export_aiperf_sweep.json", render_sweep_json(sa)));
  files.emplace_back("Sweep CSV",
                     write_text(dir, "profile_export_aiperf_sweep.csv", render_sweep_csv(sa)));
  print_sweep_summary(sa);
}

int StudyLoop::finish() {
  // A run that could not start is not a result; its error is already printed.
  if (runner_.setup_failed() && results_.empty()) return runner_.setup_rc();
  int ok = 0;
  std::string failed;
  for (const auto& r : results_) {
    if (r.success) {
      ++ok;
    } else {
      failed += (failed.empty() ? "" : ", ") + r.label +
                (plan_.is_sweep() ? " (" + r.variation_label + ")" : "") + ": " + r.error;
    }
  }
  std::fprintf(stderr, "aiperf: study: %d/%zu runs successful\n", ok, results_.size());
  if (!failed.empty()) std::fprintf(stderr, "aiperf: warning: failed runs: %s\n", failed.c_str());
  std::vector<std::pair<std::string, std::string>> files;
  int rc = kExitOk;
  if (ok >= 2) {
    try {
      write_aggregates(files);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      rc = kExitFailed;
    }
  } else if (ok == 1) {
    std::fprintf(stderr, "aiperf: warning: %s\n",
                 plan_.is_sweep()
                     ? "Only 1 variation succeeded - cannot compute sweep aggregate statistics. "
                       "At least 2 successful variations are required."
                     : "Only 1 successful run - cannot compute confidence statistics. At least 2 "
                       "successful runs are required.");
    rc = kExitFailed;
  } else {
    std::fprintf(stderr,
                 "aiperf: error: All runs failed - cannot compute aggregate statistics. Please "
                 "check the error messages above.\n");
    rc = kExitFailed;
  }
  print_files(files);
  if (runner_.setup_failed()) return runner_.setup_rc();
  if (runner_.interrupted()) return kExitInterrupted;
  return rc;
}

}  // namespace

int run_study(const StudyPlan& plan, const StudyOptions& opts) {
  PointRunner runner(plan, opts);
  if (plan.is_search()) return run_capacity_search(plan, runner, opts);
  StudyLoop loop(plan, runner);
  loop.run();
  return loop.finish();
}

}  // namespace aiperf::study
