// Telemetry stage (spec §7): the server's own Prometheus metrics and the GPUs' (DCGM exporters or
// NVML), scraped on threads of their own during a run, summarized over the profiling window, set
// beside the client's figures, and exported.
//
// One run (TelemetryObserver does this through the run's observer hooks, run/run.h):
//   TelemetrySession t(cfg, paths);   // reads custom metric CSVs; throws InputError
//   t.start();                        // before any request: threads, one scrape of everything
//   t.boundary_scrape();              // after the warmup phase (all its tokens counted)
//   t.open_window(start);             // the profiling phase starts
//   t.close_window(end);              // it ended: one more scrape, then the window closes
//   t.finish();                       // the flush period, then the threads stop
//   TelemetryResults r = t.results(client_side);
//   t.write_exports(r, info);         // server_metrics_export.*; the JSONLs were streamed
//   ... render_console(r), telemetry_data_json(r), gpu_csv_section(r), r.extra_metrics
//
// The profiling window's reference point is the last scrape before the phase started: taken at
// start() or after the warmup, it reflects no profiling request and every warmup token, so
// counter increases over the window are the profiling phase's exactly.
//
// Threading: every call from the run's thread. Scraping never touches the I/O workers' loops.
// Failures are never fatal: an endpoint that cannot be read is one line and is left out.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/config/config.h"
#include "aiperf/export/export.h"
#include "aiperf/run/run.h"
#include "aiperf/telemetry/gpu_collector.h"
#include "aiperf/telemetry/server_family.h"
#include "aiperf/telemetry/server_metrics.h"

namespace aiperf::telemetry {

/// Collection settings; AIPerf's environment variables override the defaults:
/// AIPERF_SERVER_METRICS_COLLECTION_INTERVAL (s, 0.333),
/// AIPERF_SERVER_METRICS_COLLECTION_FLUSH_PERIOD (s, 2.0),
/// AIPERF_SERVER_METRICS_REACHABILITY_TIMEOUT (s, 10), AIPERF_GPU_COLLECTION_INTERVAL (s, 0.333),
/// AIPERF_GPU_REACHABILITY_TIMEOUT (s, 10), AIPERF_GPU_DEFAULT_DCGM_ENDPOINTS (comma list).
struct TelemetryOptions {
  bool server_metrics = true;
  std::vector<std::string> server_urls;  // <each --url base>/metrics, then --server-metrics
  std::vector<bool> server_url_derived;  // per server_urls: from --url (not --server-metrics)
  bool json = true, csv = true, jsonl = false, parquet = false;
  bool gpu = true;
  bool gpu_console = false;
  bool nvml = false;
  std::string nvml_library = "libnvidia-ml.so.1";
  std::vector<std::string> dcgm_urls;  // defaults, then --gpu-telemetry URLs
  std::vector<bool> dcgm_user_given;
  std::vector<std::string> custom_csvs;
  double server_interval_s = 0.333, flush_s = 2.0, server_timeout_s = 10.0;
  double gpu_interval_s = 0.333, gpu_timeout_s = 10.0;
  double slice_s = 0;  // --slice-duration: server-metric time slices (0: none)
  bool insecure = false;
};
TelemetryOptions options_from_config(const config::Config& cfg);

/// The client's side, for the cross-checks and the GPU efficiency figures.
struct ClientSide {
  ClientFigures figures;
  std::optional<double> output_token_throughput;  // tokens/s (profiling)
  std::optional<double> total_output_tokens;      // AIPerf's total_output_tokens
  std::optional<int64_t> concurrency;             // profiling phase concurrency
};

/// A derived metric for profile_export_aiperf.json / .csv and the console (spec §2.5
/// "GPU power efficiency" plus our energy per token and tokens/s per watt).
struct ExtraMetric {
  std::string tag, header, unit;
  double value = 0;
};

struct TelemetryResults {
  std::optional<ServerMetricsReport> server;  // nullopt: server metrics off
  std::vector<ServerFamily> families;
  std::vector<CrossCheck> checks;
  std::optional<GpuReport> gpu;  // nullopt: GPU telemetry off or no GPU data
  std::vector<ExtraMetric> extra_metrics;
  std::vector<std::string> notes;  // one-line remarks for the console (e.g. energy not covered)
};

/// Info shared with profile_export_aiperf.json.
struct ExportInfo {
  std::string aiperf_version;
  std::string benchmark_id;
  nlohmann::json input_config;  // redacted config body
  // For server_metrics_export.parquet's metadata:
  std::vector<std::string> model_names;
  std::optional<int64_t> concurrency;
  std::optional<double> request_rate;
};

/// What the latest scrapes said, for a live view during the run.
struct LiveTelemetry {
  std::vector<std::string> server;  // per server family found (server_family.h live_lines)
  std::vector<std::string> gpus;    // per GPU (GpuCollector::live_lines)
};

class TelemetrySession {
 public:
  TelemetrySession(const config::Config& cfg, const exporter::ArtifactPaths& paths);
  TelemetrySession(TelemetryOptions opts, const exporter::ArtifactPaths& paths);
  ~TelemetrySession();

