// Every endpoint type end to end: the real aiperf against the real mock server over 127.0.0.1,
// each request checked against the mock's ground-truth log (--record-requests): the path the
// request reached, the prompt tokens the server counted, the tokens it wrote, and that the client
// saw the answer no earlier than the server wrote it and at most kDeliverySlackNs later.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr double kDeliverySlackNs = 25e6;  // 25 ms

struct Outcome {
  CommandResult result;
  std::string dir;
  std::vector<json> truth;  // the mock's ground truth, one line per inference request
  json summary() const { return json::parse(read_file(dir + "/profile_export_aiperf.json")); }
  std::vector<json> records() const { return read_jsonl(dir + "/profile_export.jsonl"); }
  std::map<std::string, json> truth_by_request_id() const {
    std::map<std::string, json> m;
    for (const auto& g : truth)
      if (g["headers"].contains("x-request-id")) m[g["headers"]["x-request-id"]] = g;
    return m;
  }
};

/// Starts a mock with `mock_args`, runs `aiperf profile` with `args` (plus model, URL, builtin
/// tokenizer, 8 requests at concurrency 2 unless given), stops the mock.
Outcome run(const std::vector<std::string>& args, std::vector<std::string> mock_args = {},
            const std::string& model = "mock-model") {
  Outcome r;
  const std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  mock_args.insert(mock_args.end(), {"--record-requests", gt});
  MockServerProcess mock(mock_args);
  r.dir = make_temp_dir("aiperf-endpoints");
  std::vector<std::string> argv = {
      AIPERF_BIN, "profile",  "--ui",        "none",    "--artifact-dir", r.dir, "--model", model,
      "--url",    mock.url(), "--tokenizer", "builtin", "--random-seed",  "11"};
  bool count = false, conc = false;
  for (const auto& a : args) {
    count |= a == "--request-count";
    conc |= a == "--concurrency";
  }
  if (!count) argv.insert(argv.end(), {"--request-count", "8"});
  if (!conc) argv.insert(argv.end(), {"--concurrency", "2"});
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, 120);
  mock.stop();
  r.truth = read_jsonl(gt);
  return r;
}

double metric(const json& rec, const char* tag) {
  return rec["metrics"][tag]["value"];
}

/// Latency bounds and identity of every record against the ground truth; returns the records.
/// `isl_slack`: the server counts each input of a batch (or each passage) on its own, the
/// client their join with spaces; the two may differ by a token per join.
std::vector<json> check_against_truth(const Outcome& r, const std::string& path, size_t n,
                                      double isl_slack = 0) {
  EXPECT_EQ(r.result.exit_code, 0) << r.result.err << r.result.out;
  auto truth = r.truth_by_request_id();
  auto recs = r.records();
  EXPECT_EQ(recs.size(), n);
  EXPECT_EQ(truth.size(), n);
  for (const auto& rec : recs) {
    EXPECT_FALSE(rec.contains("error") && !rec["error"].is_null()) << rec.dump();
    const auto& md = rec["metadata"];
    if (!truth.count(md["x_request_id"])) {
      ADD_FAILURE() << "no ground truth for " << md.dump();
      continue;
    }
    const json& g = truth.at(md["x_request_id"]);
    EXPECT_EQ(g["endpoint"], path);
    EXPECT_EQ(g["status"], 200);
    EXPECT_NEAR(metric(rec, "input_sequence_length"), g["isl"].get<double>(), isl_slack) << path;
    const double start = md["request_start_ns"].get<double>();
    EXPECT_LE(start, g["arrival_wall_ns"].get<double>());
    const double lat_ns = metric(rec, "request_latency") * 1e6;
    const double server_last = g["last_token_wall_ns"].get<double>() - start;
    EXPECT_GE(lat_ns, server_last) << path;
    EXPECT_LE(lat_ns, server_last + kDeliverySlackNs) << path;
  }
  json s = r.summary();
  EXPECT_EQ(s["request_count"]["avg"].get<double>(), double(n));
  EXPECT_FALSE(s.contains("error_request_count"));
  return recs;
}

void check_streamed_tokens(const Outcome& r, int osl) {
  auto truth = r.truth_by_request_id();
  for (const auto& rec : r.records()) {
    const json& g = truth.at(rec["metadata"]["x_request_id"]);
    const double start = rec["metadata"]["request_start_ns"].get<double>();
    EXPECT_EQ(metric(rec, "output_sequence_length"), osl);
    EXPECT_EQ(g["output_tokens"].get<int>() + g["reasoning_tokens"].get<int>(), osl);
    const double ttft_ns = metric(rec, "time_to_first_token") * 1e6;
    const double server_first = g["first_token_wall_ns"].get<double>() - start;
    EXPECT_GE(ttft_ns, server_first);
    EXPECT_LE(ttft_ns, server_first + kDeliverySlackNs);
  }
}

