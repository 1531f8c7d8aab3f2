// The scrape client and one endpoint's rules against a local server: keep-alive reuse, gzip,
// chunked bodies, timeouts, the JSON-content rule, the TensorRT-LLM /prometheus/metrics
// fallback, a malformed exposition (one warning naming the URL and the line), an unreachable
// endpoint, and the collector's scrape-now at the window edges.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "aiperf/common/clock.h"
#include "aiperf/mock/mock_server.h"
#include "aiperf/telemetry/endpoint_scraper.h"
#include "aiperf/telemetry/scrape_client.h"
#include "aiperf/telemetry/server_metrics.h"
#include "metrics_server.h"

namespace aiperf::telemetry {
namespace {

using test::MetricsServer;

/// Captures spdlog output for the duration of a test.
class LogCapture {
 public:
  LogCapture() {
    prev_ = spdlog::default_logger();
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    sink->set_pattern("%l: %v");
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(prev_); }
  std::string text() const { return out_.str(); }
  int count(const std::string& needle) const {
    std::string t = out_.str();
    int n = 0;
    for (size_t p = t.find(needle); p != std::string::npos; p = t.find(needle, p + 1)) ++n;
    return n;
  }

 private:
  std::ostringstream out_;
  std::shared_ptr<spdlog::logger> prev_;
};

transport::Url url_of(const std::string& s) {
  return *transport::parse_url(s);
}

const std::string kBody = "# TYPE a counter\na_total 3\n# TYPE g gauge\ng{x=\"1\"} 2.5\n";

TEST(ScrapeClient, KeepAliveGzipAndChunked) {
  MetricsServer srv;
  std::string big;
  for (int i = 0; i < 3000; ++i)
    big += "m{i=\"" + std::to_string(i) + "\"} " + std::to_string(i) + "\n";
  srv.set("/metrics", {200, "text/plain; version=0.0.4", big, /*gzip=*/true, /*chunked=*/true});
  ScrapeClient c(url_of(srv.url("/metrics")), {});
  for (int i = 0; i < 3; ++i) {
    ScrapeResult r = c.get();
    ASSERT_TRUE(r.ok) << r.error;
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, big);
    EXPECT_LT(r.wire_bytes, big.size());  // it came compressed
    EXPECT_GE(r.first_byte_mono_ns, r.sent_mono_ns);
    EXPECT_GE(r.done_mono_ns, r.first_byte_mono_ns);
  }
  EXPECT_EQ(srv.connections(), 1);
  EXPECT_NE(srv.last_request().find("Accept-Encoding: gzip"), std::string::npos);
}

TEST(ScrapeClient, ServerClosingReconnectsAndErrorsAreOneLine) {
  MetricsServer srv;
  srv.set("/metrics", {200, "text/plain", kBody, false, false, 0, /*close=*/true});
  ScrapeClient c(url_of(srv.url("/metrics")), {});
  EXPECT_TRUE(c.get().ok);
  EXPECT_TRUE(c.get().ok);
  EXPECT_EQ(srv.connections(), 2);
  ScrapeClient refused(url_of("http://127.0.0.1:1/metrics"), {});
  ScrapeResult r = refused.get();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("cannot connect"), std::string::npos) << r.error;
  EXPECT_EQ(r.error.find('\n'), std::string::npos);
}

TEST(ScrapeClient, SlowAnswerTimesOut) {
  MetricsServer srv;
  srv.set("/metrics", {200, "text/plain", kBody, false, false, /*delay_ms=*/800});
  ScrapeOptions o;
  o.io_timeout_ms = 150;
  ScrapeClient c(url_of(srv.url("/metrics")), o);
  int64_t t0 = mono_ns();
  ScrapeResult r = c.get();
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.error.find("timed out"), std::string::npos) << r.error;
  EXPECT_LT(mono_ns() - t0, 700'000'000);
}

