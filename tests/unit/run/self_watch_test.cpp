#include "aiperf/run/self_watch.h"

#include <gtest/gtest.h>

#include <time.h>

#include <future>
#include <thread>

namespace aiperf::run {
namespace {

TEST(SelfWatch, ParsesSchedstatLines) {
  auto s = parse_schedstat("123456789 2500000 42\n");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->on_cpu_ns, 123456789);
  EXPECT_EQ(s->run_queue_ns, 2500000);
  EXPECT_TRUE(s->has_schedstat);
  EXPECT_FALSE(parse_schedstat(""));
  EXPECT_FALSE(parse_schedstat("12"));
  EXPECT_FALSE(parse_schedstat("x 1 2"));
  EXPECT_FALSE(parse_schedstat("-5 1 2"));
}

TEST(SelfWatch, DeltaClampsThreadsThatEnded) {
  SchedSample a, b;
  a.has_schedstat = b.has_schedstat = true;
  a.on_cpu_ns = 100;
  b.on_cpu_ns = 40;  // a thread that ran before ended: its time left the sum
  a.run_queue_ns = 10;
  b.run_queue_ns = 30;
  a.involuntary = 3;
  b.involuntary = 7;
  const SchedSample d = sched_delta(a, b);
  EXPECT_EQ(d.on_cpu_ns, 0);
  EXPECT_EQ(d.run_queue_ns, 20);
  EXPECT_EQ(d.involuntary, 4);
  EXPECT_TRUE(d.has_schedstat);
  b.has_schedstat = false;
  EXPECT_FALSE(sched_delta(a, b).has_schedstat);
}

// The live process: 10 ms of CPU burnt by a thread that is still alive at the second sample
// show as time on a CPU (the thread measures its own CPU time, so load does not matter).
TEST(SelfWatch, SamplesCountThisProcessCpu) {
  const SchedSample before = sample_sched();
  if (!before.has_schedstat) GTEST_SKIP() << "no /proc/self/task/*/schedstat on this kernel";
  std::promise<void> burnt, release;
  std::thread t([&] {
    timespec ts{};
    volatile uint64_t x = 0;
    do {
      for (int i = 0; i < 10000; ++i) x = x + 1;
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    } while (ts.tv_sec == 0 && ts.tv_nsec < 10'000'000);
    burnt.set_value();
    release.get_future().wait();
  });
  burnt.get_future().wait();
  const SchedSample during = sample_sched();
  release.set_value();
  t.join();
  EXPECT_GE(during.on_cpu_ns - before.on_cpu_ns, 10'000'000);
  EXPECT_GE(during.involuntary, before.involuntary);
}

}  // namespace
}  // namespace aiperf::run
