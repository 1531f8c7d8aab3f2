// The confidence aggregate (spec §8.1): keys, formulas and the CSV layout, AIPerf's single-run
// mode, and the Python formatting the CSV metadata uses.
#include "aiperf/study/aggregate.h"

#include <gtest/gtest.h>

namespace aiperf::study {
namespace {

RunResult run(const char* label, double ttft_avg, double ttft_p99, double tput) {
  RunResult r;
  r.label = label;
  r.success = true;
  SummaryMetric ttft{"time_to_first_token", "ms", {}};
  ttft.stats[0] = ttft_avg;
  ttft.stats[12] = ttft_p99;
  SummaryMetric t{"request_throughput", "requests/sec", {}};
  t.stats[0] = tput;
  r.summary.metrics = {ttft, t};
  return r;
}

TEST(ConfidenceAggregate, FlattenedKeysAndFormulas) {
  std::vector<RunResult> runs = {run("run_0001", 10, 20, 5), run("run_0002", 12, 22, 6),
                                 run("run_0003", 14, 30, 7)};
  AggregateResult a = aggregate_confidence(runs, 0.95);
  EXPECT_EQ(a.num_runs, 3);
  EXPECT_EQ(a.num_successful_runs, 3);
  ASSERT_EQ(a.metrics.size(), 3u);
  EXPECT_EQ(a.metrics[0].key, "time_to_first_token_avg");
  EXPECT_EQ(a.metrics[1].key, "time_to_first_token_p99");
  EXPECT_EQ(a.metrics[2].key, "request_throughput_avg");
  const ConfidenceStats& s = a.metrics[0].stats;
  EXPECT_DOUBLE_EQ(s.mean, 12);
  EXPECT_DOUBLE_EQ(s.std, 2);
  EXPECT_NEAR(s.ci_high - s.ci_low, 2 * 4.3026527297 * 2 / std::sqrt(3.0), 1e-7);
  EXPECT_EQ(a.metrics[0].unit, "ms");

  auto j = nlohmann::json::parse(render_confidence_json(a));
  EXPECT_EQ(j["schema_version"], "1.0");
  EXPECT_EQ(j["metadata"]["aggregation_type"], "confidence");
  EXPECT_EQ(j["metadata"]["num_profile_runs"], 3);
  EXPECT_EQ(j["metadata"]["confidence_level"], 0.95);
  EXPECT_EQ(j["metadata"]["run_labels"].size(), 3u);
  const auto& m = j["metrics"]["time_to_first_token_avg"];
  for (const char* k :
       {"mean", "std", "min", "max", "cv", "se", "ci_low", "ci_high", "t_critical", "unit"}) {
    EXPECT_TRUE(m.contains(k)) << k;
  }
  EXPECT_LE(m["ci_low"].get<double>(), m["mean"].get<double>());
  EXPECT_GE(m["ci_high"].get<double>(), m["mean"].get<double>());
}

TEST(ConfidenceAggregate, CsvLayout) {
  std::vector<RunResult> runs = {run("run_0001", 10, 20, 5), run("run_0002", 12, 22, 6)};
  AggregateResult a = aggregate_confidence(runs, 0.9);
  a.metadata["cooldown_seconds"] = 0.0;
  const std::string csv = render_confidence_csv(a);
  // sample std of {10, 12} = sqrt(2); se = 1; t(0.95, 1) = 6.3138
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "metric,mean,std,min,max,cv,se,ci_low,ci_high,t_critical,unit");
  EXPECT_NE(csv.find("time_to_first_token_avg,11.00,1.41,10.00,12.00,0.1286,1.0000,4.69,17.31,"
                     "6.3138,ms\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\n\r\nAggregation Type,confidence\r\nTotal Runs,2\r\nSuccessful Runs,2\r\n"
                     "Confidence Level,0.9\r\nRun Labels,\"['run_0001', 'run_0002']\"\r\n"
                     "Cooldown Seconds,0.0\r\n"),
            std::string::npos)
      << csv;
}

TEST(ConfidenceAggregate, SingleSuccessfulRunCollapses) {
  std::vector<RunResult> runs = {run("run_0001", 10, 20, 5), run("run_0002", 0, 0, 0)};
  runs[1].success = false;
  runs[1].error = "All 10 requests failed";
  AggregateResult a = aggregate_confidence(runs, 0.95);
  EXPECT_EQ(a.num_successful_runs, 1);
  EXPECT_TRUE(a.metadata["single_run"].get<bool>());
  ASSERT_EQ(a.failed_runs.size(), 1u);
  EXPECT_EQ(a.failed_runs[0].second, "All 10 requests failed");
  const ConfidenceStats& s = a.metrics[0].stats;
  EXPECT_DOUBLE_EQ(s.ci_low, 10);
  EXPECT_DOUBLE_EQ(s.std, 0);
  auto j = nlohmann::json::parse(render_confidence_json(a));
  EXPECT_TRUE(j["metrics"]["time_to_first_token_avg"]["t_critical"].is_null());
}

TEST(ConfidenceAggregate, NonFiniteValuesAreSkipped) {
  std::vector<RunResult> runs = {run("run_0001", 10, 20, 5), run("run_0002", 12, 22, 6)};
  runs[1].summary.metrics[0].stats[0] = std::nan("");
  AggregateResult a = aggregate_confidence(runs, 0.95);
  const ConfidenceMetric* m = a.find("time_to_first_token_avg");
  ASSERT_NE(m, nullptr);
  EXPECT_DOUBLE_EQ(m->stats.mean, 10);  // one finite value left: no spread
  EXPECT_TRUE(std::isnan(m->stats.std));
}

TEST(PythonFormatting, FloatsAndContainers) {
  EXPECT_EQ(python_float(5.0), "5.0");
  EXPECT_EQ(python_float(0.95), "0.95");
  EXPECT_EQ(python_float(2.5), "2.5");
  EXPECT_EQ(python_float(1e16), "1e+16");
  EXPECT_EQ(python_float(1234567.0), "1234567.0");
  EXPECT_EQ(python_float(0.0001), "0.0001");
  EXPECT_EQ(python_float(0.00001), "1e-05");
  EXPECT_EQ(python_float(-3.25), "-3.25");
  EXPECT_EQ(python_str(nlohmann::ordered_json(true)), "True");
  nlohmann::ordered_json d = {{"phases.profiling.concurrency", 10}};
  EXPECT_EQ(python_str(d), "{'phases.profiling.concurrency': 10}");
  EXPECT_EQ(csv_row({"a,b", "c\"d", "e"}), "\"a,b\",\"c\"\"d\",e\r\n");
  EXPECT_EQ(fixed(std::nan(""), 2), "nan");
  EXPECT_EQ(fixed(2.345, 2), "2.35");  // 2.345 is stored just above: Python rounds it up too
}

}  // namespace
}  // namespace aiperf::study
