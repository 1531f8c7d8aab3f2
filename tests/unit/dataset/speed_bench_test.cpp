// SPEED-Bench files (docs/datasets.md "SPEED-Bench"): rows -> sessions of turns, the category
// formats, and the one-line errors for bad rows (placeholder content included).
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/config/speed_bench.h"
#include "aiperf/dataset/custom/records.h"
#include "aiperf/dataset/dataset.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset {
namespace {

const std::string kMini = std::string(AIPERF_TEST_DATA_DIR) + "/speed_bench/mini.jsonl";
const std::string kId = "0123456789abcdef0123456789abcdef";

config::Config cfg_for(const std::string& file, const std::string& format) {
  config::Config c;
  c.models = {"m1"};
  c.random_seed = 7;
  c.input_file = file;
  c.custom_dataset_type = config::CustomDatasetType::kSpeedBench;
  c.speed_bench_format = format;
  return c;
}

Dataset load(const config::Config& c) {
  static auto t = tokenizer::builtin();
  return load_dataset(c, *t, RngManager(c.random_seed));
}

std::string temp_file(const std::string& body) {
  static int seq = 0;
  auto p = std::filesystem::temp_directory_path() /
           ("aiperf_sb_" + std::to_string(::getpid()) + "_" + std::to_string(seq++) + ".jsonl");
  std::ofstream(p, std::ios::binary) << body;
  return p.string();
}

/// The error of loading `body` as `format`, after "<file>" (checked to be one line).
std::string error_of(const std::string& body,
                     const std::string& format = "speed_bench_qualitative") {
  const std::string path = temp_file(body);
  try {
    load(cfg_for(path, format));
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    EXPECT_EQ(msg.rfind(path, 0), 0u) << msg;
    return msg.substr(path.size());
  }
  ADD_FAILURE() << "expected an InputError for " << body;
  return {};
}

std::string row(const std::string& id, const std::string& cat, const std::string& messages) {
  return R"({"question_id": ")" + id + R"(", "category": ")" + cat + R"(", "messages": )" +
         messages + "}\n";
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << haystack

TEST(SpeedBench, QualitativeKeepsEveryRowAsASessionOfItsMessages) {
  Dataset ds = load(cfg_for(kMini, "speed_bench_qualitative"));
  ASSERT_EQ(ds.conversations.size(), 4u);
  const Conversation& first = ds.conversations[0];
  EXPECT_EQ(first.session_id, "c0d1a9e5f00000000000000000000001");
  EXPECT_TRUE(first.accumulate_history);
  EXPECT_FALSE(first.system_message);  // not hoisted: the system message is a dispatched turn
  ASSERT_EQ(first.turns.size(), 2u);
  EXPECT_EQ(first.turns[0].role, "system");
  EXPECT_EQ(first.turns[0].text, "You are a careful Python programmer.");
  EXPECT_EQ(first.turns[1].role, "user");
  EXPECT_EQ(first.turns[1].text, "Write a function that reverses a linked list.");
  EXPECT_GT(first.turns[1].input_tokens, 0);
  EXPECT_EQ(first.turns[1].model, "m1");
  EXPECT_EQ(ds.conversations[2].turns.size(), 2u);
  EXPECT_EQ(ds.conversations[2].turns[1].text, "Now show a closure that counts calls.");
  EXPECT_TRUE(ds.warnings.empty());  // sub_category is a known auxiliary field
  EXPECT_EQ(ds.skipped_records, 0);
}

TEST(SpeedBench, CategoryFormatKeepsItsRowsAndCountsTheRest) {
  Dataset ds = load(cfg_for(kMini, "speed_bench_coding"));
  ASSERT_EQ(ds.conversations.size(), 2u);
  EXPECT_EQ(ds.conversations[0].session_id, "c0d1a9e5f00000000000000000000001");
  EXPECT_EQ(ds.conversations[1].session_id, "c0d1a9e5f00000000000000000000003");
  EXPECT_EQ(ds.skipped_records, 2);
  ASSERT_EQ(ds.warnings.size(), 1u);
  EXPECT_HAS(ds.warnings[0], "2 record(s) left out: category other than 'coding'");
  Dataset math = load(cfg_for(kMini, "speed_bench_math"));
  EXPECT_EQ(math.conversations.size(), 2u);
}

TEST(SpeedBench, ThroughputFormatsFilterByEntropyTier) {
  const std::string body = row(kId, "mixed", R"([{"role": "user", "content": "a"}])") +
                           row("1123456789abcdef0123456789abcdef", "low_entropy",
                               R"([{"role": "user", "content": "b"}])");
  const std::string path = temp_file(body);
  EXPECT_EQ(load(cfg_for(path, "speed_bench_throughput_8k")).conversations.size(), 2u);
  Dataset mixed = load(cfg_for(path, "speed_bench_throughput_8k_mixed"));
  ASSERT_EQ(mixed.conversations.size(), 1u);
  EXPECT_EQ(mixed.conversations[0].session_id, kId);
}

TEST(SpeedBench, AFilterMatchingNoRowFailsNamingTheFileCategories) {
  const std::string e = error_of(
      std::string(R"({"question_id": "c0d1a9e5f00000000000000000000001", )") +
          R"("category": "math", "messages": [{"role": "user", )" + R"("content": "x"}]})" + "\n",
      "speed_bench_coding");
  EXPECT_HAS(e, "no row has category 'coding'");
  EXPECT_HAS(e, "speed_bench_coding");
  EXPECT_HAS(e, "categories are: math");
}

TEST(SpeedBench, SameQuestionIdGroupsRowsIntoOneSession) {
  const std::string body = row(kId, "qa", R"([{"role": "user", "content": "one"}])") +
                           row(kId, "qa", R"([{"role": "user", "content": "two"}])");
  Dataset ds = load(cfg_for(temp_file(body), "speed_bench_qa"));
  ASSERT_EQ(ds.conversations.size(), 1u);
  ASSERT_EQ(ds.conversations[0].turns.size(), 2u);
  EXPECT_EQ(ds.conversations[0].turns[1].text, "two");
}

TEST(SpeedBench, BadRowsNameLineAndField) {
  const std::string ok = R"([{"role": "user", "content": "hi"}])";
  const std::string good = row(kId, "qa", ok);
  EXPECT_EQ(error_of(good + row("short", "qa", ok)),
            ":2: question_id: must be 32 characters (got 5)");
  EXPECT_EQ(error_of(R"({"category": "qa", "messages": [{"role": "user", "content": "hi"}]})"),
            ":1: question_id: missing (expected a 32-character string)");
  EXPECT_HAS(error_of(R"({"question_id": 5, "category": "qa", "messages": []})"),
             ":1: question_id: expected a string (got the number 5)");
  EXPECT_EQ(error_of(row(kId, "", ok)), ":1: category: must not be empty");
  EXPECT_HAS(error_of(R"({"question_id": ")" + kId + R"(", "messages": )" + ok + "}"),
             ":1: category: missing");
  EXPECT_HAS(error_of(R"({"question_id": ")" + kId + R"(", "category": "qa"})"),
             ":1: messages: missing");
  EXPECT_HAS(error_of(row(kId, "qa", "[]")), ":1: messages: expected at least one message");
  EXPECT_HAS(error_of(row(kId, "qa", R"("hi")")), ":1: messages: expected a list");
  EXPECT_HAS(error_of(row(kId, "qa", "[3]")), ":1: messages[0]: expected an object");
  EXPECT_EQ(error_of(row(kId, "qa", R"([{"role": "user", "content": "a"}, {"content": "b"}])")),
            ":1: messages[1].role: missing (expected a non-empty string)");
  EXPECT_EQ(error_of(row(kId, "qa", R"([{"role": " ", "content": "a"}])")),
            ":1: messages[0].role: must not be empty");
  EXPECT_EQ(error_of(row(kId, "qa", R"([{"role": "user", "content": " \n"}])")),
            ":1: messages[0].content: must not be empty");
  EXPECT_HAS(error_of(row(kId, "qa", R"([{"role": "user", "content": ["a"]}])")),
             ":1: messages[0].content: expected a string (got an array)");
  EXPECT_HAS(error_of("not json\n"), ":1: expected a SPEED-Bench row as one JSON object");
}

TEST(SpeedBench, PlaceholderContentSaysToFetchTheRealData) {
  const std::string e = error_of(row(
      kId, "qa",
      R"([{"role": "user", "content": "FULL BENCHMARK DATA SHOULD BE FETCHED FROM THE SOURCE USING SPECDEC_BENCH"}])"));
  EXPECT_HAS(e, ":1: messages[0].content: is the placeholder of the public nvidia/SPEED-Bench");
  EXPECT_HAS(e, "specdec_bench");
}

TEST(SpeedBench, UnknownFieldsAreWarnedAuxiliaryOnesAccepted) {
  const std::string body =
      R"({"question_id": ")" + kId +
      R"(", "category": "qa", "difficulty": 3, "source": "x", "colour": 1, "messages": [{"role": "user", "content": "a", "name": "n"}]})";
  Dataset ds = load(cfg_for(temp_file(body), "speed_bench_qualitative"));
  ASSERT_EQ(ds.warnings.size(), 2u);
  EXPECT_HAS(ds.warnings[0] + ds.warnings[1], "unknown field 'colour'");
  EXPECT_HAS(ds.warnings[0] + ds.warnings[1], "unknown field 'messages[].name'");
}

