// PromptGenerator: exact token counts, determinism and the bundled corpus.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <set>
#include <thread>

#include "aiperf/dataset/dataset.h"
#include "fake_tokenizer.h"

namespace aiperf::dataset {
namespace {

TEST(Corpus, IsLinkedInAndIsPlainEnglish) {
  std::string_view text = builtin_corpus_text();
  EXPECT_GT(text.size(), 500'000u);
  EXPECT_LE(text.size(), 1'100'000u);
  EXPECT_EQ(text.substr(0, 32), "In the beginning God created the");
  for (unsigned char c : text) ASSERT_TRUE(c == '\n' || (c >= 0x20 && c < 0x7f)) << int(c);
}

TEST(FakeTokenizer, SlicesDoNotAlwaysRoundTrip) {
  // Guards the premise of the exactness tests below.
  testing::HalvingTokenizer tok;
  auto ids = tok.encode("the beginning", false);
  ASSERT_EQ(ids.size(), 3u);  // [the][ begin][ning]
  std::vector<tokenizer::TokenId> first2(ids.begin(), ids.begin() + 2);
  EXPECT_EQ(tok.decode(first2, false), "the begin");
  EXPECT_EQ(tok.encode("the begin", false).size(), 3u);  // [the][ beg][in]
}

TEST(PromptGenerator, ExactTokenCountsAtManyLengthsAndStarts) {
  testing::HalvingTokenizer tok;
  PromptGenerator gen(tok, Rng(1));
  ASSERT_GT(gen.corpus_tokens(), 100'000);
  for (int64_t n : {1, 2, 3, 4, 5, 7, 16, 100, 549, 550, 1000, 4096}) {
    for (int64_t start : {int64_t(0), int64_t(1), int64_t(2), int64_t(12345),
                          gen.corpus_tokens() - 1, gen.corpus_tokens() - n / 2 - 1}) {
      Prompt p = gen.generate_at(start, n);
      ASSERT_EQ(p.tokens, n) << "n=" << n << " start=" << start;
      ASSERT_EQ(int64_t(tok.encode(p.text, false).size()), n) << "n=" << n << " start=" << start;
    }
  }
}

TEST(PromptGenerator, RandomStartsAreExactAndVaried) {
  testing::HalvingTokenizer tok;
  PromptGenerator gen(tok, Rng(2));
  std::set<std::string> texts;
  for (int i = 0; i < 300; ++i) {
    int64_t n = 1 + i % 97;
    std::string t = gen.generate(n);
    ASSERT_EQ(int64_t(tok.encode(t, false).size()), n) << t;
    texts.insert(t);
  }
  EXPECT_GT(texts.size(), 290u);
}

TEST(PromptGenerator, WrapsAroundTheCorpusEnd) {
  testing::HalvingTokenizer tok;
  PromptGenerator gen(tok, Rng(3));
  // Longer than the whole corpus: wraps (more than once).
  int64_t n = gen.corpus_tokens() + 1000;
  Prompt p = gen.generate_at(gen.corpus_tokens() - 10, n);
  EXPECT_EQ(p.tokens, n);
  EXPECT_EQ(int64_t(tok.encode(p.text, false).size()), n);
  EXPECT_NE(p.text.find("In the beginning God"), std::string::npos);
}

TEST(PromptGenerator, DeterministicForASeed) {
  testing::HalvingTokenizer tok;
  PromptGenerator a(tok, Rng(77)), b(tok, Rng(77)), c(tok, Rng(78));
  int same_ac = 0;
  for (int i = 0; i < 50; ++i) {
    std::string x = a.generate(64), y = b.generate(64), z = c.generate(64);
    EXPECT_EQ(x, y);
    same_ac += x == z;
  }
  EXPECT_LT(same_ac, 2);
  EXPECT_EQ(a.generate_at(500, 40).text, c.generate_at(500, 40).text);
}

TEST(PromptGenerator, ZeroOrNegativeLengthIsEmpty) {
  testing::HalvingTokenizer tok;
  PromptGenerator gen(tok, Rng(4));
  EXPECT_EQ(gen.generate(0), "");
  EXPECT_EQ(gen.generate_at(5, -3).tokens, 0);
}

TEST(PromptGenerator, ConcurrentGenerateAtMatchesSerial) {
  testing::HalvingTokenizer tok;
  PromptGenerator gen(tok, Rng(5));
  std::vector<std::string> serial, parallel(64);
  for (int i = 0; i < 64; ++i) serial.push_back(gen.generate_at(i * 1009, 50 + i).text);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      for (int i = t; i < 64; i += 4) parallel[size_t(i)] = gen.generate_at(i * 1009, 50 + i).text;
    });
  }
  for (auto& th : ts) th.join();
  EXPECT_EQ(serial, parallel);
}

/// The halving tokenizer telling its pieces (Tokenizer::encode_pieces, piece_ends) as tiktoken
/// does, and counting its encode and decode calls: generate_at must then cut exact prompts from
/// the corpus text without either. `lie` makes piece_ends cut the whole text as one piece, which
/// matches the corpus's pieces only for one-piece slices: the rest must fall back to repairs.
class PiecewiseHalvingTokenizer : public testing::HalvingTokenizer {
 public:
  explicit PiecewiseHalvingTokenizer(bool lie = false, size_t lookahead = std::string_view::npos)
      : lie_(lie), lookahead_(lookahead) {}
  // A piece ends where its letters do: the byte after it decides (1 is the true bound).
  size_t piece_lookahead(std::string_view) const override { return lookahead_; }
  std::vector<tokenizer::TokenId> encode(std::string_view text, bool add) const override {
    ++encodes;
    return HalvingTokenizer::encode(text, add);
  }
  std::string decode(const std::vector<tokenizer::TokenId>& ids, bool skip) const override {
    ++decodes;
    return HalvingTokenizer::decode(ids, skip);
  }
  bool encode_pieces(std::string_view text, PieceEncoding& out) const override {
    out = {};
    size_t at = 0;
    for (uint32_t end : cuts(text)) {
      const size_t first = out.ids.size();
      for (auto id : HalvingTokenizer::encode(text.substr(at, end - at), false)) {
        at += HalvingTokenizer::decode({id}, false).size();
        out.ids.push_back(id);
        out.ends.push_back(uint32_t(at));
        out.piece_starts.push_back(out.ids.size() == first + 1);
      }
    }
    return true;
  }
  bool piece_ends(std::string_view text, std::vector<uint32_t>& out) const override {
    out = lie_ ? std::vector<uint32_t>{uint32_t(text.size())} : cuts(text);
    return true;
  }
  mutable std::atomic<int> encodes{0}, decodes{0};

