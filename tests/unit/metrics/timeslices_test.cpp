// Time slices (spec §2.8, §6.6): records bucketed by start time on epoch-aligned boundaries,
// empty slices skipped, per-slice derived metrics, counts adding up to the run's totals, and
// the two export files.
#include "aiperf/metrics/timeslices.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/export/export.h"
#include "test_util.h"

namespace aiperf::metrics {
namespace {

using test::context;
using test::make_error;
using test::make_record;

constexpr int64_t kSec = 1'000'000'000;

std::vector<record::ProcessedRecord> records() {
  std::vector<record::ProcessedRecord> recs;
  recs.push_back(make_record(0, {kSec / 4}, 10, 100));                    // slice 0
  recs.push_back(make_record(kSec / 2, {3 * kSec}, 20, 100));             // slice 0 (ends in 3)
  recs.push_back(make_record(12 * kSec / 10, {13 * kSec / 10}, 5, 100));  // slice 1
  recs.push_back(make_record(19 * kSec / 10, {2 * kSec}, 5, 100));        // slice 1
  recs.push_back(make_error(11 * kSec / 10, 500, "Error", "boom"));       // slice 1
  recs.push_back(make_record(35 * kSec / 10, {4 * kSec}, 7, 100));        // slice 3 -> index 2
  return recs;
}

double value(const Results& r, MetricId id) {
  const MetricResult* m = r.find(id);
  return m ? m->value : -1;
}

TEST(Timeslices, EpochAlignedSlotsOfStartTime) {
  EXPECT_EQ(TimesliceAggregator::slice_of(1'700'000'000'999'999'999, kSec), 1'700'000'000);
  EXPECT_EQ(TimesliceAggregator::slice_of(1'700'000'001'000'000'000, kSec), 1'700'000'001);
  EXPECT_EQ(TimesliceAggregator::slice_of(-1, kSec), -1);
}

TEST(Timeslices, CountsAddUpAndDerivedMetricsArePerSlice) {
  const RunContext ctx = context(true);
  TimesliceAggregator slices(ctx, 1.0);
  Aggregator total(ctx);
  for (const auto& r : records()) slices.add(r, total.add(r));
  auto warm = make_record(0, {kSec}, 1, 1);
  warm.phase = record::Phase::kWarmup;
  slices.add(warm, RecordValues{});  // ignored
  std::vector<Results> out = slices.finish();
  Results all = total.finish();
  ASSERT_EQ(out.size(), 3u);  // slice 2 of the epoch window had no request start: skipped
  EXPECT_EQ(value(out[0], MetricId::kRequestCount), 2);
  EXPECT_EQ(value(out[1], MetricId::kRequestCount), 2);
  EXPECT_EQ(value(out[1], MetricId::kErrorRequestCount), 1);
  EXPECT_EQ(value(out[2], MetricId::kRequestCount), 1);
  double requests = 0, tokens = 0;
  for (const auto& s : out) {
    requests += value(s, MetricId::kRequestCount);
    tokens += value(s, MetricId::kTotalOutputTokens);
  }
  EXPECT_EQ(requests, value(all, MetricId::kRequestCount));
  EXPECT_EQ(tokens, value(all, MetricId::kTotalOutputTokens));
  // Slice 0: first start 0, last response 3 s (a request may end after its slice).
  EXPECT_DOUBLE_EQ(value(out[0], MetricId::kBenchmarkDuration), 3.0);
  EXPECT_DOUBLE_EQ(value(out[0], MetricId::kRequestThroughput), 2.0 / 3.0);
  EXPECT_DOUBLE_EQ(value(out[1], MetricId::kBenchmarkDuration), 0.8);
}

TEST(Timeslices, Exports) {
  const RunContext ctx = context(true);
  TimesliceAggregator slices(ctx, 1.0);
  for (const auto& r : records()) slices.add(r, test::compute(r, ctx));
  std::vector<Results> out = slices.finish();
  config::Config cfg;
  cfg.models = {"m"};
  auto j = nlohmann::json::parse(exporter::render_timeslices_json(out, ctx, cfg));
  ASSERT_EQ(j["timeslices"].size(), 3u);
  EXPECT_EQ(j["timeslices"][2]["timeslice_index"], 2);
  EXPECT_EQ(j["timeslices"][0]["request_count"]["avg"], 2.0);
  EXPECT_EQ(j["timeslices"][0]["request_latency"]["unit"], "ms");
  EXPECT_EQ(j["timeslices"][0]["request_latency"]["count"], 2);
  EXPECT_TRUE(j.contains("input_config"));
  const std::string csv = exporter::render_timeslices_csv(out, ctx);
  EXPECT_EQ(csv.substr(0, csv.find("\r\n")), "Timeslice,Metric,Unit,Stat,Value");
  EXPECT_NE(csv.find("\r\n0,Request Count,requests,avg,2.00\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("\r\n0,Request Latency,ms,p50,"), std::string::npos);
  EXPECT_NE(csv.find("\r\n2,Request Count,requests,avg,1.00\r\n"), std::string::npos);
  EXPECT_EQ(csv.find("Request Count,requests,p50"), std::string::npos);  // counters: avg only
}

}  // namespace
}  // namespace aiperf::metrics
