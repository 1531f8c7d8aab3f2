// Response parsing of the endpoints beyond chat and completions: responses recorded from the mock
// server (tests/data/endpoint/apis/) and edge cases written from each API's documentation (empty
// deltas, error events, usage only at the end, several choices), checked end to end through the
// record processor where the count of content responses and tokens matters.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/endpoint/endpoint.h"
#include "aiperf/record/processor.h"
#include "test_util.h"

namespace aiperf::endpoint {
namespace {

ParsedResponse parse(std::string_view type, std::string_view payload, bool* ok = nullptr) {
  ParsedResponse p;
  bool r = create(type)->parse(payload, p);
  if (ok) *ok = r;
  return p;
}

/// Runs a recorded SSE body (or a single JSON body) through the record processor with a
/// one-token-per-byte tokenizer.
struct Processed {
  record::ProcessedRecord rec;
  explicit Processed(std::string_view type, const std::string& body, bool sse = true) {
    config::Config cfg;
    cfg.models = {"m"};
    cfg.urls = {"http://localhost:8000"};
    cfg.streaming = sse;
    auto ep = create(type);
    test::ByteTokenizer tok;
    dataset::Conversation conv;
    dataset::Turn turn;
    turn.text = "hello";
    record::RecordProcessor p(cfg, *ep, &tok);
    record::RequestRecord raw =
        sse ? test::record_from_sse(body) : test::make_record({{1010, body}}, 1000);
    rec = p.process(raw, conv, turn, "{}");
  }
};

// ---- Responses API ------------------------------------------------------------------------------

TEST(ResponsesParse, RecordedStreamCountsDeltasOnce) {
  // 5 output_text.delta events, then output_text.done repeating the text, then
  // response.incomplete (max_output_tokens) with usage.
  Processed r("responses", test::read_data_file("apis/responses_stream.sse"));
  ASSERT_FALSE(r.rec.error) << r.rec.error->message;
  EXPECT_EQ(r.rec.content_ts.size(), 5u);
  ASSERT_TRUE(r.rec.usage);
  EXPECT_EQ(r.rec.usage->completion_tokens, 5);
  EXPECT_EQ(r.rec.usage->reasoning_tokens, 0);
  EXPECT_GT(*r.rec.usage->prompt_tokens, 0);
  // The byte tokenizer counts the deltas' bytes: the done event did not add them again.
  int64_t delta_bytes = 0;
  for (const auto& ev : test::split_sse(test::read_data_file("apis/responses_stream.sse"))) {
    auto j = nlohmann::json::parse(ev.data);
    if (j["type"] == "response.output_text.delta")
      delta_bytes += int64_t(j["delta"].get<std::string>().size());
  }
  EXPECT_EQ(r.rec.output_tokens, delta_bytes);
}

TEST(ResponsesParse, RecordedReasoningStream) {
  Processed r("responses", test::read_data_file("apis/responses_stream_reasoning.sse"));
  ASSERT_FALSE(r.rec.error);
  EXPECT_EQ(r.rec.content_ts.size(), 105u);  // 100 reasoning deltas + 5 text deltas
  ASSERT_TRUE(r.rec.usage);
  EXPECT_EQ(r.rec.usage->completion_tokens, 105);
  EXPECT_EQ(r.rec.usage->reasoning_tokens, 100);
  EXPECT_TRUE(r.rec.reasoning_tokens);
  EXPECT_NE(r.rec.first_output_ts, r.rec.content_ts.front());  // TTFO after the thinking
}

TEST(ResponsesParse, RecordedFullBodies) {
  ParsedResponse p = parse("responses", test::read_data_file("apis/responses_full.json"));
  EXPECT_EQ(p.kind, DataKind::kText);
  EXPECT_FALSE(p.content.empty());
  EXPECT_TRUE(p.has_usage);
  p = parse("responses", test::read_data_file("apis/responses_full_reasoning.json"));
  EXPECT_EQ(p.kind, DataKind::kReasoning);
  EXPECT_FALSE(p.reasoning.empty());
  EXPECT_FALSE(p.content.empty());
  EXPECT_EQ(p.usage.reasoning_tokens, 100);
}

TEST(ResponsesParse, EdgeCases) {
  bool ok = true;
  // An empty delta and structural events carry nothing.
  parse("responses", R"({"type":"response.output_text.delta","delta":""})", &ok);
  EXPECT_FALSE(ok);
  parse("responses", R"({"type":"response.created","response":{"id":"r","usage":null}})", &ok);
  EXPECT_FALSE(ok);
  // Usage of an in-progress response object is not the final usage.
  parse("responses", R"({"type":"response.in_progress","response":{"usage":{"input_tokens":3}}})",
        &ok);
  EXPECT_FALSE(ok);
  ParsedResponse p = parse(
      "responses",
      R"({"type":"response.completed","response":{"usage":{"input_tokens":3,"output_tokens":4,)"
      R"("output_tokens_details":{"reasoning_tokens":1},"total_tokens":7}}})");
  EXPECT_FALSE(p.has_data());
  EXPECT_EQ(p.usage.prompt_tokens, 3);
  EXPECT_EQ(p.usage.completion_tokens, 4);
  EXPECT_EQ(p.usage.reasoning_tokens, 1);
  p = parse("responses", R"({"type":"response.function_call_arguments.delta","delta":"{\"a\""})");
  EXPECT_EQ(p.kind, DataKind::kToolCall);
  EXPECT_EQ(p.tool_call_text, R"({"a")");
  p = parse("responses", R"({"type":"response.output_text.done","text":"all"})");
  EXPECT_TRUE(p.final_text);
  p = parse("responses",
            R"({"type":"error","code":"rate_limit_exceeded","message":"slow down","param":null})");
  EXPECT_TRUE(p.has_error);
  EXPECT_EQ(p.error.type, "rate_limit_exceeded");
  EXPECT_EQ(p.error.message, "slow down");
  p = parse(
      "responses",
      R"({"type":"response.failed","response":{"status":"failed","error":{"code":"server_error","message":"boom"}}})");
  EXPECT_TRUE(p.has_error);
  EXPECT_EQ(p.error.message, "boom");
  // Non-streaming: function calls, summaries, the output_text convenience field.
  p = parse(
      "responses",
      R"({"object":"response","output":[{"type":"function_call","name":"f","arguments":"{}"}]})");
  EXPECT_EQ(p.kind, DataKind::kToolCall);
  EXPECT_EQ(p.tool_call_text, "f{}");
  p = parse(
      "responses",
      R"({"object":"response","output":[{"type":"reasoning","summary":[{"type":"summary_text","text":"S"}]},)"
      R"({"type":"message","content":[{"type":"output_text","text":"T"}]}]})");
  EXPECT_EQ(p.kind, DataKind::kReasoning);
  EXPECT_EQ(p.reasoning, "S");
  EXPECT_EQ(p.content, "T");
  p = parse("responses", R"({"object":"response","output_text":"plain"})");
  EXPECT_EQ(p.content, "plain");
  parse("responses", R"({"object":"chat.completion","choices":[]})", &ok);
  EXPECT_FALSE(ok);
}

TEST(ResponsesProcess, DoneTextCountsWhenNoDeltaCame) {
  const std::string only_done =
      "data: {\"type\":\"response.output_text.done\",\"text\":\"whole\"}\n\n"
      "data: {\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":1,"
      "\"output_tokens\":1,\"total_tokens\":2}}}\n\n";
  Processed r("responses", only_done);
  ASSERT_FALSE(r.rec.error);
  EXPECT_EQ(r.rec.content_ts.size(), 1u);
  EXPECT_EQ(r.rec.output_tokens, 5);  // "whole"
}

// ---- Anthropic Messages -----------------------------------------------------------------------

TEST(MessagesParse, RecordedStreamUsageFoldedAcrossEvents) {
  Processed r("messages", test::read_data_file("apis/messages_stream.sse"));
  ASSERT_FALSE(r.rec.error);
  EXPECT_EQ(r.rec.content_ts.size(), 5u);
  ASSERT_TRUE(r.rec.usage);
  // input_tokens from message_start, output_tokens from message_delta.
  EXPECT_GT(*r.rec.usage->prompt_tokens, 0);
  EXPECT_EQ(r.rec.usage->completion_tokens, 5);
}

TEST(MessagesParse, RecordedThinkingCutAtMaxTokens) {
  Processed r("messages", test::read_data_file("apis/messages_stream_thinking_cut.sse"));
  ASSERT_FALSE(r.rec.error);
  EXPECT_EQ(r.rec.content_ts.size(), 4u);  // max_tokens 4: all thinking
  EXPECT_EQ(r.rec.first_output_ts, 0);     // no text block: no output token
  EXPECT_TRUE(r.rec.reasoning_tokens);
  EXPECT_EQ(r.rec.usage->completion_tokens, 4);
}

TEST(MessagesParse, RecordedFullBodies) {
  ParsedResponse p = parse("messages", test::read_data_file("apis/messages_full.json"));
  EXPECT_EQ(p.kind, DataKind::kText);
  EXPECT_EQ(p.usage.completion_tokens, 5);
  p = parse("messages", test::read_data_file("apis/messages_full_thinking.json"));
  EXPECT_EQ(p.kind, DataKind::kReasoning);
  EXPECT_FALSE(p.content.empty());
  EXPECT_FALSE(p.reasoning.empty());
}

TEST(MessagesParse, EdgeCases) {
  bool ok = true;
  for (
      const char* nothing :
      {R"({"type":"ping"})", R"({"type":"message_stop"})",
       R"({"type":"content_block_stop","index":0})",
       R"({"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}})",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":""}})",
       R"({"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"s"}})",
       R"({"type":"message_delta","delta":{"stop_reason":"end_turn"}})"}) {
    parse("messages", nothing, &ok);
    EXPECT_FALSE(ok) << nothing;
  }
  ParsedResponse p = parse(
      "messages",
      R"({"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"x\":"}})");
  EXPECT_EQ(p.kind, DataKind::kToolCall);
  EXPECT_EQ(p.tool_call_text, R"({"x":)");
  p = parse("messages",
            R"({"type":"message","content":[{"type":"text","text":"Let me check. "},)"
            R"({"type":"tool_use","id":"t1","name":"get_weather","input":{"city": "Paris"}}],)"
            R"("usage":{"input_tokens":10,"output_tokens":20}})");
  EXPECT_EQ(p.kind, DataKind::kToolCall);
  EXPECT_EQ(p.tool_call_text, R"(get_weather{"city":"Paris"})");
  EXPECT_EQ(p.content, "Let me check. ");
  p = parse("messages",
            R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})");
  EXPECT_TRUE(p.has_error);
  EXPECT_EQ(p.error.type, "overloaded_error");
  EXPECT_EQ(p.error.message, "Overloaded");
  // Usage keys of the last usage win; missing ones come from earlier events.
  const std::string body =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"usage\":{"
      "\"input_tokens\":25,\"cache_read_input_tokens\":5,\"output_tokens\":1}}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
      "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{"
      "\"output_tokens\":15}}\n\n";
  Processed r("messages", body);
  ASSERT_TRUE(r.rec.usage);
  EXPECT_EQ(r.rec.usage->prompt_tokens, 25);
  EXPECT_EQ(r.rec.usage->prompt_cache_read_tokens, 5);
  EXPECT_EQ(r.rec.usage->completion_tokens, 15);
}

