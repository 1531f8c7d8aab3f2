// Config files: load shaping (prefill concurrency, ramps, cancellation, the rate series), the
// HTTP trace, server metrics, GPU telemetry and network latency keys map onto the same options
// as their flags, the effective config writes them back, and misuse is refused by key path.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/config_file.h"
#include "aiperf/config/yaml_bindings.h"

namespace aiperf::config {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(::testing::TempDir()) / "aiperf_config_observe_test";
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

Config parse(const std::vector<std::string>& args) {
  ParseEnv env;
  env.stdout_is_tty = false;
  return parse_profile_args(args, env);
}

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

/// What the new keys decide, side by side (redacted_config_json covers most of it, not all).
nlohmann::json shaping_of(const Config& c) {
  nlohmann::json j = redacted_config_json(c);
  j.erase("cli_command");
  j["x"] = {c.export_http_trace,
            c.show_trace_timing,
            c.network_latency_automatic,
            c.network_latency_mean_ms.value_or(-1),
            c.network_latency_ping_interval_s,
            c.gpu_telemetry_console,
            c.server_metrics_enabled,
            c.gpu_telemetry_enabled,
            c.request_cancellation_rate_pct.value_or(-1),
            c.request_cancellation_delay_s};
  return j;
}

TEST(ConfigFileObserve, KeysMapOntoTheSameOptionsAsTheirFlags) {
  const std::string csv = write_file("fields.csv", "DCGM_FI_DEV_GPU_UTIL, gauge, util\n");
  const std::string f = write_file("shaping.yaml", R"(benchmark:
  model: m
  endpoint: {url: "http://127.0.0.1:9", streaming: true}
  phases:
    - name: profiling
      type: concurrency
      concurrency: 8
      prefill_concurrency: 4
      concurrency_ramp: 10
      prefill_ramp: {duration: 5s, strategy: linear}
      cancellation: {rate: 12.5, delay: 0.5}
      duration: 30
  artifacts: {trace: true, show_trace_timing: true}
  server_metrics: {urls: ["127.0.0.1:9100"], formats: [json, jsonl]}
  gpu_telemetry: {collector: pynvml, metrics_file: ")" +
                                                       csv + R"("}
  network_latency: {enabled: true, ping_interval: 2}
)");
  const Config from_file = parse({"-f", f});
  const Config from_cli = parse({"-m",
                                 "m",
                                 "-u",
                                 "http://127.0.0.1:9",
                                 "--streaming",
                                 "--concurrency",
                                 "8",
                                 "--prefill-concurrency",
                                 "4",
                                 "--concurrency-ramp-duration",
                                 "10",
                                 "--prefill-concurrency-ramp-duration",
                                 "5",
                                 "--request-cancellation-rate",
                                 "12.5",
                                 "--request-cancellation-delay",
                                 "0.5",
                                 "--benchmark-duration",
                                 "30",
                                 "--export-http-trace",
                                 "--show-trace-timing",
                                 "--server-metrics",
                                 "127.0.0.1:9100",
                                 "--server-metrics-formats",
                                 "json,jsonl",
                                 "--gpu-telemetry",
                                 "pynvml",
                                 csv,
                                 "--network-latency-automatic",
                                 "--network-latency-ping-interval",
                                 "2"});
  EXPECT_EQ(shaping_of(from_file), shaping_of(from_cli));
  EXPECT_EQ(from_file.prefill_concurrency, 4);
  EXPECT_EQ(from_file.concurrency_ramp_duration_s, 10.0);
  EXPECT_EQ(from_file.prefill_concurrency_ramp_duration_s, 5.0);
  EXPECT_TRUE(from_file.gpu_telemetry_nvml);
  EXPECT_EQ(from_file.gpu_telemetry_metrics_files, std::vector<std::string>{csv});
  EXPECT_EQ(from_file.server_metrics_urls,
            std::vector<std::string>{"http://127.0.0.1:9100/metrics"});

  // A rate phase: its ramp and the rate series (this build's extension, instead of `rate`).
  const std::string r = write_file("rate.yaml", R"(benchmark:
  model: m
  phases:
    - {name: profiling, type: constant, rate: 5, rate_ramp: "2s", requests: 20}
  server_metrics: {enabled: false}
  gpu_telemetry: {enabled: false}
  network_latency: {mean_ms: 3.5}
)");
  const Config rate = parse({"-f", r});
  EXPECT_EQ(shaping_of(rate),
            shaping_of(parse({"-m", "m", "--request-rate", "5", "--arrival-pattern", "constant",
                              "--request-rate-ramp-duration", "2", "--request-count", "20",
                              "--num-dataset-entries", "100", "--no-server-metrics",
                              "--no-gpu-telemetry", "--network-latency-mean", "3.5"})));
  const std::string s = write_file("series.yaml", R"(benchmark:
  model: m
  phases: {type: poisson, request_rate_series: "10:2s,20:1s"}
)");
  const Config series = parse({"-f", s});
  EXPECT_EQ(shaping_of(series),
            shaping_of(parse({"-m", "m", "--request-rate-series", "10:2s,20:1s"})));
  EXPECT_EQ(series.benchmark_duration_s, 3.0);  // the series' length, as on the command line
  EXPECT_EQ(series.request_rate_series.size(), 2u);
}

TEST(ConfigFileObserve, RateSeriesPointsAreAIPerfsPiecewiseLinearSeries) {
  const std::string f = write_file("rs.yaml", R"(benchmark:
  model: m
  phases: {type: constant, rate: 4, duration: 3, rateSeries: {points: [{time_s: 0, qps: 2},
           {time_s: 2, qps: 6}]}}
)");
  const Config c = parse({"-f", f});
  ASSERT_EQ(c.request_rate_points.size(), 2u);
  EXPECT_EQ(c.request_rate_points[1], (Config::RatePoint{2.0, 6.0}));
  EXPECT_EQ(c.request_rate, 4.0);
  // The list shorthand and the command line give the same run.
  const std::string g = write_file("rs2.yaml", R"(benchmark:
  model: m
  phases: {type: constant, rate: 4, duration: 3, rate_series: [{time_s: 0, qps: 2},
           {time_s: 2, qps: 6}]}
)");
  EXPECT_EQ(parse({"-f", g}).request_rate_points, c.request_rate_points);
  EXPECT_EQ(shaping_of(c),
            shaping_of(parse({"-m", "m", "--request-rate", "4", "--arrival-pattern", "constant",
                              "--benchmark-duration", "3", "--request-rate-series",
                              R"([{"time_s": 0, "qps": 2}, {"time_s": 2, "qps": 6}])"})));
}

TEST(ConfigFileObserve, IslAndOslOfOtherShapesBecomeDistributions) {
  const std::string f = write_file("dist.yaml", R"(benchmark:
  model: m
  dataset:
    type: synthetic
    prompts:
      isl:
        peaks:
        - {mean: 256, median: 214, weight: 70}
        - {mean: 2048, stddev: 10, weight: 30}
      osl: {mean: 256, median: 226, max: 400}
  phases: {type: concurrency, requests: 4}
)");
  const Config c = parse({"-f", f});
  ASSERT_TRUE(c.isl_distribution && c.osl_distribution);
  EXPECT_EQ(c.isl_distribution->kind, Distribution::Kind::kMultimodal);
  EXPECT_EQ(c.isl_mean, std::llround(0.7 * 256 + 0.3 * 2048));
  EXPECT_EQ(c.osl_distribution->max, 400.0);
  // The effective config writes them back in AIPerf's keys, and reads back the same.
  const std::string again = write_file("dist2.yaml", effective_config_yaml(c, 5));
  const Config r = parse({"-f", again});
  EXPECT_EQ(r.isl_distribution, c.isl_distribution);
  EXPECT_EQ(r.osl_distribution, c.osl_distribution);
  // Other distributions (turns, delays, media sizes) still take a number or {mean, stddev}.
  const std::string g = write_file("dist3.yaml", R"(benchmark:
  model: m
  dataset: {type: synthetic, turns: {mean: 3, median: 2}}
  phases: {type: concurrency, requests: 4}
)");
  EXPECT_NE(error_of({"-f", g}).find("benchmark.datasets[0].turns.median"), std::string::npos)
      << error_of({"-f", g});
}

TEST(ConfigFileObserve, InlineRecordsAreAFileDataset) {
  const std::string f = write_file("inline.yaml", R"(benchmark:
  model: m
  dataset:
    type: file
    format: single_turn
    records:
    - {text: 'What is machine learning?'}
    - {text: Explain GANs., output_length: 20}
  phases: {type: concurrency, concurrency: 1, requests: 2}
)");
  const Config c = parse({"-f", f});
  ASSERT_TRUE(c.input_file);
  EXPECT_TRUE(detail::is_inline_records_file(*c.input_file)) << *c.input_file;
  std::ifstream in(*c.input_file);
  std::string l1, l2;
  std::getline(in, l1);
  std::getline(in, l2);
  EXPECT_EQ(nlohmann::json::parse(l1)["text"], "What is machine learning?");
  EXPECT_EQ(nlohmann::json::parse(l2)["output_length"], 20);
  // The same records give the same file; the effective config writes the records back.
  EXPECT_EQ(parse({"-f", f}).input_file, c.input_file);
  const std::string yaml = effective_config_yaml(c, 1);
  EXPECT_NE(yaml.find("records:"), std::string::npos) << yaml;
  EXPECT_EQ(yaml.find("aiperf-inline-records-"), std::string::npos) << yaml;
  EXPECT_EQ(parse({"-f", write_file("inline2.yaml", yaml)}).input_file, c.input_file);
  const std::string both = write_file("inline3.yaml", R"(benchmark:
  model: m
  dataset: {type: file, path: a.jsonl, records: [{text: x}]}
  phases: {type: concurrency, requests: 1}
)");
  EXPECT_NE(error_of({"-f", both}).find("give 'path' or 'records', not both"), std::string::npos);
}

TEST(ConfigFileObserve, AWarmupPhaseHasItsOwnShaping) {
  const std::string base = R"(benchmark:
  model: m
  endpoint: {streaming: true}
  phases:
    - {name: warmup, type: concurrency, concurrency: 4, requests: 4 WARMUP}
    - {name: profiling, type: concurrency, concurrency: 4, requests: 8, prefill_concurrency: 2,
       concurrency_ramp: {duration: 3, strategy: poisson}}
)";
  auto with = [&](const std::string& extra, const std::string& name) {
    std::string text = base;
    text.replace(text.find(" WARMUP"), 7, extra);
    return write_file(name, text);
  };
  // Phases stand alone, as AIPerf builds them: a warmup without shaping keys has none.
  const Config bare = parse({"-f", with("", "w0.yaml")});
  const PhaseShaping p = bare.profiling_shaping();
  ASSERT_TRUE(p.concurrency_ramp && p.prefill_concurrency);
  EXPECT_EQ(*p.concurrency_ramp, (Ramp{3.0, RampType::kPoisson}));
  const PhaseShaping w0 = bare.warmup_shaping();
  EXPECT_FALSE(w0.prefill_concurrency);
  EXPECT_FALSE(w0.concurrency_ramp);
  // Its own values, strategy included.
  const Config own = parse(
      {"-f",
       with(", prefill_concurrency: 1, concurrency_ramp: {duration: 2, strategy: exponential}",
            "w1.yaml")});
  const PhaseShaping w1 = own.warmup_shaping();
  EXPECT_EQ(w1.prefill_concurrency, 1);
  ASSERT_TRUE(w1.concurrency_ramp);
  EXPECT_EQ(*w1.concurrency_ramp, (Ramp{2.0, RampType::kExponential}));
  EXPECT_NE(error_of({"-f", with(", cancellation: {rate: 5}", "w3.yaml")})
                .find("benchmark.phases[0].cancellation: warmup requests are never cancelled"),
            std::string::npos);
  EXPECT_NE(error_of({"-f", with(", prefill_concurrency: 5", "w4.yaml")})
                .find("--warmup-prefill-concurrency (5) cannot be greater than the warmup "
                      "concurrency (4)"),
            std::string::npos)
      << error_of({"-f", with(", prefill_concurrency: 5", "w4.yaml")});
}

