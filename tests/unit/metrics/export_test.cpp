// Exports: file names, CSV and JSON shape, JSONL lines, console table (spec §6).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <future>
#include <thread>

#include <nlohmann/json.hpp>

#include "aiperf/common/cpu_affinity.h"
#include "aiperf/export/export.h"
#include "test_util.h"

namespace aiperf::exporter {
namespace {

using metrics::MetricId;
using metrics::test::context;
using metrics::test::make_record;
using nlohmann::ordered_json;

constexpr int64_t kSec = 1'000'000'000;

metrics::Results streaming_results(const metrics::RunContext& ctx) {
  metrics::Aggregator agg(ctx);
  auto a = make_record(0, {kSec / 10, kSec / 5, kSec / 2}, 10, 100);
  a.first_output_ts = kSec / 10;
  a.scheduled_ns = -1000;  // schedule wanted it 1 us earlier
  auto b = make_record(kSec, {kSec + kSec / 5, kSec + kSec / 2, 2 * kSec}, 20, 200);
  b.first_output_ts = kSec + kSec / 5;
  b.scheduled_ns = kSec - 3000;
  agg.add(a);
  agg.add(b);
  agg.add(metrics::test::make_error(kSec / 2, 500, "Internal Server Error", "boom, again"));
  return agg.finish();
}

config::Config secret_config() {
  config::Config cfg;
  cfg.models = {"test-model"};
  cfg.streaming = true;
  cfg.api_key = "sk-SECRET-111";
  cfg.headers = {{"Authorization", "Bearer sk-SECRET-222"}, {"X-Trace", "ok"}};
  cfg.random_seed = 42;
  cfg.argv = {"aiperf",    "profile",       "-m", "test-model",
              "--api-key", "sk-SECRET-111", "-H", "Authorization: Bearer sk-SECRET-222"};
  return cfg;
}

TEST(ArtifactPaths, DefaultAndPrefix) {
  auto p = artifact_paths("artifacts/run", std::nullopt);
  EXPECT_EQ(p.summary_json, "artifacts/run/profile_export_aiperf.json");
  EXPECT_EQ(p.summary_csv, "artifacts/run/profile_export_aiperf.csv");
  EXPECT_EQ(p.records_jsonl, "artifacts/run/profile_export.jsonl");
  EXPECT_EQ(p.raw_jsonl, "artifacts/run/profile_export_raw.jsonl");
  p = artifact_paths("out/", std::string("mine.json"));
  EXPECT_EQ(p.summary_json, "out/mine.json");
  EXPECT_EQ(p.summary_csv, "out/mine.csv");
  EXPECT_EQ(p.records_jsonl, "out/mine.jsonl");
  EXPECT_EQ(p.raw_jsonl, "out/mine_raw.jsonl");
  EXPECT_EQ(p.server_metrics_parquet, "out/mine_server_metrics.parquet");
  EXPECT_EQ(artifact_paths("d", std::string("x_server_metrics.parquet")).server_metrics_parquet,
            "d/x_server_metrics.parquet");
  EXPECT_EQ(artifact_paths("d", std::nullopt).server_metrics_parquet,
            "d/server_metrics_export.parquet");
  EXPECT_EQ(artifact_paths("d", std::string("x_raw.jsonl")).records_jsonl, "d/x.jsonl");
}

TEST(SummaryCsv, ShapeSectionsAndFormatting) {
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);
  const std::string csv = render_summary_csv(res, ctx);
  // Python csv module line ends.
  ASSERT_NE(csv.find("\r\n"), std::string::npos);
  for (size_t i = 0; i < csv.size(); ++i) {
    if (csv[i] == '\n') {
      ASSERT_GT(i, 0u);
      EXPECT_EQ(csv[i - 1], '\r');
    }
  }
  EXPECT_EQ(csv.rfind("Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std\r\n", 0), 0u);
  // Request latency: 500 ms and 1000 ms.
  EXPECT_NE(csv.find("\r\nRequest Latency (ms),750.00,500.00,1000.00,1500.00,505.00,525.00,"
                     "550.00,625.00,750.00,875.00,950.00,975.00,995.00,250.00\r\n"),
            std::string::npos);
  // Blank row, then the system section; every value is a float (AIPerf: "Request Count,50.00"),
  // no unit for requests.
  EXPECT_NE(csv.find("\r\n\r\nMetric,Value\r\n"), std::string::npos);
  EXPECT_NE(csv.find("\r\nRequest Count,2.00\r\n"), std::string::npos);
  EXPECT_NE(csv.find("\r\nError Request Count,1.00\r\n"), std::string::npos);
  EXPECT_NE(csv.find("\r\nBenchmark Duration (sec),2.00\r\n"), std::string::npos);
  EXPECT_NE(csv.find("\r\nRequest Throughput (requests/sec),1.00\r\n"), std::string::npos);
  EXPECT_NE(csv.find("\r\nTotal Output Sequence Length (tokens),30.00\r\n"), std::string::npos);
  // Sorted by tag within a section: inter_token_latency before request_latency before
  // time_to_first_token.
  const auto itl = csv.find("Inter Token Latency (ms)");
  const auto rl = csv.find("Request Latency (ms)");
  const auto ttft = csv.find("Time to First Token (ms)");
  EXPECT_LT(itl, rl);
  EXPECT_LT(rl, ttft);
  // Internal metrics are not exported.
  EXPECT_EQ(csv.find("Minimum Request Timestamp"), std::string::npos);
  EXPECT_EQ(csv.find("Credit Drop"), std::string::npos);
}

void expect_no_nulls(const ordered_json& j, const std::string& where) {
  if (j.is_null()) {
    ADD_FAILURE() << "null at " << where;
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      expect_no_nulls(it.value(), where + "." + it.key());
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i)
      expect_no_nulls(j[i], where + "[" + std::to_string(i) + "]");
  }
}

