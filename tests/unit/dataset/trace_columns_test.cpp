// Plain trace rows kept as columns and their prompts built just in time (trace_columns.h):
// every conversation equals the held one of the same seed, and a row that is not plain turns
// the columns back into held conversations without changing anything.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset {
namespace {

using config::CustomDatasetType;
const std::string kDir = std::string(AIPERF_TEST_DATA_DIR) + "/traces/";

const tokenizer::Tokenizer& tok() {
  static auto t = tokenizer::builtin();
  return *t;
}

std::string dump(const Conversation& c) {
  std::ostringstream o;
  o << c.session_id << '|' << c.accumulate_history << '\n';
  for (const auto& t : c.turns) {
    o << t.input_tokens << '|' << t.max_tokens.value_or(-1) << '|' << t.model << '|'
      << t.timestamp_ms.value_or(-1) << '|' << t.delay_ms.value_or(-1) << '|' << t.text << '\n';
  }
  return o.str();
}

Dataset load_with(const config::Config& c, const char* jit) {
  if (jit) {
    ::setenv("AIPERF_JIT_MIN_ENTRIES", jit, 1);
  } else {
    ::unsetenv("AIPERF_JIT_MIN_ENTRIES");
  }
  Dataset d = load_dataset(c, tok(), RngManager(c.random_seed));
  ::unsetenv("AIPERF_JIT_MIN_ENTRIES");
  return d;
}

void expect_same(config::Config c, const char* what) {
  Dataset held = load_with(c, "1000000000");
  Dataset cols = load_with(c, "1");
  ASSERT_FALSE(held.source) << what;
  ASSERT_TRUE(cols.source) << what;
  ASSERT_EQ(cols.size(), held.size()) << what;
  EXPECT_EQ(cols.warnings, held.warnings) << what;
  auto cur = cols.source->open();
  for (size_t i = 0; i < held.size(); ++i) {
    EXPECT_EQ(dump(cur->read(i)), dump(held.conversations[i])) << what << " #" << i;
    EXPECT_EQ(cols.source->first_timestamp_ms(i), held.conversations[i].turns[0].timestamp_ms);
  }
}

config::Config cfg_for(const std::string& file, CustomDatasetType type) {
  config::Config c;
  c.models = {"m1", "m2"};
  c.model_selection = config::ModelSelection::kRandom;
  c.random_seed = 42;
  c.input_file = file;
  c.custom_dataset_type = type;
  c.timing_mode = config::TimingMode::kFixedSchedule;
  return c;
}

TEST(TraceColumns, MooncakeRowsWithHashIdsEqualTheHeldOnes) {
  auto c = cfg_for(kDir + "arxiv_mooncake_trace_first20.jsonl", CustomDatasetType::kMooncakeTrace);
  expect_same(c, "mooncake");
  c.fixed_schedule_end_offset_ms = 30000;  // a window: rows outside are left out as they are read
  expect_same(c, "mooncake window");
  c.timing_mode = config::TimingMode::kConcurrency;
  c.osl_mean = 7;  // rows without output_length draw --osl
  expect_same(c, "mooncake, not replayed");
}

TEST(TraceColumns, BurstGptRowsEqualTheHeldOnes) {
  // Corpus prompts of the rows' lengths, their starts drawn in file order.
  std::string path = std::filesystem::temp_directory_path() /
                     ("aiperf_tc_" + std::to_string(::getpid()) + "_burst.csv");
  std::ofstream f(path);
  f << "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n";
  for (int i = 0; i < 700; ++i) {
    f << i / 3 << ",ChatGPT," << 20 + (i * 37) % 300 << "," << (i * 13) % 50 << ",0,API log\n";
  }
  f.close();
  auto c = cfg_for(path, CustomDatasetType::kBurstGptTrace);
  expect_same(c, "burst");
  std::filesystem::remove(path);
}

TEST(TraceColumns, ARowThatIsNotPlainTurnsTheColumnsIntoHeldConversations) {
  std::string path = std::filesystem::temp_directory_path() /
                     ("aiperf_tc_" + std::to_string(::getpid()) + "_mixed.jsonl");
  std::ofstream f(path);
  f << R"({"timestamp": 0, "input_length": 40, "output_length": 5})"
    << "\n";
  f << R"({"timestamp": 10, "input_length": 1030, "hash_ids": [1, 2, 3]})"
    << "\n";
  f << R"({"timestamp": 20, "text_input": "hello there", "output_length": 3})"
    << "\n";
  f << R"({"timestamp": 30, "input_length": 12})"
    << "\n";
  f.close();
  auto c = cfg_for(path, CustomDatasetType::kMooncakeTrace);
  Dataset held = load_with(c, "1000000000");
  Dataset mixed = load_with(c, "1");
  EXPECT_FALSE(mixed.source);
  ASSERT_EQ(mixed.conversations.size(), held.conversations.size());
  for (size_t i = 0; i < held.conversations.size(); ++i) {
    EXPECT_EQ(dump(mixed.conversations[i]), dump(held.conversations[i])) << i;
  }
  std::filesystem::remove(path);
}

TEST(TraceColumns, HashIdsBeyondInt32AreHeldNotTruncated) {
  // The columns keep hash ids as int32; a row with a larger id is not plain.
  std::string path = std::filesystem::temp_directory_path() /
                     ("aiperf_tc_" + std::to_string(::getpid()) + "_bigids.jsonl");
  std::ofstream f(path);
  f << R"({"timestamp": 0, "input_length": 600, "hash_ids": [1, 2]})"
    << "\n";
  f << R"({"timestamp": 10, "input_length": 600, "hash_ids": [1, 4294967298]})"
    << "\n";
  f.close();
  auto c = cfg_for(path, CustomDatasetType::kMooncakeTrace);
  Dataset held = load_with(c, "1000000000");
  Dataset jit = load_with(c, "1");
  EXPECT_FALSE(jit.source);
  ASSERT_EQ(jit.conversations.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(dump(jit.conversations[i]), dump(held.conversations[i])) << i;
  }
  // Hash id 4294967298 is not hash id 2 (what an int32 would keep).
  EXPECT_NE(jit.conversations[1].turns[0].text.substr(512),
            jit.conversations[0].turns[0].text.substr(512));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace aiperf::dataset
