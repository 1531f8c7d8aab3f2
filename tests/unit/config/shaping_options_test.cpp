// Load shaping, request cancellation, HTTP trace and network latency flags (options_shaping.cpp):
// values, the rate series, and every rule that rejects bad input with one line naming the flag.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

Config parse(Args args) {
  ParseEnv env;
  env.stdout_is_tty = false;
  Args full = {"-m", "mock-model"};
  full.insert(full.end(), args.begin(), args.end());
  return parse_profile_args(full, env);
}

std::string error_of(Args args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    return m;
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

TEST(ShapingOptions, PrefillConcurrencyRules) {
  auto c = parse({"--streaming", "--concurrency", "8", "--prefill-concurrency", "3"});
  EXPECT_EQ(c.prefill_concurrency, 3);
  EXPECT_TRUE(contains(error_of({"--concurrency", "8", "--prefill-concurrency", "3"}),
                       "--prefill-concurrency requires --streaming"));
  EXPECT_TRUE(
      contains(error_of({"--streaming", "--concurrency", "2", "--prefill-concurrency", "3"}),
               "prefill_concurrency must be <= concurrency"));
  // Concurrency mode's default concurrency is 1 (AIPerf's ConcurrencyPhase).
  EXPECT_TRUE(contains(error_of({"--streaming", "--prefill-concurrency", "2"}), "(its default)"));
  // A rate run without --concurrency has no ceiling to compare with.
  EXPECT_EQ(parse({"--streaming", "--request-rate", "5", "--prefill-concurrency", "4"})
                .prefill_concurrency,
            4);
  EXPECT_TRUE(
      contains(error_of({"--streaming", "--concurrency", "4", "--prefill-concurrency", "0"}),
               "--prefill-concurrency"));
}

TEST(ShapingOptions, RampsNeedTheirTargetAndMustFitTheRun) {
  EXPECT_TRUE(contains(error_of({"--request-rate", "5", "--concurrency-ramp-duration", "2"}),
                       "--concurrency-ramp-duration needs --concurrency"));
  EXPECT_TRUE(contains(
      error_of({"--streaming", "--concurrency", "4", "--prefill-concurrency-ramp-duration", "2"}),
      "--prefill-concurrency-ramp-duration needs --prefill-concurrency"));
  EXPECT_TRUE(contains(error_of({"--concurrency", "4", "--request-rate-ramp-duration", "2"}),
                       "--request-rate-ramp-duration can only be used with rate-controlled"));
  EXPECT_TRUE(contains(error_of({"--user-centric-rate", "2", "--num-users", "2",
                                 "--session-turns-mean", "2", "--request-rate-ramp-duration", "1"}),
                       "cannot ramp --user-centric-rate"));
  std::string e = error_of(
      {"--concurrency", "4", "--concurrency-ramp-duration", "20", "--benchmark-duration", "10"});
  EXPECT_TRUE(contains(e, "--concurrency-ramp-duration (20 s) is longer than the run")) << e;
  EXPECT_TRUE(contains(error_of({"--request-rate", "5", "--request-rate-ramp-duration", "11",
                                 "--benchmark-duration", "10"}),
                       "--request-rate-ramp-duration (11 s)"));
  EXPECT_TRUE(contains(error_of({"--concurrency", "4", "--concurrency-ramp-duration", "0"}),
                       "--concurrency-ramp-duration"));
  EXPECT_TRUE(contains(error_of({"--concurrency", "4", "--concurrency-ramp-duration", "-1"}),
                       "--concurrency-ramp-duration"));
  // A ramp as long as the run is fine; a count-based run has no length to compare with.
  parse({"--concurrency", "4", "--concurrency-ramp-duration", "10", "--benchmark-duration", "10"});
  parse({"--concurrency", "4", "--concurrency-ramp-duration", "100", "--request-count", "5"});
}

TEST(ShapingOptions, RateSeriesSetsModeMeanRateAndDuration) {
  auto c =
      parse({"--request-rate-series", "10:30s, 50:1m,20:500ms", "--arrival-pattern", "constant"});
  ASSERT_EQ(c.request_rate_series.size(), 3u);
  EXPECT_EQ(c.request_rate_series[0].rate, 10.0);
  EXPECT_EQ(c.request_rate_series[0].duration_s, 30.0);
  EXPECT_EQ(c.request_rate_series[1].duration_s, 60.0);
  EXPECT_DOUBLE_EQ(c.request_rate_series[2].duration_s, 0.5);
  EXPECT_EQ(c.timing_mode, TimingMode::kRequestRate);
  EXPECT_DOUBLE_EQ(*c.request_rate, (300.0 + 3000.0 + 10.0) / 90.5);
  EXPECT_DOUBLE_EQ(*c.benchmark_duration_s, 90.5);  // the series is the run
  EXPECT_FALSE(c.request_count);
  // An explicit stop condition stays; the series' last rate then holds.
  auto d = parse({"--request-rate-series", "5:1s", "--request-count", "50"});
  EXPECT_FALSE(d.benchmark_duration_s);
  // Quiet segments are allowed; all-quiet is not.
  parse({"--request-rate-series", "0:2s,10:1s"});
  EXPECT_TRUE(contains(error_of({"--request-rate-series", "0:2s"}), "every segment has rate 0"));
  EXPECT_TRUE(contains(error_of({"--request-rate-series", "10"}), "is not RATE:DURATION"));
  EXPECT_TRUE(contains(error_of({"--request-rate-series", "x:3s"}), "no valid rate"));
  EXPECT_TRUE(contains(error_of({"--request-rate-series", "3:0s"}), "no valid duration"));
  EXPECT_TRUE(contains(error_of({"--request-rate-series", "3:2d"}), "no valid duration"));
  EXPECT_TRUE(contains(error_of({"--request-rate-series", "10:3s", "--request-rate", "5"}),
                       "--request-rate-series cannot be used with --request-rate"));
  EXPECT_TRUE(
      contains(error_of({"--request-rate-series", "10:3s", "--request-rate-ramp-duration", "1"}),
               "cannot be used with --request-rate-ramp-duration"));
}

TEST(ShapingOptions, CancellationRateAndDelay) {
  auto c = parse({"--request-cancellation-rate", "100", "--request-cancellation-delay", "0"});
  EXPECT_EQ(c.request_cancellation_rate_pct, 100.0);
  EXPECT_EQ(c.request_cancellation_delay_s, 0.0);
  for (const char* bad : {"0", "-5", "100.5", "abc", "nan"}) {
    EXPECT_TRUE(
        contains(error_of({"--request-cancellation-rate", bad}), "--request-cancellation-rate"))
        << bad;
  }
  EXPECT_TRUE(contains(
      error_of({"--request-cancellation-rate", "10", "--request-cancellation-delay", "-1"}),
      "--request-cancellation-delay"));
  EXPECT_TRUE(contains(error_of({"--request-cancellation-delay", "1"}),
                       "--request-cancellation-delay requires --request-cancellation-rate"));
}

TEST(ShapingOptions, HttpTraceAndNetworkLatency) {
  auto c = parse({"--export-level", "summary", "--export-http-trace"});
  bool warned = false;
  for (const auto& w : c.warnings) warned |= contains(w, "--export-http-trace has no effect");
  EXPECT_TRUE(warned);
  EXPECT_TRUE(contains(error_of({"--network-latency-automatic", "--network-latency-mean", "1"}),
                       "Cannot use both --network-latency-automatic and --network-latency-mean"));
  EXPECT_TRUE(contains(error_of({"--network-latency-ping-interval", "2"}),
                       "--network-latency-ping-interval only applies"));
  EXPECT_TRUE(
      contains(error_of({"--network-latency-automatic", "--network-latency-ping-interval", "0"}),
               "--network-latency-ping-interval"));
  EXPECT_TRUE(contains(error_of({"--network-latency-mean", "-1"}), "--network-latency-mean"));
  EXPECT_EQ(parse({"--network-latency-automatic"}).network_latency_ping_interval_s, 1.0);
}

}  // namespace
}  // namespace aiperf::config
