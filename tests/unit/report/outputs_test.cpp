// Outputs of the report stage: the comparison, the gnuplot script and the HTML report.
#include <gtest/gtest.h>

#include "aiperf/report/report.h"

namespace aiperf::report {
namespace {

RunData run_with(double ttft_avg, double throughput) {
  RunData r;
  r.info.name = "r";
  r.summary.metrics["time_to_first_token"] =
      MetricStats{"ms", {{"avg", ttft_avg}, {"p50", ttft_avg}}};
  r.summary.metrics["output_token_throughput"] = MetricStats{"tokens/sec", {{"avg", throughput}}};
  return r;
}

const CompareRow* row(const Comparison& c, const std::string& tag, const std::string& stat) {
  for (const auto& r : c.rows) {
    if (r.tag == tag && r.stat == stat) return &r;
  }
  return nullptr;
}

TEST(Compare, ChangeDirectionAndThreshold) {
  std::vector<CompareSide> sides = {{"a", {run_with(10, 1000)}}, {"b", {run_with(15, 900)}}};
  Comparison c = compare_sides(sides, 40.0);
  const CompareRow* t = row(c, "time_to_first_token", "avg");
  ASSERT_NE(t, nullptr);
  EXPECT_NEAR(*t->change_pct[1], 50.0, 1e-9);
  EXPECT_FALSE(t->larger_is_better);
  EXPECT_TRUE(t->regression[1]);  // 50% slower > 40%
  EXPECT_EQ(t->noise[1], "");     // no repeats: unknown
  const CompareRow* thr = row(c, "output_token_throughput", "avg");
  EXPECT_TRUE(thr->larger_is_better);
  EXPECT_NEAR(*thr->change_pct[1], -10.0, 1e-9);
  EXPECT_FALSE(thr->regression[1]);  // 10% < 40%
  EXPECT_TRUE(c.any_regression);
  // Faster is never a regression, however large the change.
  EXPECT_FALSE(
      compare_sides({{"a", {run_with(15, 1000)}}, {"b", {run_with(1, 1000)}}}, 5.0).any_regression);
  // Without a threshold nothing is flagged.
  EXPECT_FALSE(compare_sides(sides, std::nullopt).any_regression);
  std::string text = render_comparison_text(c);
  EXPECT_NE(text.find("+50.0% !"), std::string::npos) << text;
  EXPECT_NE(text.find("noise: unknown"), std::string::npos);
}

TEST(Compare, NoiseFromRepeats) {
  CompareSide a{"a", {run_with(10, 1000), run_with(11, 1000), run_with(9, 1000)}};
  CompareSide b{"b", {run_with(10.5, 1000), run_with(11.5, 1000), run_with(9.5, 1000)}};
  CompareSide far{"far", {run_with(20, 1000), run_with(21, 1000), run_with(19, 1000)}};
  Comparison c = compare_sides({a, b, far}, 1.0);
  const CompareRow* t = row(c, "time_to_first_token", "avg");
  EXPECT_EQ(t->noise[1], "within");
  EXPECT_FALSE(t->regression[1]);  // 5% slower but inside the noise
  EXPECT_EQ(t->noise[2], "outside");
  EXPECT_TRUE(t->regression[2]);
}

TEST(Gnuplot, ScriptHasBothTerminalsAndEscapes) {
  Figure f;
  f.name = "x";
  f.title = "It's a title";
  f.x_label = "Time (s)";
  Series s;
  s.name = "a_b";
  s.x = {1, 2};
  s.y = {3, 4};
  s.labels = {"c=1", "c=\"2\""};
  f.series.push_back(s);
  ImageOptions o;
  std::string g = gnuplot_script(f, o, "/o/x.png", "/o/x.svg");
  EXPECT_NE(g.find("set terminal pngcairo"), std::string::npos);
  EXPECT_NE(g.find("set output '/o/x.png'"), std::string::npos);
  EXPECT_NE(g.find("set terminal svg"), std::string::npos);
  EXPECT_NE(g.find("'It''s a title'"), std::string::npos);
  EXPECT_NE(g.find("noenhanced"), std::string::npos);  // underscores are not subscripts
  EXPECT_NE(g.find("\"c='2'\""), std::string::npos);   // a data string cannot end early
}

TEST(Html, SelfContainedAndNoNetwork) {
  RunData r = run_with(10, 1000);
  r.summary.doc = {{"client_health", {{"client_bottleneck", false}, {"reason", "kept up"}}},
                   {"input_config", {{"models", "</script><script>alert(1)</script>"}}}};
  FigureSet set;
  Figure f;
  f.name = "f";
  f.title = "</script>";
  Series s;
  s.x = {1, 2, 3};
  s.y = {1, 4, 9};
  f.series.push_back(s);
  set.figures.push_back(f);
  std::string html = render_html_report({r}, set, HtmlOptions{});
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
  EXPECT_EQ(html.find("src=\"http"), std::string::npos);
  EXPECT_EQ(html.find("href=\"http"), std::string::npos);
  EXPECT_NE(html.find("uPlot"), std::string::npos);  // the library is inline
  // User text never closes a script element early.
  size_t data = html.find("id=\"report-data\"");
  ASSERT_NE(data, std::string::npos);
  size_t end = html.find("</script>", data);
  EXPECT_EQ(html.substr(data, end - data).find("</script"), std::string::npos);
  EXPECT_NE(html.find("kept up"), std::string::npos);
  EXPECT_NE(html.find("class=\"badge\">OK"), std::string::npos);
  EXPECT_EQ(html.find("<script><script>alert"), std::string::npos);
}

}  // namespace
}  // namespace aiperf::report
