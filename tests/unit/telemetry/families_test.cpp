// Server families and GPUs end to end without sockets: the mock's renderings of every family
// parsed, stored and summarized, detected, and cross-checked against the counts fed in; DCGM
// expositions (real fixtures and the mock's faker) mapped to GPU records with AIPerf's units;
// custom metric CSVs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>

#include <unistd.h>
#include <nlohmann/json.hpp>

#include "aiperf/mock/dcgm_faker.h"
#include "aiperf/mock/server_metrics.h"
#include "aiperf/telemetry/gpu_metrics.h"
#include "aiperf/telemetry/server_family.h"
#include "aiperf/telemetry/server_metrics.h"
#include "test_util.h"

namespace aiperf::telemetry {
namespace {

constexpr int64_t kS = 1'000'000'000;

ServerMetricsReport report_of(const EndpointStore& st, const Window& w) {
  std::map<std::string, ServerMetric> m;
  summarize_store(st, "http://h:1/metrics", w, &m);
  ServerMetricsReport rep;
  rep.endpoints_successful = {"http://h:1/metrics"};
  for (auto& [k, v] : m) {
    if (!v.series.empty()) rep.metrics.push_back(std::move(v));
  }
  return rep;
}

struct FamilyCase {
  mock::MetricsFamily mock;
  ServerFamily family;
  bool tokens, requests, ttft;
};

TEST(MockFamilies, ParsedDetectedAndCrossCheckedExactly) {
  const FamilyCase cases[] = {
      {mock::MetricsFamily::kVllm, ServerFamily::kVllm, true, true, true},
      {mock::MetricsFamily::kSglang, ServerFamily::kSglang, true, true, true},
      {mock::MetricsFamily::kTrtllm, ServerFamily::kTrtllm, false, true, true},
      {mock::MetricsFamily::kTriton, ServerFamily::kTriton, false, true, true},
      {mock::MetricsFamily::kDynamo, ServerFamily::kDynamo, true, true, true},
      {mock::MetricsFamily::kTgi, ServerFamily::kTgi, true, true, false},
      {mock::MetricsFamily::kLlamacpp, ServerFamily::kLlamacpp, true, false, false},
      {mock::MetricsFamily::kAiperf, ServerFamily::kAiperfMock, true, true, true},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(mock::to_string(c.mock));
    mock::ServerMetrics m;
    m.on_request_start(0, 10, true);  // a request from before the window (warmup)
    m.on_first_token(0, 20'000'000, 10);
    m.on_tokens(0, 3, 0);
    m.on_request_end(0, 200, 40'000'000, 10, 3, false, 10'000'000);
    EndpointStore st;
    Exposition x;
    ParseError e;
    ASSERT_TRUE(
        parse_exposition(m.render(c.mock, "mock-model", 0), ExpositionFormat::kText, &x, &e))
        << e.line << ": " << e.message;
    st.ingest(x, 1 * kS, 0);
    for (int r = 0; r < 2; ++r) {  // two requests inside the window, 4 tokens each
      m.on_request_start(0, 10, true);
      m.on_first_token(0, 25'000'000, 10);
      m.on_tokens(0, 1, 0);
      m.on_tokens(0, 3, 5'000'000);
      m.on_request_end(0, 200, 45'000'000, 10, 4, true, 15'000'000);
    }
    ASSERT_TRUE(
        parse_exposition(m.render(c.mock, "mock-model", 0), ExpositionFormat::kText, &x, &e))
        << e.line << ": " << e.message;
    st.ingest(x, 3 * kS, 0);
    ServerMetricsReport rep = report_of(st, Window{2 * kS, 3 * kS});
    auto fams = detect_families(rep);
    ASSERT_EQ(fams.size(), 1u);
    EXPECT_EQ(fams[0], c.family);
    EXPECT_FALSE(panel_rows(rep, c.family).empty());
    ClientFigures client;
    client.output_tokens = 8;
    client.requests = 2;
    client.ttft_avg_ms = 25;
    client.ttft_p50_ms = 25;
    client.ttft_p99_ms = 25;
    std::map<std::string, double> got;
    for (const CrossCheck& cc : cross_checks(rep, fams, client)) got[cc.quantity] = cc.server;
    if (c.tokens) {
      EXPECT_EQ(got["output_tokens"], 8.0);
    } else {
      EXPECT_FALSE(got.count("output_tokens"));
    }
    if (c.requests) {
      EXPECT_EQ(got["requests"], 2.0);
    } else {
      EXPECT_FALSE(got.count("requests"));
    }
    if (c.ttft) {
      EXPECT_NEAR(got["ttft_avg_ms"], 25.0, 1e-6);
      // Both in-window observations fell into one bucket in one interval: its mean is known.
      EXPECT_NEAR(got["ttft_p50_ms"], 25.0, 1e-6);
    }
  }
}

TEST(MockFamilies, DynamoWorkersFollowEachRequestAndGetPanelRows) {
  mock::ServerMetrics m;
  auto render = [&](const char* w) { return m.render_dynamo_worker(w, "mock-model"); };
  auto value = [](const std::string& text, const std::string& sample) {
    Exposition x;
    EXPECT_TRUE(test::parse_text(text, &x));
    for (const auto& s : x.samples()) {
      if (s.name == sample) return s.value;
    }
    return -1.0;
  };
  m.on_request_start(0, 32, true);  // in prefill: two KV blocks of 16 tokens
  EXPECT_EQ(value(render("prefill"), "dynamo_component_inflight_requests"), 1.0);
  EXPECT_EQ(value(render("prefill"), "dynamo_component_kvstats_active_blocks"), 2.0);
  EXPECT_EQ(value(render("decode"), "dynamo_component_inflight_requests"), 0.0);
  m.on_first_token(0, 30'000'000, 32);  // prefill done, decoding
  m.on_tokens(0, 1, 0);
  EXPECT_EQ(value(render("prefill"), "dynamo_component_inflight_requests"), 0.0);
  EXPECT_EQ(value(render("prefill"), "dynamo_component_requests_total"), 1.0);
  EXPECT_EQ(value(render("decode"), "dynamo_component_inflight_requests"), 1.0);
  EXPECT_EQ(value(render("decode"), "dynamo_component_kvstats_active_blocks"), 3.0);  // 33 tokens
  m.on_request_end(0, 200, 50'000'000, 32, 1, false, 20'000'000);
  m.on_request_start(0, 8, true);  // a request cancelled before its first token
  m.on_request_end(0, 499, 5'000'000, 8, 0, false, -1);
  const std::string pre = render("prefill"), dec = render("decode");
  EXPECT_EQ(value(pre, "dynamo_component_inflight_requests"), 0.0);
  EXPECT_EQ(value(dec, "dynamo_component_inflight_requests"), 0.0);
  EXPECT_EQ(value(pre, "dynamo_component_requests_total"), 1.0);
  EXPECT_EQ(value(dec, "dynamo_component_requests_total"), 1.0);
  EXPECT_DOUBLE_EQ(value(pre, "dynamo_component_request_duration_seconds_sum"), 0.03);
  EXPECT_DOUBLE_EQ(value(dec, "dynamo_component_request_duration_seconds_sum"), 0.02);
  EXPECT_EQ(value(dec, "dynamo_component_kvstats_active_blocks"), 0.0);

  // Both workers scraped as two endpoints: the Dynamo panel gets rows per worker.
  mock::ServerMetrics fresh;
  std::map<std::string, ServerMetric> metrics;
  for (const char* w : {"prefill", "decode"}) {
    EndpointStore st;
    Exposition x;
    ASSERT_TRUE(test::parse_text(fresh.render_dynamo_worker(w, "m"), &x));
    st.ingest(x, 1 * kS, 0);
    ASSERT_TRUE(test::parse_text(m.render_dynamo_worker(w, "m"), &x));
    st.ingest(x, 3 * kS, 0);
    summarize_store(st, std::string("http://h:1/dynamo_component/") + w + "/metrics",
                    Window{2 * kS, 3 * kS}, &metrics);
  }
  ServerMetricsReport rep;
  for (auto& [k, v] : metrics) rep.metrics.push_back(std::move(v));
  ASSERT_EQ(detect_families(rep), std::vector<ServerFamily>{ServerFamily::kDynamo});
  std::map<std::string, std::string> rows;
  for (const PanelRow& r : panel_rows(rep, ServerFamily::kDynamo)) rows[r.label] = r.value;
  EXPECT_TRUE(rows.count("KV-cache use"));
  EXPECT_TRUE(rows.count("Worker prefill: in flight"));
  EXPECT_TRUE(rows.count("Worker decode: KV-cache use"));
  ASSERT_TRUE(rows.count("Worker prefill: request time"));
  EXPECT_EQ(rows["Worker prefill: request time"].rfind("avg 30.00 ms", 0), 0u)
      << rows["Worker prefill: request time"];
  ASSERT_TRUE(rows.count("Worker decode: request time"));
  EXPECT_EQ(rows["Worker decode: request time"].rfind("avg 20.00 ms", 0), 0u);
}

TEST(DcgmMapping, T4FixtureUnitsAndIdentity) {
  Exposition x;
  ASSERT_TRUE(test::parse_text(test::fixture("dcgm_exporter_t4_datadog_fixture.prom"), &x));
  auto defs = default_gpu_metrics();
  auto recs = gpu_records_from_dcgm(x, defs);
  ASSERT_EQ(recs.size(), 1u);
  const GpuRecord& r = recs[0];
  EXPECT_EQ(r.id.gpu_index, 0);
  EXPECT_EQ(r.id.uuid, "GPU-20c56d28-0da5-6d26-a36a-e7af1ce2586e");
  EXPECT_EQ(r.id.model_name, "Tesla T4");
  EXPECT_EQ(r.id.hostname, "424773df46e0");
  auto value = [&](const char* field) -> double {
    for (size_t i = 0; i < defs.size(); ++i) {
      if (defs[i].field == field) return r.values[i];
    }
    return NAN;
  };
  EXPECT_DOUBLE_EQ(value("gpu_power_usage"), 8.969);
  EXPECT_DOUBLE_EQ(value("energy_consumption"), 128996013 * 1e-9);  // mJ -> MJ
  EXPECT_DOUBLE_EQ(value("gpu_memory_used"), 0.0);
  EXPECT_TRUE(std::isfinite(value("sm_clock")));  // DCGM_FI_DEV_SM_CLOCK, MHz
  std::string line;
  render_gpu_line(line, "http://n:9400/metrics", 123, r, defs);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["timestamp_ns"], 123);
  EXPECT_EQ(j["dcgm_url"], "http://n:9400/metrics");
  EXPECT_EQ(j["gpu_model_name"], "Tesla T4");
  EXPECT_DOUBLE_EQ(j["telemetry_data"]["gpu_power_usage"].get<double>(), 8.969);
}

TEST(DcgmMapping, EightH100sAndTheLowercaseHostnameLabel) {
  Exposition x;
  ASSERT_TRUE(test::parse_text(test::fixture("dcgm_exporter_h100_8gpu_aicr_evidence.prom"), &x));
  auto recs = gpu_records_from_dcgm(x, default_gpu_metrics());
  ASSERT_EQ(recs.size(), 8u);
  EXPECT_EQ(recs[7].id.model_name, "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(recs[0].id.hostname, "gpu-node-1");
  EXPECT_EQ(recs[0].id.namespace_.empty(), false);  // the GPU bound to a pod
  EXPECT_DOUBLE_EQ(recs[1].values[0], 68.347);
  ASSERT_TRUE(test::parse_text(
      test::fixture("dcgm_exporter_mixed_gpu_lowercase_hostname_pr736_excerpt.prom"), &x));
  recs = gpu_records_from_dcgm(x, default_gpu_metrics());
  ASSERT_EQ(recs.size(), 1u);  // GPU 2 shows only FB_FREE, which is not collected
  EXPECT_EQ(recs[0].id.hostname, "dcgm-exporter-wwwjh");
  // MPS: one device reported twice for two pods; the first series gives the identity.
  ASSERT_TRUE(
      test::parse_text(test::fixture("dcgm_exporter_a100_mps_vgpu_pr432_excerpt.prom"), &x));
  recs = gpu_records_from_dcgm(x, default_gpu_metrics());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_FALSE(recs[0].id.pod_name.empty());
}

TEST(DcgmFaker, PowerFollowsLoadAndEnergyIntegratesIt) {
  mock::DcgmOptions o;
  o.num_gpus = 2;
  o.min_throughput = 100;
  mock::DcgmFaker f(o, 1);
  auto defs = default_gpu_metrics();
  auto read = [&](int64_t t, uint64_t tokens) {
    Exposition x;
    EXPECT_TRUE(test::parse_text(f.scrape(t, tokens), &x));
    return gpu_records_from_dcgm(x, defs);
  };
  auto idle = read(0, 0);
  ASSERT_EQ(idle.size(), 2u);
  auto idle2 = read(1 * kS, 0);
  auto busy = read(2 * kS, 1000);  // 1000 tokens/s against a 100 tokens/s floor: full load
  auto busy2 = read(3 * kS, 2000);
  EXPECT_LT(idle2[0].values[0], 100.0);  // H200 idles near 70 W
  EXPECT_GT(busy2[0].values[0], 600.0);
  // The energy counter integrates the power held since the previous scrape (W * s = J; MJ).
  double e1 = busy[0].values[1], e2 = busy2[0].values[1];
  EXPECT_NEAR((e2 - e1) * 1e6, busy[0].values[0] * 1.0, 1.0);
  EXPECT_NE(idle[0].id.uuid, idle[1].id.uuid);
}

TEST(CustomGpuMetrics, CsvRowsAddFieldsWithUnitsAndSkipBadRows) {
  char path[] = "/tmp/aiperf_gpu_csv_XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "# Format: DCGM FIELD, type, help\n"
                         "DCGM_FI_DEV_MEMORY_TEMP, gauge, Memory temperature (in C)\n"
                         "DCGM_FI_DEV_POWER_MGMT_LIMIT, gauge, Power management limit (in W)\n"
                         "DCGM_FI_PROF_PIPE_TENSOR_ACTIVE, gauge, Ratio of cycles the tensor "
                         "pipe is active\n"
                         "DCGM_FI_DEV_ECC_DBE_VOL_TOTAL, counter, Double-bit errors\n"
                         "DCGM_FI_DEV_POWER_USAGE, gauge, already known\n"
                         "NOT_A_FIELD, gauge, bad\n"
                         "DCGM_FI_DEV_X, histogram, bad type\n"
                         "too, few\n";
  auto defs = default_gpu_metrics();
  size_t before = defs.size();
  load_custom_gpu_metrics(path, &defs);
  std::remove(path);
  ASSERT_EQ(defs.size(), before + 4);
  EXPECT_EQ(defs[before].field, "memory_temp");
  EXPECT_EQ(defs[before].display, "Memory Temperature");
  EXPECT_EQ(defs[before].unit, "°C");
  EXPECT_EQ(defs[before + 1].unit, "W");
  EXPECT_EQ(defs[before + 2].unit, "count");
  EXPECT_TRUE(defs[before + 3].counter);
  EXPECT_THROW(load_custom_gpu_metrics("/nonexistent/x.csv", &defs), std::exception);
}

TEST(GpuSummaries, GaugesAndCountersOverTheWindow) {
  auto defs = default_gpu_metrics();
  GpuStore st(&defs);
  GpuIdentity id;
  id.uuid = "GPU-x";
  auto row = [&](double power, double energy_mj) {
    std::vector<double> v(defs.size(), NAN);
    v[0] = power;
    v[1] = energy_mj * 1e-9;
    return v;
  };
  st.add(id, 0, 100, row(50, 1000));        // reference
  st.add(id, 2 * kS, 200, row(300, 5000));  // in window
  st.add(id, 3 * kS, 300, row(310, 9000));  // in window
  st.add(id, 9 * kS, 900, row(60, 90000));  // after
  auto s = summarize_gpus(st, "u", Window{1 * kS, 3 * kS});
  ASSERT_EQ(s.size(), 1u);
  const GpuMetricStats* p = s[0].find("gpu_power_usage");
  ASSERT_TRUE(p && p->gauge);
  EXPECT_DOUBLE_EQ(p->gauge->avg, 305.0);
  EXPECT_NEAR(p->gauge->std, std::sqrt(50.0), 1e-12);
  const GpuMetricStats* e = s[0].find("energy_consumption");
  ASSERT_TRUE(e && e->counter_delta);
  EXPECT_NEAR(*e->counter_delta * 1e9, 8000.0, 1e-3);  // 9000 - 1000 mJ
  bool covered = false;
  std::vector<double> col = {1, 2, 3, 4};
  EXPECT_TRUE(
      gpu_counter_delta({0, 2 * kS, 3 * kS, 9 * kS}, col, Window{kS, 3 * kS}, &covered, 3 * kS));
  EXPECT_TRUE(covered);
  gpu_counter_delta({2 * kS, 3 * kS}, {2, 3}, Window{kS, 3 * kS}, &covered, 3 * kS);
  EXPECT_FALSE(covered);  // no value before the window
}

}  // namespace
}  // namespace aiperf::telemetry