 private:
  // A space, a letter run with an optional leading space, or one other character: the pieces
  // HalvingTokenizer::encode encodes one by one.
  static std::vector<uint32_t> cuts(std::string_view text) {
    std::vector<uint32_t> ends;
    size_t i = 0;
    while (i < text.size()) {
      size_t j = i + (text[i] == ' ');
      size_t k = j;
      while (k < text.size() && std::isalpha(static_cast<unsigned char>(text[k]))) ++k;
      i = k == j ? i + 1 : k;
      ends.push_back(uint32_t(i));
    }
    return ends;
  }
  bool lie_;
  size_t lookahead_;
};

class CutsExactPrompts : public ::testing::TestWithParam<size_t> {};

// Without a lookahead every piece of a prompt is cut again; with one, only its last pieces.
TEST_P(CutsExactPrompts, AtPieceBoundariesWithoutEncoding) {
  PiecewiseHalvingTokenizer tok(false, GetParam());
  PromptGenerator gen(tok, Rng(8));
  const int encodes = tok.encodes, decodes = tok.decodes;
  std::vector<Prompt> prompts;
  Rng draw(9);
  for (int i = 0; i < 400; ++i) {
    const int64_t n = 1 + draw.randrange(700);
    prompts.push_back(gen.generate_at(draw.randrange(gen.corpus_tokens() - 800), n));
    ASSERT_EQ(prompts.back().tokens, n);
  }
  EXPECT_EQ(tok.encodes, encodes);
  EXPECT_EQ(tok.decodes, decodes);
  Rng again(9);
  for (const Prompt& p : prompts) {
    const int64_t n = 1 + again.randrange(700);
    ASSERT_EQ(int64_t(tok.encode(p.text, false).size()), n) << p.text;
    EXPECT_EQ(p.text, gen.generate_at(again.randrange(gen.corpus_tokens() - 800), n).text);
  }
  // Past the corpus end (no piece run there without wrapping): decoded and repaired, exact.
  Prompt wrap = gen.generate_at(gen.corpus_tokens() - 5, 50);
  EXPECT_EQ(wrap.tokens, 50);
  EXPECT_EQ(int64_t(tok.encode(wrap.text, false).size()), 50);
}

INSTANTIATE_TEST_SUITE_P(PromptGenerator, CutsExactPrompts,
                         ::testing::Values(std::string_view::npos, size_t(1), size_t(3)));

TEST(PromptGenerator, FallsBackToRepairsWhenTheTextCutsIntoOtherPieces) {
  PiecewiseHalvingTokenizer tok(/*lie=*/true);
  PromptGenerator gen(tok, Rng(10));
  for (int64_t n : {3, 40, 550}) {
    for (int64_t start : {int64_t(7), int64_t(12345), int64_t(99999)}) {
      const int encodes = tok.encodes;
      Prompt p = gen.generate_at(start, n);
      ASSERT_EQ(p.tokens, n);
      EXPECT_GT(tok.encodes, encodes);  // repaired (re-encoded), not cut
      ASSERT_EQ(int64_t(tok.encode(p.text, false).size()), n);
    }
  }
}

TEST(PromptGenerator, BuiltinTokenizerPromptsAreExact) {
  auto tok = tokenizer::builtin();
  PromptGenerator gen(*tok, Rng(11));
  Rng draw(12);
  for (int i = 0; i < 2000; ++i) {
    const int64_t n = 1 + draw.randrange(i % 10 == 0 ? 4000 : 700);
    const int64_t start = draw.randrange(gen.corpus_tokens());
    Prompt p = gen.generate_at(start, n);
    ASSERT_EQ(p.tokens, n) << "start=" << start;
    ASSERT_EQ(int64_t(tok->encode(p.text, false).size()), n) << "start=" << start;
    ASSERT_EQ(int64_t(tok->count(p.text)), n) << "start=" << start;
  }
}

/// A tokenizer passing everything to another one, counting decodes.
class CountingTokenizer : public tokenizer::Tokenizer {
 public:
  explicit CountingTokenizer(const Tokenizer& t) : t_(t) {}
  std::vector<tokenizer::TokenId> encode(std::string_view s, bool add) const override {
    return t_.encode(s, add);
  }
  std::string decode(const std::vector<tokenizer::TokenId>& ids, bool skip) const override {
    ++decodes;
    return t_.decode(ids, skip);
  }
  size_t count(std::string_view s) const override { return t_.count(s); }
  std::string name() const override { return t_.name(); }
  bool encode_pieces(std::string_view s, PieceEncoding& out) const override {
    return t_.encode_pieces(s, out);
  }
  bool piece_ends(std::string_view s, std::vector<uint32_t>& out) const override {
    return t_.piece_ends(s, out);
  }
  size_t piece_lookahead(std::string_view s) const override { return t_.piece_lookahead(s); }
  mutable std::atomic<int> decodes{0};

