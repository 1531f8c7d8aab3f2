// User-centric rate planning (spec §3.7): turn gap and stagger, virtual history (turns left per
// initial user, skipped users consuming ids), start slots with and without alternate spacing,
// and the fresh user at order 0.
#include "aiperf/schedule/user_centric.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace aiperf::schedule {
namespace {

TEST(UserCentric, AlternateSpacingStep) {
  EXPECT_EQ(alternate_spacing_step(1), 1);
  EXPECT_EQ(alternate_spacing_step(2), 1);
  EXPECT_EQ(alternate_spacing_step(3), 2);
  EXPECT_EQ(alternate_spacing_step(4), 3);
  EXPECT_EQ(alternate_spacing_step(6), 5);
  EXPECT_EQ(alternate_spacing_step(15), 2);
}

// 15 users, 20 turns, 1 QPS: the documented steady-state table.
TEST(UserCentric, FifteenUsersTwentyTurns) {
  UserCentricPlan p = plan_user_centric(15, 1.0, 20.0);
  EXPECT_EQ(p.turn_gap_ns, 15'000'000'000);
  EXPECT_EQ(p.stagger_ns, 1'000'000'000);
  EXPECT_EQ(p.session_turns, 20);
  // User 1 is virtually done (skipped); users 2..15 plus fresh user 16.
  ASSERT_EQ(p.users.size(), 15u);
  std::map<uint64_t, std::pair<uint32_t, int64_t>> by_id;  // id -> (turns, order)
  for (const auto& u : p.users) by_id[u.user_id] = {u.max_turns, u.order};
  EXPECT_EQ(by_id.count(1), 0u);
  EXPECT_EQ(by_id[16], std::make_pair(0u, int64_t(0)));  // all turns, first
  EXPECT_EQ(by_id[5], std::make_pair(6u, int64_t(1)));
  EXPECT_EQ(by_id[9], std::make_pair(11u, int64_t(2)));
  EXPECT_EQ(by_id[13], std::make_pair(16u, int64_t(3)));
  EXPECT_EQ(by_id[2], std::make_pair(2u, int64_t(4)));
  EXPECT_EQ(by_id[15], std::make_pair(18u, int64_t(11)));
  EXPECT_EQ(by_id[4], std::make_pair(4u, int64_t(12)));
  EXPECT_EQ(by_id[12], std::make_pair(14u, int64_t(14)));
  EXPECT_EQ(p.next_user_id, 17u);
  // Every start slot distinct.
  std::set<int64_t> orders;
  for (const auto& u : p.users) orders.insert(u.order);
  EXPECT_EQ(orders.size(), p.users.size());
}

TEST(UserCentric, AlternateSpacingWhenGcdAboveOne) {
  // U = 4, 3 turns → lifetime 2, gcd 2 → step 3: slot = (3i) mod 4.
  UserCentricPlan p = plan_user_centric(4, 2.0, 3.0);
  EXPECT_EQ(p.turn_gap_ns, 2'000'000'000);
  EXPECT_EQ(p.stagger_ns, 500'000'000);
  // i=0: age 8, sa 2, turns 0 → skipped (user 1). i=1: age 6, sa 1, turns 1, slot 3, order 1.
  // i=2: age 4, sa 1, turns 1, slot 2, order 2. i=3: age 2, sa 0, turns 2, slot 1, order 3.
  ASSERT_EQ(p.users.size(), 4u);
  EXPECT_EQ(p.users[0].user_id, 2u);
  EXPECT_EQ(p.users[0].max_turns, 1u);
  EXPECT_EQ(p.users[0].order, 1);
  EXPECT_EQ(p.users[1].user_id, 3u);
  EXPECT_EQ(p.users[1].order, 2);
  EXPECT_EQ(p.users[2].user_id, 4u);
  EXPECT_EQ(p.users[2].max_turns, 2u);
  EXPECT_EQ(p.users[2].order, 3);
  EXPECT_EQ(p.users[3].user_id, 5u);
  EXPECT_EQ(p.users[3].max_turns, 0u);
  EXPECT_EQ(p.users[3].order, 0);
}

TEST(UserCentric, SessionTurnsRoundHalfToEven) {
  EXPECT_EQ(plan_user_centric(3, 1.0, 2.5).session_turns, 2);
  EXPECT_EQ(plan_user_centric(3, 1.0, 3.5).session_turns, 4);
  EXPECT_EQ(plan_user_centric(3, 1.0, 2.6).session_turns, 3);
}

}  // namespace
}  // namespace aiperf::schedule
