// Studies against the mock server (spec §8.1, docs/study.md): repeated runs with the confidence
// aggregate, early stop, sweeps with one directory per point and the sweep aggregate, the
// capacity search against a mock whose ITL grows with concurrency, time slices, Ctrl-C, and bad
// input rejected before anything starts. Request counts are small: every run is short.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

json read_json(const std::string& path) {
  return json::parse(read_file(path));
}

struct Study {
  CommandResult result;
  std::string dir;
};

Study study(const MockServerProcess& mock, const std::vector<std::string>& args,
            int timeout_s = 180) {
  Study s;
  s.dir = make_temp_dir("aiperf-study");
  std::vector<std::string> argv = {AIPERF_BIN, "profile",        "-m",   "mock-model", "-u",
                                   mock.url(), "--streaming",    "--ui", "none",       "--isl",
                                   "16",       "--artifact-dir", s.dir};
  argv.insert(argv.end(), args.begin(), args.end());
  s.result = run_command(argv, timeout_s);
  return s;
}

double mean_of(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return s / double(v.size());
}

TEST(Study, RepeatedRunsWriteTheConfidenceAggregate) {
  MockServerProcess mock({"--ttft", "3", "--itl", "1"});
  Study s = study(mock, {"--osl", "6", "--concurrency", "2", "--request-count", "8",
                         "--num-profile-runs", "3", "--confidence-level", "0.9"});
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  std::vector<double> ttft;
  std::string inputs;
  for (const char* run : {"run_0001", "run_0002", "run_0003"}) {
    const std::string dir = s.dir + "/profile_runs/" + run;
    json summary = read_json(dir + "/profile_export_aiperf.json");
    ttft.push_back(summary["time_to_first_token"]["avg"].get<double>());
    EXPECT_EQ(summary["run_info"]["random_seed"], 42);  // --set-consistent-seed
    // The same workload in every run.
    if (inputs.empty()) inputs = read_file(dir + "/inputs.json");
    EXPECT_EQ(read_file(dir + "/inputs.json"), inputs) << run;
  }
  json agg = read_json(s.dir + "/aggregate/profile_export_aiperf_aggregate.json");
  EXPECT_EQ(agg["schema_version"], "1.0");
  EXPECT_EQ(agg["metadata"]["aggregation_type"], "confidence");
  EXPECT_EQ(agg["metadata"]["num_profile_runs"], 3);
  EXPECT_EQ(agg["metadata"]["num_successful_runs"], 3);
  EXPECT_EQ(agg["metadata"]["confidence_level"], 0.9);
  EXPECT_EQ(agg["metadata"]["run_labels"], json({"run_0001", "run_0002", "run_0003"}));
  const json& t = agg["metrics"]["time_to_first_token_avg"];
  EXPECT_NEAR(t["mean"].get<double>(), mean_of(ttft), 1e-9);
  double sq = 0;
  for (double v : ttft) sq += (v - mean_of(ttft)) * (v - mean_of(ttft));
  const double sd = std::sqrt(sq / 2);
  EXPECT_NEAR(t["std"].get<double>(), sd, 1e-9);
  EXPECT_NEAR(t["t_critical"].get<double>(), 2.919986, 1e-5);  // t(0.95, df=2)
  EXPECT_NEAR(t["ci_high"].get<double>() - t["ci_low"].get<double>(),
              2 * t["t_critical"].get<double>() * sd / std::sqrt(3.0), 1e-9 * (1 + sd));
  EXPECT_EQ(t["unit"], "ms");
  EXPECT_TRUE(agg["metrics"].contains("request_throughput_avg"));
  EXPECT_TRUE(agg["metrics"].contains("request_latency_p99"));
  const std::string csv = read_file(s.dir + "/aggregate/profile_export_aiperf_aggregate.csv");
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")),
            "metric,mean,std,min,max,cv,se,ci_low,ci_high,t_critical,unit");
  EXPECT_NE(csv.find("\r\nSuccessful Runs,3\r\n"), std::string::npos);
  // Without --convergence-metric there is no collated file (as AIPerf).
  EXPECT_FALSE(fs::exists(s.dir + "/aggregate/profile_export_aiperf_collated.json"));
}

