// The `aiperf plot` configuration: AIPerf's plot-config YAML (spec §8.2), read with yaml-cpp.
// Keys: visualization.{single_run_defaults, multi_run_defaults, single_run_plots,
// multi_run_plots}, each preset {type, x, y, y2, stat, source, title, description, x_label,
// y_label, labels, groups, primary_style, secondary_style, supplementary_col,
// use_slice_duration, autoscale, ci_level}, and experiment_classification.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace aiperf::report {

/// Plot types (AIPerf's plugin names).
inline constexpr const char* kPlotTypes[] = {"area",
                                             "dual_axis",
                                             "histogram",
                                             "pareto",
                                             "percentile_bands",
                                             "request_timeline",
                                             "scatter",
                                             "scatter_line",
                                             "scatter_with_percentiles",
                                             "timeslice",
                                             "latency_throughput_uncertainty"};

/// Where a metric's values come from (AIPerf's DataSource).
enum class Source { kRequests, kTimeslices, kGpuTelemetry, kAggregated };

struct MetricRef {
  std::string name;  // tag, column ("request_number", "timestamp_s", ...) or slice header
  std::string stat;  // "avg", "p99", ...; empty = none given
  Source source = Source::kRequests;
};

struct PlotStyle {
  std::string mode = "lines";  // lines | markers | lines+markers
  std::string line_shape;      // "", linear, hv, spline
  std::string fill;            // "", tozeroy, tonexty
  int line_width = 2;
  int marker_size = 8;
  double marker_opacity = 1.0;
  double fill_opacity = 0.3;
};

struct PlotSpec {
  std::string name;  // preset key; the file stem
  std::string type;  // one of kPlotTypes
  std::string title, description, x_label, y_label;
  std::optional<MetricRef> x, y, y2;
  std::string label_by;  // column for point labels ("concurrency"); empty = none
  std::string group_by;  // column for series ("model", "run_name", ...); empty = run_name
  std::optional<PlotStyle> primary_style, secondary_style;
  std::string supplementary_col;
  bool use_slice_duration = false;
  std::string autoscale = "none";  // none | x | y | both
  double ci_level = 0.95;
};

struct ExperimentClassification {
  std::vector<std::string> baselines, treatments;  // glob patterns on the run name
  std::string default_type = "treatment";
  std::string group_extraction_pattern = "^(baseline|treatment_\\d+)";
  std::map<std::string, std::string> group_display_names;
};

struct PlotConfig {
  std::vector<PlotSpec> single_run;  // the single_run_defaults, resolved
  std::vector<PlotSpec> multi_run;   // the multi_run_defaults, resolved
  std::optional<ExperimentClassification> classification;
  std::string origin;  // the file it came from ("built-in defaults" if none)
};

/// The built-in default configuration (written to ~/.aiperf/plot_config.yaml on first use).
const std::string& default_plot_config_yaml();

/// Parses a plot config. `origin` names the file in errors. Throws ConfigError with one line
/// ("<origin>:<line>: ...") for malformed YAML, unknown plot types, unknown metrics, presets
/// listed in a *_defaults list but not defined, and wrong value types.
PlotConfig parse_plot_config(const std::string& yaml_text, const std::string& origin);

/// Resolves the config to use, as AIPerf does: `explicit_path` when given (must exist); else
/// <dir>/.aiperf-plot-config.yaml of the first of `run_dirs` that has one; else
/// ~/.aiperf/plot_config.yaml, created from the defaults when missing (falls back to the
/// built-in defaults when it cannot be written). `notice` receives the line to print.
PlotConfig load_plot_config(const std::optional<std::string>& explicit_path,
                            const std::vector<std::string>& run_dirs, std::string* notice);

}  // namespace aiperf::report