TEST(ScrapeClient, HttpsWithAndWithoutVerification) {
  mock::MockOptions o;
  o.port = 0;
  o.tls = true;
  o.quiet = true;
  o.workers = 1;
  o.metrics_family = "vllm";
  mock::MockServer m(o);
  m.start();
  ScrapeOptions insecure;
  insecure.insecure = true;
  ScrapeClient c(url_of(m.url() + "/metrics"), insecure);
  ScrapeResult r = c.get();
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.body.find("# TYPE vllm:num_requests_running gauge"), std::string::npos);
  EXPECT_TRUE(c.get().ok);  // the TLS connection is kept alive
  ScrapeClient strict(url_of(m.url() + "/metrics"), {});
  ScrapeResult s = strict.get();  // a self-signed certificate
  EXPECT_FALSE(s.ok);
  EXPECT_NE(s.error.find("--insecure"), std::string::npos) << s.error;
  m.stop();
}

TEST(Gunzip, CorruptAndBombsAreRefused) {
  std::string out, err;
  EXPECT_FALSE(gunzip("\x1f\x8b garbage", &out, 1 << 20, &err));
  EXPECT_FALSE(err.empty());
  std::string zeros(1 << 20, '0');
  EXPECT_FALSE(gunzip(test::gzip_bytes(zeros), &out, 1000, &err));
  EXPECT_NE(err.find("beyond"), std::string::npos);
  EXPECT_TRUE(gunzip(test::gzip_bytes("abc"), &out, 100, &err));
  EXPECT_EQ(out, "abc");
}

struct Collected {
  std::atomic<int> bodies{0};
  std::atomic<int> samples{0};
};

EndpointSettings fast_settings() {
  EndpointSettings s;
  s.interval_ns = 50'000'000;
  s.scrape.connect_timeout_ms = 500;
  s.scrape.io_timeout_ms = 500;
  return s;
}

