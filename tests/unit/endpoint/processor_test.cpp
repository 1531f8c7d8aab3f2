// RecordProcessor: content responses, token counting (fake tokenizer), validity, errors.
#include "aiperf/record/processor.h"

#include <gtest/gtest.h>

#include <thread>

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
  EXPECT_EQ(map_transport_error(raw).type, "ServerDisconnectedError");
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

}  // namespace
}  // namespace aiperf::record
