// server_metrics_export.parquet: rows of a hand-made store over a window, every column read back
// with the dataset stage's Parquet reader, checked against hand-computed increases and the JSON
// statistics of the same store.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "aiperf/dataset/public/parquet.h"
#include "aiperf/telemetry/server_metrics.h"
#include "aiperf/telemetry/server_metrics_parquet.h"
#include "test_util.h"

namespace aiperf::telemetry {
namespace {

namespace fs = std::filesystem;
using dataset::parquet::File;
using dataset::parquet::Value;
constexpr int64_t kS = 1'000'000'000;

const char* kBodies[] = {
    // scrape 0, before the window: the reference point
    "# HELP req_tokens_total Tokens.\n# TYPE req_tokens_total counter\n"
    "req_tokens_total{model=\"m\"} 5\n"
    "# TYPE g gauge\ng{model=\"m\"} 1\n"
    "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
    "lat_seconds_bucket{model=\"m\",le=\"1\"} 1\nlat_seconds_bucket{model=\"m\",le=\"+Inf\"} 2\n"
    "lat_seconds_sum{model=\"m\"} 3\nlat_seconds_count{model=\"m\"} 2\n",
    // scrape 1: a counter created during the run, with a label that is a reserved column name
    "# HELP req_tokens_total Tokens.\n# TYPE req_tokens_total counter\n"
    "req_tokens_total{model=\"m\"} 8\n"
    "# TYPE g gauge\ng{model=\"m\"} 2\n"
    "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
    "lat_seconds_bucket{model=\"m\",le=\"1\"} 2\nlat_seconds_bucket{model=\"m\",le=\"+Inf\"} 4\n"
    "lat_seconds_sum{model=\"m\"} 7\nlat_seconds_count{model=\"m\"} 4\n"
    "# TYPE late_total counter\nlate_total{kind=\"x\",value=\"v\"} 3\n",
    // scrape 2: the counter restarted
    "# HELP req_tokens_total Tokens.\n# TYPE req_tokens_total counter\n"
    "req_tokens_total{model=\"m\"} 2\n"
    "# TYPE g gauge\ng{model=\"m\"} 3\n"
    "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
    "lat_seconds_bucket{model=\"m\",le=\"1\"} 2\nlat_seconds_bucket{model=\"m\",le=\"+Inf\"} 4\n"
    "lat_seconds_sum{model=\"m\"} 7\nlat_seconds_count{model=\"m\"} 4\n"
    "# TYPE late_total counter\nlate_total{kind=\"x\",value=\"v\"} 4\n",
    // scrape 3
    "# HELP req_tokens_total Tokens.\n# TYPE req_tokens_total counter\n"
    "req_tokens_total{model=\"m\"} 4\n"
    "# TYPE g gauge\ng{model=\"m\"} 4\n"
    "# HELP lat_seconds Latency.\n# TYPE lat_seconds histogram\n"
    "lat_seconds_bucket{model=\"m\",le=\"1\"} 3\nlat_seconds_bucket{model=\"m\",le=\"+Inf\"} 6\n"
    "lat_seconds_sum{model=\"m\"} 11\nlat_seconds_count{model=\"m\"} 6\n"
    "# TYPE late_total counter\nlate_total{kind=\"x\",value=\"v\"} 4\n",
};

class ServerMetricsParquet : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int k = 0; k < 4; ++k) {
      Exposition x;
      ASSERT_TRUE(test::parse_text(kBodies[k], &x)) << k;
      store_.ingest(x, 2 * k * kS, 1000 + k);
    }
    path_ = (fs::temp_directory_path() / ("aiperf_smp_" + std::to_string(::getpid()) + ".parquet"))
                .string();
  }
  void TearDown() override { fs::remove(path_); }

  EndpointStore store_;
  std::string path_;
  const Window window_{1 * kS, 6 * kS};
  const std::string url_ = "http://h:1/metrics";
};

