// Long runs in bounded memory (docs/performance.md "Long runs"): 200,000 requests with the
// default dataset size (one synthetic entry per request, rebuilt just in time). After warm-up
// the process may only grow by what the exact-percentile arrays hold (stated by the run in its
// log), plus a small slack. Before the datasets were rebuilt just in time, every entry kept its
// prompt and body (~6 KB at the default ISL): hundreds of MB here.
#include <unistd.h>

#include <chrono>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

long rss_kb(pid_t pid) {
  std::string s = read_file("/proc/" + std::to_string(pid) + "/status");
  size_t p = s.find("VmRSS:");
  return p == std::string::npos ? -1 : std::atol(s.c_str() + p + 6);
}

TEST(LongRun, RssStaysFlatAfterWarmUpOver200kRequests) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP()
      << "resident-memory bounds do not hold under a sanitizer (shadow memory, quarantine)";
#endif
  MockServerProcess mock({"--fast"});
  const std::string dir = make_temp_dir("aiperf-long");
  ChildProcess p({AIPERF_BIN,
                  "profile",
                  "-m",
                  "m",
                  "--url",
                  mock.url(),
                  "--tokenizer",
                  "builtin",
                  "--ui",
                  "none",
                  "--streaming",
                  "--request-count",
                  "200000",
                  "--concurrency",
                  "32",
                  "--osl",
                  "2",
                  "--isl",
                  "64",
                  "--export-level",
                  "summary",
                  "--artifact-dir",
                  dir},
                 dir + "/out.txt", dir + "/err.txt");
  // (seconds since start, RSS kB) every 100 ms while it runs.
  std::vector<std::pair<double, long>> samples;
  const auto t0 = std::chrono::steady_clock::now();
  int rc = -1;
  while ((rc = p.wait(100)) == -1) {
    long kb = rss_kb(p.pid());
    double t = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (kb > 0) samples.emplace_back(t, kb);
    ASSERT_LT(t, 280.0) << "too slow";
  }
  ASSERT_EQ(rc, 0) << read_file(dir + "/err.txt");
  nlohmann::json s = nlohmann::json::parse(read_file(dir + "/profile_export_aiperf.json"));
  ASSERT_EQ(s["request_count"]["avg"].get<double>(), 200000);
  // When the profiling phase started and how much the percentile arrays hold, from the log.
  std::string log = read_file(dir + "/logs/aiperf.log");
  std::smatch m;
  ASSERT_TRUE(
      std::regex_search(log, m, std::regex(R"(exact-percentile values: \d+ held, ([0-9.]+) MB)")))
      << log;
  const double arrays_kb = std::stod(m[1]) * 1000.0 / 1.024;
  ASSERT_GT(samples.size(), 10u);
  // Warm-up: the first quarter of the run (dataset compact form, inputs.json, pools, the first
  // sessions); after it, growth is bounded by the arrays (they double as they grow, so up to
  // twice what they end with) and 24 MB of slack.
  const double end = samples.back().first;
  long at_warm = 0, peak_after = 0;
  for (const auto& [t, kb] : samples) {
    if (t <= end / 4) at_warm = kb;
    if (t > end / 4) peak_after = std::max(peak_after, kb);
  }
  ASSERT_GT(at_warm, 0);
  const double growth_kb = double(peak_after - at_warm);
  RecordProperty("rss_warm_kb", int(at_warm));
  RecordProperty("rss_peak_after_kb", int(peak_after));
  RecordProperty("percentile_arrays_kb", int(arrays_kb));
  EXPECT_LT(growth_kb, 2 * arrays_kb + 24 * 1024)
      << "RSS after warm-up " << at_warm << " kB, peak after " << peak_after
      << " kB, percentile arrays " << arrays_kb << " kB";
  EXPECT_LT(peak_after, 160 * 1024) << "peak RSS";
}

}  // namespace
}  // namespace aiperf::testing
