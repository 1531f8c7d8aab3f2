// --input-file formats (spec §4.5): every field of each format, sessions, ms vs s, hash_ids
// prompts, fixed-schedule offsets (§3.6), synthesis (§8.4), and one-line errors for bad input.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "aiperf/common/error.h"
#include "aiperf/dataset/dataset.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset {
namespace {

using config::CustomDatasetType;
const std::string kDir = std::string(AIPERF_TEST_DATA_DIR) + "/traces/";

config::Config cfg_for(const std::string& file, CustomDatasetType type) {
  config::Config c;
  c.models = {"m1", "m2"};
  c.random_seed = 42;
  c.input_file = file;
  c.custom_dataset_type = type;
  return c;
}

const tokenizer::Tokenizer& tok() {
  static auto t = tokenizer::builtin();
  return *t;
}

Dataset load(const config::Config& c) {
  return load_dataset(c, tok(), RngManager(c.random_seed));
}

std::string temp_file(const std::string& name, const std::string& body) {
  // Unique per process: ctest runs tests of this file in parallel processes.
  static int seq = 0;
  auto p = std::filesystem::temp_directory_path() /
           ("aiperf_ds_" + std::to_string(::getpid()) + "_" + std::to_string(seq++) + "_" + name);
  std::ofstream(p, std::ios::binary) << body;
  return p.string();
}

/// Loads `body` as `type`, expecting an InputError; returns its message.
std::string error_of(const std::string& body, CustomDatasetType type,
                     const std::string& name = "bad.jsonl", bool replay = false) {
  auto path = temp_file(name, body);
  try {
    auto c = cfg_for(path, type);
    if (replay) c.timing_mode = config::TimingMode::kFixedSchedule;
    load(c);
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos);
    EXPECT_EQ(msg.rfind(path, 0), 0u) << msg;  // names the file first
    return msg.substr(path.size());
  }
  ADD_FAILURE() << "expected an InputError for " << body;
  return {};
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << haystack

TEST(SingleTurn, BasicFieldsAndModels) {
  Dataset ds = load(cfg_for(kDir + "single_turn_basic.jsonl", CustomDatasetType::kSingleTurn));
  ASSERT_EQ(ds.conversations.size(), 5u);
  EXPECT_EQ(ds.conversations[0].turns[0].text, "What is machine learning?");
  EXPECT_EQ(ds.conversations[0].session_id, "session_000000");
  EXPECT_FALSE(ds.conversations[0].accumulate_history);
  EXPECT_EQ(ds.conversations[0].turns[0].model, "m1");
  EXPECT_EQ(ds.conversations[1].turns[0].model, "m2");  // round robin over turns
  EXPECT_EQ(ds.conversations[0].turns[0].input_tokens,
            int64_t(tok().count("What is machine learning?")));
  EXPECT_FALSE(ds.conversations[0].turns[0].max_tokens);
  EXPECT_TRUE(ds.warnings.empty());
}

TEST(SingleTurn, OutputLengthFallsBackToOsl) {
  auto c = cfg_for(kDir + "single_turn_output_length.jsonl", CustomDatasetType::kSingleTurn);
  c.osl_mean = 77;
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 4u);
  EXPECT_EQ(ds.conversations[0].turns[0].max_tokens, 50);
  EXPECT_EQ(ds.conversations[1].turns[0].max_tokens, 500);
  EXPECT_EQ(ds.conversations[3].turns[0].max_tokens, 77);  // no output_length: --osl
}