TEST(SummaryJson, KeyOrderBlocksAndRedaction) {
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);
  const auto cfg = secret_config();
  SummaryInfo info;
  info.aiperf_version = "0.11.0";
  info.benchmark_id = "bench-1";
  ClientHealth h;
  h.cpu_us_per_request = 12.5;
  h.client_bottleneck = true;
  h.reason = "test";
  info.client_health = h;
  const std::string text = render_summary_json(res, ctx, cfg, info);
  EXPECT_EQ(text.find("sk-SECRET"), std::string::npos) << "secret leaked";
  const auto j = ordered_json::parse(text);
  expect_no_nulls(j, "$");

  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  const std::vector<std::string> head{"schema_version",
                                      "aiperf_version",
                                      "benchmark_id",
                                      "request_throughput",
                                      "request_latency",
                                      "request_count",
                                      "time_to_first_token",
                                      "time_to_second_token",
                                      "inter_token_latency",
                                      "output_token_throughput",
                                      "output_token_throughput_per_user",
                                      "output_sequence_length",
                                      "input_sequence_length",
                                      "output_token_count",
                                      "inter_chunk_latency",
                                      "total_output_tokens",
                                      "benchmark_duration",
                                      "total_isl",
                                      "total_osl",
                                      "error_request_count",
                                      "input_config",
                                      "run_info",
                                      "was_cancelled",
                                      "error_summary",
                                      "start_time",
                                      "end_time"};
  ASSERT_GE(keys.size(), head.size());
  EXPECT_EQ(std::vector<std::string>(keys.begin(), keys.begin() + head.size()), head);
  EXPECT_EQ(keys.back(), "client_health");
  EXPECT_FALSE(j.contains("min_request_timestamp"));  // INTERNAL
  EXPECT_FALSE(j.contains("goodput"));                // no --goodput
  EXPECT_TRUE(j.contains("time_to_first_output_token"));
  EXPECT_TRUE(j.contains("send_lateness"));

  EXPECT_EQ(j["schema_version"], "1.3");
  // Aggregate: unit + avg only, a float like AIPerf's.
  EXPECT_EQ(j["request_count"].dump(), R"({"unit":"requests","avg":2.0})");
  // Record metric: every stat, in the model's field order.
  std::vector<std::string> stat_keys;
  for (auto it = j["request_latency"].begin(); it != j["request_latency"].end(); ++it) {
    stat_keys.push_back(it.key());
  }
  EXPECT_EQ(stat_keys,
            (std::vector<std::string>{"unit", "avg", "p1", "p5", "p10", "p25", "p50", "p75", "p90",
                                      "p95", "p99", "min", "max", "std", "count", "sum"}));
  EXPECT_EQ(j["request_latency"]["unit"], "ms");
  EXPECT_DOUBLE_EQ(j["request_latency"]["avg"].get<double>(), 750.0);
  EXPECT_EQ(j["request_latency"]["count"], 2);
  EXPECT_DOUBLE_EQ(j["benchmark_duration"]["avg"].get<double>(), 2.0);
  EXPECT_EQ(j["benchmark_duration"]["unit"], "sec");

  EXPECT_EQ(
      j["error_summary"].dump(),
      R"([{"error_details":{"code":500,"type":"Internal Server Error","message":"boom, again"},"count":1}])");
  EXPECT_EQ(j["was_cancelled"], false);
  EXPECT_EQ(j["run_info"]["random_seed"], 42);
  // A single run: trial 0 of the "base" variation (AIPerf's RunInfo, schema 1.3), keys in order.
  std::vector<std::string> ri;
  for (auto it = j["run_info"].begin(); it != j["run_info"].end(); ++it) ri.push_back(it.key());
  EXPECT_EQ(ri, (std::vector<std::string>{"benchmark_id", "random_seed", "trial", "variation_label",
                                          "variation_index", "variation_values", "cli_command"}));
  EXPECT_EQ(j["run_info"]["trial"], 0);
  EXPECT_EQ(j["run_info"]["variation_label"], "base");
  EXPECT_EQ(j["run_info"]["variation_index"], 0);
  EXPECT_EQ(j["run_info"]["variation_values"].dump(), "{}");
  EXPECT_NE(j["run_info"]["cli_command"].get<std::string>().find("<redacted>"), std::string::npos);
  EXPECT_NE(j["input_config"].dump().find("<redacted>"), std::string::npos);
  EXPECT_EQ(j["client_health"]["client_bottleneck"], true);
}

