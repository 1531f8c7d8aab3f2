// aiperf speed-bench-report: category and model from the profile exports, acceptance figures
// from the server-metrics exports (engine gauges, vLLM counters with and without "_total", the
// name-based fallback), the column orders, Overall, and the CSV bytes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aiperf/cli/speed_bench_report.h"

namespace aiperf::cli::speed_bench {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

json parse(const char* s) {
  return json::parse(s);
}

json gauge(double avg) {
  return {{"type", "gauge"}, {"series", {{{"stats", {{"avg", avg}}}}}}};
}

json counter(double total) {
  return {{"type", "counter"}, {"series", {{{"stats", {{"total", total}}}}}}};
}

json server_metrics(json metrics) {
  return {{"schema_version", "1.0"}, {"metrics", std::move(metrics)}};
}

json profile(const std::string& model, const std::string& format) {
  return {{"input_config",
           {{"endpoint", {{"model_names", {model}}}},
            {"datasets", {{{"name", "main"}, {"type", "file"}, {"format", format}}}}}}};
}

/// A fresh directory under the system's temp dir, removed at the end of the test.
class SpeedBenchReportDirs : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "aiperf-sbr-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    root_ = templ;
  }
  void TearDown() override { fs::remove_all(root_); }

  void write(const std::string& rel, const std::string& text) {
    fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
  }
  void run(const std::string& name, const json& prof, const json* sm = nullptr) {
    write(name + "/profile_export_aiperf.json", prof.dump(2));
    if (sm) write(name + "/server_metrics_export.json", sm->dump(2));
  }

  fs::path root_;
  std::vector<std::string> warnings_;
  WarnFn warn_ = [this](const std::string& w) { warnings_.push_back(w); };
};

TEST(SpeedBenchReport, CategoryFromEverySpelling) {
  EXPECT_EQ(extract_category(profile("m", "speed_bench_coding")), "coding");
  EXPECT_EQ(
      extract_category(parse(
          R"({"input_config": {"datasets": [{"type": "public", "dataset": "speed_bench_qa"}]}})")),
      "qa");
  EXPECT_EQ(extract_category(parse(R"({"input_config": {"input": {"public_dataset":
                "speed_bench_throughput_1k_low_entropy"}}})")),
            "throughput_1k_low_entropy");
  EXPECT_EQ(extract_category(parse(
                R"({"input_config": {"input": {"custom_dataset_type": "speed_bench_rag"}}})")),
            "rag");
  EXPECT_EQ(extract_category(parse(
                R"({"input_config": {"datasets": {"main": {"format": "speed_bench_stem"}}}})")),
            "stem");
  EXPECT_FALSE(extract_category(profile("m", "single_turn")));
  EXPECT_FALSE(extract_category(profile("m", "speed_bench_")));
  EXPECT_FALSE(extract_category(parse(R"({"input_config": {"datasets": []}})")));
  EXPECT_FALSE(extract_category(parse(R"([1, 2])")));
}

TEST(SpeedBenchReport, ModelNames) {
  EXPECT_EQ(extract_model(profile("llama", "x")), "llama");
  EXPECT_EQ(extract_model(parse(R"({"input_config": {"models": {"items": [{"name": "q"}]}}})")),
            "q");
  EXPECT_EQ(extract_model(parse(R"({"input_config": {"endpoint": {"model_names": []}}})")),
            "unknown");
}

TEST(SpeedBenchReport, AcceptLengthGaugesInPriorityOrder) {
  auto sm = server_metrics({{"trtllm:spec_accept_length", gauge(1.5)},
                            {"vllm:spec_decode_mean_accepted_length", gauge(2.5)},
                            {"sglang:spec_accept_length", gauge(3.5)}});
  EXPECT_EQ(extract_accept_length(sm), 3.5);
  sm["metrics"].erase("sglang:spec_accept_length");
  EXPECT_EQ(extract_accept_length(sm), 2.5);
  sm["metrics"].erase("vllm:spec_decode_mean_accepted_length");
  EXPECT_EQ(extract_accept_length(sm), 1.5);
}

TEST(SpeedBenchReport, VllmCountersWithAndWithoutTotalSuffix) {
  auto sm = server_metrics({{"vllm:spec_decode_num_accepted_tokens", counter(600)},
                            {"vllm:spec_decode_num_drafts", counter(200)},
                            {"vllm:spec_decode_num_draft_tokens", counter(800)}});
  EXPECT_EQ(extract_accept_length(sm), 4.0);
  EXPECT_EQ(extract_accept_rate(sm), 0.75);
  auto untyped = server_metrics({{"vllm:spec_decode_num_accepted_tokens_total", counter(150)},
                                 {"vllm:spec_decode_num_drafts_total", counter(100)},
                                 {"vllm:spec_decode_num_draft_tokens_total", counter(300)}});
  EXPECT_EQ(extract_accept_length(untyped), 2.5);
  EXPECT_EQ(extract_accept_rate(untyped), 0.5);
  // No drafts yet: no figure (not a division by zero).
  auto idle = server_metrics({{"vllm:spec_decode_num_accepted_tokens", counter(0)},
                              {"vllm:spec_decode_num_drafts", counter(0)},
                              {"vllm:spec_decode_num_draft_tokens", counter(0)}});
  EXPECT_FALSE(extract_accept_length(idle));
  EXPECT_FALSE(extract_accept_rate(idle));
}

