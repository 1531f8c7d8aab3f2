// Per-request formulas (spec §2.5), hand-computed.
#include <gtest/gtest.h>

#include "test_util.h"

namespace aiperf::metrics {
namespace {

using test::compute;
using test::context;
using test::make_record;

TEST(RecordMetrics, StreamingTimingFromContentResponses) {
  auto r = make_record(1000, {1500, 1700, 2000, 2600}, /*out=*/5, /*in=*/100);
  r.end_ns = 9000;  // the [DONE]/usage chunk came much later: must not extend latency
  r.first_output_ts = 1700;
  const auto v = compute(r, context(true));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kTimeToFirstToken), 500);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kTimeToSecondToken), 200);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kTimeToFirstOutputToken), 700);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kRequestLatency), 1600);  // last content, not end_ns
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kOutputSequenceLength), 5);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInterTokenLatency), (1600.0 - 500.0) / 4.0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kOutputTokenThroughputPerUser), 1e9 / 275.0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kE2eOutputTokenThroughput), 5.0 / (1600.0 / 1e9));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kPrefillThroughputPerUser), 100.0 / (500.0 / 1e9));
  EXPECT_EQ(v.inter_chunk_ns, (std::vector<double>{200, 300, 600}));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kRequestCount), 1);
}

TEST(RecordMetrics, ImageCountThroughputAndLatency) {
  RunContext ctx = context(false);
  ctx.supports_images = true;
  ctx.finalize();
  auto r = make_record(0, {4'000'000}, 3, 10);  // 4 ms
  r.num_images = 2;
  const auto v = compute(r, ctx);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kNumImages), 2);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kImageThroughput), 2 / 0.004);  // images/sec
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kImageLatency), 4.0 / 2);       // ms/image
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInputSequenceLength), 10);     // text only
  // No images: no value for any of the three.
  r.num_images = 0;
  EXPECT_FALSE(compute(r, ctx).has(MetricId::kNumImages));
  EXPECT_FALSE(compute(r, ctx).has(MetricId::kImageThroughput));
  // An endpoint without image support (completions): never computed.
  r.num_images = 2;
  EXPECT_FALSE(compute(r, context(false)).has(MetricId::kNumImages));
  const MetricInfo& m = metric_info(MetricId::kImageLatency);
  EXPECT_EQ(m.tag, "image_latency");
  EXPECT_EQ(m.display_unit, "ms/image");
  EXPECT_EQ(m.display_order, 861);
  EXPECT_TRUE(m.has(kSupportsImageOnly));
}

TEST(RecordMetrics, ItlNeedsTwoOutputTokensAndIncludesReasoning) {
  auto ctx = context(true);
  auto one = make_record(0, {100, 300}, /*out=*/1);
  EXPECT_FALSE(compute(one, ctx).has(MetricId::kInterTokenLatency));
  EXPECT_FALSE(compute(one, ctx).has(MetricId::kOutputTokenThroughputPerUser));
  EXPECT_TRUE(compute(one, ctx).has(MetricId::kE2eOutputTokenThroughput));

  auto two = make_record(0, {100, 300}, /*out=*/2);
  EXPECT_DOUBLE_EQ(*compute(two, ctx).get(MetricId::kInterTokenLatency), 200.0);

  // OSL = output + reasoning: 1 + 3 = 4 -> ITL = (300 - 100) / 3
  auto rsn = make_record(0, {100, 300}, /*out=*/1);
  rsn.reasoning_tokens = 3;
  const auto v = compute(rsn, ctx);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kOutputSequenceLength), 4);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kReasoningTokenCount), 3);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInterTokenLatency), 200.0 / 3.0);
}

TEST(RecordMetrics, SingleContentResponseHasNoTtstNorIcl) {
  auto r = make_record(0, {400}, 3);
  const auto v = compute(r, context(true));
  EXPECT_TRUE(v.has(MetricId::kTimeToFirstToken));
  EXPECT_FALSE(v.has(MetricId::kTimeToSecondToken));
  EXPECT_TRUE(v.inter_chunk_ns.empty());
  EXPECT_FALSE(v.has(MetricId::kTimeToFirstOutputToken));  // first_output_ts unset
}

