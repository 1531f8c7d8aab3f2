// Response parsing (spec §5.3, §5.4, §2.5) on recorded streams and hand-made edge cases.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>

#include "aiperf/endpoint/endpoint.h"
#include "test_util.h"

namespace aiperf::endpoint {
namespace {

struct StreamSummary {
  int events = 0;
  int content = 0;
  std::string output;     // output_text() concatenated
  std::string reasoning;  // reasoning concatenated
  bool usage = false;
  record::Usage last_usage;
  bool error = false;
  ResponseError err;
};

StreamSummary run(const Endpoint& ep, const std::vector<std::string>& payloads) {
  StreamSummary s;
  ParsedResponse p;
  for (const auto& pl : payloads) {
    ++s.events;
    if (!ep.parse(pl, p)) continue;
    if (p.has_usage) {
      s.usage = true;
      s.last_usage = p.usage;
    }
    if (p.has_error) {
      s.error = true;
      s.err = p.error;
    }
    if (!p.has_data()) continue;
    ++s.content;
    s.output += p.output_text();
    s.reasoning += p.reasoning;
  }
  return s;
}

StreamSummary run_file(const std::string& name, const char* endpoint = "chat") {
  std::vector<std::string> payloads;
  for (auto& e : test::split_sse(test::read_data_file(name))) payloads.push_back(e.data);
  return run(*create(endpoint), payloads);
}

void expect_4cc50a(const StreamSummary& s) {
  EXPECT_EQ(s.events, 5);
  EXPECT_EQ(s.content, 1);  // role-only delta, finish delta, usage chunk and [DONE] are not content
  EXPECT_EQ(s.output, "{\"");
  ASSERT_TRUE(s.usage);
  EXPECT_EQ(s.last_usage.prompt_tokens, 79);
  EXPECT_EQ(s.last_usage.completion_tokens, 1);
  EXPECT_EQ(s.last_usage.total_tokens, 80);
  EXPECT_EQ(s.last_usage.reasoning_tokens, 0);
  EXPECT_FALSE(s.error);
}

TEST(ChatParseFixtures, OpenAiRecordedBasic) {
  expect_4cc50a(run_file("4cc50a6135d25457.sse"));
}
TEST(ChatParseFixtures, CrlfFraming) {
  expect_4cc50a(run_file("openai_4cc50a_crlf.sse"));
}
TEST(ChatParseFixtures, DataWithoutSpace) {
  expect_4cc50a(run_file("openai_4cc50a_data_nospace.sse"));
}
TEST(ChatParseFixtures, KeepAliveComments) {
  expect_4cc50a(run_file("openai_4cc50a_keepalive_comments.sse"));
}

TEST(ChatParseFixtures, ToolCallsStreamed) {
  auto s = run_file("2018feb66ae13fcf.sse");
  EXPECT_EQ(s.content, 8);
  EXPECT_EQ(s.output, "get_weather{\"city\":\"New York City\"}");
  EXPECT_EQ(s.last_usage.completion_tokens, 16);
}

TEST(ChatParseFixtures, RefusalIsNotContent) {
  // AIPerf reads content / reasoning / tool calls only: a refusal-only stream has no content.
  auto s = run_file("173417d553406f03.sse");
  EXPECT_EQ(s.content, 0);
  EXPECT_TRUE(s.usage);
  EXPECT_EQ(s.last_usage.completion_tokens, 11);
}

TEST(ChatParseFixtures, InterleavedChoicesUseEachChunksFirstChoice) {
  auto s = run_file("a491adda08c3d4fd.sse");
  EXPECT_EQ(s.content, 42);
  EXPECT_EQ(s.output.size(), 159u);
  EXPECT_EQ(s.output.substr(0, 9), "{\"{\"{\"cit");
}

TEST(ChatParseFixtures, LongStream) {
  auto s = run_file("d615580118391ee1.sse");
  EXPECT_EQ(s.events, 181);
  EXPECT_EQ(s.content, 177);
  EXPECT_EQ(s.output.size(), 615u);  // bytes (608 characters)
  EXPECT_EQ(s.last_usage.completion_tokens, 177);
}

TEST(ChatParseFixtures, TgiNoSpaceKeysInOtherOrder) {
  auto s = run_file("tgi_pre_v2_1_reframed_nospace_keepalive.sse");
  EXPECT_EQ(s.content, 2);
  EXPECT_EQ(s.output, "OK!");
  EXPECT_EQ(s.last_usage.completion_tokens, 3);
  EXPECT_EQ(s.last_usage.prompt_tokens, 39);
  EXPECT_EQ(s.last_usage.total_tokens, 42);
}

TEST(ChatParseFixtures, VllmMidStreamErrorObject) {
  auto s = run_file("vllm_style_midstream_error.sse");
  EXPECT_EQ(s.content, 1);
  ASSERT_TRUE(s.error);
  EXPECT_EQ(s.err.code, 400);
  EXPECT_EQ(s.err.type, "BadRequestError");
  EXPECT_EQ(s.err.message, "example mid-stream failure");
}

TEST(ChatParseFixtures, TgiSnapshotsReserialized) {
  for (const char* name : {"test_completion_prompts_test_flash_llama_completion_stream_usage.json",
                           "test_completion_prompts_test_chat_openai_usage.json"}) {
    auto j = nlohmann::json::parse(test::read_data_file(name));
    std::vector<std::string> payloads;
    std::string expect;
    for (auto& chunk : j) {
      payloads.push_back(chunk.dump());
      if (!chunk["choices"].empty()) {
        auto& c = chunk["choices"][0]["delta"]["content"];
        if (c.is_string()) expect += c.get<std::string>();
      }
    }
    auto s = run(*create("chat"), payloads);
    EXPECT_EQ(s.output, expect) << name;
    EXPECT_TRUE(s.usage) << name;
    EXPECT_EQ(s.last_usage.total_tokens, j.back()["usage"]["total_tokens"].get<int64_t>()) << name;
  }
}

TEST(ChatParse, NothingForDoneEmptyAndNonJson) {
  auto ep = create("chat");
  ParsedResponse p;
  p.content = "stale";
  p.kind = DataKind::kText;
  EXPECT_FALSE(ep->parse("[DONE]", p));
  EXPECT_FALSE(p.has_data());
  EXPECT_TRUE(p.content.empty());
  EXPECT_FALSE(ep->parse("", p));
  EXPECT_FALSE(ep->parse("  \n", p));
  EXPECT_FALSE(ep->parse("hello world", p));
  EXPECT_FALSE(
      ep->parse("{\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"con", p));
  EXPECT_FALSE(ep->parse("[1,2]", p));
}

TEST(ChatParse, RoleOnlyDeltaIsNotContent) {
  ParsedResponse p;
  EXPECT_FALSE(create("chat")->parse(
      R"({"object":"chat.completion.chunk","choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})",
      p));
  EXPECT_FALSE(p.has_data());
}

TEST(ChatParse, NonStreamingMessage) {
  ParsedResponse p;
  ASSERT_TRUE(create("chat")->parse(
      R"({"id":"x","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant",)"
      R"("content":"Hi there"},"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":2,"total_tokens":7}})",
      p));
  EXPECT_EQ(p.kind, DataKind::kText);
  EXPECT_EQ(p.content, "Hi there");
  EXPECT_EQ(p.finish_reason, "stop");
  EXPECT_EQ(p.usage.prompt_tokens, 5);
}

// Keys are matched on their raw bytes: a key one letter short or long, with a quote or a
// backslash inside, or an escaped spelling of a name (no server writes one; AIPerf's json.loads
// would read "\u0063ontent" as content) names nothing; the document's last key, next to its
// end, still matches.
TEST(ChatParse, KeysMatchExactlyOnTheirRawBytes) {
  ParsedResponse p;
  const auto chat = create("chat");
  for (const char* key : {"conten", "contentx", "Content", "con\\ttent", "con\\\"tent",
                          "\\u0063ontent", "content "}) {
    const std::string body = R"({"object":"chat.completion","choices":[{"message":{")" +
                             std::string(key) + R"(":"Hi"}}]})";
    EXPECT_FALSE(chat->parse(body, p) && p.has_data()) << body;
  }
  for (const char* key : {"prompt_token", "prompt_tokensx", "prompt_tokens\\u0020",
                          "\\u0070rompt_tokens", "prompt\\\"tokens"}) {
    const std::string body =
        R"({"object":"chat.completion","usage":{")" + std::string(key) + R"(":5,"x":1}})";
    ASSERT_TRUE(chat->parse(body, p)) << body;
    EXPECT_TRUE(p.has_usage) << body;
    EXPECT_FALSE(p.usage.prompt_tokens) << body;
  }
  ASSERT_TRUE(
      chat->parse(R"({"choices":[{"message":{"content":"Hi"}}],"object":"chat.completion"})", p));
  EXPECT_EQ(p.content, "Hi");
  ASSERT_TRUE(chat->parse(R"({"usage":{"prompt_tokens":5},"usage":{"total_tokens":7}})", p));
  EXPECT_EQ(p.usage.total_tokens, 7);
}