TEST(ConfigFileObserve, AUserCentricWarmupRunsAsARate) {
  const std::string f = write_file("uc.yaml", R"(benchmark:
  model: m
  dataset: {type: synthetic, turns: {mean: 3}}
  phases:
    - {name: warmup, type: user_centric, duration: 3, users: 10, rate: 1.5}
    - {name: profiling, type: user_centric, duration: 5, users: 4, rate: 2.0}
)");
  const Config c = parse({"-f", f});
  EXPECT_EQ(c.warmup_request_rate, 1.5);
  EXPECT_EQ(c.warmup_arrival_pattern, ArrivalPattern::kPoisson);
  EXPECT_EQ(c.warmup_duration_s, 3.0);
  bool warned = false;
  for (const auto& w : c.warnings) warned |= w.find("benchmark.phases[0].users: not used") == 0;
  EXPECT_TRUE(warned);
}

TEST(ConfigFileObserve, MisuseIsRefusedByKeyPath) {
  struct Broken {
    const char* yaml;
    const char* message;
  };
  const std::vector<Broken> cases = {
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1, concurrency: 2, "
       "concurrency_ramp: {duration: 2, strategy: cubic}}\n",
       "benchmark.phases[0].concurrency_ramp.strategy: expected one of"},
      {"benchmark:\n  model: m\n  phases: {type: poisson, rate: 2, requests: 1, rate_series: "
       "[{time_s: 5, qps: 1}, {time_s: 5, qps: 2}]}\n",
       "benchmark.phases[0].rate_series (inline JSON): point 1: time_s values must be strictly "
       "increasing"},
      {"benchmark:\n  model: m\n  phases: {type: poisson, rate: 2, requests: 1, rate_series: "
       "{path: a.json, points: [{time_s: 0, qps: 1}]}}\n",
       "benchmark.phases[0].rate_series: rate_series.path and rate_series.points are mutually "
       "exclusive"},
      {"benchmark:\n  model: m\n  phases: {type: poisson, rate: 2, request_rate_series: "
       "\"1:2s\"}\n",
       "benchmark.phases[0].rate: give 'rate' or 'request_rate_series', not both"},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1}\n  server_metrics: "
       "{enabled: false, urls: [\"h:1\"]}\n",
       "benchmark.server_metrics.urls: server metrics scraping is off (enabled: false)"},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1}\n  gpu_telemetry: "
       "{collector: amd_dme}\n",
       "benchmark.gpu_telemetry.collector: the AMD Device Metrics Exporter collector is not "
       "supported"},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1}\n  network_latency: "
       "{mean_ms: 2, ping_interval: 1}\n",
       "benchmark.network_latency.ping_interval: ping_interval applies when the round trip is "
       "measured"},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1}\n  network_latency: "
       "{enabled: false, mean_ms: 2}\n",
       "benchmark.network_latency.mean_ms: network latency adjustment is off"},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1, prefill_concurrency: "
       "2}\n",
       "benchmark.phases[0].prefill_concurrency requires --streaming"},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1, cancellation: {rate: "
       "101}}\n",
       "benchmark.phases[0].cancellation.rate"},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string f = write_file("broken" + std::to_string(i++) + ".yaml", c.yaml);
    const std::string err = error_of({"-f", f});
    EXPECT_NE(err.find(c.message), std::string::npos) << err;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
}

