// SPEED-Bench files end to end (docs/datasets.md "SPEED-Bench"): the real aiperf against the
// mock server with a category format; what was sent is read back from inputs.json, the records
// and the mock server's own log (--record-requests). A filter matching no row, or a bad row,
// exits 2 before any request.
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;

const std::string kMini = std::string(AIPERF_TEST_DATA_DIR) + "/speed_bench/mini.jsonl";
const std::string kCoding1 = "c0d1a9e5f00000000000000000000001";
const std::string kCoding3 = "c0d1a9e5f00000000000000000000003";

using SbRun = GroundTruthRun;

SbRun profile(const std::string& format, const std::string& file, int requests) {
  return profile_with_ground_truth({"--custom-dataset-type", format, "--input-file", file},
                                   requests, "aiperf-speed-bench");
}

TEST(SpeedBench, CategoryFormatSendsTheSessionsOfItsCategoryTurnByTurn) {
  SbRun r = profile("speed_bench_coding", kMini, 4);
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_EQ(r.server_records.size(), 4u);
  // inputs.json: the two coding rows, each message a turn with its role, nothing hoisted.
  const json in = json::parse(read_file(r.dir + "/inputs.json"));
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> sent;
  for (const auto& s : in["data"]) {
    for (const auto& p : s["payloads"]) {
      const json& last = p["messages"].back();
      sent[s["session_id"]].emplace_back(last["role"], last["content"]);
    }
  }
  ASSERT_EQ(sent.size(), 2u) << in.dump();
  using M = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(sent[kCoding1], (M{{"system", "You are a careful Python programmer."},
                               {"user", "Write a function that reverses a linked list."}}));
  EXPECT_EQ(sent[kCoding3], (M{{"user", "Explain what a closure is in JavaScript."},
                               {"user", "Now show a closure that counts calls."}}));
  // The records: 4 requests, turns 0 and 1 of both coding sessions.
  std::set<std::pair<std::string, int>> turns;
  for (const json& rec : read_jsonl(r.dir + "/profile_export.jsonl")) {
    turns.emplace(rec["metadata"]["conversation_id"], rec["metadata"]["turn_index"]);
  }
  EXPECT_EQ(turns, (std::set<std::pair<std::string, int>>{
                       {kCoding1, 0}, {kCoding1, 1}, {kCoding3, 0}, {kCoding3, 1}}));
  // The effective config names the format.
  EXPECT_NE(read_file(r.dir + "/run_config.yaml").find("format: speed_bench_coding"),
            std::string::npos);
  EXPECT_NE(r.result.err.find("2 record(s) left out: category other than 'coding'"),
            std::string::npos)
      << r.result.err;
}

TEST(SpeedBench, NoMatchingRowOrABadRowExitsTwoBeforeAnyRequest) {
  SbRun none = profile("speed_bench_humanities", kMini, 2);
  EXPECT_EQ(none.result.exit_code, 2);
  EXPECT_NE(none.result.err.find("no row has category 'humanities'"), std::string::npos)
      << none.result.err;
  EXPECT_NE(none.result.err.find("categories are: coding, math"), std::string::npos)
      << none.result.err;
  EXPECT_TRUE(none.server_records.empty());

  const std::string bad = make_temp_dir("aiperf-speed-bench-bad") + "/bad.jsonl";
  std::ofstream(bad)
      << read_file(kMini)
      << R"({"question_id": "x", "category": "coding", "messages": [{"role": "user", "content": "a"}]})"
      << "\n";
  SbRun r = profile("speed_bench_coding", bad, 2);
  EXPECT_EQ(r.result.exit_code, 2);
  EXPECT_NE(r.result.err.find(bad + ":6: question_id: must be 32 characters (got 1)"),
            std::string::npos)
      << r.result.err;
  EXPECT_TRUE(r.server_records.empty());
}

// AIPerf's speed_bench_sweep template (a sweep of datasets.main.format over the 11 qualitative
// categories), its dataset path pointed at a file with one row per category, shrunk by flags:
// each run sends its category's row only, and the sweep aggregate names the formats.
TEST(SpeedBench, AIPerfsSweepTemplateRunsOneCategoryPerRun) {
  const std::string dir = make_temp_dir("aiperf-speed-bench-sweep");
  const std::string qualitative =
      std::string(AIPERF_TEST_DATA_DIR) + "/speed_bench/qualitative.jsonl";
  std::string yaml =
      read_file(std::string(AIPERF_TEST_DATA_DIR) + "/config/aiperf/speed_bench_sweep.yaml");
  const std::string from = "datasets/speed-bench/qualitative.jsonl";
  ASSERT_NE(yaml.find(from), std::string::npos);
  yaml.replace(yaml.find(from), from.size(), qualitative);
  std::ofstream(dir + "/sweep.yaml") << yaml;
  MockServerProcess m({"--fast"});
  const std::string out = dir + "/out";
  const CommandResult r = run_command({AIPERF_BIN,
                                       "profile",
                                       "-f",
                                       dir + "/sweep.yaml",
                                       "--url",
                                       m.url(),
                                       "--model",
                                       "mock-model",
                                       "--tokenizer",
                                       "builtin",
                                       "--ui",
                                       "none",
                                       "--request-count",
                                       "2",
                                       "--warmup-request-count",
                                       "1",
                                       "--server-metrics",
                                       m.url() + "/metrics",
                                       "--extra-inputs",
                                       "max_completion_tokens:8",
                                       "--artifact-dir",
                                       out},
                                      300);
  m.stop();
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> category_of;  // first prompt of the file's rows
  std::ifstream rows(qualitative);
  for (std::string line; std::getline(rows, line);) {
    const json row = json::parse(line);
    category_of[row["messages"][0]["content"]] = row["category"];
  }
  const std::vector<std::string> cats = {"coding", "humanities",    "math",      "multilingual",
                                         "qa",     "rag",           "reasoning", "roleplay",
                                         "stem",   "summarization", "writing"};
  std::vector<json> formats;
  for (const std::string& cat : cats) {
    SCOPED_TRACE(cat);
    const std::string run_dir = out + "/format_speed_bench_" + cat;
    const json in = json::parse(read_file(run_dir + "/inputs.json"));
    ASSERT_EQ(in["data"].size(), 1u);
    const std::string prompt = in["data"][0]["payloads"][0]["messages"].back()["content"];
    EXPECT_EQ(category_of[prompt], cat);
    formats.emplace_back("speed_bench_" + cat);
  }
  const json agg =
      json::parse(read_file(out + "/sweep_aggregate/profile_export_aiperf_sweep.json"));
  EXPECT_EQ(agg["metadata"]["sweep_parameters"][0]["values"], json(formats)) << agg["metadata"];
  EXPECT_EQ(agg["per_combination_metrics"].size(), 11u);
}

}  // namespace
}  // namespace aiperf::testing
