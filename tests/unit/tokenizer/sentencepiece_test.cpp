// SentencePiece tokenizer.model (Mistral-7B-v0.1) against the ids of its tokenizer.json from the
// official HuggingFace tokenizers library.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/tokenizer.h"
#include "fixture_cases.h"

namespace aiperf::tokenizer {
namespace {

namespace fs = std::filesystem;
using testing::data_dir;
using testing::read_cases;

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::path(::testing::TempDir()) / ("aiperf_spm_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

const std::string kModel = data_dir("mistral_7b_v0.1") + "/tokenizer.model";

TEST(SentencePiece, MistralModelGivesTheTokenizerJsonIds) {
  auto tok = load(kModel);  // tokenizer_config.json beside it: legacy false, add_bos_token true
  auto cases = read_cases("mistral_7b_v0.1");
  ASSERT_GT(cases.size(), 50u);
  for (const auto& c : cases) {
    EXPECT_EQ(tok->encode(c.text, true), c.ids) << "case " << c.id;
    EXPECT_EQ(tok->encode(c.text, false), c.ids_no_special) << "case " << c.id;
    EXPECT_EQ(tok->count(c.text), c.ids_no_special.size()) << "case " << c.id;
    EXPECT_EQ(tok->decode(c.ids, false), c.decoded) << "case " << c.id;
    if (c.has_decoded_skip) {
      EXPECT_EQ(tok->decode(c.ids, true), c.decoded_skip_special) << "case " << c.id;
    }
  }
  EXPECT_EQ(tok->bos_token_id(), 1u);
  EXPECT_EQ(tok->eos_token_id(), 2u);
}

TEST(SentencePiece, EncodeBatchOnThreadsEqualsOneByOne) {
  auto tok = load(kModel);
  std::vector<std::string> texts;
  for (const auto& c : read_cases("mistral_7b_v0.1")) texts.push_back(c.text);
  auto batch = encode_batch(*tok, texts, true, 4);
  ASSERT_EQ(batch.size(), texts.size());
  for (size_t i = 0; i < texts.size(); ++i) EXPECT_EQ(batch[i], tok->encode(texts[i], true)) << i;
}

TEST(SentencePiece, DirectoryWithOnlyTokenizerModel) {
  auto dir = temp_dir("only_model");
  fs::copy_file(kModel, dir / "tokenizer.model");
  auto tok = load(dir.string());
  // No tokenizer_config.json: LlamaTokenizer defaults (legacy, BOS added, dummy prefix on every
  // text part), so "<s>" in the text is the special token and " world" after it gets "▁▁".
  EXPECT_EQ(tok->encode("Hello world", true), (std::vector<TokenId>{1, 22557, 1526}));
  EXPECT_EQ(tok->encode("Hello world", false), (std::vector<TokenId>{22557, 1526}));
  EXPECT_EQ(tok->encode("a</s>b", false), (std::vector<TokenId>{264, 2, 287}));
  EXPECT_EQ(tok->decode({1, 22557, 1526, 2}, true), "Hello world");
  EXPECT_EQ(tok->decode({1, 22557, 1526, 2}, false), "<s> Hello world</s>");
}

TEST(SentencePiece, ConfigAddBosTokenFalseDropsBos) {
  auto dir = temp_dir("no_bos");
  fs::copy_file(kModel, dir / "tokenizer.model");
  std::ofstream(dir / "tokenizer_config.json")
      << R"({"add_bos_token": false, "add_eos_token": true, "legacy": false})";
  auto tok = load(dir.string());
  EXPECT_EQ(tok->encode("Hello world", true), (std::vector<TokenId>{22557, 1526, 2}));
  // Non-legacy: no dummy prefix after a special token.
  auto legacy_off = tok->encode("a</s>b", false);
  EXPECT_EQ(legacy_off, (std::vector<TokenId>{264, 2, 28726}));
}

TEST(SentencePiece, NotAModelIsAnInputError) {
  auto dir = temp_dir("bad");
  std::ofstream(dir / "tokenizer.model") << "this is not a protobuf";
  try {
    load(dir.string());
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("tokenizer.model"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace aiperf::tokenizer
