// --ui simple progress rendering (the render functions are pure; the thread path writes to a
// temporary file).
#include "aiperf/ui/progress.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>

namespace aiperf::ui {
namespace {

ProgressCounters counters() {
  ProgressCounters c;
  c.phase = "profiling";
  c.completed = 50;
  c.errors = 2;
  c.total = 100;
  c.phase_start_ns = 1'000'000'000;
  return c;
}

TEST(Progress, BarForRequestCount) {
  auto c = counters();
  std::string s = Progress::render_bar(c, 11'000'000'000, 80);  // 10 s elapsed
  EXPECT_EQ(s.rfind("profiling [", 0), 0u) << s;
  EXPECT_NE(s.find("] 50/100 (50%) | 00:10 | 5.0 req/s | errors 2"), std::string::npos) << s;
  size_t open = s.find('['), close = s.find(']');
  std::string bar = s.substr(open + 1, close - open - 1);
  EXPECT_EQ(std::count(bar.begin(), bar.end(), '#'), static_cast<long>(bar.size() / 2));
  EXPECT_LE(static_cast<int>(s.size()), 80);
}

TEST(Progress, BarForDuration) {
  auto c = counters();
  c.total = 0;
  c.duration_s = 60;
  std::string s = Progress::render_bar(c, 16'000'000'000, 100);  // 15 s of 60
  EXPECT_NE(s.find("00:15/01:00, 50 done (25%)"), std::string::npos) << s;
  c.duration_s = 0;
  s = Progress::render_bar(c, 16'000'000'000, 100);
  EXPECT_EQ(s.find('['), std::string::npos) << s;  // nothing to fill: no bar
  EXPECT_NE(s.find("50 done | 00:15"), std::string::npos) << s;
}

TEST(Progress, PlainLine) {
  auto c = counters();
  EXPECT_EQ(Progress::render_plain(c, 11'000'000'000),
            "profiling: 50/100 requests (50.0%), elapsed 10.0s, 5.0 req/s, 2 errors");
}

TEST(Progress, NonTtyWritesPlainFinalLine) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p({.mode = ProgressMode::kSimple, .out = f, .tty = 0, .plain_interval_s = 3600});
    EXPECT_FALSE(p.is_tty());
    p.start();
    auto c = counters();
    c.phase_start_ns = 0;  // "since start()"
    c.completed = 100;
    c.errors = 0;
    p.update(c);
    p.finish();
  }
  std::rewind(f);
  char buf[512] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  std::string s(buf, n);
  EXPECT_EQ(s.rfind("profiling: 100/100 requests (100.0%)", 0), 0u) << s;
  EXPECT_EQ(s.back(), '\n');
  EXPECT_EQ(std::count(s.begin(), s.end(), '\n'), 1);
}

TEST(Progress, TtyRedrawsInPlace) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p({.mode = ProgressMode::kSimple, .out = f, .tty = 1, .width = 80});
    p.start();
    p.update(counters());
    p.finish();
  }
  std::rewind(f);
  char buf[4096] = {};
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  std::string s(buf, n);
  EXPECT_EQ(s.front(), '\r');
  EXPECT_NE(s.find("\x1b[K\n"), std::string::npos);
  EXPECT_NE(s.find("50/100"), std::string::npos);
}

TEST(Progress, NoneWritesNothing) {
  FILE* f = std::tmpfile();
  ASSERT_NE(f, nullptr);
  {
    Progress p({.mode = ProgressMode::kNone, .out = f, .tty = 1});
    p.start();
    p.update(counters());
    p.finish();
  }
  EXPECT_EQ(std::ftell(f), 0);
  std::fclose(f);
}

}  // namespace
}  // namespace aiperf::ui
