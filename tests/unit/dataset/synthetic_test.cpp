// build_synthetic (spec §4.3): shape, exact ISL, OSL, model selection, session ids, seeds and
// configuration errors.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include "aiperf/common/error.h"
#include "aiperf/dataset/dataset.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset {
namespace {

config::Config base_config() {
  config::Config cfg;
  cfg.models = {"model-a"};
  cfg.isl_mean = 120;
  cfg.num_dataset_entries = 40;
  cfg.random_seed = 42;
  return cfg;
}

Dataset build(const config::Config& cfg, const tokenizer::Tokenizer& tok) {
  return build_synthetic(cfg, tok, RngManager(cfg.random_seed));
}

/// Every field, so two datasets compare byte for byte.
std::string dump(const Dataset& ds) {
  std::ostringstream o;
  for (const auto& c : ds.conversations) {
    o << c.session_id << '|' << c.system_message.value_or("-") << '\n';
    for (const auto& t : c.turns) {
      o << t.role << '|' << t.input_tokens << '|' << t.max_tokens.value_or(-1) << '|' << t.model
        << '|' << t.delay_ms.value_or(-1) << '|' << t.timestamp_ms.value_or(-1) << '|' << t.text
        << '\n';
    }
  }
  return o.str();
}

TEST(Synthetic, ShapeAndExactInputTokens) {
  testing::HalvingTokenizer tok;
  auto cfg = base_config();
  Dataset ds = build(cfg, tok);
  ASSERT_EQ(ds.conversations.size(), 40u);
  for (size_t i = 0; i < ds.conversations.size(); ++i) {
    const auto& c = ds.conversations[i];
    char expect[32];
    std::snprintf(expect, sizeof expect, "session_%06zu", i);
    EXPECT_EQ(c.session_id, expect);
    ASSERT_EQ(c.turns.size(), 1u);
    const Turn& t = c.turns[0];
    EXPECT_EQ(t.role, "user");
    EXPECT_EQ(t.input_tokens, 120);
    EXPECT_EQ(int64_t(tok.encode(t.text, false).size()), 120);
    EXPECT_FALSE(t.max_tokens.has_value());  // no --osl: no limit sent
    EXPECT_EQ(t.model, "model-a");
    EXPECT_FALSE(t.delay_ms.has_value());
  }
}

TEST(Synthetic, IslStddevVariesLengthsAndEachIsExact) {
  testing::HalvingTokenizer tok;
  auto cfg = base_config();
  cfg.num_dataset_entries = 200;
  cfg.isl_stddev = 30;
  Dataset ds = build(cfg, tok);
  std::set<int64_t> lengths;
  double sum = 0;
  for (const auto& c : ds.conversations) {
    const Turn& t = c.turns[0];
    ASSERT_GE(t.input_tokens, 1);
    ASSERT_EQ(int64_t(tok.encode(t.text, false).size()), t.input_tokens);
    lengths.insert(t.input_tokens);
    sum += double(t.input_tokens);
  }
  EXPECT_GT(lengths.size(), 40u);
  // Mean of ceil(N(120, 30)) is ~120.5; 6 standard errors of 200 draws = 12.7.
  EXPECT_NEAR(sum / 200, 120.5, 6 * 30 / std::sqrt(200.0));
  // The lengths are the "dataset.prompt.length" stream's positive-normal draws, in order.
  Rng expect = RngManager(42).derive("dataset.prompt.length");
  for (const auto& c : ds.conversations) {
    EXPECT_EQ(c.turns[0].input_tokens, sample_positive_normal_integer(expect, 120, 30));
  }
}

TEST(Synthetic, OslSetsMaxTokensFromItsOwnStream) {
  testing::HalvingTokenizer tok;
  auto cfg = base_config();
  cfg.osl_mean = 64;
  Dataset fixed = build(cfg, tok);
  for (const auto& c : fixed.conversations) EXPECT_EQ(c.turns[0].max_tokens, 64);

  cfg.osl_stddev = 10;
  Dataset varied = build(cfg, tok);
  Rng expect = RngManager(42).derive("composer.turn.max_tokens");
  std::set<int64_t> seen;
  for (const auto& c : varied.conversations) {
    ASSERT_TRUE(c.turns[0].max_tokens.has_value());
    EXPECT_EQ(*c.turns[0].max_tokens, sample_positive_normal_integer(expect, 64, 10));
    seen.insert(*c.turns[0].max_tokens);
  }
  EXPECT_GT(seen.size(), 5u);
  // Turning --osl on does not move the prompts (independent streams).
  auto no_osl = base_config();
  Dataset plain = build(no_osl, tok);
  for (size_t i = 0; i < plain.conversations.size(); ++i) {
    EXPECT_EQ(plain.conversations[i].turns[0].text, varied.conversations[i].turns[0].text);
  }
}

TEST(Synthetic, ModelSelectionRoundRobinAndRandom) {
  testing::HalvingTokenizer tok;
  auto cfg = base_config();
  cfg.models = {"a", "b", "c"};
  Dataset rr = build(cfg, tok);
  for (size_t i = 0; i < rr.conversations.size(); ++i) {
    EXPECT_EQ(rr.conversations[i].turns[0].model, cfg.models[i % 3]);
  }
  cfg.model_selection = config::ModelSelection::kRandom;
  cfg.num_dataset_entries = 300;
  Dataset rnd = build(cfg, tok);
  std::map<std::string, int> counts;
  Rng expect = RngManager(42).derive("composer.turn.model_selection");
  for (const auto& c : rnd.conversations) {
    counts[c.turns[0].model]++;
    EXPECT_EQ(c.turns[0].model, cfg.models[size_t(expect.randrange(3))]);
  }
  ASSERT_EQ(counts.size(), 3u);
  for (auto& [m, n] : counts) EXPECT_NEAR(n, 100, 6 * std::sqrt(300 * (1 / 3.0) * (2 / 3.0)));
}

TEST(Synthetic, SameSeedIsByteIdenticalOtherSeedDiffers) {
  testing::HalvingTokenizer tok;
  auto cfg = base_config();
  cfg.isl_stddev = 20;
  cfg.osl_mean = 100;
  cfg.osl_stddev = 5;
  cfg.models = {"a", "b"};
  cfg.model_selection = config::ModelSelection::kRandom;
  std::string a = dump(build(cfg, tok));
  std::string b = dump(build(cfg, tok));
  EXPECT_EQ(a, b);
  // Independent of the tokenizer instance (fresh corpus tokenization) too.
  testing::HalvingTokenizer tok2;
  EXPECT_EQ(dump(build(cfg, tok2)), a);
  cfg.random_seed = 43;
  Dataset other = build(cfg, tok);
  std::string c = dump(other);
  EXPECT_NE(a, c);
  // Different seed: (almost) every prompt differs, not just a few.
  Dataset first = build(base_config(), tok);
  auto cfg44 = base_config();
  cfg44.random_seed = 44;
  Dataset second = build(cfg44, tok);
  int same = 0;
  for (size_t i = 0; i < first.conversations.size(); ++i) {
    same += first.conversations[i].turns[0].text == second.conversations[i].turns[0].text;
  }
  EXPECT_LT(same, 2);
}

TEST(Synthetic, LargeDatasetsBuiltInParallelMatchSerialGeneration) {
  // build_synthetic draws every start first and builds texts on threads; the result must equal
  // calling generate() one by one on a generator with the same corpus stream.
  testing::HalvingTokenizer tok;
  auto cfg = base_config();
  cfg.num_dataset_entries = 400;
  cfg.isl_mean = 300;
  Dataset ds = build(cfg, tok);
  PromptGenerator gen(tok, RngManager(42).derive("dataset.prompt.corpus"));
  for (const auto& c : ds.conversations) ASSERT_EQ(c.turns[0].text, gen.generate(300));
}

TEST(Synthetic, UnseededUsesUuidSessionIds) {
  testing::HalvingTokenizer tok;
  auto cfg = base_config();
  cfg.random_seed.reset();
  cfg.num_dataset_entries = 5;
  Dataset ds = build_synthetic(cfg, tok, RngManager(std::nullopt));
  std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> ids;
  for (const auto& c : ds.conversations) {
    EXPECT_TRUE(std::regex_match(c.session_id, uuid)) << c.session_id;
    ids.insert(c.session_id);
    EXPECT_EQ(int64_t(tok.encode(c.turns[0].text, false).size()), 120);
  }
  EXPECT_EQ(ids.size(), 5u);
}

TEST(Synthetic, ImpossibleSettingsNameTheFlag) {
  testing::HalvingTokenizer tok;
  auto expect_error = [&](auto mutate, const std::string& flag) {
    auto cfg = base_config();
    mutate(cfg);
    try {
      build(cfg, tok);
      ADD_FAILURE() << "no error for " << flag;
    } catch (const ConfigError& e) {
      std::string msg = e.what();
      EXPECT_NE(msg.find(flag), std::string::npos) << msg;
      EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
  };
  expect_error([](config::Config& c) { c.num_dataset_entries = 0; }, "--num-dataset-entries");
  expect_error([](config::Config& c) { c.isl_mean = 0; }, "--isl");
  expect_error([](config::Config& c) { c.isl_stddev = -1; }, "--isl-stddev");
  expect_error([](config::Config& c) { c.osl_mean = 0; }, "--osl");
  expect_error([](config::Config& c) { c.osl_stddev = -0.5; }, "--osl-stddev");
  expect_error([](config::Config& c) { c.models.clear(); }, "--model");
  expect_error([](config::Config& c) { c.model_selection = config::ModelSelection::kWeighted; },
               "--model-selection-strategy");
}

}  // namespace
}  // namespace aiperf::dataset
