// Request bodies (spec §5.4): exact compact JSON, AIPerf key order.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {
namespace {

struct Fixture {
  dataset::Conversation conv;
  dataset::Turn turn;
  std::shared_ptr<const nlohmann::ordered_json> extra = parse_extra_inputs("{}");
  RenderContext ctx() {
    RenderContext c;
    c.conversation = &conv;
    c.turn = &turn;
    c.default_model = "m";
    c.extra_inputs = extra.get();
    return c;
  }
  Fixture() { turn.text = "hello"; }
};

std::string chat(const RenderContext& c) {
  return create("chat")->render_body(c);
}
std::string completions(const RenderContext& c) {
  return create("completions")->render_body(c);
}

TEST(ChatBody, NonStreamingWithMaxCompletionTokens) {
  Fixture f;
  f.turn.max_tokens = 50;
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":false,)"
            R"("max_completion_tokens":50})");
}

TEST(ChatBody, NoMaxTokensKeyWhenUnset) {
  Fixture f;
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":false})");
}

TEST(ChatBody, LegacyMaxTokens) {
  Fixture f;
  f.turn.max_tokens = 7;
  auto c = f.ctx();
  c.use_legacy_max_tokens = true;
  EXPECT_EQ(
      chat(c),
      R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":false,"max_tokens":7})");
}

TEST(ChatBody, MaxCompletionTokensZeroIsStillSent) {
  // chat sends the field whenever max_tokens is not null (completions only when truthy)
  Fixture f;
  f.turn.max_tokens = 0;
  EXPECT_NE(chat(f.ctx()).find(R"("max_completion_tokens":0)"), std::string::npos);
}

TEST(ChatBody, SystemMessageStreamingAndIncludeUsage) {
  Fixture f;
  f.conv.system_message = "sys";
  auto c = f.ctx();
  c.streaming = true;
  c.use_server_token_count = true;
  EXPECT_EQ(chat(c),
            R"({"messages":[{"role":"system","content":"sys"},{"role":"user","content":"hello"}],)"
            R"("model":"m","stream":true,"stream_options":{"include_usage":true}})");
}

TEST(ChatBody, NoStreamOptionsWithoutServerTokenCountOrStreaming) {
  Fixture f;
  auto c = f.ctx();
  c.streaming = true;
  EXPECT_EQ(chat(c).find("stream_options"), std::string::npos);
  c.streaming = false;
  c.use_server_token_count = true;
  EXPECT_EQ(chat(c).find("stream_options"), std::string::npos);
}

TEST(ChatBody, IncludeUsageDoesNotOverrideExplicitValue) {
  Fixture f;
  f.extra = parse_extra_inputs(R"({"stream_options":{"include_usage":false,"x":1}})");
  auto c = f.ctx();
  c.streaming = true;
  c.use_server_token_count = true;
  EXPECT_EQ(chat(c), R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":true,)"
                     R"("stream_options":{"include_usage":false,"x":1}})");
}

TEST(ChatBody, IncludeUsageAddedToExistingStreamOptions) {
  Fixture f;
  f.extra = parse_extra_inputs(R"({"stream_options":{"continuous_usage_stats":true}})");
  auto c = f.ctx();
  c.streaming = true;
  c.use_server_token_count = true;
  EXPECT_EQ(chat(c), R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":true,)"
                     R"("stream_options":{"continuous_usage_stats":true,"include_usage":true}})");
}

TEST(ChatBody, ExtraInputsMergedLastOverridingInPlace) {
  Fixture f;
  f.turn.max_tokens = 50;
  f.extra = parse_extra_inputs(
      R"({"temperature":0.7,"stream":true,"max_completion_tokens":5,"ignore_eos":true})");
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":true,)"
            R"("max_completion_tokens":5,"temperature":0.7,"ignore_eos":true})");
}

TEST(ChatBody, TurnModelWinsOverDefault) {
  Fixture f;
  f.turn.model = "turn-model";
  EXPECT_NE(chat(f.ctx()).find(R"("model":"turn-model")"), std::string::npos);
}

