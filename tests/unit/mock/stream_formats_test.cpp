// The mock's wire shapes of the token APIs beyond chat (stream_formats.h) and its request
// parsing for every API it answers.
#include "aiperf/mock/stream_formats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/mock/mock_server.h"
#include "aiperf/mock/request_body.h"

namespace aiperf::mock {
namespace {

using nlohmann::json;

struct Event {
  std::string name;
  json data;
};

/// Splits the mock's SSE output (LF framing) into (event name, JSON data) pairs.
std::vector<Event> events_of(const std::string& sse) {
  std::vector<Event> out;
  size_t pos = 0;
  while (pos < sse.size()) {
    size_t end = sse.find("\n\n", pos);
    std::string block = sse.substr(pos, end - pos);
    pos = end + 2;
    Event e;
    size_t line = 0;
    while (line < block.size()) {
      size_t nl = block.find('\n', line);
      std::string l = block.substr(line, nl == std::string::npos ? std::string::npos : nl - line);
      line = nl == std::string::npos ? block.size() : nl + 1;
      if (l.rfind("event: ", 0) == 0) e.name = l.substr(7);
      if (l.rfind("data: ", 0) == 0)
        e.data = l.substr(6) == "[DONE]" ? json("[DONE]") : json::parse(l.substr(6));
    }
    out.push_back(std::move(e));
  }
  return out;
}

StreamState state(WireFormat f, int64_t total, int64_t reasoning, bool length) {
  StreamState s;
  s.format = f;
  s.ident.id = "resp_abc";
  s.ident.model_json = json_quote("m");
  s.ident.created_s = 7;
  s.total = total;
  s.reasoning = reasoning;
  s.length_stop = length;
  s.usage.prompt_tokens = 10;
  s.usage.completion_tokens = total;
  s.usage.reasoning_tokens = reasoning;
  return s;
}

/// A whole stream the way inference.cpp drives the writers, one token per event.
std::string stream(StreamState s, bool include_usage = false) {
  MockOptions o;
  SseFramer f(o);
  std::string sse;
  append_prelude(&sse, f, s);
  std::string content, reasoning;
  for (int64_t t = 0; t < s.total; ++t) (t < s.reasoning ? reasoning : content) += " w";
  for (int64_t t = 0; t < s.total; ++t) {
    if (t == s.reasoning && t > 0) append_transition(&sse, f, s, reasoning);
    append_token_event(&sse, f, s, t, t + 1, " w", content);
  }
  append_final(&sse, f, s, include_usage, content, reasoning);
  return sse;
}

TEST(StreamFormats, ResponsesEventsReasoningThenTextThenIncomplete) {
  auto evs = events_of(stream(state(WireFormat::kResponses, 5, 2, true)));
  std::vector<std::string> names;
  for (const auto& e : evs) names.push_back(e.name);
  const std::vector<std::string> expected = {"response.created",
                                             "response.in_progress",
                                             "response.output_item.added",
                                             "response.reasoning_text.delta",
                                             "response.reasoning_text.delta",
                                             "response.reasoning_text.done",
                                             "response.output_item.done",
                                             "response.output_item.added",
                                             "response.content_part.added",
                                             "response.output_text.delta",
                                             "response.output_text.delta",
                                             "response.output_text.delta",
                                             "response.output_text.done",
                                             "response.content_part.done",
                                             "response.output_item.done",
                                             "response.incomplete"};
  EXPECT_EQ(names, expected);
  for (size_t i = 0; i < evs.size(); ++i) {
    EXPECT_EQ(evs[i].data["type"], evs[i].name);
    EXPECT_EQ(evs[i].data["sequence_number"], int(i));
  }
  const json& final = evs.back().data["response"];
  EXPECT_EQ(final["status"], "incomplete");
  EXPECT_EQ(final["incomplete_details"]["reason"], "max_output_tokens");
  EXPECT_EQ(final["usage"]["output_tokens"], 5);
  EXPECT_EQ(final["usage"]["output_tokens_details"]["reasoning_tokens"], 2);
  EXPECT_EQ(final["output"][1]["content"][0]["text"], " w w w");
  EXPECT_EQ(evs[12].data["text"], " w w w");
}

TEST(StreamFormats, ResponsesCompletedWithoutDetails) {
  StreamState s = state(WireFormat::kResponses, 2, 0, false);
  s.usage.details = false;
  auto evs = events_of(stream(s));
  EXPECT_EQ(evs.back().name, "response.completed");
  EXPECT_FALSE(evs.back().data["response"]["usage"].contains("output_tokens_details"));
  EXPECT_EQ(evs.back().data["response"]["usage"]["total_tokens"], 12);
}

TEST(StreamFormats, AnthropicThinkingThenText) {
  auto evs = events_of(stream(state(WireFormat::kMessages, 3, 1, false)));
  std::vector<std::string> names;
  for (const auto& e : evs) names.push_back(e.name);
  const std::vector<std::string> expected = {
      "message_start",       "content_block_start", "ping",
      "content_block_delta", "content_block_delta", "content_block_stop",
      "content_block_start", "content_block_delta", "content_block_delta",
      "content_block_stop",  "message_delta",       "message_stop"};
  EXPECT_EQ(names, expected);
  EXPECT_EQ(evs[0].data["message"]["usage"]["input_tokens"], 10);
  EXPECT_EQ(evs[1].data["content_block"]["type"], "thinking");
  EXPECT_EQ(evs[3].data["delta"]["type"], "thinking_delta");
  EXPECT_EQ(evs[4].data["delta"]["type"], "signature_delta");
  EXPECT_EQ(evs[6].data["content_block"]["type"], "text");
  EXPECT_EQ(evs[7].data["delta"]["text"], " w");
  EXPECT_EQ(evs[7].data["index"], 1);
  EXPECT_EQ(evs[10].data["delta"]["stop_reason"], "end_turn");
  EXPECT_EQ(evs[10].data["usage"]["output_tokens"], 3);
}

TEST(StreamFormats, AnthropicThinkingOnlyAtTheLimit) {
  auto evs = events_of(stream(state(WireFormat::kMessages, 2, 2, true)));
  EXPECT_EQ(evs[evs.size() - 4].data["delta"]["type"], "signature_delta");
  EXPECT_EQ(evs[evs.size() - 2].data["delta"]["stop_reason"], "max_tokens");
  for (const auto& e : evs) EXPECT_NE(e.data.value("type", ""), "text_delta");
}

TEST(StreamFormats, TgiLastTokenCarriesGeneratedTextNoDone) {
  auto evs = events_of(stream(state(WireFormat::kTgi, 3, 0, true)));
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_TRUE(evs[0].data["generated_text"].is_null());
  EXPECT_EQ(evs[2].data["token"]["text"], " w");
  EXPECT_EQ(evs[2].data["generated_text"], " w w w");
  EXPECT_EQ(evs[2].data["details"]["finish_reason"], "length");
  EXPECT_EQ(evs[2].data["details"]["generated_tokens"], 3);
}

TEST(StreamFormats, ChatKeepsUsageChunkAndDone) {
  StreamState s = state(WireFormat::kChat, 2, 0, false);
  s.ident.chat = true;
  auto evs = events_of(stream(s, true));
  ASSERT_EQ(evs.size(), 4u);
  EXPECT_EQ(evs[2].data["usage"]["completion_tokens"], 2);
  EXPECT_EQ(evs[3].data, "[DONE]");
}

TEST(StreamFormats, ImagesPartialsThenCompleted) {
  auto evs = events_of(stream(state(WireFormat::kImages, 3, 0, false)));
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_EQ(evs[0].name, "image_generation.partial_image");
  EXPECT_EQ(evs[1].data["partial_image_index"], 1);
  EXPECT_EQ(evs[2].name, "image_generation.completed");
  EXPECT_TRUE(evs[2].data.contains("usage"));
  json body = json::parse(full_body(state(WireFormat::kImages, 2, 0, false), "", ""));
  EXPECT_EQ(body["data"].size(), 2u);
}

TEST(StreamFormats, NonStreamingBodies) {
  json r = json::parse(full_body(state(WireFormat::kResponses, 3, 1, false), "a", "r"));
  EXPECT_EQ(r["object"], "response");
  EXPECT_EQ(r["output"][0]["type"], "reasoning");
  EXPECT_EQ(r["output"][0]["content"][0]["text"], "r");
  EXPECT_EQ(r["output"][1]["content"][0]["text"], "a");
  json m = json::parse(full_body(state(WireFormat::kMessages, 3, 1, true), "a", "r"));
  EXPECT_EQ(m["content"][0]["type"], "thinking");
  EXPECT_EQ(m["content"][1]["text"], "a");
  EXPECT_EQ(m["stop_reason"], "max_tokens");
  json t = json::parse(full_body(state(WireFormat::kTgi, 1, 0, false), "x", ""));
  EXPECT_EQ(t, json::parse(R"({"generated_text":"x"})"));
}

TEST(RequestBodies, EveryApiReadsItsFields) {
  InferenceRequest r;
  std::string b =
      R"({"model":"m","input":[{"role":"user","content":[{"type":"input_text","text":"hi"}],"type":"message"}],)"
      R"("instructions":"sys","max_output_tokens":7,"stream":true,"reasoning":{"effort":"low"}})";
  ASSERT_EQ(parse_inference_request(ApiKind::kResponses, b, &r), "");
  EXPECT_EQ(r.prompt_text, "sys hi");
  EXPECT_EQ(r.max_tokens, 7);
  EXPECT_TRUE(r.stream);
  EXPECT_EQ(r.reasoning_effort, "low");
  b = R"({"model":"m","system":[{"type":"text","text":"S"}],"messages":[{"role":"user","content":"u"}],"max_tokens":5})";
  ASSERT_EQ(parse_inference_request(ApiKind::kMessages, b, &r), "");
  EXPECT_EQ(r.prompt_text, "S u");
  EXPECT_EQ(r.max_tokens, 5);
  b = R"({"inputs":"x y","parameters":{"max_new_tokens":3,"ignore_eos":true}})";
  ASSERT_EQ(parse_inference_request(ApiKind::kTgi, b, &r), "");
  EXPECT_EQ(r.prompt_text, "x y");
  EXPECT_EQ(r.max_tokens, 3);
  EXPECT_TRUE(r.ignore_eos);
  b = R"({"model":"m","query":{"text":"q"},"passages":[{"text":"a"},{"text":"b"}]})";
  ASSERT_EQ(parse_inference_request(ApiKind::kRankNim, b, &r), "");
  EXPECT_EQ(r.query, "q");
  EXPECT_EQ(r.passages, (std::vector<std::string>{"a", "b"}));
  b = R"({"query":"q","documents":["a",{"text":"b"}]})";
  ASSERT_EQ(parse_inference_request(ApiKind::kRankCohere, b, &r), "");
  EXPECT_EQ(r.passages.size(), 2u);
  b = R"({"query":"q","texts":["a"]})";
  ASSERT_EQ(parse_inference_request(ApiKind::kRankTei, b, &r), "");
  EXPECT_EQ(r.passages.size(), 1u);
  b = R"({"model":"m","prompt":"a cat","n":2,"stream":true,"partial_images":1})";
  ASSERT_EQ(parse_inference_request(ApiKind::kImages, b, &r), "");
  EXPECT_EQ(r.n, 2);
  EXPECT_EQ(r.partial_images, 1);
  b = R"({"model":"m","messages":[{"role":"user","content":"hi there"}]})";
  ASSERT_EQ(parse_inference_request(ApiKind::kEmbeddings, b, &r), "");
  EXPECT_EQ(r.inputs, (std::vector<std::string>{"hi there"}));
  b = R"({"model":"m"})";
  EXPECT_EQ(parse_inference_request(ApiKind::kRankTei, b, &r), "'query' is a required property");
  EXPECT_EQ(parse_inference_request(ApiKind::kVideos, b, &r), "'prompt' is a required property");
  EXPECT_EQ(parse_inference_request(ApiKind::kTgi, b, &r), "'inputs' is a required property");
}

}  // namespace
}  // namespace aiperf::mock
