// load(): spec resolution, the hub cache layout, tokenizer_config.json, and bad input.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hub.h"
#include "aiperf/tokenizer/tokenizer.h"
#include "fixture_cases.h"

namespace aiperf::tokenizer {
namespace {

namespace fs = std::filesystem;
using testing::data_dir;

fs::path temp_dir(const std::string& name) {
  fs::path d = fs::path(::testing::TempDir()) / ("aiperf_tok_" + name);
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

std::string read(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

// Expects load(spec) to throw InputError whose message contains every string in `parts`.
void expect_error(const std::string& spec, std::initializer_list<std::string> parts,
                  const LoadOptions& opts = {}) {
  try {
    load(spec, opts);
    ADD_FAILURE() << "no error for " << spec;
  } catch (const InputError& e) {
    std::string msg = e.what();
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    for (const auto& p : parts) EXPECT_NE(msg.find(p), std::string::npos) << msg;
  }
}

// A minimal BPE tokenizer.json with a replaceable part.
std::string tiny_json(const std::string& model_type = "BPE", const std::string& pre = "null",
                      const std::string& merges = "[\"a b\"]") {
  return R"({"added_tokens":[],"normalizer":null,"pre_tokenizer":)" + pre +
         R"(,"post_processor":null,"decoder":null,"model":{"type":")" + model_type +
         R"(","vocab":{"a":0,"b":1,"ab":2},"merges":)" + merges + "}}";
}

TEST(Load, TinyBpeWorks) {
  auto dir = temp_dir("tiny");
  write(dir / "tokenizer.json", tiny_json());
  auto tok = load(dir.string());
  EXPECT_EQ(tok->encode("abab", false), (std::vector<TokenId>{2, 2}));
  EXPECT_EQ(tok->encode("ba", false), (std::vector<TokenId>{1, 0}));
  EXPECT_EQ(tok->decode({2, 0}, false), "ab a");  // no decoder: tokens joined by spaces
}

TEST(Load, TruncatedJsonNamesTheFile) {
  auto dir = temp_dir("trunc");
  std::string full = read(data_dir("gpt2") + "/tokenizer.json");
  write(dir / "tokenizer.json", full.substr(0, full.size() / 2));
  expect_error(dir.string(), {(dir / "tokenizer.json").string(), "not valid JSON"});
}

TEST(Load, UnknownModelTypeNamesTheField) {
  auto dir = temp_dir("model_type");
  write(dir / "tokenizer.json", tiny_json("Telepathy"));
  expect_error(dir.string(), {"tokenizer.json", "model.type", "Telepathy"});
}

TEST(Load, UnknownPreTokenizerNamesTheField) {
  auto dir = temp_dir("pre_type");
  write(dir / "tokenizer.json",
        tiny_json("BPE", R"({"type":"Sequence","pretokenizers":[{"type":"Nope"}]})"));
  expect_error(dir.string(), {"pre_tokenizer.pretokenizers[0].type", "Nope"});
}

