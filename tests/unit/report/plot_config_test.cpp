// The plot-config YAML (AIPerf's keys) and its one-line errors.
#include <gtest/gtest.h>

#include "aiperf/common/error.h"
#include "aiperf/report/plot_config.h"

namespace aiperf::report {
namespace {

std::string error_of(const std::string& yaml) {
  try {
    parse_plot_config(yaml, "cfg.yaml");
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(PlotConfig, DefaultsParse) {
  PlotConfig c = parse_plot_config(default_plot_config_yaml(), "built-in");
  ASSERT_GE(c.single_run.size(), 5u);
  EXPECT_EQ(c.single_run[0].name, "ttft_over_time");
  EXPECT_EQ(c.single_run[0].type, "scatter");
  EXPECT_EQ(c.single_run[0].x->name, "request_number");
  EXPECT_EQ(c.single_run[0].y->name, "time_to_first_token");
  ASSERT_GE(c.multi_run.size(), 4u);
  const PlotSpec& p = c.multi_run[0];
  EXPECT_EQ(p.type, "pareto");
  EXPECT_EQ(p.x->name, "request_latency");
  EXPECT_EQ(p.x->stat, "avg");
  EXPECT_EQ(p.y->name, "output_token_throughput_per_gpu");
  EXPECT_EQ(p.label_by, "concurrency");
  EXPECT_EQ(p.group_by, "model");
  bool slices = false;
  for (const auto& s : c.single_run) {
    if (s.name == "timeslices_ttft") {
      slices = true;
      EXPECT_EQ(s.y->source, Source::kTimeslices);
      EXPECT_EQ(s.y->name, "Time to First Token");
      EXPECT_TRUE(s.use_slice_duration);
    }
  }
  EXPECT_TRUE(slices);
  EXPECT_FALSE(c.classification);
}

TEST(PlotConfig, DictMetricsStylesAndClassification) {
  PlotConfig c = parse_plot_config(R"(
visualization:
  multi_run_defaults: [a]
  multi_run_plots:
    a:
      type: scatter_line
      x: {metric: time_to_first_token, stat: p99}
      y: request_throughput_avg
      groups: experiment_group
      primary_style: {mode: markers, marker_size: 12}
experiment_classification:
  baselines: ["*base*"]
  default: baseline
)",
                                   "x.yaml");
  ASSERT_EQ(c.multi_run.size(), 1u);
  EXPECT_EQ(c.multi_run[0].x->stat, "p99");
  EXPECT_EQ(c.multi_run[0].primary_style->marker_size, 12);
  ASSERT_TRUE(c.classification);
  EXPECT_EQ(c.classification->default_type, "baseline");
  EXPECT_TRUE(c.single_run.empty());
}

TEST(PlotConfig, ErrorsAreOneLineWithFileAndLine) {
  std::string e = error_of("visualization:\n  single_run_defaults: [a\n");
  EXPECT_EQ(e.rfind("cfg.yaml:", 0), 0u) << e;
  EXPECT_NE(e.find("malformed YAML"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);

  EXPECT_NE(error_of("plots: 1\n").find("missing the 'visualization'"), std::string::npos);
  EXPECT_NE(error_of("visualization:\n  single_run_defaults: [a]\n").find("not defined"),
            std::string::npos);
  e = error_of(
      "visualization:\n  single_run_defaults: [a]\n  single_run_plots:\n    a:\n      type: pie\n"
      "      y: request_latency\n");
  EXPECT_NE(e.find("unknown type 'pie'"), std::string::npos) << e;
  EXPECT_EQ(e.rfind("cfg.yaml:5:", 0), 0u) << e;
  e = error_of(
      "visualization:\n  single_run_defaults: [a]\n  single_run_plots:\n    a:\n      type: "
      "scatter\n      y: nonsense_metric\n");
  EXPECT_NE(e.find("unknown metric 'nonsense_metric'"), std::string::npos) << e;
  e = error_of(
      "visualization:\n  multi_run_defaults: [a]\n  multi_run_plots:\n    a:\n      type: "
      "pareto\n      x: request_latency_p67\n      y: request_throughput_avg\n");
  EXPECT_NE(e.find("invalid stat suffix 'p67'"), std::string::npos) << e;
  e = error_of(
      "visualization:\n  multi_run_defaults: [a]\n  multi_run_plots:\n    a:\n      type: "
      "pareto\n      x: request_latency_avg\n      y: request_throughput_avg\n      groups: [a, "
      "b]\n");
  EXPECT_NE(e.find("takes one column"), std::string::npos) << e;
}

}  // namespace
}  // namespace aiperf::report