TEST(ChatBody, HistoryWithAssistantReplies) {
  Fixture f;
  std::vector<dataset::Turn> hist(2);
  hist[0].text = "q1";
  hist[1].role = "assistant";
  hist[1].text = "a1";
  auto c = f.ctx();
  c.history = hist;
  EXPECT_EQ(chat(c),
            R"({"messages":[{"role":"user","content":"q1"},{"role":"assistant","content":"a1"},)"
            R"({"role":"user","content":"hello"}],"model":"m","stream":false})");
}

TEST(ChatBody, WarmupPrefixes) {
  Fixture f;
  auto c = f.ctx();
  c.warmup = true;
  EXPECT_EQ(
      chat(c),
      R"({"messages":[{"role":"system","content":"warmup"},{"role":"user","content":"hello"}],)"
      R"("model":"m","stream":false})");
  f.conv.system_message = "sys";
  EXPECT_NE(chat(c).find(R"({"role":"system","content":"warmup\nsys"})"), std::string::npos);
}

TEST(ChatBody, EscapingAndUtf8) {
  Fixture f;
  f.turn.text = "a\"b\nc \xC3\xA9 \\";
  EXPECT_NE(chat(f.ctx()).find(R"("content":"a\"b\nc )"
                               "\xC3\xA9"
                               R"( \\")"),
            std::string::npos);
}

TEST(CompletionsBody, Basic) {
  Fixture f;
  f.turn.max_tokens = 50;
  EXPECT_EQ(completions(f.ctx()),
            R"({"prompt":["hello"],"model":"m","stream":false,"max_tokens":50})");
}

TEST(CompletionsBody, MaxTokensOnlyIfTruthy) {
  Fixture f;
  f.turn.max_tokens = 0;
  EXPECT_EQ(completions(f.ctx()), R"({"prompt":["hello"],"model":"m","stream":false})");
}

TEST(CompletionsBody, StreamingIncludeUsageAndExtra) {
  Fixture f;
  f.extra = parse_extra_inputs(R"({"ignore_eos":true})");
  auto c = f.ctx();
  c.streaming = true;
  c.use_server_token_count = true;
  EXPECT_EQ(completions(c), R"({"prompt":["hello"],"model":"m","stream":true,"ignore_eos":true,)"
                            R"("stream_options":{"include_usage":true}})");
}

TEST(CompletionsBody, WarmupAndEmptyPrompt) {
  Fixture f;
  auto c = f.ctx();
  c.warmup = true;
  EXPECT_EQ(completions(c), R"({"prompt":["warmup\nhello"],"model":"m","stream":false})");
  f.turn.text.clear();
  c.warmup = false;
  EXPECT_EQ(completions(c), R"({"prompt":[],"model":"m","stream":false})");
}

TEST(CompletionsBody, RejectsMultiTurnHistory) {
  Fixture f;
  std::vector<dataset::Turn> hist(1);
  auto c = f.ctx();
  c.history = hist;
  EXPECT_THROW(completions(c), ConfigError);
}

TEST(ExtraInputs, ParsesObjectsAndRejectsOthers) {
  EXPECT_TRUE(parse_extra_inputs("")->is_object());
  EXPECT_EQ(parse_extra_inputs(R"({"a":1})")->at("a"), 1);
  EXPECT_THROW(parse_extra_inputs("[1,2]"), ConfigError);
  EXPECT_THROW(parse_extra_inputs("{bad"), ConfigError);
}

TEST(RenderContext, FromConfig) {
  config::Config cfg;
  cfg.models = {"first", "second"};
  cfg.streaming = true;
  cfg.use_server_token_count = true;
  dataset::Conversation conv;
  dataset::Turn t;
  t.text = "x";
  auto extra = parse_extra_inputs("{}");
  RenderContext c = make_render_context(cfg, conv, t, extra.get());
  EXPECT_EQ(c.default_model, "first");
  EXPECT_TRUE(c.streaming);
  EXPECT_EQ(create("chat")->render_body(c),
            R"({"messages":[{"role":"user","content":"x"}],"model":"first","stream":true,)"
            R"("stream_options":{"include_usage":true}})");
}

}  // namespace
}  // namespace aiperf::endpoint