TEST(Load, BadRegexNamesTheField) {
  auto dir = temp_dir("bad_regex");
  write(dir / "tokenizer.json",
        tiny_json("BPE",
                  R"({"type":"Split","pattern":{"Regex":"(unclosed"},"behavior":"Isolated"})"));
  expect_error(dir.string(), {"pre_tokenizer.pattern.Regex"});
}

TEST(Load, MergeWithUnknownTokenNamesTheEntry) {
  auto dir = temp_dir("bad_merge");
  write(dir / "tokenizer.json", tiny_json("BPE", "null", R"(["a b","a zz"])"));
  expect_error(dir.string(), {"model.merges[1]", "zz"});
}

TEST(Load, MissingModelIsAnError) {
  auto dir = temp_dir("no_model");
  write(dir / "tokenizer.json", R"({"version":"1.0"})");
  expect_error(dir.string(), {"model"});
}

TEST(Load, DirectoryWithoutTokenizerFiles) {
  auto dir = temp_dir("empty_dir");
  expect_error(dir.string(), {dir.string(), "tokenizer.json"});
}

TEST(Load, UnknownSpecMentionsTheCacheAndBuiltin) {
  auto cache = temp_dir("empty_cache");
  setenv("HF_HUB_CACHE", cache.c_str(), 1);
  setenv("HF_HUB_OFFLINE", "1", 1);
  expect_error("no-such-org/no-such-model",
               {"no-such-org/no-such-model", cache.string(), "builtin"});
  unsetenv("HF_HUB_OFFLINE");
  unsetenv("HF_HUB_CACHE");
}

TEST(Load, HubCacheLayoutIsUsed) {
  auto cache = temp_dir("hub_cache");
  fs::path repo = cache / "models--acme--tiny-gpt2";
  write(repo / "refs" / "main", "0123456789abcdef0123456789abcdef01234567");
  fs::path snap = repo / "snapshots" / "0123456789abcdef0123456789abcdef01234567";
  // Real caches hold symlinks into blobs/; the loader must follow them.
  write(repo / "blobs" / "deadbeef", read(data_dir("gpt2") + "/tokenizer.json"));
  fs::create_directories(snap);
  fs::create_symlink("../../blobs/deadbeef", snap / "tokenizer.json");
  setenv("HF_HUB_CACHE", cache.c_str(), 1);
  setenv("HF_HUB_OFFLINE", "1", 1);
  auto tok = load("acme/tiny-gpt2");
  EXPECT_EQ(tok->encode("Hello world", false), (std::vector<TokenId>{15496, 995}));
  // A commit hash as the revision selects the snapshot directly.
  LoadOptions opts;
  opts.revision = "0123456789abcdef0123456789abcdef01234567";
  EXPECT_EQ(load("acme/tiny-gpt2", opts)->count("Hello world"), 2u);
  unsetenv("HF_HUB_OFFLINE");
  unsetenv("HF_HUB_CACHE");
}

TEST(Load, HfHomeGivesTheCacheDir) {
  unsetenv("HF_HUB_CACHE");
  setenv("HF_HOME", "/somewhere/hf", 1);
  EXPECT_EQ(hub_cache_dir(), "/somewhere/hf/hub");
  unsetenv("HF_HOME");
}

TEST(Load, TransformersBosFromTokenizerConfig) {
  auto dir = temp_dir("llama_bos");
  write(dir / "tokenizer.json", read(data_dir("gpt2") + "/tokenizer.json"));
  write(
      dir / "tokenizer_config.json",
      R"({"tokenizer_class":"LlamaTokenizerFast","add_bos_token":true,"bos_token":"<|endoftext|>"})");
  // Default: the tokenizers library's behaviour (gpt2's ByteLevel post-processor adds nothing).
  EXPECT_EQ(load(dir.string())->encode("Hello", true), (std::vector<TokenId>{15496}));
  LoadOptions opts;
  opts.transformers_bos_eos = true;
  EXPECT_EQ(load(dir.string(), opts)->encode("Hello", true), (std::vector<TokenId>{50256, 15496}));
  EXPECT_EQ(load(dir.string(), opts)->encode("Hello", false), (std::vector<TokenId>{15496}));
}

TEST(Load, EncodeBatchEqualsOneByOne) {
  auto tok = load(data_dir("mistral_7b_v0.1"));
  auto cases = testing::read_cases("mistral_7b_v0.1");
  std::vector<std::string> texts;
  for (const auto& c : cases) texts.push_back(c.text);
  auto all = encode_batch(*tok, texts, true, 4);
  ASSERT_EQ(all.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i)
    EXPECT_EQ(all[i], cases[i].ids) << "case " << cases[i].id;
}

TEST(Load, HfCountFromManyThreads) {
  auto tok = load(data_dir("t5_small"));
  auto cases = testing::read_cases("t5_small");
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (const auto& c : cases)
        if (tok->count(c.text) != c.ids_no_special.size()) ++bad;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad.load(), 0);
}

}  // namespace
}  // namespace aiperf::tokenizer

namespace aiperf::tokenizer {
namespace {

TEST(Load, BosEosFromConfig) {
  auto mistral = load(testing::data_dir("mistral_7b_v0.1"));
  EXPECT_EQ(mistral->bos_token_id(), 1u);
  EXPECT_EQ(mistral->eos_token_id(), 2u);
  auto t5 = load(testing::data_dir("t5_small"));
  EXPECT_EQ(t5->bos_token_id(), Tokenizer::kNoToken);
  EXPECT_EQ(t5->eos_token_id(), 1u);
  EXPECT_EQ(builtin()->bos_token_id(), Tokenizer::kNoToken);
  EXPECT_EQ(builtin()->eos_token_id(), 199999u);
}

}  // namespace
}  // namespace aiperf::tokenizer
