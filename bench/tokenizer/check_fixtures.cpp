// Compares every fixture case (ids, ids_no_special, decoded) for the shared fixture tokenizers
// (and for mistral_7b_v0.1 loaded from its SentencePiece tokenizer.model too).
// Usage: check_fixtures [FIXTURES_DIR]   (default ../shared/fixtures/tokenizers, run from the
// repository root)
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aiperf/tokenizer/tokenizer.h"

using aiperf::tokenizer::TokenId;

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "../shared/fixtures/tokenizers";
  const char* names[] = {"gpt2",
                         "qwen3",
                         "deepseek_v3",
                         "mistral_7b_v0.1",
                         "bert_base_uncased",
                         "t5_small",
                         "o200k_base",
                         "cl100k_base",
                         "mistral_7b_v0.1/tokenizer.model"};
  int bad_total = 0;
  for (const char* name : names) {
    std::string n = name;
    std::string spec = n == "o200k_base"    ? "builtin"
                       : n == "cl100k_base" ? dir + "/cl100k_base/cl100k_base.tiktoken"
                                            : dir + "/" + n;
    if (n.find('/') != std::string::npos) n = n.substr(0, n.find('/'));  // a file in a fixture
    auto tok = aiperf::tokenizer::load(spec);
    std::ifstream f(dir + "/" + n + "/cases.jsonl");
    std::string line;
    int total = 0, ok_sp = 0, ok_plain = 0, ok_dec = 0, ok_skip = 0, n_skip = 0;
    while (std::getline(f, line)) {
      auto j = nlohmann::json::parse(line);
      std::string text = j["text"];
      auto ids = j["ids"].get<std::vector<TokenId>>();
      auto plain = j["ids_no_special"].get<std::vector<TokenId>>();
      ++total;
      bool a = tok->encode(text, true) == ids, b = tok->encode(text, false) == plain;
      bool c = tok->decode(ids, false) == j["decoded"].get<std::string>();
      ok_sp += a;
      ok_plain += b;
      ok_dec += c;
      if (j.contains("decoded_skip_special")) {
        ++n_skip;
        ok_skip += tok->decode(ids, true) == j["decoded_skip_special"].get<std::string>();
      }
      if (!a || !b || !c) {
        ++bad_total;
        std::printf("  %s case %d:%s%s%s\n", name, j["id"].get<int>(), a ? "" : " ids",
                    b ? "" : " ids_no_special", c ? "" : " decoded");
      }
    }
    std::printf("%-18s ids %d/%d  ids_no_special %d/%d  decoded %d/%d  decoded_skip %d/%d\n", name,
                ok_sp, total, ok_plain, total, ok_dec, total, ok_skip, n_skip);
  }
  return bad_total ? 1 : 0;
}
