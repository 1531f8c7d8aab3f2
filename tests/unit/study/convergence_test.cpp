// Early stop of repeated runs: AIPerf's ci_width and cv criteria on run-level values, the KS
// criterion on per-request values, and the run budget.
#include "aiperf/study/convergence.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace aiperf::study {
namespace {

RunResult with_ttft(double avg) {
  RunResult r;
  r.success = true;
  SummaryMetric m{"time_to_first_token", "ms", {}};
  m.stats[0] = avg;
  r.summary.metrics = {m};
  return r;
}

config::StudyConfig settings(config::ConvergenceMode mode, int runs = 5) {
  config::StudyConfig s;
  s.num_profile_runs = runs;
  s.convergence_metric = "time_to_first_token";
  s.convergence_mode = mode;
  return s;
}

TEST(Convergence, CiWidthSettlesOnTightValues) {
  auto s = settings(config::ConvergenceMode::kCiWidth);
  // 100, 101: mean 100.5, std 0.707, se 0.5, t(0.975,1) 12.71 -> width/mean 0.126 >= 0.10.
  std::vector<RunResult> h = {with_ttft(100), with_ttft(101)};
  std::string why;
  EXPECT_FALSE(is_converged(s, h, &why));
  EXPECT_NE(why.find(">="), std::string::npos);
  // A third close value: t(0.975,2) 4.30, std 0.577 -> width/mean ~0.028 < 0.10.
  h.push_back(with_ttft(100.5));
  EXPECT_TRUE(is_converged(s, h, &why));
  EXPECT_FALSE(should_continue(s, h));
  s.convergence_threshold = 0.01;
  EXPECT_TRUE(should_continue(s, h));
}

TEST(Convergence, CvThreshold) {
  auto s = settings(config::ConvergenceMode::kCv);
  std::vector<RunResult> h = {with_ttft(100), with_ttft(104)};  // cv = 2.83/102 = 0.0277
  EXPECT_TRUE(is_converged(s, h));
  s.convergence_threshold = 0.02;
  EXPECT_FALSE(is_converged(s, h));
}

TEST(Convergence, NeedsTwoRunsAndStopsAtTheBudget) {
  auto s = settings(config::ConvergenceMode::kCv, 3);
  std::vector<RunResult> h = {with_ttft(100)};
  EXPECT_FALSE(is_converged(s, h));
  EXPECT_TRUE(should_continue(s, h));
  h = {with_ttft(1), with_ttft(100), with_ttft(1000)};
  EXPECT_FALSE(should_continue(s, h));  // three runs made: the budget
  h[0].success = false;                 // failed runs do not count as values
  EXPECT_FALSE(is_converged(s, {h[0], h[1]}));
}

TEST(Convergence, DistributionComparesLastRunWithEarlierOnes) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("ks_conv_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto write = [&](const char* name, double shift) {
    std::ofstream f(dir / name);
    for (int i = 0; i < 40; ++i) {
      f << R"({"metadata":{"benchmark_phase":"profiling"},"metrics":{"time_to_first_token":)"
        << R"({"value":)" << (i + shift) << R"(,"unit":"ms"}},"error":null})"
        << "\n";
    }
    f << R"({"metadata":{"benchmark_phase":"profiling"},"metrics":{},"error":{"message":"x"}})"
      << "\n";
    return (dir / name).string();
  };
  auto s = settings(config::ConvergenceMode::kDistribution);
  RunResult a, b, c;
  a.success = b.success = c.success = true;
  a.records_jsonl = write("a.jsonl", 0);
  b.records_jsonl = write("b.jsonl", 0.5);
  c.records_jsonl = write("c.jsonl", 30);
  EXPECT_EQ(load_record_metric(a.records_jsonl, "time_to_first_token").size(), 40u);
  EXPECT_TRUE(is_converged(s, {a, b}));   // same distribution: p ~ 1
  EXPECT_FALSE(is_converged(s, {a, c}));  // shifted by most of its range: p tiny
  fs::remove_all(dir);
}

}  // namespace
}  // namespace aiperf::study
