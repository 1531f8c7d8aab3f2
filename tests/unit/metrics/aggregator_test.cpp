// Aggregation, derived metrics, throughput denominators and goodput (spec §2.3, §2.5, §2.7).
#include <gtest/gtest.h>

#include "aiperf/common/error.h"
#include "test_util.h"

namespace aiperf::metrics {
namespace {

using test::context;
using test::make_record;

constexpr int64_t kSec = 1'000'000'000;

/// Three valid records (latencies 0.5 s, 3 s, 0.2 s starting at 0, 1, 2 s; OSL 10/20/30;
/// ISL 100 each) and one error record that started earlier (-5 s).
std::vector<record::ProcessedRecord> scenario() {
  std::vector<record::ProcessedRecord> recs;
  recs.push_back(make_record(0, {kSec / 2}, 10, 100));
  recs.push_back(make_record(1 * kSec, {4 * kSec}, 20, 100));
  recs.push_back(make_record(2 * kSec, {2 * kSec + kSec / 5}, 30, 100));
  auto e = test::make_error(-5 * kSec, 503, "Service Unavailable", "overloaded");
  e.input_tokens = 7;
  recs.push_back(e);
  return recs;
}

double value(const Results& r, MetricId id) {
  const MetricResult* m = r.find(id);
  EXPECT_NE(m, nullptr) << metric_info(id).tag;
  return m ? m->value : -1;
}

TEST(Aggregator, ThroughputDenominatorIsValidWallSpan) {
  Aggregator agg(context(false));
  for (const auto& r : scenario()) agg.add(r);
  auto warm = make_record(-100 * kSec, {200 * kSec}, 1000, 100);
  warm.phase = record::Phase::kWarmup;
  EXPECT_TRUE(agg.add(warm).empty());  // warmup ignored entirely
  const Results res = agg.finish();

  // min start 0 s .. max(start + latency) = 1 + 3 = 4 s; the error record is excluded.
  EXPECT_DOUBLE_EQ(value(res, MetricId::kBenchmarkDuration), 4.0);  // display: sec
  EXPECT_EQ(res.min_request_wall_ns, test::kWall0);
  EXPECT_EQ(res.max_response_wall_ns, test::kWall0 + 4 * kSec);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kRequestCount), 3);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kErrorRequestCount), 1);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kRequestThroughput), 0.75);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kTotalOsl), 60);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kTotalIsl), 300);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kOutputTokenThroughput), 15.0);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kTotalTokenThroughput), 90.0);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kTotalErrorIsl), 7);
  EXPECT_EQ(res.valid_count, 3);
  EXPECT_EQ(res.error_count, 1);
}

TEST(Aggregator, RecordMetricDistributionInDisplayUnits) {
  Aggregator agg(context(false));
  for (const auto& r : scenario()) agg.add(r);
  const Results res = agg.finish();
  const MetricResult* lat = res.find("request_latency");
  ASSERT_NE(lat, nullptr);
  ASSERT_TRUE(lat->distribution);
  EXPECT_EQ(lat->unit(), "ms");
  EXPECT_EQ(lat->stats.count, 3);
  EXPECT_DOUBLE_EQ(lat->stats.min, 200.0);
  EXPECT_DOUBLE_EQ(lat->stats.max, 3000.0);
  EXPECT_DOUBLE_EQ(lat->stats.avg, 1233.3333333333333);
  EXPECT_DOUBLE_EQ(lat->stats.p[4], 500.0);  // p50
  EXPECT_DOUBLE_EQ(lat->stats.sum, 3700.0);
  EXPECT_FALSE(res.find(MetricId::kTimeToFirstToken));  // non-streaming
}