TEST(Study, ConvergenceStopsEarlyAndCollates) {
  MockServerProcess mock({"--ttft", "20", "--itl", "4"});
  Study s = study(mock, {"--osl", "6", "--concurrency", "2", "--request-count", "8",
                         "--num-profile-runs", "5", "--convergence-metric", "request_latency",
                         "--convergence-mode", "cv", "--convergence-threshold", "0.9"});
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  // Two runs of the same ~40 ms requests: their mean latencies would have to differ more than
  // fivefold for a cv >= 0.9, so the criterion is met at the minimum of two runs.
  EXPECT_TRUE(fs::exists(s.dir + "/profile_runs/run_0002"));
  EXPECT_FALSE(fs::exists(s.dir + "/profile_runs/run_0003"));
  EXPECT_NE(s.result.err.find("converged after 2 runs"), std::string::npos) << s.result.err;
  json col = read_json(s.dir + "/aggregate/profile_export_aiperf_collated.json");
  EXPECT_EQ(col["schema_version"], "1.0.0");
  EXPECT_EQ(col["metadata"]["aggregation_type"], "detailed");
  const json& rl = col["metrics"]["request_latency"];
  EXPECT_EQ(rl["combined"]["count"], 16);
  ASSERT_EQ(rl["per_run"].size(), 2u);
  EXPECT_EQ(rl["per_run"][0]["count"], 8);
  for (const char* k : {"mean", "std", "p50", "p90", "p95", "p99"}) {
    EXPECT_TRUE(rl["combined"][k].is_number()) << k;
  }
}

TEST(Study, ConcurrencySweepWritesOneDirectoryPerPointAndTheFrontier) {
  MockServerProcess mock({"--ttft", "10", "--itl", "2"});
  Study s = study(mock, {"--osl", "8", "--concurrency", "1,2,4", "--request-count", "8"});
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  for (int c : {1, 2, 4}) {
    const std::string dir = s.dir + "/concurrency_" + std::to_string(c);
    json summary = read_json(dir + "/profile_export_aiperf.json");
    EXPECT_EQ(summary["input_config"]["phases"][0]["concurrency"], c);
    EXPECT_EQ(summary["request_count"]["avg"], 8.0);
    EXPECT_TRUE(fs::exists(s.dir + "/aggregate/concurrency_" + std::to_string(c) +
                           "/profile_export_aiperf_aggregate.json"));
  }
  json sw = read_json(s.dir + "/sweep_aggregate/profile_export_aiperf_sweep.json");
  EXPECT_EQ(sw["aggregation_type"], "sweep");
  EXPECT_EQ(sw["num_profile_runs"], 3);
  EXPECT_EQ(sw["metadata"]["sweep_parameters"][0]["name"], "concurrency");
  EXPECT_EQ(sw["metadata"]["sweep_parameters"][0]["values"], json({1, 2, 4}));
  ASSERT_EQ(sw["per_combination_metrics"].size(), 3u);
  EXPECT_EQ(sw["per_combination_metrics"][1]["parameters"]["concurrency"], 2);
  EXPECT_TRUE(sw["per_combination_metrics"][1]["metrics"].contains("request_throughput_avg"));
  EXPECT_TRUE(sw["best_configurations"].contains("best_throughput"));
  EXPECT_TRUE(sw["best_configurations"].contains("best_latency_p99"));
  // Every point is on or off the frontier; the best-throughput point is always on it.
  ASSERT_FALSE(sw["pareto_optimal"].empty());
  json best = sw["best_configurations"]["best_throughput"]["parameters"];
  bool found = false;
  for (const auto& p : sw["pareto_optimal"]) found = found || p == best;
  EXPECT_TRUE(found) << sw["pareto_optimal"].dump();
  EXPECT_FALSE(sw["pareto_optimal_interactivity"].empty());
  const std::string csv = read_file(s.dir + "/sweep_aggregate/profile_export_aiperf_sweep.csv");
  EXPECT_EQ(csv.rfind("concurrency,", 0), 0u);
  EXPECT_NE(csv.find("\r\nPareto Optimal Points\r\nconcurrency\r\n"), std::string::npos);
  // run_info places each run in the study; seeds: point i uses 42 + i (AIPerf's rule).
  json info = read_json(s.dir + "/concurrency_4/profile_export_aiperf.json")["run_info"];
  EXPECT_EQ(info["random_seed"], 44);
  EXPECT_EQ(info["trial"], 0);
  EXPECT_EQ(info["run_label"], "run_0001");
  EXPECT_EQ(info["variation_label"], "phases.profiling.concurrency=4");
  EXPECT_EQ(info["variation_index"], 2);
  EXPECT_EQ(info["variation_values"]["phases.profiling.concurrency"], 4);
  EXPECT_EQ(info["sweep_id"],
            read_json(s.dir + "/concurrency_1/profile_export_aiperf.json")["run_info"]["sweep_id"]);
}

