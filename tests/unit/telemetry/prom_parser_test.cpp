// The Prometheus / OpenMetrics parser on every real scrape of tests/data/metrics (families,
// types, label sets, values as the files hold them) and on hand-written edge cases.
#include "aiperf/telemetry/prom_parser.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "test_util.h"

namespace aiperf::telemetry {
namespace {

using test::family;
using test::fixture;
using test::parse_om;
using test::parse_text;
using test::sample;

std::map<MetricType, int> type_counts(const Exposition& x) {
  std::map<MetricType, int> m;
  for (const auto& f : x.families()) m[f.type]++;
  return m;
}

struct FixtureCase {
  const char* file;
  size_t families;
  size_t samples;
  int counters, gauges, histograms, summaries, unknown;
};

TEST(PromParserFixtures, EveryFixtureParsesWithItsFamiliesAndTypes) {
  const FixtureCase cases[] = {
      {"dcgm_exporter_a100_mps_vgpu_pr432_excerpt.prom", 1, 2, 0, 1, 0, 0, 0},
      {"dcgm_exporter_h100_8gpu_aicr_evidence.prom", 4, 30, 0, 0, 0, 0, 4},
      {"dcgm_exporter_h100_mig_k8s_issue512_excerpt.prom", 1, 3, 0, 1, 0, 0, 0},
      {"dcgm_exporter_mixed_gpu_lowercase_hostname_pr736_excerpt.prom", 3, 4, 0, 3, 0, 0, 0},
      {"dcgm_exporter_t4_datadog_fixture.prom", 38, 38, 8, 30, 0, 0, 0},
      {"dynamo_frontend_qwen3-0.6b_aiperf_test_capture.prom", 5, 25, 1, 2, 2, 0, 0},
      {"llamacpp.prom", 15, 15, 10, 5, 0, 0, 0},
      {"prometheus_server_demo_237mfs.prom", 237, 1857, 112, 97, 15, 13, 0},
      {"sglang_dp8_deepseek-r1_aibrix_issue1614_excerpt.prom", 2, 9, 0, 1, 0, 0, 1},
      {"sglang_llama3.1-8b_docs_production_metrics.prom", 12, 91, 2, 6, 4, 0, 0},
      {"sglang_v0.5.1_qwen-32b_issue13485_excerpt.prom", 4, 4, 0, 4, 0, 0, 0},
      {"tgi_router_datadog_fixture.prom", 24, 1888, 6, 3, 14, 1, 0},
      {"triton_server_datadog_fixture.prom", 32, 377, 10, 17, 0, 5, 0},
      {"triton_trtllm_backend_readme.prom", 17, 33, 10, 7, 0, 0, 0},
      {"vllm_datadog_fixture_latest_v0.4_plus_v1_families.prom", 50, 185, 17, 16, 17, 0, 0},
      {"vllm_v0.4_opt-125m_datadog_fixture.prom", 29, 120, 8, 14, 7, 0, 0},
      {"vllm_v0.7_qwen2.5-coder-1.5b_aibrix_docs_excerpt.prom", 14, 29, 4, 9, 1, 0, 0},
      {"vllm_v1_llama-vllm-single_workshop_docs_head40.prom", 14, 13, 5, 8, 0, 0, 1},
      {"vllm_v1_v0.10.0_glm-4.5_production-stack-issue617_excerpt.prom", 5, 5, 2, 3, 0, 0, 0},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    Exposition x;
    ParseError e;
    ASSERT_TRUE(parse_text(fixture(c.file), &x, &e)) << "line " << e.line << ": " << e.message;
    EXPECT_EQ(x.families().size(), c.families);
    EXPECT_EQ(x.samples().size(), c.samples);
    auto t = type_counts(x);
    EXPECT_EQ(t[MetricType::kCounter], c.counters);
    EXPECT_EQ(t[MetricType::kGauge], c.gauges);
    EXPECT_EQ(t[MetricType::kHistogram], c.histograms);
    EXPECT_EQ(t[MetricType::kSummary], c.summaries);
    EXPECT_EQ(t[MetricType::kUnknown], c.unknown);
  }
}

TEST(PromParserFixtures, VllmV04ValuesLabelsAndHistogram) {
  Exposition x;
  ASSERT_TRUE(parse_text(fixture("vllm_v0.4_opt-125m_datadog_fixture.prom"), &x));
  const Family* f = family(x, "vllm:prompt_tokens_total");  // TYPE uses the _total name
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, MetricType::kCounter);
  const Sample* s = sample(x, "vllm:prompt_tokens_total{");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->value, 5.0);
  EXPECT_EQ(s->role, SampleRole::kTotal);
  ASSERT_TRUE(x.label(*s, "model_name"));
  EXPECT_EQ(*x.label(*s, "model_name"), "facebook/opt-125m");
  const Sample* b = sample(x, "vllm:time_to_first_token_seconds_bucket{le=\"0.001\"");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->role, SampleRole::kBucket);
  EXPECT_EQ(x.labels_of(*b)[0].name, "le");  // le is the first label here
  const Sample* sum = sample(x, "vllm:time_to_first_token_seconds_sum");
  ASSERT_TRUE(sum);
  EXPECT_DOUBLE_EQ(sum->value, 0.31326723098754883);
  EXPECT_EQ(sum->role, SampleRole::kSum);
  const Sample* info = sample(x, "vllm:cache_config_info");
  ASSERT_TRUE(info);
  EXPECT_EQ(info->label_count, 10u);
  EXPECT_EQ(*x.label(*info, "num_gpu_blocks_override"), "None");
  EXPECT_EQ(info->value, 1.0);
}

