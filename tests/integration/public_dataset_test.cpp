// --public-dataset end to end (spec §4.6): the real aiperf against the real mock server, with a
// local file server standing in for the Hugging Face Hub (HF_ENDPOINT) or GitHub. The first run
// downloads into an empty cache; a second run with the server gone and HF_HUB_OFFLINE=1 reads
// the cache. The prompts sent (inputs.json and the mock server's own records) are the rows.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kParquet = std::string(AIPERF_TEST_DATA_DIR) + "/parquet/";

/// The text of a chat message's content (a string or a list of text parts).
std::string content_text(const json& content) {
  if (content.is_string()) return content.get<std::string>();
  std::string out;
  for (const auto& part : content) {
    if (part.value("type", "") == "text") out += part.value("text", "");
  }
  return out;
}

/// inputs.json: for each session, the user prompt of each of its payloads.
std::vector<std::vector<std::string>> prompts_sent(const std::string& dir) {
  json in = json::parse(read_file(dir + "/inputs.json"));
  std::vector<std::vector<std::string>> out;
  for (const auto& session : in["data"]) {
    std::vector<std::string> turns;
    for (const auto& payload : session["payloads"]) {
      turns.push_back(content_text(payload["messages"].back()["content"]));
    }
    out.push_back(turns);
  }
  return out;
}

/// Environment for one test: an empty dataset cache, no hub settings from outside.
class PublicDatasetRun : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = make_temp_dir("aiperf-public-cache");
    setenv("AIPERF_DATASET_CACHE", cache_.c_str(), 1);
    for (const char* v : {"HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE", "AIPERF_SPEC_BENCH_URL"}) {
      unsetenv(v);
    }
  }
  void TearDown() override {
    for (const char* v : {"AIPERF_DATASET_CACHE", "HF_ENDPOINT", "HF_TOKEN", "HF_HUB_OFFLINE",
                          "AIPERF_SPEC_BENCH_URL"}) {
      unsetenv(v);
    }
    fs::remove_all(cache_);
  }

  using Run = GroundTruthRun;

  Run profile(const std::string& dataset, int requests) {
    return profile_with_ground_truth({"--public-dataset", dataset}, requests, "aiperf-public-run");
  }

  std::string cache_;
};

TEST_F(PublicDatasetRun, AimoFromHubParquetThenOfflineFromCache) {
  const std::string api = "/api/datasets/AI-MO/NuminaMath-TIR/parquet/default/train";
  std::vector<std::vector<std::string>> first;
  {
    FileServer hub;
    hub.set(api,
            json::array({hub.url() + api + "/0.parquet", hub.url() + api + "/1.parquet"}).dump());
    hub.set(api + "/0.parquet", read_file(kParquet + "snappy_dict.parquet"));
    hub.set(api + "/1.parquet", read_file(kParquet + "v2_zstd_plain.parquet"));
    setenv("HF_ENDPOINT", hub.url().c_str(), 1);
    Run r = profile("aimo", 14);
    ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
    EXPECT_EQ(hub.requests(api), 1);
    EXPECT_EQ(hub.requests(api + "/0.parquet"), 1);
    EXPECT_EQ(hub.requests(api + "/1.parquet"), 1);
    EXPECT_EQ(hub.requests(), 3);
    // The 7 non-blank `problem` rows of each file, in file order, once each.
    const std::vector<std::string> rows = {"What is 1+1?", "Solve x^2=4.", "Solve x^2=4.",
                                           "Ünïcödé – π ≈ 3.14159 🚀", "What is 1+1?"};
    first = prompts_sent(r.dir);
    ASSERT_EQ(first.size(), 14u);
    for (size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(first[i], std::vector<std::string>{rows[i]});
      EXPECT_EQ(first[i + 7], std::vector<std::string>{rows[i]});
    }
    EXPECT_EQ(first[6], std::vector<std::string>{"Last"});
    ASSERT_EQ(r.server_records.size(), 14u);
  }
  // The hub is gone; offline mode reads the cache and sends the same prompts.
  setenv("HF_HUB_OFFLINE", "1", 1);
  Run again = profile("aimo", 14);
  ASSERT_EQ(again.result.exit_code, 0) << again.result.err;
  EXPECT_EQ(prompts_sent(again.dir), first);
  EXPECT_EQ(again.server_records.size(), 14u);
  // Offline with an empty cache: exit 2 before any request, one line naming the URL and path.
  fs::remove_all(cache_);
  Run none = profile("aimo", 1);
  EXPECT_EQ(none.result.exit_code, 2);
  EXPECT_NE(none.result.err.find("not cached and HF_HUB_OFFLINE is set; fetch "), std::string::npos)
      << none.result.err;
  EXPECT_TRUE(none.server_records.empty());
}

