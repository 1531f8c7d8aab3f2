// Plot types on synthetic runs: which figures appear, what they hold, and the drawing-only
// reduction of long series.
#include <cmath>

#include <gtest/gtest.h>

#include "aiperf/report/report.h"
#include "aiperf/report/series_math.h"

namespace aiperf::report {
namespace {

/// A run of `n` requests, one every 10 ms, each 50 ms long with TTFT `ttft_ms` (request i gets
/// ttft + i/1000) and 10 output tokens.
RunData synthetic_run(const std::string& name, size_t n, double ttft_ms, double concurrency) {
  RunData r;
  r.info.name = name;
  r.info.dir = "/tmp/" + name;
  r.info.model = "m";
  r.info.concurrency = concurrency;
  RequestColumns c;
  for (size_t i = 0; i < n; ++i) {
    c.start_ns.push_back(int64_t(1'000'000'000 + i * 10'000'000));
    c.end_ns.push_back(c.start_ns.back() + 50'000'000);
    c.error.push_back(0);
    c.metrics["time_to_first_token"].push_back(ttft_ms + double(i) / 1000);
    c.metrics["request_latency"].push_back(50);
    c.metrics["inter_token_latency"].push_back(4);
    c.metrics["output_sequence_length"].push_back(10);
  }
  r.requests = c;
  auto put = [&](const char* tag, const char* unit, std::map<std::string, double> st) {
    r.summary.metrics[tag] = MetricStats{unit, std::move(st)};
  };
  put("time_to_first_token", "ms", {{"avg", ttft_ms}, {"p50", ttft_ms}, {"p99", ttft_ms + 1}});
  put("request_latency", "ms", {{"avg", 50}, {"p50", 50}});
  put("request_throughput", "requests/sec", {{"avg", 100 * concurrency}});
  put("output_token_throughput", "tokens/sec", {{"avg", 1000 * concurrency}});
  put("output_token_throughput_per_user", "tokens/sec/user", {{"avg", 200 / concurrency}});
  return r;
}

const Figure* find(const FigureSet& s, const std::string& name) {
  for (const auto& f : s.figures) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

PlotConfig defaults() {
  return parse_plot_config(default_plot_config_yaml(), "built-in");
}

TEST(SingleRun, DefaultFiguresAndSkips) {
  RunData r = synthetic_run("r", 200, 5, 4);
  FigureSet s = build_single_run_figures(r, defaults().single_run);
  const Figure* ttft = find(s, "ttft_over_time");
  ASSERT_NE(ttft, nullptr);
  ASSERT_EQ(ttft->series.size(), 1u);
  EXPECT_EQ(ttft->series[0].x.size(), 200u);
  EXPECT_DOUBLE_EQ(ttft->series[0].x[3], 3.0);  // request_number
  EXPECT_EQ(ttft->y_label, "Time to First Token (ms)");
  const Figure* tl = find(s, "ttft_timeline");
  ASSERT_NE(tl, nullptr);
  ASSERT_EQ(tl->series.size(), 2u);
  EXPECT_EQ(tl->series[0].kind, SeriesKind::kSegments);
  // Generation starts where TTFT ends: start + ttft.
  EXPECT_NEAR(tl->series[1].x_end[0], 0.005, 1e-9);
  EXPECT_NE(find(s, "ttft_distribution"), nullptr);
  EXPECT_NE(find(s, "latency_over_time"), nullptr);
  // No time slices, no GPU telemetry: those presets are reported, not drawn.
  std::string skipped;
  for (const auto& k : s.skipped) skipped += k + "\n";
  EXPECT_NE(skipped.find("timeslices_ttft: no time slices"), std::string::npos) << skipped;
  EXPECT_NE(skipped.find("gpu_utilization_and_throughput_over_time: no GPU telemetry"),
            std::string::npos);
}

TEST(SingleRun, TimeslicesAndGpu) {
  RunData r = synthetic_run("r", 100, 5, 4);
  Timeslices t;
  t.slice_duration_s = 2;
  for (int i = 0; i < 3; ++i) {
    t.slices.push_back(
        {{"time_to_first_token", MetricStats{"ms", {{"avg", 5.0 + i}, {"std", 1}}}}});
  }
  r.timeslices = t;
  GpuSeries g;
  g.ts_ns = {1'000'000'000, 1'500'000'000};
  g.fields["gpu_utilization"] = {30, 70};
  g.num_gpus = 1;
  r.gpu = g;
  FigureSet s = build_single_run_figures(r, defaults().single_run);
  const Figure* ts = find(s, "timeslices_ttft");
  ASSERT_NE(ts, nullptr);
  ASSERT_EQ(ts->series[0].y.size(), 3u);
  EXPECT_DOUBLE_EQ(ts->series[0].x[1], 3.0);  // slice centre with use_slice_duration
  EXPECT_DOUBLE_EQ(ts->series[0].y_hi[2], 8.0);
  ASSERT_EQ(ts->hlines.size(), 1u);  // the run average
  const Figure* gpu = find(s, "gpu_utilization_and_throughput_over_time");
  ASSERT_NE(gpu, nullptr);
  EXPECT_TRUE(gpu->has_y2());
}

TEST(SeriesMath, DispersedThroughputActiveRequestsAndStats) {
  RunData r = synthetic_run("r", 2, 10, 1);  // starts 0 and 10 ms, ends 50 and 60 ms
  detail::RequestView v(*r.requests);
  auto act = detail::active_requests(v);
  ASSERT_EQ(act.y.size(), 4u);
  EXPECT_DOUBLE_EQ(act.y[1], 2);  // both in flight between 10 and 50 ms
  EXPECT_DOUBLE_EQ(act.y[3], 0);
  auto thr = detail::dispersed_throughput(v);
  // Request 0: 10 tokens from 10 ms to 50 ms = 250 tok/s.
  ASSERT_FALSE(thr.y.empty());
  EXPECT_NEAR(thr.y[0], 250, 1e-6);
  std::vector<double> p = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(detail::percentile(p, 50), 2.5);
  EXPECT_NEAR(detail::t_critical(0.95, 2), 4.3027, 1e-3);
  auto h = detail::histogram({1, 2, 2, 3, 100}, 60);
  double total = 0;
  for (double c : h.count) total += c;
  EXPECT_DOUBLE_EQ(total, 5);
  EXPECT_EQ(detail::grouped2(1234567.891), "1,234,567.89");
  EXPECT_EQ(detail::grouped2(-12.5), "-12.50");
}

TEST(Thin, KeepsExtremesAndBudget) {
  std::vector<double> x, y;
  for (int i = 0; i < 100000; ++i) {
    x.push_back(i);
    y.push_back(i == 54321 ? 1e6 : std::sin(i * 0.01));
  }
  auto idx = thin_indices(x, y, 2000);
  EXPECT_LE(idx.size(), 2000u);
  EXPECT_GE(idx.size(), 1000u);
  EXPECT_TRUE(std::binary_search(idx.begin(), idx.end(), size_t(54321)));  // the spike stays
  Figure f;
  Series s;
  s.x = x;
  s.y = y;
  f.series.push_back(s);
  thin_figure(f, 500);
  EXPECT_LE(f.series[0].x.size(), 500u);
}

TEST(MultiRun, ParetoFrontierAndSkipWithoutGpu) {
  std::vector<RunData> runs;
  for (double c : {1.0, 2.0, 4.0, 8.0})
    runs.push_back(synthetic_run("c" + std::to_string(int(c)), 10, 5 * c, c));
  // A dominated point: less throughput per user and less total throughput than c2.
  RunData worse = synthetic_run("worse", 10, 5, 2);
  worse.summary.metrics["output_token_throughput"].stats["avg"] = 1500;
  worse.summary.metrics["output_token_throughput_per_user"].stats["avg"] = 50;
  runs.push_back(worse);
  FigureSet s = build_multi_run_figures(runs, defaults().multi_run, std::nullopt);
  const Figure* p = find(s, "pareto_curve_throughput_per_user_vs_throughput");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->series.size(), 2u);  // points, frontier (one group: model m)
  EXPECT_EQ(p->series[0].x.size(), 5u);
  EXPECT_EQ(p->series[1].x.size(), 4u);  // "worse" is not on the frontier
  EXPECT_EQ(p->series[0].labels[0], "1");
  std::string skipped;
  for (const auto& k : s.skipped) skipped += k;
  EXPECT_NE(skipped.find("needs GPU telemetry"), std::string::npos);
}

TEST(MultiRun, UncertaintyOverRepeats) {
  std::vector<RunData> runs;
  for (int k = 1; k <= 3; ++k) {
    RunData r = synthetic_run("study/run_000" + std::to_string(k), 5, 5, 4);
    r.info.trial = k;
    r.info.dir = "/tmp/study/profile_runs/run_000" + std::to_string(k);
    r.info.cell = "/tmp/study";
    r.summary.metrics["request_latency"].stats["avg"] = 40 + 10 * k;  // 50, 60, 70
    runs.push_back(r);
  }
  FigureSet s = build_multi_run_figures(runs, defaults().multi_run, std::nullopt);
  const Figure* u = find(s, "latency_throughput_uncertainty");
  ASSERT_NE(u, nullptr);
  ASSERT_EQ(u->series[0].x.size(), 1u);  // the three repeats are one operating point
  EXPECT_DOUBLE_EQ(u->series[0].x[0], 60);
  // mean 60, sd 10, se 10/sqrt(3), t(0.95, 2) = 4.3027.
  EXPECT_NEAR(u->series[0].x_hi[0] - 60, 4.3027 * 10 / std::sqrt(3.0), 1e-3);
}

}  // namespace
}  // namespace aiperf::report