TEST(SummaryJson, RunInfoOfAStudyPoint) {
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);
  config::Config cfg;
  cfg.models = {"m"};
  SummaryInfo info;
  info.benchmark_id = "b1";
  // A study's pairs, in any order: written in AIPerf's order.
  info.run_info = {{"variation_values", R"({"phases.profiling.concurrency":8})"},
                   {"trial", "2"},
                   {"run_label", R"("run_0003")"},
                   {"variation_label", R"("concurrency_8")"},
                   {"variation_index", "1"},
                   {"sweep_id", R"("s1")"}};
  info.random_seed = 43;
  const auto j = ordered_json::parse(render_summary_json(res, ctx, cfg, info));
  EXPECT_EQ(j["run_info"].dump(),
            R"({"benchmark_id":"b1","sweep_id":"s1","random_seed":43,"trial":2,)"
            R"("run_label":"run_0003","variation_label":"concurrency_8","variation_index":1,)"
            R"("variation_values":{"phases.profiling.concurrency":8}})");
}

TEST(IsoTime, PythonIsoformat) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(iso_local_time(1'700'000'000'123'456'000), "2023-11-14T22:13:20.123456");
  EXPECT_EQ(iso_local_time(1'700'000'000'000'000'000), "2023-11-14T22:13:20");
  EXPECT_EQ(iso_local_time(1'700'000'000'000'000'700), "2023-11-14T22:13:20.000001");
  if (old) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

