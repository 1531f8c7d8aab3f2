// Time slices (--slice-duration) on hand-computed cases: the cut of the window, gauges per
// slice, counter and histogram increases per slice that add up to the window's totals (resets
// and series created mid-run included), the rate spread over complete slices, and the export.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "aiperf/telemetry/series_stats.h"
#include "aiperf/telemetry/series_store.h"
#include "aiperf/telemetry/server_metrics.h"
#include "test_util.h"

namespace aiperf::telemetry {
namespace {

constexpr int64_t kS = 1'000'000'000;

TEST(WindowSlices, CutFromTheStartWithAPartialLastSlice) {
  auto s = window_slices(Window{0, 10 * kS}, 3.0);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].start_ns, 0);
  EXPECT_EQ(s[0].end_ns, 3 * kS);
  EXPECT_TRUE(s[2].complete);
  EXPECT_EQ(s[3].start_ns, 9 * kS);
  EXPECT_EQ(s[3].end_ns, 10 * kS);
  EXPECT_FALSE(s[3].complete);

  auto exact = window_slices(Window{0, 10 * kS}, 2.5);
  ASSERT_EQ(exact.size(), 4u);
  EXPECT_TRUE(exact[3].complete);

  auto longer = window_slices(Window{0, 10 * kS}, 20.0);  // one partial slice, as AIPerf cuts it
  ASSERT_EQ(longer.size(), 1u);
  EXPECT_FALSE(longer[0].complete);
  EXPECT_EQ(longer[0].end_ns, 10 * kS);

  EXPECT_TRUE(window_slices(Window{0, 10 * kS}, 0.0).empty());
  EXPECT_TRUE(window_slices(Window{5, 5}, 1.0).empty());
}

TEST(GaugeSlices, HalfOpenSlicesTheLastClosedEmptyOnesLeftOut) {
  const Window w{10 * kS, 20 * kS};
  const auto slices = window_slices(w, 4.0);  // [10,14) [14,18) [18,20]
  std::vector<Point> pts = {{9 * kS, 1},  {10 * kS, 2},  {12 * kS, 4},  {14 * kS, 6},
                            {17 * kS, 8}, {20 * kS, 10}, {21 * kS, 100}};
  auto g = gauge_slices(pts, slices);
  ASSERT_EQ(g.size(), 3u);
  EXPECT_DOUBLE_EQ(g[0].avg, 3.0);
  EXPECT_EQ(g[0].min, 2.0);
  EXPECT_EQ(g[0].max, 4.0);
  EXPECT_DOUBLE_EQ(g[1].avg, 7.0);
  EXPECT_DOUBLE_EQ(g[2].avg, 10.0);  // t = end belongs to the last slice
  EXPECT_FALSE(g[2].slice.complete);

  auto sparse = gauge_slices({{10 * kS, 1}, {19 * kS, 3}}, slices);
  ASSERT_EQ(sparse.size(), 2u);  // the middle slice has no point
  EXPECT_EQ(sparse[1].slice.start_ns, 18 * kS);
}

TEST(CounterSlices, IncreasesWithAResetAddUpToTheTotal) {
  const Window w{10 * kS, 20 * kS};
  const auto slices = window_slices(w, 4.0);
  std::vector<Point> pts = {{9 * kS, 100}, {11 * kS, 110}, {13 * kS, 130}, {14 * kS, 140},
                            {16 * kS, 5},  {19 * kS, 25},  {20 * kS, 30}};
  auto c = counter_slices(pts, w, slices);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_DOUBLE_EQ(c[0].total, 40.0);  // 100 (reference) -> 140
  EXPECT_DOUBLE_EQ(c[0].rate, 10.0);
  EXPECT_DOUBLE_EQ(c[1].total, 5.0);  // 140 -> restart -> 5
  EXPECT_DOUBLE_EQ(c[1].rate, 1.25);
  EXPECT_DOUBLE_EQ(c[2].total, 25.0);  // 5 -> 30 over the partial 2 s slice
  EXPECT_DOUBLE_EQ(c[2].rate, 12.5);
  auto total = counter_stats(pts, w);
  ASSERT_TRUE(total);
  EXPECT_DOUBLE_EQ(c[0].total + c[1].total + c[2].total, total->total);

  auto spread = rate_spread(c);  // complete slices only: 10 and 1.25
  ASSERT_TRUE(spread);
  EXPECT_DOUBLE_EQ(spread->avg, 5.625);
  EXPECT_EQ(spread->min, 1.25);
  EXPECT_EQ(spread->max, 10.0);
  EXPECT_NEAR(spread->std, 8.75 / std::sqrt(2.0), 1e-12);

  std::vector<CounterSlice> partial_only = {c[2]};
  EXPECT_FALSE(rate_spread(partial_only));
}