TEST(Study, SweepWithRepeatedRunsHasConfidencePerPoint) {
  MockServerProcess mock({"--ttft", "3", "--itl", "1"});
  Study s = study(mock, {"--osl", "4", "--concurrency", "1,2", "--request-count", "4",
                         "--num-profile-runs", "2", "--warmup-request-count", "2"});
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  for (const char* t : {"trial_0001", "trial_0002"}) {
    for (const char* c : {"concurrency_1", "concurrency_2"}) {
      EXPECT_TRUE(
          fs::exists(s.dir + "/profile_runs/" + t + "/" + c + "/profile_export_aiperf.json"))
          << t << "/" << c;
    }
  }
  json agg = read_json(s.dir + "/aggregate/concurrency_2/profile_export_aiperf_aggregate.json");
  EXPECT_EQ(agg["metadata"]["num_successful_runs"], 2);
  EXPECT_EQ(agg["metadata"]["variation_label"], "phases.profiling.concurrency=2");
  EXPECT_EQ(agg["metadata"]["variation_values"]["phases.profiling.concurrency"], 2);
  EXPECT_EQ(agg["metadata"]["sweep_mode"], "repeated");
  json sw = read_json(s.dir + "/aggregate/sweep_aggregate/profile_export_aiperf_sweep.json");
  EXPECT_EQ(sw["num_profile_runs"], 4);
  EXPECT_EQ(sw["metadata"]["num_trials_per_value"], 2);
  const json& m = sw["per_combination_metrics"][0]["metrics"]["request_latency_avg"];
  EXPECT_LE(m["ci_low"].get<double>(), m["mean"].get<double>());
  EXPECT_GE(m["ci_high"].get<double>(), m["mean"].get<double>());
  // Warmup only before the first run of each point (--profile-run-disable-warmup-after-first).
  auto log_of = [&](const char* t, const char* c) {
    return read_file(s.dir + "/profile_runs/" + t + "/" + c + "/logs/aiperf.log");
  };
  EXPECT_NE(log_of("trial_0001", "concurrency_1").find("phase warmup"), std::string::npos);
  EXPECT_EQ(log_of("trial_0002", "concurrency_1").find("phase warmup"), std::string::npos);
}

TEST(Study, CapacitySearchFindsTheKnownSaturationPoint) {
  // ITL = 2 + 4·(requests in flight) ms: an ITL SLO of 34 ms holds up to 8 concurrent requests;
  // at 7 the ITL is 30 ms, a margin no scheduling delay of a loaded machine comes near.
  MockServerProcess mock({"--ttft", "5", "--itl", "2", "--itl-concurrency-lin-ms", "4"});
  Study s = study(mock,
                  {"--osl", "12", "--search", "concurrency", "--goodput", "inter_token_latency:34",
                   "--request-count", "24"},
                  300);
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  json r = read_json(s.dir + "/search/profile_export_aiperf_search.json");
  EXPECT_EQ(r["parameter"], "concurrency");
  EXPECT_EQ(r["target"], 0.9);
  EXPECT_EQ(r["slo"]["inter_token_latency"], 34.0);
  ASSERT_TRUE(r["capacity"].is_number()) << r.dump(2);
  const int cap = r["capacity"];
  EXPECT_GE(cap, 7);  // within one resolution step (1) of 8
  EXPECT_LE(cap, 8);
  EXPECT_EQ(r["knee"]["first_fail"].get<int>(), cap + 1);
  bool passed_at_cap = false;
  for (const auto& p : r["probes"]) {
    EXPECT_TRUE(p["verdict"] == "pass" || p["verdict"] == "fail");
    EXPECT_TRUE(fs::exists(p["artifact_dir"].get<std::string>() + "/profile_export_aiperf.json"));
    if (p["load"] == cap) passed_at_cap = p["verdict"] == "pass";
    if (p["verdict"] == "pass") {
      EXPECT_GE(p["goodput_fraction"].get<double>(), 0.9);
      EXPECT_LE(p["load"].get<int>(), cap);
    }
  }
  EXPECT_TRUE(passed_at_cap);
  EXPECT_NE(r["stop_reason"].get<std::string>().find("resolution"), std::string::npos);
  EXPECT_NE(s.result.out.find("Capacity: " + std::to_string(cap)), std::string::npos);
}