TEST(SpeedBenchReport, FuzzyFallbackNeedsSpecAcceptAndLength) {
  auto sm = server_metrics({{"engine:request_acceptance_total_length", gauge(9)},
                            {"Engine:Spec_Accepted_Length", gauge(2.75)}});
  EXPECT_EQ(extract_accept_length(sm), 2.75);
  EXPECT_FALSE(extract_accept_rate(sm));  // the rate has no fallback
  EXPECT_FALSE(extract_accept_length(server_metrics({{"x:spec_accept_count", gauge(3)}})));
}

TEST(SpeedBenchReport, AcceptRateGaugesAndMalformedEntries) {
  EXPECT_EQ(extract_accept_rate(server_metrics({{"sglang:spec_accept_rate", gauge(0.7)}})), 0.7);
  EXPECT_EQ(
      extract_accept_rate(server_metrics({{"vllm:spec_decode_draft_acceptance_rate", gauge(0.6)}})),
      0.6);
  EXPECT_EQ(extract_accept_rate(server_metrics({{"trtllm:spec_accept_rate", gauge(0.5)}})), 0.5);
  // Entries of the wrong shape are no value, not a crash.
  EXPECT_FALSE(extract_accept_length(
      server_metrics({{"sglang:spec_accept_length", {{"series", json::array()}}}})));
  EXPECT_FALSE(extract_accept_length(server_metrics(
      {{"sglang:spec_accept_length", {{"series", {{{"stats", {{"avg", "x"}}}}}}}}})));
  EXPECT_FALSE(extract_accept_length(parse(R"({"metrics": []})")));
  EXPECT_FALSE(extract_accept_length(parse(R"("metrics")")));
}

TEST(SpeedBenchReport, Throughput) {
  EXPECT_EQ(extract_throughput(parse(R"({"output_token_throughput": {"avg": 12.5}})")), 12.5);
  EXPECT_FALSE(extract_throughput(parse(R"({"output_token_throughput": {"avg": null}})")));
  EXPECT_FALSE(extract_throughput(parse(R"({})")));
}

TEST(SpeedBenchReport, ColumnOrders) {
  Matrix m;
  m["a"]["writing"] = 1;
  m["a"]["coding"] = 2;
  m["b"]["math"] = std::nullopt;
  EXPECT_EQ(detect_columns(m), (std::vector<std::string>{"coding", "math", "writing"}));
  Matrix tiers;
  tiers["a"]["high_entropy"] = 1;
  tiers["b"]["low_entropy"] = 1;
  EXPECT_EQ(detect_columns(tiers), (std::vector<std::string>{"low_entropy", "high_entropy"}));
  Matrix mixed;
  mixed["a"]["writing"] = 1;
  mixed["a"]["mixed"] = 1;
  mixed["a"]["throughput_8k"] = 1;
  EXPECT_EQ(detect_columns(mixed), (std::vector<std::string>{"mixed", "throughput_8k", "writing"}));
  EXPECT_EQ(qualitative_categories().size(), 11u);
}

TEST(SpeedBenchReport, CsvOverallAndQuoting) {
  Matrix m;
  m["b,\"q\""]["coding"] = 0.625;  // an exact tie rounds to even, as Python's format does
  m["b,\"q\""]["math"] = std::nullopt;
  m["a"]["coding"] = std::nullopt;
  m["a"]["math"] = 3.0;
  m["a"]["writing"] = 2.0;
  auto cols = detect_columns(m);
  EXPECT_EQ(render_csv(m, cols),
            "Model,coding,math,writing,Overall\r\n"
            "a,,3.00,2.00,2.50\r\n"
            "\"b,\"\"q\"\"\",0.62,,,0.62\r\n");
  Matrix none;
  none["x"]["coding"] = std::nullopt;
  EXPECT_EQ(render_csv(none, {"coding"}), "Model,coding,Overall\r\nx,,\r\n");
}

TEST(SpeedBenchReport, TableHasTitleDashesAndRightAlignedValues) {
  Matrix m;
  m["model-a"]["coding"] = 3.125;
  m["model-a"]["math"] = std::nullopt;
  std::string t = render_table(m, {"coding", "math"}, Metric::kAcceptLength);
  EXPECT_NE(t.find("SPEED-Bench Acceptance Length Report"), std::string::npos) << t;
  EXPECT_NE(t.find("│ model-a │   3.12 │    - │    3.12 │"), std::string::npos) << t;
  EXPECT_NE(render_table(m, {"coding"}, Metric::kAcceptRate).find("Acceptance Rate Report"),
            std::string::npos);
  EXPECT_NE(render_table(m, {"coding"}, Metric::kThroughput)
                .find("SPEED-Bench Throughput Report (tokens/sec)"),
            std::string::npos);
}