TEST(Endpoints, ResponsesStreaming) {
  Outcome r = run({"--endpoint-type", "responses", "--streaming", "--osl", "16", "--isl", "40"},
                  {"--ttft", "5", "--itl", "1"});
  check_against_truth(r, "/v1/responses", 8);
  check_streamed_tokens(r, 16);
  json s = r.summary();
  EXPECT_EQ(s["usage_completion_tokens"]["avg"].get<double>(), 16);  // from response.incomplete
}

TEST(Endpoints, ResponsesReasoningModelNonStreaming) {
  Outcome r = run({"--endpoint-type", "responses", "--osl", "120", "--isl", "20", "--extra-inputs",
                   R"({"reasoning":{"effort":"low"}})"},
                  {"--fast"}, "Qwen/Qwen3-0.6B");
  auto recs = check_against_truth(r, "/v1/responses", 8);
  auto truth = r.truth_by_request_id();
  for (const auto& rec : recs) {
    const json& g = truth.at(rec["metadata"]["x_request_id"]);
    EXPECT_EQ(g["reasoning_tokens"], 100);
    EXPECT_EQ(metric(rec, "output_sequence_length"), 120);  // reasoning inside max_output_tokens
    EXPECT_EQ(metric(rec, "reasoning_token_count"), 100);
  }
}

TEST(Endpoints, AnthropicMessagesStreamingWithApiKey) {
  Outcome r = run({"--endpoint-type", "messages", "--streaming", "--osl", "16", "--isl", "40",
                   "--api-key", "sk-ant-test", "--use-server-token-count"},
                  {"--ttft", "5", "--itl", "1", "--api-key", "sk-ant-test"});
  check_against_truth(r, "/v1/messages", 8);
  check_streamed_tokens(r, 16);
  // Usage folded from message_start (input) and message_delta (output).
  json s = r.summary();
  EXPECT_EQ(s["usage_prompt_tokens"]["avg"].get<double>(), s["input_sequence_length"]["avg"]);
  EXPECT_EQ(s["usage_completion_tokens"]["avg"].get<double>(), 16);
  EXPECT_EQ(read_file(r.dir + "/profile_export.jsonl").find("sk-ant-test"), std::string::npos);
}

TEST(Endpoints, HuggingFaceGenerateStreamAndPlain) {
  Outcome s = run({"--endpoint-type", "huggingface_generate", "--streaming", "--osl", "16",
                   "--extra-inputs", "ignore_eos:true"},
                  {"--ttft", "5", "--itl", "1"});
  check_against_truth(s, "/generate_stream", 8);
  check_streamed_tokens(s, 16);
  Outcome p = run({"--endpoint-type", "huggingface_generate", "--osl", "12"}, {"--fast"});
  for (const auto& rec : check_against_truth(p, "/generate", 8))
    EXPECT_EQ(metric(rec, "output_sequence_length"), 12);
}

TEST(Endpoints, ReasoningStaysWithinMaxTokens) {
  // Qwen-style reasoning through chat: 16 tokens in all, thinking included.
  Outcome r = run({"--endpoint-type", "chat", "--streaming", "--osl", "16"},
                  {"--ttft", "5", "--itl", "1"}, "Qwen/Qwen3-0.6B");
  check_against_truth(r, "/v1/chat/completions", 8);
  check_streamed_tokens(r, 16);
  auto truth = r.truth_by_request_id();
  for (const auto& rec : r.records()) {
    const json& g = truth.at(rec["metadata"]["x_request_id"]);
    EXPECT_EQ(g["reasoning_tokens"], 16);  // 250 planned: all 16 spent thinking
    EXPECT_EQ(metric(rec, "reasoning_token_count"), 16);
  }
}

TEST(Endpoints, ServerTokenCountWithoutCompletionTokensDetails) {
  // llama.cpp-style usage (no completion_tokens_details): OSL is still completion_tokens.
  Outcome r =
      run({"--endpoint-type", "chat", "--streaming", "--osl", "300", "--use-server-token-count"},
          {"--fast", "--no-completion-tokens-details"}, "Qwen/Qwen3-0.6B");
  for (const auto& rec : check_against_truth(r, "/v1/chat/completions", 8)) {
    EXPECT_EQ(metric(rec, "output_sequence_length"), 300);
    EXPECT_FALSE(rec["metrics"].contains("usage_reasoning_tokens"));
  }
}