TEST(Study, TimeSlicesAddUpToTheTotals) {
  MockServerProcess mock({"--ttft", "5", "--itl", "1"});
  Study s = study(mock, {"--osl", "4", "--request-rate", "40", "--benchmark-duration", "1.5",
                         "--slice-duration", "0.5"});
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  json total = read_json(s.dir + "/profile_export_aiperf.json");
  json ts = read_json(s.dir + "/profile_export_aiperf_timeslices.json");
  ASSERT_GE(ts["timeslices"].size(), 3u);
  double requests = 0, osl = 0;
  for (size_t i = 0; i < ts["timeslices"].size(); ++i) {
    const json& slice = ts["timeslices"][i];
    EXPECT_EQ(slice["timeslice_index"], i);
    requests += slice["request_count"]["avg"].get<double>();
    osl += slice["total_osl"]["avg"].get<double>();
  }
  EXPECT_EQ(requests, total["request_count"]["avg"].get<double>());
  EXPECT_EQ(osl, total["total_osl"]["avg"].get<double>());
  const std::string csv = read_file(s.dir + "/profile_export_aiperf_timeslices.csv");
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "Timeslice,Metric,Unit,Stat,Value");
}

TEST(Study, CtrlCKeepsCompletedPointsAndAggregatesThem) {
  MockServerProcess mock({"--ttft", "5", "--itl", "1"});
  const std::string dir = make_temp_dir("aiperf-study-int");
  ChildProcess p({AIPERF_BIN, "profile", "-m", "mock-model", "-u", mock.url(), "--streaming",
                  "--ui", "none", "--isl", "16", "--osl", "4", "--request-rate", "20",
                  "--benchmark-duration", "0.4,0.6,60", "--artifact-dir", dir},
                 dir + "/out.txt", dir + "/err.txt");
  // Interrupt once the third point (a minute long) is prepared: the first two are complete.
  const std::string third = dir + "/duration_60.0/inputs.json";
  for (int i = 0; i < 600 && !fs::exists(third); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(fs::exists(third)) << read_file(dir + "/err.txt");
  EXPECT_TRUE(fs::exists(dir + "/duration_0.6/profile_export_aiperf.json"));
  ::kill(p.pid(), SIGINT);
  EXPECT_EQ(p.wait(30000), 130) << read_file(dir + "/err.txt");
  json sw = read_json(dir + "/sweep_aggregate/profile_export_aiperf_sweep.json");
  EXPECT_EQ(sw["num_successful_runs"], 2);
  ASSERT_EQ(sw["per_combination_metrics"].size(), 2u);
  EXPECT_EQ(sw["per_combination_metrics"][0]["parameters"]["duration"], 0.4);
  ASSERT_EQ(sw["failed_runs"].size(), 1u);
  EXPECT_NE(sw["failed_runs"][0]["error"].get<std::string>().find("interrupted"),
            std::string::npos);
  // The interrupted point still wrote what it measured.
  EXPECT_TRUE(read_json(dir + "/duration_60.0/profile_export_aiperf.json")["was_cancelled"]);
}

TEST(Study, BadInputExitsTwoBeforeAnythingStarts) {
  MockServerProcess mock({"--fast"});
  struct Case {
    std::vector<std::string> args;
    std::string needle;
  };
  const std::vector<Case> cases = {
      {{"--concurrency", "1,abc"}, "--concurrency: expected an integer"},
      {{"--search", "concurrency"}, "--search needs --goodput"},
      {{"--confidence-level", "1.5"}, "--confidence-level: must be > 0 and < 1"},
      {{"--num-profile-runs", "3", "--convergence-metric", "ttft"},
       "--convergence-metric: unknown metric tag 'ttft'"},
      {{"--user-centric-rate", "5", "--num-users", "4", "--session-turns-mean", "2",
        "--request-count", "10,2"},
       "sweep point phases.profiling.requests=2: --request-count (2) must be >= --num-users (4)"},
      {{"--concurrency", "1,2", "--goodput", "no_such_metric:1"}, "no_such_metric"},
  };
  for (const auto& c : cases) {
    Study s = study(mock, c.args, 30);
    EXPECT_EQ(s.result.exit_code, 2) << c.needle << "\n" << s.result.err;
    EXPECT_NE(s.result.err.find(c.needle), std::string::npos) << s.result.err;
    EXPECT_EQ(std::count(s.result.err.begin(), s.result.err.end(), '\n'), 1) << s.result.err;
    EXPECT_TRUE(fs::is_empty(s.dir)) << c.needle;  // nothing ran, nothing written
  }
}

}  // namespace
}  // namespace aiperf::testing