TEST(PromParserFixtures, OpenMetricsCreatedExemplarsAndEof) {
  Exposition x;
  ParseError e;
  ASSERT_TRUE(parse_om(fixture("openmetrics_client_golang_random_example.om.txt", true), &x, &e))
      << e.line << ": " << e.message;
  const Family* rpc = family(x, "rpc_requests");  // counter TYPE uses the base name
  ASSERT_TRUE(rpc);
  EXPECT_EQ(rpc->type, MetricType::kCounter);
  const Sample* total = sample(x, "rpc_requests_total{service=\"exponential\"}");
  ASSERT_TRUE(total);
  EXPECT_EQ(total->value, 22.0);
  EXPECT_EQ(total->role, SampleRole::kTotal);
  const Sample* created = sample(x, "rpc_requests_created{service=\"normal\"}");
  ASSERT_TRUE(created);
  EXPECT_EQ(created->role, SampleRole::kCreated);
  EXPECT_EQ(created->family, total->family);
  const Sample* ex =
      sample(x, "rpc_durations_histogram_seconds_bucket{le=\"-0.0002899999999999998\"}");
  ASSERT_TRUE(ex);
  EXPECT_EQ(ex->value, 3.0);
  ASSERT_TRUE(ex->has_exemplar);
  EXPECT_DOUBLE_EQ(ex->exemplar.value, -0.0003825067330956884);
  EXPECT_TRUE(ex->exemplar.has_timestamp);
  EXPECT_EQ(x.exemplar_labels(ex->exemplar)[0].value, "17783");
  EXPECT_EQ(family(x, "rpc_durations_seconds")->type, MetricType::kSummary);
  // With its # SOURCE line the body is no valid OpenMetrics; the text-format reading accepts it.
  Exposition y;
  EXPECT_FALSE(parse_om(fixture("openmetrics_client_golang_random_example.om.txt"), &y));
  ParseError e2;
  EXPECT_TRUE(parse_exposition_lenient(fixture("openmetrics_client_golang_random_example.om.txt"),
                                       "application/openmetrics-text; version=1.0.0", &y, &e2));
}

