#include "aiperf/mock/response_format.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/mock/request_body.h"
#include "aiperf/mock/routes.h"
#include "aiperf/mock/server_metrics.h"

namespace aiperf::mock {
namespace {

ChunkIdentity ident(bool chat) {
  ChunkIdentity id;
  id.chat = chat;
  id.id = chat ? "chatcmpl-1" : "cmpl-1";
  id.model_json = json_quote("m\"odel");
  id.created_s = 123;
  return id;
}

TEST(ResponseFormat, ChatChunkCarriesRoleAndFinishReason) {
  std::string s;
  append_chunk_json(&s, ident(true), " the", true, false, "");
  auto j = nlohmann::json::parse(s);
  EXPECT_EQ(j["object"], "chat.completion.chunk");
  EXPECT_EQ(j["model"], "m\"odel");
  EXPECT_EQ(j["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(j["choices"][0]["delta"]["content"], " the");
  EXPECT_TRUE(j["choices"][0]["finish_reason"].is_null());
  s.clear();
  append_chunk_json(&s, ident(true), " of", false, true, "length");
  j = nlohmann::json::parse(s);
  EXPECT_FALSE(j["choices"][0]["delta"].contains("role"));
  EXPECT_EQ(j["choices"][0]["delta"]["reasoning_content"], " of");
  EXPECT_EQ(j["choices"][0]["finish_reason"], "length");
}

TEST(ResponseFormat, CompletionChunkAndUsage) {
  std::string s;
  append_chunk_json(&s, ident(false), "a\nb", false, false, "stop");
  auto j = nlohmann::json::parse(s);
  EXPECT_EQ(j["object"], "text_completion");
  EXPECT_EQ(j["choices"][0]["text"], "a\nb");
  s.clear();
  UsageCounts u{10, 7, 2, 4};
  append_usage_chunk_json(&s, ident(true), u);
  j = nlohmann::json::parse(s);
  EXPECT_TRUE(j["choices"].empty());
  EXPECT_EQ(j["usage"]["prompt_tokens"], 10);
  EXPECT_EQ(j["usage"]["completion_tokens"], 7);
  EXPECT_EQ(j["usage"]["total_tokens"], 17);
  EXPECT_EQ(j["usage"]["prompt_tokens_details"]["cached_tokens"], 4);
  EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 2);
}

TEST(ResponseFormat, ContinuousUsageRidesOnTheChunk) {
  std::string s;
  UsageCounts running{10, 8, 0, 3};  // 8 completion tokens so far
  append_chunk_json(&s, ident(true), " a b", false, false, "", &running);
  auto j = nlohmann::json::parse(s);
  EXPECT_EQ(j["choices"][0]["delta"]["content"], " a b");
  EXPECT_EQ(j["usage"]["completion_tokens"], 8);
  EXPECT_EQ(j["usage"]["total_tokens"], 18);
  std::string body = R"({"model":"m","prompt":"x","stream":true,)"
                     R"("stream_options":{"include_usage":true,"continuous_usage_stats":true}})";
  InferenceRequest req;
  EXPECT_EQ(parse_inference_request(ApiKind::kCompletions, body, &req), "");
  EXPECT_TRUE(req.include_usage);
  EXPECT_TRUE(req.continuous_usage);
}

TEST(ResponseFormat, NonStreamingBodiesAndErrors) {
  UsageCounts u{3, 2, 0, 1};
  auto j = nlohmann::json::parse(chat_completion_body(ident(true), " a b", "", "stop", u));
  EXPECT_EQ(j["object"], "chat.completion");
  EXPECT_EQ(j["choices"][0]["message"]["content"], " a b");
  j = nlohmann::json::parse(text_completion_body(ident(false), " x", "length", u));
  EXPECT_EQ(j["choices"][0]["text"], " x");
  j = nlohmann::json::parse(error_body(500, "Simulated error", "server_error"));
  EXPECT_EQ(j["error"]["message"], "Simulated error");
  EXPECT_EQ(j["error"]["code"], 500);
}

TEST(SseFramer, Variants) {
  MockOptions o;
  std::string s;
  SseFramer(o).append_event(&s, "{\"a\":1,\"b\":2}");
  EXPECT_EQ(s, "data: {\"a\":1,\"b\":2}\n\n");
  o.sse_line_ending = SseLineEnding::kCrLf;
  o.sse_no_space = true;
  s.clear();
  SseFramer(o).append_event(&s, "[DONE]");
  EXPECT_EQ(s, "data:[DONE]\r\n\r\n");
  o.sse_line_ending = SseLineEnding::kCr;
  o.sse_no_space = false;
  o.sse_multiline_data = true;
  s.clear();
  SseFramer(o).append_event(&s, "{\"a\":1,\"b\":2}");
  EXPECT_EQ(s, "data: {\"a\":1\rdata: ,\"b\":2}\r\r");
  // The data lines joined with '\n' still parse as JSON.
  EXPECT_EQ(nlohmann::json::parse(std::string("{\"a\":1\n,\"b\":2}"))["b"], 2);
  s.clear();
  SseFramer(o).append_comment(&s, "keep-alive");
  EXPECT_EQ(s, ": keep-alive\r\r");
}

TEST(RequestBody, ChatJoinsMessageTextsWithOneSpace) {
  std::string body = R"({"model":"m","messages":[{"role":"system","content":"be brief"},
    {"role":"user","content":[{"type":"text","text":"a"},{"type":"image_url","image_url":{"url":"x"}},{"type":"text","text":"b"}]}],
    "stream":true,"stream_options":{"include_usage":true},"max_tokens":5,"max_completion_tokens":9,
    "min_tokens":2,"ignore_eos":true,"reasoning_effort":"high"})";
  InferenceRequest r;
  ASSERT_EQ(parse_inference_request(ApiKind::kChat, body, &r), "");
  EXPECT_EQ(r.model, "m");
  EXPECT_EQ(r.prompt_text, "be brief ab");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(r.max_tokens, 9);
  EXPECT_EQ(r.min_tokens, 2);
  EXPECT_TRUE(r.ignore_eos);
  EXPECT_EQ(r.reasoning_effort, "high");
}

