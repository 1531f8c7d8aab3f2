// Which metrics an endpoint type gets (spec §2.1 applicability, §5.4 metadata), its console
// title, and the video metrics.
#include <gtest/gtest.h>

#include "test_util.h"

namespace aiperf::metrics {
namespace {

using test::compute;
using test::make_record;

RunContext ctx_for(config::EndpointType t, bool streaming) {
  config::Config cfg;
  cfg.models = {"m"};
  cfg.endpoint_type = t;
  cfg.streaming = streaming;
  return make_run_context(cfg);
}

TEST(EndpointMetrics, EmbeddingsAndRankingsGetLatencyIslAndThroughputOnly) {
  for (auto t : {config::EndpointType::kEmbeddings, config::EndpointType::kNimRankings,
                 config::EndpointType::kCohereRankings}) {
    // --streaming would have been turned off; the context ignores it regardless.
    RunContext ctx = ctx_for(t, true);
    EXPECT_FALSE(ctx.streaming);
    EXPECT_TRUE(ctx.is_applicable(MetricId::kRequestLatency));
    EXPECT_TRUE(ctx.is_applicable(MetricId::kInputSequenceLength));
    EXPECT_TRUE(ctx.is_applicable(MetricId::kRequestThroughput));
    EXPECT_TRUE(ctx.is_applicable(MetricId::kUsagePromptTokens));
    EXPECT_FALSE(ctx.is_applicable(MetricId::kTimeToFirstToken));
    EXPECT_FALSE(ctx.is_applicable(MetricId::kOutputSequenceLength));
    EXPECT_FALSE(ctx.is_applicable(MetricId::kOutputTokenThroughput));
    EXPECT_FALSE(ctx.is_applicable(MetricId::kUsageCompletionTokens));
    EXPECT_FALSE(ctx.is_applicable(MetricId::kVideoInferenceTime));
    EXPECT_FALSE(ctx.is_applicable(MetricId::kNumImages));
  }
  EXPECT_EQ(ctx_for(config::EndpointType::kEmbeddings, false).metrics_title, "Embeddings Metrics");
  EXPECT_EQ(ctx_for(config::EndpointType::kNimEmbeddings, false).metrics_title,
            "NIM Embeddings Metrics");
  EXPECT_EQ(ctx_for(config::EndpointType::kNimRankings, false).metrics_title, "Rankings Metrics");
  EXPECT_EQ(ctx_for(config::EndpointType::kHfTeiRankings, false).metrics_title, "Ranking Metrics");
  EXPECT_TRUE(ctx_for(config::EndpointType::kNimEmbeddings, false)
                  .is_applicable(MetricId::kNumImages));  // NIM takes images
}

TEST(EndpointMetrics, TokenEndpointsStreamLikeChat) {
  for (auto t : {config::EndpointType::kResponses, config::EndpointType::kMessages,
                 config::EndpointType::kHuggingfaceGenerate}) {
    RunContext ctx = ctx_for(t, true);
    EXPECT_TRUE(ctx.is_applicable(MetricId::kTimeToFirstToken));
    EXPECT_TRUE(ctx.is_applicable(MetricId::kInterTokenLatency));
    EXPECT_TRUE(ctx.is_applicable(MetricId::kOutputSequenceLength));
    EXPECT_EQ(ctx.metrics_title, "LLM Metrics");
  }
}

TEST(EndpointMetrics, ImageGenerationStreamsButProducesNoTokens) {
  RunContext ctx = ctx_for(config::EndpointType::kImageGeneration, true);
  EXPECT_TRUE(ctx.streaming);
  EXPECT_FALSE(ctx.is_applicable(MetricId::kTimeToFirstToken));  // streaming *tokens* only
  EXPECT_TRUE(ctx.is_applicable(MetricId::kRequestLatency));
  EXPECT_EQ(ctx.metrics_title, "Image Generation Metrics");
}

TEST(EndpointMetrics, VideoMetricsOnlyForVideoGeneration) {
  RunContext video = ctx_for(config::EndpointType::kVideoGeneration, false);
  EXPECT_TRUE(video.is_applicable(MetricId::kVideoInferenceTime));
  EXPECT_TRUE(video.is_applicable(MetricId::kVideoPeakMemory));
  EXPECT_FALSE(
      ctx_for(config::EndpointType::kChat, false).is_applicable(MetricId::kVideoInferenceTime));
  auto r = make_record(0, {2'000'000'000}, 0, 10);
  r.output_tokens.reset();
  r.video_inference_time_s = 1.5;
  r.video_peak_memory_mb = 20480;
  const auto v = compute(r, video);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kVideoInferenceTime), 1.5);  // sec inside
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kVideoPeakMemory), 20480);
  const MetricInfo& m = metric_info(MetricId::kVideoInferenceTime);
  EXPECT_EQ(m.tag, "video_inference_time");
  EXPECT_EQ(m.display_unit, "ms");
  EXPECT_DOUBLE_EQ(m.to_display(1.5), 1500.0);
  EXPECT_EQ(m.display_order, 310);
  EXPECT_EQ(metric_info(MetricId::kVideoPeakMemory).display_order, 311);
}

}  // namespace
}  // namespace aiperf::metrics
