// Reads tests/data/tokenizers/<name>/cases.jsonl (ids from the HF tokenizers / tiktoken oracles).
#pragma once
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer::testing {

struct Case {
  int id = 0;
  std::string text;
  std::vector<TokenId> ids;             // add_special_tokens = true / allowed_special = all
  std::vector<TokenId> ids_no_special;  // add_special_tokens = false / encode_ordinary
  std::string decoded;                  // decode(ids, skip_special = false)
  bool has_decoded_skip = false;
  std::string decoded_skip_special;
};

inline std::string data_dir(const std::string& name) {
  return std::string(AIPERF_TEST_DATA_DIR) + "/tokenizers/" + name;
}

inline std::vector<Case> read_cases(const std::string& name) {
  std::vector<Case> out;
  std::ifstream f(data_dir(name) + "/cases.jsonl");
  std::string line;
  while (std::getline(f, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line);
    Case c;
    c.id = j.at("id").get<int>();
    c.text = j.at("text").get<std::string>();
    c.ids = j.at("ids").get<std::vector<TokenId>>();
    c.ids_no_special = j.at("ids_no_special").get<std::vector<TokenId>>();
    c.decoded = j.at("decoded").get<std::string>();
    if (j.contains("decoded_skip_special")) {
      c.has_decoded_skip = true;
      c.decoded_skip_special = j.at("decoded_skip_special").get<std::string>();
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace aiperf::tokenizer::testing