TEST(PromParserFixtures, OddFixturesReadAsTheirReadmeSays) {
  Exposition x;
  // Dynamo: a counter named *_count is the counter, not a histogram count.
  ASSERT_TRUE(parse_text(fixture("dynamo_frontend_qwen3-0.6b_aiperf_test_capture.prom"), &x));
  const Sample* c = sample(x, "dynamo_frontend_request_success_count");
  ASSERT_TRUE(c);
  EXPECT_EQ(x.families()[c->family].type, MetricType::kCounter);
  EXPECT_EQ(c->value, 170450.0);
  // TGI: le last, unlabelled _sum without braces, 1024 buckets + 3.
  ASSERT_TRUE(parse_text(fixture("tgi_router_datadog_fixture.prom"), &x));
  EXPECT_EQ(family(x, "tgi_batch_next_size")->sample_count, 1027u);
  // vLLM 0.7 excerpt: negative gauges, empty label values, a histogram cut short.
  ASSERT_TRUE(parse_text(fixture("vllm_v0.7_qwen2.5-coder-1.5b_aibrix_docs_excerpt.prom"), &x));
  const Sample* hr = sample(x, "vllm:gpu_prefix_cache_hit_rate");
  ASSERT_TRUE(hr);
  EXPECT_EQ(hr->value, -1.0);
  const Sample* lora = sample(x, "vllm:lora_requests_info");
  ASSERT_TRUE(lora);
  EXPECT_EQ(*x.label(*lora, "running_lora_adapters"), "");
  // Prometheus demo: NaN quantiles, a trailing "# EOF" in text format.
  ASSERT_TRUE(parse_text(fixture("prometheus_server_demo_237mfs.prom"), &x));
  const Sample* nan = sample(x, "prometheus_sd_consul_rpc_duration_seconds{call=\"service\"");
  ASSERT_TRUE(nan);
  EXPECT_TRUE(std::isnan(nan->value));
  // DCGM T4: "# HELP NAME" with no text, # NOTE comments, 6-decimal floats.
  ASSERT_TRUE(parse_text(fixture("dcgm_exporter_t4_datadog_fixture.prom"), &x));
  EXPECT_EQ(family(x, "DCGM_FI_DEV_FAN_SPEED")->help, "");
  EXPECT_DOUBLE_EQ(sample(x, "DCGM_FI_DEV_POWER_USAGE")->value, 8.969);
  // SGLang dp8: samples before any HELP/TYPE form an untyped family of their own.
  ASSERT_TRUE(parse_text(fixture("sglang_dp8_deepseek-r1_aibrix_issue1614_excerpt.prom"), &x));
  EXPECT_EQ(family(x, "sglang:num_retracted_reqs")->type, MetricType::kUnknown);
  EXPECT_FALSE(family(x, "sglang:num_retracted_reqs")->declared());
}

TEST(PromParserEdge, EscapesSpecialValuesTimestampsAndWhitespace) {
  Exposition x;
  ParseError e;
  const std::string body =
      "# HELP m A \\\\ help\\nline\n"
      "# TYPE m gauge\n"
      "m{path=\"C:\\\\dir\",q=\"say \\\"hi\\\"\",nl=\"a\\nb\"} +Inf 1700000000000\n"
      "m{path=\"x\"} -Inf\n"
      "m{path=\"y\",} NaN\n"
      "m { path = \"z\" }   1e-3   \r\n"
      "\n"
      "other 42 -5\n";
  ASSERT_TRUE(parse_text(body, &x, &e)) << e.line << ": " << e.message;
  ASSERT_EQ(x.samples().size(), 5u);
  const Sample& a = x.samples()[0];
  EXPECT_EQ(*x.label(a, "path"), "C:\\dir");
  EXPECT_EQ(*x.label(a, "q"), "say \"hi\"");
  EXPECT_EQ(*x.label(a, "nl"), "a\nb");
  EXPECT_TRUE(std::isinf(a.value) && a.value > 0);
  EXPECT_TRUE(a.has_timestamp);
  EXPECT_EQ(a.timestamp_ms, 1700000000000);
  EXPECT_TRUE(std::isinf(x.samples()[1].value) && x.samples()[1].value < 0);
  EXPECT_TRUE(std::isnan(x.samples()[2].value));
  EXPECT_EQ(*x.label(x.samples()[3], "path"), "z");
  EXPECT_DOUBLE_EQ(x.samples()[3].value, 0.001);
  EXPECT_EQ(x.samples()[4].timestamp_ms, -5);
  EXPECT_EQ(x.families()[0].help, "A \\ help\nline");
}

TEST(PromParserEdge, CountersWithAndWithoutTotalAndHistogramRoles) {
  Exposition x;
  ASSERT_TRUE(parse_text(
      "# TYPE a counter\na 1\n# TYPE b_total counter\nb_total 2\n# TYPE c counter\nc_total 3\n"
      "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_bucket{le=\"+Inf\"} 2\nh_sum 3\nh_count 2\n",
      &x));
  EXPECT_EQ(x.samples()[0].role, SampleRole::kTotal);
  EXPECT_EQ(x.samples()[1].role, SampleRole::kTotal);
  EXPECT_EQ(x.samples()[2].role, SampleRole::kTotal);
  EXPECT_EQ(x.samples()[3].role, SampleRole::kBucket);
  EXPECT_EQ(x.samples()[5].role, SampleRole::kSum);
  EXPECT_EQ(x.samples()[6].role, SampleRole::kCount);
  EXPECT_EQ(x.families().size(), 4u);
}

struct BadCase {
  const char* body;
  uint32_t line;
  const char* fragment;
};