TEST_F(PublicDatasetRun, MtBenchMultiTurnConversations) {
  const std::string api = "/api/datasets/HuggingFaceH4/mt_bench_prompts/parquet/default/train";
  FileServer hub;
  hub.set(api, json::array({hub.url() + api + "/0.parquet"}).dump());
  hub.set(api + "/0.parquet", read_file(kParquet + "mt_bench.parquet"));
  setenv("HF_ENDPOINT", hub.url().c_str(), 1);
  Run r = profile("spec_al_mtbench", 4);
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_EQ(hub.requests(), 2);
  auto sent = prompts_sent(r.dir);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(sent[0], (std::vector<std::string>{"Write a haiku.", "Now make it rhyme."}));
  EXPECT_EQ(sent[1], std::vector<std::string>{"Explain TCP."});
  EXPECT_EQ(sent[2], std::vector<std::string>{"One turn only"});
  // 4 requests = every turn once; the second turn carries the first turn and its answer.
  ASSERT_EQ(r.server_records.size(), 4u);
  std::map<std::string, std::vector<json>> sessions;
  for (const json& g : r.server_records) {
    EXPECT_EQ(g["requested_max_tokens"], 4);  // --osl
    sessions[g["headers"].value("x-correlation-id", "")].push_back(g);
  }
  ASSERT_EQ(sessions.size(), 3u);
  int two_turn_sessions = 0;
  for (auto& [id, reqs] : sessions) {
    if (reqs.size() != 2) continue;
    ++two_turn_sessions;
    std::sort(reqs.begin(), reqs.end(), [](const json& a, const json& b) {
      return a["arrival_mono_ns"].get<int64_t>() < b["arrival_mono_ns"].get<int64_t>();
    });
    EXPECT_GT(reqs[1]["isl"].get<int64_t>(), reqs[0]["isl"].get<int64_t>() + 4);
  }
  EXPECT_EQ(two_turn_sessions, 1);
}

TEST_F(PublicDatasetRun, SpecBenchJsonlDownloadedOnce) {
  FileServer gh;
  gh.set("/question.jsonl",
         "{\"question_id\": 81, \"category\": \"writing\", \"turns\": [\"Compose a blog post.\", "
         "\"Rewrite it.\"]}\n"
         "{\"question_id\": 82, \"category\": \"math\", \"turns\": [\"  \"]}\n"
         "{\"question_id\": 83, \"category\": \"qa\", \"turns\": [\"What is TCP?\"]}\n");
  setenv("AIPERF_SPEC_BENCH_URL", (gh.url() + "/question.jsonl").c_str(), 1);
  Run r = profile("spec_bench", 2);
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_EQ(prompts_sent(r.dir),
            (std::vector<std::vector<std::string>>{{"Compose a blog post."}, {"What is TCP?"}}));
  Run again = profile("spec_bench", 2);
  ASSERT_EQ(again.result.exit_code, 0) << again.result.err;
  EXPECT_EQ(gh.requests(), 1);  // the second run reads the cache
  EXPECT_EQ(again.server_records.size(), 2u);
}

}  // namespace
}  // namespace aiperf::testing
