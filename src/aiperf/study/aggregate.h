// Aggregation across runs (spec §8.1): the confidence aggregate of run-level statistics
// (profile_export_aiperf_aggregate.json / .csv) and the collated per-request pool
// (profile_export_aiperf_collated.json). Private to the study stage.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/study/run_result.h"
#include "aiperf/study/statistics.h"

namespace aiperf::study {

/// One flattened metric ("time_to_first_token_avg") across runs.
struct ConfidenceMetric {
  std::string key;  // <tag>_<stat>
  std::string unit;
  ConfidenceStats stats;
};

struct AggregateResult {
  std::string aggregation_type = "confidence";
  int num_runs = 0;
  int num_successful_runs = 0;
  std::vector<std::pair<std::string, std::string>> failed_runs;  // (label, error)
  std::vector<ConfidenceMetric> metrics;
  /// After aggregation_type .. failed_runs: confidence_level, run_labels, [single_run], then
  /// what the caller adds (cooldown_seconds, variation_label, ...), in order.
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();

  const ConfidenceMetric* find(std::string_view key) const;
};

/// For every (metric, stat) of the successful runs' summaries (first-seen order, stats in
/// kStatKeys order): the finite values across runs and their ConfidenceStats. One successful
/// run: AIPerf's single-run mode (std 0, interval collapsed, "single_run": true). No
/// successful run: no metrics (the caller reports the failure).
AggregateResult aggregate_confidence(const std::vector<RunResult>& results,
                                     double confidence_level);

/// profile_export_aiperf_aggregate.json: {"schema_version": "1.0", "aiperf_version",
/// "metadata": {...}, "metrics": {key: {mean, std, min, max, cv, se, ci_low, ci_high,
/// t_critical, unit}}}; non-finite numbers are null.
std::string render_confidence_json(const AggregateResult& r);
/// profile_export_aiperf_aggregate.csv: the metrics table (cv, se, t_critical with 4 decimals,
/// the rest 2), a blank row, then the metadata rows (Python str() of each value).
std::string render_confidence_csv(const AggregateResult& r);

/// profile_export_aiperf_collated.json (schema "1.0.0"): every valid request of every
/// successful run pooled per metric: combined mean, std (ddof=1), p50/p90/p95/p99, count, and
/// each run's mean and count. Reads the runs' profile_export.jsonl.
std::string render_collated_json(const std::vector<RunResult>& results,
                                 const nlohmann::ordered_json& extra_metadata);

/// Python's str() of a JSON value as AIPerf's CSV writes metadata: 0.95, True, 'a' inside
/// lists and dicts, [..], {..}.
std::string python_str(const nlohmann::ordered_json& v, bool nested = false);
/// Python repr of a float: shortest round-trip digits, "5.0" for whole numbers, "nan", "inf".
std::string python_float(double v);
/// One CSV row (Python csv: minimal quoting, "\r\n").
std::string csv_row(const std::vector<std::string>& cells);
/// Python f"{v:.{decimals}f}", with "nan", "inf" and "-inf".
std::string fixed(double v, int decimals);

/// Writes `content` to `dir`/`name` (creating `dir`); returns the path. Throws
/// std::runtime_error naming the path.
std::string write_text(const std::string& dir, const std::string& name, const std::string& content);

}  // namespace aiperf::study