TEST(EndpointScraper, JsonMetricsFallBackToPrometheusPath) {
  MetricsServer srv;
  srv.set("/metrics", {200, "application/json", "[{\"iter\":1}]"});
  srv.set("/prometheus/metrics", {200, "text/plain; version=0.0.4", kBody});
  LogCapture log;
  Collected got;
  EndpointScraper e(srv.url("/metrics"), fast_settings(), [&](const ScrapedBody& b) {
    got.bodies++;
    got.samples += int(b.exposition.samples().size());
  });
  e.start();
  EXPECT_TRUE(e.scrape_now(2'000'000'000));
  EXPECT_TRUE(e.scrape_now(2'000'000'000));
  e.stop();
  EXPECT_GE(got.bodies, 2);
  EXPECT_EQ(e.active_url(), srv.url("/prometheus/metrics"));
  EXPECT_EQ(srv.requests("/metrics"), 1);  // probed once
  EXPECT_EQ(log.count("warning"), 0) << log.text();
}

TEST(EndpointScraper, NonPrometheusIsOneWarningNamingUrlAndLine) {
  MetricsServer srv;
  srv.set("/metrics", {200, "text/plain", "ok 1\nthis is not an exposition\n"});
  LogCapture log;
  Collected got;
  EndpointScraper e(srv.url("/metrics"), fast_settings(),
                    [&](const ScrapedBody&) { got.bodies++; });
  e.start();
  e.scrape_now(1'000'000'000);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  e.stop();
  EXPECT_TRUE(e.disabled());
  EXPECT_EQ(got.bodies, 0);
  EXPECT_EQ(log.count("warning"), 1) << log.text();
  EXPECT_NE(log.text().find(srv.url("/metrics")), std::string::npos);
  EXPECT_NE(log.text().find("line 2"), std::string::npos) << log.text();
  EXPECT_EQ(srv.requests("/prometheus/metrics"), 1);  // the fallback was tried once
  EXPECT_EQ(srv.requests("/metrics"), 1);             // and the endpoint left alone after
}

TEST(EndpointScraper, UnreachableIsOneLineQuietForDefaults) {
  {
    LogCapture log;
    EndpointScraper e("http://127.0.0.1:1/metrics", fast_settings(), [](const ScrapedBody&) {});
    e.start();
    EXPECT_FALSE(e.scrape_now(1'000'000'000));
    e.stop();
    EXPECT_EQ(log.count("warning"), 1) << log.text();
  }
  {
    LogCapture log;
    EndpointSettings s = fast_settings();
    s.quiet_if_unreachable = true;
    EndpointScraper e("http://127.0.0.1:1/metrics", s, [](const ScrapedBody&) {});
    e.start();
    e.scrape_now(1'000'000'000);
    e.stop();
    EXPECT_EQ(log.count("warning"), 0);
    EXPECT_EQ(log.count("info"), 1) << log.text();
  }
}

TEST(EndpointScraper, NotFoundAtFirstTryIsDropped) {
  MetricsServer srv;
  LogCapture log;
  EndpointScraper e(srv.url("/metrics"), fast_settings(), [](const ScrapedBody&) {});
  e.start();
  e.scrape_now(1'000'000'000);
  e.stop();
  EXPECT_TRUE(e.disabled());
  EXPECT_NE(log.text().find("HTTP 404"), std::string::npos) << log.text();
}

TEST(EndpointScraper, OpenMetricsAndDuplicateBodies) {
  MetricsServer srv;
  srv.set("/metrics", {200, "application/openmetrics-text; version=1.0.0; charset=utf-8",
                       "# TYPE a counter\na_total 1\na_created 5\n# EOF\n"});
  Collected got;
  std::atomic<int> dups{0};
  EndpointScraper e(srv.url("/metrics"), fast_settings(), [&](const ScrapedBody& b) {
    got.bodies++;
    dups += b.duplicate;
    EXPECT_EQ(b.exposition.format(), ExpositionFormat::kOpenMetrics);
  });
  e.start();
  e.scrape_now(1'000'000'000);
  e.scrape_now(1'000'000'000);
  e.stop();
  EXPECT_GE(got.bodies, 2);
  EXPECT_EQ(dups, got.bodies - 1);
  EXPECT_EQ(e.info().unique_updates, 1u);
}

TEST(ServerMetricsCollector, JsonlLinesAndWindowStatistics) {
  MetricsServer srv;
  std::atomic<int> n{0};
  srv.set("/metrics", {200, "text/plain", kBody});
  char tmpl[] = "/tmp/aiperf_sm_XXXXXX";
  std::string dir = mkdtemp(tmpl);
  ServerMetricsSettings s;
  s.urls = {srv.url("/metrics")};
  s.interval_ns = 10'000'000'000;  // only the explicit scrapes
  s.jsonl_path = dir + "/sm.jsonl";
  ServerMetricsCollector c(s);
  c.start();
  c.scrape_all_now(2'000'000'000);
  int64_t w0 = mono_ns();
  srv.set("/metrics",
          {200, "text/plain", "# TYPE a counter\na_total 10\n# TYPE g gauge\ng{x=\"1\"} 4.5\n"});
  c.scrape_all_now(2'000'000'000);
  int64_t w1 = mono_ns();
  c.stop();
  (void)n;
  ServerMetricsReport rep = c.report(Window{w0, w1}, 1, 2);
  ASSERT_EQ(rep.endpoints_successful.size(), 1u);
  const ServerMetric* a = rep.find("a");
  ASSERT_TRUE(a);
  ASSERT_TRUE(a->series[0].counter);
  EXPECT_EQ(a->series[0].counter->total, 7.0);
  const ServerMetric* g = rep.find("g");
  ASSERT_TRUE(g);
  EXPECT_EQ(g->series[0].gauge->avg, 4.5);
  std::ifstream f(s.jsonl_path);
  std::string line;
  int lines = 0;
  while (std::getline(f, line)) {
    ++lines;
    auto j = nlohmann::json::parse(line);
    EXPECT_EQ(j["endpoint_url"], srv.url("/metrics"));
    EXPECT_TRUE(j["metrics"]["a"][0].contains("value"));
    EXPECT_EQ(j["metrics"]["g"][0]["labels"]["x"], "1");
    EXPECT_TRUE(j.contains("first_byte_ns"));
  }
  EXPECT_GE(lines, 2);
}

}  // namespace
}  // namespace aiperf::telemetry