TEST(Endpoints, EmbeddingsThreeWays) {
  Outcome e = run({"--endpoint-type", "embeddings", "--isl", "30"}, {"--ttft", "1"});
  for (const auto& rec : check_against_truth(e, "/v1/embeddings", 8)) {
    EXPECT_FALSE(rec["metrics"].contains("output_sequence_length"));
    EXPECT_FALSE(rec["metrics"].contains("time_to_first_token"));
  }
  Outcome n = run({"--endpoint-type", "nim_embeddings", "--prompt-batch-size", "4", "--isl", "10"});
  auto truth = n.truth_by_request_id();
  for (const auto& rec : check_against_truth(n, "/v1/embeddings", 8, 3))
    EXPECT_EQ(truth.at(rec["metadata"]["x_request_id"])["output_tokens"], 4);  // 4 vectors
  Outcome c = run({"--endpoint-type", "chat_embeddings", "--isl", "10"});
  check_against_truth(c, "/v1/embeddings", 8);
  std::string console = e.result.out;
  EXPECT_NE(console.find("Embeddings Metrics"), std::string::npos);
}

TEST(Endpoints, RankingsThreeApis) {
  for (auto [type, path] :
       {std::pair{"nim_rankings", "/v1/ranking"}, std::pair{"cohere_rankings", "/v2/rerank"},
        std::pair{"hf_tei_rankings", "/rerank"}}) {
    SCOPED_TRACE(type);
    Outcome r = run({"--endpoint-type", type, "--rankings-passages-mean", "3",
                     "--rankings-passages-prompt-token-mean", "20",
                     "--rankings-query-prompt-token-mean", "8"});
    auto truth = r.truth_by_request_id();
    for (const auto& rec : check_against_truth(r, path, 8, 3))
      EXPECT_EQ(truth.at(rec["metadata"]["x_request_id"])["output_tokens"], 3);  // 3 ranked
  }
}

TEST(Endpoints, ImageGenerationPlainAndStreamed) {
  Outcome p = run({"--endpoint-type", "image_generation", "--isl", "12"}, {"--ttft", "5"});
  check_against_truth(p, "/v1/images/generations", 8);
  EXPECT_NE(p.result.out.find("Image Generation Metrics"), std::string::npos);
  Outcome s = run({"--endpoint-type", "image_generation", "--streaming", "--isl", "12",
                   "--extra-inputs", "partial_images:2"},
                  {"--ttft", "5", "--itl", "3"});
  auto truth = s.truth_by_request_id();
  for (const auto& rec : check_against_truth(s, "/v1/images/generations", 8)) {
    const json& g = truth.at(rec["metadata"]["x_request_id"]);
    EXPECT_TRUE(g["stream"].get<bool>());
    EXPECT_EQ(g["output_tokens"], 3);  // 2 partial images + the final one
  }
}

TEST(Endpoints, VideoGenerationPolledAndDownloaded) {
  Outcome r = run({"--endpoint-type", "video_generation", "--download-video-content", "--isl", "12",
                   "--request-count", "4"},
                  {"--video-generation-ms", "150"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto recs = r.records();
  ASSERT_EQ(recs.size(), 4u);
  auto truth = r.truth_by_request_id();
  for (const auto& rec : recs) {
    const json& g = truth.at(rec["metadata"]["x_request_id"]);
    EXPECT_EQ(g["endpoint"], "/v1/videos");
    // The job took 150 ms on the server; polling every 100 ms sees it done by ~200 ms.
    const double lat_ms = metric(rec, "request_latency");
    EXPECT_GE(lat_ms, 150.0);
    EXPECT_LT(lat_ms, 150.0 + 100.0 + 100.0);
    EXPECT_NEAR(metric(rec, "video_inference_time"), 150.0, 1.0);  // ms
    EXPECT_GT(metric(rec, "video_peak_memory"), 0);
  }
  EXPECT_NE(r.result.out.find("Video Generation Metrics"), std::string::npos);
}

TEST(Endpoints, TemplateBodiesAndResponseField) {
  const std::string tpl = R"({"model": "{{ model }}", "input": {{ texts|tojson }}})";
  Outcome e = run({"--endpoint-type", "template", "--endpoint", "/v1/embeddings", "--extra-inputs",
                   json{{"payload_template", tpl}}.dump()});
  check_against_truth(e, "/v1/embeddings", 8);
  const std::string chat_tpl =
      R"({"model": "{{ model }}", "messages": [{"role": "user", "content": {{ text|tojson }}}],)"
      R"( "max_tokens": {{ max_tokens }}})";
  Outcome c =
      run({"--endpoint-type", "template", "--endpoint", "/v1/chat/completions", "--osl", "10",
           "--extra-inputs",
           json{{"payload_template", chat_tpl}, {"response_field", "choices[0].message.content"}}
               .dump()});
  for (const auto& rec : check_against_truth(c, "/v1/chat/completions", 8))
    EXPECT_EQ(metric(rec, "output_sequence_length"), 10);
}

TEST(Endpoints, TemplateWithoutPayloadTemplateExits2) {
  MockServerProcess mock({"--fast"});
  CommandResult r = run_command({AIPERF_BIN, "profile", "--model", "m", "--url", mock.url(),
                                 "--endpoint-type", "template", "--ui", "none"},
                                60);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("payload_template"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aiperf::testing
