// Config-file sections without a flag, end to end against the mock server: AIPerf's
// user_files.yaml template (files rendered into the run's directory before it starts), a
// `plot:` section over a sweep (the study's plots drawn with it, its receipt reused by
// `aiperf plot`), and `--num-profile-runs 1` over a file's multi_run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

CommandResult aiperf(std::vector<std::string> args, int timeout_s = 180) {
  args.insert(args.begin(), AIPERF_BIN);
  return run_command(args, timeout_s);
}

class ConfigSections : public ::testing::Test {
 protected:
  MockServerProcess mock_{{"--fast"}};
  std::string dir_ = make_temp_dir("aiperf-config-sections");
};

TEST_F(ConfigSections, AIPerfsUserFilesTemplateWritesItsFilesBeforeTheRun) {
  const std::string out = dir_ + "/uf";
  const auto run = aiperf({"profile",
                           "-f",
                           std::string(AIPERF_TEST_DATA_DIR) + "/config/aiperf/user_files.yaml",
                           "--url",
                           mock_.url(),
                           "--model",
                           "mock-model",
                           "--tokenizer",
                           "builtin",
                           "--concurrency",
                           "2",
                           "--request-count",
                           "4",
                           "--warmup-request-count",
                           "2",
                           "--num-dataset-entries",
                           "4",
                           "--isl",
                           "16",
                           "--osl",
                           "4",
                           "--ui",
                           "none",
                           "--artifact-dir",
                           out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const json cfg = json::parse(read_file(out + "/input_config.json"));
  EXPECT_EQ(cfg["scenario"], "dense-agg");
  EXPECT_EQ(cfg["total_concurrency"], 128);  // the variables' value, typed
  EXPECT_EQ(cfg["gpu_count"], 4);
  EXPECT_EQ(cfg["model"], "mock-model");  // the run's own names: the model given
  EXPECT_EQ(cfg["run"]["job_name"], "uf");
  EXPECT_EQ(cfg["run"]["namespace"], "");
  const std::string meta = read_file(out + "/meta/run.yaml");
  EXPECT_NE(meta.find("run_id: uf-"), std::string::npos) << meta;
  EXPECT_NE(meta.find(fs::absolute(out).lexically_normal().string()), std::string::npos) << meta;
  const std::string readme = read_file(out + "/README.md");
  EXPECT_NE(readme.find("- Concurrency: 128 (32/GPU x 4 GPUs)"), std::string::npos) << readme;
  EXPECT_NE(readme.find("- Endpoint: `" + mock_.url()), std::string::npos) << readme;
  // The effective config carries them (and their variables): it validates and repeats them.
  const std::string eff = read_file(out + "/run_config.yaml");
  EXPECT_NE(eff.find("user_files:"), std::string::npos) << eff;
  const auto again =
      aiperf({"profile", "-f", out + "/run_config.yaml", "--artifact-dir", dir_ + "/uf_again"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(read_file(dir_ + "/uf_again/input_config.json"))["total_concurrency"], 128);
}

TEST_F(ConfigSections, APlotSectionDrawsTheStudysPlotsAndIsKeptBesideIt) {
  const std::string file = dir_ + "/plotted.yaml";
  std::ofstream(file) << "multi_run: {num_runs: 3}\n"
                         "sweep:\n  parameters:\n    concurrency: [1, 2]\n"
                         "benchmark:\n  model: mock-model\n  endpoint: {url: "
                      << mock_.url() << R"(}
  tokenizer: {name: builtin}
  dataset: {entries: 4, prompts: {isl: 16, osl: 4}}
  phases: {type: concurrency, concurrency: 1, requests: 4}
plot:
  visualization:
    multi_run_defaults: [throughput_vs_latency]
    multiRunPlots:
      throughput_vs_latency:
        type: scatter_line
        x: {metric: request_latency, stat: avg}
        y: {metric: request_throughput, stat: avg}
        labels: [concurrency]
        title: Throughput vs latency
    single_run_defaults: []
)";
  const std::string out = dir_ + "/study";
  // --num-profile-runs 1 over the file's num_runs: each sweep point runs once (AIPerf).
  const auto run = aiperf(
      {"profile", "-f", file, "--num-profile-runs", "1", "--ui", "none", "--artifact-dir", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(fs::exists(out + "/concurrency_1/profile_export.jsonl"));
  EXPECT_FALSE(fs::exists(out + "/concurrency_1/profile_runs")) << "repeated runs";
  EXPECT_TRUE(fs::exists(out + "/plots/throughput_vs_latency.png")) << run.out;
  ASSERT_TRUE(fs::exists(out + "/.aiperf-plot-config.yaml"));
  const std::string receipt = read_file(out + "/.aiperf-plot-config.yaml");
  EXPECT_NE(receipt.find("multi_run_plots:"), std::string::npos) << receipt;
  // `aiperf plot <dir>` draws with the receipt, not ~/.aiperf/plot_config.yaml.
  const auto plot = aiperf({"plot", "--paths", out, "--output", dir_ + "/replot"});
  ASSERT_EQ(plot.exit_code, 0) << plot.err;
  EXPECT_NE(plot.out.find("Using config: " + out + "/.aiperf-plot-config.yaml"), std::string::npos)
      << plot.out;
  EXPECT_TRUE(fs::exists(dir_ + "/replot/throughput_vs_latency.png"));
  // A broken section stops the run before it starts, naming the config file's line.
  std::ofstream(dir_ + "/broken.yaml")
      << read_file(file).replace(read_file(file).find("stat: avg}"), 10, "stat: avgg}");
  const auto broken =
      aiperf({"profile", "-f", dir_ + "/broken.yaml", "--artifact-dir", dir_ + "/broken_out"});
  EXPECT_EQ(broken.exit_code, 2) << broken.err;
  EXPECT_NE(broken.err.find(dir_ + "/broken.yaml:17"), std::string::npos) << broken.err;
  EXPECT_FALSE(fs::exists(dir_ + "/broken_out/concurrency_1/profile_export.jsonl"));
}

}  // namespace
}  // namespace aiperf::testing
