// RecordProcessor: content responses, token counting (fake tokenizer), validity, errors.
#include "aiperf/record/processor.h"

#include <gtest/gtest.h>

#include <thread>

#include "../record_compare.h"
#include "test_util.h"

namespace aiperf::record {
namespace {

constexpr const char* kRole =
    R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})";
std::string chunk(const std::string& content) {
  return R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":")" +
         content + R"("}}]})";
}
std::string reasoning_chunk(const std::string& r) {
  return R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"reasoning_content":")" +
         r + R"("}}]})";
}
constexpr const char* kFinish =
    R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{},"finish_reason":"stop"}]})";
constexpr const char* kUsage =
    R"({"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":79,"completion_tokens":12,"total_tokens":91,"completion_tokens_details":{"reasoning_tokens":5}}})";

struct Env {
  config::Config cfg;
  std::unique_ptr<endpoint::Endpoint> ep = endpoint::create("chat");
  test::ByteTokenizer tok;
  dataset::Conversation conv;
  dataset::Turn turn;
  Env() {
    cfg.models = {"m"};
    cfg.urls = {"http://localhost:8000"};
    cfg.streaming = true;
    conv.session_id = "session_000001";
    turn.text = "hello";
    turn.max_tokens = 64;
  }
  ProcessedRecord run(const RequestRecord& raw, RequestContext ctx = {}) {
    RecordProcessor p(cfg, *ep, &tok);
    return p.process(raw, conv, turn, "{\"body\":1}", ctx);
  }
};

RequestRecord stream(std::vector<std::pair<int64_t, std::string>> evs) {
  return test::make_record(evs, 100, 200);
}

TEST(RecordProcessor, StreamingContentResponsesAndTokens) {
  Env e;
  auto raw = stream({{110, kRole},
                     {120, chunk("Hello")},
                     {130, chunk(" world")},
                     {140, kFinish},
                     {150, kUsage},
                     {150, "[DONE]"}});
  raw.credit_index = 7;
  raw.turn_index = 0;
  RequestContext ctx;
  ctx.x_request_id = "rid";
  ctx.x_correlation_id = "cid";
  auto r = e.run(raw, ctx);
  ASSERT_TRUE(r.valid()) << r.error->message;
  EXPECT_EQ(r.content_ts, (std::vector<int64_t>{120, 130}));
  EXPECT_EQ(r.first_output_ts, 120);
  EXPECT_EQ(r.output_tokens, 11);  // "Hello world", tokenized once
  EXPECT_FALSE(r.reasoning_tokens);
  EXPECT_EQ(r.input_tokens, 5);  // "hello" (turn.input_tokens unknown → tokenized)
  EXPECT_EQ(r.requested_osl, 64);
  ASSERT_TRUE(r.usage);
  EXPECT_EQ(r.usage->prompt_tokens, 79);
  EXPECT_EQ(r.credit_index, 7u);
  EXPECT_EQ(r.x_request_id, "rid");
  EXPECT_EQ(r.x_correlation_id, "cid");
  EXPECT_EQ(r.conversation_id, "session_000001");
  EXPECT_EQ(r.start_ns, 100);
  EXPECT_EQ(r.end_ns, 200);
  EXPECT_TRUE(r.payload.empty());  // only kept at --export-level raw
  EXPECT_TRUE(r.raw_responses.empty());
  EXPECT_EQ(e.tok.calls(), 3);         // output once, input once, the first chunk (per-token ITL)
  EXPECT_EQ(r.first_chunk_tokens, 5);  // "Hello"
}

TEST(RecordProcessor, IdsFallBackToTheRawRecord) {
  Env e;
  auto raw = stream({{120, chunk("x")}});
  raw.x_request_id = "raw-rid";
  raw.x_correlation_id = "raw-cid";
  auto r = e.run(raw);
  EXPECT_EQ(r.x_request_id, "raw-rid");
  EXPECT_EQ(r.x_correlation_id, "raw-cid");
}

