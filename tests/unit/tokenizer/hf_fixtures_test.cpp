// tokenizer.json models against ids from the official HuggingFace tokenizers (Rust) library.
#include <gtest/gtest.h>

#include "aiperf/tokenizer/tokenizer.h"
#include "fixture_cases.h"

namespace aiperf::tokenizer {
namespace {

using testing::data_dir;
using testing::read_cases;

class HfFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(HfFixture, IdsAndDecodeMatchTheOracle) {
  const std::string name = GetParam();
  auto tok = load(data_dir(name));
  auto cases = read_cases(name);
  ASSERT_GT(cases.size(), 50u);
  for (const auto& c : cases) {
    EXPECT_EQ(tok->encode(c.text, true), c.ids) << name << " case " << c.id;
    EXPECT_EQ(tok->encode(c.text, false), c.ids_no_special) << name << " case " << c.id;
    EXPECT_EQ(tok->count(c.text), c.ids_no_special.size()) << name << " case " << c.id;
    EXPECT_EQ(tok->decode(c.ids, false), c.decoded) << name << " case " << c.id;
    if (c.has_decoded_skip) {
      EXPECT_EQ(tok->decode(c.ids, true), c.decoded_skip_special) << name << " case " << c.id;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Tokenizers, HfFixture,
                         ::testing::Values("gpt2", "bert_base_uncased", "t5_small",
                                           "mistral_7b_v0.1"));

TEST(HfTokenizer, LoadsFromTheJsonFileToo) {
  auto tok = load(data_dir("gpt2") + "/tokenizer.json");
  EXPECT_EQ(tok->encode("Hello world", false), (std::vector<TokenId>{15496, 995}));
}

TEST(HfTokenizer, AddedTokensMatchCaseSensitively) {
  auto bert = load(data_dir("bert_base_uncased"));
  EXPECT_EQ(bert->encode("[CLS]", false), std::vector<TokenId>{101});
  EXPECT_NE(bert->encode("[cls]", false), std::vector<TokenId>{101});
}

}  // namespace
}  // namespace aiperf::tokenizer