TEST(SingleTurn, TimestampsDelaysExtraMedia) {
  Dataset ts = load(cfg_for(kDir + "single_turn_timestamps.jsonl", CustomDatasetType::kSingleTurn));
  EXPECT_EQ(ts.conversations[0].turns[0].timestamp_ms, 1000);  // ms as written
  EXPECT_EQ(ts.conversations[1].turns[0].timestamp_ms, 2000);
  Dataset d = load(cfg_for(kDir + "single_turn_delays.jsonl", CustomDatasetType::kSingleTurn));
  EXPECT_EQ(d.conversations[1].turns[0].delay_ms, 1234);
  Dataset e = load(cfg_for(kDir + "single_turn_extra.jsonl", CustomDatasetType::kSingleTurn));
  EXPECT_EQ(e.conversations[0].turns[0].extra_json, R"({"temperature":1.2,"top_p":0.9})");
  Dataset m = load(cfg_for(kDir + "single_turn_multimodal.jsonl", CustomDatasetType::kSingleTurn));
  ASSERT_EQ(m.conversations.size(), 5u);
  const Turn& t0 = m.conversations[0].turns[0];
  ASSERT_EQ(t0.media.size(), 1u);
  EXPECT_EQ(t0.media[0].kind, MediaItem::Kind::kImage);
  EXPECT_EQ(t0.media[0].content, "/path/to/image.png");
  EXPECT_EQ(m.conversations[1].turns[0].media[0].kind, MediaItem::Kind::kAudio);
  const Turn& t2 = m.conversations[2].turns[0];
  EXPECT_EQ(t2.texts, (std::vector<std::string>{"What is the weather?", "What is AI?"}));
  EXPECT_EQ(t2.text, "What is the weather? What is AI?");
  const Turn& t4 = m.conversations[4].turns[0];
  EXPECT_EQ(t4.texts.size(), 3u);  // two named text fields: 2 + 1 contents
  ASSERT_EQ(t4.media.size(), 3u);
  EXPECT_EQ(t4.media[0].name, "image_field_A");
  EXPECT_EQ(t4.media[2].name, "image_field_B");
}

TEST(SingleTurn, SessionIdGroupsLinesWithoutHistory) {
  auto f = temp_file("st_sessions.jsonl",
                     "{\"text\":\"a\",\"session_id\":\"s1\"}\n{\"text\":\"b\"}\n"
                     "{\"text\":\"c\",\"session_id\":\"s1\",\"delay\":5}\n");
  Dataset ds = load(cfg_for(f, CustomDatasetType::kSingleTurn));
  ASSERT_EQ(ds.conversations.size(), 2u);
  EXPECT_EQ(ds.conversations[0].session_id, "s1");
  ASSERT_EQ(ds.conversations[0].turns.size(), 2u);
  EXPECT_EQ(ds.conversations[0].turns[1].text, "c");
  EXPECT_FALSE(ds.conversations[0].accumulate_history);
}

TEST(SingleTurn, Errors) {
  const auto st = CustomDatasetType::kSingleTurn;
  EXPECT_HAS(error_of("{\"text\":\"a\"}\n{\"text\": \n", st),
             ":2: expected a record as one JSON object");
  EXPECT_HAS(error_of("{\"text\":\"a\",\"texts\":[\"b\"]}\n", st),
             ":1: texts: text and texts cannot be set together");
  EXPECT_HAS(error_of("{\"text\":\"a\",\"timestamp\":1,\"delay\":2}\n", st),
             "timestamp and delay cannot be set together");
  EXPECT_HAS(error_of("{\"role\":\"user\"}\n", st), "At least one modality must be provided");
  // Found by tests/fuzz/single_turn_fuzz: an empty list is no content.
  EXPECT_HAS(error_of("{\"texts\":[],\"audio\":null}\n", st),
             "At least one modality must be provided");
  EXPECT_HAS(error_of("{\"text\":5}\n", st), ":1: text: expected a string (got the number 5)");
  EXPECT_HAS(error_of("{\"text\":\"a\",\"timestamp\":-1}\n", st),
             "timestamp: expected a number of milliseconds >= 0 (got -1)");
  EXPECT_HAS(error_of("{\"text\":\"a\",\"output_length\":0}\n", st),
             "output_length: expected an integer > 0 (got 0)");
  EXPECT_HAS(error_of("{\"text\":\"a\",\"extra\":[1]}\n", st), "extra: expected an object");
  EXPECT_HAS(error_of("[1,2]\n", st), "got an array");
  EXPECT_HAS(error_of("{\"text\":\"a\",\"session_id\":\"s\",\"timestamp\":9}\n"
                      "{\"text\":\"b\",\"session_id\":\"s\",\"timestamp\":3}\n",
                      st),
             ":2: timestamp: expected a time >= the previous turn's");
  EXPECT_HAS(error_of("\n\n", st), "no records");
}

TEST(SingleTurn, UnknownFieldsAreReportedNotDropped) {
  auto f = temp_file("st_unknown.jsonl",
                     "{\"text\":\"a\",\"colour\":1}\n{\"text\":\"b\",\"colour\":2}\n");
  Dataset ds = load(cfg_for(f, CustomDatasetType::kSingleTurn));
  ASSERT_EQ(ds.warnings.size(), 1u);
  EXPECT_HAS(ds.warnings[0], "unknown field 'colour' ignored (2 record(s))");
}