TEST(RecordProcessor, ReasoningThenOutput) {
  Env e;
  auto raw = stream({{110, kRole},
                     {115, reasoning_chunk("abc")},
                     {118, reasoning_chunk("de")},
                     {125, chunk("XY")},
                     {150, "[DONE]"}});
  std::string reply;
  RequestContext ctx;
  ctx.assistant_reply = &reply;
  auto r = e.run(raw, ctx);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.content_ts, (std::vector<int64_t>{115, 118, 125}));  // TTFT counts reasoning
  EXPECT_EQ(r.first_output_ts, 125);                               // TTFO does not
  EXPECT_EQ(r.reasoning_tokens, 5);
  EXPECT_EQ(r.output_tokens, 2);
  EXPECT_EQ(reply, "XY");
}

TEST(RecordProcessor, ToolCallTextCountedProseExcluded) {
  Env e;
  auto raw =
      stream({{120, R"({"object":"chat.completion","choices":[{"message":{"content":"Sure thing",)"
                    R"("tool_calls":[{"function":{"name":"fn","arguments":"{}"}}]}}]})"}});
  e.cfg.streaming = false;
  auto r = e.run(raw);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.output_tokens, 4);  // "fn{}"
  EXPECT_EQ(r.first_output_ts, 120);
}

TEST(RecordProcessor, NoContentIsInvalidInferenceResult) {
  Env e;
  auto raw = stream({{110, kRole}, {140, kFinish}, {150, kUsage}, {150, "[DONE]"}});
  auto r = e.run(raw);
  ASSERT_FALSE(r.valid());
  EXPECT_EQ(r.error->type, "InvalidInferenceResultError");
  EXPECT_EQ(r.error->message.rfind("Invalid inference result", 0), 0u);
  EXPECT_FALSE(r.error->code);
  EXPECT_EQ(r.input_tokens, 5);  // still computed for error_isl
  EXPECT_FALSE(r.output_tokens);
  EXPECT_TRUE(r.usage);  // usage kept even so
}

TEST(RecordProcessor, TimestampsOutOfRangeAreInvalid) {
  Env e;
  auto raw = test::make_record({{250, chunk("x")}}, 100, 200);
  EXPECT_FALSE(e.run(raw).valid());
  auto raw2 = test::make_record({{150, chunk("x")}}, 200, 200);
  EXPECT_FALSE(e.run(raw2).valid());
}

TEST(RecordProcessor, HttpStatusError) {
  Env e;
  RequestRecord raw = test::make_record({}, 100, 200);
  raw.error = ErrorKind::kStatus;
  raw.http_status = 500;
  raw.error_message = R"({"detail":"boom"})";
  auto r = e.run(raw);
  ASSERT_FALSE(r.valid());
  EXPECT_EQ(r.error->code, 500);
  EXPECT_EQ(r.error->type, "Internal Server Error");
  EXPECT_EQ(r.error->message, R"({"detail":"boom"})");
  EXPECT_EQ(r.error->kind, ErrorKind::kStatus);
  EXPECT_EQ(r.input_tokens, 5);
}