// expect_records: each record metric's values are reserved at the expected count once (no
// doubling on the way), capped; the results are those of an aggregator without it.
TEST(Aggregator, ExpectedRecordsAreReservedOnceAndChangeNoResult) {
  Aggregator plain(context(false)), reserved(context(false));
  reserved.expect_records(1000);
  for (const auto& r : scenario()) plain.add(r), reserved.add(r);
  EXPECT_EQ(reserved.sample_count(), plain.sample_count());
  ASSERT_GT(plain.sample_count(), 0u);
  // Every metric that has values holds room for 1000 of them.
  EXPECT_EQ(reserved.sample_reserved_bytes() % (1000 * sizeof(double)), 0u);
  EXPECT_GE(reserved.sample_reserved_bytes(), 1000 * sizeof(double) * (plain.sample_count() / 3));
  EXPECT_LT(plain.sample_reserved_bytes(), reserved.sample_reserved_bytes());
  const Results a = plain.finish(), b = reserved.finish();
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (size_t i = 0; i < a.metrics.size(); ++i) {
    EXPECT_EQ(a.metrics[i].value, b.metrics[i].value);
    EXPECT_EQ(a.metrics[i].stats.p, b.metrics[i].stats.p);
  }
  Aggregator capped(context(false));
  capped.expect_records(size_t(1) << 40);
  capped.add(scenario()[0]);
  EXPECT_LE(capped.sample_reserved_bytes(),
            Aggregator::kMaxExpectedRecords * sizeof(double) * capped.sample_count());
}

TEST(Aggregator, NoErrorsMeansNoErrorCount) {
  Aggregator agg(context(false));
  agg.add(make_record(0, {kSec}, 5, 10));
  const Results res = agg.finish();
  EXPECT_EQ(res.find(MetricId::kErrorRequestCount), nullptr);
  EXPECT_TRUE(res.error_summary.empty());
}

TEST(Aggregator, ErrorSummaryGroupsAndSorts) {
  Aggregator agg(context(false));
  agg.add(test::make_error(0, 500, "Internal Server Error", "a"));
  agg.add(test::make_error(1, 429, "Too Many Requests", "slow down"));
  agg.add(test::make_error(2, 429, "Too Many Requests", "slow down"));
  const Results res = agg.finish();
  ASSERT_EQ(res.error_summary.size(), 2u);
  EXPECT_EQ(res.error_summary[0].code, 429);
  EXPECT_EQ(res.error_summary[0].count, 2);
  EXPECT_EQ(res.error_summary[1].message, "a");
  EXPECT_EQ(res.find(MetricId::kBenchmarkDuration), nullptr);  // no valid record
  EXPECT_EQ(res.find(MetricId::kRequestThroughput), nullptr);
}

TEST(Goodput, LatencySloInDisplayUnits) {
  RunContext ctx = context(false);
  ctx.goodput = parse_goodput({{"request_latency", 1000.0}}, ctx);  // 1000 ms
  ctx.finalize();
  ASSERT_EQ(ctx.goodput.size(), 1u);
  EXPECT_DOUBLE_EQ(ctx.goodput[0].threshold, 1e9);
  EXPECT_FALSE(ctx.goodput[0].larger_is_better);
  Aggregator agg(ctx);
  for (const auto& r : scenario()) agg.add(r);
  const Results res = agg.finish();
  EXPECT_DOUBLE_EQ(value(res, MetricId::kGoodRequestCount), 2);       // 0.5 s and 0.2 s
  EXPECT_DOUBLE_EQ(value(res, MetricId::kGoodput), 0.5);              // 2 / 4 s
  EXPECT_DOUBLE_EQ(value(res, MetricId::kGoodRequestFraction), 0.5);  // 2 / (3 + 1 error)
}

TEST(Goodput, LargerIsBetterAndMissingValueIsNotGood) {
  RunContext ctx = context(false);
  // e2e throughput per record: 10/0.5 = 20, 20/3 = 6.67, 30/0.2 = 150 tokens/sec/user
  ctx.goodput = parse_goodput({{"e2e_output_token_throughput", 10.0}}, ctx);
  ctx.finalize();
  EXPECT_TRUE(ctx.goodput[0].larger_is_better);
  Aggregator agg(ctx);
  for (const auto& r : scenario()) agg.add(r);
  agg.add(make_record(3 * kSec, {3 * kSec + 1000}));  // no OSL -> no e2e value -> not good
  const Results res = agg.finish();
  EXPECT_DOUBLE_EQ(value(res, MetricId::kGoodRequestCount), 2);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kRequestCount), 4);
}

