// Verbatim-replay formats (spec §4.5 "other loaders"): raw_payload, inputs_json,
// sagemaker_data_capture; the ISL text of raw bodies; --prompt-batch-size (spec §4.2).
#include <gtest/gtest.h>

#include <set>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/records.h"
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset {
namespace {

using config::CustomDatasetType;
const std::string kDir = std::string(AIPERF_TEST_DATA_DIR) + "/traces/";

config::Config cfg_for(const std::string& file, CustomDatasetType type) {
  config::Config c;
  c.models = {"m1"};
  c.random_seed = 42;
  c.input_file = file;
  c.custom_dataset_type = type;
  return c;
}

const tokenizer::Tokenizer& tok() {
  static auto t = tokenizer::builtin();
  return *t;
}

int64_t count(const std::string& s) {
  return int64_t(tok().count(s));
}

Dataset load(const config::Config& c) {
  return load_dataset(c, tok(), RngManager(c.random_seed));
}

std::filesystem::path temp_path(const std::string& name) {
  static int seq = 0;
  return std::filesystem::temp_directory_path() /
         ("aiperf_raw_" + std::to_string(::getpid()) + "_" + std::to_string(seq++) + "_" + name);
}

std::string temp_file(const std::string& name, const std::string& body) {
  auto p = temp_path(name);
  std::ofstream(p, std::ios::binary) << body;
  return p.string();
}

/// Loads `body` as `type`, expecting an InputError; returns the message after the file name.
std::string error_of(const std::string& body, CustomDatasetType type,
                     const std::string& name = "bad.jsonl") {
  auto path = temp_file(name, body);
  try {
    load(cfg_for(path, type));
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos);
    EXPECT_EQ(msg.rfind(path, 0), 0u) << msg;
    return msg.substr(path.size());
  }
  ADD_FAILURE() << "expected an InputError for " << body;
  return {};
}

#define EXPECT_HAS(haystack, needle) \
  EXPECT_NE(std::string(haystack).find(needle), std::string::npos) << haystack

TEST(RawPayload, EachLineIsItsOwnSessionSentVerbatim) {
  Dataset ds = load(cfg_for(kDir + "raw_payload.jsonl", CustomDatasetType::kRawPayload));
  ASSERT_EQ(ds.conversations.size(), 2u);
  const Turn& a = ds.conversations[0].turns.at(0);
  EXPECT_EQ(ds.conversations[0].session_id, "session_000000");
  EXPECT_FALSE(ds.conversations[0].accumulate_history);
  EXPECT_EQ(a.payload_json,
            R"({"model":"m-raw","messages":[{"role":"user","content":"Tell me a joke"}],)"
            R"("max_tokens":12,"stream":false})");
  EXPECT_EQ(a.text, "Tell me a joke");  // what ISL counts
  EXPECT_EQ(a.input_tokens, count("Tell me a joke"));
  EXPECT_FALSE(a.max_tokens);  // the body carries its own limit
  const Turn& b = ds.conversations[1].turns.at(0);
  EXPECT_EQ(b.text, "Be brief. Describe");  // system + the text part; the image is not counted
  EXPECT_EQ(b.input_tokens, count("Be brief. Describe"));
  EXPECT_EQ(ds.preferred_sampling, config::SamplingStrategy::kSequential);
}

TEST(RawPayload, DirectoryIsOneSessionPerFile) {
  Dataset ds = load(cfg_for(kDir + "raw_payload_dir", CustomDatasetType::kRawPayload));
  ASSERT_EQ(ds.conversations.size(), 2u);  // empty.jsonl and README.txt are skipped
  ASSERT_EQ(ds.conversations[0].turns.size(), 2u);
  EXPECT_EQ(ds.conversations[0].turns[1].text, "first ok second");
  EXPECT_FALSE(ds.conversations[0].accumulate_history);
  ASSERT_EQ(ds.conversations[1].turns.size(), 1u);
  EXPECT_EQ(ds.conversations[1].turns[0].text, "other");
  EXPECT_EQ(ds.conversations[1].session_id, "session_000001");
}

TEST(RawPayload, Errors) {
  const auto rp = CustomDatasetType::kRawPayload;
  EXPECT_HAS(error_of("{\"messages\": []}\n[1, 2]\n", rp),
             ":2: expected a raw_payload request body as one JSON object (got an array)");
  EXPECT_HAS(error_of("{\"model\": \"x\"}\n", rp),
             ":1: messages: missing: a raw_payload line is a chat request body with a messages "
             "list");
  EXPECT_HAS(error_of("{\"messages\": \"hi\"}\n", rp),
             ":1: messages: expected a list of messages (got the string \"hi\")");
  EXPECT_HAS(error_of("\n\n{\"messages\": [\n", rp), ":3: expected a raw_payload request body");
  auto dir = temp_path("empty_dir");
  std::filesystem::create_directories(dir);
  try {
    load(cfg_for(dir.string(), rp));
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_HAS(e.what(), "no .jsonl files");
  }
}

TEST(InputsJson, SessionsAndPayloadsKept) {
  Dataset ds = load(cfg_for(kDir + "inputs_json_example.json", CustomDatasetType::kInputsJson));
  ASSERT_EQ(ds.conversations.size(), 2u);
  EXPECT_EQ(ds.conversations[0].session_id, "sess-a");
  EXPECT_FALSE(ds.conversations[0].accumulate_history);
  ASSERT_EQ(ds.conversations[0].turns.size(), 2u);
  EXPECT_EQ(ds.conversations[0].turns[0].payload_json,
            R"({"messages":[{"role":"user","content":"Hello"}],"model":"m","stream":false,)"
            R"("max_completion_tokens":5})");
  EXPECT_EQ(ds.conversations[0].turns[1].text, "And again");
  EXPECT_EQ(ds.conversations[1].session_id, "sess-b");
  EXPECT_EQ(ds.conversations[1].turns[0].text, "Once upon a time");  // completions prompt list
  EXPECT_EQ(ds.conversations[1].turns[0].input_tokens, count("Once upon a time"));
}

TEST(InputsJson, Errors) {
  const auto ij = CustomDatasetType::kInputsJson;
  EXPECT_HAS(error_of("[]", ij, "x.json"),
             ":1: expected an inputs.json document {\"data\": [...]} (got an array)");
  EXPECT_HAS(error_of("{\"nodata\": 1}", ij, "x.json"), ":1: data: missing");
  EXPECT_HAS(error_of("{\"data\": {}}", ij, "x.json"),
             ":1: data: expected a list of {\"session_id\", \"payloads\"} objects (got an "
             "object)");
  const std::string good = R"({"session_id": "a", "payloads": [{"prompt": "x"}]})";
  EXPECT_HAS(error_of("{\n \"data\": [\n  " + good + ",\n  7\n ]\n}\n", ij, "x.json"),
             ":4: data[1]: expected an object {\"session_id\", \"payloads\"} (got the number 7)");
  EXPECT_HAS(error_of(R"({"data": [{"payloads": [{}]}]})", ij, "x.json"),
             ":1: data[0].session_id: missing: expected a string");
  EXPECT_HAS(error_of(R"({"data": [{"session_id": 5, "payloads": [{}]}]})", ij, "x.json"),
             ":1: data[0].session_id: expected a string (got the number 5)");
  EXPECT_HAS(error_of(R"({"data": [{"session_id": "a", "payloads": []}]})", ij, "x.json"),
             ":1: data[0].payloads: expected a non-empty list of request bodies (got an empty "
             "list)");
  EXPECT_HAS(error_of(R"({"data": [{"session_id": "a", "payloads": ["x"]}]})", ij, "x.json"),
             ":1: data[0].payloads[0]: expected a request body object (got the string \"x\")");
  EXPECT_HAS(error_of("{\"data\": [\n" + good + ",\n" + good + "]}", ij, "x.json"),
             ":3: data[1].session_id: duplicate session_id 'a'");
  EXPECT_HAS(error_of("{\"data\": [\n{\"session_id\": ,}]}", ij, "x.json"),
             ":2: expected an inputs.json document");
  EXPECT_HAS(error_of(R"({"data": []})", ij, "x.json"), "no records");
}

TEST(SageMaker, ZeroAlignedSortedMessages) {
  Dataset ds =
      load(cfg_for(kDir + "sagemaker_capture.jsonl", CustomDatasetType::kSageMakerDataCapture));
  ASSERT_EQ(ds.conversations.size(), 3u);
  const Turn& first = ds.conversations[0].turns.at(0);  // the BASE64 record, 0.5 s earlier
  EXPECT_EQ(first.timestamp_ms, 0);
  EXPECT_EQ(first.max_tokens, 7);  // max_completion_tokens
  EXPECT_EQ(first.messages_json,
            R"([{"role":"system","content":"sys"},{"role":"user","content":"Earlier"}])");
  EXPECT_EQ(first.tools_json, R"([{"type":"function","function":{"name":"f","parameters":{}}}])");
  EXPECT_EQ(first.text, "sys Earlier");
  EXPECT_EQ(first.input_tokens, count("sys Earlier"));
  const Turn& second = ds.conversations[1].turns.at(0);
  EXPECT_EQ(second.timestamp_ms, 500);
  EXPECT_EQ(second.max_tokens, 50);
  EXPECT_EQ(second.messages_json, R"([{"role":"user","content":"Hello"}])");
  const Turn& third = ds.conversations[2].turns.at(0);
  EXPECT_EQ(third.timestamp_ms, 2500);  // +02:00 offset applied
  EXPECT_FALSE(third.max_tokens);
  EXPECT_EQ(ds.conversations[0].session_id, "session_000000");
  EXPECT_FALSE(ds.conversations[0].accumulate_history);
}

TEST(SageMaker, MaxIslUsesCapturedPromptTokensAndOslIsCapped) {
  auto c = cfg_for(kDir + "sagemaker_capture.jsonl", CustomDatasetType::kSageMakerDataCapture);
  c.synthesis_max_isl = 20;
  c.synthesis_max_osl = 10;
  Dataset ds = load(c);
  ASSERT_EQ(ds.conversations.size(), 2u);  // the 30-token record is left out
  EXPECT_EQ(ds.skipped_records, 1);
  EXPECT_EQ(ds.conversations[0].turns[0].timestamp_ms, 500);
  EXPECT_EQ(ds.conversations[0].turns[0].max_tokens, 10);
  auto s = cfg_for(kDir + "sagemaker_capture.jsonl", CustomDatasetType::kSageMakerDataCapture);
  s.synthesis_speedup_ratio = 2.0;
  Dataset fast = load(s);
  EXPECT_EQ(fast.conversations[2].turns[0].timestamp_ms, 1250);
}

TEST(SageMaker, DirectoryIsRecursive) {
  auto dir = temp_path("capture_dir");
  std::filesystem::create_directories(dir / "2026" / "04");
  std::ifstream in(kDir + "sagemaker_capture.jsonl");
  std::string l1, l2, l3;
  std::getline(in, l1);
  std::getline(in, l2);
  std::getline(in, l3);
  std::ofstream(dir / "2026" / "04" / "b.jsonl") << l1 << "\n";
  std::ofstream(dir / "a.jsonl") << l2 << "\n" << l3 << "\n";
  std::ofstream(dir / "skip.txt") << "x\n";
  Dataset ds = load(cfg_for(dir.string(), CustomDatasetType::kSageMakerDataCapture));
  ASSERT_EQ(ds.conversations.size(), 3u);
  EXPECT_EQ(ds.conversations[1].turns[0].timestamp_ms, 500);
}

TEST(SageMaker, Errors) {
  const auto sm = CustomDatasetType::kSageMakerDataCapture;
  const std::string in_ok =
      R"("captureData":{"endpointInput":{"data":"{\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}","encoding":"JSON"}})";
  EXPECT_HAS(error_of("{" + in_ok + "}\n", sm),
             ":1: eventMetadata: expected an object with \"inferenceTime\"");
  EXPECT_HAS(error_of("{" + in_ok + R"(,"eventMetadata":{"eventId":"e"}})" + "\n", sm),
             ":1: eventMetadata.inferenceTime: missing: expected an ISO 8601 time");
  EXPECT_HAS(
      error_of("{" + in_ok + R"(,"eventMetadata":{"inferenceTime":"yesterday"}})" + "\n", sm),
      ":1: eventMetadata.inferenceTime: expected an ISO 8601 time like "
      "2026-04-29T00:03:18Z (got \"yesterday\")");
  const std::string meta = R"("eventMetadata":{"inferenceTime":"2026-01-01T00:00:00"})";
  EXPECT_HAS(error_of("{" + meta + R"(,"captureData":{}})" + "\n", sm),
             ":1: captureData.endpointInput: missing");
  EXPECT_HAS(
      error_of("{" + meta + R"(,"captureData":{"endpointInput":{"data":"a,b","encoding":"CSV"}}})" +
                   "\n",
               sm),
      ":1: captureData.endpointInput: expected a JSON or BASE64 chat request with a "
      "\"messages\" list");
  EXPECT_HAS(
      error_of(
          "{" + meta +
              R"(,"captureData":{"endpointInput":{"data":"{\"prompt\":\"x\"}","encoding":"JSON"}}})" +
              "\n",
          sm),
      "only OpenAI-compatible chat endpoints are supported");
  EXPECT_HAS(
      error_of("{" + meta + R"(,"captureData":{"endpointInput":{"data":"e30"}}})" + "\n", sm),
      ":1: captureData.endpointInput.data: expected BASE64 text");
  EXPECT_HAS(
      error_of(
          "{" + meta +
              R"(,"captureData":{"endpointInput":{"data":"{\"messages\":[1]}","encoding":"JSON"}}})" +
              "\n",
          sm),
      ":1: messages: expected a list of message objects");
  EXPECT_HAS(
      error_of(
          "{" + meta +
              R"(,"captureData":{"endpointInput":{"data":"{\"messages\":[],\"max_tokens\":9.5}","encoding":"JSON"}}})" +
              "\n",
          sm),
      ":1: max_tokens: expected an integer (got the number 9.5)");
  EXPECT_HAS(error_of("{\"eventMetadata\": 1}\nnot json\n", sm), ":1: eventMetadata");
}

