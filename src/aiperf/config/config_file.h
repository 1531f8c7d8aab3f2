// AIPerf's YAML config files (spec §9.6; `aiperf profile -f/--config FILE`): the envelope
// (`benchmark`, `sweep`, `multi_run`, `variables`, `random_seed`, `plot`, `schema_version`),
// `${VAR}` / `${VAR:default}` environment references, `{{ ... }}` expressions over `variables`
// (jinja_lite.h), the shorthands (`model`, `dataset`, `warmup` / `profiling`, a single phase
// mapping) and named phases. Keys may be snake_case or camelCase, as in AIPerf.
//
// Design: the `benchmark` body is turned into the same option rows the command line uses
// (option_table.h), and the same apply / resolve / validation code builds the Config. So a file
// and the equivalent command line give the same run, and flags given beside -f override the
// file's values. Every key this build can act on maps to an option (yaml_bindings.cpp); a key
// for a feature this build lacks is refused with one line naming the key and its line, never
// accepted silently. The reverse mapping writes the effective configuration of a run
// (effective_config_yaml) in the same schema.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/config/config.h"
#include "aiperf/config/yaml_tree.h"

namespace aiperf::config {

/// The envelope's study keys (`sweep`, `multi_run`, `no_sweep_table`), parsed and validated
/// into plain values for the study stage (runs of runs: sweeps, repeated runs). Names and
/// defaults are AIPerf's (MultiRunConfig, GridSweep/ZipSweep/ScenarioSweep). The multi_run and
/// sweep settings also map onto the Multi-Run option rows (so Config::study holds them);
/// expand_variations turns the sweep into runs, which `aiperf profile` hands to the study
/// runner (cli/config_study.cpp).
struct StudySpec {
  struct Convergence {
    std::string metric;               // metric tag, e.g. "time_to_first_token"
    std::string stat = "avg";         // avg|p50|p90|p95|p99
    std::string mode = "ci_width";    // ci_width|cv|distribution
    std::optional<double> threshold;  // (0, 1); unset: the mode's own default
    int64_t min_runs = 2;             // >= 2, <= num_runs
  };
  struct MultiRun {
    int64_t num_runs = 1;             // 1..10 trials per variation
    double cooldown_s = 0.0;          // between trials, 0..86400
    double confidence_level = 0.95;   // (0, 1)
    bool set_consistent_seed = true;  // no seed given: use 42 for every trial (and variation)
    bool vary_seed_per_trial = false;
    bool disable_warmup_after_first = true;
    std::optional<Convergence> convergence;
  };
  struct Sweep {
    std::string type = "grid";  // grid | zip | scenarios
    /// grid / zip: dotted body paths (aliases resolved: "concurrency" ->
    /// "phases.profiling.concurrency") and their value lists, in the file's order.
    std::vector<std::pair<std::string, std::vector<YamlNode>>> parameters;
    /// scenarios: each run's name (may be empty) and its partial envelope (benchmark /
    /// variables keys), deep-merged over the base.
    std::vector<std::pair<std::string, YamlNode>> runs;
    double cooldown_s = 0.0;                   // between variations
    std::string iteration_order = "repeated";  // repeated (trials outer) | independent
    bool same_seed = false;                    // false: variation i uses random_seed + i
    /// Made from lists of numbers in a phase (`concurrency: [8, 16]`, AIPerf's magic lists):
    /// a grid in the file's order rather than sorted by path.
    bool from_magic_lists = false;
  };
  std::optional<Sweep> sweep;  // explicit `sweep:` block
  MultiRun multi_run;
  bool no_sweep_table = false;
  /// True when the file asks for more than one run (a sweep, or num_runs > 1, or convergence).
  bool active() const {
    return sweep.has_value() || multi_run.num_runs > 1 || multi_run.convergence.has_value();
  }
};

/// One run a config file turns into (one sweep point; the whole file when there is no sweep).
struct Variation {
  int index = 0;
  std::string label;     // "phases.profiling.concurrency=8", a scenario name, or "base"
  std::string dir_name;  // AIPerf's directory name: "concurrency_8", "b_1__d_2", the label
  nlohmann::ordered_json values = nlohmann::ordered_json::object();  // what differs from base
  YamlNode envelope;  // the variation's whole envelope (no `sweep`), before jinja
};

/// A config file read and checked at the envelope level.
struct LoadedConfigFile {
  std::string path;   // as given
  YamlNode envelope;  // after ${VAR} substitution; jinja is rendered per variation
  StudySpec study;
  std::vector<std::string> warnings;
  /// `plot:`: the plot configuration's YAML text (an inline section written on the file's own
  /// lines, or the file a path names) and the file its line numbers refer to.
  std::optional<std::string> plot_yaml;
  std::string plot_origin;
};

/// Reads and checks `path`: YAML syntax, envelope keys, `${VAR}` references, the study keys.
/// Throws aiperf::ConfigError "<key path>: <problem> at <file>:<line>" (or "<file>:<line>: ..."
/// for YAML syntax).
LoadedConfigFile load_config_file(const std::string& path);

/// load_config_file for text already read; `path` names it in messages.
LoadedConfigFile load_config_text(const std::string& text, const std::string& path);

/// The runs of the file: grid (Cartesian product, paths sorted as AIPerf does), zip (lockstep),
/// scenarios (deep merge of each run), or magic lists (a list of numbers for a phase's
/// concurrency / rate / requests / ... makes a grid); one "base" variation without a sweep.
std::vector<Variation> expand_variations(const LoadedConfigFile& file);

/// One option occurrence produced from a file: the option's primary name, its values as the
/// command line would give them, and where it came from (for messages).
struct FileOption {
  std::string flag;
  std::vector<std::string> values;
  std::string path;  // "benchmark.phases[0].concurrency"
  int line = 0;
  bool implicit = false;  // a default of the file schema, not a key the user wrote
};

/// The `benchmark` body of one variation (after jinja) as option occurrences, plus the checks
/// that can only run once the command-line flags are merged in.
struct FileOptions {
  std::string file;  // for "at <file>:<line>"
  std::vector<FileOption> options;
  /// The profiling phase must have a stop condition (requests / duration / sessions) unless it
  /// replays a schedule; checked after the command line is merged in.
  bool needs_stop_condition = false;
  std::string phase_path;  // "benchmark.phases[1]"
  int phase_line = 0;
  std::vector<std::string> warnings;
  /// Sections without a flag (Config::user_files_json, config_variables_json, plot_config_*).
  std::string user_files_json;
  std::string variables_json;
  std::optional<std::string> plot_yaml;
  std::string plot_origin;
};

/// The variation's envelope with every `{{ ... }}` rendered (endpoint templates and user files
/// excepted). Throws ConfigError naming the key path and line.
YamlNode render_variation(const LoadedConfigFile& file, const Variation& variation);

/// The maps of a plot configuration whose keys are names the user chose (kept as written when
/// the section is written out again).
const std::vector<std::string>& plot_name_maps();

/// Renders jinja in `variation` and maps its body onto option occurrences. Throws
/// ConfigError naming the key path and line.
FileOptions file_options(const LoadedConfigFile& file, const Variation& variation);

/// The effective configuration of a run as a YAML config file in AIPerf's schema that
/// `aiperf profile -f` accepts and that reproduces the run: the options given (file and flags
/// merged), the resolved timing phase(s) and dataset kind, and `random_seed` = `seed_used`
/// (the seed the run actually drew when none was given). The API key and credential header
/// values are written as "<redacted>" (loading such a file asks for them on the command line).
std::string effective_config_yaml(const Config& cfg, uint64_t seed_used);

/// The placeholder written in place of secrets.
inline constexpr const char* kRedacted = "<redacted>";

}  // namespace aiperf::config
