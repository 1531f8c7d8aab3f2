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

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;

const std::string kMini = std::string(AIPERF_TEST_DATA_DIR) + "/speed_bench/mini.jsonl";
const std::string kCoding1 = "c0d1a9e5f00000000000000000000001";
const std::string kCoding3 = "c0d1a9e5f00000000000000000000003";

std::vector<json> read_jsonl(const std::string& path) {
  std::vector<json> out;
  std::ifstream f(path);
  for (std::string line; std::getline(f, line);) {
    if (!line.empty()) out.push_back(json::parse(line));
  }
  return out;
}

struct SbRun {
  CommandResult result;
  std::string dir;
  std::vector<json> server_records;
};

SbRun profile(const std::string& format, const std::string& file, int requests) {
  SbRun r;
  r.dir = make_temp_dir("aiperf-speed-bench");
  const std::string gt = r.dir + "/gt.jsonl";
  MockServerProcess m({"--ttft", "1", "--itl", "1", "--record-requests", gt});
  r.result = run_command({AIPERF_BIN,
                          "profile",
                          "--ui",
                          "none",
                          "--url",
                          m.url(),
                          "--model",
                          "mock-model",
                          "--tokenizer",
                          "builtin",
                          "--endpoint-type",
                          "chat",
                          "--custom-dataset-type",
                          format,
                          "--input-file",
                          file,
                          "--request-count",
                          std::to_string(requests),
                          "--concurrency",
                          "1",
                          "--osl",
                          "4",
                          "--random-seed",
                          "7",
                          "--artifact-dir",
                          r.dir},
                         120);
  m.stop();
  r.server_records = read_jsonl(gt);
  return r;
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

}  // namespace
}  // namespace aiperf::testing
