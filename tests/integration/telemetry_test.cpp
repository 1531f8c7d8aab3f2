// Telemetry beside real runs (docs/telemetry.md): aiperf against the mock server writes the three
// server-metrics files, its cross-check agrees with the mock's ground truth exactly, the mock's
// DCGM-shaped endpoint feeds GPU telemetry whose energy figures are differences of the counter
// readings it served, NVML through the fake libnvidia-ml.so.1, and bad metrics URLs cost one
// warning while the benchmark completes. Real exporters from Debian (prometheus-node-exporter,
// prometheus) are scraped, and prometheus scrapes the mock, when they are installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "aiperf/dataset/public/parquet.h"
#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using json = nlohmann::json;

struct TelRun {
  CommandResult result;
  std::string dir;
  json summary() const { return json::parse(read_file(dir + "/profile_export_aiperf.json")); }
  bool has(const std::string& file) const { return access((dir + "/" + file).c_str(), F_OK) == 0; }
};

/// aiperf profile with `args`; `env` entries ("NAME=value") go in front through env(1).
TelRun profile(const std::vector<std::string>& args, const std::vector<std::string>& env = {},
               int timeout_s = 120) {
  TelRun r;
  r.dir = make_temp_dir("aiperf-telemetry");
  std::vector<std::string> argv;
  if (!env.empty()) {
    argv.push_back("env");
    argv.insert(argv.end(), env.begin(), env.end());
  }
  for (const char* a : {AIPERF_BIN, "profile", "--ui", "none", "--artifact-dir"}) argv.push_back(a);
  argv.push_back(r.dir);
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, timeout_s);
  return r;
}

int count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

/// Python's naive local isoformat() (the summary's start_time / end_time) to epoch ns.
int64_t local_iso_to_ns(const std::string& s) {
  std::tm tm{};
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  tm.tm_isdst = -1;
  int64_t sec = int64_t(mktime(&tm));
  int64_t us = 0;
  if (rest && *rest == '.')
    us = std::stoll(std::string(rest + 1) + std::string(6 - std::string(rest + 1).size(), '0'));
  return sec * 1'000'000'000 + us * 1000;
}

const json* find_series_metric(const json& sm, const std::string& name) {
  if (!sm["metrics"].contains(name)) return nullptr;
  return &sm["metrics"][name];
}

/// server_metrics_export.parquet read back: AIPerf's columns, the token counter's last row equal
/// to the mock's ground truth, the TTFT histogram's last +Inf row equal to the request count,
/// the run's benchmark_id in the metadata.
void expect_parquet_agrees(const std::string& path, const json& summary, double gt_tokens) {
  using dataset::parquet::Value;
  const auto f = dataset::parquet::File::open(path);
  const auto cols = f.columns();
  ASSERT_GE(cols.size(), 11u);
  EXPECT_EQ(std::vector<std::string>(cols.begin(), cols.begin() + 6),
            (std::vector<std::string>{"endpoint_url", "metric_name", "metric_type", "unit",
                                      "description", "timestamp_ns"}));
  EXPECT_EQ(std::vector<std::string>(cols.end() - 5, cols.end()),
            (std::vector<std::string>{"value", "sum", "count", "bucket_le", "bucket_count"}));
  EXPECT_TRUE(f.has_column("model_name"));
  const auto name = f.read_column("metric_name");
  const auto value = f.read_column("value");
  const auto le = f.read_column("bucket_le");
  const auto bucket = f.read_column("bucket_count");
  double last_tokens = -1, last_ttft_inf = -1;
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i].bytes == "vllm:generation_tokens") last_tokens = value[i].real;
    if (name[i].bytes == "vllm:time_to_first_token_seconds" && le[i].bytes == "+Inf") {
      last_ttft_inf = bucket[i].real;
    }
  }
  EXPECT_EQ(last_tokens, gt_tokens);
  EXPECT_EQ(last_ttft_inf, 32.0);
  std::map<std::string, std::string> meta(f.key_value_metadata().begin(),
                                          f.key_value_metadata().end());
  EXPECT_EQ(meta["aiperf.benchmark_id"], summary["benchmark_id"].get<std::string>());
  EXPECT_EQ(meta["aiperf.concurrency"], "4");
  EXPECT_EQ(meta["aiperf.model_names"], R"(["mock-model"])");
}