TEST(Jsonl, LineShapeWallClockAndFilter) {
  const auto ctx = context(true);
  auto r = make_record(1000, {1500, 2500}, 4, 100);
  r.ack_ns = 1200;
  r.credit_ns = 900;
  r.credit_index = 7;
  r.x_request_id = "req-1";
  r.conversation_id = "conv-1";
  const auto values = metrics::test::compute(r, ctx);
  const auto j = ordered_json::parse(JsonlWriter::render_line(r, values, ctx));
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  // No null keys (AIPerf >= 0.4 writes records with exclude_none): no "error" on a success.
  EXPECT_EQ(keys, (std::vector<std::string>{"metadata", "metrics"}));
  const auto& md = j["metadata"];
  EXPECT_EQ(md["session_num"], 7);
  EXPECT_EQ(md["request_start_ns"], metrics::test::kWall0 + 1000);
  EXPECT_EQ(md["request_ack_ns"], metrics::test::kWall0 + 1200);
  EXPECT_EQ(md["credit_issued_ns"], metrics::test::kWall0 + 900);
  EXPECT_EQ(md["request_end_ns"], metrics::test::kWall0 + 2510);  // end_ns: no raw responses
  EXPECT_EQ(md["benchmark_phase"], "profiling");
  for (const char* absent : {"cancellation_time_ns", "parent_correlation_id"}) {
    EXPECT_FALSE(md.contains(absent)) << absent;
  }
  for (auto it = md.begin(); it != md.end(); ++it) EXPECT_FALSE(it->is_null()) << it.key();
  const auto& m = j["metrics"];
  EXPECT_DOUBLE_EQ(m["time_to_first_token"]["value"].get<double>(), 0.0005);
  EXPECT_EQ(m["time_to_first_token"]["unit"], "ms");
  EXPECT_EQ(m["input_sequence_length"].dump(), R"({"value":100,"unit":"tokens"})");
  EXPECT_EQ(m["inter_chunk_latency"]["value"].size(), 1u);
  EXPECT_FALSE(m.contains("request_count"));          // NO_INDIVIDUAL_RECORDS
  EXPECT_FALSE(m.contains("min_request_timestamp"));  // INTERNAL
  EXPECT_FALSE(m.contains("credit_drop_latency"));    // INTERNAL
  EXPECT_FALSE(j.contains("error"));

  EXPECT_FALSE(md.contains("token_split"));
  r.token_split = record::ProcessedRecord::TokenSplit::kStream;  // --use-server-token-count
  EXPECT_EQ(
      ordered_json::parse(JsonlWriter::render_line(r, values, ctx))["metadata"]["token_split"],
      "stream");

  auto e = metrics::test::make_error(0, 503, "Service Unavailable", "down");
  e.input_tokens = 9;
  const auto ej =
      ordered_json::parse(JsonlWriter::render_line(e, metrics::test::compute(e, ctx), ctx));
  EXPECT_EQ(ej["metrics"].dump(), R"({"error_isl":{"value":9,"unit":"tokens"}})");
  EXPECT_EQ(ej["error"].dump(), R"({"code":503,"type":"Service Unavailable","message":"down"})");

  // Absent parts of an error are left out too; so are the ack and credit times never taken.
  auto bare = metrics::test::make_error(0, 0, "", "connection refused");
  bare.error->code.reset();
  bare.ack_ns = 0;
  bare.credit_ns = 0;
  const auto bj =
      ordered_json::parse(JsonlWriter::render_line(bare, metrics::test::compute(bare, ctx), ctx));
  EXPECT_EQ(bj["error"].dump(), R"({"message":"connection refused"})");
  EXPECT_FALSE(bj["metadata"].contains("request_ack_ns"));
  EXPECT_FALSE(bj["metadata"].contains("credit_issued_ns"));
}