TEST(MultiTurn, SessionsDelaysTimestampsSystem) {
  Dataset b = load(cfg_for(kDir + "multi_turn_basic.jsonl", CustomDatasetType::kMultiTurn));
  ASSERT_EQ(b.conversations.size(), 2u);
  EXPECT_EQ(b.conversations[0].session_id, "chat_1");
  EXPECT_EQ(b.conversations[1].turns.size(), 3u);
  EXPECT_TRUE(b.conversations[0].accumulate_history);
  Dataset s = load(cfg_for(kDir + "multi_turn_system_prompt.jsonl", CustomDatasetType::kMultiTurn));
  EXPECT_EQ(s.conversations[0].system_message,
            "You are a terse assistant. Answer in one sentence.");
  EXPECT_EQ(s.conversations[0].turns.size(), 2u);
  Dataset d =
      load(cfg_for(kDir + "multi_turn_delays_timestamps.jsonl", CustomDatasetType::kMultiTurn));
  ASSERT_EQ(d.conversations.size(), 7u);
  EXPECT_EQ(d.conversations[0].turns[1].delay_ms, 1000);
  EXPECT_EQ(d.conversations[3].session_id, "session_000003");  // generated
  EXPECT_EQ(d.conversations[4].turns[2].timestamp_ms, 10000);
  EXPECT_EQ(d.conversations[5].turns[1].media[0].kind, MediaItem::Kind::kAudio);
  EXPECT_EQ(d.conversations[6].turns[0].texts.size(), 2u);
}

TEST(MultiTurn, SameSessionConcatenatesAndErrors) {
  auto f = temp_file("mt_concat.jsonl",
                     "{\"session_id\":\"x\",\"turns\":[{\"text\":\"a\"}]}\n"
                     "{\"session_id\":\"x\",\"turns\":[{\"text\":\"b\"}]}\n");
  Dataset ds = load(cfg_for(f, CustomDatasetType::kMultiTurn));
  ASSERT_EQ(ds.conversations.size(), 1u);
  EXPECT_EQ(ds.conversations[0].turns.size(), 2u);
  const auto mt = CustomDatasetType::kMultiTurn;
  EXPECT_HAS(error_of("{\"turns\":[]}\n", mt), ":1: turns: expected at least one turn");
  EXPECT_HAS(error_of("{\"session_id\":\"a\"}\n", mt), ":1: turns: missing");
  EXPECT_HAS(error_of("{\"turns\":{\"text\":\"a\"}}\n", mt), "turns: expected a list");
  EXPECT_HAS(error_of("{\"turns\":[{\"text\":\"a\",\"delay\":\"x\"}]}\n", mt),
             "delay: expected a number of milliseconds >= 0 (got the string \"x\")");
}

TEST(RandomPool, FileAndDirectory) {
  auto c = cfg_for(kDir + "random_pool.jsonl", CustomDatasetType::kRandomPool);
  c.num_dataset_entries = 30;
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 30u);
  EXPECT_EQ(ds.preferred_sampling, config::SamplingStrategy::kShuffle);
  std::set<std::string> seen;
  for (const auto& conv : ds.conversations) seen.insert(conv.turns[0].text);
  EXPECT_GT(seen.size(), 3u);  // sampled with replacement from 8 entries
  auto d = cfg_for(kDir + "random_pool_dir", CustomDatasetType::kRandomPool);
  d.num_dataset_entries = 4;
  Dataset dd = load(d);
  ASSERT_EQ(dd.conversations.size(), 4u);
  const Turn& t = dd.conversations[0].turns[0];
  ASSERT_EQ(t.media.size(), 1u);
  EXPECT_EQ(t.media[0].name, "images");  // file stem
  EXPECT_EQ(t.texts.size(), 2u);         // one passage + one query
  EXPECT_HAS(error_of("{\"text\":\"a\",\"timestamp\":3}\n", CustomDatasetType::kRandomPool),
             "timestamp: not supported in random_pool");
}

