// Window statistics on hand-computed cases: gauges with one sample, counters with resets and
// series created mid-run, histograms with empty buckets, the bucket percentile estimator, and
// the run-length store that feeds them.
#include "aiperf/telemetry/series_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "aiperf/telemetry/series_store.h"
#include "aiperf/telemetry/server_metrics.h"
#include "test_util.h"

namespace aiperf::telemetry {
namespace {

constexpr int64_t kS = 1'000'000'000;

TEST(GaugeStats, OneSampleHasZeroStdAndEveryPercentileEqual) {
  auto g = gauge_stats({{10, 5.0}}, Window{0, 100});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->count, 1u);
  EXPECT_EQ(g->avg, 5.0);
  EXPECT_EQ(g->std, 0.0);
  for (double p : g->p) EXPECT_EQ(p, 5.0);
}

TEST(GaugeStats, OnlyInWindowFiniteSamplesSampleStdAndLinearPercentiles) {
  std::vector<Point> pts = {{0, 100}, {10, 1}, {20, 2}, {25, NAN}, {30, 3}, {40, 4}, {50, -9}};
  auto g = gauge_stats(pts, Window{10, 40});
  ASSERT_TRUE(g);
  EXPECT_EQ(g->count, 4u);
  EXPECT_DOUBLE_EQ(g->avg, 2.5);
  EXPECT_DOUBLE_EQ(g->sum, 10.0);
  EXPECT_NEAR(g->std, std::sqrt(5.0 / 3.0), 1e-12);  // ddof = 1
  EXPECT_EQ(g->min, 1.0);
  EXPECT_EQ(g->max, 4.0);
  EXPECT_DOUBLE_EQ(g->p[4], 2.5);   // p50
  EXPECT_DOUBLE_EQ(g->p[6], 3.7);   // p90: position 2.7
  EXPECT_DOUBLE_EQ(g->p[0], 1.03);  // p1: position 0.03
  EXPECT_FALSE(gauge_stats(pts, Window{41, 49}));
}

TEST(CounterStats, IncreaseFromTheReferencePointAndRate) {
  std::vector<Point> pts = {
      {0, 100}, {10 * kS, 110}, {20 * kS, 130}, {40 * kS, 160}, {50 * kS, 999}};
  auto c = counter_stats(pts, Window{5 * kS, 40 * kS});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->total, 60.0);
  EXPECT_DOUBLE_EQ(c->duration_s, 40.0);  // from the reference point
  EXPECT_DOUBLE_EQ(c->rate, 1.5);
  EXPECT_EQ(c->resets, 0);
}

TEST(CounterStats, AResetCountsAsARestartFromZero) {
  // 100 -> 150 (+50), restart to 20 (+20), 50 (+30). AIPerf's last - reference would give 0.
  std::vector<Point> pts = {{0, 100}, {1 * kS, 150}, {2 * kS, 20}, {3 * kS, 50}};
  auto c = counter_stats(pts, Window{1, 3 * kS});
  ASSERT_TRUE(c);
  EXPECT_EQ(c->total, 100.0);
  EXPECT_EQ(c->resets, 1);
  EXPECT_DOUBLE_EQ(c->rate, 100.0 / 3.0);
}

TEST(CounterStats, SeriesCreatedMidRunStartsFromZero) {
  std::vector<Point> pts = {{5 * kS, 3}, {6 * kS, 7}};
  auto born = counter_stats(pts, Window{0, 10 * kS}, /*born_after_first_scrape=*/true);
  ASSERT_TRUE(born);
  EXPECT_EQ(born->total, 7.0);
  auto old = counter_stats(pts, Window{0, 10 * kS}, false);
  EXPECT_EQ(old->total, 4.0);  // present from the first scrape: its first value is the base
  EXPECT_FALSE(counter_stats(pts, Window{7 * kS, 9 * kS}));
}

HistogramSeriesData two_scrape_histogram() {
  HistogramSeriesData h;
  h.bounds = {0.1, 0.5, 1.0, INFINITY};
  h.t_ns = {0, 10 * kS};
  h.cumul = {{1, 2, 2, 2}, {1, 5, 5, 6}};
  h.sum = {0.5, 4.0};
  h.count = {2, 6};
  return h;
}

TEST(HistogramStats, BucketIncreasesWithEmptyBucketsAndEstimates) {
  auto r = histogram_stats(two_scrape_histogram(), Window{1, 10 * kS});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count, 4.0);
  EXPECT_DOUBLE_EQ(r->sum, 3.5);
  EXPECT_DOUBLE_EQ(r->avg, 0.875);
  EXPECT_DOUBLE_EQ(*r->count_rate, 0.4);
  EXPECT_DOUBLE_EQ(*r->sum_rate, 0.35);
  EXPECT_EQ(r->bucket_deltas, (std::vector<double>{0, 3, 3, 4}));
  ASSERT_TRUE(r->p_estimate);
  // p50: rank 2 in (0.1, 0.5] holding 3 -> 0.1 + 0.4 * 2/3.
  EXPECT_NEAR((*r->p_estimate)[4], 0.1 + 0.4 * 2.0 / 3.0, 1e-12);
  // p99: rank 3.96 in +Inf; finite midpoint estimate 3 * 0.3 = 0.9, so the +Inf observation
  // averages 2.6, spread over (1, 4.2].
  EXPECT_NEAR((*r->p_estimate)[8], 1.0 + 3.2 * 0.96, 1e-9);
}