TEST(RecordProcessor, TransportErrorMapping) {
  RequestRecord raw;
  raw.error = ErrorKind::kTimeout;
  EXPECT_EQ(map_transport_error(raw).type, "TimeoutError");
  EXPECT_FALSE(map_transport_error(raw).code);
  raw.error = ErrorKind::kCancelled;
  raw.error_message = "Request cancelled 0.5s after being sent";
  EXPECT_EQ(map_transport_error(raw).code, 499);
  EXPECT_EQ(map_transport_error(raw).type, "RequestCancellationError");
  EXPECT_EQ(map_transport_error(raw).message, "Request cancelled 0.5s after being sent");
  raw.error = ErrorKind::kConnect;
  raw.error_message = "Connection refused";
  auto c = map_transport_error(raw, "http://localhost:8000/v1");
  EXPECT_EQ(c.type, "ClientConnectorError");
  EXPECT_EQ(c.message, "Cannot connect to host localhost:8000 ssl:default [Connection refused]");
  EXPECT_EQ(map_transport_error(raw, "https://example.com").message,
            "Cannot connect to host example.com:443 ssl:default [Connection refused]");
  raw.error = ErrorKind::kSseError;
  raw.error_message = "Rate limit exceeded";
  EXPECT_EQ(map_transport_error(raw).code, 502);
  EXPECT_EQ(map_transport_error(raw).type, "SSEResponseError");
  raw.error = ErrorKind::kRead;
  raw.error_message = "connection closed before the response was complete";
  EXPECT_EQ(map_transport_error(raw).type, "ServerDisconnectedError");
  raw.error_message = "read failed: Connection reset by peer (before any response byte)";
  EXPECT_EQ(map_transport_error(raw).type, "ClientOSError");  // aiohttp: OSError → ClientOSError
  raw.ack_ns = 5;  // the head had arrived: the body was cut
  raw.http_status = 200;
  EXPECT_EQ(map_transport_error(raw).type, "ClientPayloadError");
  EXPECT_EQ(map_transport_error(raw).message,
            "Response payload is not completed: read failed: Connection reset by peer (before any "
            "response byte)");
  raw.ack_ns = 0;
  raw.http_status = 0;
  EXPECT_EQ(http_reason_phrase(429), "Too Many Requests");
  EXPECT_EQ(http_reason_phrase(599), "HTTP 599");
}

TEST(RecordProcessor, SseErrorEventFromFixture) {
  Env e;
  auto raw = test::record_from_sse(test::read_data_file("event_error_with_comment.sse"));
  auto r = e.run(raw);
  ASSERT_FALSE(r.valid());
  EXPECT_EQ(r.error->code, 502);
  EXPECT_EQ(r.error->type, "SSEResponseError");
}

TEST(RecordProcessor, MidStreamErrorObjectFailsTheRequest) {
  Env e;
  auto raw = test::record_from_sse(test::read_data_file("vllm_style_midstream_error.sse"));
  auto r = e.run(raw);
  ASSERT_FALSE(r.valid());
  EXPECT_EQ(r.error->code, 400);
  EXPECT_EQ(r.error->type, "BadRequestError");
  EXPECT_EQ(r.error->message, "example mid-stream failure");
}

TEST(RecordProcessor, RecordedFixtureEndToEnd) {
  Env e;
  auto raw = test::record_from_sse(test::read_data_file("d615580118391ee1.sse"), 1000);
  auto r = e.run(raw);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.content_ts.size(), 177u);
  EXPECT_EQ(r.output_tokens, 615);  // bytes of the concatenated text
  EXPECT_EQ(r.usage->completion_tokens, 177);
}

