// Dataset-file turns (spec §4.5) in request bodies (§5.4) and input-token counts (§2.6): several
// texts, media parts, raw messages and tools, raw payloads, per-record extra, user context.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/record/processor.h"
#include "test_util.h"

namespace aiperf::endpoint {
namespace {

using Kind = dataset::MediaItem::Kind;

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

// ---- chat content ------------------------------------------------------------------------------

TEST(ChatContent, SeveralTextsGiveTextParts) {
  Fixture f;
  f.turn.texts = {"a", "b"};
  f.turn.text = "a b";
  EXPECT_EQ(chat(f.ctx()), R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"},)"
                           R"({"type":"text","text":"b"}]}],"model":"m","stream":false})");
}

TEST(ChatContent, OneTextInTextsIsAPlainString) {
  Fixture f;
  f.turn.text.clear();
  f.turn.texts = {"only"};
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"user","content":"only"}],"model":"m","stream":false})");
}

TEST(ChatContent, MediaPartsInKindOrderAfterTexts) {
  Fixture f;
  f.turn.text = "describe";
  // Deliberately interleaved: parts come out as texts, images, audios, videos.
  f.turn.media = {{Kind::kVideo, "video_url", "http://h/v.mp4"},
                  {Kind::kAudio, "input_audio", "wav,UklGRg=="},
                  {Kind::kImage, "image_url", "data:image/png;base64,iVBO"},
                  {Kind::kAudio, "input_audio", "data:audio/mp3;base64,SUQz"},
                  {Kind::kImage, "image_url", "https://h/i.jpg"}};
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"user","content":[)"
            R"({"type":"text","text":"describe"},)"
            R"({"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO"}},)"
            R"({"type":"image_url","image_url":{"url":"https://h/i.jpg"}},)"
            R"({"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},)"
            R"({"type":"input_audio","input_audio":{"data":"SUQz","format":"mp3"}},)"
            R"({"type":"video_url","video_url":{"url":"http://h/v.mp4"}}]}],)"
            R"("model":"m","stream":false})");
}

TEST(ChatContent, EmptyItemsAreSkipped) {
  Fixture f;
  f.turn.texts = {"a", ""};
  f.turn.text = "a ";
  f.turn.media = {{Kind::kImage, "image_url", ""}};
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"user","content":[{"type":"text","text":"a"}]}],)"
            R"("model":"m","stream":false})");
}

TEST(ChatContent, MediaOnlyTurnHasNoTextPart) {
  Fixture f;
  f.turn.text.clear();
  f.turn.media = {{Kind::kImage, "image_url", "https://h/i.jpg"}};
  EXPECT_EQ(chat(f.ctx()), R"({"messages":[{"role":"user","content":[)"
                           R"({"type":"image_url","image_url":{"url":"https://h/i.jpg"}}]}],)"
                           R"("model":"m","stream":false})");
}

TEST(ChatContent, AllPartsEmptyDegradesToEmptyString) {
  Fixture f;
  f.turn.text.clear();
  f.turn.media = {{Kind::kVideo, "video_url", ""}};
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"user","content":""}],"model":"m","stream":false})");
}

TEST(ChatContent, AudioWithoutFormatIsRejected) {
  Fixture f;
  f.turn.media = {{Kind::kAudio, "input_audio", "UklGRg=="}};
  EXPECT_THROW(chat(f.ctx()), InputError);
}

TEST(ChatContent, HistoryTurnsRenderTheirPartsToo) {
  Fixture f;
  std::vector<dataset::Turn> hist(2);
  hist[0].texts = {"x", "y"};
  hist[0].text = "x y";
  hist[1].role = "assistant";
  hist[1].text = "reply";
  auto c = f.ctx();
  c.history = hist;
  EXPECT_EQ(chat(c), R"({"messages":[{"role":"user","content":[{"type":"text","text":"x"},)"
                     R"({"type":"text","text":"y"}]},{"role":"assistant","content":"reply"},)"
                     R"({"role":"user","content":"hello"}],"model":"m","stream":false})");
}

