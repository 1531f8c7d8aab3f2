// The map from AIPerf's config-file schema (the `benchmark` body, spec §9.6) to the option
// rows of the command line (option_table.h). Private to the config stage.
//
// Each key this build acts on becomes the occurrence of an option (`--flag values`), exactly
// what the command line would pass, so both go through the same apply and resolve code. The
// table kSimpleKeys (yaml_bindings.cpp) lists the one-to-one keys for both directions: the
// reader here and the writer of the effective config (yaml_writer.cpp). Keys with a shape of
// their own (models, distributions, phases, export level, headers, ...) are coded in pairs: a
// reader function here and its inverse in yaml_writer.cpp. A unit test checks that every option
// row has a home in the file schema and every key names an existing option.
//
// Adding an option: add its row to kSimpleKeys (section, key, flag, kind) when it is one key, or
// a reader/writer pair when it is not. A key for a feature this build lacks stays refused
// (YamlReader::only_default) until the feature exists.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/config_file.h"
#include "aiperf/config/yaml_reader.h"

namespace aiperf::config::detail {

/// How a one-to-one key's value becomes the option's value(s).
enum class KeyKind {
  kText,      // any scalar, as written
  kInt,       // whole number
  kNumber,    // number
  kSwitch,    // true -> the flag is given; false -> nothing
  kList,      // a value or a list -> one value per item
  kDuration,  // seconds or "30s"/"5m"/"2h"
  kDurationOrInf,
  kSwitchPair,  // true -> the flag; false -> its --no- form (both are rows)
};

/// A one-to-one key: `section` is the path of its mapping under `benchmark` with "dataset" for
/// the dataset entry and "phase" for the profiling phase.
struct SimpleKey {
  const char* section;
  const char* key;   // snake_case
  const char* flag;  // option primary name
  KeyKind kind;
};

const std::vector<SimpleKey>& simple_keys();

/// Option primary names the file schema expresses through the shaped keys (models, phases,
/// distributions, ...), for the coverage test.
const std::vector<std::string_view>& shaped_key_flags();

/// Option rows with no place in a config file by design (--help, --config itself).
const std::vector<std::string_view>& cli_only_flags();

/// The load a profiling phase describes (the warmup is checked against it).
struct PhaseLoad {
  std::string type;
  std::optional<double> concurrency, rate, smoothness;
  const YamlNode* node = nullptr;  // the profiling phase
};

/// Reads the `benchmark` body (already shorthand-normalized) and the envelope's random_seed.
class BodyMapper {
 public:
  BodyMapper(const YamlReader& r, FileOptions& out) : r_(r), out_(out) {}
  void map_envelope(const YamlNode& envelope);

  // Each reads one section; `path` is the section's key path ("benchmark.endpoint").
  void models(const std::string& path, const YamlNode& n);
  void endpoint(const std::string& path, const YamlNode& n);
  void tokenizer(const std::string& path, const YamlNode& n);
  void datasets(const std::string& path, const YamlNode& n);  // yaml_dataset.cpp
  void phases(const std::string& path, const YamlNode& n);    // yaml_phases.cpp
  void artifacts(const std::string& path, const YamlNode& n);
  /// `artifacts.user_files` (yaml_user_files.cpp): checked and kept, unrendered, as JSON.
  void user_files(const std::string& path, const YamlNode& n);
  void runtime(const std::string& path, const YamlNode& n);
  void logging(const std::string& path, const YamlNode& n);
  void slos(const std::string& path, const YamlNode& n);
  // yaml_observe.cpp: observation sections and a profiling phase's shaping keys.
  void server_metrics(const std::string& path, const YamlNode& n);
  void gpu_telemetry(const std::string& path, const YamlNode& n);
  void network_latency(const std::string& path, const YamlNode& n);
  /// A ramp (`30`, `"2m"` or {duration, strategy}) -> `flag` with its seconds, and
  /// `strategy_flag` when the curve is not linear.
  void ramp(const std::string& path, const YamlNode& n, const char* flag,
            const char* strategy_flag);
  /// True (with a warning) when phase `p` has a prefill_ramp but no prefill_concurrency.
  bool prefill_ramp_without_cap(const std::string& pp, const YamlNode& p);
  /// prefill ramps, rate ramps, cancellation of the profiling phase `p` at `pp`.
  void phase_shaping(const std::string& pp, const YamlNode& p);
  /// The warmup's own prefill concurrency and ramps (what it lacks and the profiling phase has
  /// is switched off for it); a rate series or cancellation in the warmup is refused.
  void warmup_shaping(const YamlNode& w, const std::string& wp, const PhaseLoad& prof);
  /// The envelope's `multi_run` and the settings of `sweep` (its values are expanded into
  /// variations by expand_variations, not mapped here).
  void study(const YamlNode& envelope, const StudySpec& spec);

  /// Emits one occurrence (values appended when the flag was emitted before).
  void emit(const std::string& flag, std::vector<std::string> values, const std::string& path,
            const YamlNode& at, bool implicit = false);
  /// The one-to-one keys of `section` present in `n`; returns the keys it handled.
  std::vector<std::string> simple(const std::string& section, const std::string& path,
                                  const YamlNode& n);
  /// A distribution (number, {value}, {mean, stddev}) -> the mean and stddev options.
  /// With `dist_flag`, the other shapes (log-normal, peaks, points, min/max clamps) go to it as
  /// JSON; without it they are refused.
  void distribution(const std::string& path, const YamlNode& n, const char* mean_flag,
                    const char* stddev_flag, bool integral_mean, const char* dist_flag = nullptr);

  const YamlReader& reader() const { return r_; }
  bool file_dataset() const { return dataset_kind_ == "file"; }

 private:
  void synthetic_dataset(const std::string& path, const YamlNode& n);
  void file_dataset(const std::string& path, const YamlNode& n);
  void public_dataset(const std::string& path, const YamlNode& n);
  void media(const std::string& path, const YamlNode& n);
  void warmup_phase(const YamlNode& w, const std::string& wp, const PhaseLoad& prof);  // phases

  const YamlReader& r_;
  FileOptions& out_;
  std::string dataset_kind_ = "synthetic";
};

/// A file dataset's inline `records` (AIPerf's schema) as a JSONL file the loader reads:
/// `<temp dir>/aiperf-inline-records-<hash of the lines>.jsonl`, written once (its name depends
/// only on its content). Returns the path; throws ConfigError when it cannot be written.
std::string write_inline_records(const std::vector<std::string>& jsonl_lines);
/// True for a path write_inline_records() made (the effective config writes the records back).
bool is_inline_records_file(const std::string& path);

}  // namespace aiperf::config::detail