// llama.cpp (recorded, tests/data/sse/llamacpp_recorded): every token streamed as
// reasoning_content, usage with completion_tokens 12 and no completion_tokens_details. Before,
// all 12 were reported as output and none as reasoning.
TEST(RecordProcessor, ReasoningHiddenInUsageIsSplitByWhatTheStreamCarried) {
  Env e;
  e.cfg.use_server_token_count = true;
  auto raw = test::record_from_sse(
      test::read_data_file("../sse/llamacpp_recorded/chat_reasoning_only_usage_no_details.sse"),
      1000);
  auto r = e.run(raw);
  ASSERT_TRUE(r.valid()) << r.error->message;
  EXPECT_EQ(r.usage->completion_tokens, 12);
  EXPECT_EQ(r.reasoning_tokens, 12);
  EXPECT_EQ(r.output_tokens, 0);
  EXPECT_EQ(r.input_tokens, 31);
  EXPECT_EQ(r.token_split, ProcessedRecord::TokenSplit::kStream);

  // Reasoning and output: completion_tokens shared in proportion (ByteTokenizer: 6 and 2 tokens
  // of 8 → 9 and 3 of 12).
  const char* usage_no_details =
      R"({"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":4,"completion_tokens":12}})";
  auto mixed = e.run(
      stream({{110, reasoning_chunk("abcdef")}, {120, chunk("gh")}, {130, usage_no_details}}));
  ASSERT_TRUE(mixed.valid());
  EXPECT_EQ(mixed.reasoning_tokens, 9);
  EXPECT_EQ(mixed.output_tokens, 3);
  EXPECT_EQ(mixed.token_split, ProcessedRecord::TokenSplit::kStream);

  // A usage that splits them itself is taken as it is; so is one without reasoning in the stream.
  auto told = e.run(stream({{110, reasoning_chunk("abcdef")}, {120, chunk("gh")}, {150, kUsage}}));
  EXPECT_EQ(told.reasoning_tokens, 5);
  EXPECT_EQ(told.output_tokens, 7);
  EXPECT_EQ(told.token_split, ProcessedRecord::TokenSplit::kUsage);
  auto plain = e.run(stream({{120, chunk("gh")}, {130, usage_no_details}}));
  EXPECT_FALSE(plain.reasoning_tokens);
  EXPECT_EQ(plain.output_tokens, 12);
  EXPECT_EQ(plain.token_split, ProcessedRecord::TokenSplit::kUsage);
}

// Per-token ITL needs the first chunk's tokens: the usage delta when every chunk carries the
// running usage (vLLM continuous_usage_stats), with no tokenizing at all under server counts.
TEST(RecordProcessor, FirstChunkTokensFromRunningUsage) {
  Env e;
  e.cfg.use_server_token_count = true;
  auto with_usage = [](const char* text, int completion) {
    return std::string(
               R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":")") +
           text + R"("}}],"usage":{"prompt_tokens":3,"completion_tokens":)" +
           std::to_string(completion) + R"(,"total_tokens":9}})";
  };
  auto raw = stream({{110, kRole}, {120, with_usage("ab", 4)}, {130, with_usage("cd", 8)}});
  auto r = e.run(raw);
  ASSERT_TRUE(r.valid()) << r.error->message;
  EXPECT_EQ(r.first_chunk_tokens, 4);
  EXPECT_EQ(r.output_tokens, 8);
  EXPECT_EQ(e.tok.calls(), 0);
  // No running usage and server counts: unknown (never tokenized).
  auto plain = e.run(stream({{120, chunk("ab")}, {130, chunk("cd")}, {150, kUsage}}));
  EXPECT_FALSE(plain.first_chunk_tokens);
  // A single content chunk needs no count.
  Env t;
  EXPECT_FALSE(t.run(stream({{120, chunk("abc")}})).first_chunk_tokens);
}

TEST(RecordProcessor, ServerTokenCount) {
  Env e;
  e.cfg.use_server_token_count = true;
  auto raw = stream({{120, chunk("Hello")}, {150, kUsage}});
  auto r = e.run(raw);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.input_tokens, 79);
  EXPECT_EQ(r.reasoning_tokens, 5);
  EXPECT_EQ(r.output_tokens, 7);  // completion 12 - reasoning 5
  EXPECT_EQ(e.tok.calls(), 0);
  // no usage: all absent
  auto r2 = e.run(stream({{120, chunk("Hello")}}));
  ASSERT_TRUE(r2.valid());
  EXPECT_FALSE(r2.input_tokens);
  EXPECT_FALSE(r2.output_tokens);
  EXPECT_FALSE(r2.reasoning_tokens);
  // clamped at 0
  auto r3 = e.run(stream(
      {{120, chunk("x")},
       {150,
        R"({"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2,"completion_tokens_details":{"reasoning_tokens":5}}})"}}));
  EXPECT_EQ(r3.output_tokens, 0);
}