TEST(Mooncake, HashIdsGiveSharedExactPrefixes) {
  auto c = cfg_for(kDir + "arxiv_mooncake_trace_first20.jsonl", CustomDatasetType::kMooncakeTrace);
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 20u);
  // Line 1: 6755 tokens in 14 blocks; every prompt has exactly input_length tokens.
  const int64_t lens[] = {6755, 7319, 7234};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(ds.conversations[size_t(i)].turns[0].input_tokens, lens[i]);
    EXPECT_EQ(int64_t(tok().count(ds.conversations[size_t(i)].turns[0].text)), lens[i]);
  }
  EXPECT_EQ(ds.conversations[0].turns[0].max_tokens, 500);
  EXPECT_EQ(ds.conversations[0].turns[0].timestamp_ms, 0);
  EXPECT_TRUE(ds.conversations[0].accumulate_history);
  // Lines 1-3 share hash id 0 (block 1): byte-identical first block, then they differ.
  const std::string& a = ds.conversations[0].turns[0].text;
  const std::string& b = ds.conversations[1].turns[0].text;
  size_t common = 0;
  while (common < a.size() && common < b.size() && a[common] == b[common]) ++common;
  std::string shared = a.substr(0, common);
  EXPECT_GE(int64_t(tok().count(shared)), 510);  // ~ one 512-token block
  EXPECT_LE(int64_t(tok().count(shared)), 514);
  // Reproducible: the same seed gives the same text.
  EXPECT_EQ(load(c).conversations[5].turns[0].text, ds.conversations[5].turns[0].text);
}

TEST(Mooncake, EqualIdsEqualBlocksAcrossBlockSizes) {
  auto f = temp_file("mc_blocks.jsonl",
                     "{\"timestamp\":0,\"input_length\":40,\"hash_ids\":[7,8,9]}\n"
                     "{\"timestamp\":1,\"input_length\":33,\"hash_ids\":[7,8,10]}\n"
                     "{\"timestamp\":2,\"input_length\":16,\"hash_ids\":[7]}\n");
  auto c = cfg_for(f, CustomDatasetType::kMooncakeTrace);
  c.isl_block_size = 16;
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 3u);
  EXPECT_EQ(ds.conversations[0].turns[0].input_tokens, 40);
  EXPECT_EQ(ds.conversations[1].turns[0].input_tokens, 33);
  EXPECT_EQ(ds.conversations[2].turns[0].input_tokens, 16);
  // Row 3 is exactly block 7, which both others start with.
  const std::string& b7 = ds.conversations[2].turns[0].text;
  EXPECT_EQ(ds.conversations[0].turns[0].text.rfind(b7, 0), 0u);
  EXPECT_EQ(ds.conversations[1].turns[0].text.rfind(b7, 0), 0u);
  // The final block is sized to input_length: 40 = 16 + 16 + 8.
  EXPECT_HAS(
      error_of("{\"input_length\":49,\"hash_ids\":[1,2,3]}\n", CustomDatasetType::kMooncakeTrace),
      ":1: hash_ids: input_length 49 and 3 hash_ids are not compatible. The final hash "
      "block size");
}

TEST(Mooncake, AllInputModesAndSessions) {
  auto c = cfg_for(kDir + "mooncake_trace_modes.jsonl", CustomDatasetType::kMooncakeTrace);
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 9u);
  EXPECT_EQ(ds.conversations[3].turns[0].input_tokens, 10);  // input_length + 1 hash id
  EXPECT_EQ(ds.conversations[4].turns[0].input_tokens, 10);  // corpus prompt of 10 tokens
  EXPECT_EQ(ds.conversations[4].turns[0].max_tokens, 4);
  EXPECT_EQ(ds.conversations[5].turns[0].text, "Hello world");
  EXPECT_EQ(ds.conversations[6].turns[0].messages_json, R"([{"role":"user","content":"Hello"}])");
  EXPECT_FALSE(ds.conversations[6].accumulate_history);
  EXPECT_EQ(ds.conversations[7].turns[0].payload_json, R"({"prompt":"Hello","max_tokens":50})");
  EXPECT_EQ(ds.conversations[8].session_id, "s1");
  EXPECT_TRUE(ds.conversations[8].accumulate_history);  // message_mode delta
  auto f =
      temp_file("mc_sessions.jsonl",
                "{\"session_id\":\"a\",\"timestamp\":0,\"input_length\":5}\n"
                "{\"session_id\":\"b\",\"timestamp\":3,\"input_length\":5}\n"
                "{\"session_id\":\"a\",\"delay\":200,\"input_length\":6,\"output_length\":9}\n");
  Dataset s = load(cfg_for(f, CustomDatasetType::kMooncakeTrace));
  ASSERT_EQ(s.conversations.size(), 2u);
  ASSERT_EQ(s.conversations[0].turns.size(), 2u);
  EXPECT_EQ(s.conversations[0].turns[1].delay_ms, 200);
  EXPECT_EQ(s.conversations[0].turns[1].max_tokens, 9);
}