TEST(Telemetry, ServerMetricsFilesAndExactCrossCheckAgainstTheMock) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock(
      {"--metrics-family", "vllm", "--ttft", "15", "--itl", "2", "--record-requests", gt});
  TelRun run = profile({"-m",
                        "mock-model",
                        "--url",
                        mock.url(),
                        "--streaming",
                        "--concurrency",
                        "4",
                        "--request-count",
                        "32",
                        "--warmup-request-count",
                        "4",
                        "--osl",
                        "16",
                        "--isl",
                        "50",
                        "--server-metrics-formats",
                        "json",
                        "csv",
                        "jsonl",
                        "parquet",
                        "--gpu-telemetry",
                        mock.url() + "/dcgm1/metrics"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  ASSERT_TRUE(run.has("server_metrics_export.json"));
  ASSERT_TRUE(run.has("server_metrics_export.parquet"));
  ASSERT_TRUE(run.has("server_metrics_export.csv"));
  ASSERT_TRUE(run.has("server_metrics_export.jsonl"));
  ASSERT_TRUE(run.has("gpu_telemetry_export.jsonl"));
  // Ground truth: the profiling requests are the last 32 the mock served (warmup came first).
  auto truth = read_jsonl(gt);
  ASSERT_EQ(truth.size(), 36u);
  double gt_tokens = 0;
  for (size_t i = 4; i < truth.size(); ++i) {
    gt_tokens +=
        truth[i]["output_tokens"].get<double>() + truth[i]["reasoning_tokens"].get<double>();
  }
  json sm = json::parse(read_file(run.dir + "/server_metrics_export.json"));
  EXPECT_EQ(sm["schema_version"], "1.0");
  json summary = run.summary();
  EXPECT_EQ(sm["benchmark_id"], summary["benchmark_id"]);
  const json* gen = find_series_metric(sm, "vllm:generation_tokens");
  ASSERT_TRUE(gen);
  EXPECT_EQ((*gen)["type"], "counter");
  EXPECT_EQ((*gen)["series"][0]["stats"]["total"].get<double>(), gt_tokens);
  const json* ttft = find_series_metric(sm, "vllm:time_to_first_token_seconds");
  ASSERT_TRUE(ttft);
  EXPECT_EQ((*ttft)["series"][0]["stats"]["count"], 32);
  EXPECT_EQ((*ttft)["series"][0]["buckets"]["+Inf"], 32);
  // The cross-check in profile_export_aiperf.json: exact for tokens and requests.
  ASSERT_TRUE(summary.contains("server_metrics_cross_check"));
  std::map<std::string, json> checks;
  for (const auto& c : summary["server_metrics_cross_check"]) checks[c["quantity"]] = c;
  EXPECT_EQ(checks["output_tokens"]["server"].get<double>(), gt_tokens);
  EXPECT_EQ(checks["output_tokens"]["client"].get<double>(), gt_tokens);
  EXPECT_EQ(checks["output_tokens"]["difference"].get<double>(), 0.0);
  EXPECT_EQ(checks["requests"]["server"].get<double>(), 32.0);
  EXPECT_EQ(checks["requests"]["difference"].get<double>(), 0.0);
  EXPECT_NE(run.result.out.find("Server vs Client"), std::string::npos);
  EXPECT_NE(run.result.out.find("Server Metrics | vLLM"), std::string::npos);
  // Every JSONL line is one scrape of the one endpoint.
  auto lines = read_jsonl(run.dir + "/server_metrics_export.jsonl");
  ASSERT_GE(lines.size(), 3u);
  for (const auto& l : lines) {
    EXPECT_EQ(l["endpoint_url"], mock.url() + "/metrics");
    EXPECT_TRUE(l["metrics"].contains("vllm:num_requests_running"));
  }
  std::string csv = read_file(run.dir + "/server_metrics_export.csv");
  EXPECT_NE(csv.find("Endpoint,Type,Metric,Unit,total,rate"), std::string::npos);
  expect_parquet_agrees(run.dir + "/server_metrics_export.parquet", summary, gt_tokens);

  // GPU telemetry from the DCGM-shaped endpoint: the energy total is the difference of two
  // readings of the mock's counter (the last scrape before the phase and a closing one after).
  ASSERT_TRUE(summary.contains("telemetry_data"));
  EXPECT_EQ(summary["telemetry_data"]["endpoints"].size(), 1u);
  const double energy_j = summary["total_gpu_energy"]["avg"];
  const int64_t start = local_iso_to_ns(summary["start_time"]);
  const int64_t end = local_iso_to_ns(summary["end_time"]);
  std::map<int64_t, double> scrape_energy_mj;  // scrape time -> Σ over GPUs (MJ)
  for (const auto& l : read_jsonl(run.dir + "/gpu_telemetry_export.jsonl")) {
    EXPECT_EQ(l["dcgm_url"], mock.url() + "/dcgm1/metrics");
    scrape_energy_mj[l["timestamp_ns"]] += l["telemetry_data"]["energy_consumption"].get<double>();
  }
  double reference = NAN;
  for (const auto& [t, e] : scrape_energy_mj) {
    if (t < start) reference = e;
  }
  ASSERT_TRUE(std::isfinite(reference));
  bool matched = false;
  for (const auto& [t, e] : scrape_energy_mj) {
    if (t >= end && std::fabs((e - reference) * 1e6 - energy_j) < 1e-3) matched = true;
  }
  EXPECT_TRUE(matched) << "total_gpu_energy " << energy_j << " J is no counter difference";
  ASSERT_TRUE(summary.contains("energy_per_output_token"));
  EXPECT_NEAR(summary["energy_per_output_token"]["avg"].get<double>(),
              energy_j / summary["total_output_tokens"]["avg"].get<double>(), 1e-9);
  EXPECT_NE(read_file(run.dir + "/profile_export_aiperf.csv").find("GPU_Index"), std::string::npos);
}

TEST(Telemetry, DynamoFrontendAndWorkersScrapedTogether) {
  MockServerProcess mock({"--metrics-family", "dynamo", "--ttft", "10", "--itl", "1"});
  TelRun run = profile({"-m", "mock-model", "--url", mock.url(), "--streaming", "--concurrency",
                        "4", "--request-count", "24", "--warmup-request-count", "4", "--osl", "8",
                        "--server-metrics", mock.url() + "/dynamo_component/prefill/metrics",
                        mock.url() + "/dynamo_component/decode/metrics"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  json sm = json::parse(read_file(run.dir + "/server_metrics_export.json"));
  EXPECT_EQ(sm["summary"]["endpoints_successful"].size(), 3u);
  // The workers' request counters, one series per worker endpoint, each the profiling phase's
  // requests: every request passed through prefill, then decode.
  const json* reqs = find_series_metric(sm, "dynamo_component_requests");
  ASSERT_TRUE(reqs);
  ASSERT_EQ((*reqs)["series"].size(), 2u);
  std::map<std::string, double> by_worker;
  for (const auto& s : (*reqs)["series"]) {
    by_worker[s["labels"]["dynamo_component"].get<std::string>()] = s["stats"]["total"];
    EXPECT_NE(s["endpoint_url"].get<std::string>().find("/dynamo_component/"), std::string::npos);
  }
  EXPECT_EQ(by_worker["prefill"], 24.0);
  EXPECT_EQ(by_worker["decode"], 24.0);
  // The cross-check counts the frontend's requests only (no double counting of the workers).
  const json summary = run.summary();
  std::map<std::string, json> checks;
  for (const auto& c : summary["server_metrics_cross_check"]) checks[c["quantity"]] = c;
  ASSERT_TRUE(checks.count("requests"));
  EXPECT_EQ(checks["requests"]["server"].get<double>(), 24.0);
  EXPECT_EQ(checks["requests"]["server_metric"], "dynamo_frontend_requests");
  EXPECT_NE(run.result.out.find("Server Metrics | Dynamo"), std::string::npos);
  EXPECT_NE(run.result.out.find("Worker prefill: request time"), std::string::npos)
      << run.result.out;
  EXPECT_NE(run.result.out.find("Worker decode: KV-cache use"), std::string::npos);
}

TEST(Telemetry, UnreachableAndNonPrometheusUrlsAreOneWarningEach) {
  MockServerProcess mock({"--fast"});
  FileServer files;
  files.set("/page", "<html><body>not metrics</body></html>\n");
  const std::string dead = "http://127.0.0.1:" + std::to_string(free_port()) + "/metrics";
  TelRun run = profile({"-m", "mock-model", "--url", mock.url(), "--request-count", "5",
                        "--server-metrics", dead, files.url() + "/page"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(count(run.result.err, "cannot read " + dead), 1) << run.result.err;
  EXPECT_EQ(count(run.result.err, files.url() + "/page is not a Prometheus endpoint (line 1"), 1)
      << run.result.err;
  EXPECT_EQ(count(run.result.err, "warning: server metrics"), 2) << run.result.err;
  json sm = json::parse(read_file(run.dir + "/server_metrics_export.json"));
  EXPECT_EQ(sm["summary"]["endpoints_configured"].size(), 3u);
  EXPECT_EQ(sm["summary"]["endpoints_successful"],
            json::array({mock.url() + "/metrics"}));  // the mock's own /metrics still counted
  EXPECT_TRUE(sm["metrics"].contains("aiperf_mock_requests"));
}

TEST(Telemetry, TimeSlicesAddUpAndEveryStudyRunHasItsOwnExports) {
  MockServerProcess mock({"--metrics-family", "vllm", "--ttft", "20", "--itl", "10"});
  TelRun run = profile({"-m", "mock-model", "--url", mock.url(), "--streaming", "--concurrency",
                        "2", "--request-count", "12", "--osl", "16", "--slice-duration", "0.25",
                        "--num-profile-runs", "2", "--profile-run-cooldown-seconds", "0"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  for (const char* r : {"run_0001", "run_0002"}) {
    const std::string dir = run.dir + "/profile_runs/" + r;
    ASSERT_EQ(access((dir + "/server_metrics_export.json").c_str(), F_OK), 0) << r;
    json sm = json::parse(read_file(dir + "/server_metrics_export.json"));
    const json& gen = sm["metrics"]["vllm:generation_tokens"]["series"][0];
    ASSERT_TRUE(gen.contains("timeslices")) << gen.dump();
    double sum = 0;
    for (const json& sl : gen["timeslices"]) {
      EXPECT_LT(sl["start_ns"].get<int64_t>(), sl["end_ns"].get<int64_t>());
      sum += sl["total"].get<double>();
    }
    EXPECT_NEAR(sum, gen["stats"]["total"].get<double>(), 1e-9);
    EXPECT_GT(gen["stats"]["total"].get<double>(), 0.0);
    EXPECT_TRUE(gen["stats"].contains("rate_avg"));
    const json& ttft = sm["metrics"]["vllm:time_to_first_token_seconds"]["series"][0];
    int64_t count = 0;
    for (const json& sl : ttft["timeslices"]) count += sl["count"].get<int64_t>();
    EXPECT_EQ(count, 12);
  }
}

TEST(Telemetry, TrtllmJsonMetricsFallBackToPrometheusPath) {
  MockServerProcess mock({"--fast", "--metrics-family", "trtllm"});
  TelRun run = profile(
      {"-m", "mock-model", "--url", mock.url(), "--request-count", "6", "--concurrency", "2"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(count(run.result.err, "warning: server metrics"), 0) << run.result.err;
  json sm = json::parse(read_file(run.dir + "/server_metrics_export.json"));
  EXPECT_EQ(sm["summary"]["endpoints_successful"],
            json::array({mock.url() + "/prometheus/metrics"}));
  EXPECT_EQ(sm["metrics"]["trtllm:request_success"]["series"].size(), 2u);  // stop, length
}

TEST(Telemetry, OffSwitchesWriteNothing) {
  MockServerProcess mock({"--fast"});
  TelRun run = profile({"-m", "mock-model", "--url", mock.url(), "--request-count", "3",
                        "--no-server-metrics", "--no-gpu-telemetry"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_FALSE(run.has("server_metrics_export.json"));
  EXPECT_FALSE(run.has("gpu_telemetry_export.jsonl"));
  EXPECT_FALSE(run.summary().contains("telemetry_data"));
  TelRun both = profile(
      {"-m", "mock-model", "--url", mock.url(), "--no-server-metrics", "--server-metrics", "h:1"});
  EXPECT_EQ(both.result.exit_code, 2);
  EXPECT_NE(both.result.err.find("Cannot use both --no-server-metrics and --server-metrics"),
            std::string::npos);
}

TEST(Telemetry, NvmlModeThroughTheFakeLibrary) {
  MockServerProcess mock({"--ttft", "5", "--itl", "2"});
  TelRun run = profile({"-m", "mock-model", "--url", mock.url(), "--streaming", "--request-count",
                        "20", "--concurrency", "2", "--osl", "8", "--gpu-telemetry", "pynvml"},
                       {std::string("LD_LIBRARY_PATH=") + FAKE_NVML_DIR});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  json s = run.summary();
  ASSERT_TRUE(s.contains("telemetry_data")) << run.result.err;
  const json& gpus = s["telemetry_data"]["endpoints"]["pynvml://localhost"]["gpus"];
  ASSERT_EQ(gpus.size(), 2u);
  EXPECT_EQ(gpus["gpu_1"]["gpu_name"], "NVIDIA Fake GPU 1");
  EXPECT_DOUBLE_EQ(gpus["gpu_1"]["metrics"]["gpu_power_usage"]["avg"].get<double>(), 110.0);
  EXPECT_DOUBLE_EQ(s["total_gpu_power"]["avg"].get<double>(), 210.0);
  // SM utilization through GPM on GPU 0 (the fake's 60 %); GPU 1 has no GPM: the sum over its
  // processes (20 % + 25 %).
  EXPECT_DOUBLE_EQ(gpus["gpu_0"]["metrics"]["sm_utilization"]["avg"].get<double>(), 60.0);
  EXPECT_DOUBLE_EQ(gpus["gpu_1"]["metrics"]["sm_utilization"]["avg"].get<double>(), 45.0);
  EXPECT_TRUE(s.contains("energy_per_output_token"));
  EXPECT_NE(run.result.out.find("GPU Telemetry | GPU 1 | NVIDIA Fake GPU 1"), std::string::npos);
  auto lines = read_jsonl(run.dir + "/gpu_telemetry_export.jsonl");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0]["dcgm_url"], "pynvml://localhost");
  // Without the library: one clear line, and the benchmark completes.
  if (access("/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", F_OK) == 0) return;  // a real one
  TelRun none = profile({"-m", "mock-model", "--url", mock.url(), "--request-count", "3",
                         "--gpu-telemetry", "pynvml"},
                        {"LD_LIBRARY_PATH=/nonexistent"});
  ASSERT_EQ(none.result.exit_code, 0) << none.result.err;
  EXPECT_EQ(count(none.result.err, "GPU telemetry (pynvml): cannot load libnvidia-ml.so.1"), 1)
      << none.result.err;
  EXPECT_FALSE(none.summary().contains("telemetry_data"));
}

TEST(Telemetry, AmdSmiModeThroughTheFakeLibrary) {
  MockServerProcess mock({"--ttft", "5", "--itl", "2"});
  TelRun run = profile({"-m", "mock-model", "--url", mock.url(), "--streaming", "--request-count",
                        "20", "--concurrency", "2", "--osl", "8", "--gpu-telemetry", "amdsmi"},
                       {std::string("LD_LIBRARY_PATH=") + FAKE_AMDSMI_DIR});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  const json s = run.summary();
  ASSERT_TRUE(s.contains("telemetry_data")) << run.result.err;
  const json& gpus = s["telemetry_data"]["endpoints"]["amdsmi://localhost"]["gpus"];
  ASSERT_EQ(gpus.size(), 2u);
  EXPECT_EQ(gpus["gpu_1"]["gpu_name"], "AMD Instinct Fake 1");
  EXPECT_NEAR(gpus["gpu_1"]["metrics"]["amd_power"]["avg"].get<double>(), 600.0, 1.0);
  EXPECT_DOUBLE_EQ(gpus["gpu_0"]["metrics"]["amd_gfx_activity"]["avg"].get<double>(), 70.0);
  EXPECT_NEAR(s["total_gpu_power"]["avg"].get<double>(), 1100.0, 2.0);
  EXPECT_TRUE(s.contains("energy_per_output_token"));
  EXPECT_NE(run.result.out.find("GPU Telemetry | GPU 1 | AMD Instinct Fake 1"), std::string::npos);
  auto lines = read_jsonl(run.dir + "/gpu_telemetry_export.jsonl");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0]["dcgm_url"], "amdsmi://localhost");
  EXPECT_TRUE(lines[0]["telemetry_data"].contains("amd_energy_consumption"));
  // Without the library: one clear line, and the benchmark completes.
  if (access("/opt/rocm/lib/libamd_smi.so", F_OK) == 0) return;  // a real one
  TelRun none = profile({"-m", "mock-model", "--url", mock.url(), "--request-count", "3",
                         "--gpu-telemetry", "amdsmi"},
                        {"LD_LIBRARY_PATH=/nonexistent", "ROCM_PATH=/nonexistent"});
  ASSERT_EQ(none.result.exit_code, 0) << none.result.err;
  EXPECT_EQ(count(none.result.err, "GPU telemetry (amdsmi): cannot load libamd_smi.so"), 1)
      << none.result.err;
  EXPECT_FALSE(none.summary().contains("telemetry_data"));
}

/// A Debian exporter binary, or "" when the package is not installed.
std::string exporter_binary(const char* name) {
  std::string p = std::string("/usr/bin/") + name;
  return access(p.c_str(), X_OK) == 0 ? p : std::string();
}

TEST(Telemetry, NodeExporterIsScrapedAsServerMetrics) {
  std::string bin = exporter_binary("prometheus-node-exporter");
  if (bin.empty()) GTEST_SKIP() << "prometheus-node-exporter is not installed";
  int port = free_port();
  std::string dir = make_temp_dir("node-exporter");
  ChildProcess ne({bin, "--web.listen-address=127.0.0.1:" + std::to_string(port)}, dir + "/out.log",
                  dir + "/err.log");
  ASSERT_TRUE(wait_port(port)) << read_file(dir + "/err.log");
  MockServerProcess mock({"--ttft", "5", "--itl", "1"});
  TelRun run = profile({"-m", "mock-model", "--url", mock.url(), "--streaming", "--request-count",
                        "40", "--concurrency", "2", "--osl", "32", "--server-metrics",
                        "127.0.0.1:" + std::to_string(port)});
  ne.terminate();
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_EQ(count(run.result.err, "warning: server metrics"), 0) << run.result.err;
  json sm = json::parse(read_file(run.dir + "/server_metrics_export.json"));
  const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/metrics";
  auto series_of = [&](const char* name) -> const json* {
    if (!sm["metrics"].contains(name)) return nullptr;
    for (const auto& s : sm["metrics"][name]["series"]) {
      if (s["endpoint_url"] == url) return &s;
    }
    return nullptr;
  };
  // A counter (CPU seconds go up), a gauge (memory), an untyped family, a skipped summary.
  const json* cpu = series_of("node_cpu_seconds");
  ASSERT_TRUE(cpu);
  EXPECT_EQ(sm["metrics"]["node_cpu_seconds"]["type"], "counter");
  EXPECT_GE((*cpu)["stats"]["total"].get<double>(), 0.0);
  ASSERT_TRUE(series_of("node_memory_MemTotal_bytes"));
  EXPECT_GT(series_of("node_memory_MemTotal_bytes")->at("stats")["min"].get<double>(), 0.0);
  EXPECT_EQ(sm["metrics"]["node_memory_MemTotal_bytes"]["unit"], "bytes");
  EXPECT_FALSE(sm["metrics"].contains("go_gc_duration_seconds"));  // a summary
  bool untyped = false;
  for (auto& [name, m] : sm["metrics"].items()) untyped = untyped || m["type"] == "unknown";
  EXPECT_TRUE(untyped);
}

TEST(Telemetry, PrometheusScrapesTheMockAndIsScrapedBack) {
  std::string bin = exporter_binary("prometheus");
  if (bin.empty()) GTEST_SKIP() << "prometheus is not installed";
  MockServerProcess mock({"--ttft", "5", "--itl", "1"});
  for (int i = 0; i < 3; ++i) {
    curl(
        {"-X", "POST", mock.url() + "/v1/chat/completions", "-H", "Content-Type: application/json",
         "-d",
         R"({"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":4,"stream":true})"});
  }
  std::string dir = make_temp_dir("prometheus");
  std::string host = "127.0.0.1:" + std::to_string(mock.port());
  std::ofstream(dir + "/prometheus.yml") << "global:\n  scrape_interval: 1s\nscrape_configs:\n";
  const char* paths[] = {"/metrics",        "/vllm/metrics",     "/sglang/metrics",
                         "/trtllm/metrics", "/triton/metrics",   "/dynamo_frontend/metrics",
                         "/tgi/metrics",    "/llamacpp/metrics", "/dcgm1/metrics"};
  {
    std::ofstream cfg(dir + "/prometheus.yml", std::ios::app);
    for (const char* p : paths) {
      std::string job(p + 1);
      for (char& c : job) c = c == '/' ? '_' : c;
      cfg << "  - job_name: " << job << "\n    metrics_path: " << p
          << "\n    static_configs:\n      - targets: ['" << host << "']\n";
    }
  }
  int port = free_port();
  ChildProcess prom(
      {bin, "--config.file=" + dir + "/prometheus.yml", "--storage.tsdb.path=" + dir + "/data",
       "--web.listen-address=127.0.0.1:" + std::to_string(port)},
      dir + "/out.log", dir + "/err.log");
  ASSERT_TRUE(wait_port(port, 30000)) << read_file(dir + "/err.log");
  // Every target must be up with no scrape error: our expositions are well-formed to Prometheus.
  json targets;
  bool all_up = false;
  for (int i = 0; i < 60 && !all_up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CurlResult r = curl({"http://127.0.0.1:" + std::to_string(port) + "/api/v1/targets"});
    if (r.http_status != 200) continue;
    targets = json::parse(r.body);
    const auto& active = targets["data"]["activeTargets"];
    all_up = active.size() == std::size(paths);
    for (const auto& t : active) all_up = all_up && t["health"] == "up";
  }
  EXPECT_TRUE(all_up) << targets.dump(1);
  // And Prometheus' own /metrics (real histograms) through our collector.
  MockServerProcess mock2({"--fast"});
  TelRun run = profile({"-m", "mock-model", "--url", mock2.url(), "--request-count", "10",
                        "--server-metrics", "127.0.0.1:" + std::to_string(port)});
  prom.terminate();
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  json sm = json::parse(read_file(run.dir + "/server_metrics_export.json"));
  ASSERT_TRUE(sm["metrics"].contains("prometheus_http_request_duration_seconds"));
  EXPECT_EQ(sm["metrics"]["prometheus_http_request_duration_seconds"]["type"], "histogram");
}

}  // namespace
}  // namespace aiperf::testing