TEST(RecordMetrics, NonStreamingDropsStreamingOnlyMetrics) {
  auto r = make_record(1000, {5000}, 10, 50);
  const auto v = compute(r, context(false));
  EXPECT_FALSE(v.has(MetricId::kTimeToFirstToken));
  EXPECT_FALSE(v.has(MetricId::kInterTokenLatency));
  EXPECT_FALSE(v.has(MetricId::kPrefillThroughputPerUser));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kRequestLatency), 4000);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kE2eOutputTokenThroughput), 10.0 / 4e-6);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInputSequenceLength), 50);
}

TEST(RecordMetrics, OutputTokenCountAbsentWhenZero) {
  auto r = make_record(0, {10, 20}, /*out=*/0);
  const auto v = compute(r, context(true));
  EXPECT_FALSE(v.has(MetricId::kOutputTokenCount));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kOutputSequenceLength), 0);
  auto none = make_record(0, {10, 20});
  EXPECT_FALSE(compute(none, context(true)).has(MetricId::kOutputSequenceLength));
}

TEST(RecordMetrics, ErrorRecordsOnlyGetErrorOnlyMetrics) {
  auto e = test::make_error(0, 500, "Internal Server Error", "boom");
  e.input_tokens = 42;
  e.content_ts = {10, 20};  // even if something arrived, no timing metric
  const auto v = compute(e, context(true));
  EXPECT_FALSE(v.valid);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kErrorIsl), 42);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kErrorRequestCount), 1);
  EXPECT_FALSE(v.has(MetricId::kRequestLatency));
  EXPECT_FALSE(v.has(MetricId::kInputSequenceLength));
  EXPECT_FALSE(v.has(MetricId::kRequestCount));
  EXPECT_EQ(v.scalars.size(), 2u);
}

TEST(RecordMetrics, OslMismatchThresholds) {
  auto ctx = context(false);
  auto run = [&](int64_t requested, int64_t osl) {
    auto r = make_record(0, {100}, osl);
    r.requested_osl = requested;
    return compute(r, ctx);
  };
  // requested 100: threshold min(5 % of 100, 50) = 5 tokens; strictly greater counts.
  EXPECT_DOUBLE_EQ(*run(100, 94).get(MetricId::kOslMismatchCount), 1);
  EXPECT_DOUBLE_EQ(*run(100, 95).get(MetricId::kOslMismatchCount), 0);
  EXPECT_DOUBLE_EQ(*run(100, 94).get(MetricId::kOslMismatchDiffPct), -6.0);
  EXPECT_DOUBLE_EQ(*run(100, 120).get(MetricId::kOslMismatchDiffPct), 20.0);
  // requested 2000: capped at 50 tokens (5 % would be 100).
  EXPECT_DOUBLE_EQ(*run(2000, 1949).get(MetricId::kOslMismatchCount), 1);
  EXPECT_DOUBLE_EQ(*run(2000, 1950).get(MetricId::kOslMismatchCount), 0);
  // No requested OSL: neither metric.
  auto r = make_record(0, {100}, 10);
  EXPECT_FALSE(compute(r, ctx).has(MetricId::kOslMismatchCount));
  EXPECT_FALSE(compute(r, ctx).has(MetricId::kOslMismatchDiffPct));
}