TEST(RecordProcessor, LastNonEmptyUsageWins) {
  Env e;
  auto raw = stream(
      {{120,
        R"({"object":"chat.completion.chunk","choices":[{"delta":{"content":"a"}}],"usage":{"completion_tokens":1}})"},
       {130,
        R"({"object":"chat.completion.chunk","choices":[{"delta":{"content":"b"}}],"usage":{"completion_tokens":2}})"},
       {140, R"({"object":"chat.completion.chunk","choices":[],"usage":{}})"}});
  auto r = e.run(raw);
  EXPECT_EQ(r.usage->completion_tokens, 2);
}

TEST(RecordProcessor, InputTokensJoinSystemAndHistoryWithSingleSpaces) {
  Env e;
  e.conv.system_message = "sys";
  RecordProcessor p(e.cfg, *e.ep, &e.tok);
  EXPECT_EQ(p.count_input_tokens(e.conv, {}, e.turn), 9);  // "sys hello"
  std::vector<dataset::Turn> hist(2);
  hist[0].text = "q1";
  hist[1].role = "assistant";
  hist[1].text = "a1";
  EXPECT_EQ(p.count_input_tokens(e.conv, hist, e.turn), 15);  // "sys q1 a1 hello"
  e.conv.system_message.reset();
  EXPECT_EQ(p.count_input_tokens(e.conv, hist, e.turn), 11);  // "q1 a1 hello"
}

TEST(RecordProcessor, InputTokensUseTheTurnsCountWhenItIsTheWholePrompt) {
  Env e;
  e.turn.input_tokens = 42;  // deliberately not the byte count: proves no re-tokenizing
  RecordProcessor p(e.cfg, *e.ep, &e.tok);
  EXPECT_EQ(p.count_input_tokens(e.conv, {}, e.turn), 42);
  EXPECT_EQ(e.tok.calls(), 0);
  e.conv.system_message = "s";
  EXPECT_EQ(p.count_input_tokens(e.conv, {}, e.turn), 7);  // "s hello"
}

TEST(RecordProcessor, RawTurnsCountTheTextOfTheirBody) {
  // The loader stores the body's tokenizable text in `text` (AIPerf counts ISL from the body
  // it sent); raw turns are no longer counted as 0.
  Env e;
  e.turn.text = "ab cd";
  e.turn.payload_json = R"({"messages":[{"role":"user","content":"ab cd"}]})";
  RecordProcessor p(e.cfg, *e.ep, &e.tok);
  EXPECT_EQ(p.count_input_tokens(e.conv, {}, e.turn), 5);
  e.turn.input_tokens = 2;  // the loader's count is used as is
  EXPECT_EQ(p.count_input_tokens(e.conv, {}, e.turn), 2);
  std::vector<dataset::Turn> hist(1);
  hist[0].messages_json = R"([{"role":"user","content":"q"}])";
  hist[0].text = "q";
  EXPECT_EQ(p.count_input_tokens(e.conv, hist, e.turn), 7);  // "q ab cd"
  e.turn.text.clear();  // a body with no text (e.g. only images)
  e.turn.input_tokens = 0;
  EXPECT_EQ(p.count_input_tokens(e.conv, {}, e.turn), 0);
}

TEST(RecordProcessor, ImagesCountedOverTheWholeRequestNotAsTokens) {
  Env e;
  using Kind = dataset::MediaItem::Kind;
  e.turn.media = {{Kind::kImage, "image_url", "data:image/png;base64,AAAA"},
                  {Kind::kAudio, "input_audio", "wav,AAAA"},
                  {Kind::kImage, "image_url", "data:image/png;base64,BBBB"}};
  std::vector<dataset::Turn> hist(2);
  hist[0].text = "q1";
  hist[0].media = {{Kind::kImage, "image_url", "data:image/jpeg;base64,CCCC"}};
  hist[1].role = "assistant";
  hist[1].text = "a1";
  RequestContext ctx;
  ctx.history = hist;
  auto r = e.run(stream({{110, chunk("ok")}, {120, kFinish}}), ctx);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.num_images, 3);     // two in this turn, one earlier in the session
  EXPECT_EQ(r.input_tokens, 11);  // "q1 a1 hello": media are not tokens (spec §2.6)
  EXPECT_EQ(e.run(stream({{110, chunk("ok")}})).num_images, 2);
}