TEST(Jsonl, WriterSkipsWarmupAndWritesLines) {
  const auto ctx = context(false);
  const std::string path = ::testing::TempDir() + "/aiperf_jsonl_test/profile_export.jsonl";
  {
    JsonlWriter w(path, ctx);
    auto r = make_record(0, {100}, 3, 5);
    w.write(r, metrics::test::compute(r, ctx));
    auto warm = r;
    warm.phase = record::Phase::kWarmup;
    w.write(warm, metrics::test::compute(warm, ctx));
    w.close();
    EXPECT_EQ(w.lines_written(), 1);
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  ASSERT_NE(f, nullptr);
  char buf[4096];
  const size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  const std::string text(buf, n);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);
  EXPECT_NE(text.find("\"request_latency\""), std::string::npos);
}

// While an I/O thread keeps a schedule, the file is written 64 KB at a time (a long write(2)
// keeps the core from the I/O thread where the kernel does not preempt); otherwise the lines
// stay in the 1 MB stdio buffer until it is full or the file closes.
TEST(Jsonl, WritesInSlicesOnlyWhileAnIoThreadKeepsASchedule) {
  const auto ctx = context(false);
  const std::string dir = ::testing::TempDir() + "/aiperf_jsonl_sliced";
  std::filesystem::remove_all(dir);
  auto r = make_record(0, {100}, 3, 5);
  const auto values = metrics::test::compute(r, ctx);
  const size_t line = JsonlWriter::render_line(r, values, ctx).size() + 1;
  const int lines = int((100u << 10) / line);  // ~100 KB: more than a slice, less than 1 MB
  bool raised = false;
  auto written = [&](const std::string& name, bool scheduled) {
    const std::string path = dir + "/" + name;
    affinity::SendBoost boost;
    std::promise<void> attached, done;
    std::thread io([&] {
      boost.attach();
      attached.set_value();
      done.get_future().wait();
    });
    attached.get_future().wait();
    if (scheduled) boost.add();
    raised = boost.raised();
    JsonlWriter w(path, ctx, false);  // lines rendered as they come
    for (int i = 0; i < lines; ++i) w.write(r, values);
    const auto on_disk = std::filesystem::file_size(path);
    if (scheduled) boost.remove();
    done.set_value();
    io.join();
    w.close();
    EXPECT_EQ(std::filesystem::file_size(path), size_t(lines) * line);
    return on_disk;
  };
  EXPECT_EQ(written("closed_loop.jsonl", false), 0u);
  affinity::set_role_tuning(true);
  const auto sliced = written("scheduled.jsonl", true);
  if (!raised) GTEST_SKIP() << "the I/O thread could not be raised here";
  EXPECT_GE(sliced, 64u << 10);
  EXPECT_LT(sliced, (64u << 10) + line);  // one slice: the rest is in the buffer
}

TEST(RawJsonl, RedactsHeadersAndKeepsPayload) {
  auto cfg = secret_config();
  auto r = make_record(0, {100, 200}, 2);
  r.payload = R"({"model":"m","stream":true})";
  r.raw_responses = {{100, R"({"choices":[]})"}, {200, "[DONE]"}};
  r.http_status = 200;
  const std::string line = RawJsonlWriter::render_line(r, cfg);
  EXPECT_EQ(line.find("sk-SECRET"), std::string::npos);
  const auto j = ordered_json::parse(line);
  EXPECT_EQ(j["payload"]["model"], "m");
  EXPECT_EQ(j["status"], 200);
  EXPECT_EQ(j["responses"].size(), 2u);
  EXPECT_EQ(j["responses"][1]["packets"][0]["value"], "[DONE]");
  EXPECT_EQ(j["request_headers"]["Authorization"], "<redacted>");
  EXPECT_EQ(j["request_headers"]["X-Trace"], "ok");
}

