// The dashboard's live histograms and frame layout (the terminal itself is tested under tmux in
// tests/integration/dashboard_test.cpp).
#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "aiperf/ui/dashboard.h"

namespace aiperf::ui {
namespace {

constexpr int64_t kSec = 1'000'000'000;

TEST(LogLinearHistogram, PercentilesWithinThreePercent) {
  LogLinearHistogram h;
  std::vector<uint64_t> v;
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> d(15, 1.0);  // ~3 ms median in ns, long tail
  for (int i = 0; i < 100000; ++i) {
    v.push_back(uint64_t(d(rng)));
    h.add(v.back());
  }
  std::sort(v.begin(), v.end());
  for (double q : {50.0, 90.0, 99.0}) {
    const double exact = double(v[size_t(std::ceil(q / 100 * double(v.size()))) - 1]);
    EXPECT_NEAR(h.percentile(q) / exact, 1.0, 0.03) << "q=" << q;
  }
  EXPECT_EQ(h.count(), 100000u);
  LogLinearHistogram small;
  small.add(3);
  EXPECT_DOUBLE_EQ(small.percentile(50), 3.0);  // exact below 32
  EXPECT_EQ(LogLinearHistogram().percentile(50), 0.0);
}

TEST(LiveStats, WindowRatesAndErrors) {
  LiveStats s;
  const int64_t t0 = 1000 * kSec;
  for (int sec = 0; sec < 70; ++sec) {
    for (int i = 0; i < 10; ++i) {
      LiveSample x;
      x.now_ns = t0 + sec * kSec + i;
      x.ttft_ns = (sec < 10 ? 100 : 5) * 1'000'000;  // the first 10 s are slow
      x.latency_ns = 20'000'000;
      if (i == 0 && sec % 10 == 0) {
        x.error = true;
        x.error_type = sec % 20 == 0 ? "HTTP 500" : "timeout";
      }
      s.add(x);
    }
  }
  LiveSnapshot snap = s.snapshot(t0 + 69 * kSec + 500'000'000);
  // The slow first seconds left the 60 s window.
  EXPECT_NEAR(snap.window[kLiveTtft].p99 / 1e6, 5.0, 0.2);
  EXPECT_EQ(snap.window[kLiveTtft].count, 600u);
  EXPECT_EQ(snap.window[kLiveItl].count, 0u);
  EXPECT_DOUBLE_EQ(snap.recent_rate, 10.0);
  EXPECT_EQ(snap.per_second_completed.size(), size_t(LiveStats::kWindowS));
  EXPECT_DOUBLE_EQ(snap.per_second_completed.back(), 10.0);
  EXPECT_EQ(snap.total, 700u);
  EXPECT_EQ(snap.total_errors, 7u);
  EXPECT_EQ(snap.errors["HTTP 500"], 4u);
  EXPECT_EQ(snap.errors["timeout"], 3u);
}

std::vector<std::string> lines_of(const std::string& frame) {
  std::vector<std::string> out;
  std::string f = frame.substr(3);  // "\x1b[H"
  size_t pos = 0;
  while (true) {
    size_t nl = f.find("\r\n", pos);
    out.push_back(f.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (nl == std::string::npos) break;
    pos = nl + 2;
  }
  return out;
}

/// Visible columns of a line (ANSI sequences removed, UTF-8 code points counted).
size_t visible(const std::string& s) {
  size_t w = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\x1b') {
      while (i < s.size() && !std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
      continue;
    }
    w += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  }
  return w;
}

FrameInput sample_input() {
  FrameInput in;
  in.title = "Qwen/Qwen3-0.6B · chat · http://127.0.0.1:8000";
  in.status.completed = 250;
  in.status.total = 1000;
  in.status.issued = 254;
  in.status.in_flight = 4;
  in.status.phase_start_ns = 1 * kSec;
  in.now_ns = 11 * kSec;
  LiveStats s;
  for (int i = 0; i < 250; ++i) {
    LiveSample x;
    x.now_ns = 1 * kSec + int64_t(i) * 40'000'000;
    x.ttft_ns = 5'000'000 + i * 1000;
    x.itl_ns = 1'000'000;
    x.latency_ns = 30'000'000;
    x.lateness_ns = 10'000;
    if (i % 50 == 0) {
      x.error = true;
      x.error_type = "HTTP 503";
    }
    s.add(x);
  }
  in.live = s.snapshot(in.now_ns);
  in.cpu = {0.4, 0.2, true};
  return in;
}

TEST(DashboardFrame, FitsEverySizeExactly) {
  FrameInput in = sample_input();
  in.panels.push_back({"GPU", {"gpu0 util 93%", "gpu1 util 88%"}});
  for (auto [cols, rows] : {std::pair{80, 24}, {200, 60}, {60, 16}, {120, 40}}) {
    auto lines = lines_of(Dashboard::render(in, cols, rows));
    ASSERT_EQ(int(lines.size()), rows) << cols << "x" << rows;
    for (const auto& l : lines) EXPECT_LE(visible(l), size_t(cols)) << l;
  }
  std::string f = Dashboard::render(in, 80, 24);
  for (const char* want :
       {"Phase", "profiling", "250/1000", "ETA", "TTFT (ms)", "ITL (ms)", "Latency (ms)",
        "Requests/s", "HTTP 503", "Verdict: ", "the client keeps up", "Ctrl-C"}) {
    EXPECT_NE(f.find(want), std::string::npos) << want;
  }
  // ETA: 250 of 1000 in 10 s -> 30 s left.
  EXPECT_NE(f.find("ETA 0:30"), std::string::npos);
  std::string big = Dashboard::render(in, 200, 60);
  EXPECT_NE(big.find("GPU"), std::string::npos);
  EXPECT_NE(big.find("gpu1 util 88%"), std::string::npos);
}

TEST(DashboardFrame, BottleneckVerdict) {
  FrameInput in = sample_input();
  in.cpu.busiest_thread = 0.97;
  std::string f = Dashboard::render(in, 100, 30);
  EXPECT_NE(f.find("the client may be the bottleneck"), std::string::npos);
}

}  // namespace
}  // namespace aiperf::ui