/// run_config.yaml of a run with the new flags gives the same run back.
TEST(ConfigFileObserve, TheEffectiveConfigWritesThemBack) {
  const std::string csv = write_file("fields2.csv", "DCGM_FI_DEV_GPU_UTIL, gauge, util\n");
  const std::vector<std::vector<std::string>> runs = {
      {"-m",
       "m",
       "--streaming",
       "--concurrency",
       "6",
       "--prefill-concurrency",
       "3",
       "--concurrency-ramp-duration",
       "2",
       "--prefill-concurrency-ramp-duration",
       "1",
       "--benchmark-duration",
       "5",
       "--request-cancellation-rate",
       "20",
       "--request-cancellation-delay",
       "0.25",
       "--export-http-trace",
       "--export-level",
       "records",
       "--show-trace-timing"},
      {"-m", "m", "--request-rate", "8", "--request-rate-ramp-duration", "3", "--request-count",
       "40", "--server-metrics", "h:9100,h:9200/x", "--server-metrics-formats", "jsonl",
       "--gpu-telemetry", "localhost:9400", "dashboard", csv, "--network-latency-automatic",
       "--network-latency-ping-interval", "0.5"},
      {"-m", "m", "--request-rate-series", "4:1s,8:2s", "--arrival-pattern", "gamma",
       "--no-server-metrics", "--no-gpu-telemetry", "--network-latency-mean", "1.5"},
      {"-m", "m", "--gpu-telemetry", "pynvml", "--warmup-request-count", "2", "--concurrency", "2",
       "--streaming", "--prefill-concurrency", "1"},
  };
  int i = 0;
  for (const auto& args : runs) {
    const Config original = parse(args);
    const std::string yaml = effective_config_yaml(original, 99);
    const std::string f = write_file("effective" + std::to_string(i++) + ".yaml", yaml);
    Config reloaded;
    try {
      reloaded = parse({"-f", f});
    } catch (const ConfigError& e) {
      ADD_FAILURE() << e.what() << "\n" << yaml;
      continue;
    }
    auto want = shaping_of(original);
    EXPECT_EQ(reloaded.random_seed,
              std::optional<uint64_t>(99));  // (run_info's, not input_config's)
    EXPECT_EQ(shaping_of(reloaded), want) << yaml;
    EXPECT_EQ(reloaded.gpu_telemetry_metrics_files, original.gpu_telemetry_metrics_files);
  }
}

}  // namespace
}  // namespace aiperf::config
