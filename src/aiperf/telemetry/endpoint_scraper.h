// One metrics endpoint (a server's /metrics or a DCGM exporter): its poller thread, its HTTP
// client, the rules of spec §7.2 for what a body must be (not JSON, a valid exposition, with one
// probe of <base>/prometheus/metrics for TensorRT-LLM when /metrics is not Prometheus), and the
// bookkeeping the JSON summary reports (fetches, latency, unique updates). What to do with a
// good exposition is the owner's business (the on_exposition callback, on this thread).
//
// An endpoint that cannot be reached at its first try, answers non-200 then, or is not
// Prometheus is dropped for the run with one line (a warning, or info for the default DCGM
// endpoints that are usually absent). Transient failures later are counted, not fatal.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aiperf/telemetry/poller.h"
#include "aiperf/telemetry/prom_parser.h"
#include "aiperf/telemetry/scrape_client.h"

namespace aiperf::telemetry {

/// Collection bookkeeping of one endpoint (spec: server metrics summary.endpoint_info).
struct EndpointInfo {
  uint64_t total_fetches = 0;
  uint64_t failed_fetches = 0;
  int64_t first_fetch_wall_ns = 0, last_fetch_wall_ns = 0;
  double latency_sum_ms = 0;
  uint64_t unique_updates = 0;
  std::vector<int64_t> update_wall_ns;  // times of bodies that differed from the previous one
  std::string last_error;
};

struct ScrapedBody {
  const Exposition& exposition;
  int64_t mono_ns;  // first response byte (the best estimate of the server's snapshot time)
  int64_t wall_ns;
  int64_t sent_wall_ns;
  int64_t latency_ns;  // request sent to last byte
  bool duplicate;      // same bytes as the previous body
};

struct EndpointSettings {
  int64_t interval_ns = 333'000'000;
  ScrapeOptions scrape;
  // Which first-try failures are an info line instead of a warning: the default DCGM endpoints
  // (usually absent) say nothing either way; <--url>/metrics stays quiet when the server cannot
  // be reached at all (the run reports that itself) but warns about a 404 or the like.
  bool quiet_if_unreachable = false;    // no connection / no answer
  bool quiet_if_refused = false;        // an answer other than 200
  bool trtllm_fallback = true;          // probe <base>/prometheus/metrics once
  std::string what = "server metrics";  // names the feature in messages
  std::string silence_hint = "--no-server-metrics";
};

class EndpointScraper {
 public:
  using OnExposition = std::function<void(const ScrapedBody&)>;

  /// `url` must parse (checked at configuration time). `on_exposition` runs on this
  /// endpoint's thread for every good body.
  EndpointScraper(std::string url, EndpointSettings settings, OnExposition on_exposition);
  ~EndpointScraper();

  void start();
  /// A scrape now, waited for up to `timeout_ns`; false when none completed in time or the
  /// endpoint is off.
  bool scrape_now(int64_t timeout_ns);
  /// scrape_now() in two halves (Poller::request / wait), to ask several endpoints at once.
  uint64_t request_scrape() { return disabled_ ? 0 : poller_.request(); }
  bool wait_scrape(uint64_t ticket, int64_t deadline_mono_ns) {
    return poller_.wait(ticket, deadline_mono_ns);
  }
  void stop();

  const std::string& configured_url() const { return url_; }
  /// The URL data came from (differs after the TensorRT-LLM fallback). Read after stop().
  const std::string& active_url() const { return active_url_; }
  bool ever_succeeded() const { return succeeded_.load(); }
  bool disabled() const { return disabled_.load(); }
  /// Read after stop().
  const EndpointInfo& info() const { return info_; }

 private:
  bool tick();
  /// Fetches and parses once from the client's current URL. On a parse-level problem sets
  /// `*not_prometheus` and `*why`.
  bool fetch_and_parse(ScrapeResult* r, bool* not_prometheus, std::string* why);
  bool try_fallback(const std::string& why);
  void drop(const std::string& message, bool quiet);

  std::string url_, active_url_;
  EndpointSettings settings_;
  OnExposition on_exposition_;
  std::unique_ptr<ScrapeClient> client_;
  Exposition exposition_;
  Poller poller_;
  EndpointInfo info_;
  uint64_t last_hash_ = 0;
  bool fallback_tried_ = false;
  std::atomic<bool> succeeded_{false}, disabled_{false};
};

/// A metrics URL as AIPerf normalizes it: "http://" added when no scheme is given, trailing
/// '/' removed, "/metrics" appended to a URL without a path. Empty on a URL that does not parse
/// (with `err`).
std::string normalize_metrics_url(const std::string& item, std::string* err);

}  // namespace aiperf::telemetry
