// Server metrics (spec §7.2): every configured Prometheus endpoint scraped on its own thread into
// an EndpointStore, optionally streamed to server_metrics_export.jsonl, and summarized over the
// profiling window into per-series statistics for server_metrics_export.json / .csv.
//
// Threading: start / scrape_all_now / stop from the run's thread; each endpoint's store is
// written by its own thread and read by report() after stop().
#pragma once
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/telemetry/endpoint_scraper.h"
#include "aiperf/telemetry/series_stats.h"
#include "aiperf/telemetry/series_store.h"

namespace aiperf::telemetry {

/// Appends lines to a JSONL file from several threads (one fwrite per line under a mutex).
class JsonlFile {
 public:
  explicit JsonlFile(const std::string& path);  // throws std::runtime_error naming the path
  ~JsonlFile();
  void write_line(const std::string& line);  // `line` without the newline
  void close();
  const std::string& path() const { return path_; }

 private:
  std::mutex mu_;
  std::unique_ptr<char[]> buf_;  // the stdio buffer (glibc ignores setvbuf's size without one)
  std::FILE* f_ = nullptr;
  std::string path_;
};

struct ServerMetricsSettings {
  std::vector<std::string> urls;  // normalized, deduplicated
  /// Per URL: derived from --url (quiet when the server cannot be reached: the run says so).
  std::vector<bool> derived;
  int64_t interval_ns = 333'000'000;
  ScrapeOptions scrape;
  std::string jsonl_path;  // "" = no JSONL
};

struct SeriesResult {
  std::string endpoint_url;
  LabelList labels;
  std::optional<GaugeStats> gauge;  // gauge and unknown
  std::optional<CounterStats> counter;
  std::optional<HistogramStats> histogram;
  std::vector<std::string> bucket_les;  // histogram bucket bounds as written, ascending
  // With --slice-duration (spec §7.2), the slices of the series' kind (series_stats.h).
  std::vector<GaugeSlice> gauge_slices;
  std::vector<CounterSlice> counter_slices;
  std::optional<RateSpread> rate_spread;  // over the complete counter slices
  std::vector<HistogramSlice> histogram_slices;
};

struct ServerMetric {
  std::string name;
  MetricType type = MetricType::kUnknown;  // gauge, unknown, counter or histogram
  std::string description;
  std::string unit;
  std::vector<SeriesResult> series;  // sorted by endpoint, then labels
};

struct ServerMetricsReport {
  std::vector<std::string> endpoints_configured, endpoints_successful;
  std::map<std::string, EndpointInfo> endpoint_info;  // by the URL data came from
  std::vector<ServerMetric> metrics;                  // sorted by name
  int64_t start_wall_ns = 0, end_wall_ns = 0;         // the window, epoch ns
  int64_t window_mono_start_ns = 0;                   // the window's start, monotonic ns
  const ServerMetric* find(const std::string& name) const;
};

class ServerMetricsCollector {
 public:
  explicit ServerMetricsCollector(ServerMetricsSettings settings);
  ~ServerMetricsCollector();

  void start();
  /// One scrape of every live endpoint at once, waited for until `timeout_ns` has passed.
  void scrape_all_now(int64_t timeout_ns);
  /// scrape_all_now() in two halves, to ask several collectors at once.
  std::vector<uint64_t> request_all();
  void wait_all(const std::vector<uint64_t>& tickets, int64_t deadline_mono_ns);
  void stop();

  /// Statistics over `window` (monotonic ns). After stop().
  /// `slice_s` > 0: time slices of that length too (--slice-duration).
  ServerMetricsReport report(const Window& window, int64_t window_start_wall_ns,
                             int64_t window_end_wall_ns, double slice_s = 0) const;
  /// The JSONL file written, if any (after stop()).
  std::optional<std::string> jsonl_path() const;
  /// Endpoints with data (after stop()), for tests and the console.
  size_t successful_endpoints() const;
  /// (URL the data came from, its store) per endpoint with data, in configured order (after
  /// stop()): the raw time series for server_metrics_export.parquet.
  std::vector<std::pair<std::string, const EndpointStore*>> stores() const;
  /// Computes live lines on every scrape from now on (runs without a live view pay nothing).
  void enable_live() { live_on_.store(true, std::memory_order_relaxed); }
  /// For a live view, any thread: per endpoint the families' lines of its latest scrape
  /// (server_family.h live_lines), its URL appended when there are several endpoints.
  std::vector<std::string> live_lines();

 private:
  struct Endpoint {
    std::unique_ptr<EndpointScraper> scraper;
    EndpointStore store;
    std::string line;               // JSONL scratch, this endpoint's thread only
    std::vector<std::string> live;  // the latest scrape's live lines, under live_mu_
  };
  void on_exposition(Endpoint& e, const ScrapedBody& b);

  ServerMetricsSettings settings_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::unique_ptr<JsonlFile> jsonl_;
  std::atomic<bool> live_on_{false};
  std::mutex live_mu_;
};

/// The series statistics of one endpoint's store over `window` (exposed for tests).
/// `slices`: the time slices to compute too (window_slices), none when empty.
void summarize_store(const EndpointStore& store, const std::string& endpoint_url,
                     const Window& window, std::map<std::string, ServerMetric>* out,
                     const std::vector<Slice>& slices = {});

/// The component series of one histogram (one family, one label set without "le").
struct HistogramParts {
  uint32_t family = 0;
  LabelList labels;
  std::vector<const StoredSeries*> buckets;
  const StoredSeries* sum = nullptr;
  const StoredSeries* count = nullptr;
};
/// A store's series as exported: a gauge / counter / untyped series alone (`scalar`), or the
/// parts of one histogram together (`hist`, scalar == nullptr).
struct StoreItem {
  const StoredSeries* scalar = nullptr;
  HistogramParts hist;
};
/// The items of `store` in the order their first series was seen.
std::vector<StoreItem> store_items(const EndpointStore& store);
/// A histogram's values per scrape (buckets sorted by bound), from the first scrape with its
/// _count on.
HistogramSeriesData histogram_data(const EndpointStore& store, HistogramParts& h);

/// One server_metrics_export.jsonl line for a scrape (spec §7.2).
void render_scrape_line(std::string& out, const std::string& endpoint_url, const ScrapedBody& b);

}  // namespace aiperf::telemetry