TEST(SpeedBench, QuestionIdCountsCharactersNotBytes) {
  // 31 ASCII characters and one two-byte character: 32 characters, 33 bytes.
  const std::string id = std::string(31, 'a') + "\xC3\xA9";
  Dataset ds = load(cfg_for(temp_file(row(id, "qa", R"([{"role": "user", "content": "a"}])")),
                            "speed_bench_qualitative"));
  EXPECT_EQ(ds.conversations[0].session_id, id);
}

TEST(SpeedBench, ParserLeavesNoStateBetweenRows) {
  custom::SpeedBenchRow r;
  custom::SourcePos pos{"f.jsonl", 1};
  custom::parse_speed_bench_line(row(kId, "qa", R"([{"role": "user", "content": "a"}])"), pos, r,
                                 nullptr);
  custom::parse_speed_bench_line(row(kId, "rag", R"([{"role": "user", "content": "b"}])"), pos, r,
                                 nullptr);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].content, "b");
  EXPECT_EQ(r.category, "rag");
}

TEST(SpeedBench, FormatTableIsAIPerfs) {
  const auto& all = config::speed_bench_formats();
  ASSERT_EQ(all.size(), 32u);
  EXPECT_EQ(all.front().name, "speed_bench_qualitative");
  EXPECT_EQ(all.front().category, "");
  EXPECT_EQ(config::find_speed_bench_format("speed_bench_writing")->category, "writing");
  EXPECT_EQ(config::find_speed_bench_format("speed_bench_throughput_32k")->category, "");
  EXPECT_EQ(config::find_speed_bench_format("speed_bench_throughput_2k_high_entropy")->category,
            "high_entropy");
  EXPECT_EQ(config::find_speed_bench_format("speed_bench_throughput_4k"), nullptr);
  EXPECT_EQ(all.back().name, "speed_bench_throughput_32k_high_entropy");
}

}  // namespace
}  // namespace aiperf::dataset