TEST(Mooncake, Errors) {
  const auto mc = CustomDatasetType::kMooncakeTrace;
  EXPECT_HAS(
      error_of("{\"timestamp\":0,\"input_length\":5}\n{\"timestamp\": 1, \"input_length\"\n", mc),
      ":2: expected a mooncake_trace record as one JSON object");
  EXPECT_HAS(error_of("{\"output_length\":5}\n", mc),
             ":1: input_length: missing: exactly one of input_length, text_input, messages, "
             "payload is required");
  EXPECT_HAS(error_of("{\"input_length\":\"5\"}\n", mc),
             ":1: input_length: expected an integer > 0 (got the string \"5\")");
  EXPECT_HAS(error_of("{\"input_length\":5,\"text_input\":\"x\"}\n", mc),
             "(got input_length, text_input)");
  EXPECT_HAS(error_of("{\"text_input\":\"x\",\"hash_ids\":[1]}\n", mc),
             "hash_ids: only allowed together with input_length");
  EXPECT_HAS(error_of("{\"input_length\":5,\"timestamp\":-3}\n", mc),
             "timestamp: expected a number of milliseconds >= 0 (got -3)");
  EXPECT_HAS(
      error_of("{\"input_length\":5,\"timestamp\":10}\n{\"input_length\":5,\"timestamp\":4}\n", mc,
               "bad.jsonl", /*replay=*/true),
      ":2: timestamp: expected timestamps in non-decreasing order (got 4 ms after 10 ms)");
  EXPECT_HAS(error_of("{\"input_length\":5,\"hash_ids\":[1,\"a\"]}\n", mc),
             "hash_ids: expected a list of integers");
  EXPECT_HAS(error_of("{\"messages\":[{\"content\":\"x\"}]}\n", mc), "string \"role\"");
  EXPECT_HAS(error_of("{\"session_id\":\"s\",\"input_length\":5}\n"
                      "{\"session_id\":\"s\",\"payload\":{\"a\":1}}\n",
                      mc),
             ":2: messages: session 's' mixes");
}

TEST(Bailian, SecondsBlock16AndSessions) {
  auto c =
      cfg_for(kDir + "qwen_thinking_first_row_as_quoted.jsonl", CustomDatasetType::kBailianTrace);
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 1u);
  EXPECT_EQ(ds.conversations[0].turns[0].input_tokens, 502);  // 31 x 16 + 6
  EXPECT_EQ(ds.conversations[0].turns[0].max_tokens, 1494);
  EXPECT_FALSE(ds.conversations[0].accumulate_history);
  auto f = temp_file("bl_sessions.jsonl",
                     "{\"chat_id\":1,\"timestamp\":1.5,\"input_length\":16,\"output_length\":3,"
                     "\"hash_ids\":[1]}\n"
                     "{\"chat_id\":5,\"timestamp\":2.0,\"input_length\":16,\"hash_ids\":[9]}\n"
                     "{\"chat_id\":2,\"parent_chat_id\":1,\"timestamp\":2.25,\"input_length\":20,"
                     "\"turn\":2,\"hash_ids\":[1,2]}\n"
                     "{\"chat_id\":3,\"parent_chat_id\":2,\"timestamp\":3,\"input_length\":32,"
                     "\"turn\":3,\"hash_ids\":[1,2]}\n");
  Dataset s = load(cfg_for(f, CustomDatasetType::kBailianTrace));
  ASSERT_EQ(s.conversations.size(), 2u);
  EXPECT_EQ(s.conversations[0].session_id, "1");
  ASSERT_EQ(s.conversations[0].turns.size(), 3u);
  EXPECT_EQ(s.conversations[0].turns[0].timestamp_ms, 1500);  // seconds -> ms
  EXPECT_EQ(s.conversations[0].turns[1].timestamp_ms, 2250);
  EXPECT_EQ(s.conversations[0].turns[2].input_tokens, 32);
  // The docstring example's hash_ids are too short for its input_length (block 16).
  EXPECT_HAS(
      error_of("{\"chat_id\":159,\"timestamp\":61.1,\"input_length\":521,\"hash_ids\":[1,2,3]}\n",
               CustomDatasetType::kBailianTrace),
      "The final hash block size 489 must be in 1..16");
  EXPECT_HAS(error_of("{\"timestamp\":1,\"input_length\":5}\n", CustomDatasetType::kBailianTrace),
             ":1: chat_id: missing");
}