TEST(HistogramStats, NoObservationsGiveCountZeroAndNoEstimates) {
  HistogramSeriesData h = two_scrape_histogram();
  h.cumul[1] = h.cumul[0];
  h.sum[1] = h.sum[0];
  h.count[1] = h.count[0];
  auto r = histogram_stats(h, Window{1, 10 * kS});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->count, 0.0);
  EXPECT_FALSE(r->p_estimate);
  EXPECT_EQ(r->bucket_deltas, (std::vector<double>{0, 0, 0, 0}));
}

TEST(HistogramStats, ResetReadFromCountAndMidRunCreation) {
  HistogramSeriesData h;
  h.bounds = {1, INFINITY};
  h.t_ns = {0, kS, 2 * kS};
  h.cumul = {{8, 10}, {1, 1}, {2, 3}};  // restarted between the first two scrapes
  h.sum = {9, 0.5, 2.0};
  h.count = {10, 1, 3};
  auto r = histogram_stats(h, Window{1, 2 * kS});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->resets, 1);
  EXPECT_EQ(r->count, 3.0);
  EXPECT_EQ(r->sum, 2.0);
  EXPECT_EQ(r->bucket_deltas, (std::vector<double>{2, 3}));
  // Created mid-run (absent from an earlier scrape): its first values count.
  HistogramSeriesData b;
  b.bounds = {1, INFINITY};
  b.t_ns = {5 * kS};
  b.cumul = {{1, 2}};
  b.sum = {1.5};
  b.count = {2};
  b.born_after_first_scrape = true;
  auto rb = histogram_stats(b, Window{0, 10 * kS});
  ASSERT_TRUE(rb);
  EXPECT_EQ(rb->count, 2.0);
  EXPECT_EQ(rb->bucket_deltas, (std::vector<double>{1, 2}));
}

TEST(HistogramStats, BucketMeansLearnedFromSingleBucketIntervals) {
  // Every interval's observations land in (0.02, 0.04]: their exact mean, 0.0215, centres the
  // estimate instead of the bucket's midpoint (0.03).
  HistogramSeriesData h;
  h.bounds = {0.02, 0.04, INFINITY};
  h.t_ns = {0, kS, 2 * kS};
  h.cumul = {{0, 0, 0}, {0, 2, 2}, {0, 4, 4}};
  h.sum = {0, 0.042, 0.086};
  h.count = {0, 2, 4};
  auto r = histogram_stats(h, Window{1, 2 * kS});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->bucket_means.size(), 3u);
  EXPECT_TRUE(std::isnan(r->bucket_means[0]));
  EXPECT_DOUBLE_EQ(r->bucket_means[1], 0.0215);
  ASSERT_TRUE(r->p_estimate);
  EXPECT_NEAR((*r->p_estimate)[4], 0.0215, 1e-12);               // p50 at the mean
  EXPECT_NEAR((*r->p_estimate)[8], 0.02 + 0.003 * 0.99, 1e-12);  // spread over [0.02, 0.023]
  // An interval touching two buckets teaches nothing.
  h.cumul[2] = {1, 4, 4};
  r = histogram_stats(h, Window{1, 2 * kS});
  EXPECT_DOUBLE_EQ(r->bucket_means[1], 0.021);  // only the first interval: 0.042 / 2
}

TEST(EstimateQuantile, PrometheusInterpolationAndEdges) {
  std::vector<double> bounds = {1, 2, 4, INFINITY};
  std::vector<double> cumul = {10, 30, 40, 40};
  EXPECT_DOUBLE_EQ(estimate_quantile(bounds, cumul, 50, 0.25), 1.0);  // rank 10 = first bucket end
  EXPECT_DOUBLE_EQ(estimate_quantile(bounds, cumul, 50, 0.1), 0.4);   // first bucket from 0
  EXPECT_DOUBLE_EQ(estimate_quantile(bounds, cumul, 50, 0.5), 1.5);
  EXPECT_DOUBLE_EQ(estimate_quantile(bounds, cumul, 50, 1.0), 4.0);
  // Without a usable sum the +Inf bucket answers the last finite bound, as Prometheus does.
  EXPECT_DOUBLE_EQ(estimate_quantile({1, INFINITY}, {0, 5}, NAN, 0.5), 1.0);
  EXPECT_TRUE(std::isnan(estimate_quantile({1, INFINITY}, {0, 0}, 0, 0.5)));
  // A non-positive first bound is answered as is.
  EXPECT_DOUBLE_EQ(estimate_quantile({-1, 0, INFINITY}, {4, 4, 4}, -4, 0.5), -1.0);
}