TEST(Goodput, ValidationMessages) {
  RunContext ctx = context(false);
  try {
    parse_goodput({{"nope", 1.0}}, ctx);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Unknown metric tag(s) in --goodput: nope.");
  }
  try {
    parse_goodput({{"time_to_first_token", 100.0}, {"inter_token_latency", 5.0}}, ctx);
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "Invalid --goodput: metric(s) time_to_first_token, inter_token_latency are not "
                 "applicable to the current endpoint/configuration.");
  }
  RunContext streaming = context(true);
  const auto slos = parse_goodput({{"time_to_first_token", 250.0}}, streaming);
  EXPECT_DOUBLE_EQ(slos[0].threshold, 2.5e8);
}

// AIPerf's documented line --goodput "request_latency:250 inter_token_latency:10" without
// --streaming: the ITL SLO is left out with one warning; goodput counts the latency SLO.
TEST(Goodput, SlosThatDoNotApplyAreLeftOutWithAWarning) {
  RunContext ctx = context(false);
  std::vector<std::string> warnings;
  const auto slos =
      parse_goodput({{"request_latency", 250.0}, {"inter_token_latency", 10.0}}, ctx, &warnings);
  ASSERT_EQ(slos.size(), 1u);
  EXPECT_EQ(slos[0].id, MetricId::kRequestLatency);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("inter_token_latency"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("--streaming"), std::string::npos) << warnings[0];
  // None applies: still the error, even with somewhere to put warnings.
  warnings.clear();
  EXPECT_THROW(parse_goodput({{"inter_token_latency", 10.0}}, ctx, &warnings), ConfigError);

  config::Config cfg;
  cfg.models = {"m"};
  cfg.goodput = {{"request_latency", 250.0}, {"inter_token_latency", 10.0}};
  const RunContext made = make_run_context(cfg);
  EXPECT_EQ(made.goodput.size(), 1u);
  EXPECT_EQ(made.warnings.size(), 1u);
  EXPECT_TRUE(made.is_applicable(MetricId::kGoodput));
}

TEST(Goodput, WithoutSlosGoodputMetricsAreNotApplicable) {
  const RunContext ctx = context(true);
  EXPECT_FALSE(ctx.is_applicable(MetricId::kGoodput));
  EXPECT_FALSE(ctx.is_applicable(MetricId::kGoodRequestCount));
  EXPECT_TRUE(ctx.is_applicable(MetricId::kRequestLatency));
}

TEST(Aggregator, InterChunkLatencyIsExactAcrossRecords) {
  Aggregator agg(context(true));
  agg.add(make_record(0, {100, 200, 400}, 3));        // gaps 100, 200
  agg.add(make_record(1000, {1100, 1400, 1800}, 3));  // gaps 300, 400
  const Results res = agg.finish();
  const MetricResult* icl = res.find(MetricId::kInterChunkLatency);
  ASSERT_NE(icl, nullptr);
  EXPECT_EQ(icl->stats.count, 4);
  EXPECT_DOUBLE_EQ(icl->stats.avg, 250.0 / 1e6);
  EXPECT_DOUBLE_EQ(icl->stats.p[4], 250.0 / 1e6);
  EXPECT_DOUBLE_EQ(icl->stats.max, 400.0 / 1e6);
}

TEST(Aggregator, UsageTotalsAndCacheReadPct) {
  Aggregator agg(context(false));
  for (int i = 0; i < 2; ++i) {
    auto r = make_record(i * kSec, {i * kSec + kSec}, 10, 100);
    r.usage = record::Usage{};
    r.usage->prompt_tokens = 200;
    r.usage->prompt_cache_read_tokens = 50 * (i + 1);  // 50, 100
    agg.add(r);
  }
  const Results res = agg.finish();
  EXPECT_DOUBLE_EQ(value(res, MetricId::kTotalUsagePromptTokens), 400);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kTotalUsagePromptCacheReadTokens), 150);
  EXPECT_DOUBLE_EQ(value(res, MetricId::kOverallUsagePromptCacheReadPct), 37.5);
  EXPECT_EQ(res.find(MetricId::kTotalUsageCompletionTokens), nullptr);
}

}  // namespace
}  // namespace aiperf::metrics