  void start();
  /// One scrape of every live endpoint, waited for (bounded).
  void boundary_scrape();
  void open_window(int64_t start_mono_ns, int64_t start_wall_ns);
  void close_window(int64_t end_mono_ns, int64_t end_wall_ns);
  void finish();
  TelemetryResults results(const ClientSide& client) const;
  /// Writes server_metrics_export.json / .csv / .parquet per the formats (when some endpoint
  /// answered); returns their (label, path). Throws std::runtime_error naming a file it cannot
  /// write.
  std::vector<std::pair<std::string, std::string>> write_exports(const TelemetryResults& r,
                                                                 const ExportInfo& info) const;
  /// (label, path) of the JSONL files streamed during the run (after finish()).
  std::vector<std::pair<std::string, std::string>> streamed_files() const;
  const TelemetryOptions& options() const { return opts_; }
  /// Keeps the server lines of live() up to date (call before start()).
  void enable_live() {
    if (server_) server_->enable_live();
  }
  /// The latest scrapes in a few lines.
  LiveTelemetry live();

 private:
  TelemetryOptions opts_;
  exporter::ArtifactPaths paths_;
  std::unique_ptr<ServerMetricsCollector> server_;
  std::unique_ptr<GpuCollector> gpu_;
  int64_t start_mono_ = 0, end_mono_ = 0, start_wall_ = 0, end_wall_ = 0;
  int64_t end_called_mono_ = 0;
  bool started_ = false, finished_ = false;
};

/// The run observer that runs a TelemetrySession beside a benchmark: started when the run is
/// prepared, a boundary scrape after the warmup, the window opened and closed with the profiling
/// phase; on_results adds the console panels, the profile_export_aiperf.json sections
/// (telemetry_data, the GPU efficiency metrics, server_metrics_cross_check) and the file list;
/// on_finished writes server_metrics_export.json / .csv (with the run's benchmark_id) and
/// appends the GPU rows to profile_export_aiperf.csv.
class TelemetryObserver : public run::RunObserver {
 public:
  explicit TelemetryObserver(const config::Config& cfg);
  ~TelemetryObserver() override;
  void on_prepared(const run::RunSetup& setup) override;
  void on_phase_start(record::Phase phase, int64_t start_mono_ns) override;
  void on_phase_end(const run::PhaseWindow& w) override;
  void on_results(const run::RunOutcome& out, run::ResultSections& sections) override;
  void on_finished(const run::RunOutcome& out) override;
  /// For the dashboard (the run's thread, like the hooks): TelemetrySession::live(), kept up
  /// to date from the first scrape once enable_live() was called before the run.
  void enable_live() { live_ = true; }
  LiveTelemetry live() { return session_ ? session_->live() : LiveTelemetry{}; }

 private:
  const config::Config& cfg_;
  std::unique_ptr<TelemetrySession> session_;
  std::optional<TelemetryResults> results_;
  int64_t start_wall_ = 0;
  bool live_ = false;
};

/// The client's figures for the cross-checks, from a run's results.
ClientSide client_side(const metrics::Results& results, const config::Config& cfg);

// ------------------------------------------------------------------ renderings
/// The console part: per detected server family its panel, the server-vs-client table, and
/// (when --gpu-telemetry was given) the GPU table per GPU. Empty when there is nothing to say.
std::string render_console(const TelemetryResults& r, bool gpu_table);
/// profile_export_aiperf.json "telemetry_data" (spec §6.3); null when there is no GPU data.
nlohmann::ordered_json telemetry_data_json(const TelemetryResults& r);
/// Our "server_metrics_cross_check" extension for profile_export_aiperf.json; null when empty.
nlohmann::ordered_json cross_check_json(const TelemetryResults& r);
/// The GPU section of profile_export_aiperf.csv (spec §6.4 item 4), including its two leading
/// blank rows and header; "" when there is no GPU data.
std::string gpu_csv_section(const TelemetryResults& r);
/// server_metrics_export.json / .csv content (spec §7.2; AIPerf's schema 1.0).
std::string render_server_metrics_json(const ServerMetricsReport& rep,
                                       const std::vector<CrossCheck>& checks,
                                       const ExportInfo& info);
std::string render_server_metrics_csv(const ServerMetricsReport& rep, const ExportInfo& info);

}  // namespace aiperf::telemetry