TEST(BurstGpt, SecondsColumnsAndSkippedRows) {
  auto c = cfg_for(kDir + "BurstGPT_1_first3rows.csv", CustomDatasetType::kBurstGptTrace);
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 3u);
  EXPECT_EQ(ds.conversations[0].turns[0].timestamp_ms, 5000);  // 5 s
  EXPECT_EQ(ds.conversations[1].turns[0].timestamp_ms, 45000);
  EXPECT_EQ(ds.conversations[0].turns[0].input_tokens, 472);
  EXPECT_EQ(ds.conversations[0].turns[0].max_tokens, 18);
  auto f = temp_file("bg.csv",
                     "Timestamp,Session ID,Elapsed time,Model,Request tokens,Response tokens,"
                     "Total tokens,Log Type\r\n"
                     "1,a,0,ChatGPT,10,5,15,Conversation log\r\n"
                     "2,a,0,ChatGPT,x,5,15,Conversation log\r\n"
                     "3,a,0,ChatGPT,0,0,0,API log\r\n"
                     "4,a,0,GPT-4,12,0,12,API log\r\n");
  Dataset b = load(cfg_for(f, CustomDatasetType::kBurstGptTrace));
  ASSERT_EQ(b.conversations.size(), 2u);
  EXPECT_EQ(b.skipped_records, 2);
  ASSERT_GE(b.warnings.size(), 3u);  // unparsable, zero request tokens, zero output
  EXPECT_FALSE(b.conversations[1].turns[0].max_tokens);  // Response tokens 0: no limit
  // Found by tests/fuzz/burst_gpt_trace_fuzz: absurd token counts are unparsable, not UB.
  auto huge =
      temp_file("bg_huge.csv", "Timestamp,Request tokens,Response tokens\n1,4e72,5\n2,7,5\n");
  Dataset h = load(cfg_for(huge, CustomDatasetType::kBurstGptTrace));
  EXPECT_EQ(h.conversations.size(), 1u);
  EXPECT_EQ(h.skipped_records, 1);
  EXPECT_HAS(error_of("Timestamp,Request tokens,Response tokens\n1,2\n",
                      CustomDatasetType::kBurstGptTrace, "cols.csv"),
             ":2: expected 3 comma-separated columns");
  EXPECT_HAS(error_of("Time,Request tokens,Response tokens\n", CustomDatasetType::kBurstGptTrace,
                      "hdr.csv"),
             ":1: header: missing column 'Timestamp'");
}

TEST(Errors, DirectoryForAFileFormat) {
  try {
    load(cfg_for(kDir + "random_pool_dir", CustomDatasetType::kSingleTurn));
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_HAS(e.what(), "random_pool_dir: cannot read");
  }
}

TEST(FixedSchedule, OffsetsAndMissingTimestamps) {
  auto c = cfg_for(kDir + "mooncake_conversation_first60.jsonl", CustomDatasetType::kMooncakeTrace);
  c.timing_mode = config::TimingMode::kFixedSchedule;
  Dataset all = load(c);
  c.fixed_schedule_start_offset_ms = 10000;
  c.fixed_schedule_end_offset_ms = 60000;
  Dataset some = load(c);
  EXPECT_LT(some.conversations.size(), all.conversations.size());
  EXPECT_EQ(some.skipped_records, int64_t(all.conversations.size() - some.conversations.size()));
  for (const auto& conv : some.conversations) {
    EXPECT_GE(*conv.turns[0].timestamp_ms, 10000);
    EXPECT_LE(*conv.turns[0].timestamp_ms, 60000);
  }
  auto f = temp_file("fs_missing.jsonl", "{\"input_length\":5}\n");
  auto m = cfg_for(f, CustomDatasetType::kMooncakeTrace);
  m.timing_mode = config::TimingMode::kFixedSchedule;
  try {
    load(m);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_HAS(e.what(), "First turn of session_000000 missing timestamp_ms");
  }
}