TEST_F(SpeedBenchReportDirs, FindsRunDirectoriesAndWarnsAboutOtherPaths) {
  run("runs/b-run", profile("m", "speed_bench_math"));
  run("runs/a-run", profile("m", "speed_bench_coding"));
  write("runs/not-a-run/readme.txt", "x");
  write("runs/file.json", "{}");
  run("single", profile("m", "speed_bench_qa"));
  auto dirs = find_run_dirs({(root_ / "runs").string(), (root_ / "single").string(),
                             (root_ / "runs/file.json").string(), (root_ / "missing").string()},
                            warn_);
  EXPECT_EQ(dirs, (std::vector<std::string>{(root_ / "runs/a-run").string(),
                                            (root_ / "runs/b-run").string(),
                                            (root_ / "single").string()}));
  ASSERT_EQ(warnings_.size(), 2u);
  EXPECT_EQ(warnings_[0], (root_ / "runs/file.json").string() + " is not a directory, skipping");
  EXPECT_EQ(warnings_[1], (root_ / "missing").string() + " does not exist, skipping");
}

TEST_F(SpeedBenchReportDirs, BuildsTheMatrixAndWarnsAboutSkippedRuns) {
  json sg = server_metrics({{"sglang:spec_accept_length", gauge(3.125)}});
  json vl = server_metrics({{"vllm:spec_decode_num_accepted_tokens", counter(300)},
                            {"vllm:spec_decode_num_drafts", counter(100)}});
  json fz = server_metrics({{"eng:spec_mean_accept_length", gauge(2.5)}});
  json none = server_metrics({{"vllm:num_requests_running", gauge(1)}});
  run("r1", profile("model-b", "speed_bench_coding"), &sg);
  run("r2", profile("model-b", "speed_bench_math"), &vl);
  run("r3", profile("model-a", "speed_bench_writing"), &fz);
  run("r4", profile("model-a", "speed_bench_coding"));  // no server metrics
  run("r5", profile("model-a", "single_turn"), &sg);    // not SPEED-Bench
  run("r6", profile("model-a", "speed_bench_math"), &none);
  write("r7/profile_export_aiperf.json", "{ not json");
  write("r8/profile_export_aiperf.json", profile("model-c", "speed_bench_qa").dump());
  write("r8/server_metrics_export.json", "[1,");

  auto dirs = find_run_dirs({root_.string()}, warn_);
  ASSERT_EQ(dirs.size(), 8u);
  Matrix m = build_report(dirs, Metric::kAcceptLength, warn_);
  ASSERT_EQ(warnings_.size(), 5u);
  const std::string r = root_.string();
  EXPECT_EQ(warnings_[0], "no server_metrics_export.json in " + r + "/r4");
  EXPECT_EQ(warnings_[1].rfind("cannot determine the SPEED-Bench category of " + r + "/r5", 0), 0u);
  EXPECT_EQ(warnings_[2], r + "/r6/server_metrics_export.json has no speculative-decoding "
                              "acceptance length metric");
  EXPECT_EQ(warnings_[3].rfind("failed to read " + r + "/r7/profile_export_aiperf.json: ", 0), 0u);
  EXPECT_NE(warnings_[3].find(", skipping"), std::string::npos);
  EXPECT_EQ(warnings_[4].rfind("failed to read " + r + "/r8/server_metrics_export.json: ", 0), 0u);

  auto cols = detect_columns(m);
  EXPECT_EQ(cols, (std::vector<std::string>{"coding", "math", "qa", "writing"}));
  EXPECT_EQ(render_csv(m, cols),
            "Model,coding,math,qa,writing,Overall\r\n"
            "model-a,,,,2.50,2.50\r\n"
            "model-b,3.12,4.00,,,3.56\r\n"
            "model-c,,,,,\r\n");
}

TEST_F(SpeedBenchReportDirs, ThroughputNeedsNoServerMetrics) {
  json p1 = profile("m", "speed_bench_throughput_1k_low_entropy");
  p1["output_token_throughput"] = {{"avg", 1500.0}};
  json p2 = profile("m", "speed_bench_throughput_1k_high_entropy");
  p2["output_token_throughput"] = {{"avg", 1000.0}};
  run("a", p1);
  run("b", p2);
  Matrix m = build_report(find_run_dirs({root_.string()}, warn_), Metric::kThroughput, warn_);
  EXPECT_TRUE(warnings_.empty());
  // Not the bare tier names, so the columns are sorted.
  EXPECT_EQ(render_csv(m, detect_columns(m)),
            "Model,throughput_1k_high_entropy,throughput_1k_low_entropy,Overall\r\n"
            "m,1000.00,1500.00,1250.00\r\n");
}

}  // namespace
}  // namespace aiperf::cli::speed_bench