TEST(SageMaker, Iso8601LikePython) {
  using custom::parse_iso8601_ms;
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T00:00:00Z"), 0.0);
  EXPECT_EQ(parse_iso8601_ms("1970-01-01"), 0.0);
  EXPECT_EQ(parse_iso8601_ms("1970-01-01 00:00:01.5"), 1500.0);
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T01:00+01:00"), 0.0);
  EXPECT_EQ(parse_iso8601_ms("1970-01-01T00:00:00-0130"), 5'400'000.0);
  EXPECT_EQ(parse_iso8601_ms("2026-04-29T00:03:18Z"), 1777420998000.0);  // AIPerf's example
  EXPECT_NEAR(*parse_iso8601_ms("1970-01-01T00:00:00.123456789Z"), 123.456, 1e-9);
  EXPECT_FALSE(parse_iso8601_ms("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(parse_iso8601_ms("2026-01-01T24:00:00Z"));
  EXPECT_FALSE(parse_iso8601_ms("2026-01-01T00:00:00Zjunk"));
  EXPECT_FALSE(parse_iso8601_ms(""));
}

TEST(PayloadText, WhatAIPerfTokenizesForIsl) {
  using custom::payload_input_text;
  EXPECT_EQ(payload_input_text(R"({"messages":[{"role":"system","content":"a"},)"
                               R"({"role":"user","content":[{"type":"text","text":"b"},)"
                               R"({"type":"image_url","image_url":{"url":"u"}}]},)"
                               R"({"role":"assistant","content":null}]})"),
            "a b");
  EXPECT_EQ(payload_input_text(R"({"input":[{"role":"user","content":"r"}]})"), "r");
  EXPECT_EQ(payload_input_text(R"({"prompt":["p1","p2"],"model":"m"})"), "p1 p2");
  EXPECT_EQ(payload_input_text(R"({"prompt":"p"})"), "p");
  EXPECT_EQ(payload_input_text(R"({"input":["e1","e2"]})"), "e1 e2");
  EXPECT_EQ(payload_input_text(R"({"query":"q","passages":["x",{"text":"y"}]})"), "q x y");
  EXPECT_EQ(payload_input_text(R"({"inputs":"hf"})"), "hf");
  EXPECT_EQ(payload_input_text(R"({"messages":[]})"), "");
  EXPECT_EQ(payload_input_text(R"({"model":"m"})"), "");
  EXPECT_EQ(payload_input_text("not json"), "");
}

TEST(PayloadText, MooncakeMessagesAndPayloadRowsCountTheirText) {
  Dataset ds =
      load(cfg_for(kDir + "mooncake_trace_modes.jsonl", CustomDatasetType::kMooncakeTrace));
  ASSERT_EQ(ds.conversations.size(), 9u);
  EXPECT_EQ(ds.conversations[6].turns[0].input_tokens, count("Hello"));  // messages row
  EXPECT_EQ(ds.conversations[7].turns[0].text, "Hello");                 // payload row
  EXPECT_EQ(ds.conversations[7].turns[0].input_tokens, count("Hello"));
}

config::Config synthetic(int64_t batch) {
  config::Config c;
  c.models = {"m"};
  c.random_seed = 7;
  c.num_dataset_entries = 4;
  c.isl_mean = 20;
  c.prompt_batch_size = batch;
  return c;
}

TEST(PromptBatch, KIndependentPromptsPerTurn) {
  Dataset one = load(synthetic(1));
  Dataset three = load(synthetic(3));
  ASSERT_EQ(three.conversations.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    const Turn& t = three.conversations[i].turns[0];
    ASSERT_EQ(t.texts.size(), 3u);
    std::string joined;
    for (const auto& p : t.texts) {
      EXPECT_EQ(count(p), 20);  // each prompt has the turn's length
      joined += (joined.empty() ? "" : " ") + p;
    }
    EXPECT_NE(t.texts[0], t.texts[1]);
    EXPECT_EQ(t.text, joined);
    EXPECT_EQ(t.input_tokens, count(joined));
    EXPECT_TRUE(one.conversations[i].turns[0].texts.empty());
  }
  // Batch 1 is the default dataset, unchanged.
  config::Config d = synthetic(1);
  EXPECT_EQ(load(d).conversations[2].turns[0].text, one.conversations[2].turns[0].text);
  EXPECT_EQ(one.conversations[0].turns[0].input_tokens, 20);
}

TEST(PromptBatch, EachPromptDrawsItsOwnLength) {
  // AIPerf draws every prompt of a batch from (--isl, --isl-stddev).
  auto c = synthetic(4);
  c.isl_stddev = 8;
  c.num_dataset_entries = 20;
  Dataset ds = load(c);
  std::set<int64_t> lengths;
  for (const auto& conv : ds.conversations) {
    const Turn& t = conv.turns[0];
    ASSERT_EQ(t.texts.size(), 4u);
    std::set<int64_t> in_turn;
    for (const auto& p : t.texts) in_turn.insert(count(p));
    lengths.insert(in_turn.begin(), in_turn.end());
    EXPECT_EQ(t.input_tokens, count(t.text));
  }
  EXPECT_GT(lengths.size(), 5u);  // 80 draws with stddev 8 are not all alike
}

TEST(PromptBatch, ZeroSendsNoTextAndPrefixesEveryPrompt) {
  Dataset none = load(synthetic(0));
  ASSERT_EQ(none.conversations.size(), 4u);
  EXPECT_TRUE(none.conversations[0].turns[0].text.empty());
  EXPECT_TRUE(none.conversations[0].turns[0].texts.empty());
  EXPECT_EQ(none.conversations[0].turns[0].input_tokens, 0);
  auto c = synthetic(2);
  c.num_prefix_prompts = 1;
  c.prefix_prompt_length = 5;
  Dataset p = load(c);
  const Turn& t = p.conversations[0].turns[0];
  ASSERT_EQ(t.texts.size(), 2u);
  // One prefix in the pool: both prompts start with it.
  const std::string head = t.texts[0].substr(0, t.texts[0].find(' '));
  EXPECT_EQ(t.texts[1].rfind(head, 0), 0u);
  EXPECT_EQ(t.input_tokens, count(t.texts[0] + " " + t.texts[1]));
}

}  // namespace
}  // namespace aiperf::dataset