TEST(ChatParse, ObjectTypeMustMatchDataKey) {
  ParsedResponse p;
  // a chunk carrying `message` (not `delta`) and an unknown object are not content
  EXPECT_FALSE(create("chat")->parse(
      R"({"object":"chat.completion.chunk","choices":[{"message":{"content":"x"}}]})", p));
  EXPECT_FALSE(create("chat")->parse(
      R"({"object":"something.else","choices":[{"delta":{"content":"x"}}]})", p));
  EXPECT_FALSE(create("chat")->parse(R"({"choices":[{"delta":{"content":"x"}}]})", p));
}

TEST(ChatParse, ReasoningContentAndReasoning) {
  auto ep = create("chat");
  ParsedResponse p;
  ASSERT_TRUE(ep->parse(
      R"({"object":"chat.completion.chunk","choices":[{"delta":{"reasoning_content":"think","content":null}}]})",
      p));
  EXPECT_EQ(p.kind, DataKind::kReasoning);
  EXPECT_EQ(p.reasoning, "think");
  EXPECT_FALSE(p.has_output());
  ASSERT_TRUE(ep->parse(
      R"({"object":"chat.completion.chunk","choices":[{"delta":{"reasoning":"hmm","content":"ans"}}]})",
      p));
  EXPECT_EQ(p.kind, DataKind::kReasoning);
  EXPECT_EQ(p.reasoning, "hmm");
  EXPECT_EQ(p.output_text(), "ans");
  EXPECT_TRUE(p.has_output());
  // vLLM's newer first chunk: reasoning_content null, content "" → nothing
  EXPECT_FALSE(ep->parse(
      R"({"object":"chat.completion.chunk","choices":[{"delta":{"role":"assistant","content":"","reasoning_content":null}}],"prompt_token_ids":null})",
      p));
  // reasoning_content "" falls back to reasoning
  ASSERT_TRUE(ep->parse(
      R"({"object":"chat.completion.chunk","choices":[{"delta":{"reasoning_content":"","reasoning":"r"}}]})",
      p));
  EXPECT_EQ(p.reasoning, "r");
}