 private:
  const Tokenizer& t_;
};

// A byte-level tokenizer.json (GPT-2's) cuts prompts at its pieces too: exact at every length,
// and nearly all without a decode (a prompt that finds no piece run nearby is repaired).
TEST(PromptGenerator, HuggingFaceByteLevelPromptsAreCutAndExact) {
  auto gpt2 = tokenizer::load(std::string(AIPERF_TEST_DATA_DIR) + "/tokenizers/gpt2");
  CountingTokenizer tok(*gpt2);
  PromptGenerator gen(tok, Rng(13));
  Rng draw(14);
  const int before = tok.decodes;
  for (int i = 0; i < 1000; ++i) {
    const int64_t n = 1 + draw.randrange(i % 10 == 0 ? 4000 : 700);
    const int64_t start = draw.randrange(gen.corpus_tokens() - 5000);
    Prompt p = gen.generate_at(start, n);
    ASSERT_EQ(p.tokens, n) << "start=" << start;
    ASSERT_EQ(int64_t(gpt2->encode(p.text, false).size()), n) << "start=" << start;
  }
  EXPECT_LT(tok.decodes - before, 10);
}

/// A tokenizer whose decode never round-trips (every decode adds a token): generate_at must
/// give up gracefully and report the true count of what it returns.
class NeverExactTokenizer : public testing::HalvingTokenizer {
 public:
  std::string decode(const std::vector<tokenizer::TokenId>& ids, bool skip) const override {
    return HalvingTokenizer::decode(ids, skip) + " x";
  }
};

TEST(PromptGenerator, ReportsTheTrueCountWhenExactIsImpossible) {
  NeverExactTokenizer tok;
  PromptGenerator gen(tok, Rng(6));
  Prompt p = gen.generate_at(100, 10);
  EXPECT_NE(p.tokens, 10);
  EXPECT_EQ(int64_t(tok.encode(p.text, false).size()), p.tokens);
}

}  // namespace
}  // namespace aiperf::dataset