TEST(Console, MainTableRowsOrderAndFormat) {
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);
  const std::string t = render_metrics_table(res, ctx);
  EXPECT_EQ(t.find("aiperf (C++) | LLM Metrics"), t.find_first_not_of(' '));
  EXPECT_NE(t.find("┏"), std::string::npos);
  const std::vector<std::string> order{
      "Time to First Token (ms)",          "Time to Second Token (ms)",
      "Time to First Output Token (ms)",   "Request Latency (ms)",
      "Inter Token Latency (ms)",          "Output Token Throughput Per User",
      "E2E Output Token Throughput",       "Output Sequence Length (tokens)",
      "Input Sequence Length (tokens)",    "Output Token Throughput (tokens/sec)",
      "Request Throughput (requests/sec)", "Request Count (requests)"};
  size_t pos = 0;
  for (const auto& row : order) {
    const size_t at = t.find(row, pos);
    ASSERT_NE(at, std::string::npos) << row;
    pos = at;
  }
  // Header over 30 characters: the unit goes to the next line.
  EXPECT_NE(t.find("Output Token Throughput Per User │"), std::string::npos);
  EXPECT_NE(t.find("(tokens/sec/user) │"), std::string::npos);
  // Hidden, error-only and extension metrics are not in the AIPerf table.
  EXPECT_EQ(t.find("Error Request Count"), std::string::npos);
  EXPECT_EQ(t.find("Inter Chunk"), std::string::npos);
  EXPECT_EQ(t.find("Send Lateness"), std::string::npos);
  EXPECT_EQ(t.find("Benchmark Duration"), std::string::npos);
  // Values with two decimals; aggregates show N/A for missing stats.
  EXPECT_NE(t.find(" 750.00 "), std::string::npos);
  const size_t count_row = t.find("Request Count (requests)");
  const std::string rest = t.substr(count_row, t.find('\n', count_row) - count_row);
  EXPECT_NE(rest.find("2.00"), std::string::npos);
  EXPECT_NE(rest.find("N/A"), std::string::npos);
  // Every line of the box has the same width.
  size_t width = 0, line_start = t.find('\n') + 1;
  while (line_start < t.size()) {
    const size_t end = t.find('\n', line_start);
    std::string line = t.substr(line_start, end - line_start);
    size_t w = 0;
    for (unsigned char c : line) w += (c & 0xC0) != 0x80;
    if (width == 0) width = w;
    EXPECT_EQ(w, width) << line;
    line_start = end + 1;
  }
}

TEST(Console, GroupedThousandsAndErrorTable) {
  TextTable t;
  t.columns = {{"A", TextTable::Justify::kRight}, {"B", TextTable::Justify::kLeft}};
  t.rows = {{"1", "left"}, {"22", "x"}};
  EXPECT_EQ(t.render(),
            "┏━━━━┳━━━━━━┓\n"
            "┃  A ┃ B    ┃\n"
            "┡━━━━╇━━━━━━┩\n"
            "│  1 │ left │\n"
            "│ 22 │ x    │\n"
            "└────┴──────┘\n");
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);
  const std::string e = render_error_summary(res);
  EXPECT_NE(e.find("aiperf (C++) | Error Summary"), std::string::npos);
  EXPECT_NE(e.find("│  500 │ Internal Server Error │ boom, again │     1 │"), std::string::npos)
      << e;
}

TEST(Console, WarningsOnlyWhenCountsPositive) {
  auto ctx = context(false);
  metrics::Aggregator agg(ctx);
  auto r = make_record(0, {kSec}, 50, 100);
  r.requested_osl = 100;
  agg.add(r);
  auto ok = make_record(kSec, {2 * kSec}, 100, 100);
  ok.requested_osl = 100;
  agg.add(ok);
  const auto res = agg.finish();
  const std::string w = render_osl_mismatch_warning(res, ctx);
  EXPECT_NE(w.find("Output Sequence Length Mismatch Warning"), std::string::npos);
  EXPECT_NE(w.find("1 of 2 requests (50.0%)"), std::string::npos);
  EXPECT_NE(w.find("Average mismatch: -25.0%"), std::string::npos);
  EXPECT_TRUE(render_usage_discrepancy_warning(res, ctx).empty());

  metrics::Aggregator clean(ctx);
  clean.add(ok);
  EXPECT_TRUE(render_osl_mismatch_warning(clean.finish(), ctx).empty());
}

