#include "aiperf/mock/token_text.h"

#include <gtest/gtest.h>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::mock {
namespace {

TEST(TokenText, EveryPieceIsOneBuiltinToken) {
  auto tok = tokenizer::builtin();
  TokenText text(tok);
  ASSERT_GE(text.vocabulary_size(), 100u);
  for (size_t i = 0; i < text.vocabulary_size(); ++i)
    EXPECT_EQ(tok->count(text.piece(i)), 1u) << "'" << text.piece(i) << "'";
}

TEST(TokenText, ConcatenatedOutputRetokenizesToTheEmittedCount) {
  auto tok = tokenizer::builtin();
  TokenText text(tok);
  for (size_t n : {1u, 2u, 17u, 24u, 500u, 3000u}) {
    for (size_t offset : {0u, 7u, 101u}) {
      std::string out;
      for (size_t k = 0; k < n; ++k) out += text.piece(offset + k);
      EXPECT_EQ(tok->count(out), n) << "n=" << n << " offset=" << offset;
    }
  }
}

TEST(TokenText, CountsPromptsWithTheTokenizerOrWords) {
  auto tok = tokenizer::builtin();
  TokenText with(tok);
  EXPECT_EQ(with.count("Tell me a story about a benchmark."),
            tok->count("Tell me a story about a benchmark."));
  TokenText without(nullptr);
  EXPECT_EQ(without.count("  Tell me\ta story\n"), 4u);
  EXPECT_EQ(without.tokenizer_name(), "words");
  EXPECT_EQ(count_words(""), 0u);
}

}  // namespace
}  // namespace aiperf::mock