TEST(PromParserEdge, MalformedBodiesNameTheLine) {
  const BadCase cases[] = {
      {"a 1\nb\n", 2, "has no value"},
      {"a 1\nb{x=\"1\" 2\n", 2, "expected ',' or '}'"},
      {"a{x=\"1} 2\n", 1, "unterminated label value"},
      {"a{x=\"\\q\"} 2\n", 1, "invalid escape"},
      {"a{1x=\"y\"} 2\n", 1, "invalid label name"},
      {"a{x=\"1\",x=\"2\"} 2\n", 1, "duplicate label"},
      {"a abc\n", 1, "invalid value 'abc'"},
      {"a 1 1.5\n", 1, "invalid timestamp"},
      {"a 1 2 3\n", 1, "unexpected text"},
      {"# TYPE a counter\n# TYPE a gauge\n", 2, "second TYPE"},
      {"# HELP a x\n# HELP a y\n", 2, "second HELP"},
      {"# TYPE a sometype\n", 1, "unknown metric type"},
      {"a 1\n# TYPE a gauge\n", 2, "after its samples"},
      {"# TYPE h histogram\nh 1\n", 2, "does not fit"},
      {"{\"json\": true}\n", 1, "must start with a metric name"},
      {"<html>nope</html>\n", 1, "must start with a metric name"},
      {"# TYPE 9bad gauge\n", 1, "invalid metric name"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.body);
    Exposition x;
    ParseError e;
    EXPECT_FALSE(parse_text(c.body, &x, &e));
    EXPECT_EQ(e.line, c.line);
    EXPECT_NE(e.message.find(c.fragment), std::string::npos) << e.message;
    EXPECT_TRUE(x.samples().empty());
  }
}

TEST(PromParserEdge, OpenMetricsRules) {
  Exposition x;
  ParseError e;
  EXPECT_TRUE(parse_om("# TYPE a counter\na_total 1 1.5\n# EOF\n", &x, &e)) << e.message;
  EXPECT_EQ(x.samples()[0].timestamp_ms, 1500);  // seconds in OpenMetrics
  EXPECT_FALSE(parse_om("a 1\n", &x, &e));
  EXPECT_NE(e.message.find("EOF"), std::string::npos);
  EXPECT_FALSE(parse_om("a 1\n# EOF\nb 2\n", &x, &e));
  EXPECT_EQ(e.line, 3u);
  EXPECT_FALSE(parse_om("# a comment\na 1\n# EOF\n", &x, &e));
  EXPECT_FALSE(parse_om("a 1\n\n# EOF\n", &x, &e));
  EXPECT_TRUE(parse_om("# TYPE s stateset\n# UNIT t seconds\nt 1\ns{s=\"a\"} 1\n# EOF", &x, &e))
      << e.message;
  EXPECT_EQ(x.families()[0].type, MetricType::kStateSet);
  EXPECT_EQ(x.families()[1].unit, "seconds");
  // Text format: "# EOF" ends the body; later lines are ignored.
  EXPECT_TRUE(parse_text("a 1\n# EOF\ngarbage here\n", &x, &e));
  EXPECT_EQ(x.samples().size(), 1u);
}

TEST(PromParserEdge, ContentTypes) {
  EXPECT_EQ(format_from_content_type("text/plain; version=0.0.4; charset=utf-8"),
            ExpositionFormat::kText);
  EXPECT_EQ(format_from_content_type("application/openmetrics-text; version=1.0.0"),
            ExpositionFormat::kOpenMetrics);
  EXPECT_EQ(format_from_content_type(" Application/OpenMetrics-Text"),
            ExpositionFormat::kOpenMetrics);
  EXPECT_EQ(format_from_content_type(""), ExpositionFormat::kText);
}

TEST(PromParserEdge, ReusedExpositionKeepsNoStaleViews) {
  Exposition x;
  ASSERT_TRUE(parse_text("a{x=\"\\\\1\"} 1\n", &x));
  ASSERT_TRUE(parse_text("b{y=\"2\"} 2\nc 3\n", &x));
  EXPECT_EQ(x.samples().size(), 2u);
  EXPECT_EQ(x.samples()[0].name, "b");
  EXPECT_EQ(*x.label(x.samples()[0], "y"), "2");
  EXPECT_FALSE(parse_text("broken{\n", &x));
  EXPECT_TRUE(x.samples().empty());
  EXPECT_TRUE(x.families().empty());
}

}  // namespace
}  // namespace aiperf::telemetry
