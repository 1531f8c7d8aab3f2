// Synthetic workloads of issue 5 (spec §4.2-4.4): multi-turn conversations with delays,
// --seq-dist, prefix pool, shared system prompt, user context.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <set>

#include "aiperf/dataset/dataset.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset {
namespace {

config::Config base() {
  config::Config c;
  c.models = {"m"};
  c.isl_mean = 30;
  c.num_dataset_entries = 200;
  c.random_seed = 3;
  return c;
}

Dataset build(const config::Config& c, const tokenizer::Tokenizer& tok) {
  return build_synthetic(c, tok, RngManager(c.random_seed));
}

TEST(SyntheticWorkload, MultiTurnCountsAndDelays) {
  testing::HalvingTokenizer tok;
  auto c = base();
  c.session_turns_mean = 4;
  c.session_turns_stddev = 1;
  c.session_turn_delay_mean_ms = 100;
  c.session_turn_delay_ratio = 0.5;
  Dataset ds = build(c, tok);
  double sum = 0;
  std::set<size_t> counts;
  for (const auto& conv : ds.conversations) {
    ASSERT_GE(conv.turns.size(), 1u);
    counts.insert(conv.turns.size());
    sum += double(conv.turns.size());
    EXPECT_FALSE(conv.turns[0].delay_ms);  // no delay before the first turn
    for (size_t i = 1; i < conv.turns.size(); ++i) {
      EXPECT_EQ(conv.turns[i].delay_ms, 50);  // 100 ms x 0.5 (stddev 0)
    }
    for (const auto& t : conv.turns) EXPECT_EQ(int64_t(tok.encode(t.text, false).size()), 30);
  }
  EXPECT_GT(counts.size(), 2u);        // stddev 1 gives several counts
  EXPECT_NEAR(sum / 200.0, 4.5, 0.3);  // ceil(N(4, 1)) has mean ~4.5 (spec §4.1)
  // Single-turn default: the prompts are the same as without the multi-turn streams.
  auto one = base();
  Dataset a = build(one, tok);
  one.session_turn_delay_mean_ms = 100;  // no effect on single turns
  Dataset b = build(one, tok);
  EXPECT_EQ(a.conversations[7].turns[0].text, b.conversations[7].turns[0].text);
}

TEST(SyntheticWorkload, SeqDistPairsFollowProbabilities) {
  testing::HalvingTokenizer tok;
  auto c = base();
  c.num_dataset_entries = 400;
  c.seq_dist = "20,5:25;40,9:75";
  Dataset ds = build(c, tok);
  std::map<int64_t, int> by_isl;
  for (const auto& conv : ds.conversations) {
    const Turn& t = conv.turns[0];
    ++by_isl[t.input_tokens];
    EXPECT_EQ(t.max_tokens, t.input_tokens == 20 ? 5 : 9);  // ISL and OSL from one pair
  }
  ASSERT_EQ(by_isl.size(), 2u);
  EXPECT_NEAR(by_isl[20] / 400.0, 0.25, 0.07);
  c.seq_dist = R"({"pairs":[{"isl":50,"osl":7,"prob":100,"isl_stddev":5}]})";
  Dataset j = build(c, tok);
  std::set<int64_t> isls;
  for (const auto& conv : j.conversations) {
    isls.insert(conv.turns[0].input_tokens);
    EXPECT_EQ(conv.turns[0].max_tokens, 7);
  }
  EXPECT_GT(isls.size(), 3u);
}

TEST(SyntheticWorkload, PrefixPoolSystemAndUserContext) {
  auto tok = tokenizer::builtin();
  auto c = base();
  c.num_dataset_entries = 20;
  c.session_turns_mean = 2;
  c.num_prefix_prompts = 2;
  c.prefix_prompt_length = 40;
  Dataset ds = build(c, *tok);
  std::set<std::string> prefixes;
  for (const auto& conv : ds.conversations) {
    const std::string& first = conv.turns[0].text;
    EXPECT_EQ(int64_t(tok->count(first)), conv.turns[0].input_tokens);
    EXPECT_NEAR(double(conv.turns[0].input_tokens), 70.0, 2.0);  // 40 + 30 (+-1 at the join)
    EXPECT_EQ(conv.turns[1].input_tokens, 30);                   // later turns have no prefix
    prefixes.insert(first.substr(0, 60));
  }
  EXPECT_EQ(prefixes.size(), 2u);  // every conversation starts with one of the 2 prefixes

  auto s = base();
  s.num_dataset_entries = 5;
  s.shared_system_prompt_length = 25;
  s.user_context_prompt_length = 12;
  Dataset sd = build(s, *tok);
  std::set<std::string> contexts;
  for (const auto& conv : sd.conversations) {
    ASSERT_TRUE(conv.system_message);
    EXPECT_EQ(*conv.system_message, *sd.conversations[0].system_message);  // shared
    EXPECT_EQ(int64_t(tok->count(*conv.system_message)), 25);
    ASSERT_TRUE(conv.user_context_message);
    EXPECT_EQ(int64_t(tok->count(*conv.user_context_message)), 12);
    contexts.insert(*conv.user_context_message);
  }
  EXPECT_EQ(contexts.size(), 5u);  // one distinct context per conversation
}

}  // namespace
}  // namespace aiperf::dataset