TEST(ChatParse, ToolCallsWithProse) {
  ParsedResponse p;
  ASSERT_TRUE(create("chat")->parse(
      R"({"object":"chat.completion","choices":[{"message":{"content":"Let me check.","tool_calls":[)"
      R"({"id":"1","type":"function","function":{"arguments":"{\"a\":1}","name":"f"}},)"
      R"({"id":"2","type":"function","function":{"name":"g","arguments":""}}]}}]})",
      p));
  EXPECT_EQ(p.kind, DataKind::kToolCall);
  EXPECT_EQ(p.tool_call_text, "f{\"a\":1}g");  // name before arguments, whatever the key order
  EXPECT_EQ(p.content, "Let me check.");
  EXPECT_EQ(p.output_text(), "f{\"a\":1}g");
}

TEST(ChatParse, EscapesDecoded) {
  ParsedResponse p;
  ASSERT_TRUE(create("chat")->parse(
      R"({"object":"chat.completion.chunk","choices":[{"delta":{"content":"a\n\u00e9\"\\"}}]})",
      p));
  EXPECT_EQ(p.content, "a\n\xC3\xA9\"\\");
}

TEST(ChatParse, UsageAttachedWithoutDataAndForUnknownObjects) {
  auto ep = create("chat");
  ParsedResponse p;
  ASSERT_TRUE(ep->parse(
      R"({"object":"chat.completion.chunk","choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})",
      p));
  EXPECT_FALSE(p.has_data());
  EXPECT_TRUE(p.has_usage);
  EXPECT_EQ(p.usage.completion_tokens, 4);
  EXPECT_FALSE(ep->parse(R"({"object":"chat.completion.chunk","choices":[],"usage":{}})", p));
  EXPECT_FALSE(ep->parse(R"({"object":"chat.completion.chunk","choices":[],"usage":null})", p));
}

TEST(ChatParse, ErrorShapes) {
  auto ep = create("chat");
  ParsedResponse p;
  ASSERT_TRUE(ep->parse(R"({"error":"boom","error_type":"generation"})", p));  // TGI native
  EXPECT_TRUE(p.has_error);
  EXPECT_EQ(p.error.message, "boom");
  EXPECT_EQ(p.error.type, "generation");
  EXPECT_FALSE(p.error.code);
  ASSERT_TRUE(ep->parse(R"({"error":{"message":"too long","http_status_code":422}})", p));  // TGI
  EXPECT_EQ(p.error.code, 422);
  ASSERT_TRUE(
      ep->parse(R"({"object":"error","message":"bad","type":"BadRequestError","code":400})", p));
  EXPECT_EQ(p.error.code, 400);
  EXPECT_EQ(p.error.type, "BadRequestError");
  EXPECT_FALSE(ep->parse(R"({"error":null,"object":"x"})", p));
}

