// What `aiperf profile` attaches to a run (run/run.h RunObserver): the terminal dashboard
// (--ui dashboard) and the end-of-run report (the HTML report, and the plots of
// --generate-plots). docs/dashboard.md, docs/plots.md.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aiperf/export/export.h"
#include "aiperf/report/plot_config.h"
#include "aiperf/report/run_data.h"
#include "aiperf/run/run.h"
#include "aiperf/study/study.h"
#include "aiperf/telemetry/telemetry.h"
#include "aiperf/ui/dashboard.h"

namespace aiperf::cli {

/// Feeds the dashboard: status on every tick (main thread), one live sample per record (record
/// pipeline thread). The view appears when the profiling or warmup phase starts and leaves the
/// screen before the console report is printed.
class DashboardObserver : public run::RunObserver {
 public:
  explicit DashboardObserver(const config::Config& cfg);
  /// Why the terminal cannot show the dashboard ("" when it can).
  std::string unusable() const { return dash_.unusable(); }
  /// The view, for panels of other features (server metrics, GPU telemetry): set_panel().
  ui::Dashboard& view() { return dash_; }
  /// Gives the terminal back (before an error message is printed, for one).
  void stop() { dash_.stop(); }
  /// Shows the server-metrics and GPU panels from `t`'s latest scrapes (refreshed 4 times a
  /// second, on the run's thread).
  void show_telemetry(telemetry::TelemetryObserver* t) {
    telemetry_ = t;
    t->enable_live();
  }

  void on_phase_start(record::Phase phase, int64_t start_mono_ns) override;
  void on_tick(const run::LiveStatus& s) override;
  void on_record(const record::ProcessedRecord& rec, const metrics::RecordValues& v) override;
  void on_results(const run::RunOutcome&, run::ResultSections&) override { dash_.stop(); }

 private:
  void refresh_telemetry_panels();

  ui::Dashboard dash_;
  telemetry::TelemetryObserver* telemetry_ = nullptr;
  int64_t panels_at_ns_ = 0;
};

/// Writes <artifact dir>/report.html after every run and, with --auto-plot, the plots into
/// <artifact dir>/plots. The plot configuration (a config file's `plot:` section, else the
/// user's) is read before the run starts, so a malformed one is a usage error (exit 2) before
/// any connection; a `plot:` section is also written beside the run as .aiperf-plot-config.yaml
/// (`aiperf plot <dir>` uses it).
class ReportObserver : public run::RunObserver {
 public:
  explicit ReportObserver(const config::Config& cfg);
  void on_prepared(const run::RunSetup& setup) override;
  /// Keeps the columns the report plots from each record profile_export.jsonl gets, so that the
  /// report does not read the file back (~20k instructions a line) when the run ends.
  void on_record(const record::ProcessedRecord& rec, const metrics::RecordValues& values) override;
  void on_results(const run::RunOutcome& out, run::ResultSections& sections) override;
  void on_finished(const run::RunOutcome& out) override;
  /// The plots (or the report) could not be drawn; with --plot-required the run fails.
  bool failed() const { return failed_; }

 private:
  const config::Config& cfg_;
  bool plots_;
  bool failed_ = false;
  const metrics::RunContext* ctx_ = nullptr;
  report::RecordColumnsBuilder columns_;  // active when the run writes profile_export.jsonl
  exporter::LineValues line_;             // reused between records
  std::optional<report::PlotConfig> plot_cfg_;
  std::string html_path_, plots_dir_;
};

/// Writes a config file's `artifacts.user_files` into the run's directory before the run starts
/// (config/user_files.h); a file that cannot be rendered or written is a usage error (exit 2).
class UserFilesObserver : public run::RunObserver {
 public:
  explicit UserFilesObserver(const config::Config& cfg) : cfg_(cfg) {}
  void on_prepared(const run::RunSetup& setup) override;

 private:
  config::Config cfg_;  // a copy: a study's Config of one run may go before the run ends
};

/// The plot configuration a run or study draws with: the config file's `plot:` section (then
/// also written to <dir>/.aiperf-plot-config.yaml), else load_plot_config's choice. Throws
/// ConfigError for a malformed one.
report::PlotConfig plot_config_for(const config::Config& cfg, const std::string& dir);

/// A study (repeated runs, a sweep, a capacity search: study/study.h), then its report:
/// <artifact dir>/report.html over every run it wrote, and with --generate-plots the multi-run
/// plots in <artifact dir>/plots (the plot configuration is checked before the study starts).
/// Returns the study's exit code.
/// `runner` runs the study (default: study::run_study_cli; a config file's sweep brings its own).
int run_study_with_report(const config::Config& cfg, const study::StudyOptions& opts,
                          const std::function<int(const study::StudyOptions&)>& runner = {});

}  // namespace aiperf::cli
