// Request bodies of the endpoints beyond chat and completions (spec §5.4): exact compact JSON in
// AIPerf's key order, the metadata each one declares, and the headers of Anthropic's API.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/config/config.h"
#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {
namespace {

struct Fixture {
  dataset::Conversation conv;
  dataset::Turn turn;
  std::shared_ptr<const nlohmann::ordered_json> extra = parse_extra_inputs("{}");
  bool streaming = false;
  RenderContext ctx() {
    RenderContext c;
    c.conversation = &conv;
    c.turn = &turn;
    c.default_model = "m";
    c.extra_inputs = extra.get();
    c.streaming = streaming;
    return c;
  }
  std::string body(std::string_view type) { return create(type)->render_body(ctx()); }
  Fixture() { turn.text = "hello"; }
};

TEST(EndpointRegistry, EveryEndpointTypeHasAnEndpointWithMatchingFacts) {
  for (std::string_view name : config::endpoint_type_names()) {
    SCOPED_TRACE(std::string(name));
    auto ep = create(name);
    ASSERT_NE(ep, nullptr);
    const EndpointInfo& i = ep->info();
    EXPECT_EQ(i.name, name);
    // The config stage's copy of the metadata (metrics applicability, --streaming) agrees.
    config::EndpointType t{};
    for (size_t k = 0; k < config::endpoint_type_names().size(); ++k)
      if (config::endpoint_type_names()[k] == name) t = static_cast<config::EndpointType>(k);
    const config::EndpointFacts& f = config::endpoint_facts(t);
    EXPECT_EQ(i.supports_streaming, f.supports_streaming);
    EXPECT_EQ(i.produces_tokens, f.produces_tokens);
    EXPECT_EQ(i.tokenizes_input, f.tokenizes_input);
    EXPECT_EQ(i.supports_images, f.supports_images);
    EXPECT_EQ(i.supports_audio, f.supports_audio);
    EXPECT_EQ(i.supports_videos, f.supports_videos);
    EXPECT_EQ(i.produces_video, f.produces_video);
    EXPECT_EQ(i.metrics_title, f.metrics_title);
    // Triton's own protocol (docs/triton.md) is the one service kind besides OpenAI's.
    EXPECT_EQ(i.service_kind, i.grpc || name == "triton_generate" ? "triton" : "openai");
  }
}

TEST(EndpointRegistry, PathsAndTitlesAsAIPerf) {
  struct Row {
    std::string_view name, path, streaming_path, title;
  };
  const Row rows[] = {
      {"responses", "/v1/responses", "", "LLM Metrics"},
      {"embeddings", "/v1/embeddings", "", "Embeddings Metrics"},
      {"chat_embeddings", "/v1/embeddings", "", "Embeddings Metrics"},
      {"nim_embeddings", "/v1/embeddings", "", "NIM Embeddings Metrics"},
      {"cohere_rankings", "/v2/rerank", "", "Ranking Metrics"},
      {"hf_tei_rankings", "/rerank", "", "Ranking Metrics"},
      {"nim_rankings", "/v1/ranking", "", "Rankings Metrics"},
      {"huggingface_generate", "/generate", "/generate_stream", "LLM Metrics"},
      {"image_generation", "/v1/images/generations", "", "Image Generation Metrics"},
      {"video_generation", "/v1/videos", "", "Video Generation Metrics"},
      {"template", "", "", "LLM Metrics"},
      {"messages", "/v1/messages", "", "LLM Metrics"},
  };
  for (const Row& r : rows) {
    const EndpointInfo& i = create(r.name)->info();
    EXPECT_EQ(i.endpoint_path, r.path) << r.name;
    EXPECT_EQ(i.streaming_path, r.streaming_path) << r.name;
    EXPECT_EQ(i.metrics_title, r.title) << r.name;
  }
  EXPECT_TRUE(create("messages")->info().merges_usage);
  EXPECT_TRUE(create("video_generation")->info().polls_job);
}

TEST(EmbeddingsBody, ModelThenInputTexts) {
  Fixture f;
  f.turn.texts = {"a", "", "b"};
  EXPECT_EQ(f.body("embeddings"), R"({"model":"m","input":["a","b"]})");
  f.extra = parse_extra_inputs(R"({"encoding_format":"float","model":"x"})");
  EXPECT_EQ(f.body("embeddings"), R"({"model":"x","input":["a","b"],"encoding_format":"float"})");
}

TEST(NimEmbeddingsBody, TextsImagesAndPairs) {
  Fixture f;
  f.turn.texts = {"t1", "t2"};
  EXPECT_EQ(f.body("nim_embeddings"), R"({"model":"m","input":["t1","t2"]})");
  f.turn.media = {{dataset::MediaItem::Kind::kImage, "image_url", "data:image/png;base64,AA"},
                  {dataset::MediaItem::Kind::kImage, "image_url", "data:image/png;base64,BB"}};
  EXPECT_EQ(f.body("nim_embeddings"),
            R"({"model":"m","input":["t1 data:image/png;base64,AA","t2 data:image/png;base64,BB"],)"
            R"("modality":"text_image"})");
  f.turn.texts.clear();
  f.turn.text.clear();
  EXPECT_EQ(f.body("nim_embeddings"),
            R"({"model":"m","input":["data:image/png;base64,AA","data:image/png;base64,BB"],)"
            R"("modality":"image"})");
  f.turn.texts = {"only one"};
  EXPECT_THROW(f.body("nim_embeddings"), InputError);  // 1 text, 2 images
}

TEST(ChatEmbeddingsBody, IsTheChatBody) {
  Fixture f;
  f.turn.max_tokens = 5;
  EXPECT_EQ(f.body("chat_embeddings"), f.body("chat"));
}

TEST(RankingsBody, ThreeApis) {
  Fixture f;
  f.turn.texts = {"the query", "p1", "p2"};
  f.turn.text_names = {"query", "passages", "passages"};
  EXPECT_EQ(
      f.body("nim_rankings"),
      R"({"model":"m","query":{"text":"the query"},"passages":[{"text":"p1"},{"text":"p2"}]})");
  EXPECT_EQ(f.body("cohere_rankings"),
            R"({"model":"m","query":"the query","documents":["p1","p2"]})");
  EXPECT_EQ(f.body("hf_tei_rankings"), R"({"query":"the query","texts":["p1","p2"]})");
}

TEST(RankingsBody, QueriesAliasFirstWinsOthersIgnored) {
  Fixture f;
  f.turn.texts = {"x", "q1", "q2", "p"};
  f.turn.text_names = {"other", "queries", "queries", "passages"};
  EXPECT_EQ(f.body("hf_tei_rankings"), R"({"query":"q1","texts":["p"]})");
}

TEST(RankingsBody, NoQueryIsAnInputError) {
  Fixture f;
  f.turn.text = "unnamed text";
  try {
    f.body("nim_rankings");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'query'"), std::string::npos);
  }
}

TEST(HuggingFaceGenerateBody, ExtrasGoIntoParameters) {
  Fixture f;
  f.turn.texts = {"a", "b"};
  f.turn.max_tokens = 16;
  f.extra = parse_extra_inputs(R"({"ignore_eos":true})");
  EXPECT_EQ(f.body("huggingface_generate"),
            R"({"inputs":"a b","parameters":{"max_new_tokens":16,"ignore_eos":true}})");
  f.turn.extra_json = R"({"stream":false})";  // a record's own extra stays at the top
  EXPECT_EQ(f.body("huggingface_generate"),
            R"({"inputs":"a b","parameters":{"max_new_tokens":16,"ignore_eos":true},)"
            R"("stream":false})");
}

TEST(ResponsesBody, InstructionsUserContextAndParts) {
  Fixture f;
  f.conv.system_message = "sys";
  f.conv.user_context_message = "ctx";
  f.turn.max_tokens = 20;
  f.streaming = true;
  EXPECT_EQ(f.body("responses"),
            R"({"input":[{"type":"message","role":"user","content":"ctx"},)"
            R"({"role":"user","content":"hello","type":"message"}],"model":"m","stream":true,)"
            R"("instructions":"sys","max_output_tokens":20})");
  f.conv = {};
  f.turn.max_tokens.reset();
  f.streaming = false;
  f.turn.media = {{dataset::MediaItem::Kind::kImage, "image_url", "http://x/i.png"}};
  EXPECT_EQ(f.body("responses"),
            R"({"input":[{"role":"user","content":[{"type":"input_text","text":"hello"},)"
            R"({"type":"input_image","image_url":"http://x/i.png"}],"type":"message"}],)"
            R"("model":"m","stream":false})");
  f.turn.media = {{dataset::MediaItem::Kind::kVideo, "video_url", "http://x/v.mp4"}};
  EXPECT_THROW(f.body("responses"), InputError);  // the Responses API takes no video
}

TEST(ResponsesBody, WarmupInstructionsAndIncludeUsage) {
  Fixture f;
  RenderContext c = f.ctx();
  c.warmup = true;
  c.streaming = true;
  c.use_server_token_count = true;
  EXPECT_EQ(create("responses")->render_body(c),
            R"({"input":[{"role":"user","content":"hello","type":"message"}],"model":"m",)"
            R"("stream":true,"instructions":"warmup","stream_options":{"include_usage":true}})");
}

TEST(MessagesBody, MaxTokensRequiredStreamOnlyWhenStreaming) {
  Fixture f;
  EXPECT_EQ(f.body("messages"),
            R"({"model":"m","messages":[{"role":"user","content":"hello"}],"max_tokens":1024})");
  f.streaming = true;
  f.turn.max_tokens = 16;
  f.conv.system_message = "be brief";
  EXPECT_EQ(f.body("messages"),
            R"({"model":"m","messages":[{"role":"user","content":"hello"}],"max_tokens":16,)"
            R"("stream":true,"system":"be brief"})");
}

TEST(MessagesBody, ImageBlocksAndNoAudio) {
  Fixture f;
  f.turn.media = {{dataset::MediaItem::Kind::kImage, "image_url", "data:image/jpeg;base64,QUJD"},
                  {dataset::MediaItem::Kind::kImage, "image_url", "https://x/i.png"}};
  EXPECT_EQ(
      f.body("messages"),
      R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"hello"},)"
      R"({"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"QUJD"}},)"
      R"({"type":"image","source":{"type":"url","url":"https://x/i.png"}}]}],)"
      R"("max_tokens":1024})");
  f.turn.media = {{dataset::MediaItem::Kind::kAudio, "input_audio", "wav,AAAA"}};
  EXPECT_THROW(f.body("messages"), InputError);
}