// Before, the warning blamed an early end-of-sequence even for outputs longer than requested.
TEST(Console, OslMismatchWarningSaysWhichWayAndTheCausesThatFit) {
  auto ctx = context(false);
  auto requested = [](record::ProcessedRecord r) {
    r.requested_osl = 100;
    return r;
  };
  // Longer only, with reasoning in the output: reasoning and max_tokens causes, no EOS advice.
  metrics::Aggregator longer(ctx);
  auto r1 = requested(make_record(0, {kSec}, 120));  // OSL 180 = 120 output + 60 reasoning
  r1.reasoning_tokens = 60;
  longer.add(r1);
  longer.add(requested(make_record(0, {kSec}, 100)));
  std::string w = render_osl_mismatch_warning(longer.finish(), ctx);
  EXPECT_NE(w.find("1 longer, 0 shorter"), std::string::npos) << w;
  EXPECT_NE(w.find("reasoning tokens are counted in OSL"), std::string::npos) << w;
  EXPECT_NE(w.find("ignored max_tokens"), std::string::npos) << w;
  EXPECT_NE(w.find("counts more tokens"), std::string::npos) << w;
  EXPECT_EQ(w.find("end-of-sequence"), std::string::npos) << w;

  // Shorter only: EOS and the tokenizer; with --use-server-token-count not the tokenizer.
  ctx.use_server_token_count = true;
  metrics::Aggregator shorter(ctx);
  shorter.add(requested(make_record(0, {kSec}, 40)));
  w = render_osl_mismatch_warning(shorter.finish(), ctx);
  EXPECT_NE(w.find("0 longer, 1 shorter"), std::string::npos) << w;
  EXPECT_NE(w.find("end-of-sequence"), std::string::npos) << w;
  EXPECT_EQ(w.find("ignored max_tokens"), std::string::npos) << w;
  EXPECT_EQ(w.find("tokenizer is not"), std::string::npos) << w;
  EXPECT_EQ(w.find("reasoning tokens are counted"), std::string::npos) << w;
}

// Lateness of a millisecond, or a machine that kept the client's threads waiting for a core,
// is a problem, not "kept up" (issue 15).
TEST(Console, ClientHealthCallsMillisecondLatenessAndABusyMachineProblems) {
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);  // send lateness p99 0.003 ms
  ClientSelfStats s;
  s.requests = 3;
  s.worker_thread_utilization = {0.3};
  s.on_cpu_ms = 200;
  s.run_queue_wait_ms = 10;  // 5 %: a quiet machine
  ClientHealth h = assess_client_health(s, res);
  EXPECT_FALSE(h.client_bottleneck) << h.reason;
  EXPECT_NE(h.reason.find("kept up"), std::string::npos);
  ASSERT_TRUE(h.run_queue_wait_ratio);
  EXPECT_DOUBLE_EQ(*h.run_queue_wait_ratio, 0.05);

  s.run_queue_wait_ms = 80;  // 40 % of the time on a CPU
  s.involuntary_context_switches = 1234;
  h = assess_client_health(s, res);
  EXPECT_TRUE(h.client_bottleneck);
  EXPECT_NE(h.reason.find("the machine was busy"), std::string::npos) << h.reason;
  EXPECT_NE(h.reason.find("waited 80 ms"), std::string::npos) << h.reason;
  EXPECT_NE(h.reason.find("1234 involuntary"), std::string::npos) << h.reason;
  EXPECT_EQ(h.reason.find("ulimit -e"), std::string::npos) << h.reason;
  s.latency_boost_refused = true;  // and the I/O threads could not outrank the other processes
  EXPECT_NE(
      assess_client_health(s, res).reason.find("(allow it with `ulimit -e 30` or CAP_SYS_NICE)"),
      std::string::npos);
  s.latency_boost_refused = false;
  const std::string c = render_client_section(res, &h);
  EXPECT_NE(c.find("WARNING: the client was the bottleneck"), std::string::npos);
  EXPECT_NE(c.find("waited 80.0 ms for a CPU core"), std::string::npos) << c;

  s.on_cpu_ms = 20;  // a short run: 20 ms is under the floor below which waits are noise
  s.run_queue_wait_ms = 15;
  EXPECT_FALSE(assess_client_health(s, res).client_bottleneck);

  ClientSelfStats none;  // a kernel without schedstat: no fields, no verdict from them
  none.requests = 3;
  none.worker_thread_utilization = {0.3};
  EXPECT_FALSE(assess_client_health(none, res).run_queue_wait_ms);
}

