// Pipeline components on tiny hand-written tokenizer.json files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer {
namespace {

namespace fs = std::filesystem;

std::shared_ptr<const Tokenizer> from_json(const std::string& name, const std::string& json) {
  fs::path d = fs::path(::testing::TempDir()) / ("aiperf_comp_" + name);
  fs::create_directories(d);
  std::ofstream(d / "tokenizer.json") << json;
  return load((d / "tokenizer.json").string());
}

// BPE over a, b, '-' where "a -" (rank 0) and "- b" (rank 1) merge: how the split behavior
// groups "a-b" shows in the ids.
std::shared_ptr<const Tokenizer> split_tok(const std::string& behavior, bool invert = false) {
  std::string pre = R"({"type":"Split","pattern":{"String":"-"},"behavior":")" + behavior +
                    R"(","invert":)" + (invert ? "true" : "false") + "}";
  return from_json("split_" + behavior + (invert ? "_inv" : ""),
                   R"({"added_tokens":[],"normalizer":null,"pre_tokenizer":)" + pre +
                       R"(,"post_processor":null,"decoder":null,"model":{"type":"BPE","vocab":)"
                       R"({"a":0,"b":1,"-":2,"a-":3,"-b":4},"merges":["a -","- b"]}})");
}

TEST(Components, SplitBehaviors) {
  EXPECT_EQ(split_tok("Isolated")->encode("a-b", false), (std::vector<TokenId>{0, 2, 1}));
  EXPECT_EQ(split_tok("Removed")->encode("a-b", false), (std::vector<TokenId>{0, 1}));
  EXPECT_EQ(split_tok("MergedWithPrevious")->encode("a-b", false), (std::vector<TokenId>{3, 1}));
  EXPECT_EQ(split_tok("MergedWithNext")->encode("a-b", false), (std::vector<TokenId>{0, 4}));
  // Contiguous: "a" | "--" | "b"; inside "--" nothing merges.
  EXPECT_EQ(split_tok("Contiguous")->encode("a--b", false), (std::vector<TokenId>{0, 2, 2, 1}));
  // Inverted Removed keeps only the matches.
  EXPECT_EQ(split_tok("Removed", true)->encode("a-b", false), (std::vector<TokenId>{2}));
}

TEST(Components, MergeRankBeatsPosition) {
  // "a -" has the lower rank, so "a-b" without pre-tokenization becomes "a-" "b".
  auto tok =
      from_json("rank", R"({"added_tokens":[],"normalizer":null,"pre_tokenizer":null,)"
                        R"("post_processor":null,"decoder":null,"model":{"type":"BPE",)"
                        R"("vocab":{"a":0,"b":1,"-":2,"a-":3,"-b":4},"merges":["a -","- b"]}})");
  EXPECT_EQ(tok->encode("a-b", false), (std::vector<TokenId>{3, 1}));
  EXPECT_EQ(tok->encode("-b", false), (std::vector<TokenId>{4}));
}

TEST(Components, WordLevelWithWhitespaceAndLowercase) {
  auto tok = from_json(
      "wordlevel",
      R"({"added_tokens":[],"normalizer":{"type":"Lowercase"},"pre_tokenizer":{"type":"Whitespace"},)"
      R"("post_processor":{"type":"BertProcessing","sep":["[SEP]",3],"cls":["[CLS]",2]},)"
      R"("decoder":null,"model":{"type":"WordLevel","vocab":{"[UNK]":0,"hello":1,"[CLS]":2,)"
      R"("[SEP]":3,"!":4},"unk_token":"[UNK]"}})");
  EXPECT_EQ(tok->encode("Hello, hello!", false), (std::vector<TokenId>{1, 0, 1, 4}));
  EXPECT_EQ(tok->encode("Hello", true), (std::vector<TokenId>{2, 1, 3}));
}

TEST(Components, AddedTokenLstripRstrip) {
  auto tok = from_json(
      "strip",
      R"({"added_tokens":[{"id":5,"content":"<m>","special":true,"lstrip":true,"rstrip":true,)"
      R"("single_word":false,"normalized":false}],"normalizer":null,)"
      R"("pre_tokenizer":{"type":"WhitespaceSplit"},"post_processor":null,"decoder":null,)"
      R"("model":{"type":"WordLevel","vocab":{"[UNK]":0,"x":1,"<m>":5},"unk_token":"[UNK]"}})");
  EXPECT_EQ(tok->encode("x <m> x", false), (std::vector<TokenId>{1, 5, 1}));
  EXPECT_EQ(tok->decode({1, 5, 1}, true), "x x");
}

}  // namespace
}  // namespace aiperf::tokenizer

namespace aiperf::tokenizer {
namespace {

TEST(Components, WordMemoIsPerModel) {
  // Both models see the word "ab" on this thread; each must get its own ids.
  auto tiny = from_json("memo", R"({"added_tokens":[],"normalizer":null,"pre_tokenizer":null,)"
                                R"("post_processor":null,"decoder":null,"model":{"type":"BPE",)"
                                R"("vocab":{"a":0,"b":1,"ab":2},"merges":["a b"]}})");
  auto gpt2 = load(std::string(AIPERF_TEST_DATA_DIR) + "/tokenizers/gpt2");
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(tiny->encode("ab", false), std::vector<TokenId>{2});
    EXPECT_EQ(gpt2->encode("ab", false), std::vector<TokenId>{397});
  }
}

}  // namespace
}  // namespace aiperf::tokenizer
