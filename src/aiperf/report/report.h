// Report stage: reads finished runs (artifacts of spec §6 and §8.1) and turns them into plots
// (PNG and SVG through gnuplot), one self-contained HTML report (uPlot inlined), a comparison
// of runs, and a small HTTP server for `aiperf plot --dashboard`. Docs: docs/plots.md.
//
// Call order (`aiperf plot`):
//   auto infos = discover_runs(paths);                     // ConfigError: no runs, bad path
//   PlotConfig cfg = load_plot_config(config_path, dirs, &notice);  // ConfigError: bad YAML
//   std::vector<RunData> runs; for (i : infos) runs.push_back(load_run(i, opts));
//   FigureSet set = build_figures(runs, cfg);               // single- or multi-run by count
//   render_images(set.figures, out_dir, theme, formats);    // gnuplot, one process per figure
//   write_html_report(out_dir/"report.html", runs, set, html_options);
//
// Threading: nothing here is shared; every function may run on any thread (the dashboard
// server runs its own). Errors: ConfigError (exit 2) for bad paths, configs and run
// directories; InputError (exit 2) for unreadable artifacts; std::runtime_error otherwise.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/report/figure.h"
#include "aiperf/report/plot_config.h"
#include "aiperf/report/run_data.h"

namespace aiperf::report {

// ------------------------------------------------------------------ finding and loading runs
/// Every run under `paths` (globs expanded; a directory is searched recursively for
/// profile_export_aiperf.json), in argument order then path order. Throws ConfigError for a
/// path that does not exist or holds no run (one line naming the path and the fix).
std::vector<RunInfo> discover_runs(const std::vector<std::string>& paths);

struct LoadOptions {
  bool records = true;  // read profile_export.jsonl when present
  RecordsOptions records_options;
  /// Exact files instead of the default names in the run directory (a run written with
  /// --profile-export-prefix); empty = <dir>/profile_export_aiperf.json,
  /// <dir>/profile_export.jsonl, <dir>/profile_export_aiperf_timeslices.json,
  /// <dir>/gpu_telemetry_export.jsonl.
  std::string summary_path, records_path, timeslices_path, gpu_telemetry_path;
  /// The records' columns as the run collected them while it wrote profile_export.jsonl (moved
  /// from; used instead of reading the file back); null: read the file.
  RequestColumns* requests = nullptr;
};
RunData load_run(const RunInfo& info, const LoadOptions& opts = {});

/// The per-request columns the built-in plots and the HTML report use.
std::vector<std::string> default_record_columns();

// ------------------------------------------------------------------ figures
struct FigureSet {
  bool multi_run = false;
  std::vector<Figure> figures;
  std::vector<std::string> skipped;  // "<plot>: <why>" for presets whose data is missing
};

/// One run: the config's single-run presets; several: its multi-run presets.
FigureSet build_figures(const std::vector<RunData>& runs, const PlotConfig& cfg);
FigureSet build_single_run_figures(const RunData& run, const std::vector<PlotSpec>& specs);
FigureSet build_multi_run_figures(const std::vector<RunData>& runs,
                                  const std::vector<PlotSpec>& specs,
                                  const std::optional<ExperimentClassification>& classes);

/// Time series of several runs drawn over each other (TTFT, ITL and latency against time
/// since each run's start): the HTML report's "runs overlaid" section and `compare`'s charts.
std::vector<Figure> overlay_figures(const std::vector<const RunData*>& runs);

// ------------------------------------------------------------------ images (gnuplot)
struct ImageOptions {
  bool png = true;
  bool svg = true;
  int width = 1280, height = 720;  // pixels (PNG); SVG uses the same size in points
  Theme theme;
  size_t max_points = 8000;  // per series, for drawing only (PNG and SVG)
  int jobs = 0;              // gnuplot processes at once; 0 = number of cores
};
/// Writes <out_dir>/<figure.name>.png (and .svg). Returns the files written. Throws
/// std::runtime_error naming gnuplot when it is missing or fails.
std::vector<std::string> render_images(const std::vector<Figure>& figures,
                                       const std::string& out_dir, const ImageOptions& opts);
/// The gnuplot script for one figure (pure; exposed for tests).
std::string gnuplot_script(const Figure& f, const ImageOptions& opts, const std::string& png_path,
                           const std::string& svg_path);

// ------------------------------------------------------------------ HTML report
struct HtmlOptions {
  Theme theme;
  std::string title;               // page title; empty = derived from the runs
  size_t max_points = 4000;        // per series, for drawing only (docs/plots.md: the size budget)
  bool live_reload = false;        // served by the dashboard: poll /api/version and reload
  int version = 0;                 // the served run set's version (live_reload)
  std::vector<std::string> notes;  // lines shown at the top (e.g. skipped plots)
  const struct Comparison* comparison = nullptr;  // `compare`: its table goes first
};
/// The whole self-contained report (inline CSS, data, uPlot and our script; no URL of any
/// kind is fetched when it is opened).
std::string render_html_report(const std::vector<RunData>& runs, const FigureSet& set,
                               const HtmlOptions& opts);
void write_html_report(const std::string& path, const std::vector<RunData>& runs,
                       const FigureSet& set, const HtmlOptions& opts);

// ------------------------------------------------------------------ comparison
struct CompareRow {
  std::string tag, stat, header, unit;
  bool larger_is_better = false;
  std::vector<std::optional<double>> values;           // one per side (side 0 = the baseline)
  std::vector<std::optional<double>> ci_low, ci_high;  // per side, when it has repeats
  std::vector<std::optional<double>> change_pct;       // vs the baseline; nullopt for side 0
  /// Per side: "outside" (confidence intervals do not overlap), "within" (they overlap), ""
  /// (a side has no repeats, so the noise is unknown).
  std::vector<std::string> noise;
  std::vector<bool> regression;  // worse than the baseline past the threshold
};
struct Comparison {
  std::vector<std::string> run_names;  // one per side
  std::vector<int> repeats;            // runs per side (1 = no repeats)
  std::vector<CompareRow> rows;
  std::optional<double> threshold_pct;
  double confidence_level = 0.95;
  bool any_regression = false;
};
/// One side of a comparison: a run, or the repeats of one study cell.
struct CompareSide {
  std::string name;
  std::vector<RunData> runs;
};
/// Compares sides[1..] with sides[0] on the key metrics. A side with several runs is their
/// mean, with a Student-t confidence interval (spec §8.1). A change is a regression when it is
/// in the metric's bad direction (catalog LARGER_IS_BETTER flag) by more than `threshold_pct`
/// and not inside the noise (overlapping intervals, when both sides have repeats).
Comparison compare_sides(const std::vector<CompareSide>& sides,
                         std::optional<double> threshold_pct);
std::string render_comparison_text(const Comparison& c);

// ------------------------------------------------------------------ dashboard server
struct ServeOptions {
  std::string host = "127.0.0.1";
  int port = 8050;
  std::function<bool()> should_stop;                     // polled a few times a second
  std::function<void(const std::string&)> on_listening;  // gets the URL
};
/// Serves the report of the runs under `paths` at http://host:port/ until should_stop();
/// rescans the paths on every page load and tells open pages (/api/version) when the set of
/// runs changed. Throws ConfigError when the address cannot be bound.
void serve_dashboard(const std::vector<std::string>& paths, const PlotConfig& cfg,
                     const HtmlOptions& html, const ServeOptions& opts);

}  // namespace aiperf::report