// ---- TGI
// -----------------------------------------------------------------------------------------

TEST(TgiParse, RecordedStreamUsesTokenTextOnly) {
  Processed r("huggingface_generate", test::read_data_file("apis/tgi_generate_stream.sse"));
  ASSERT_FALSE(r.rec.error);
  EXPECT_EQ(r.rec.content_ts.size(), 5u);
  ParsedResponse p = parse("huggingface_generate", test::read_data_file("apis/tgi_generate.json"));
  EXPECT_EQ(p.kind, DataKind::kText);
  // The final stream event's generated_text repeats everything: not added again.
  EXPECT_EQ(*r.rec.output_tokens, int64_t(p.content.size()));
}

TEST(TgiParse, EdgeCases) {
  bool ok = true;
  parse("huggingface_generate", R"({"token":null,"generated_text":"all of it","details":null})",
        &ok);
  EXPECT_FALSE(ok);  // a stream event without token text
  ParsedResponse p =
      parse("huggingface_generate", R"([{"generated_text":"x"},{"generated_text":"y"}])");
  EXPECT_EQ(p.content, "x");
  p = parse("huggingface_generate",
            R"({"error":"Input validation error","error_type":"validation"})");
  EXPECT_TRUE(p.has_error);
  EXPECT_EQ(p.error.type, "validation");
  p = parse(
      "huggingface_generate",
      R"({"index":3,"token":{"id":1,"text":"</s>","special":true},"generated_text":"a b","details":{}})");
  EXPECT_EQ(p.content, "</s>");  // special tokens count, as AIPerf
}

