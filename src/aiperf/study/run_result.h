// What a study keeps of each run (AIPerf's RunResult): its label, whether it succeeded, its
// run-level summary statistics read back from profile_export_aiperf.json, and where its
// artifacts are. Private to the study stage.
#pragma once
#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiperf/study/study.h"

namespace aiperf::study {

/// The run-level statistics AIPerf aggregates, in its STAT_KEYS order.
inline constexpr std::array<std::string_view, 14> kStatKeys = {
    "avg", "min", "max", "sum", "p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "std"};

/// One metric of a run's summary JSON (display units).
struct SummaryMetric {
  std::string tag;
  std::string unit;
  std::array<std::optional<double>, kStatKeys.size()> stats{};

  std::optional<double> stat(std::string_view key) const;
};

/// Every top-level object with a "unit" key in profile_export_aiperf.json, in file order.
struct RunSummary {
  std::vector<SummaryMetric> metrics;
  const SummaryMetric* find(std::string_view tag) const;
  /// stat of a metric, if both exist.
  std::optional<double> value(std::string_view tag, std::string_view stat) const;
};

/// Reads a summary JSON; an empty summary when the file is missing or unreadable.
RunSummary load_run_summary(const std::string& path);

/// Per-request values of every numeric metric of the valid profiling records in a
/// profile_export.jsonl (list values such as inter_chunk_latency are skipped), in order of
/// first appearance. Missing file: empty.
std::vector<std::pair<std::string, std::vector<double>>> load_record_metrics(
    const std::string& path);
/// The values of one metric (same filters).
std::vector<double> load_record_metric(const std::string& path, std::string_view tag);

struct RunResult {
  std::string label;  // run_0001, ...
  bool success = false;
  std::string error;  // why it failed
  RunSummary summary;
  std::string artifact_dir;
  std::string records_jsonl;  // the per-record export, if written
  // The point this run belongs to (sweeps); index 0 / "base" otherwise.
  int variation_index = 0;
  std::string variation_label = "base";
  std::vector<PointValue> variation_values;
  int trial = 0;
};

}  // namespace aiperf::study
