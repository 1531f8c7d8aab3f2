// The Server Metrics and GPU Telemetry flags (options_telemetry.cpp): defaults, URL
// normalization, formats, --gpu-telemetry items, AIPerf's cross-option messages.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

Config parse(Args args) {
  args.insert(args.begin(), {"-m", "mock-model"});
  ParseEnv env;
  return parse_profile_args(args, env);
}

std::string error_of(Args args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

bool has_warning(const Config& c, const std::string& needle) {
  for (const auto& w : c.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

TEST(TelemetryOptions, DefaultsAreOnWithJsonAndCsv) {
  Config c = parse({});
  EXPECT_TRUE(c.server_metrics_enabled);
  EXPECT_TRUE(c.server_metrics_urls.empty());
  EXPECT_EQ(c.server_metrics_formats, (std::vector<std::string>{"json", "csv"}));
  EXPECT_TRUE(c.gpu_telemetry_enabled);
  EXPECT_FALSE(c.gpu_telemetry_console);
  EXPECT_FALSE(c.gpu_telemetry_nvml);
}

TEST(TelemetryOptions, ServerMetricsUrlsAreNormalizedAndDeduplicated) {
  Config c = parse({"--server-metrics", "node1:8081", "http://node2:9090/metrics/",
                    "https://n3:1/custom/path", "--server-metrics", "node1:8081/"});
  EXPECT_EQ(c.server_metrics_urls,
            (std::vector<std::string>{"http://node1:8081/metrics", "http://node2:9090/metrics",
                                      "https://n3:1/custom/path"}));
  EXPECT_NE(error_of({"--server-metrics", "justaname"}).find("is not a URL"), std::string::npos);
}

TEST(TelemetryOptions, Formats) {
  EXPECT_EQ(parse({"--server-metrics-formats", "jsonl", "JSON", "jsonl"}).server_metrics_formats,
            (std::vector<std::string>{"jsonl", "json"}));
  EXPECT_EQ(parse({"--server-metrics-formats", "json", "csv", "Parquet"}).server_metrics_formats,
            (std::vector<std::string>{"json", "csv", "parquet"}));
  EXPECT_NE(error_of({"--server-metrics-formats", "xml"}).find("invalid choice 'xml'"),
            std::string::npos);
}

TEST(TelemetryOptions, GpuTelemetryItems) {
  Config c = parse({"--gpu-telemetry", "node1:9400", "dashboard", "http://n2:9401/metrics"});
  EXPECT_TRUE(c.gpu_telemetry_console);
  EXPECT_EQ(c.gpu_telemetry_urls,
            (std::vector<std::string>{"http://node1:9400/metrics", "http://n2:9401/metrics"}));
  EXPECT_FALSE(has_warning(c, "dashboard"));  // `--ui dashboard` shows live GPU panels anyway
  Config n = parse({"--gpu-telemetry", "PYNVML"});
  EXPECT_TRUE(n.gpu_telemetry_nvml);
  EXPECT_EQ(error_of({"--gpu-telemetry", "foo"}),
            "Invalid GPU telemetry item: foo. Valid options are: 'pynvml', 'dashboard', '.csv' "
            "file, and URLs.");
  EXPECT_EQ(error_of({"--gpu-telemetry", "/nonexistent/m.csv"}),
            "GPU metrics file not found: /nonexistent/m.csv");
  char path[] = "/tmp/aiperf_metrics_XXXXXX.csv";
  int fd = mkstemps(path, 4);
  ASSERT_GE(fd, 0);
  close(fd);
  EXPECT_EQ(parse({"--gpu-telemetry", path}).gpu_telemetry_metrics_files,
            std::vector<std::string>{path});
  std::remove(path);
}

TEST(TelemetryOptions, CrossOptionRulesWithAiperfMessages) {
  EXPECT_NE(error_of({"--no-server-metrics", "--server-metrics", "h:1"})
                .find("Cannot use both --no-server-metrics and --server-metrics together."),
            std::string::npos);
  EXPECT_NE(error_of({"--no-gpu-telemetry", "--gpu-telemetry", "pynvml"})
                .find("Cannot use both --no-gpu-telemetry and --gpu-telemetry together."),
            std::string::npos);
  EXPECT_NE(error_of({"--gpu-telemetry", "pynvml", "h:9400"}).find("Cannot use pynvml with DCGM"),
            std::string::npos);
  EXPECT_TRUE(has_warning(parse({"--gpu-telemetry", "pynvml", "--url", "http://10.1.2.3:8000"}),
                          "not local"));
  EXPECT_FALSE(has_warning(parse({"--gpu-telemetry", "pynvml"}), "not local"));
  Config off = parse({"--no-server-metrics", "--no-gpu-telemetry"});
  EXPECT_FALSE(off.server_metrics_enabled);
  EXPECT_FALSE(off.gpu_telemetry_enabled);
  EXPECT_EQ(redacted_config_json(off)["server_metrics"]["enabled"], false);
}

}  // namespace
}  // namespace aiperf::config