TEST(CompletionsParse, TextAndObjects) {
  auto ep = create("completions");
  ParsedResponse p;
  ASSERT_TRUE(ep->parse(
      R"({"object":"text_completion","choices":[{"text":" hi","index":0,"finish_reason":""}]})",
      p));
  EXPECT_EQ(p.kind, DataKind::kText);
  EXPECT_EQ(p.content, " hi");
  ASSERT_TRUE(ep->parse(R"({"choices":[{"text":"x"}],"object":"completion"})", p));
  EXPECT_EQ(p.content, "x");
  EXPECT_FALSE(ep->parse(R"({"object":"text_completion","choices":[{"text":""}]})", p));
  EXPECT_FALSE(
      ep->parse(R"({"object":"chat.completion.chunk","choices":[{"delta":{"content":"x"}}]})", p));
  // and chat ignores completions
  EXPECT_FALSE(
      create("chat")->parse(R"({"object":"text_completion","choices":[{"text":"x"}]})", p));
}

record::Usage usage_of(const std::string& usage_json) {
  ParsedResponse p;
  std::string doc = R"({"object":"chat.completion.chunk","choices":[],"usage":)" + usage_json + "}";
  EXPECT_TRUE(create("chat")->parse(doc, p)) << usage_json;
  return p.usage;
}

TEST(UsageLookup, Synonyms) {
  auto u = usage_of(R"({"input_tokens":10,"output_tokens":20})");
  EXPECT_EQ(u.prompt_tokens, 10);
  EXPECT_EQ(u.completion_tokens, 20);
  EXPECT_FALSE(u.total_tokens);
  u = usage_of(
      R"({"promptTokenCount":1,"candidatesTokenCount":2,"totalTokenCount":3,"thoughtsTokenCount":4,"cachedContentTokenCount":5,"toolUsePromptTokenCount":6})");
  EXPECT_EQ(u.prompt_tokens, 1);
  EXPECT_EQ(u.completion_tokens, 2);
  EXPECT_EQ(u.total_tokens, 3);
  EXPECT_EQ(u.reasoning_tokens, 4);
  EXPECT_EQ(u.prompt_cache_read_tokens, 5);
  EXPECT_EQ(u.tool_use_prompt_tokens, 6);
  u = usage_of(
      R"({"inputTokens":7,"outputTokens":8,"totalTokens":15,"cacheReadInputTokens":2,"cacheWriteInputTokens":3})");
  EXPECT_EQ(u.prompt_tokens, 7);
  EXPECT_EQ(u.completion_tokens, 8);
  EXPECT_EQ(u.total_tokens, 15);
  EXPECT_EQ(u.prompt_cache_read_tokens, 2);
  EXPECT_EQ(u.prompt_cache_write_tokens, 3);
  u = usage_of(
      R"({"input_token_count":9,"generated_token_count":10,"prompt_cache_miss_tokens":4,"prompt_cache_hit_tokens":6})");
  EXPECT_EQ(u.prompt_tokens, 9);
  EXPECT_EQ(u.completion_tokens, 10);
  EXPECT_EQ(u.prompt_cache_miss_tokens, 4);
  EXPECT_EQ(u.prompt_cache_read_tokens, 6);
}

TEST(UsageLookup, FirstPresentKeyWinsEvenWhenNull) {
  auto u = usage_of(R"({"input_tokens":5,"prompt_tokens":null})");
  EXPECT_FALSE(u.prompt_tokens);  // prompt_tokens is present (null) and comes first
  u = usage_of(R"({"output_tokens":3,"completion_tokens":9})");
  EXPECT_EQ(u.completion_tokens, 9);
}