TEST(FixedSchedule, AWindowBuildsTheSamePromptsAsTheWholeTrace) {
  // Rows outside the window are left out before their prompts are built; the rows inside get
  // the very prompts (hash-id blocks, lengths) they get when the whole trace is loaded.
  auto c = cfg_for(kDir + "arxiv_mooncake_trace_first20.jsonl", CustomDatasetType::kMooncakeTrace);
  c.timing_mode = config::TimingMode::kFixedSchedule;
  Dataset all = load(c);
  ASSERT_EQ(all.conversations.size(), 20u);
  c.fixed_schedule_start_offset_ms = 1;
  Dataset late = load(c);
  ASSERT_EQ(late.conversations.size(), 5u);  // the rows at 3052 ms
  EXPECT_EQ(late.skipped_records, 15);
  for (size_t i = 0; i < 5; ++i) {
    const Turn& a = all.conversations[15 + i].turns[0];
    const Turn& b = late.conversations[i].turns[0];
    EXPECT_EQ(a.text, b.text) << i;
    EXPECT_EQ(a.input_tokens, b.input_tokens);
    EXPECT_EQ(*b.timestamp_ms, 3052);
  }
  c.fixed_schedule_start_offset_ms = 5000;
  try {
    load(c);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_HAS(e.what(), "no records left to replay (check the fixed-schedule offsets)");
  }
}

TEST(Mooncake, PromptsBeyondMemoryFailFastWithTheWayOut) {
  auto c = cfg_for(kDir + "arxiv_mooncake_trace_first20.jsonl", CustomDatasetType::kMooncakeTrace);
  ::setenv("AIPERF_MEMORY_LIMIT_BYTES", "400000", 1);  // 20 rows need ~ 2 MB
  try {
    load(c);
    ADD_FAILURE();
  } catch (const InputError& e) {
    EXPECT_HAS(e.what(), "GB of memory is available");
    EXPECT_HAS(e.what(), "--fixed-schedule-end-offset");
  }
  ::setenv("AIPERF_MEMORY_LIMIT_BYTES", "100000000", 1);
  EXPECT_EQ(load(c).conversations.size(), 20u);
  ::unsetenv("AIPERF_MEMORY_LIMIT_BYTES");
}

TEST(Synthesis, MaxIslCountsSkippedAndRewrites) {
  auto c = cfg_for(kDir + "arxiv_mooncake_trace_first20.jsonl", CustomDatasetType::kMooncakeTrace);
  c.synthesis_max_isl = 7000;
  Dataset ds = load(c);
  EXPECT_GT(ds.skipped_records, 0);
  EXPECT_EQ(int64_t(ds.conversations.size()) + ds.skipped_records, 20);
  EXPECT_HAS(ds.warnings[0], "above --synthesis-max-isl 7000");
  auto s = cfg_for(kDir + "arxiv_mooncake_trace_first20.jsonl", CustomDatasetType::kMooncakeTrace);
  s.synthesis_speedup_ratio = 2.0;
  s.synthesis_output_len_multiplier = 0.5;
  s.synthesis_max_osl = 200;
  s.synthesis_prompt_len_multiplier = 0.5;
  Dataset r = load(s);
  ASSERT_EQ(r.conversations.size(), 20u);
  for (const auto& conv : r.conversations) {
    EXPECT_LE(*conv.turns[0].max_tokens, 200);
    EXPECT_EQ(int64_t(tok().count(conv.turns[0].text)), conv.turns[0].input_tokens);
  }
  Dataset base =
      load(cfg_for(kDir + "arxiv_mooncake_trace_first20.jsonl", CustomDatasetType::kMooncakeTrace));
  EXPECT_EQ(r.conversations[19].turns[0].timestamp_ms,
            *base.conversations[19].turns[0].timestamp_ms / 2);
  EXPECT_LT(r.conversations[0].turns[0].input_tokens, base.conversations[0].turns[0].input_tokens);
}

TEST(LoadDataset, PicksSyntheticWithoutFile) {
  config::Config c;
  c.models = {"m"};
  c.random_seed = 1;
  c.num_dataset_entries = 3;
  c.isl_mean = 20;
  Dataset ds = load(c);
  EXPECT_EQ(ds.conversations.size(), 3u);
  EXPECT_EQ(ds.conversations[0].turns[0].input_tokens, 20);
}

}  // namespace
}  // namespace aiperf::dataset