// ---- system / user context ---------------------------------------------------------------------

TEST(ChatMessages, UserContextFollowsTheSystemMessage) {
  Fixture f;
  f.conv.system_message = "sys";
  f.conv.user_context_message = "ctx";
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"system","content":"sys"},{"role":"user","content":"ctx"},)"
            R"({"role":"user","content":"hello"}],"model":"m","stream":false})");
  auto c = f.ctx();
  c.warmup = true;
  EXPECT_EQ(chat(c), R"({"messages":[{"role":"system","content":"warmup\nsys"},)"
                     R"({"role":"user","content":"ctx"},{"role":"user","content":"hello"}],)"
                     R"("model":"m","stream":false})");
}

TEST(ChatMessages, UserContextWithoutSystemComesFirst) {
  Fixture f;
  f.conv.user_context_message = "ctx";
  std::vector<dataset::Turn> hist(1);
  hist[0].text = "q1";
  auto c = f.ctx();
  c.history = hist;
  EXPECT_EQ(chat(c),
            R"({"messages":[{"role":"user","content":"ctx"},{"role":"user","content":"q1"},)"
            R"({"role":"user","content":"hello"}],"model":"m","stream":false})");
}

// ---- raw messages and tools --------------------------------------------------------------------

TEST(ChatRawMessages, SentVerbatimWithToolsBeforeMaxTokens) {
  Fixture f;
  f.turn.text = "be brief hi";  // what the mooncake loader keeps; not sent
  f.turn.messages_json =
      R"([{"role":"system","content":"be brief"},)"
      R"({"role":"user","content":[{"type":"text","text":"hi"}],"name":"u1","z":null}])";
  f.turn.tools_json = R"([{"type":"function","function":{"name":"f","parameters":{}}}])";
  f.turn.max_tokens = 5;
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"system","content":"be brief"},)"
            R"({"role":"user","content":[{"type":"text","text":"hi"}],"name":"u1","z":null}],)"
            R"("model":"m","stream":false,)"
            R"("tools":[{"type":"function","function":{"name":"f","parameters":{}}}],)"
            R"("max_completion_tokens":5})");
}

TEST(ChatRawMessages, LeadingSystemMessageReplacesTheConversationsOne) {
  Fixture f;
  f.conv.system_message = "sys";
  f.conv.user_context_message = "ctx";
  f.turn.messages_json =
      R"([{"role":"system","content":"be brief"},{"role":"user","content":"hi"}])";
  EXPECT_EQ(chat(f.ctx()), R"({"messages":[{"role":"system","content":"be brief"},)"
                           R"({"role":"user","content":"ctx"},{"role":"user","content":"hi"}],)"
                           R"("model":"m","stream":false})");
  auto c = f.ctx();
  c.warmup = true;
  EXPECT_EQ(chat(c), R"({"messages":[{"role":"system","content":"warmup\nbe brief"},)"
                     R"({"role":"user","content":"ctx"},{"role":"user","content":"hi"}],)"
                     R"("model":"m","stream":false})");
}

TEST(ChatRawMessages, WithoutSystemTheConversationsSystemLeads) {
  Fixture f;
  f.conv.system_message = "sys";
  f.turn.messages_json = R"([{"role":"user","content":"hi"},{"role":"assistant","content":"yo"}])";
  EXPECT_EQ(chat(f.ctx()),
            R"({"messages":[{"role":"system","content":"sys"},{"role":"user","content":"hi"},)"
            R"({"role":"assistant","content":"yo"}],"model":"m","stream":false})");
}

TEST(ChatRawMessages, HistoryRawMessagesAndLatestToolsAreUsed) {
  Fixture f;
  std::vector<dataset::Turn> hist(2);
  hist[0].messages_json = R"([{"role":"user","content":"a"}])";
  hist[0].tools_json = R"([{"type":"function","function":{"name":"old"}}])";
  hist[1].messages_json = R"([{"role":"user","content":"b"}])";
  hist[1].tools_json = R"([{"type":"function","function":{"name":"new"}}])";
  f.turn.messages_json = "[]";  // adds no message
  auto c = f.ctx();
  c.history = hist;
  EXPECT_EQ(
      chat(c),
      R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"}],)"
      R"("model":"m","stream":false,"tools":[{"type":"function","function":{"name":"new"}}]})");
}

