// Sessions in PhaseState (spec §3.2-3.3): every turn is a credit, session slots are held from the
// first turn until the final one returns, --num-sessions lets started sessions finish, and the
// rate loop prefers queued continuation turns (spec §3.4). Conversation sampling (spec §4.9).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "aiperf/schedule/ready_queue.h"
#include "aiperf/schedule/schedule.h"

namespace aiperf::schedule {
namespace {

PhaseSpec spec_with(std::optional<int64_t> requests, std::optional<int64_t> sessions) {
  PhaseSpec s;
  s.request_count = requests;
  s.num_sessions = sessions;
  s.concurrency = 4;
  return s;
}

std::unique_ptr<PhaseState> make_state(const PhaseSpec& s, std::vector<uint32_t> turns) {
  size_t n = turns.size();
  auto ps = std::make_unique<PhaseState>(s, std::move(turns), 1, ConversationSampler(n));
  ps->start(0);
  return ps;
}

TEST(PhaseStateSessions, RequestCountCountsEveryTurn) {
  auto psp = make_state(spec_with(5, std::nullopt), {3});
  PhaseState& ps = *psp;
  auto c0 = ps.try_issue(0, 0);
  ASSERT_TRUE(c0);
  EXPECT_EQ(c0->turn, 0u);
  EXPECT_EQ(c0->num_turns, 3u);
  auto c1 = ps.try_issue_next(*c0, 0, 0);
  auto c2 = ps.try_issue_next(*c1, 0, 0);
  ASSERT_TRUE(c2);
  EXPECT_EQ(c2->turn, 2u);
  EXPECT_TRUE(c2->final_turn());
  EXPECT_FALSE(ps.try_issue_next(*c2, 0, 0));  // no turn after the final one
  auto d0 = ps.try_issue(0, 0);
  auto d1 = ps.try_issue_next(*d0, 0, 0);
  ASSERT_TRUE(d1);
  EXPECT_EQ(ps.sent(), 5u);
  EXPECT_TRUE(ps.sending_done());  // the 5th credit is final, mid-session
  EXPECT_FALSE(ps.try_issue_next(*d1, 0, 0));
  EXPECT_EQ(d1->session, 1u);
  EXPECT_EQ(d1->index, 4u);
}

TEST(PhaseStateSessions, SessionCountLetsStartedSessionsFinish) {
  auto psp = make_state(spec_with(std::nullopt, 2), {3, 2});
  PhaseState& ps = *psp;
  auto a0 = ps.try_issue(0, 0);
  auto b0 = ps.try_issue(0, 0);
  ASSERT_TRUE(a0 && b0);
  EXPECT_EQ(b0->num_turns, 2u);
  EXPECT_FALSE(ps.can_start_new_session(0));
  EXPECT_TRUE(ps.can_send_any_turn(0));
  EXPECT_FALSE(ps.try_issue(0, 0));  // no third session...
  EXPECT_FALSE(ps.sending_done());   // ...but the two started ones continue
  auto a1 = ps.try_issue_next(*a0, 0, 0);
  auto b1 = ps.try_issue_next(*b0, 0, 0);
  ASSERT_TRUE(a1 && b1);
  EXPECT_FALSE(ps.sending_done());
  auto a2 = ps.try_issue_next(*a1, 0, 0);
  ASSERT_TRUE(a2);
  EXPECT_TRUE(ps.sending_done());  // last turn of the N-th session: final credit
  EXPECT_EQ(ps.sent(), 5u);
  EXPECT_FALSE(ps.can_send_any_turn(0));
}

TEST(PhaseStateSessions, SlotHeldUntilFinalTurnReturns) {
  PhaseSpec s = spec_with(100, std::nullopt);
  s.concurrency = 1;
  auto psp = make_state(s, {2});
  PhaseState& ps = *psp;
  auto c0 = ps.try_issue(0, 0);
  EXPECT_FALSE(ps.slot_available());
  ps.on_return(*c0);
  EXPECT_FALSE(ps.slot_available());  // turn 0 back, the session goes on
  auto c1 = ps.try_issue_next(*c0, 0, 0);
  EXPECT_FALSE(ps.slot_available());
  ps.on_return(*c1);
  EXPECT_TRUE(ps.slot_available());
  EXPECT_EQ(ps.returned(), 2u);
  // A session whose record was dropped, or whose next turn is refused, also frees its slot.
  auto d0 = ps.try_issue(0, 0);
  ps.on_return(*d0, /*session_ends=*/true);
  EXPECT_TRUE(ps.slot_available());
  auto e0 = ps.try_issue(0, 0);
  ps.on_return(*e0);
  ps.end_session();
  EXPECT_TRUE(ps.slot_available());
}

TEST(PhaseStateSessions, AbandonedSessionDoesNotHoldUpSessionTarget) {
  auto psp = make_state(spec_with(std::nullopt, 2), {3, 3});
  PhaseState& ps = *psp;
  auto a0 = ps.try_issue(0, 0);
  auto b0 = ps.try_issue(0, 0);
  auto a1 = ps.try_issue_next(*a0, 0, 0);
  auto a2 = ps.try_issue_next(*a1, 0, 0);
  ASSERT_TRUE(a2);
  EXPECT_FALSE(ps.sending_done());  // b still has 2 turns to send
  EXPECT_EQ(PhaseState::turns_after(*b0), 2u);
  ps.end_session(PhaseState::turns_after(*b0));  // b cannot continue
  EXPECT_TRUE(ps.sending_done());
}

TEST(PhaseStateSessions, DurationRefusesTurnsDueAfterDeadline) {
  PhaseSpec s = spec_with(std::nullopt, std::nullopt);
  s.duration_s = 1.0;
  auto psp = make_state(s, {3});
  PhaseState& ps = *psp;
  auto c0 = ps.try_issue(0, 0);
  ASSERT_TRUE(c0);
  EXPECT_TRUE(ps.try_issue_next(*c0, 999'999'999, 999'999'999));
  // Due after the deadline: refused, but the phase goes on for turns due before it.
  EXPECT_FALSE(ps.try_issue_next(*c0, 500'000'000, 1'200'000'000));
  EXPECT_FALSE(ps.sending_done());
  EXPECT_TRUE(ps.try_issue(600'000'000, 600'000'000));
  EXPECT_FALSE(ps.try_issue_next(*c0, 1'000'000'000, 1'000'000'000));
  EXPECT_TRUE(ps.sending_done());
}

TEST(PhaseStateSessions, NextTurnKeepsSessionIdentity) {
  PhaseState ps(spec_with(10, std::nullopt), std::vector<uint32_t>{2, 2}, 3,
                ConversationSampler(2));
  ps.start(0);
  auto a = ps.try_issue(0, 0);
  auto b = ps.try_issue(0, 0);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->url_index, 0);
  EXPECT_EQ(b->url_index, 1);
  b->x_correlation_id = "corr-b";
  auto b1 = ps.try_issue_next(*b, 0, 123);
  ASSERT_TRUE(b1);
  EXPECT_EQ(b1->conversation, 1u);
  EXPECT_EQ(b1->session, 1u);
  EXPECT_EQ(b1->url_index, 1);  // the URL stays with the session
  EXPECT_EQ(b1->x_correlation_id, "corr-b");
  EXPECT_EQ(b1->scheduled_ns, 123);
  EXPECT_EQ(b1->index, 2u);
}

TEST(PhaseStateSessions, GivenConversationAndTruncation) {
  auto psp = make_state(spec_with(100, std::nullopt), {5, 4});
  PhaseState& ps = *psp;
  auto c = ps.try_issue_session(1, 2, 0, 0);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->conversation, 1u);
  EXPECT_EQ(c->num_turns, 2u);
  auto all = ps.try_issue_session(0, 0, 0, 0);
  EXPECT_EQ(all->num_turns, 5u);
  auto capped = ps.try_issue_session(1, 9, 0, 0);
  EXPECT_EQ(capped->num_turns, 4u);  // never more than the conversation has
}

TEST(PhaseStateSessions, SingleTurnBehaviourUnchanged) {
  PhaseState ps(spec_with(3, std::nullopt), 5, 1);
  ps.start(0);
  for (uint32_t i = 0; i < 3; ++i) {
    auto c = ps.try_issue(0, 0);
    ASSERT_TRUE(c);
    EXPECT_EQ(c->conversation, i);
    EXPECT_EQ(c->session, i);
    EXPECT_TRUE(c->final_turn());
  }
  EXPECT_TRUE(ps.sending_done());
  EXPECT_FALSE(ps.try_issue(0, 0));
}

TEST(MakePhases, SessionsAreAStopCondition) {
  config::Config cfg;
  cfg.num_sessions = 7;
  auto phases = make_phases(cfg);
  ASSERT_EQ(phases.size(), 1u);
  EXPECT_FALSE(phases[0].request_count);  // no default 10 requests
  EXPECT_EQ(phases[0].num_sessions, 7);
  config::Config none;
  EXPECT_EQ(make_phases(none)[0].request_count, 10);
  config::Config fixed;
  fixed.timing_mode = config::TimingMode::kFixedSchedule;
  EXPECT_FALSE(make_phases(fixed)[0].request_count);  // the trace is the stop condition
  EXPECT_TRUE(make_phases(fixed)[0].auto_offset);
  fixed.fixed_schedule_start_offset_ms = 500;
  EXPECT_FALSE(make_phases(fixed)[0].auto_offset);
  EXPECT_EQ(make_phases(fixed)[0].start_offset_ms, 500);
}

TEST(MakePhases, WarmupOfOpenLoopModesIsRequestRateStyle) {
  config::Config cfg;
  cfg.timing_mode = config::TimingMode::kUserCentric;
  cfg.user_centric_rate = 4.0;
  cfg.num_users = 8;
  cfg.warmup_request_count = 3;
  auto phases = make_phases(cfg);
  ASSERT_EQ(phases.size(), 2u);
  EXPECT_EQ(phases[0].mode, config::TimingMode::kConcurrency);
  EXPECT_EQ(phases[1].mode, config::TimingMode::kUserCentric);
  EXPECT_DOUBLE_EQ(phases[1].rate, 4.0);
  EXPECT_EQ(phases[1].num_users, 8);
}

TEST(TurnDelay, CapAndUnits) {
  PhaseSpec s;
  EXPECT_EQ(turn_delay_ns(s, std::nullopt), 0);
  EXPECT_EQ(turn_delay_ns(s, 250), 250'000'000);
  EXPECT_EQ(turn_delay_ns(s, -5), 0);
  s.delay_cap_s = 0.1;
  EXPECT_EQ(turn_delay_ns(s, 250), 100'000'000);
  EXPECT_EQ(turn_delay_ns(s, 50), 50'000'000);
}

TEST(ContinuationPriority, ReadyQueueOrdersByReadyTime) {
  ReadyQueue<int> q;
  q.push(300, 3);
  q.push(100, 1);
  q.push(100, 2);  // same time: first queued first
  EXPECT_FALSE(q.pop_ready(99));
  EXPECT_EQ(q.pop_ready(100), 1);
  EXPECT_EQ(q.pop_ready(100), 2);
  EXPECT_FALSE(q.pop_ready(299));  // not ready yet (its delay runs)
  EXPECT_EQ(q.pop_ready(1000), 3);
  EXPECT_EQ(q.size(), 0u);
}

TEST(ContinuationPriority, TickDecision) {
  // A ready continuation wins over a new session, even when new sessions are allowed.
  EXPECT_EQ(decide_tick(true, true, false, true), TickAction::kContinuation);
  EXPECT_EQ(decide_tick(false, true, false, true), TickAction::kNewSession);
  EXPECT_EQ(decide_tick(false, true, true, true), TickAction::kSkipNoSlot);
  EXPECT_EQ(decide_tick(false, false, false, true), TickAction::kWait);
  EXPECT_EQ(decide_tick(false, false, false, false), TickAction::kStop);
}

TEST(Sampler, Sequential) {
  ConversationSampler s(3);
  std::vector<uint32_t> got;
  for (int i = 0; i < 7; ++i) got.push_back(s.next());
  EXPECT_EQ(got, (std::vector<uint32_t>{0, 1, 2, 0, 1, 2, 0}));
}

TEST(Sampler, ShuffleIsAPermutationPerPass) {
  RngManager rngs(42);
  ConversationSampler s(10, config::SamplingStrategy::kShuffle, rngs);
  std::vector<uint32_t> first, second;
  for (int i = 0; i < 10; ++i) first.push_back(s.next());
  for (int i = 0; i < 10; ++i) second.push_back(s.next());
  std::vector<uint32_t> sorted = first;
  std::sort(sorted.begin(), sorted.end());
  for (uint32_t i = 0; i < 10; ++i) EXPECT_EQ(sorted[i], i);
  std::sort(second.begin(), second.end());
  EXPECT_EQ(sorted, second);
  std::vector<uint32_t> seq(10);
  for (uint32_t i = 0; i < 10; ++i) seq[i] = i;
  EXPECT_NE(first, seq);  // shuffled (fixed seed)
  // Same seed, same order.
  ConversationSampler again(10, config::SamplingStrategy::kShuffle, RngManager(42));
  for (int i = 0; i < 10; ++i) EXPECT_EQ(again.next(), first[i]);
}

TEST(Sampler, RandomWithReplacementUsesItsStream) {
  RngManager rngs(7);
  ConversationSampler s(5, config::SamplingStrategy::kRandom, rngs);
  Rng ref = rngs.derive(kRandomSamplerStream);
  std::set<uint32_t> seen;
  for (int i = 0; i < 200; ++i) {
    uint32_t v = s.next();
    EXPECT_EQ(v, uint32_t(ref.randrange(5)));
    seen.insert(v);
  }
  EXPECT_EQ(seen.size(), 5u);
}

}  // namespace
}  // namespace aiperf::schedule