std::vector<std::string> strings(const std::vector<Value>& col) {
  std::vector<std::string> out;
  for (const Value& v : col) out.push_back(v.kind == Value::Kind::kNull ? "<null>" : v.bytes);
  return out;
}

std::vector<double> doubles(const std::vector<Value>& col) {
  std::vector<double> out;
  for (const Value& v : col) out.push_back(v.kind == Value::Kind::kNull ? -1 : v.real);
  return out;
}

TEST_F(ServerMetricsParquet, RowsColumnsAndMetadata) {
  ServerMetricsParquetInfo info;
  info.aiperf_version = "9.9";
  info.benchmark_id = "bid";
  info.input_config_json = R"({"x":1})";
  info.model_names = {"m"};
  info.concurrency = 4;
  info.start_wall_ns = 1 * kS;
  info.end_wall_ns = int64_t(3500) * 1000000;
  info.export_timestamp_utc = "2026-01-01T00:00:00.000000+00:00";
  // Row groups of 4 rows: the 15 rows span four groups.
  ASSERT_EQ(write_server_metrics_parquet(path_, {{url_, &store_}}, window_, info,
                                         ParquetCodec::kSnappy, 4),
            15);
  const File f = File::open(path_);
  EXPECT_EQ(f.columns(),
            (std::vector<std::string>{"endpoint_url", "metric_name", "metric_type", "unit",
                                      "description", "timestamp_ns", "kind", "model", "value",
                                      "sum", "count", "bucket_le", "bucket_count"}));
  const std::vector<std::string> names = strings(f.read_column("metric_name"));
  const std::vector<std::string> expected_names = {
      "req_tokens",  "req_tokens",  "req_tokens",  "g",           "g",
      "g",           "lat_seconds", "lat_seconds", "lat_seconds", "lat_seconds",
      "lat_seconds", "lat_seconds", "late",        "late",        "late"};
  EXPECT_EQ(names, expected_names);
  EXPECT_EQ(strings(f.read_column("metric_type")),
            (std::vector<std::string>{"counter", "counter", "counter", "gauge", "gauge", "gauge",
                                      "histogram", "histogram", "histogram", "histogram",
                                      "histogram", "histogram", "counter", "counter", "counter"}));
  const auto units = strings(f.read_column("unit"));
  EXPECT_EQ(units[0], "tokens");
  EXPECT_EQ(units[3], "<null>");
  EXPECT_EQ(units[6], "seconds");
  const auto desc = strings(f.read_column("description"));
  EXPECT_EQ(desc[0], "Tokens.");
  EXPECT_EQ(desc[3], "<null>");
  EXPECT_EQ(desc[6], "Latency.");
  for (const auto& u : strings(f.read_column("endpoint_url"))) EXPECT_EQ(u, url_);
  std::vector<int64_t> ts;
  for (const Value& v : f.read_column("timestamp_ns")) ts.push_back(v.integer);
  EXPECT_EQ(ts, (std::vector<int64_t>{1001, 1002, 1003, 1001, 1002, 1003, 1001, 1001, 1002, 1002,
                                      1003, 1003, 1001, 1002, 1003}));
  const auto model = strings(f.read_column("model"));
  const auto kind = strings(f.read_column("kind"));
  EXPECT_EQ(model[0], "m");
  EXPECT_EQ(model[12], "<null>");
  EXPECT_EQ(kind[12], "x");
  EXPECT_EQ(kind[0], "<null>");
  // Counter: increases since scrape 0 (5), the restart at scrape 2 counting from zero;
  // gauge: as scraped; the late counter from zero.
  EXPECT_EQ(doubles(f.read_column("value")),
            (std::vector<double>{3, 5, 7, 2, 3, 4, -1, -1, -1, -1, -1, -1, 3, 4, 4}));
  EXPECT_EQ(doubles(f.read_column("sum")),
            (std::vector<double>{-1, -1, -1, -1, -1, -1, 4, 4, 4, 4, 8, 8, -1, -1, -1}));
  EXPECT_EQ(doubles(f.read_column("count")),
            (std::vector<double>{-1, -1, -1, -1, -1, -1, 2, 2, 2, 2, 4, 4, -1, -1, -1}));
  EXPECT_EQ(
      strings(f.read_column("bucket_le")),
      (std::vector<std::string>{"<null>", "<null>", "<null>", "<null>", "<null>", "<null>", "1",
                                "+Inf", "1", "+Inf", "1", "+Inf", "<null>", "<null>", "<null>"}));
  EXPECT_EQ(doubles(f.read_column("bucket_count")),
            (std::vector<double>{-1, -1, -1, -1, -1, -1, 1, 2, 1, 2, 2, 4, -1, -1, -1}));

  // The last rows agree with the JSON export's statistics of the same window.
  std::map<std::string, ServerMetric> stats;
  summarize_store(store_, url_, window_, &stats);
  EXPECT_DOUBLE_EQ(stats.at("req_tokens").series.at(0).counter->total, 7);
  EXPECT_DOUBLE_EQ(stats.at("late").series.at(0).counter->total, 4);
  EXPECT_DOUBLE_EQ(stats.at("lat_seconds").series.at(0).histogram->count, 4);
  EXPECT_DOUBLE_EQ(stats.at("lat_seconds").series.at(0).histogram->sum, 8);

  std::map<std::string, std::string> meta(f.key_value_metadata().begin(),
                                          f.key_value_metadata().end());
  EXPECT_EQ(meta.at("aiperf.schema_version"), "1.0");
  EXPECT_EQ(meta.at("aiperf.version"), "9.9");
  EXPECT_EQ(meta.at("aiperf.benchmark_id"), "bid");
  EXPECT_EQ(meta.at("aiperf.exporter"), "ServerMetricsParquetExporter");
  EXPECT_EQ(meta.at("aiperf.export_timestamp_utc"), "2026-01-01T00:00:00.000000+00:00");
  EXPECT_EQ(meta.at("aiperf.time_filter_start_ns"), "1000000000");
  EXPECT_EQ(meta.at("aiperf.time_filter_end_ns"), "3500000000");
  EXPECT_EQ(meta.at("aiperf.profiling_duration_ns"), "2500000000");
  EXPECT_EQ(meta.at("aiperf.profiling_duration_seconds"), "2.5");
  EXPECT_EQ(meta.at("aiperf.input_config"), R"({"x":1})");
  EXPECT_EQ(meta.at("aiperf.model_names"), R"(["m"])");
  EXPECT_EQ(meta.at("aiperf.concurrency"), "4");
  EXPECT_EQ(meta.count("aiperf.request_rate"), 0u);
  EXPECT_EQ(meta.at("aiperf.endpoint_urls"), R"(["http://h:1/metrics"])");
  EXPECT_EQ(meta.at("aiperf.endpoint_count"), "1");
  EXPECT_EQ(meta.at("aiperf.label_columns"), R"(["kind","model"])");
  EXPECT_EQ(meta.at("aiperf.label_count"), "2");
  EXPECT_EQ(meta.at("aiperf.metric_count"), "4");
  EXPECT_EQ(meta.at("aiperf.metric_type_counts"), R"({"gauge":1,"counter":2,"histogram":1})");
  EXPECT_TRUE(meta.count("aiperf.hostname"));
  EXPECT_TRUE(meta.count("aiperf.schema_note"));
}

TEST_F(ServerMetricsParquet, NoScrapeInTheWindowLeavesNoFile) {
  EXPECT_EQ(write_server_metrics_parquet(path_, {{url_, &store_}}, Window{100 * kS, 200 * kS},
                                         ServerMetricsParquetInfo{}),
            0);
  EXPECT_FALSE(fs::exists(path_));
}

}  // namespace
}  // namespace aiperf::telemetry
