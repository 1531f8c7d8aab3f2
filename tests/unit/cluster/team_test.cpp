// The team protocol over an in-process Comm (local_comm.h): the start-up agreement, the common
// start, records reaching the leader, and a lost rank ending the waits instead of hanging them.
#include "aiperf/cluster/team.h"

#include <gtest/gtest.h>

#include <functional>
#include <future>
#include <thread>

#include "local_comm.h"

namespace aiperf::cluster {
namespace {

using aiperf::testing::LocalComm;
using aiperf::testing::LocalNet;

struct Ranks {
  explicit Ranks(int n, TeamOptions o = {}) : net(std::make_shared<LocalNet>(n)) {
    o.start_lead_ns = 20'000'000;
    for (int r = 0; r < n; ++r) {
      teams.push_back(std::make_unique<Team>(std::make_unique<LocalComm>(net, r), o));
    }
  }
  /// Runs f(team) on every rank at once; returns the results by rank.
  template <class F>
  auto each(F f) {
    using R = decltype(f(*teams[0]));
    std::vector<std::future<R>> fs;
    for (auto& t : teams) fs.push_back(std::async(std::launch::async, [&f, &t] { return f(*t); }));
    std::vector<R> out;
    for (auto& x : fs) out.push_back(x.get());
    return out;
  }
  std::shared_ptr<LocalNet> net;
  std::vector<std::unique_ptr<Team>> teams;
};

TEST(Team, AgreesOnConfigAndSharesTheLeadersSeed) {
  Ranks rk(3);
  auto rcs = rk.each([](Team& t) { return t.agree_config("", t.leader() ? 77 : 5); });
  EXPECT_EQ(rcs, (std::vector<int>{-1, -1, -1}));
  for (auto& t : rk.teams) EXPECT_EQ(t->seed(), 77u);
}

TEST(Team, AConfigErrorStopsEveryRankAndOnlyTheLeaderSpeaks) {
  Ranks rk(3);
  ::testing::internal::CaptureStderr();
  auto rcs = rk.each(
      [](Team& t) { return t.agree_config(t.rank() == 2 ? "--foo: bad" : "", std::nullopt); });
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rcs, (std::vector<int>{2, 0, 0}));
  EXPECT_EQ(err, "aiperf: error: rank 2: --foo: bad\n");
}

TEST(Team, ARankThatCannotStartIsLeftOutAndTheOthersGoOn) {
  Ranks rk(3);
  rk.each([](Team& t) { return t.agree_config("", 1); });
  ::testing::internal::CaptureStderr();
  auto rcs = rk.each([](Team& t) {
    return t.rank() == 1 ? t.agree_prepared(Team::Problem::kRuntime, "cannot connect", 2)
                         : t.agree_prepared(Team::Problem::kNone, "", 2);
  });
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(rcs, (std::vector<int>{-1, 0, -1}));
  EXPECT_NE(err.find("rank 1 cannot take part: cannot connect"), std::string::npos) << err;
  auto ranks = rk.teams[0]->ranks();
  EXPECT_EQ(ranks[1].state, RankState::kUnreachable);
  EXPECT_EQ(ranks[2].state, RankState::kRunning);
  EXPECT_EQ(ranks[2].worker_base, 4);  // ranks 0 and 1 have 2 workers each
  EXPECT_GE(ranks[2].clock_rtt_ns, 0);
  // One process, one clock: the measured offset is within its own uncertainty.
  EXPECT_LE(std::llabs(ranks[2].clock_offset_ns), ranks[2].clock_rtt_ns / 2 + 1);
  EXPECT_EQ(rk.teams[0]->failed_ranks(), 1);
}

TEST(Team, PhasesStartTogetherAndRecordsReachTheLeader) {
  Ranks rk(3);
  rk.each([](Team& t) { return t.agree_config("", 1); });
  rk.each([](Team& t) { return t.agree_prepared(Team::Problem::kNone, "", 1); });
  std::mutex mu;
  std::vector<std::pair<int, uint64_t>> got;
  rk.teams[0]->set_record_sink([&](int r, record::ProcessedRecord&& rec) {
    std::lock_guard<std::mutex> lk(mu);
    got.emplace_back(r, rec.credit_index);
  });
  auto starts = rk.each([](Team& t) { return t.start_phase(record::Phase::kProfiling); });
  EXPECT_EQ(starts[1], starts[0]);  // one clock: the same instant
  EXPECT_EQ(starts[2], starts[0]);
  rk.each([](Team& t) {
    for (uint64_t i = 0; i < 50; ++i) {
      record::ProcessedRecord rec;
      rec.credit_index = i * 3 + uint64_t(t.rank());
      rec.scheduled_ns = 100;
      rec.start_ns = 150;
      rec.content_ts = {200, 300};
      if (t.leader()) {
        t.count_local(rec);
      } else {
        t.forward(rec);
      }
    }
    // The leader's phase is over only once every rank reported its own.
    while (!t.phase_over(record::Phase::kProfiling, true)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    RankStats st;
    st.cpu_ns = 1000 * (t.rank() + 1);
    t.finish(st);
    return 0;
  });
  EXPECT_EQ(got.size(), 100u);
  auto ranks = rk.teams[0]->ranks();
  for (int r = 0; r < 3; ++r) {
    EXPECT_EQ(ranks[r].requests, 50u);
    EXPECT_EQ(ranks[r].responses, 100u);
    EXPECT_EQ(ranks[r].lateness_ns.size(), 50u);
    EXPECT_TRUE(ranks[r].finished);
    EXPECT_EQ(ranks[r].stats.cpu_ns, 1000 * (r + 1));
  }
  EXPECT_EQ(rk.teams[0]->failed_ranks(), 0);
}

TEST(Team, ALostRankIsReportedAndNotWaitedFor) {
  TeamOptions o;
  o.silence_timeout_ns = 400'000'000;
  o.heartbeat_ns = 50'000'000;
  Ranks rk(3, o);
  rk.each([](Team& t) { return t.agree_config("", 1); });
  rk.each([](Team& t) { return t.agree_prepared(Team::Problem::kNone, "", 1); });
  rk.each([](Team& t) { return t.start_phase(record::Phase::kProfiling); });
  ::testing::internal::CaptureStderr();
  rk.net->kill(2);  // rank 2 dies mid-phase
  auto t0 = std::chrono::steady_clock::now();
  auto over = rk.each([](Team& t) {
    if (t.rank() == 2) return true;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!t.phase_over(record::Phase::kProfiling, true)) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (t.leader() || t.rank() == 1) t.finish({});
    return true;
  });
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(over, (std::vector<bool>{true, true, true}));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(5));
  auto ranks = rk.teams[0]->ranks();
  EXPECT_EQ(ranks[2].state, RankState::kLost);
  EXPECT_NE(err.find("rank 2 is lost"), std::string::npos) << err;
  EXPECT_EQ(rk.teams[0]->failed_ranks(), 1);
}

}  // namespace
}  // namespace aiperf::cluster