// ---- Embeddings and rankings -------------------------------------------------------------------

TEST(EmbeddingsParse, RecordedAndEdgeCases) {
  ParsedResponse p = parse("embeddings", test::read_data_file("apis/embeddings.json"));
  EXPECT_EQ(p.kind, DataKind::kEmbeddings);
  EXPECT_EQ(p.items, 2u);
  EXPECT_TRUE(p.has_usage);
  bool ok = true;
  parse("embeddings", R"({"object":"list","data":[]})", &ok);
  EXPECT_FALSE(ok);
  p = parse("embeddings", R"({"data":[{"object":"embedding","embedding":[1]},{"object":"x"}]})");
  EXPECT_TRUE(p.has_error);  // AIPerf: "Received invalid list in response"
  EXPECT_FALSE(p.has_data());
  // chat_embeddings also reads the simple shapes.
  p = parse("chat_embeddings", R"({"embeddings":[[0.1,0.2],[0.3,0.4]]})");
  EXPECT_EQ(p.items, 2u);
  p = parse("chat_embeddings", R"({"embedding":[0.1,0.2]})");
  EXPECT_EQ(p.items, 1u);
  p = parse("chat_embeddings", test::read_data_file("apis/embeddings.json"));
  EXPECT_EQ(p.items, 2u);
  Processed r("embeddings", test::read_data_file("apis/embeddings.json"), false);
  ASSERT_FALSE(r.rec.error);
  EXPECT_EQ(r.rec.content_ts.size(), 1u);
  EXPECT_FALSE(r.rec.output_tokens);  // embeddings produce no tokens
  EXPECT_EQ(r.rec.input_tokens, 5);   // "hello"
}

