#include "aiperf/common/clock.h"

#include <gtest/gtest.h>

namespace aiperf {
namespace {

// The wall clock is 1,000 s ahead of the monotonic one in these cases.
constexpr int64_t kOffset = 1'000'000'000'000;

TEST(Clock, ArrivalIsNowLessHowLongAgoTheKernelStampedIt) {
  const int64_t now = 5'000'000'000, real = now + kOffset;
  EXPECT_EQ(arrival_mono_ns(now, real, real - 37'000, 0), now - 37'000);
  EXPECT_EQ(arrival_mono_ns(now, real, real, 0), now);  // read the moment it came
  // A stamp as old as not_before is kept.
  EXPECT_EQ(arrival_mono_ns(now, real, real - 1'000'000, now - 1'000'000), now - 1'000'000);
}

TEST(Clock, ArrivalStaysBetweenTheLastStampAndNow) {
  const int64_t now = 5'000'000'000, real = now + kOffset;
  // A stamp from the future: the wall clock stepped back between arrival and read.
  EXPECT_EQ(arrival_mono_ns(now, real, real + 5'000, 0), now);
  // Before the caller's last stamp (the answer beat the send call's return, or the wall clock
  // stepped forward): the last stamp, never earlier.
  EXPECT_EQ(arrival_mono_ns(now, real, real - 2'000'000, now - 1'000'000), now - 1'000'000);
  // A last stamp after now cannot pull the stamp past now.
  EXPECT_EQ(arrival_mono_ns(now, real, real - 2'000'000, now + 1'000), now);
}

TEST(Clock, AnchorMapsMonotonicInstantsToTheWallClock) {
  ClockAnchor a;
  EXPECT_EQ(a.to_wall(a.mono()), a.wall());
  EXPECT_EQ(a.to_wall(a.mono() + 123), a.wall() + 123);
}

// The anchor's pair is read closely (mono, wall, mono: best of a few tries), so a monotonic
// instant read between two wall readings maps between them, give or take the pair's own gap.
TEST(Clock, AnchorPutsAnInstantBetweenTheWallReadingsAroundIt) {
  for (int i = 0; i < 100; ++i) {
    ClockAnchor a;
    const int64_t w0 = wall_ns(), m = mono_ns(), w1 = wall_ns();
    EXPECT_GE(a.to_wall(m), w0 - a.gap());
    EXPECT_LE(a.to_wall(m), w1 + a.gap());
  }
  EXPECT_EQ(&process_anchor(), &process_anchor());
}

}  // namespace
}  // namespace aiperf
