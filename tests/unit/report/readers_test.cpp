// Readers of run artifacts and run discovery (report/run_data.h, report/report.h).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "aiperf/common/error.h"
#include "aiperf/report/report.h"

namespace aiperf::report {
namespace {

namespace fs = std::filesystem;

const std::string kRun = std::string(AIPERF_TEST_DATA_DIR) + "/report/run_small";

std::string temp_dir(const std::string& name) {
  fs::path p =
      fs::temp_directory_path() / ("aiperf-report-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(p);
  fs::create_directories(p);
  return p.string();
}

void write(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

TEST(ReadRecords, ColumnsFromARealRun) {
  RequestColumns c = read_records(kRun + "/profile_export.jsonl");
  ASSERT_EQ(c.size(), 24u);
  const auto* ttft = c.column("time_to_first_token");
  ASSERT_NE(ttft, nullptr);
  for (size_t i = 0; i < c.size(); ++i) {
    EXPECT_TRUE(std::isfinite((*ttft)[i]));
    EXPECT_GE(c.end_ns[i], c.start_ns[i]);
    EXPECT_EQ(c.error[i], 0);
  }
  // A list-valued metric (inter_chunk_latency) is not a column.
  EXPECT_EQ(c.column("inter_chunk_latency"), nullptr);
}

TEST(ReadRecords, MissingValuesErrorsBlankLinesAndFilter) {
  std::string dir = temp_dir("records");
  write(
      dir + "/r.jsonl",
      R"({"metadata":{"request_start_ns":100,"request_end_ns":300},"metrics":{"request_latency":{"value":2.5,"unit":"ms"},"time_to_first_token":{"value":1.0,"unit":"ms"}},"error":null})"
      "\r\n\n"
      R"({"metadata":{"request_start_ns":200,"request_end_ns":250},"metrics":{"error_isl":{"value":7,"unit":"tokens"}},"error":{"code":500,"type":"x","message":"boom"}})"
      "\n"
      R"({"metrics":{"request_latency":{"value":9,"unit":"ms"}}})"
      "\n");
  RequestColumns c = read_records(dir + "/r.jsonl");
  ASSERT_EQ(c.size(), 2u);  // the line without timestamps carries nothing to plot
  EXPECT_EQ(c.error[0], 0);
  EXPECT_EQ(c.error[1], 1);
  EXPECT_DOUBLE_EQ((*c.column("request_latency"))[0], 2.5);
  EXPECT_TRUE(std::isnan((*c.column("request_latency"))[1]));
  EXPECT_TRUE(std::isnan((*c.column("error_isl"))[0]));
  EXPECT_DOUBLE_EQ((*c.column("error_isl"))[1], 7);

  RecordsOptions only;
  only.tags = {"time_to_first_token"};
  RequestColumns f = read_records(dir + "/r.jsonl", only);
  EXPECT_EQ(f.metrics.size(), 1u);
  EXPECT_NE(f.column("time_to_first_token"), nullptr);
}

TEST(ReadRecords, MalformedLineNamesFileAndLine) {
  std::string dir = temp_dir("bad");
  write(dir + "/r.jsonl", R"({"metadata":{"request_start_ns":1}})"
                          "\n{\"metadata\": [1,\n");
  try {
    read_records(dir + "/r.jsonl");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("r.jsonl:2:"), std::string::npos) << e.what();
  }
  EXPECT_THROW(read_records(dir + "/missing.jsonl"), InputError);
}

TEST(ReadRecords, EveryMalformedShapeIsRefusedEvenInSkippedFields) {
  // The reader parses only the fields it needs: a line cut short, broken JSON on the way to a
  // field it reads, or text after the object makes the line invalid.
  const std::string good =
      R"({"metadata":{"request_start_ns":1},"metrics":{"a":{"value":1,"unit":"ms"}}})";
  const char* bad[] = {
      R"({"metadata":{"request_start_ns":1}} x)",
      R"({"metadata":{"request_start_ns":1}}{})",
      R"({"metadata":{"request_start_ns":1},"metrics":{"a":{"value":1,"unit":"ms"})",
      R"({"metadata":{"request_start_ns":1},"error":nul})",
      R"([{"metadata":{"request_start_ns":1}}])",
  };
  std::string dir = temp_dir("bad-shapes");
  RecordsOptions only;
  only.tags = {"a"};
  for (const char* b : bad) {
    write(dir + "/r.jsonl", good + "\n" + b + "\n");
    EXPECT_THROW(read_records(dir + "/r.jsonl", only), InputError) << b;
  }
  // Inside a value it skips (one it was not asked for), only the brackets are followed: the
  // numbers it returns are the ones it read, so such a line still counts.
  write(dir + "/r.jsonl", good + "\n" + good + "  \n" +
                              R"({"metadata":{"request_start_ns":1},"extra":[1,2,],)"
                              R"("metrics":{"skipped":{"value":[1,]},"a":{"value":3}}})" +
                              "\n");
  RequestColumns c = read_records(dir + "/r.jsonl", only);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_DOUBLE_EQ((*c.column("a"))[1], 1.0);
  EXPECT_DOUBLE_EQ((*c.column("a"))[2], 3.0);
}

TEST(ReadSummary, MetricsAndErrors) {
  Summary s = read_summary(kRun + "/profile_export_aiperf.json");
  ASSERT_TRUE(s.value("time_to_first_token", "p99"));
  EXPECT_EQ(s.metric("time_to_first_token")->unit, "ms");
  EXPECT_TRUE(s.value("request_throughput"));
  EXPECT_FALSE(s.value("request_throughput", "p99"));
  std::string dir = temp_dir("summary");
  write(dir + "/a.json", "{not json");
  write(dir + "/b.json", R"({"schema_version": "1.3"})");
  EXPECT_THROW(read_summary(dir + "/a.json"), InputError);
  EXPECT_THROW(read_summary(dir + "/b.json"), InputError);
}

TEST(ReadTimeslicesAndGpu, Shapes) {
  std::string dir = temp_dir("slices");
  write(dir + "/t.json",
        R"({"timeslices":[{"timeslice_index":1,"time_to_first_token":{"unit":"ms","avg":4,"std":1}},
                          {"timeslice_index":0,"time_to_first_token":{"unit":"ms","avg":2,"std":0.5}}],
            "input_config":{"output":{"slice_duration":5.0}}})");
  Timeslices t = read_timeslices(dir + "/t.json");
  ASSERT_EQ(t.slices.size(), 2u);
  EXPECT_DOUBLE_EQ(*t.slices[0].at("time_to_first_token").get("avg"), 2);  // sorted by index
  EXPECT_DOUBLE_EQ(t.slice_duration_s, 5.0);
  write(
      dir + "/g.jsonl",
      R"({"timestamp_ns":1000000000,"gpu_index":0,"gpu_uuid":"a","telemetry_data":{"gpu_utilization":40}})"
      "\n"
      R"({"timestamp_ns":1000000001,"gpu_index":1,"gpu_uuid":"b","telemetry_data":{"gpu_utilization":60}})"
      "\n"
      R"({"timestamp_ns":2000000000,"gpu_index":0,"gpu_uuid":"a","telemetry_data":{"gpu_utilization":80}})"
      "\n");
  GpuSeries g = read_gpu_telemetry(dir + "/g.jsonl");
  EXPECT_EQ(g.num_gpus, 2);
  ASSERT_EQ(g.ts_ns.size(), 2u);  // one scrape round per instant
  EXPECT_DOUBLE_EQ(g.fields["gpu_utilization"][0], 50);
  EXPECT_DOUBLE_EQ(g.fields["gpu_utilization"][1], 80);
}

TEST(DiscoverRuns, SingleStudySweepAndErrors) {
  std::string root = temp_dir("discover");
  const std::string summary = kRun + "/profile_export_aiperf.json";
  fs::create_directories(root + "/single");
  fs::copy_file(summary, root + "/single/profile_export_aiperf.json");
  for (int k = 1; k <= 3; ++k) {
    std::string d = root + "/study/profile_runs/run_000" + std::to_string(k);
    fs::create_directories(d);
    fs::copy_file(summary, d + "/profile_export_aiperf.json");
  }
  write(root + "/study/aggregate/profile_export_aiperf_aggregate.json",
        R"({"metadata":{"num_successful_runs":3,"confidence_level":0.9},
            "metrics":{"time_to_first_token_avg":{"mean":5,"std":1,"ci_low":4,"ci_high":6,"unit":"ms"}}})");

