// Settings of a study (issue 11; spec §8.1): repeated runs with confidence statistics, parameter
// sweeps over AIPerf's list-valued ("magic list") flags, and our capacity search. Part of Config
// (config.h, `Config::study`); set by the Multi-Run rows (options_study.cpp) and run by
// study/study.h, which calls one run per point. Plain data: no behaviour here.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aiperf::config {

/// Cartesian product (grid) or element-wise pairing (zip) of several swept lists
/// (--sweep-type).
enum class SweepType { kGrid, kZip };
/// --parameter-sweep-mode: trials outer, variations inner (repeated) or the reverse.
enum class SweepMode { kRepeated, kIndependent };
/// --convergence-mode.
enum class ConvergenceMode { kCiWidth, kCv, kDistribution };
/// --search (our extension): the load parameter the capacity search varies.
enum class SearchParameter { kNone, kConcurrency, kRequestRate };

/// One value of a swept flag: the text a single-valued flag would take, and the number.
struct SweepValue {
  std::string text;  // as typed, trimmed ("10", "2.5")
  double number = 0;
  bool integer = false;  // an int flag (concurrency, counts, lengths): JSON writes 10, not 10.0
  bool operator==(const SweepValue&) const = default;  // Config's equality (tests)
};

/// One swept parameter: AIPerf's dotted config path (its leaf names directories and the sweep
/// JSON), the primary flag that sets it, and the values in the order given.
struct SweepParameter {
  std::string path;  // e.g. "phases.profiling.concurrency"
  std::string flag;  // e.g. "--concurrency"
  std::vector<SweepValue> values;
  bool operator==(const SweepParameter&) const = default;
};

struct StudyConfig {
  // ---- repeated runs (spec §1.3 Multi-Run, §8.1)
  int num_profile_runs = 1;  // --num-profile-runs / --runs, 1..10
  double profile_run_cooldown_s = 0.0;
  double confidence_level = 0.95;  // 0 < x < 1
  bool disable_warmup_after_first = true;
  bool set_consistent_seed = true;
  bool vary_seed_per_trial = false;
  std::optional<std::string> convergence_metric;  // metric tag; enables early stop
  std::string convergence_stat = "avg";           // avg,p50,p90,p95,p99,min,max
  std::optional<double> convergence_threshold;    // unset: the mode's own default
  ConvergenceMode convergence_mode = ConvergenceMode::kCiWidth;
  // ---- sweeps
  double parameter_sweep_cooldown_s = 0.0;
  bool parameter_sweep_same_seed = false;
  SweepMode parameter_sweep_mode = SweepMode::kRepeated;
  SweepType sweep_type = SweepType::kGrid;
  /// Lists with more than one value, in the order their flags were given (a
  /// --concurrency-start/-end/-step range becomes the --concurrency list).
  std::vector<SweepParameter> sweep;
  std::optional<int64_t> concurrency_start;  // our extension (the tutorial's range form)
  std::optional<int64_t> concurrency_end;
  std::optional<int64_t> concurrency_step;
  // ---- capacity search (our extension; docs/study.md)
  SearchParameter search = SearchParameter::kNone;
  double search_target = 0.9;               // goodput fraction a load must keep
  std::optional<double> search_resolution;  // stop when the bracket is this narrow
  std::optional<double> search_start;       // first load probed
  std::optional<double> search_max;         // largest load bracketing may probe
  int search_max_probes = 20;

  bool is_sweep() const { return !sweep.empty(); }
  /// More than one run: the study runner, not a single run, handles the command.
  bool active() const {
    return num_profile_runs > 1 || is_sweep() || search != SearchParameter::kNone;
  }
  bool operator==(const StudyConfig&) const = default;
};

const char* to_string(SweepType t);        // "grid", "zip"
const char* to_string(SweepMode m);        // "repeated", "independent"
const char* to_string(ConvergenceMode m);  // "ci_width", "cv", "distribution"
const char* to_string(SearchParameter p);  // "none", "concurrency", "request-rate"

}  // namespace aiperf::config