TEST(RequestBody, CompletionsPromptFormsAndErrors) {
  InferenceRequest r;
  std::string b1 = R"({"prompt":["x y","z"],"max_tokens":3})";
  ASSERT_EQ(parse_inference_request(ApiKind::kCompletions, b1, &r), "");
  EXPECT_EQ(r.prompt_text, "x y z");
  EXPECT_EQ(r.max_tokens, 3);
  std::string b2 = R"({"prompt":[1,2,3,4]})";
  ASSERT_EQ(parse_inference_request(ApiKind::kCompletions, b2, &r), "");
  EXPECT_EQ(r.prompt_token_ids, 4);
  std::string b3 = "{not json";
  EXPECT_NE(parse_inference_request(ApiKind::kChat, b3, &r), "");
  std::string b4 = R"({"model":"m"})";
  EXPECT_NE(parse_inference_request(ApiKind::kChat, b4, &r), "");
  std::string b5 = R"([1,2])";
  EXPECT_NE(parse_inference_request(ApiKind::kChat, b5, &r), "");
  std::string b6 = R"({"input":["a",[1,2,3]]})";
  ASSERT_EQ(parse_inference_request(ApiKind::kEmbeddings, b6, &r), "");
  ASSERT_EQ(r.inputs.size(), 2u);
  EXPECT_EQ(r.input_token_ids[1], 3);
}

TEST(Embedding, UnitNormDeterministic768) {
  std::string a, b;
  append_embedding_json(&a, "hello", 768, 1);
  append_embedding_json(&b, "hello", 768, 1);
  EXPECT_EQ(a, b);
  auto j = nlohmann::json::parse(a);
  ASSERT_EQ(j.size(), 768u);
  double norm = 0;
  for (double x : j) norm += x * x;
  EXPECT_NEAR(norm, 1.0, 1e-3);
}

TEST(ServerMetrics, FamiliesRenderOneSetOfCounters) {
  ServerMetrics m;
  m.on_request_start(0, 5, true);
  m.on_first_token(0, 30'000'000, 5);
  m.on_tokens(0, 1, 0);
  m.on_tokens(0, 2, 5'000'000);
  m.on_request_end(0, 200, 50'000'000, 5, 3, /*length_limited=*/true, 20'000'000);
  const auto npos = std::string::npos;
  std::string v = m.render(MetricsFamily::kVllm, "mock-model", 0);
  EXPECT_NE(v.find("vllm:generation_tokens_total{engine=\"0\",model_name=\"mock-model\"} 3.0"),
            npos)
      << v;
  EXPECT_NE(v.find("# TYPE vllm:generation_tokens_created gauge"), npos);
  EXPECT_NE(v.find("vllm:time_to_first_token_seconds_bucket{engine=\"0\",model_name=\"mock-"
                   "model\",le=\"0.04\"} 1.0"),
            npos);
  EXPECT_NE(v.find("vllm:inter_token_latency_seconds_count{engine=\"0\",model_name=\"mock-"
                   "model\"} 2.0"),
            npos);
  EXPECT_NE(v.find("vllm:request_success_total{engine=\"0\",finished_reason=\"length\",model_"
                   "name=\"mock-model\"} 1.0"),
            npos);
  EXPECT_NE(m.render(MetricsFamily::kLlamacpp, "m", 0).find("llamacpp:tokens_predicted_total 3\n"),
            npos);
  EXPECT_NE(m.render(MetricsFamily::kTgi, "m", 0).find("tgi_request_success 1\n"), npos);
  EXPECT_NE(m.render(MetricsFamily::kDynamo, "m", 0)
                .find("dynamo_frontend_output_tokens_total{model=\"m\"} 3\n"),
            npos);
  EXPECT_NE(m.render(MetricsFamily::kAiperf, "m", 0)
                .find("aiperf_mock_completion_tokens_total{endpoint=\"/v1/chat/completions\","
                      "model=\"m\"} 3.0"),
            npos);
  EXPECT_NE(m.render(MetricsFamily::kTriton, "m", 0)
                .find("nv_inference_first_response_histogram_ms_bucket{model=\"tensorrt_llm\","
                      "version=\"1\",le=\"50\"} 1"),
            npos);
  EXPECT_NE(m.render_trtllm_iteration_stats().find("\"iter\":3"), npos);
}

TEST(MultiHistogram, EveryViewIsExactOverTheUnionOfBounds) {
  MultiHistogram h({{1, 2, 4}, {1.5, 3}}, 1.0);
  for (int64_t v : {1, 2, 3, 5}) h.observe(v);
  auto a = h.view(0);
  EXPECT_EQ(a.cumulative, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(a.sum, 11.0);
  auto b = h.view(1);
  EXPECT_EQ(b.cumulative, (std::vector<uint64_t>{1, 3, 4}));
  MultiHistogram t({{0.001, 0.005}}, 1e9);  // seconds over ns: 1 ms is "<= 0.001"
  t.observe(1'000'000);
  t.observe(1'000'001);
  EXPECT_EQ(t.view(0).cumulative, (std::vector<uint64_t>{1, 2, 2}));
}

}  // namespace
}  // namespace aiperf::mock