// A just-in-time dataset renderer behind the schedule is named, with its cost (issue 15).
TEST(Console, ClientHealthNamesADatasetRendererBehindTheSchedule) {
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);  // send lateness p99 0.003 ms
  ClientHealth h;
  ClientSelfStats jit;
  jit.requests = 3;
  jit.worker_thread_utilization = {0.3};
  jit.dataset_sessions = 1000;
  jit.dataset_cpu_ns = 70'000'000;
  h = assess_client_health(jit, res);
  EXPECT_FALSE(h.client_bottleneck) << h.reason;
  ASSERT_TRUE(h.dataset_cpu_us_per_session);
  EXPECT_DOUBLE_EQ(*h.dataset_cpu_us_per_session, 70.0);
  jit.dataset_stalls = 12;
  h = assess_client_health(jit, res);
  EXPECT_TRUE(h.client_bottleneck);
  EXPECT_NE(h.reason.find("renderer fell behind the schedule 12 times (70 us"), std::string::npos)
      << h.reason;
  EXPECT_NE(h.reason.find("--num-dataset-entries"), std::string::npos) << h.reason;
}

TEST(Console, ClientSectionSaysWhenClientWasBottleneck) {
  const auto ctx = context(true);
  const auto res = streaming_results(ctx);
  ClientSelfStats s;
  s.cpu_ns = 30'000;
  s.requests = 3;
  s.worker_thread_utilization = {0.2, 0.95};
  const ClientHealth h = assess_client_health(s, res);
  EXPECT_DOUBLE_EQ(h.cpu_us_per_request, 10.0);
  EXPECT_DOUBLE_EQ(h.worker_thread_cpu_utilization, 0.95);
  EXPECT_TRUE(h.client_bottleneck);
  ASSERT_TRUE(h.send_lateness_max_ms);
  EXPECT_DOUBLE_EQ(*h.send_lateness_max_ms, 0.003);
  const std::string c = render_client_section(res, &h);
  EXPECT_NE(c.find("aiperf-C++ | Client"), std::string::npos);
  EXPECT_NE(c.find("Send Lateness (ms)"), std::string::npos);
  EXPECT_NE(c.find("WARNING: the client was the bottleneck"), std::string::npos);

  s.worker_thread_utilization = {0.3};
  const ClientHealth fine = assess_client_health(s, res);
  EXPECT_FALSE(fine.client_bottleneck);
  EXPECT_NE(render_client_section(res, &fine).find("Client bottleneck: no"), std::string::npos);
  const std::string all = render_console(res, ctx, &fine, {{"JSON Export", "a.json"}});
  EXPECT_LT(all.find("Error Summary"), all.find("LLM Metrics"));
  EXPECT_LT(all.find("LLM Metrics"), all.find("Client"));
  EXPECT_NE(all.find("JSON Export: a.json\n"), std::string::npos);
}

}  // namespace
}  // namespace aiperf::exporter