TEST(ChatRawMessages, MalformedJsonIsAnInputError) {
  Fixture f;
  f.turn.messages_json = R"({"role":"user"})";  // not an array
  EXPECT_THROW(chat(f.ctx()), InputError);
  f.turn.messages_json = "[{";
  EXPECT_THROW(chat(f.ctx()), InputError);
}

// ---- per-record extra --------------------------------------------------------------------------

TEST(ChatExtra, PerRecordExtraMergedAfterExtraInputs) {
  Fixture f;
  f.turn.max_tokens = 9;
  f.extra = parse_extra_inputs(R"({"temperature":0.7,"top_p":0.9})");
  f.turn.extra_json = R"({"temperature":0.1,"stream":true,"seed":3})";
  auto c = f.ctx();
  c.use_server_token_count = true;
  c.streaming = true;  // the merged "stream":true also comes from the turn's extra
  EXPECT_EQ(chat(c), R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":true,)"
                     R"("max_completion_tokens":9,"temperature":0.1,"top_p":0.9,"seed":3,)"
                     R"("stream_options":{"include_usage":true}})");
}

TEST(ChatExtra, PerRecordExtraMustBeAnObject) {
  Fixture f;
  f.turn.extra_json = "[1]";
  EXPECT_THROW(chat(f.ctx()), InputError);
}

// ---- raw payload -------------------------------------------------------------------------------

TEST(RawPayload, ChatSendsThePayloadAsIs) {
  Fixture f;
  f.conv.system_message = "sys";
  f.conv.user_context_message = "ctx";
  f.extra = parse_extra_inputs(R"({"temperature":0.7})");
  f.turn.extra_json = R"({"seed":1})";
  f.turn.max_tokens = 4;
  f.turn.payload_json =
      R"({ "model" : "x", "messages": [{"role":"user","content":"hi \u00e9"}], "n": 2 })";
  auto c = f.ctx();
  c.streaming = true;
  c.use_server_token_count = true;
  c.warmup = true;
  EXPECT_EQ(chat(c),
            "{\"model\":\"x\",\"messages\":[{\"role\":\"user\",\"content\":\"hi \xC3\xA9\"}],"
            "\"n\":2}");
}

TEST(RawPayload, CompletionsSendsThePayloadAsIs) {
  Fixture f;
  f.turn.payload_json = R"({"prompt":"p","model":"y"})";
  f.extra = parse_extra_inputs(R"({"ignore_eos":true})");
  EXPECT_EQ(completions(f.ctx()), R"({"prompt":"p","model":"y"})");
}

// ---- completions -------------------------------------------------------------------------------

TEST(CompletionsRich, PromptListFromTexts) {
  Fixture f;
  f.turn.texts = {"a", "", "b"};
  f.turn.text = "a  b";
  EXPECT_EQ(completions(f.ctx()), R"({"prompt":["a","b"],"model":"m","stream":false})");
  auto c = f.ctx();
  c.warmup = true;
  EXPECT_EQ(completions(c), R"({"prompt":["warmup\na","warmup\nb"],"model":"m","stream":false})");
}

TEST(CompletionsRich, PerRecordExtraMergedAfterExtraInputs) {
  Fixture f;
  f.turn.max_tokens = 3;
  f.extra = parse_extra_inputs(R"({"max_tokens":8,"echo":false})");
  f.turn.extra_json = R"({"echo":true,"best_of":2})";
  EXPECT_EQ(completions(f.ctx()),
            R"({"prompt":["hello"],"model":"m","stream":false,"max_tokens":8,"echo":true,)"
            R"("best_of":2})");
}

}  // namespace
}  // namespace aiperf::endpoint

// ---- input tokens (spec §2.6) ------------------------------------------------------------------