TEST(RecordMetrics, UsageFieldsDiffsAndDiscrepancy) {
  auto ctx = context(false);
  auto make = [&](int64_t prompt, int64_t completion) {
    auto r = make_record(0, {100}, /*out=*/50, /*in=*/100);
    record::Usage u;
    u.prompt_tokens = prompt;
    u.completion_tokens = completion;
    u.total_tokens = prompt + completion;
    u.prompt_cache_read_tokens = 30;
    r.usage = u;
    return compute(r, ctx);
  };
  const auto ok = make(110, 50);
  EXPECT_DOUBLE_EQ(*ok.get(MetricId::kUsagePromptTokens), 110);
  EXPECT_DOUBLE_EQ(*ok.get(MetricId::kUsageTotalTokens), 160);
  EXPECT_DOUBLE_EQ(*ok.get(MetricId::kUsagePromptCacheReadTokens), 30);
  EXPECT_FALSE(ok.has(MetricId::kUsageReasoningTokens));
  EXPECT_DOUBLE_EQ(*ok.get(MetricId::kUsagePromptTokensDiffPct), 10.0);
  EXPECT_DOUBLE_EQ(*ok.get(MetricId::kUsageCompletionTokensDiffPct), 0.0);
  EXPECT_DOUBLE_EQ(*ok.get(MetricId::kUsageDiscrepancyCount), 0);  // 10 % is not > 10 %
  EXPECT_DOUBLE_EQ(*make(111, 50).get(MetricId::kUsageDiscrepancyCount), 1);
  EXPECT_DOUBLE_EQ(*make(100, 56).get(MetricId::kUsageDiscrepancyCount), 1);  // completion 12 %

  // Without usage: no usage metric at all.
  auto bare = make_record(0, {100}, 50, 100);
  const auto none = compute(bare, ctx);
  EXPECT_FALSE(none.has(MetricId::kUsagePromptTokens));
  EXPECT_FALSE(none.has(MetricId::kUsageDiscrepancyCount));

  // --use-server-token-count disables the diff metrics (USAGE_DIFF_ONLY).
  RunContext server = context(false);
  server.use_server_token_count = true;
  server.finalize();
  auto r = make_record(0, {100}, 50, 100);
  r.usage = record::Usage{};
  r.usage->prompt_tokens = 150;
  const auto sv = compute(r, server);
  EXPECT_TRUE(sv.has(MetricId::kUsagePromptTokens));
  EXPECT_FALSE(sv.has(MetricId::kUsagePromptTokensDiffPct));
  EXPECT_FALSE(sv.has(MetricId::kUsageDiscrepancyCount));
}

TEST(RecordMetrics, ScheduledExtensions) {
  auto r = make_record(1000, {1500, 2500}, 4);
  r.scheduled_ns = 900;
  const auto v = compute(r, context(true));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kSendLateness), 100);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kScheduledRequestLatency), 1600);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kScheduledTimeToFirstToken), 600);
  auto unscheduled = make_record(1000, {1500, 2500}, 4);
  EXPECT_FALSE(compute(unscheduled, context(true)).has(MetricId::kSendLateness));
}

TEST(RecordMetrics, ExperimentalAndInternal) {
  auto r = make_record(1000, {1500, 2500}, 4);
  r.ack_ns = 1100;
  r.credit_ns = 990;
  auto ctx = context(true);
  auto v = compute(r, ctx);
  EXPECT_FALSE(v.has(MetricId::kStreamSetupLatency));          // experimental: off by default
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kCreditDropLatency), 10);  // internal: computed
  ctx.show_experimental = true;
  ctx.finalize();
  v = compute(r, ctx);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kStreamSetupLatency), 100);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kStreamPrefillLatency), 400);
}

TEST(Catalog, MatchesSpec) {
  const auto& ttft = metric_info(MetricId::kTimeToFirstToken);
  EXPECT_EQ(ttft.tag, "time_to_first_token");
  EXPECT_EQ(ttft.display_unit, "ms");
  EXPECT_EQ(ttft.display_order, 100);
  EXPECT_EQ(ttft.flags, uint32_t(kStreamingTokensOnly));
  EXPECT_EQ(metric_info(MetricId::kRequestCount).display_order, 1100);
  EXPECT_EQ(metric_info(MetricId::kGoodput).display_order, 1000);
  EXPECT_EQ(metric_info(MetricId::kBenchmarkDuration).display_unit, "sec");
  EXPECT_EQ(metric_info(MetricId::kGoodRequestFraction).header, "GoodRequestFraction");
  EXPECT_EQ(find_metric("total_usage_prompt_cache_read_tokens")->display_order, 2010);
  EXPECT_EQ(find_metric("nope"), nullptr);
  for (const auto& m : catalog()) {
    EXPECT_EQ(find_metric(m.tag), &m) << m.tag;  // tags unique
  }
}

}  // namespace
}  // namespace aiperf::metrics
