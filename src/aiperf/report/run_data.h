// What the report stage reads from a run's artifact directory (spec §6, §8.1): the summary
// JSON, the per-request JSONL (as columns), the time slices and the GPU telemetry samples.
// Every value is in the display unit the artifact carries (ms, tokens/sec, ...); nothing here
// recomputes a statistic that the summary already holds.
//
// Threading: plain data; loading functions are pure apart from reading files and may run on any
// thread. Errors: InputError naming the file (and line) for a file that cannot be read or parsed.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/metrics/metrics.h"

namespace aiperf::report {

/// Default artifact names (spec §6.2). Like AIPerf, `plot` only recognizes these.
inline constexpr const char* kSummaryJson = "profile_export_aiperf.json";
inline constexpr const char* kRecordsJsonl = "profile_export.jsonl";
inline constexpr const char* kTimeslicesJson = "profile_export_aiperf_timeslices.json";
inline constexpr const char* kGpuTelemetryJsonl = "gpu_telemetry_export.jsonl";
inline constexpr const char* kAggregateJson = "profile_export_aiperf_aggregate.json";
inline constexpr const char* kSweepJson = "profile_export_aiperf_sweep.json";

/// One metric block of a summary (`{"unit", "avg", "p50", ...}`), display units.
struct MetricStats {
  std::string unit;
  std::map<std::string, double> stats;  // "avg", "min", "p99", "std", "count", ...
  std::optional<double> get(std::string_view stat) const;
};

/// profile_export_aiperf.json, parsed.
struct Summary {
  nlohmann::json doc;                          // the whole file
  std::map<std::string, MetricStats> metrics;  // every `<tag>: {unit, avg, ...}` block
  std::optional<double> value(std::string_view tag, std::string_view stat = "avg") const;
  const MetricStats* metric(std::string_view tag) const;
};

/// Per-request columns of profile_export.jsonl, in file order (one entry per line that has
/// request timestamps). Metric columns are NaN where a record lacks the metric.
struct RequestColumns {
  std::vector<int64_t> start_ns;                       // request_start_ns (wall epoch ns)
  std::vector<int64_t> end_ns;                         // request_end_ns
  std::vector<uint8_t> error;                          // 1 = the record carries an error
  std::map<std::string, std::vector<double>> metrics;  // tag -> display-unit values
  size_t size() const { return start_ns.size(); }
  const std::vector<double>* column(std::string_view tag) const;
};

/// Which metric columns to keep from the JSONL (every scalar metric when empty).
struct RecordsOptions {
  std::vector<std::string> tags;
};

/// profile_export_aiperf_timeslices.json: one metric map per slice, in slice order.
struct Timeslices {
  std::vector<std::map<std::string, MetricStats>> slices;
  double slice_duration_s = 0;  // from input_config when present; 0 = unknown
};

/// gpu_telemetry_export.jsonl reduced to what plots need: per sample instant, the mean over
/// GPUs of each telemetry field.
struct GpuSeries {
  std::vector<int64_t> ts_ns;                         // wall epoch ns, ascending
  std::map<std::string, std::vector<double>> fields;  // field -> mean over GPUs at ts
  int num_gpus = 0;                                   // distinct GPUs seen
};

/// Confidence statistics of repeated runs (spec §8.1 aggregate JSON), per `<tag>_<stat>`.
struct AggregateStat {
  double mean = 0, std = 0, ci_low = 0, ci_high = 0;
  std::string unit;
};
struct Aggregate {
  std::map<std::string, AggregateStat> metrics;
  int num_runs = 0;
  double confidence_level = 0.95;
};

Summary read_summary(const std::string& path);
RequestColumns read_records(const std::string& path, const RecordsOptions& opts = {});

/// RequestColumns built record by record while a run writes profile_export.jsonl, equal to what
/// read_records() reads back from the finished file: add() takes what a line carries
/// (exporter::LineValues: its timestamps, error and scalar metric values as written).
/// Threading: one thread adds; columns() after the last add().
class RecordColumnsBuilder {
 public:
  /// Starts empty, keeping the metrics named in opts.tags (every one when empty).
  void start(const RecordsOptions& opts);
  bool active() const { return active_; }
  /// Per metric index: 1 where the metric is kept (exporter::JsonlWriter::line_values' filter).
  const uint8_t* wanted() const { return wanted_.data(); }
  void add(int64_t start_wall_ns, int64_t end_wall_ns, bool error,
           const std::vector<std::pair<metrics::MetricId, double>>& values);
  /// The columns (metric columns padded to every row); moved out by load_run.
  RequestColumns& columns();

 private:
  bool active_ = false;
  RequestColumns cols_;
  std::vector<uint8_t> wanted_;               // per metric index
  std::vector<std::vector<double>*> column_;  // per metric index, once it has a value
};
Timeslices read_timeslices(const std::string& path);
GpuSeries read_gpu_telemetry(const std::string& path);
Aggregate read_aggregate(const std::string& path);

/// One run found under the --paths, with what identifies it in a study.
struct RunInfo {
  std::string dir;    // directory holding profile_export_aiperf.json
  std::string name;   // label: directory name, or "<cell>/run_0001" for repeats
  std::string group;  // the study cell's name for repeats, else the parent directory's name
  int trial = 0;      // k of run_000k / trial_000k of a study; 0 = not a repeat
  /// What repeats of one configuration share (spec §8.1 layouts: <cell>/profile_runs/run_000k,
  /// <point>/profile_runs/trial_000k, <base>/profile_runs/trial_000k/<point>); the run's own
  /// directory when it is not a repeat.
  std::string cell;
  std::string aggregate_path;          // the cell's aggregate JSON ("" = none expected)
  std::string model;                   // first model of input_config
  std::optional<double> concurrency;   // from input_config
  std::optional<double> request_rate;  // from input_config
};

/// A loaded run: the summary always; the rest when present and asked for.
struct RunData {
  RunInfo info;
  Summary summary;
  std::optional<RequestColumns> requests;
  std::optional<Timeslices> timeslices;
  std::optional<GpuSeries> gpu;
  std::optional<Aggregate> aggregate;  // the cell's aggregate/ when the run is a repeat
  bool has_records_file() const;
};

}  // namespace aiperf::report
