#include "aiperf/cli/run_observers.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/common/error.h"
#include "aiperf/config/user_files.h"
#include "aiperf/config/yaml_tree.h"
#include "aiperf/export/export.h"
#include "aiperf/report/report.h"
#include "aiperf/study/study.h"

namespace aiperf::cli {

namespace fs = std::filesystem;

namespace {

ui::DashboardOptions dashboard_options(const config::Config& cfg) {
  ui::DashboardOptions o;
  o.fd = STDOUT_FILENO;
  o.title =
      fmt::format("{} · {} · {}", cfg.models.empty() ? "" : cfg.models.front(),
                  config::to_string(cfg.endpoint_type), cfg.urls.empty() ? "" : cfg.urls.front());
  o.bottleneck_thread_util = exporter::kBottleneckThreadUtilization;
  o.bottleneck_lateness_p99_ms = exporter::kBottleneckLatenessP99Ms;
  return o;
}

std::optional<int64_t> ns_of(const metrics::RecordValues& v, metrics::MetricId id) {
  auto x = v.get(id);
  if (!x) return std::nullopt;
  return int64_t(*x);
}

}  // namespace

DashboardObserver::DashboardObserver(const config::Config& cfg) : dash_(dashboard_options(cfg)) {}

void DashboardObserver::on_phase_start(record::Phase phase, int64_t start_mono_ns) {
  dash_.start();
  ui::DashboardStatus s;
  s.phase = phase == record::Phase::kWarmup ? "warmup" : "profiling";
  s.phase_start_ns = start_mono_ns;
  dash_.update(s);
}

void DashboardObserver::on_tick(const run::LiveStatus& l) {
  ui::DashboardStatus s;
  s.phase = l.phase == record::Phase::kWarmup ? "warmup" : "profiling";
  s.completed = l.completed;
  s.errors = l.errors;
  s.total = l.total;
  s.issued = l.issued;
  s.in_flight = l.in_flight;
  s.duration_s = l.duration_s;
  s.phase_start_ns = l.phase_start_mono_ns;
  s.stopping = l.stopping;
  dash_.update(s);
  refresh_telemetry_panels();
}

void DashboardObserver::refresh_telemetry_panels() {
  const int64_t now = mono_ns();
  if (!telemetry_ || (panels_at_ns_ && now - panels_at_ns_ < 250'000'000)) return;
  panels_at_ns_ = now;
  telemetry::LiveTelemetry l = telemetry_->live();
  auto show = [&](const char* key, const char* title, std::vector<std::string>& lines) {
    if (lines.empty()) {
      dash_.remove_panel(key);
    } else {
      dash_.set_panel(key, {title, std::move(lines)});
    }
  };
  show("1-server", "Server metrics", l.server);
  show("2-gpu", "GPU telemetry", l.gpus);
}

void DashboardObserver::on_record(const record::ProcessedRecord& rec,
                                  const metrics::RecordValues& v) {
  using metrics::MetricId;
  ui::LiveSample s;
  s.now_ns = mono_ns();
  s.ttft_ns = ns_of(v, MetricId::kTimeToFirstToken);
  s.itl_ns = ns_of(v, MetricId::kInterTokenLatency);
  s.latency_ns = ns_of(v, MetricId::kRequestLatency);
  s.lateness_ns = ns_of(v, MetricId::kSendLateness);
  if (rec.error) {
    s.error = true;
    s.error_type = rec.error->code ? fmt::format("HTTP {}", *rec.error->code) : rec.error->type;
    if (rec.error->code && !rec.error->type.empty()) s.error_type += " " + rec.error->type;
  }
  dash_.live().add(s);
}

ReportObserver::ReportObserver(const config::Config& cfg) : cfg_(cfg), plots_(cfg.generate_plots) {}

report::PlotConfig plot_config_for(const config::Config& cfg, const std::string& dir) {
  if (!cfg.plot_config_yaml) return report::load_plot_config(std::nullopt, {}, nullptr);
  report::PlotConfig pc = report::parse_plot_config(*cfg.plot_config_yaml, cfg.plot_config_origin);
  // As AIPerf materializes its plot envelope: `aiperf plot <dir>` later draws the same plots.
  const fs::path receipt = fs::path(dir) / ".aiperf-plot-config.yaml";
  std::error_code ec;
  fs::create_directories(dir, ec);
  std::ofstream f(receipt, std::ios::binary | std::ios::trunc);
  f << "# The plot configuration of this run (the `plot:` section of " << cfg.plot_config_origin
    << "); `aiperf plot` reads it.\n"
    << config::emit_yaml(config::parse_yaml(*cfg.plot_config_yaml, cfg.plot_config_origin));
  if (!f.flush()) {
    std::fprintf(stderr, "aiperf: warning: cannot write %s\n", receipt.string().c_str());
  }
  return pc;
}

void ReportObserver::on_prepared(const run::RunSetup& setup) {
  html_path_ = (fs::path(setup.paths->dir) / "report.html").string();
  plots_dir_ = (fs::path(setup.paths->dir) / "plots").string();
  if (plots_) plot_cfg_ = plot_config_for(cfg_, setup.paths->dir);  // ConfigError → 2
  ctx_ = setup.ctx;
  if (ctx_ && exporter::writes_record_lines(cfg_)) {
    report::RecordsOptions ro;
    if (!plots_) ro.tags = report::default_record_columns();
    columns_.start(ro);
  }
}

void ReportObserver::on_record(const record::ProcessedRecord& rec,
                               const metrics::RecordValues& values) {
  if (!columns_.active() ||
      !exporter::JsonlWriter::line_values(rec, values, *ctx_, line_, columns_.wanted()))
    return;
  columns_.add(line_.start_wall_ns, line_.end_wall_ns, line_.error, line_.metrics);
}

void UserFilesObserver::on_prepared(const run::RunSetup& setup) {
  if (cfg_.user_files_json.empty()) return;
  config::UserFileRun run;
  run.epoch = std::to_string(::time(nullptr));
  std::error_code ec;
  const fs::path dir = fs::absolute(setup.paths->dir, ec).lexically_normal();
  run.artifact_dir = dir.string();
  run.job_name = (dir.has_filename() ? dir : dir.parent_path()).filename().string();
  try {
    for (const auto& w : config::write_user_files(cfg_, run)) {
      std::fprintf(stderr, "aiperf: warning: %s\n", w.c_str());
    }
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const ConfigError*>(&e)) throw;
    throw ConfigError(std::string("artifacts.user_files: ") + e.what());
  }
}