namespace aiperf::record {
namespace {

struct IslEnv {
  config::Config cfg;
  std::unique_ptr<endpoint::Endpoint> ep = endpoint::create("chat");
  test::ByteTokenizer tok;  // one token per byte
  dataset::Conversation conv;
  dataset::Turn turn;
  IslEnv() {
    cfg.models = {"m"};
    cfg.urls = {"http://localhost:8000"};
    turn.text = "hello";
  }
  int64_t count(std::span<const dataset::Turn> hist = {}) {
    RecordProcessor p(cfg, *ep, &tok);
    return p.count_input_tokens(conv, hist, turn);
  }
};

TEST(InputTokens, UserContextFollowsTheSystemMessage) {
  IslEnv e;
  e.conv.system_message = "sys";
  e.conv.user_context_message = "ctx";
  EXPECT_EQ(e.count(), 13);  // "sys ctx hello"
  e.conv.system_message.reset();
  e.turn.input_tokens = 42;  // the turn alone is not the whole prompt: re-tokenized
  EXPECT_EQ(e.count(), 9);   // "ctx hello"
  EXPECT_EQ(e.tok.calls(), 2);
}

TEST(InputTokens, SeveralTextsJoinedBySpacesAndMediaNotCounted) {
  IslEnv e;
  e.turn.texts = {"ab", "cd"};
  e.turn.text = "ab cd";
  e.turn.media = {{dataset::MediaItem::Kind::kImage, "image_url", "data:image/png;base64,XXXX"}};
  EXPECT_EQ(e.count(), 5);  // "ab cd"
  e.conv.system_message = "s";
  EXPECT_EQ(e.count(), 7);  // "s ab cd"
}

TEST(InputTokens, MediaOnlyTurnCountsNothing) {
  IslEnv e;
  e.conv.system_message = "sys";
  e.turn.text.clear();
  e.turn.media = {{dataset::MediaItem::Kind::kAudio, "input_audio", "wav,AAAA"}};
  EXPECT_EQ(e.count(), 3);  // "sys"
}

// AIPerf counts a raw turn's input from the body it sends (extract_payload_inputs); the loader
// stores that text in `text` and its count in `input_tokens` (the spec's older snapshot counted
// such turns as nothing).
TEST(InputTokens, RawMessagesTurnCountsItsBodyText) {
  IslEnv e;
  e.turn.messages_json = R"([{"role":"user","content":"hello world"}])";
  e.turn.text = "hello world";  // the loader's text of the body
  e.turn.input_tokens = 11;
  EXPECT_EQ(e.count(), 11);
  EXPECT_EQ(e.tok.calls(), 0);  // the load-time count is used
  e.conv.system_message = "sys";
  EXPECT_EQ(e.count(), 15);  // "sys hello world"
  e.turn.texts = {"xy"};
  EXPECT_EQ(e.count(), 6);  // "sys xy": text items win
}

TEST(InputTokens, RawPayloadTurnsInHistoryCountTheirText) {
  IslEnv e;
  std::vector<dataset::Turn> hist(2);
  hist[0].payload_json = R"({"prompt":"zzzzzzzz"})";
  hist[0].text = "zzzzzzzz";
  hist[1].role = "assistant";
  hist[1].text = "a1";
  EXPECT_EQ(e.count(hist), 17);  // "zzzzzzzz a1 hello"
  hist[0].text.clear();          // a body without text adds nothing (not even a space)
  EXPECT_EQ(e.count(hist), 8);   // "a1 hello"
}

TEST(InputTokens, ProcessUsesTheRichCountForErrorsToo) {
  IslEnv e;
  e.conv.system_message = "sys";
  e.conv.user_context_message = "ctx";
  RecordProcessor p(e.cfg, *e.ep, &e.tok);
  RequestRecord raw = test::make_record({}, 100, 200);  // no content: invalid result
  ProcessedRecord r = p.process(raw, e.conv, e.turn, "{}");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_EQ(r.input_tokens, 13);  // "sys ctx hello"
}

}  // namespace
}  // namespace aiperf::record