TEST(RecordProcessor, RawExportKeepsPayloadAndResponses) {
  Env e;
  e.cfg.export_level = config::ExportLevel::kRaw;
  auto raw = stream({{120, chunk("Hi")}, {150, "[DONE]"}});
  auto r = e.run(raw);
  EXPECT_EQ(r.payload, "{\"body\":1}");
  ASSERT_EQ(r.raw_responses.size(), 2u);
  EXPECT_EQ(r.raw_responses[0].first, 120);
  EXPECT_EQ(r.raw_responses[1].second, "[DONE]");
}

TEST(RecordProcessor, CompletionsEndpoint) {
  Env e;
  e.ep = endpoint::create("completions");
  auto raw = stream(
      {{120, R"({"object":"text_completion","choices":[{"text":"abc"}]})"},
       {130, R"({"object":"text_completion","choices":[{"text":"","finish_reason":"length"}]})"}});
  auto r = e.run(raw);
  ASSERT_TRUE(r.valid());
  EXPECT_EQ(r.content_ts, (std::vector<int64_t>{120}));
  EXPECT_EQ(r.output_tokens, 3);
}

TEST(RecordProcessor, ConcurrentUseGivesIdenticalResults) {
  Env e;
  RecordProcessor p(e.cfg, *e.ep, &e.tok);
  auto body = test::read_data_file("d615580118391ee1.sse");
  auto raw = test::record_from_sse(body);
  auto expect = p.process(raw, e.conv, e.turn, "");
  std::vector<std::thread> ts;
  std::atomic<int> mismatches{0};
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto r = p.process(raw, e.conv, e.turn, "");
        if (r.output_tokens != expect.output_tokens || r.content_ts != expect.content_ts ||
            r.first_output_ts != expect.first_output_ts)
          ++mismatches;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

// clear() resets field by field; a field added to ProcessedRecord without a line in clear()
// (and in expect_same_record) would leak from one request into the next one of the pipeline.
TEST(ProcessedRecordTest, ClearResetsEveryField) {
  static_assert(sizeof(ProcessedRecord) == 840,
                "ProcessedRecord changed: reset the new field in clear(), compare it in "
                "expect_same_record() and set it below, then update this size");
  ProcessedRecord r;
  r.credit_index = 1;
  r.phase = Phase::kWarmup;
  r.conversation_index = 2;
  r.turn_index = 3;
  r.worker_id = 4;
  r.x_request_id = "a request id longer than the small-string buffer";
  r.x_correlation_id = "c";
  r.conversation_id = "s";
  r.scheduled_ns = r.credit_ns = r.start_ns = r.ack_ns = r.end_ns = r.start_wall_ns = 5;
  r.content_ts = {1, 2};
  r.first_output_ts = 6;
  r.input_tokens = r.output_tokens = r.reasoning_tokens = r.requested_osl = 7;
  r.token_split = ProcessedRecord::TokenSplit::kStream;
  r.num_images = 8;
  r.usage.emplace();
  r.usage->prompt_tokens = 9;
  r.video_inference_time_s = r.video_peak_memory_mb = 1.5;
  r.first_chunk_tokens = 10;
  r.sent_ns = 11;
  r.connection_reused = true;
  r.bytes_sent = r.bytes_received = 12;
  r.trace.connect_start_ns = r.trace.connect_end_ns = r.trace.tls_start_ns = 13;
  r.trace.tls_end_ns = r.trace.send_start_ns = r.trace.first_byte_ns = 13;
  r.trace.write_calls = r.trace.body_reads = 14;
  r.trace.writes = r.trace.reads = {{1, 2}};
  r.cancel_ns = 15;
  r.error.emplace();
  r.error->code = 500;
  r.error->type = "t";
  r.error->message = "m";
  r.error->kind = ErrorKind::kStatus;
  r.payload = "p";
  r.raw_responses = {{1, "x"}};
  r.http_status = 200;
  const size_t id_capacity = r.x_request_id.capacity();
  r.clear();
  expect_same_record(r, ProcessedRecord{});
  EXPECT_EQ(r.x_request_id.capacity(), id_capacity);  // the buffer is kept
  EXPECT_GE(r.content_ts.capacity(), 2u);
}

// The same for the records the workers take from their pool: nothing of the last request may
// reach the next one (an error, the conversation, timestamps).
TEST(RequestRecordTest, ResetClearsEveryField) {
  static_assert(sizeof(RequestRecord) == 416,
                "RequestRecord changed: reset the new field in reset(), set and check it here, "
                "then update this size");
  RequestRecord r;
  r.credit_index = 1;
  r.phase = Phase::kWarmup;
  r.conversation_index = r.turn_index = r.num_turns = r.session_index = 2;
  r.worker_id = r.url_index = 3;
  r.x_request_id = "a request id longer than the small-string buffer";
  r.x_correlation_id = "c";
  r.prepared = std::make_shared<const dataset::PreparedConversation>();
  r.scheduled_ns = r.credit_ns = r.start_ns = r.sent_ns = r.ack_ns = r.end_ns = 4;
  r.start_wall_ns = r.first_data_ns = r.cancel_ns = r.cancel_after_ns = 5;
  r.trace.connect_start_ns = r.trace.connect_end_ns = r.trace.tls_start_ns = 6;
  r.trace.tls_end_ns = r.trace.send_start_ns = r.trace.first_byte_ns = 6;
  r.trace.write_calls = r.trace.body_reads = 7;
  r.trace.writes = r.trace.reads = {{1, 2}};
  r.http_status = 500;
  r.sse = r.connection_reused = true;
  r.data = "body";
  r.events.resize(3);
  r.bytes_sent = r.bytes_received = 8;
  r.error = ErrorKind::kStatus;
  r.error_message = std::string(1000, 'e');
  const size_t id_capacity = r.x_request_id.capacity();
  r.reset();
  const RequestRecord d;
  EXPECT_EQ(r.credit_index, d.credit_index);
  EXPECT_EQ(r.phase, d.phase);
  EXPECT_EQ(r.conversation_index, d.conversation_index);
  EXPECT_EQ(r.turn_index, d.turn_index);
  EXPECT_EQ(r.num_turns, d.num_turns);
  EXPECT_EQ(r.session_index, d.session_index);
  EXPECT_EQ(r.worker_id, d.worker_id);
  EXPECT_EQ(r.url_index, d.url_index);
  EXPECT_EQ(r.x_request_id, "");
  EXPECT_EQ(r.x_correlation_id, "");
  EXPECT_EQ(r.prepared, nullptr);
  EXPECT_EQ(r.scheduled_ns, 0);
  EXPECT_EQ(r.credit_ns, 0);
  EXPECT_EQ(r.start_ns, 0);
  EXPECT_EQ(r.sent_ns, 0);
  EXPECT_EQ(r.ack_ns, 0);
  EXPECT_EQ(r.end_ns, 0);
  EXPECT_EQ(r.start_wall_ns, 0);
  EXPECT_EQ(r.first_data_ns, 0);
  EXPECT_EQ(r.cancel_ns, 0);
  EXPECT_EQ(r.cancel_after_ns, d.cancel_after_ns);
  EXPECT_EQ(r.trace.connect_start_ns, 0);
  EXPECT_EQ(r.trace.connect_end_ns, 0);
  EXPECT_EQ(r.trace.tls_start_ns, 0);
  EXPECT_EQ(r.trace.tls_end_ns, 0);
  EXPECT_EQ(r.trace.send_start_ns, 0);
  EXPECT_EQ(r.trace.first_byte_ns, 0);
  EXPECT_EQ(r.trace.write_calls, 0u);
  EXPECT_EQ(r.trace.body_reads, 0u);
  EXPECT_TRUE(r.trace.writes.empty());
  EXPECT_TRUE(r.trace.reads.empty());
  EXPECT_EQ(r.http_status, 0);
  EXPECT_FALSE(r.sse);
  EXPECT_FALSE(r.connection_reused);
  EXPECT_EQ(r.data, "");
  EXPECT_TRUE(r.events.empty());
  EXPECT_EQ(r.bytes_sent, 0u);
  EXPECT_EQ(r.bytes_received, 0u);
  EXPECT_EQ(r.error, ErrorKind::kNone);
  EXPECT_EQ(r.error_message, "");
  EXPECT_LE(r.error_message.capacity(), 256u);  // a long error text is let go
  EXPECT_EQ(r.x_request_id.capacity(), id_capacity);
  EXPECT_GE(r.events.capacity(), 3u);
}

// Messages stored whole come back where the record holds them; one sharing bytes with the
// previous is put together whether that previous came from the record or was itself put
// together (both ways, in every order).
TEST(EventPayloadsTest, WholeAndSharedMessagesInEveryOrder) {
  RequestRecord r;
  auto add = [&](std::string_view tail, uint32_t shared, uint16_t suffix) {
    ResponseEvent ev{};
    ev.offset = uint32_t(r.data.size());
    ev.len = uint32_t(tail.size());
    ev.shared = shared;
    ev.shared_suffix = suffix;
    r.data.append(tail);
    r.events.push_back(ev);
  };
  add("{\"a\":\"xyz\"}", 0, 0);  // {"a":"xyz"}
  add("Q", 6, 2);                // {"a":"Q"}  from a message in the record
  add("RS", 6, 2);               // {"a":"RS"} from one put together
  add("{\"b\":1}", 0, 0);        // whole again
  add("2", 5, 1);                // {"b":2}
  add("[DONE]", 0, 0);
  add("x", 9, 0);  // a shared prefix longer than the previous message is cut to its length
  const std::vector<std::string> want = {"{\"a\":\"xyz\"}", "{\"a\":\"Q\"}", "{\"a\":\"RS\"}",
                                         "{\"b\":1}",       "{\"b\":2}",     "[DONE]",
                                         "[DONE]x"};
  EventPayloads p(r);
  for (size_t i = 0; i < want.size(); ++i) {
    const std::string_view got = p.next();
    EXPECT_EQ(got, want[i]) << i;
    const bool whole = r.events[i].shared == 0 && r.events[i].shared_suffix == 0;
    // A whole message is the record's own bytes, not a copy.
    if (whole) {
      EXPECT_EQ(got.data(), r.data.data() + r.events[i].offset) << i;
    }
  }
}

// The pipeline fills one record again and again: what a request leaves in it (an error, usage,
// reasoning, raw responses) must not show in the next request's record.
TEST(RecordProcessor, AReusedRecordEqualsAFreshOne) {
  Env e;
  e.cfg.export_level = config::ExportLevel::kRaw;
  RecordProcessor p(e.cfg, *e.ep, &e.tok);
  auto rich = stream({{110, kRole},
                      {115, reasoning_chunk("abc")},
                      {120, chunk("Hello")},
                      {130, chunk(" world")},
                      {150, kUsage},
                      {150, "[DONE]"}});
  rich.x_request_id = "rid-of-the-first-request-0000000000";
  rich.credit_index = 9;
  auto failed = stream({{110, kRole}, {140, kFinish}});
  failed.x_request_id = "rid-2";
  auto plain = stream({{120, chunk("x")}});
  plain.credit_index = 3;
  ProcessedRecord reused;
  for (const RequestRecord* raw : {&rich, &failed, &plain, &rich, &plain}) {
    p.process(*raw, e.conv, e.turn, "{}", RequestContext{}, reused);
    expect_same_record(reused, p.process(*raw, e.conv, e.turn, "{}"));
  }
}

}  // namespace
}  // namespace aiperf::record