TEST(Units, SuffixTableLongestFirst) {
  EXPECT_EQ(infer_unit("vllm:e2e_request_latency_seconds"), "seconds");
  EXPECT_EQ(infer_unit("vllm:prompt_tokens"), "tokens");
  EXPECT_EQ(infer_unit("vllm:request_success"), "requests");
  EXPECT_EQ(infer_unit("x_tokens_total"), "tokens");
  EXPECT_EQ(infer_unit("process_resident_memory_bytes"), "bytes");
  EXPECT_EQ(infer_unit("vllm:kv_cache_usage_perc"), "percent");
  EXPECT_EQ(infer_unit("nv_inference_queue_duration_us"), "microseconds");
  EXPECT_EQ(infer_unit("vllm:num_preemptions"), "");
}

// ------------------------------------------------------------------------------- store

TEST(EndpointStore, RunsPositionsAndMidRunSeries) {
  EndpointStore st;
  Exposition x;
  ASSERT_TRUE(test::parse_text("# TYPE g gauge\ng 1\n# TYPE c counter\nc_total 5\n", &x));
  st.ingest(x, 1 * kS, 101);
  st.ingest(x, 2 * kS, 102);
  ASSERT_TRUE(test::parse_text(
      "# TYPE g gauge\ng 2\n# TYPE c counter\nc_total 5\nc_created 1\n# TYPE n gauge\nn 7\n", &x));
  st.ingest(x, 3 * kS, 103);
  ASSERT_EQ(st.series().size(), 3u);  // g, c, n (c_created skipped)
  const StoredSeries& g = st.series()[0];
  ASSERT_EQ(g.runs.size(), 2u);
  EXPECT_EQ(g.runs[0].count, 2u);
  EXPECT_EQ(st.families()[st.series()[1].family].name, "c");  // _total dropped
  EXPECT_EQ(st.series()[1].runs.size(), 1u);
  EXPECT_EQ(st.series()[1].runs[0].count, 3u);
  EXPECT_TRUE(st.series()[2].born_late);
  EXPECT_FALSE(st.series()[0].born_late);
  EXPECT_EQ(st.value_at(g, 1), 1.0);
  EXPECT_EQ(st.value_at(g, 2), 2.0);
  EXPECT_TRUE(std::isnan(st.value_at(st.series()[2], 0)));
  st.trim_before(3 * kS);
  EXPECT_EQ(st.series()[0].runs.size(), 2u);  // the reference run stays
  auto pts = st.points(st.series()[1]);
  ASSERT_EQ(pts.size(), 3u);
  EXPECT_EQ(pts[2].t_ns, 3 * kS);
}

TEST(EndpointStore, SummariesAreSkippedAndHistogramsGroupedForStatistics) {
  EndpointStore st;
  Exposition x;
  auto body = [](int n, double sum) {
    return "# TYPE h histogram\nh_bucket{m=\"a\",le=\"0.5\"} " + std::to_string(n) +
           "\nh_bucket{m=\"a\",le=\"+Inf\"} " + std::to_string(n) + "\nh_sum{m=\"a\"} " +
           std::to_string(sum) + "\nh_count{m=\"a\"} " + std::to_string(n) +
           "\n# TYPE s summary\ns{quantile=\"0.5\"} 1\ns_sum 1\ns_count 1\n"
           "# TYPE r counter\nr_total{reason=\"stop\"} " +
           std::to_string(n) + "\n";
  };
  ASSERT_TRUE(test::parse_text(body(2, 0.5), &x));
  st.ingest(x, 1 * kS, 0);
  ASSERT_TRUE(test::parse_text(body(5, 1.25), &x));
  st.ingest(x, 2 * kS, 0);
  std::map<std::string, ServerMetric> out;
  summarize_store(st, "http://h/metrics", Window{kS + 1, 2 * kS}, &out);
  EXPECT_FALSE(out.count("s"));
  ASSERT_TRUE(out.count("h"));
  ASSERT_EQ(out["h"].series.size(), 1u);
  const SeriesResult& h = out["h"].series[0];
  ASSERT_TRUE(h.histogram);
  EXPECT_EQ(h.histogram->count, 3.0);
  EXPECT_DOUBLE_EQ(h.histogram->sum, 0.75);
  EXPECT_EQ(h.bucket_les, (std::vector<std::string>{"0.5", "+Inf"}));
  EXPECT_EQ(h.labels, (LabelList{{"m", "a"}}));
  ASSERT_TRUE(out.count("r"));
  EXPECT_EQ(out["r"].series[0].counter->total, 3.0);
  EXPECT_EQ(out["r"].type, MetricType::kCounter);
}

}  // namespace
}  // namespace aiperf::telemetry