TEST(CounterSlices, MidRunSeriesStartsFromZeroOtherwiseFromItsFirstPoint) {
  const Window w{10 * kS, 20 * kS};
  const auto slices = window_slices(w, 4.0);
  std::vector<Point> pts = {{12 * kS, 5}, {15 * kS, 9}};
  auto born = counter_slices(pts, w, slices, /*born_after_first_scrape=*/true);
  ASSERT_EQ(born.size(), 3u);
  EXPECT_DOUBLE_EQ(born[0].total, 5.0);
  EXPECT_DOUBLE_EQ(born[1].total, 4.0);
  EXPECT_DOUBLE_EQ(born[2].total, 0.0);
  EXPECT_DOUBLE_EQ(born[0].total + born[1].total,
                   counter_stats(pts, w, /*born_after_first_scrape=*/true)->total);

  auto seen = counter_slices(pts, w, slices);
  EXPECT_DOUBLE_EQ(seen[0].total, 0.0);
  EXPECT_DOUBLE_EQ(seen[1].total, 4.0);
  EXPECT_TRUE(counter_slices({{25 * kS, 1}}, w, slices).empty());  // nothing in the window
}

TEST(HistogramSlices, CountSumBucketsPerSliceAcrossAReset) {
  HistogramSeriesData h;
  h.bounds = {1.0, INFINITY};
  h.t_ns = {9 * kS, 12 * kS, 16 * kS, 20 * kS};
  h.cumul = {{1, 2}, {3, 5}, {1, 1}, {2, 3}};
  h.sum = {3, 10, 0.5, 6};
  h.count = {2, 5, 1, 3};
  const Window w{10 * kS, 20 * kS};
  auto hs = histogram_slices(h, w, window_slices(w, 4.0));
  ASSERT_EQ(hs.size(), 3u);
  EXPECT_DOUBLE_EQ(hs[0].count, 3.0);
  EXPECT_DOUBLE_EQ(hs[0].sum, 7.0);
  EXPECT_DOUBLE_EQ(hs[0].avg, 7.0 / 3.0);
  EXPECT_EQ(hs[0].bucket_deltas, (std::vector<double>{2, 3}));
  EXPECT_DOUBLE_EQ(hs[1].count, 1.0);  // the reset: the new values count from zero
  EXPECT_DOUBLE_EQ(hs[1].sum, 0.5);
  EXPECT_EQ(hs[1].bucket_deltas, (std::vector<double>{1, 1}));
  EXPECT_DOUBLE_EQ(hs[2].count, 2.0);
  EXPECT_DOUBLE_EQ(hs[2].sum, 5.5);
  EXPECT_EQ(hs[2].bucket_deltas, (std::vector<double>{1, 2}));
  auto total = histogram_stats(h, w);
  ASSERT_TRUE(total);
  EXPECT_DOUBLE_EQ(hs[0].count + hs[1].count + hs[2].count, total->count);
  EXPECT_DOUBLE_EQ(hs[0].sum + hs[1].sum + hs[2].sum, total->sum);
}

TEST(HistogramSlices, EmptySliceHasZeroCountAndAverage) {
  HistogramSeriesData h;
  h.bounds = {1.0, INFINITY};
  h.t_ns = {9 * kS, 19 * kS};
  h.cumul = {{1, 1}, {1, 1}};
  h.sum = {0.5, 0.5};
  h.count = {1, 1};
  const Window w{10 * kS, 20 * kS};
  auto hs = histogram_slices(h, w, window_slices(w, 5.0));
  ASSERT_EQ(hs.size(), 2u);
  EXPECT_EQ(hs[0].count, 0.0);
  EXPECT_EQ(hs[0].avg, 0.0);
  EXPECT_EQ(hs[1].bucket_deltas, (std::vector<double>{0, 0}));
}

TEST(SliceExport, StoreSummaryCarriesSlicesAndRateSpread) {
  EndpointStore st;
  const char* body0 =
      "# TYPE c counter\nc_total 0\n# TYPE g gauge\ng 1\n"
      "# TYPE h histogram\nh_bucket{le=\"1\"} 0\nh_bucket{le=\"+Inf\"} 0\nh_sum 0\nh_count 0\n";
  const char* body1 =
      "# TYPE c counter\nc_total 8\n# TYPE g gauge\ng 3\n"
      "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 4\nh_sum 9\nh_count 4\n";
  Exposition x;
  ASSERT_TRUE(test::parse_text(body0, &x));
  st.ingest(x, 0, 0);
  ASSERT_TRUE(test::parse_text(body1, &x));
  st.ingest(x, 2 * kS, 0);
  st.ingest(x, 4 * kS, 0);
  std::map<std::string, ServerMetric> out;
  const Window w{1, 4 * kS};
  summarize_store(st, "http://h/metrics", w, &out, window_slices(w, 2.0));
  const SeriesResult& c = out.at("c").series.at(0);
  ASSERT_EQ(c.counter_slices.size(), 2u);
  EXPECT_DOUBLE_EQ(c.counter_slices[0].total, 8.0);
  EXPECT_DOUBLE_EQ(c.counter_slices[1].total, 0.0);
  ASSERT_TRUE(c.rate_spread);
  EXPECT_FALSE(out.at("g").series.at(0).gauge_slices.empty());
  const SeriesResult& h = out.at("h").series.at(0);
  ASSERT_EQ(h.histogram_slices.size(), 2u);
  EXPECT_DOUBLE_EQ(h.histogram_slices[0].count, 4.0);

  std::map<std::string, ServerMetric> plain;
  summarize_store(st, "http://h/metrics", w, &plain);
  EXPECT_TRUE(plain.at("c").series.at(0).counter_slices.empty());
  EXPECT_FALSE(plain.at("c").series.at(0).rate_spread);
}

}  // namespace
}  // namespace aiperf::telemetry