  auto single = discover_runs({root + "/single"});
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].name, "single");
  EXPECT_EQ(single[0].trial, 0);

  auto study = discover_runs({root + "/study"});
  ASSERT_EQ(study.size(), 3u);
  EXPECT_EQ(study[0].name, "study/run_0001");
  EXPECT_EQ(study[2].trial, 3);
  RunData r = load_run(study[0]);
  ASSERT_TRUE(r.aggregate);
  EXPECT_DOUBLE_EQ(r.aggregate->confidence_level, 0.9);
  EXPECT_EQ(r.info.model, "m");
  ASSERT_TRUE(r.info.concurrency);
  EXPECT_DOUBLE_EQ(*r.info.concurrency, 2);

  EXPECT_EQ(study[1].cell, fs::path(root + "/study").lexically_normal().string());

  // Sweeps with repeats, both of the study's layouts: trials grouped by their point.
  for (int k = 1; k <= 2; ++k) {
    for (const char* point : {"concurrency_1", "concurrency_4"}) {
      std::string rep = root + "/sweepr/profile_runs/trial_000" + std::to_string(k) + "/" + point;
      std::string ind = root + "/sweepi/" + point + "/profile_runs/trial_000" + std::to_string(k);
      for (const auto& d : {rep, ind}) {
        fs::create_directories(d);
        fs::copy_file(summary, d + "/profile_export_aiperf.json");
      }
    }
  }
  for (const char* layout : {"/sweepr", "/sweepi"}) {
    auto runs = discover_runs({root + layout});
    ASSERT_EQ(runs.size(), 4u);
    std::set<std::string> cells;
    for (const auto& r : runs) {
      EXPECT_GT(r.trial, 0) << r.dir;
      cells.insert(r.cell);
    }
    EXPECT_EQ(cells.size(), 2u) << layout;  // two points, two trials each
  }
  EXPECT_EQ(discover_runs({root + "/sweepr"})[0].name, "concurrency_1/trial_0001");

  EXPECT_EQ(discover_runs({root + "/s*"}).size(), 12u);  // a glob
  EXPECT_EQ(discover_runs({root}).size(), 12u);

  fs::create_directories(root + "/empty");
  try {
    discover_runs({root + "/empty"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no runs found"), std::string::npos);
  }
  write(root + "/half/profile_export.jsonl", "{}\n");
  try {
    discover_runs({root + "/half"});
    FAIL();
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("no profile_export_aiperf.json"), std::string::npos);
  }
  EXPECT_THROW(discover_runs({root + "/nope"}), ConfigError);
  EXPECT_THROW(discover_runs({root + "/half/profile_export.jsonl"}), ConfigError);
}

}  // namespace
}  // namespace aiperf::report