TEST(UsageLookup, Details) {
  auto u = usage_of(
      R"({"prompt_tokens":10,"prompt_tokens_details":{"cached_tokens":4,"audio_tokens":1},"cache_read_input_tokens":99,)"
      R"("completion_tokens_details":{"reasoning_tokens":3,"audio_tokens":2,"accepted_prediction_tokens":5,"rejected_prediction_tokens":6},"thoughtsTokenCount":77})");
  EXPECT_EQ(u.prompt_cache_read_tokens, 4);
  EXPECT_EQ(u.prompt_audio_tokens, 1);
  EXPECT_EQ(u.reasoning_tokens, 3);
  EXPECT_EQ(u.completion_audio_tokens, 2);
  EXPECT_EQ(u.accepted_prediction_tokens, 5);
  EXPECT_EQ(u.rejected_prediction_tokens, 6);
  // null details values fall through to the top-level synonyms; output_tokens_details is second
  u = usage_of(
      R"({"completion_tokens_details":{"reasoning_tokens":null},"thoughtsTokenCount":7,"prompt_tokens_details":null,"cached_tokens":8})");
  EXPECT_EQ(u.reasoning_tokens, 7);
  EXPECT_EQ(u.prompt_cache_read_tokens, 8);
  u = usage_of(
      R"({"completion_tokens_details":null,"output_tokens_details":{"reasoning_tokens":12}})");
  EXPECT_EQ(u.reasoning_tokens, 12);
}

TEST(UsageLookup, EnvelopesAndAudioSeconds) {
  auto u = usage_of(
      R"({"usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":12},"candidatesTokenCount":1})");
  EXPECT_EQ(u.prompt_tokens, 11);
  EXPECT_EQ(u.completion_tokens, 1);  // the top-level key wins over the envelope (setdefault)
  u = usage_of(R"({"tokens":{"input_tokens":21,"output_tokens":22}})");
  EXPECT_EQ(u.prompt_tokens, 21);
  EXPECT_EQ(u.completion_tokens, 22);
  u = usage_of(R"({"prompt_tokens":1,"prompt_audio_seconds":1.5})");
  EXPECT_DOUBLE_EQ(*u.prompt_audio_seconds, 1.5);
  u = usage_of(R"({"prompt_tokens":1,"prompt_audio_seconds":{}})");
  EXPECT_FALSE(u.prompt_audio_seconds);
}

TEST(ParsedResponseReuse, NoLeakBetweenCalls) {
  auto ep = create("chat");
  ParsedResponse p;
  ASSERT_TRUE(ep->parse(
      R"({"object":"chat.completion.chunk","choices":[{"delta":{"tool_calls":[{"function":{"name":"f"}}]}}],"usage":{"prompt_tokens":1}})",
      p));
  ASSERT_TRUE(
      ep->parse(R"({"object":"chat.completion.chunk","choices":[{"delta":{"content":"x"}}]})", p));
  EXPECT_EQ(p.kind, DataKind::kText);
  EXPECT_TRUE(p.tool_call_text.empty());
  EXPECT_FALSE(p.has_usage);
  EXPECT_FALSE(p.usage.prompt_tokens);
}

// Truncated or corrupted messages (a server crash mid-write) must never crash the parser nor
// report content that is not there in full.
TEST(ChatParse, EveryPrefixOfRecordedChunksIsSafe) {
  auto ep = create("chat");
  ParsedResponse p;
  for (const char* name : {"2018feb66ae13fcf.sse", "4cc50a6135d25457.sse"}) {
    for (auto& e : test::split_sse(test::read_data_file(name))) {
      ParsedResponse full;
      bool full_ok = ep->parse(e.data, full);
      for (size_t n = 0; n < e.data.size(); ++n) {
        std::string cut = e.data.substr(0, n);
        if (ep->parse(cut, p) && p.has_data() && full_ok) {
          // a prefix may only ever yield a prefix of the real text
          EXPECT_EQ(full.output_text().substr(0, p.output_text().size()), p.output_text());
        }
        std::string flipped = e.data;
        flipped[n] = static_cast<char>(flipped[n] ^ 0x55);
        (void)ep->parse(flipped, p);
      }
    }
  }
}

// Not a pass/fail timing test: prints the warm-path cost per event for the record.
TEST(ParseCost, PrintsNanosecondsPerEvent) {
  auto events = test::split_sse(test::read_data_file("d615580118391ee1.sse"));
  auto ep = create("chat");
  ParsedResponse p;
  size_t content = 0;
  const int reps = 200;
  auto t0 = std::chrono::steady_clock::now();
  for (int r = 0; r < reps; ++r)
    for (auto& e : events) content += ep->parse(e.data, p) && p.has_data();
  auto t1 = std::chrono::steady_clock::now();
  double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / (reps * events.size());
  EXPECT_EQ(content, 177u * reps);
  std::printf("[ parse ] %.0f ns per SSE event (%zu bytes avg)\n", ns,
              test::read_data_file("d615580118391ee1.sse").size() / events.size());
}

}  // namespace
}  // namespace aiperf::endpoint
