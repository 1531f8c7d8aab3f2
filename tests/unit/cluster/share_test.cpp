#include "aiperf/cluster/share.h"

#include <gtest/gtest.h>

#include <map>

#include "aiperf/cluster/launch.h"

namespace aiperf::cluster {
namespace {

schedule::PhaseSpec concurrency_phase(int64_t c, std::optional<int64_t> count) {
  schedule::PhaseSpec g;
  g.mode = config::TimingMode::kConcurrency;
  g.concurrency = c;
  g.request_count = count;
  return g;
}

TEST(Share, DealtCountsAddUpToTheTotal) {
  for (int k = 1; k <= 7; ++k) {
    for (int64_t total : {0, 1, 2, 5, 6, 7, 90, 1001}) {
      int64_t sum = 0;
      for (int r = 0; r < k; ++r) sum += dealt_count(total, r, k);
      EXPECT_EQ(sum, total) << "k=" << k << " total=" << total;
    }
  }
  EXPECT_EQ(dealt_count(10, 3, 3), 0);  // not an active rank
}

TEST(Share, ConcurrencySlotsAndCountSplitExactly) {
  // C = 6 over 3 ranks: 2 each; 90 requests: 30 each.
  for (int r = 0; r < 3; ++r) {
    schedule::PhaseSpec s = share_phase(concurrency_phase(6, 90), r, 3);
    EXPECT_EQ(s.concurrency, 2);
    EXPECT_EQ(*s.request_count, 30);
    EXPECT_EQ(s.deal_index, r);
    EXPECT_EQ(s.deal_count, 3);
    EXPECT_FALSE(s.idle);
  }
  // C = 7, 10 requests: slots 3/2/2, requests 4/3/3.
  int64_t slots = 0, count = 0;
  std::vector<int64_t> want_slots{3, 2, 2}, want_count{4, 3, 3};
  for (int r = 0; r < 3; ++r) {
    schedule::PhaseSpec s = share_phase(concurrency_phase(7, 10), r, 3);
    EXPECT_EQ(s.concurrency, want_slots[r]);
    EXPECT_EQ(*s.request_count, want_count[r]);
    slots += s.concurrency;
    count += *s.request_count;
  }
  EXPECT_EQ(slots, 7);
  EXPECT_EQ(count, 10);
}

TEST(Share, FewerSlotsThanRanksLeavesRanksIdle) {
  // C = 2 over 3 ranks: two active ranks deal the requests between them; rank 2 is idle.
  schedule::PhaseSpec a = share_phase(concurrency_phase(2, 9), 0, 3);
  schedule::PhaseSpec b = share_phase(concurrency_phase(2, 9), 1, 3);
  schedule::PhaseSpec c = share_phase(concurrency_phase(2, 9), 2, 3);
  EXPECT_EQ(a.deal_count, 2);
  EXPECT_EQ(a.concurrency + b.concurrency, 2);
  EXPECT_EQ(*a.request_count + *b.request_count, 9);
  EXPECT_TRUE(c.idle);
  EXPECT_FALSE(a.idle);
}

TEST(Share, RateModeKeepsTheRateAndDurationGlobal) {
  schedule::PhaseSpec g;
  g.mode = config::TimingMode::kRequestRate;
  g.rate = 100;
  g.duration_s = 5;
  g.request_count = 50;
  for (int r = 0; r < 4; ++r) {
    schedule::PhaseSpec s = share_phase(g, r, 4);
    EXPECT_EQ(s.rate, 100);
    EXPECT_EQ(*s.duration_s, 5);
    EXPECT_EQ(s.deal_count, 4);  // no ceiling: every rank takes part
  }
  g.concurrency_set = true;  // a ceiling of 2 slots: two ranks
  g.concurrency = 2;
  EXPECT_EQ(share_phase(g, 0, 4).deal_count, 2);
  EXPECT_TRUE(share_phase(g, 3, 4).idle);
}

TEST(Share, PrefillSlotsSplitExactlyToo) {
  schedule::PhaseSpec g = concurrency_phase(10, 100);
  g.prefill_concurrency = 2;  // fewer prefill slots than ranks: two ranks take part
  int64_t prefill = 0, slots = 0, count = 0;
  for (int r = 0; r < 3; ++r) {
    schedule::PhaseSpec s = share_phase(g, r, 3);
    EXPECT_EQ(s.deal_count, 2);
    EXPECT_EQ(s.idle, r == 2);
    prefill += *s.prefill_concurrency;
    slots += s.concurrency;
    count += *s.request_count;
  }
  EXPECT_EQ(prefill, 2);
  EXPECT_EQ(slots, 10);
  EXPECT_EQ(count, 100);
}

TEST(Share, OneRankIsTheWholePhase) {
  schedule::PhaseSpec g = concurrency_phase(5, 17);
  schedule::PhaseSpec s = share_phase(g, 0, 1);
  EXPECT_EQ(s.concurrency, 5);
  EXPECT_EQ(*s.request_count, 17);
  EXPECT_EQ(s.deal_count, 1);
}

// The dealt sessions draw exactly the conversations one process would give those indices.
TEST(Share, PhaseStateDrawsTheGlobalSequence) {
  RngManager rngs(7);
  const int ranks = 3;
  std::map<uint64_t, uint32_t> one, many;
  {
    schedule::PhaseSpec g = concurrency_phase(6, 30);
    schedule::ConversationSampler smp(10, config::SamplingStrategy::kRandom, rngs);
    schedule::PhaseState ps(g, std::vector<uint32_t>(10, 1), 1, std::move(smp));
    ps.start(0);
    while (auto c = ps.try_issue(0, 0)) one[c->index] = c->conversation;
  }
  for (int r = 0; r < ranks; ++r) {
    schedule::PhaseSpec s = share_phase(concurrency_phase(6, 30), r, ranks);
    schedule::ConversationSampler smp(10, config::SamplingStrategy::kRandom, rngs);
    schedule::PhaseState ps(s, std::vector<uint32_t>(10, 1), 1, std::move(smp));
    ps.start(0);
    while (auto c = ps.try_issue(0, 0)) {
      EXPECT_EQ(c->index % ranks, uint64_t(r));
      EXPECT_TRUE(many.emplace(c->index, c->conversation).second) << "index twice";
    }
  }
  EXPECT_EQ(one.size(), 30u);
  EXPECT_EQ(one, many);
}

TEST(Launch, DetectsTheLaunchersVariables) {
  auto env = [](std::map<std::string, std::string> m) {
    return [m](const char* n) -> const char* {
      auto it = m.find(n);
      return it == m.end() ? nullptr : it->second.c_str();
    };
  };
  EXPECT_FALSE(detect_launch(env({})).launched);
  LaunchInfo o = detect_launch(env({{"OMPI_COMM_WORLD_SIZE", "3"}, {"OMPI_COMM_WORLD_RANK", "2"}}));
  EXPECT_TRUE(o.launched);
  EXPECT_EQ(o.rank, 2);
  EXPECT_EQ(o.size, 3);
  EXPECT_FALSE(detect_launch(env({{"OMPI_COMM_WORLD_SIZE", "1"}})).launched);  // one rank
  EXPECT_TRUE(detect_launch(env({{"PMI_SIZE", "4"}, {"PMI_RANK", "0"}})).launched);
  EXPECT_TRUE(detect_launch(env({{"PMIX_RANK", "1"}})).launched);
  // A batch script's Slurm variables are not a launch.
  EXPECT_FALSE(detect_launch(env({{"SLURM_NTASKS", "4"}, {"SLURM_PROCID", "0"}})).launched);
}

}  // namespace
}  // namespace aiperf::cluster
