// `aiperf speed-bench-report` run as a program: over the hand-written run tree in
// tests/data/speed_bench_report (SGLang gauges, vLLM counters with and without "_total", the
// three spellings of the dataset, a run without server metrics, a run that is not SPEED-Bench),
// and over a real `aiperf profile` run against the mock server, whose exports it must read.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

namespace fs = std::filesystem;

const std::string kTree = std::string(AIPERF_TEST_DATA_DIR) + "/speed_bench_report";

CommandResult report(std::vector<std::string> args) {
  args.insert(args.begin(), {AIPERF_BIN, "speed-bench-report"});
  return run_command(args, 60);
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(SpeedBenchReportCli, AcceptanceLengthCsvAndTable) {
  const std::string dir = make_temp_dir("aiperf-sbr");
  const std::string csv = dir + "/out.csv";
  CommandResult r = report({kTree, "--output", csv});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(read_file(csv),
            "Model,coding,math,writing,Overall\r\n"
            "llama-eagle,3.12,2.50,,2.81\r\n"
            "qwen-mtp,4.00,,2.50,3.25\r\n");
  EXPECT_TRUE(has(r.out, "Found 6 run directories.\n")) << r.out;
  EXPECT_TRUE(has(r.out, "SPEED-Bench Acceptance Length Report")) << r.out;
  EXPECT_TRUE(has(r.out, "│ qwen-mtp    │   4.00 │    - │    2.50 │    3.25 │")) << r.out;
  EXPECT_TRUE(has(r.out, "CSV written to " + csv + "\n")) << r.out;
  EXPECT_TRUE(
      has(r.err, "Warning: no server_metrics_export.json in " + kTree + "/vllm-math-no-metrics\n"))
      << r.err;
  EXPECT_TRUE(has(
      r.err, "Warning: cannot determine the SPEED-Bench category of " + kTree + "/synthetic-run"))
      << r.err;
  fs::remove_all(dir);
}

TEST(SpeedBenchReportCli, RateTableOnlyAndThroughputCsvOnly) {
  const std::string dir = make_temp_dir("aiperf-sbr");
  // --format table writes no file; the runs are named one by one with --paths.
  CommandResult t =
      report({"--paths", kTree + "/sglang-coding", kTree + "/vllm-writing", "--metric",
              "accept_rate", "--format", "table", "--output", dir + "/no.csv"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_TRUE(has(t.out, "Found 2 run directories.")) << t.out;
  EXPECT_TRUE(has(t.out, "SPEED-Bench Acceptance Rate Report")) << t.out;
  EXPECT_TRUE(has(t.out, "│ llama-eagle │   0.71 │       - │    0.71 │")) << t.out;
  EXPECT_TRUE(has(t.out, "│ qwen-mtp    │      - │    0.50 │    0.50 │")) << t.out;
  EXPECT_FALSE(has(t.out, "CSV written")) << t.out;
  EXPECT_FALSE(fs::exists(dir + "/no.csv"));
  // --format csv prints no table; the default file name lands in the working directory.
  CommandResult c = run_command({"sh", "-c",
                                 "cd '" + dir + "' && '" + AIPERF_BIN + "' speed-bench-report '" +
                                     kTree + "' --metric=throughput --format=csv"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_FALSE(has(c.out, "Throughput Report")) << c.out;
  EXPECT_TRUE(has(c.out, "CSV written to speed_bench_report.csv")) << c.out;
  EXPECT_EQ(read_file(dir + "/speed_bench_report.csv"),
            "Model,coding,math,writing,Overall\r\n"
            "llama-eagle,1234.50,1000.00,,1117.25\r\n"
            "qwen-mtp,900.00,800.00,,850.00\r\n");
  fs::remove_all(dir);
}

TEST(SpeedBenchReportCli, FailuresAndBadOptions) {
  const std::string dir = make_temp_dir("aiperf-sbr");
  CommandResult none = report({dir, "--output", dir + "/x.csv"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_EQ(none.err, "Error: no aiperf run directories found.\n");
  CommandResult only_other = report({kTree + "/synthetic-run", "--output", dir + "/x.csv"});
  EXPECT_EQ(only_other.exit_code, 1);
  EXPECT_TRUE(has(only_other.err, "Error: no SPEED-Bench results extracted.\n")) << only_other.err;
  CommandResult missing = report({dir + "/nope", "--output", dir + "/x.csv"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(has(missing.err, "Warning: " + dir + "/nope does not exist, skipping\n"))
      << missing.err;
  CommandResult unwritable = report({kTree, "--output", dir + "/no/such/dir/x.csv"});
  EXPECT_EQ(unwritable.exit_code, 1);
  EXPECT_TRUE(has(unwritable.err, "Error: cannot write " + dir + "/no/such/dir/x.csv"))
      << unwritable.err;
  EXPECT_FALSE(fs::exists(dir + "/x.csv"));

  CommandResult metric = report({kTree, "--metric", "speed"});
  EXPECT_EQ(metric.exit_code, 2);
  EXPECT_TRUE(has(metric.err,
                  "--metric: invalid choice 'speed' (choose from: accept_length, "
                  "accept_rate, throughput)"))
      << metric.err;
  EXPECT_EQ(report({kTree, "--format", "html"}).exit_code, 2);
  EXPECT_EQ(report({kTree, "--bogus"}).exit_code, 2);
  CommandResult no_paths = report({"--metric", "throughput"});
  EXPECT_EQ(no_paths.exit_code, 2);
  EXPECT_TRUE(has(no_paths.err, "missing PATHS")) << no_paths.err;
  // --empty-paths forgets the paths before it: nothing left to read.
  CommandResult emptied = report({kTree, "--empty-paths", "--output", dir + "/x.csv"});
  EXPECT_EQ(emptied.exit_code, 1);
  CommandResult help = report({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* flag : {"--paths", "--empty-paths", "--output", "--format", "--metric"}) {
    EXPECT_TRUE(has(help.out, flag)) << flag;
  }
  fs::remove_all(dir);
}

// Our own exports: a real run against the mock (vLLM's /metrics, no speculative decoding), its
// dataset entry then set to what a SPEED-Bench file run writes.
TEST(SpeedBenchReportCli, ReadsTheExportsOfARealRun) {
  MockServerProcess mock({"--metrics-family", "vllm", "--ttft", "5", "--itl", "1"});
  const std::string dir = make_temp_dir("aiperf-sbr");
  const std::string run = dir + "/runs/coding";
  // Server metrics are scraped from the --url's /metrics by default.
  CommandResult p = run_command({AIPERF_BIN,
                                 "profile",
                                 "--ui",
                                 "none",
                                 "--model",
                                 "real-model",
                                 "--url",
                                 mock.url(),
                                 "--endpoint-type",
                                 "chat",
                                 "--streaming",
                                 "--tokenizer",
                                 "builtin",
                                 "--isl",
                                 "16",
                                 "--osl",
                                 "8",
                                 "--request-count",
                                 "8",
                                 "--concurrency",
                                 "2",
                                 "--artifact-dir",
                                 run},
                                120);
  ASSERT_EQ(p.exit_code, 0) << p.err;
  const std::string profile_path = run + "/profile_export_aiperf.json";
  ASSERT_TRUE(fs::exists(run + "/server_metrics_export.json"));
  auto profile = nlohmann::ordered_json::parse(read_file(profile_path));
  ASSERT_EQ(profile["input_config"]["endpoint"]["model_names"][0], "real-model");
  profile["input_config"]["datasets"][0]["format"] = "speed_bench_coding";
  std::ofstream(profile_path) << profile.dump(2);
  const double otp = profile["output_token_throughput"]["avg"].get<double>();
  char want[64];
  std::snprintf(want, sizeof want, "%.2f", otp);

  CommandResult t = report({dir + "/runs", "--metric", "throughput", "--output", dir + "/t.csv"});
  ASSERT_EQ(t.exit_code, 0) << t.err;
  EXPECT_EQ(read_file(dir + "/t.csv"),
            "Model,coding,Overall\r\nreal-model," + std::string(want) + "," + want + "\r\n");
  CommandResult a = report({dir + "/runs", "--output", dir + "/a.csv"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(read_file(dir + "/a.csv"), "Model,coding,Overall\r\nreal-model,,\r\n");
  EXPECT_TRUE(has(a.err, "has no speculative-decoding acceptance length metric")) << a.err;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace aiperf::testing