TEST(MessagesHeaders, ApiKeyAndVersion) {
  config::Config cfg;
  cfg.endpoint_type = config::EndpointType::kMessages;
  cfg.api_key = "sk-secret";
  RequestHeaders h(cfg);
  std::string out;
  h.append(out, "rid", "cid");
  EXPECT_NE(out.find("x-api-key: sk-secret\r\n"), std::string::npos);
  EXPECT_NE(out.find("anthropic-version: 2023-06-01\r\n"), std::string::npos);
  EXPECT_EQ(out.find("Authorization"), std::string::npos);
  EXPECT_NE(h.redacted("rid", "cid").find("x-api-key: <redacted>"), std::string::npos);
  cfg.headers = {{"anthropic-version", "2024-01-01"}};
  RequestHeaders custom(cfg);
  out.clear();
  custom.append(out, "rid", "cid");
  EXPECT_NE(out.find("anthropic-version: 2024-01-01\r\n"), std::string::npos);
  EXPECT_EQ(out.find("2023-06-01"), std::string::npos);
}

TEST(ImageGenerationBody, PromptDefaultsAndStream) {
  Fixture f;
  f.turn.texts = {"a cat", "ignored"};
  EXPECT_EQ(f.body("image_generation"),
            R"({"prompt":"a cat","model":"m","response_format":"b64_json","n":1})");
  f.streaming = true;
  f.extra = parse_extra_inputs(R"({"size":"512x512","partial_images":2})");
  EXPECT_EQ(f.body("image_generation"),
            R"({"prompt":"a cat","model":"m","response_format":"b64_json","n":1,"stream":true,)"
            R"("size":"512x512","partial_images":2})");
  f.turn.texts.clear();
  f.turn.text.clear();
  EXPECT_THROW(f.body("image_generation"), InputError);
}

TEST(VideoGenerationBody, PromptModelExtras) {
  Fixture f;
  f.extra = parse_extra_inputs(R"({"seconds":4,"size":"1280x720"})");
  EXPECT_EQ(f.body("video_generation"),
            R"({"prompt":"hello","model":"m","seconds":4,"size":"1280x720"})");
}

}  // namespace
}  // namespace aiperf::endpoint
