// Telemetry beside a run, through the run's observer hooks (telemetry.h, run/run.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "aiperf/common/clock.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/telemetry/telemetry.h"

namespace aiperf::telemetry {

namespace {

/// The benchmark_id the run wrote into profile_export_aiperf.json (server_metrics_export.json
/// carries the same one).
std::string read_benchmark_id(const std::string& summary_json) {
  std::ifstream f(summary_json);
  if (!f) return {};
  try {
    nlohmann::json j = nlohmann::json::parse(f);
    if (j.contains("benchmark_id") && j["benchmark_id"].is_string()) return j["benchmark_id"];
  } catch (const std::exception&) {
  }
  return {};
}

/// profile_export_aiperf.csv with the GPU efficiency metrics added to its system-metrics
/// section and the GPU section (spec §6.4 item 4) at the end.
void extend_summary_csv(const std::string& path, const TelemetryResults& r) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return;
  std::stringstream ss;
  ss << in.rdbuf();
  std::string csv = ss.str();
  std::string rows;
  for (const ExtraMetric& m : r.extra_metrics) {
    rows += "\"" + m.header + " (" + m.unit + ")\"," + fmt::format("{:.2f}", m.value) + "\r\n";
  }
  if (!rows.empty()) {
    if (csv.find("Metric,Value\r\n") == std::string::npos) {
      csv += (csv.empty() ? "" : "\r\n") + std::string("Metric,Value\r\n");
    }
    csv += rows;
  }
  csv += gpu_csv_section(r);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << csv;
}

}  // namespace

ClientSide client_side(const metrics::Results& results, const config::Config& cfg) {
  ClientSide c;
  if (const auto* osl = results.find("output_sequence_length"); osl && osl->distribution) {
    c.figures.output_tokens = osl->stats.sum;
  }
  if (results.valid_count > 0) c.figures.requests = double(results.valid_count);
  if (const auto* t = results.find("time_to_first_token"); t && t->distribution) {
    c.figures.ttft_avg_ms = t->stats.avg;
    c.figures.ttft_p50_ms = t->stats.p[4];
    c.figures.ttft_p99_ms = t->stats.p[8];
  }
  if (const auto* t = results.find("output_token_throughput")) c.output_token_throughput = t->value;
  if (const auto* t = results.find("total_output_tokens")) c.total_output_tokens = t->value;
  if (cfg.concurrency) c.concurrency = *cfg.concurrency;
  return c;
}

TelemetryObserver::TelemetryObserver(const config::Config& cfg) : cfg_(cfg) {}

TelemetryObserver::~TelemetryObserver() = default;

void TelemetryObserver::on_prepared(const run::RunSetup& setup) {
  session_ = std::make_unique<TelemetrySession>(cfg_, *setup.paths);
  if (live_) session_->enable_live();
  session_->start();
}

void TelemetryObserver::on_phase_start(record::Phase phase, int64_t start_mono_ns) {
  if (!session_ || phase != record::Phase::kProfiling) return;
  // The phase started at start_mono_ns; its wall time is derived from the same instant.
  start_wall_ = wall_ns() - (mono_ns() - start_mono_ns);
  session_->open_window(start_mono_ns, start_wall_);
}

void TelemetryObserver::on_phase_end(const run::PhaseWindow& w) {
  if (!session_) return;
  if (w.phase == record::Phase::kWarmup) {
    session_->boundary_scrape();  // every warmup token is counted now: the reference point
  } else if (w.phase == record::Phase::kProfiling) {
    session_->close_window(w.end_mono_ns, w.end_wall_ns);
  }
}

void TelemetryObserver::on_results(const run::RunOutcome& out, run::ResultSections& sections) {
  if (!session_) return;
  session_->finish();
  results_ = session_->results(client_side(out.results, cfg_));
  const TelemetryResults& r = *results_;
  if (auto j = telemetry_data_json(r); !j.is_null())
    sections.json.emplace_back("telemetry_data", j.dump());
  for (const ExtraMetric& m : r.extra_metrics) {
    nlohmann::ordered_json mj;
    mj["unit"] = m.unit;
    mj["avg"] = m.value;
    sections.json.emplace_back(m.tag, mj.dump());
  }
  if (auto j = cross_check_json(r); !j.is_null()) {
    sections.json.emplace_back("server_metrics_cross_check", j.dump());
  }
  std::string panel = render_console(r, session_->options().gpu_console);
  if (!panel.empty()) sections.console.push_back(std::move(panel));
  const TelemetryOptions& o = session_->options();
  const exporter::ArtifactPaths& p = out.paths;
  if (r.server && !r.server->endpoints_successful.empty()) {
    if (o.json) sections.files.emplace_back("Server Metrics JSON", p.server_metrics_json);
    if (o.csv) sections.files.emplace_back("Server Metrics CSV", p.server_metrics_csv);
    if (o.parquet) sections.files.emplace_back("Server Metrics Parquet", p.server_metrics_parquet);
  }
  for (auto& f : session_->streamed_files()) sections.files.push_back(std::move(f));
}

void TelemetryObserver::on_finished(const run::RunOutcome& out) {
  if (!session_ || !results_) return;
  ExportInfo info;
  info.aiperf_version = std::string(endpoint::kAiperfVersion);
  info.benchmark_id = read_benchmark_id(out.paths.summary_json);
  info.input_config = config::redacted_config_json(cfg_);
  info.model_names = cfg_.models;
  info.concurrency = cfg_.concurrency;
  info.request_rate = cfg_.request_rate;
  try {
    session_->write_exports(*results_, info);
    extend_summary_csv(out.paths.summary_csv, *results_);
  } catch (const std::exception& e) {
    spdlog::warn("telemetry exports: {}", e.what());
  }
}

}  // namespace aiperf::telemetry