TEST(RankingsParse, RecordedAndEdgeCases) {
  ParsedResponse p = parse("nim_rankings", test::read_data_file("apis/nim_ranking.json"));
  EXPECT_EQ(p.kind, DataKind::kRankings);
  EXPECT_EQ(p.items, 3u);
  p = parse("cohere_rankings", test::read_data_file("apis/cohere_rerank.json"));
  EXPECT_EQ(p.items, 3u);
  p = parse("hf_tei_rankings", test::read_data_file("apis/tei_rerank.json"));  // a bare list
  EXPECT_EQ(p.items, 3u);
  p = parse("hf_tei_rankings", R"({"results":[{"index":0,"score":0.5}]})");
  EXPECT_EQ(p.items, 1u);
  bool ok = true;
  parse("nim_rankings", R"({"rankings":[]})", &ok);
  EXPECT_FALSE(ok);
  parse("cohere_rankings", R"({"results":[null,5]})", &ok);
  EXPECT_FALSE(ok);  // malformed items are no rankings
  parse("nim_rankings", R"([{"index":0}])", &ok);
  EXPECT_FALSE(ok);  // only TEI answers a bare list
}

// ---- Images and video ---------------------------------------------------------------------------

TEST(ImageParse, RecordedBodiesAndStream) {
  ParsedResponse p = parse("image_generation", test::read_data_file("apis/images.json"));
  EXPECT_EQ(p.kind, DataKind::kImage);
  EXPECT_EQ(p.items, 2u);
  Processed r("image_generation", test::read_data_file("apis/images_stream.sse"));
  ASSERT_FALSE(r.rec.error);
  EXPECT_EQ(r.rec.content_ts.size(), 3u);  // 2 partial images + the completed one
  ASSERT_TRUE(r.rec.usage);
  bool ok = true;
  parse("image_generation", R"({"created":1})", &ok);
  EXPECT_FALSE(ok);
}

TEST(VideoParse, JobStates) {
  ParsedResponse p = parse("video_generation", test::read_data_file("apis/video_submit.json"));
  EXPECT_EQ(p.kind, DataKind::kVideo);
  EXPECT_EQ(p.video.status, "queued");
  EXPECT_FALSE(p.video.id.empty());
  p = parse("video_generation", test::read_data_file("apis/video_completed.json"));
  EXPECT_EQ(p.video.status, "completed");
  ASSERT_TRUE(p.video.inference_time_s);
  EXPECT_GT(*p.video.peak_memory_mb, 0);
  p = parse("video_generation", R"({"id":"v","status":"failed","error":{"message":"OOM"}})");
  EXPECT_EQ(p.video.error_message, "OOM");
  p = parse("video_generation", R"({"error":{"message":"bad request"}})");
  EXPECT_TRUE(p.has_error);
}

TEST(VideoProcess, MetricsFromTheCompletedJob) {
  record::RequestRecord raw =
      test::make_record({{1100, test::read_data_file("apis/video_submit.json")},
                         {1500, test::read_data_file("apis/video_completed.json")}},
                        1000);
  config::Config cfg;
  cfg.models = {"m"};
  auto ep = create("video_generation");
  test::ByteTokenizer tok;
  dataset::Conversation conv;
  dataset::Turn turn;
  turn.text = "a cat";
  record::ProcessedRecord r = record::RecordProcessor(cfg, *ep, &tok).process(raw, conv, turn, "");
  ASSERT_FALSE(r.error);
  EXPECT_EQ(r.content_ts.back(), 1500);
  ASSERT_TRUE(r.video_inference_time_s);
  ASSERT_TRUE(r.video_peak_memory_mb);
}

}  // namespace
}  // namespace aiperf::endpoint
