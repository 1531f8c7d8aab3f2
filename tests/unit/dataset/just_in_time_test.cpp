// Synthetic datasets rebuilt just in time: every conversation, read in any order, equals the
// held one of the same seed (docs/architecture.md "Datasets rendered just in time").
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <sstream>

#include "aiperf/dataset/dataset.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset {
namespace {

std::string dump(const Conversation& c) {
  std::ostringstream o;
  o << c.session_id << '|' << c.system_message.value_or("-") << '|'
    << c.user_context_message.value_or("-") << '\n';
  for (const auto& t : c.turns) {
    o << t.role << '|' << t.input_tokens << '|' << t.max_tokens.value_or(-1) << '|' << t.model
      << '|' << t.delay_ms.value_or(-1) << '|' << t.text << '|' << t.texts.size() << '\n';
    for (const auto& x : t.texts) o << "  " << x << '\n';
  }
  return o.str();
}

config::Config base() {
  config::Config cfg;
  cfg.models = {"a"};
  cfg.isl_mean = 24;
  cfg.num_dataset_entries = 1300;  // more than two checkpoint blocks
  cfg.random_seed = 7;
  return cfg;
}

void expect_same(const config::Config& cfg, const char* what) {
  testing::HalvingTokenizer tok;
  RngManager rngs(cfg.random_seed);
  Dataset held = build_synthetic_held(cfg, tok, rngs);
  Dataset jit = build_synthetic_just_in_time(cfg, tok, rngs);
  ASSERT_TRUE(jit.source) << what;
  ASSERT_EQ(jit.size(), held.size()) << what;
  ASSERT_EQ(jit.source->turn_counts().empty() ? held.size() : jit.source->turn_counts().size(),
            held.size());
  // In order through one cursor (the renderer's way) ...
  auto cur = jit.source->open();
  for (size_t i = 0; i < held.size(); ++i) {
    ASSERT_EQ(dump(cur->read(i)), dump(held.conversations[i])) << what << " #" << i;
    ASSERT_EQ(jit.turns(i), held.conversations[i].turns.size()) << what << " #" << i;
  }
  // ... and in a random order (random sampling, inputs.json chunks).
  std::vector<size_t> order(held.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937(3));
  order.resize(200);
  auto cur2 = jit.source->open();
  for (size_t i : order) {
    ASSERT_EQ(dump(cur2->read(i)), dump(held.conversations[i])) << what << " #" << i;
  }
}

TEST(JustInTime, PlainPrompts) {
  auto cfg = base();
  cfg.isl_stddev = 6;
  cfg.osl_mean = 10;
  cfg.osl_stddev = 3;
  expect_same(cfg, "plain");
}

TEST(JustInTime, RandomModelsAndSeqDist) {
  auto cfg = base();
  cfg.models = {"a", "b", "c"};
  cfg.model_selection = config::ModelSelection::kRandom;
  cfg.seq_dist = "20,4:60;40|10,8|2:40";
  expect_same(cfg, "seq-dist");
  cfg.seq_dist.reset();
  cfg.model_selection = config::ModelSelection::kRoundRobin;
  expect_same(cfg, "round robin");
}

TEST(JustInTime, BatchesDrawTheirLengthsAfterEveryFirstLength) {
  auto cfg = base();
  cfg.prompt_batch_size = 3;
  cfg.isl_stddev = 5;
  expect_same(cfg, "batch");
  cfg.prompt_batch_size = 0;
  expect_same(cfg, "batch 0");
}

TEST(JustInTime, MultiTurnPrefixPoolAndContext) {
  auto cfg = base();
  cfg.session_turns_mean = 3;
  cfg.session_turns_stddev = 1;
  cfg.session_turn_delay_mean_ms = 20;
  cfg.session_turn_delay_stddev_ms = 5;
  cfg.num_prefix_prompts = 4;
  cfg.prefix_prompt_length = 6;
  expect_same(cfg, "multi-turn + prefix");
  cfg.num_prefix_prompts = 0;
  cfg.prefix_prompt_length = 0;
  cfg.shared_system_prompt_length = 5;
  cfg.user_context_prompt_length = 7;
  expect_same(cfg, "context");
  cfg.prompt_batch_size = 2;
  cfg.num_prefix_prompts = 2;
  cfg.prefix_prompt_length = 3;
  cfg.shared_system_prompt_length.reset();
  cfg.user_context_prompt_length.reset();
  expect_same(cfg, "batch + prefix");
}

TEST(JustInTime, UnseededRunsGetStableSessionIds) {
  auto cfg = base();
  cfg.random_seed.reset();
  testing::HalvingTokenizer tok;
  RngManager rngs(std::nullopt);
  Dataset jit = build_synthetic_just_in_time(cfg, tok, rngs);
  std::string a = jit.source->materialize(700).session_id;
  EXPECT_EQ(jit.source->materialize(700).session_id, a);
  EXPECT_NE(jit.source->materialize(701).session_id, a);
  EXPECT_EQ(a.size(), 36u);  // a UUID
}

TEST(JustInTime, ChosenForLargeTextOnlyDatasets) {
  config::Config cfg = base();
  cfg.isl_mean = 550;
  cfg.num_dataset_entries = 100;
  EXPECT_FALSE(synthetic_just_in_time(cfg));
  cfg.num_dataset_entries = 100000;
  EXPECT_TRUE(synthetic_just_in_time(cfg));
  cfg.timing_mode = config::TimingMode::kUserCentric;
  EXPECT_FALSE(synthetic_just_in_time(cfg));
}

}  // namespace
}  // namespace aiperf::dataset