void ReportObserver::on_results(const run::RunOutcome&, run::ResultSections& sections) {
  sections.files.emplace_back("HTML Report", html_path_);
  if (plots_) sections.files.emplace_back("Plots", plots_dir_);
}

void ReportObserver::on_finished(const run::RunOutcome& out) {
  try {
    report::RunInfo info;
    info.dir = out.paths.dir;
    info.name = fs::path(out.paths.dir).lexically_normal().filename().string();
    if (info.name.empty()) info.name = fs::path(out.paths.dir).parent_path().filename().string();
    report::LoadOptions lo;
    lo.summary_path = out.paths.summary_json;
    lo.records_path = out.paths.records_jsonl;
    lo.timeslices_path = out.paths.timeslices_json;
    lo.gpu_telemetry_path = out.paths.gpu_telemetry_jsonl;
    if (!plots_) lo.records_options.tags = report::default_record_columns();
    if (columns_.active()) lo.requests = &columns_.columns();
    std::vector<report::RunData> runs{report::load_run(info, lo)};
    report::PlotConfig cfg =
        plot_cfg_ ? *plot_cfg_
                  : report::parse_plot_config(report::default_plot_config_yaml(), "built-in");
    report::FigureSet set = report::build_single_run_figures(runs.front(), cfg.single_run);
    report::write_html_report(html_path_, runs, set, report::HtmlOptions{});
    if (plots_) report::render_images(set.figures, plots_dir_, report::ImageOptions{});
  } catch (const std::exception& e) {
    failed_ = true;
    std::fprintf(stderr, "aiperf: %s: the report was not completed: %s\n",
                 plots_ && cfg_.plot_required ? "error" : "warning", e.what());
  }
}

int run_study_with_report(const config::Config& cfg, const study::StudyOptions& opts,
                          const std::function<int(const study::StudyOptions&)>& runner) {
  std::optional<report::PlotConfig> plots;
  if (cfg.generate_plots) {
    try {
      plots = plot_config_for(cfg, cfg.artifact_dir);
    } catch (const ConfigError& e) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      return kExitUsage;
    }
  }
  const int rc = runner ? runner(opts) : study::run_study_cli(cfg, opts);
  if (rc == kExitUsage) return rc;
  try {
    std::vector<report::RunData> runs;
    report::LoadOptions lo;
    lo.records_options.tags = report::default_record_columns();
    for (const auto& info : report::discover_runs({cfg.artifact_dir})) {
      runs.push_back(report::load_run(info, lo));
    }
    const report::PlotConfig pc =
        plots ? *plots : report::parse_plot_config(report::default_plot_config_yaml(), "built-in");
    report::FigureSet set = report::build_figures(runs, pc);
    report::HtmlOptions ho;
    ho.title = "AIPerf study: " + fs::path(cfg.artifact_dir).lexically_normal().filename().string();
    const std::string html = (fs::path(cfg.artifact_dir) / "report.html").string();
    report::write_html_report(html, runs, set, ho);
    std::printf("HTML Report: %s\n", html.c_str());
    if (plots) {
      const std::string dir = (fs::path(cfg.artifact_dir) / "plots").string();
      report::render_images(set.figures, dir, report::ImageOptions{});
      std::printf("Plots: %s\n", dir.c_str());
    }
  } catch (const std::exception& e) {
    const bool fatal = plots && cfg.plot_required;
    std::fprintf(stderr, "aiperf: %s: the study's report was not written: %s\n",
                 fatal ? "error" : "warning", e.what());
    if (fatal && rc == 0) return kExitBenchmarkFailed;
  }
  return rc;
}

}  // namespace aiperf::cli
