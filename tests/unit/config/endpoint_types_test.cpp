// --endpoint-type choices, --streaming against the endpoint's metadata, --download-video-content
// and the --rankings-* group (spec §1.3 "Endpoint", "Rankings").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

Config parse(Args args) {
  args.insert(args.begin(), {"--model", "m"});
  ParseEnv env;
  return parse_profile_args(args, env);
}

bool has_warning(const Config& c, const std::string& needle) {
  for (const auto& w : c.warnings)
    if (w.find(needle) != std::string::npos) return true;
  return false;
}

TEST(EndpointTypes, EveryChoiceParsesToItsName) {
  const std::vector<std::string_view> expected = {"chat",
                                                  "cohere_rankings",
                                                  "completions",
                                                  "responses",
                                                  "chat_embeddings",
                                                  "embeddings",
                                                  "hf_tei_rankings",
                                                  "huggingface_generate",
                                                  "image_generation",
                                                  "video_generation",
                                                  "nim_embeddings",
                                                  "nim_rankings",
                                                  "template",
                                                  "messages",
                                                  "kserve",
                                                  "kserve_vllm",
                                                  "triton_generate"};
  EXPECT_EQ(endpoint_type_names(), expected);
  for (std::string_view name : expected) {
    Args a = {"--endpoint-type", std::string(name)};
    if (name == "template") a.insert(a.end(), {"--extra-inputs", "payload_template:{}"});
    Config c = parse(a);
    EXPECT_EQ(to_string(c.endpoint_type), name);
  }
}

TEST(EndpointTypes, UnknownChoiceListsTheValidOnes) {
  try {
    parse({"--endpoint-type", "rankings"});
    FAIL();
  } catch (const ConfigError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("invalid choice 'rankings'"), std::string::npos) << m;
    EXPECT_NE(m.find("nim_rankings"), std::string::npos) << m;
  }
}

TEST(EndpointTypes, StreamingTurnedOffWhereTheEndpointCannotStream) {
  for (const char* type : {"embeddings", "nim_rankings", "video_generation"}) {
    Config c = parse({"--endpoint-type", type, "--streaming"});
    EXPECT_FALSE(c.streaming) << type;
    EXPECT_TRUE(has_warning(c, "Streaming is not supported for --endpoint-type")) << type;
  }
  for (const char* type : {"responses", "messages", "huggingface_generate", "image_generation"}) {
    EXPECT_TRUE(parse({"--endpoint-type", type, "--streaming"}).streaming) << type;
  }
  EXPECT_FALSE(has_warning(parse({"--endpoint-type", "embeddings"}), "Streaming"));
}

TEST(EndpointTypes, FactsAndMedia) {
  EXPECT_FALSE(endpoint_facts(EndpointType::kEmbeddings).produces_tokens);
  EXPECT_TRUE(endpoint_facts(EndpointType::kVideoGeneration).produces_video);
  EXPECT_EQ(endpoint_facts(EndpointType::kNimRankings).metrics_title, "Rankings Metrics");
  EXPECT_TRUE(endpoint_media(EndpointType::kMessages).images);
  EXPECT_FALSE(endpoint_media(EndpointType::kMessages).audio);
  EXPECT_TRUE(endpoint_media(EndpointType::kResponses).audio);
  EXPECT_FALSE(endpoint_media(EndpointType::kResponses).videos);
  EXPECT_TRUE(is_rankings_endpoint(EndpointType::kHfTeiRankings));
  EXPECT_FALSE(is_rankings_endpoint(EndpointType::kEmbeddings));
}

TEST(EndpointTypes, SyntheticMediaTheEndpointCannotSendIsAnnounced) {
  Config c = parse({"--endpoint-type", "messages", "--audio-length-mean", "1", "--image-width-mean",
                    "8", "--image-height-mean", "8"});
  EXPECT_TRUE(has_warning(c, "synthetic audio cannot be sent by --endpoint-type messages")) << "";
  EXPECT_FALSE(has_warning(parse({"--endpoint-type", "chat", "--audio-length-mean", "1"}),
                           "cannot be sent"));
}

TEST(RankingsOptions, DefaultsValuesAndBounds) {
  Config d = parse({"--endpoint-type", "nim_rankings"});
  EXPECT_EQ(d.rankings_passages_mean, 1);
  EXPECT_EQ(d.rankings_passages_stddev, 0);
  EXPECT_EQ(d.rankings_passages_prompt_token_mean, 550);
  EXPECT_EQ(d.rankings_query_prompt_token_mean, 550);
  Config c =
      parse({"--endpoint-type", "cohere_rankings", "--rankings-passages-mean", "5",
             "--rankings-passages-stddev", "2", "--rankings-passages-prompt-token-mean", "100",
             "--rankings-passages-prompt-token-stddev", "10", "--rankings-query-prompt-token-mean",
             "20", "--rankings-query-prompt-token-stddev", "3"});
  EXPECT_EQ(c.rankings_passages_mean, 5);
  EXPECT_EQ(c.rankings_passages_stddev, 2);
  EXPECT_EQ(c.rankings_passages_prompt_token_mean, 100);
  EXPECT_EQ(c.rankings_passages_prompt_token_stddev, 10);
  EXPECT_EQ(c.rankings_query_prompt_token_mean, 20);
  EXPECT_EQ(c.rankings_query_prompt_token_stddev, 3);
  EXPECT_THROW(parse({"--rankings-passages-mean", "0"}), ConfigError);
  EXPECT_THROW(parse({"--rankings-query-prompt-token-mean", "0"}), ConfigError);
  EXPECT_THROW(parse({"--rankings-passages-stddev", "-1"}), ConfigError);
}

TEST(RankingsOptions, IgnoredOutsideRankingsWithAWarning) {
  Config c = parse({"--endpoint-type", "chat", "--rankings-passages-mean", "3"});
  EXPECT_TRUE(has_warning(c, "--rankings-passages-mean applies only to the rankings endpoint"));
}

TEST(DownloadVideoContent, OnlyForVideoGeneration) {
  EXPECT_TRUE(parse({"--endpoint-type", "video_generation", "--download-video-content"})
                  .download_video_content);
  Config c = parse({"--download-video-content"});
  EXPECT_TRUE(has_warning(c,
                          "--download-video-content applies only to --endpoint-type "
                          "video_generation"));
}

}  // namespace
}  // namespace aiperf::config
