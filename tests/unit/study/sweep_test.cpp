// Sweep expansion (grid, zip), AIPerf's directory names and labels, the Pareto frontier and the
// sweep aggregate's files.
#include "aiperf/study/sweep.h"

#include <gtest/gtest.h>

#include <cmath>

namespace aiperf::study {
namespace {

config::SweepParameter param(const char* path, const char* flag, std::vector<double> values,
                             bool integer) {
  config::SweepParameter p;
  p.path = path;
  p.flag = flag;
  for (double v : values) p.values.push_back({std::to_string(v), v, integer});
  return p;
}

TEST(SweepExpansion, NoSweepIsOneBasePoint) {
  auto vars = expand_sweep(config::StudyConfig{});
  ASSERT_EQ(vars.size(), 1u);
  EXPECT_EQ(vars[0].label, "base");
  EXPECT_TRUE(vars[0].values.empty());
}

TEST(SweepExpansion, SingleParameterNamesDirectories) {
  config::StudyConfig s;
  s.sweep.push_back(param("phases.profiling.concurrency", "--concurrency", {10, 20, 40}, true));
  auto vars = expand_sweep(s);
  ASSERT_EQ(vars.size(), 3u);
  EXPECT_EQ(vars[0].dir_name, "concurrency_10");
  EXPECT_EQ(vars[2].dir_name, "concurrency_40");
  EXPECT_EQ(vars[1].label, "phases.profiling.concurrency=20");
  EXPECT_EQ(vars[1].index, 1);
}

TEST(SweepExpansion, FloatValuesUsePythonRepr) {
  config::StudyConfig s;
  s.sweep.push_back(param("phases.profiling.rate", "--request-rate", {5, 2.5}, false));
  auto vars = expand_sweep(s);
  EXPECT_EQ(vars[0].dir_name, "rate_5.0");
  EXPECT_EQ(vars[1].dir_name, "rate_2.5");
  EXPECT_EQ(json_value(vars[0].values[0].value).dump(), "5.0");
}

TEST(SweepExpansion, TextValuesOfAConfigFileStayText) {
  // A config file's sweep over a text key (datasets.main.format): no number (NaN), the text.
  config::SweepValue v;
  v.text = "speed_bench_coding";
  v.number = std::nan("");
  EXPECT_EQ(format_value(v), "speed_bench_coding");
  EXPECT_EQ(json_value(v).dump(), "\"speed_bench_coding\"");
  EXPECT_EQ(dir_name_of({{"datasets.main.format", v}}), "format_speed_bench_coding");
}

TEST(SweepExpansion, GridIsTheCartesianProductInPathOrder) {
  config::StudyConfig s;
  // Given concurrency first, but AIPerf orders the parameters by path: datasets.* < phases.*.
  s.sweep.push_back(param("phases.profiling.concurrency", "--concurrency", {1, 2}, true));
  s.sweep.push_back(param("datasets.main.prompts.isl.mean", "--prompt-input-tokens-mean",
                          {128, 512, 2048}, true));
  auto vars = expand_sweep(s);
  ASSERT_EQ(vars.size(), 6u);
  EXPECT_EQ(vars[0].dir_name, "mean_128__concurrency_1");
  EXPECT_EQ(vars[1].dir_name, "mean_128__concurrency_2");
  EXPECT_EQ(vars[2].dir_name, "mean_512__concurrency_1");
  EXPECT_EQ(vars[5].dir_name, "mean_2048__concurrency_2");
  EXPECT_EQ(vars[5].label, "datasets.main.prompts.isl.mean=2048, phases.profiling.concurrency=2");
}

TEST(SweepExpansion, ZipPairsElementByElement) {
  config::StudyConfig s;
  s.sweep_type = config::SweepType::kZip;
  s.sweep.push_back(param("phases.profiling.concurrency", "--concurrency", {1, 2, 4}, true));
  s.sweep.push_back(param("phases.profiling.rate", "--request-rate", {10, 20, 40}, false));
  auto vars = expand_sweep(s);
  ASSERT_EQ(vars.size(), 3u);
  EXPECT_EQ(vars[0].dir_name, "concurrency_1__rate_10.0");
  EXPECT_EQ(vars[2].dir_name, "concurrency_4__rate_40.0");
}

TEST(Pareto, KeepsOnlyUndominatedPoints) {
  // (throughput max, latency min): the example of AIPerf's docs plus a tie.
  std::vector<std::vector<double>> v = {{100, 50}, {150, 80}, {140, 90}, {150, 80}};
  auto front = pareto_front(v, {true, false});
  EXPECT_EQ(front, (std::vector<size_t>{0, 1, 3}));
}

RunResult run_at(int index, double conc, double throughput, double ttft_p99, double per_user) {
  RunResult r;
  r.success = true;
  r.label = "run_0001";
  r.variation_index = index;
  SummaryMetric tput{"request_throughput", "requests/sec", {}};
  tput.stats[0] = throughput;
  SummaryMetric ttft{"time_to_first_token", "ms", {}};
  ttft.stats[0] = ttft_p99 / 2;
  ttft.stats[12] = ttft_p99;  // p99
  SummaryMetric otp{"output_token_throughput", "tokens/sec", {}};
  otp.stats[0] = throughput * 20;
  SummaryMetric user{"output_token_throughput_per_user", "tokens/sec/user", {}};
  user.stats[0] = per_user;
  r.summary.metrics = {tput, ttft, otp, user};
  config::SweepValue v{std::to_string(int(conc)), conc, true};
  r.variation_values = {{"phases.profiling.concurrency", v}};
  return r;
}

TEST(SweepAggregate, TextValuedPointsSortAsText) {
  // A config file's sweep of datasets.main.format: the values are text (no number).
  config::StudyConfig s;
  config::SweepParameter p;
  p.path = "datasets.main.format";
  p.flag = "--custom-dataset-type";
  for (const char* f : {"speed_bench_math", "speed_bench_coding", "speed_bench_qa"}) {
    p.values.push_back(config::SweepValue{f, std::nan(""), false});
  }
  s.sweep.push_back(p);
  auto vars = expand_sweep(s);
  // Every point on both frontiers: more throughput always costs latency and per-user speed.
  std::vector<RunResult> results = {run_at(0, 1, 10, 20, 100), run_at(1, 2, 19, 25, 95),
                                    run_at(2, 4, 30, 60, 70)};
  for (size_t i = 0; i < results.size(); ++i) results[i].variation_values = vars[i].values;
  SweepAggregate a = aggregate_sweep(results, vars, s);
  EXPECT_EQ(a.metadata["sweep_parameters"].dump(),
            R"([{"name":"format","values":["speed_bench_math","speed_bench_coding",)"
            R"("speed_bench_qa"]}])");
  EXPECT_EQ(a.pareto_optimal.dump(),
            R"([{"format":"speed_bench_coding"},{"format":"speed_bench_math"},)"
            R"({"format":"speed_bench_qa"}])");
  EXPECT_EQ(a.best_configurations["best_throughput"]["parameters"]["format"], "speed_bench_qa");
  EXPECT_NE(render_sweep_csv(a).find("Best Throughput,speed_bench_qa,"), std::string::npos);
}

TEST(SweepAggregate, BestPointsAndFrontiers) {
  config::StudyConfig s;
  s.sweep.push_back(param("phases.profiling.concurrency", "--concurrency", {1, 2, 4, 8}, true));
  auto vars = expand_sweep(s);
  std::vector<RunResult> results = {run_at(0, 1, 10, 20, 100), run_at(1, 2, 19, 25, 95),
                                    run_at(2, 4, 30, 60, 70), run_at(3, 8, 28, 200, 30)};
  results[3].success = true;
  SweepAggregate a = aggregate_sweep(results, vars, s);
  ASSERT_EQ(a.combinations.size(), 4u);
  EXPECT_EQ(a.best_configurations["best_throughput"]["parameters"]["concurrency"], 4);
  EXPECT_EQ(a.best_configurations["best_latency_p99"]["parameters"]["concurrency"], 1);
  // concurrency 8 is dominated (less throughput, more latency than 4).
  EXPECT_EQ(a.pareto_optimal.dump(), R"([{"concurrency":1},{"concurrency":2},{"concurrency":4}])");
  EXPECT_EQ(a.pareto_optimal_interactivity.dump(),
            R"([{"concurrency":1},{"concurrency":2},{"concurrency":4}])");
  EXPECT_EQ(a.metadata["sweep_parameters"].dump(),
            R"([{"name":"concurrency","values":[1,2,4,8]}])");
  EXPECT_EQ(a.metadata["num_combinations"], 4);
  // One trial per point: the value itself, no spread.
  const ConfidenceMetric* m = a.combinations[2].find("request_throughput_avg");
  ASSERT_NE(m, nullptr);
  EXPECT_DOUBLE_EQ(m->stats.mean, 30);
  EXPECT_DOUBLE_EQ(m->stats.std, 0);
  EXPECT_DOUBLE_EQ(m->stats.ci_low, 30);

  const std::string json = render_sweep_json(a);
  auto j = nlohmann::json::parse(json);
  EXPECT_EQ(j["aggregation_type"], "sweep");
  EXPECT_EQ(j["per_combination_metrics"][0]["parameters"]["concurrency"], 1);
  EXPECT_TRUE(j["per_combination_metrics"][0]["metrics"].contains("time_to_first_token_p99"));
  const std::string csv = render_sweep_csv(a);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")).substr(0, 12), "concurrency,");
  EXPECT_NE(csv.find("\r\nBest Configurations\r\nConfiguration,concurrency,Metric,Unit\r\n"
                     "Best Throughput,4,30.00,requests/sec\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("\r\nPareto Optimal Points\r\nconcurrency\r\n1\r\n2\r\n4\r\n"),
            std::string::npos);
  EXPECT_NE(csv.find("Number of Combinations,4\r\n"), std::string::npos);
}

TEST(SweepAggregate, FailedPointIsLeftOut) {
  config::StudyConfig s;
  s.sweep.push_back(param("phases.profiling.concurrency", "--concurrency", {1, 2}, true));
  auto vars = expand_sweep(s);
  std::vector<RunResult> results = {run_at(0, 1, 10, 20, 100), run_at(1, 2, 19, 25, 95)};
  results[1].success = false;
  results[1].error = "All 10 requests failed";
  SweepAggregate a = aggregate_sweep(results, vars, s);
  EXPECT_EQ(a.combinations.size(), 1u);
  EXPECT_EQ(a.num_successful_runs, 1);
  EXPECT_EQ(a.failed_runs[0]["error"], "All 10 requests failed");
}

}  // namespace
}  // namespace aiperf::study
