// The telemetry session of one run (telemetry.h): options, the profiling window, results.
#include "aiperf/telemetry/telemetry.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "aiperf/common/clock.h"
#include "aiperf/common/env.h"
#include "aiperf/transport/url.h"

namespace aiperf::telemetry {

namespace {

/// An AIPERF_ number of seconds (common/env.h: already checked at start-up, so a bad value
/// never reaches here).
double env_seconds(const char* name, double def) {
  return env::number(name, def);
}

int64_t to_ns(double s) {
  return int64_t(s * 1e9);
}

constexpr int64_t kBoundaryScrapeNs = 1'500'000'000;  // most a boundary scrape waits

std::string gpu_count_suffix(int n) {
  std::string s = "(";  // appended piece by piece: g++ 12 -O2 warns (-Wrestrict) on the + chain
  s += std::to_string(n);
  s += n == 1 ? " GPU)" : " GPUs)";
  return s;
}

/// AIPERF_GPU_DEFAULT_DCGM_ENDPOINTS (a comma list, brackets and quotes tolerated) or DCGM
/// exporter's two usual ports.
void add_default_dcgm_urls(TelemetryOptions* o) {
  std::string defaults = "http://localhost:9400/metrics,http://localhost:9401/metrics";
  if (auto e = env::raw("AIPERF_GPU_DEFAULT_DCGM_ENDPOINTS")) defaults = *e;
  size_t p = 0;
  while (p <= defaults.size()) {
    size_t c = defaults.find(',', p);
    std::string item = defaults.substr(p, c == std::string::npos ? std::string::npos : c - p);
    p = c == std::string::npos ? defaults.size() + 1 : c + 1;
    item.erase(
        std::remove_if(
            item.begin(), item.end(),
            [](char ch) { return ch == ' ' || ch == '[' || ch == ']' || ch == '"' || ch == '\''; }),
        item.end());
    if (item.empty()) continue;
    std::string u = normalize_metrics_url(item, nullptr);
    if (!u.empty()) {
      o->dcgm_urls.push_back(u);
      o->dcgm_user_given.push_back(false);
    }
  }
}

}  // namespace

TelemetryOptions options_from_config(const config::Config& cfg) {
  TelemetryOptions o;
  o.insecure = cfg.tls_insecure;
  o.server_metrics = cfg.server_metrics_enabled;
  auto add_server = [&](const std::string& u, bool derived) {
    auto it = std::find(o.server_urls.begin(), o.server_urls.end(), u);
    if (it == o.server_urls.end()) {
      o.server_urls.push_back(u);
      o.server_url_derived.push_back(derived);
    } else if (!derived) {
      o.server_url_derived[size_t(it - o.server_urls.begin())] = false;  // asked for: warn
    }
  };
  for (const std::string& base : cfg.urls) {
    auto u = transport::parse_url(base);
    if (!u) continue;
    u->path = "/metrics";
    u->query.clear();
    u->fragment.clear();
    add_server(u->to_string(), true);
  }
  for (const std::string& u : cfg.server_metrics_urls) add_server(u, false);
  o.json = cfg.has_server_metrics_format("json");
  o.csv = cfg.has_server_metrics_format("csv");
  o.jsonl = cfg.has_server_metrics_format("jsonl");
  o.parquet = cfg.has_server_metrics_format("parquet");

  o.gpu = cfg.gpu_telemetry_enabled;
  o.gpu_console = cfg.gpu_telemetry_console;
  o.nvml = cfg.gpu_telemetry_nvml;
  o.custom_csvs = cfg.gpu_telemetry_metrics_files;
  if (!o.nvml) add_default_dcgm_urls(&o);
  for (const std::string& u : cfg.gpu_telemetry_urls) {
    auto it = std::find(o.dcgm_urls.begin(), o.dcgm_urls.end(), u);
    if (it != o.dcgm_urls.end()) {
      o.dcgm_user_given[size_t(it - o.dcgm_urls.begin())] = true;
    } else {
      o.dcgm_urls.push_back(u);
      o.dcgm_user_given.push_back(true);
    }
  }
  o.server_interval_s = env_seconds("AIPERF_SERVER_METRICS_COLLECTION_INTERVAL", 0.333);
  o.slice_s = cfg.slice_duration_s.value_or(0.0);
  o.flush_s = env_seconds("AIPERF_SERVER_METRICS_COLLECTION_FLUSH_PERIOD", 2.0);
  o.server_timeout_s = env_seconds("AIPERF_SERVER_METRICS_REACHABILITY_TIMEOUT", 10.0);
  o.gpu_interval_s = env_seconds("AIPERF_GPU_COLLECTION_INTERVAL", 0.333);
  o.gpu_timeout_s = env_seconds("AIPERF_GPU_REACHABILITY_TIMEOUT", 10.0);
  return o;
}

TelemetrySession::TelemetrySession(const config::Config& cfg, const exporter::ArtifactPaths& paths)
    : TelemetrySession(options_from_config(cfg), paths) {}

TelemetrySession::TelemetrySession(TelemetryOptions opts, const exporter::ArtifactPaths& paths)
    : opts_(std::move(opts)), paths_(paths) {
  if (opts_.server_metrics && !opts_.server_urls.empty()) {
    ServerMetricsSettings s;
    s.urls = opts_.server_urls;
    s.derived = opts_.server_url_derived;
    s.interval_ns = to_ns(opts_.server_interval_s);
    s.scrape.connect_timeout_ms = int64_t(opts_.server_timeout_s * 1000);
    s.scrape.io_timeout_ms = int64_t(opts_.server_timeout_s * 1000);
    s.scrape.insecure = opts_.insecure;
    if (opts_.jsonl) s.jsonl_path = paths_.server_metrics_jsonl;
    server_ = std::make_unique<ServerMetricsCollector>(std::move(s));
  }
  if (opts_.gpu && (opts_.nvml || !opts_.dcgm_urls.empty())) {
    GpuSettings g;
    g.dcgm_urls = opts_.dcgm_urls;
    g.dcgm_user_given = opts_.dcgm_user_given;
    g.nvml = opts_.nvml;
    g.nvml_library = opts_.nvml_library;
    g.custom_csvs = opts_.custom_csvs;
    g.interval_ns = to_ns(opts_.gpu_interval_s);
    g.scrape.connect_timeout_ms = int64_t(opts_.gpu_timeout_s * 1000);
    g.scrape.io_timeout_ms = int64_t(opts_.gpu_timeout_s * 1000);
    g.scrape.insecure = opts_.insecure;
    g.jsonl_path = paths_.gpu_telemetry_jsonl;
    gpu_ = std::make_unique<GpuCollector>(std::move(g));
  }
}

TelemetrySession::~TelemetrySession() {
  if (server_) server_->stop();
  if (gpu_) gpu_->stop();
}

void TelemetrySession::start() {
  if (started_) return;
  started_ = true;
  if (server_) server_->start();
  if (gpu_) gpu_->start();
  boundary_scrape();
}

void TelemetrySession::boundary_scrape() {
  if (!started_) return;
  const int64_t deadline = mono_ns() + kBoundaryScrapeNs;
  std::vector<uint64_t> st, gt;
  if (server_) st = server_->request_all();
  if (gpu_) gt = gpu_->request_all();
  if (server_) server_->wait_all(st, deadline);
  if (gpu_) gpu_->wait_all(gt, deadline);
}

void TelemetrySession::open_window(int64_t start_mono_ns, int64_t start_wall_ns) {
  start_mono_ = start_mono_ns;
  start_wall_ = start_wall_ns;
}

void TelemetrySession::close_window(int64_t end_mono_ns, int64_t end_wall_ns) {
  end_called_mono_ = end_mono_ns;
  end_wall_ = end_wall_ns;
  boundary_scrape();
  end_mono_ = std::max(end_mono_ns, mono_ns());
}

void TelemetrySession::finish() {
  if (finished_) return;
  finished_ = true;
  if (!started_) return;
  if (server_ && end_called_mono_ && opts_.jsonl) {
    // AIPerf keeps scraping for the flush period after profiling ends. The statistics end on the
    // closing scrape, so only the JSONL time series gains from it: without JSONL the run does
    // not wait (docs/differences.md).
    int64_t until = end_called_mono_ + to_ns(opts_.flush_s);
    int64_t left = until - mono_ns();
    if (left > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(left));
  }
  if (server_) server_->stop();
  if (gpu_) gpu_->stop();
}

LiveTelemetry TelemetrySession::live() {
  LiveTelemetry l;
  if (server_) l.server = server_->live_lines();
  if (gpu_) l.gpus = gpu_->live_lines();
  return l;
}

TelemetryResults TelemetrySession::results(const ClientSide& client) const {
  TelemetryResults r;
  if (!start_mono_ || !end_mono_) return r;  // the profiling phase never ran
  Window w{start_mono_, end_mono_};
  if (server_) {
    r.server = server_->report(w, start_wall_, end_wall_, opts_.slice_s);
    r.families = detect_families(*r.server);
    r.checks = cross_checks(*r.server, r.families, client.figures);
  }
  if (gpu_) {
    GpuReport g =
        gpu_->report(w, end_called_mono_ ? end_called_mono_ : end_mono_, start_wall_, end_wall_);
    if (!g.endpoints_successful.empty()) r.gpu = std::move(g);
  }
  if (!r.gpu) return r;
  const GpuReport& g = *r.gpu;
  if (g.total_power_w) {
    r.extra_metrics.push_back({"total_gpu_power",
                               "Total GPU Power " + gpu_count_suffix(g.power_gpus), "W",
                               *g.total_power_w});
  }
  if (g.total_energy_j) {
    const std::string suffix = gpu_count_suffix(g.energy_gpus);
    double e = *g.total_energy_j;
    r.extra_metrics.push_back({"total_gpu_energy", "Total GPU Energy " + suffix, "J", e});
    if (client.total_output_tokens && e > 0) {
      r.extra_metrics.push_back({"output_tokens_per_joule", "Output Tokens per Joule " + suffix,
                                 "tokens/J", *client.total_output_tokens / e});
    }
    if (client.concurrency && *client.concurrency > 0) {
      r.extra_metrics.push_back({"energy_per_user", "Energy per User " + suffix, "J/user",
                                 e / double(*client.concurrency)});
    }
    if (!g.energy_covers_window) {
      r.notes.push_back(
          "GPU energy: the energy counter has no reading before and after the profiling window "
          "on every GPU; energy per token is not given");
    } else if (client.total_output_tokens && *client.total_output_tokens > 0) {
      r.extra_metrics.push_back({"energy_per_output_token", "Energy per Output Token " + suffix,
                                 "J/token", e / *client.total_output_tokens});
    }
  }
  if (g.total_power_w && *g.total_power_w > 0 && client.output_token_throughput) {
    r.extra_metrics.push_back({"output_tokens_per_second_per_watt",
                               "Output Tokens/s per Watt " + gpu_count_suffix(g.power_gpus),
                               "tokens/s/W", *client.output_token_throughput / *g.total_power_w});
  }
  return r;
}

}  // namespace aiperf::telemetry
