// The dashboard's live lines: per server family from one scrape, and per GPU from the latest
// sample (values computed by hand).
#include <gtest/gtest.h>

#include "aiperf/telemetry/server_family.h"

namespace aiperf::telemetry {
namespace {

std::vector<std::string> lines_of(const std::string& body) {
  Exposition x;
  ParseError err;
  EXPECT_TRUE(parse_exposition(body, ExpositionFormat::kText, &x, &err)) << err.message;
  return live_lines(x);
}

TEST(LiveLines, RunningAndWaitingAreSummedAndKvCacheAveraged) {
  const std::string body =
      "# TYPE vllm:num_requests_running gauge\n"
      "vllm:num_requests_running{engine=\"0\"} 3\n"
      "vllm:num_requests_running{engine=\"1\"} 2\n"
      "# TYPE vllm:num_requests_waiting gauge\n"
      "vllm:num_requests_waiting{engine=\"0\"} 1\n"
      "vllm:num_requests_waiting{engine=\"1\"} 0\n"
      "# TYPE vllm:kv_cache_usage_perc gauge\n"
      "vllm:kv_cache_usage_perc{engine=\"0\"} 0.4\n"
      "vllm:kv_cache_usage_perc{engine=\"1\"} 0.2\n";
  EXPECT_EQ(lines_of(body),
            std::vector<std::string>{"vLLM  running 5  waiting 1  KV-cache 30.0 %"});
}

TEST(LiveLines, LabelFiltersAndMissingGaugesAreHonoured) {
  // Triton's TRT-LLM backend: only the request_type="active" series counts as running.
  const std::string body =
      "# TYPE nv_trt_llm_request_metrics gauge\n"
      "nv_trt_llm_request_metrics{request_type=\"active\"} 4\n"
      "nv_trt_llm_request_metrics{request_type=\"max\"} 64\n"
      "# TYPE unrelated_gauge gauge\n"
      "unrelated_gauge 7\n";
  EXPECT_EQ(lines_of(body), std::vector<std::string>{"Triton  running 4"});
  EXPECT_TRUE(lines_of("# TYPE other gauge\nother 1\n").empty());
}

}  // namespace
}  // namespace aiperf::telemetry
