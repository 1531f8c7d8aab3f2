// Synthetic rankings data (spec §4.8): one query and N passages per entry, named, of the asked
// token lengths, deterministic for a seed; build_synthetic picks it for rankings endpoints.
#include <gtest/gtest.h>

#include <set>

#include "aiperf/dataset/dataset.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset {
namespace {

config::Config rankings_config() {
  config::Config cfg;
  cfg.models = {"rerank-a", "rerank-b"};
  cfg.endpoint_type = config::EndpointType::kNimRankings;
  cfg.num_dataset_entries = 12;
  cfg.random_seed = 7;
  cfg.rankings_passages_mean = 4;
  cfg.rankings_passages_prompt_token_mean = 30;
  cfg.rankings_query_prompt_token_mean = 12;
  return cfg;
}

TEST(SyntheticRankings, QueryAndPassagesOfTheAskedLengths) {
  testing::HalvingTokenizer tok;
  config::Config cfg = rankings_config();
  Dataset ds = build_synthetic(cfg, tok, RngManager(cfg.random_seed));
  ASSERT_EQ(ds.conversations.size(), 12u);
  for (size_t c = 0; c < ds.conversations.size(); ++c) {
    const Conversation& conv = ds.conversations[c];
    ASSERT_EQ(conv.turns.size(), 1u);
    const Turn& t = conv.turns[0];
    ASSERT_EQ(t.texts.size(), 5u);  // stddev 0: exactly 4 passages
    ASSERT_EQ(t.text_names.size(), 5u);
    EXPECT_EQ(t.text_names[0], "query");
    EXPECT_EQ(t.text_names[1], "passages");
    EXPECT_EQ(t.text_names[4], "passages");
    EXPECT_EQ(int64_t(tok.count(t.texts[0])), 12);
    for (size_t i = 1; i < t.texts.size(); ++i) EXPECT_EQ(int64_t(tok.count(t.texts[i])), 30);
    EXPECT_EQ(t.input_tokens, int64_t(tok.count(t.text)));
    EXPECT_EQ(t.model, c % 2 ? "rerank-b" : "rerank-a");
    EXPECT_FALSE(t.max_tokens);
  }
}

TEST(SyntheticRankings, PassageCountVariesWithStddevAndSeedIsDeterministic) {
  testing::HalvingTokenizer tok;
  config::Config cfg = rankings_config();
  cfg.rankings_passages_stddev = 2;
  Dataset a = build_synthetic(cfg, tok, RngManager(cfg.random_seed));
  Dataset b = build_synthetic(cfg, tok, RngManager(cfg.random_seed));
  std::set<size_t> counts;
  for (size_t c = 0; c < a.conversations.size(); ++c) {
    const Turn& ta = a.conversations[c].turns[0];
    counts.insert(ta.texts.size() - 1);
    EXPECT_GE(ta.texts.size(), 2u);  // at least one passage
    EXPECT_EQ(ta.text, b.conversations[c].turns[0].text);
  }
  EXPECT_GT(counts.size(), 1u);
}

TEST(SyntheticRankings, OnlyForRankingsEndpoints) {
  testing::HalvingTokenizer tok;
  config::Config cfg = rankings_config();
  cfg.endpoint_type = config::EndpointType::kEmbeddings;
  cfg.isl_mean = 20;
  Dataset ds = build_synthetic(cfg, tok, RngManager(cfg.random_seed));
  EXPECT_TRUE(ds.conversations[0].turns[0].text_names.empty());
}

}  // namespace
}  // namespace aiperf::dataset
