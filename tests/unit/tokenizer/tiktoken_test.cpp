#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/tiktoken.h"
#include "aiperf/tokenizer/tokenizer.h"
#include "fixture_cases.h"

extern "C" const unsigned char aiperf_o200k_data[];
extern "C" const uint64_t aiperf_o200k_size;

namespace aiperf::tokenizer {
namespace {

using testing::check_pieces;
using testing::read_cases;

void check_all(const Tokenizer& tok, const std::string& fixture) {
  auto cases = read_cases(fixture);
  ASSERT_GT(cases.size(), 50u);
  for (const auto& c : cases) {
    EXPECT_EQ(tok.encode(c.text, false), c.ids_no_special) << fixture << " case " << c.id;
    EXPECT_EQ(tok.encode(c.text, true), c.ids) << fixture << " case " << c.id;
    EXPECT_EQ(tok.count(c.text), c.ids.size()) << fixture << " case " << c.id;
    EXPECT_EQ(tok.decode(c.ids, false), c.decoded) << fixture << " case " << c.id;
  }
}

TEST(Tiktoken, BuiltinMatchesO200kFixtures) {
  check_all(*builtin(), "o200k_base");
}

TEST(Tiktoken, PiecesTileTheTextAndMatchEncode) {
  check_pieces(*builtin(), "o200k_base");
  check_pieces(*load(testing::data_dir("cl100k_base") + "/cl100k_base.tiktoken"), "cl100k_base");
}

TEST(Tiktoken, LoadBuiltinIsTheSingleton) {
  EXPECT_EQ(load("builtin").get(), builtin().get());
  EXPECT_EQ(builtin()->name(), "builtin");
}

TEST(Tiktoken, Cl100kFileMatchesFixtures) {
  auto tok = load(testing::data_dir("cl100k_base") + "/cl100k_base.tiktoken");
  EXPECT_EQ(tok->name(), "cl100k_base");
  check_all(*tok, "cl100k_base");
}

// The per-thread piece cache: a second pass (all hits) gives the first pass's ids, and a
// tokenizer made after another one was destroyed (possibly at its address) never sees the
// other's entries: every fixture twice, alternating vocabularies on one thread.
TEST(Tiktoken, PieceCacheNeverChangesIdsAcrossPassesAndTokenizers) {
  for (int round = 0; round < 2; ++round) {
    {
      auto cl = load(testing::data_dir("cl100k_base") + "/cl100k_base.tiktoken");
      check_all(*cl, "cl100k_base");
      check_all(*cl, "cl100k_base");
    }
    check_all(*builtin(), "o200k_base");
    check_all(*builtin(), "o200k_base");
  }
  // The same short piece in both vocabularies, one after the other.
  auto cl = load(testing::data_dir("cl100k_base") + "/cl100k_base.tiktoken");
  const auto a = builtin()->encode(" hello world, again and again", false);
  const auto b = cl->encode(" hello world, again and again", false);
  EXPECT_EQ(builtin()->encode(" hello world, again and again", false), a);
  EXPECT_EQ(cl->encode(" hello world, again and again", false), b);
  EXPECT_NE(a, b);
}

TEST(Tiktoken, SpecialTokensOnlyWhenAllowed) {
  auto tok = builtin();
  EXPECT_EQ(tok->encode("<|endoftext|>", true), std::vector<TokenId>{199999});
  EXPECT_GT(tok->encode("<|endoftext|>", false).size(), 1u);
  EXPECT_EQ(tok->decode({199999}, false), "<|endoftext|>");
  EXPECT_EQ(tok->decode({199999}, true), "");
}

TEST(Tiktoken, HeapMergeEqualsQuadraticMerge) {
  // Every piece longer than 2 bytes takes the heap path here; ids must not change.
  set_tiktoken_heap_threshold_for_tests(2);
  check_all(*builtin(), "o200k_base");
  set_tiktoken_heap_threshold_for_tests(256);
}

TEST(Tiktoken, LongPieceRoundTrips) {
  auto tok = builtin();
  std::string word(3000, 'a');
  auto ids = tok->encode(word, false);
  ASSERT_FALSE(ids.empty());
  EXPECT_EQ(tok->decode(ids, false), word);
  EXPECT_LT(ids.size(), 3000u / 4);
}

TEST(Tiktoken, InvalidUtf8IsReplacedNotRejected) {
  auto tok = builtin();
  std::string bad =
      "ab\xff\xfe"
      "cd";
  EXPECT_EQ(tok->encode(bad, false), tok->encode("ab\xEF\xBF\xBD\xEF\xBF\xBD"
                                                 "cd",
                                                 false));
}

TEST(Tiktoken, CountFromManyThreads) {
  auto tok = builtin();
  auto cases = read_cases("o200k_base");
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int rep = 0; rep < 5; ++rep)
        for (const auto& c : cases)
          if (tok->count(c.text) != c.ids.size()) ++bad;
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

TEST(Tiktoken, UnknownEncodingNameIsAnInputError) {
  std::string path = ::testing::TempDir() + "/mystery_enc.tiktoken";
  std::ofstream(path) << "IQ== 0\n";
  try {
    load(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("mystery_enc"), std::string::npos) << e.what();
  }
}

TEST(Tiktoken, MalformedRankLineNamesTheLine) {
  std::string path = ::testing::TempDir() + "/cl100k_base.tiktoken";
  std::ofstream(path) << "IQ== 0\nnot-base64!! x\n";
  try {
    load(path);
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
  }
}

TiktokenSpec r50k_spec() {
  TiktokenSpec spec;
  known_tiktoken_spec("r50k_base", spec);
  spec.specials = {{"<|x|>", 9}};
  return spec;
}

TEST(Tiktoken, RanksWithGapsInFileOrder) {
  // a=0, b=2, ab=4 (base64 YQ== Yg== YWI=); ranks 1 and 3 do not exist.
  auto tok = make_tiktoken("YQ== 0\nYg== 2\nYWI= 4\n", "t", "t", r50k_spec());
  EXPECT_EQ(tok->encode("ab", false), (std::vector<TokenId>{4}));
  EXPECT_EQ(tok->encode("ba", false), (std::vector<TokenId>{2, 0}));
  EXPECT_EQ(tok->encode("ab<|x|>", true), (std::vector<TokenId>{4, 9}));
  EXPECT_EQ(tok->decode({4, 1, 3, 2, 0, 9, 77}, false), "abba<|x|>");
  EXPECT_EQ(tok->decode({4, 9}, true), "ab");
}

TEST(Tiktoken, RanksOutOfOrderAreSorted) {
  auto tok = make_tiktoken("YWI= 4\nYg== 2\nYQ== 0\n", "t", "t", r50k_spec());
  EXPECT_EQ(tok->encode("abba", false), (std::vector<TokenId>{4, 2, 0}));
  EXPECT_EQ(tok->decode({4, 2, 0}, false), "abba");
}

long resident_kb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

TEST(Tiktoken, EmbeddedO200kStaysSmallInMemory) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  GTEST_SKIP()
      << "resident-memory bounds do not hold under a sanitizer (shadow memory, quarantine)";
#endif
  // The index, the token bytes and the rank->bytes table: about 7 MB for o200k_base (it was 19 MB
  // with 16-byte slots, a second copy of the bytes and the rank file's pages left resident).
  std::string_view data(reinterpret_cast<const char*>(aiperf_o200k_data), aiperf_o200k_size);
  long before = resident_kb();
  ASSERT_GT(before, 0);
  TiktokenSpec spec;
  ASSERT_TRUE(known_tiktoken_spec("o200k_base", spec));
  auto tok = make_tiktoken(data, "o200k", "embedded", spec, /*release_input=*/true);
  long grown = resident_kb() - before;
  EXPECT_LT(grown, 10 * 1024) << "resident set grew by " << grown << " KB";
  // The released pages of the rank file read back the same: a second parse gives equal ids.
  auto again = make_tiktoken(data, "o200k", "embedded", spec, /*release_input=*/true);
  const std::string text = "Hello, world! Tokenizers: 12345 \u00e9t\u00e9 \U0001F600";
  EXPECT_EQ(tok->encode(text, false), builtin()->encode(text, false));
  EXPECT_EQ(again->encode(text, false), builtin()->encode(text, false));
}

}  // namespace
}  // namespace aiperf::tokenizer
