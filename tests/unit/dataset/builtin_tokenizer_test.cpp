// Prompts with the real builtin tokenizer (tiktoken o200k_base): exact counts and a 100-entry
// default-sized dataset.
#include <gtest/gtest.h>

#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset {
namespace {

TEST(BuiltinTokenizerPrompts, ExactCounts) {
  auto tok = tokenizer::builtin();
  PromptGenerator gen(*tok, Rng(2024));
  EXPECT_GT(gen.corpus_tokens(), 150'000);
  for (int64_t n : {1, 2, 3, 10, 128, 550, 2048}) {
    for (int i = 0; i < 20; ++i) {
      std::string text = gen.generate(n);
      ASSERT_EQ(int64_t(tok->count(text)), n) << text;
    }
  }
}

TEST(BuiltinTokenizerPrompts, DefaultDatasetIsExactAndReproducible) {
  auto tok = tokenizer::builtin();
  config::Config cfg;
  cfg.models = {"mock-model"};
  cfg.random_seed = 7;
  cfg.isl_stddev = 50;  // ISL ~ N(550, 50)
  Dataset a = build_synthetic(cfg, *tok, RngManager(7));
  Dataset b = build_synthetic(cfg, *tok, RngManager(7));
  ASSERT_EQ(a.conversations.size(), 100u);
  for (size_t i = 0; i < a.conversations.size(); ++i) {
    const Turn& t = a.conversations[i].turns[0];
    EXPECT_EQ(int64_t(tok->count(t.text)), t.input_tokens);
    EXPECT_EQ(t.text, b.conversations[i].turns[0].text);
  }
}

}  // namespace
}  // namespace aiperf::dataset
