// What `aiperf profile` attaches to a run (run/run.h RunObserver): the terminal dashboard
// (--ui dashboard) and the end-of-run report (the HTML report, and the plots of
// --generate-plots). docs/dashboard.md, docs/plots.md.
#pragma once
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "aiperf/report/plot_config.h"
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

/// Writes <artifact dir>/report.html after every run and, with --generate-plots, the plots into
/// <artifact dir>/plots. The plot configuration is read before the run starts, so a malformed
/// one is a usage error (exit 2) before any connection.
class ReportObserver : public run::RunObserver {
 public:
  explicit ReportObserver(const config::Config& cfg);
  void on_prepared(const run::RunSetup& setup) override;
  void on_results(const run::RunOutcome& out, run::ResultSections& sections) override;
  void on_finished(const run::RunOutcome& out) override;

 private:
  bool plots_;
  std::optional<report::PlotConfig> plot_cfg_;
  std::string html_path_, plots_dir_;
};

/// A study (repeated runs, a sweep, a capacity search: study/study.h), then its report:
/// <artifact dir>/report.html over every run it wrote, and with --generate-plots the multi-run
/// plots in <artifact dir>/plots (the plot configuration is checked before the study starts).
/// Returns the study's exit code.
/// `runner` runs the study (default: study::run_study_cli; a config file's sweep brings its own).
int run_study_with_report(const config::Config& cfg, const study::StudyOptions& opts,
                          const std::function<int(const study::StudyOptions&)>& runner = {});

}  // namespace aiperf::cli
