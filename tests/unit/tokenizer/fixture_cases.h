// Reads tests/data/tokenizers/<name>/cases.jsonl (ids from the HF tokenizers / tiktoken oracles).
#pragma once
#include <gtest/gtest.h>

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

// encode_pieces is encode(text, false) with each token's end and the pieces' starts; the pieces
// tile the text, and piece_ends gives the same cuts. Every fixture case; cases the tokenizer
// has no pieces for (invalid UTF-8, an added token in the text) must say so in both.
inline void check_pieces(const Tokenizer& tok, const std::string& fixture) {
  int valid = 0;
  for (const auto& c : read_cases(fixture)) {
    Tokenizer::PieceEncoding pe;
    std::vector<uint32_t> ends;
    const bool ok = tok.encode_pieces(c.text, pe);
    ASSERT_EQ(ok, tok.piece_ends(c.text, ends)) << fixture << " case " << c.id;
    if (!ok) continue;  // invalid UTF-8 (lossy-replaced by encode)
    ++valid;
    ASSERT_EQ(pe.ids, c.ids_no_special) << fixture << " case " << c.id;
    ASSERT_EQ(pe.ends.size(), pe.ids.size());
    ASSERT_EQ(pe.piece_starts.size(), pe.ids.size());
    std::vector<uint32_t> from_tokens;  // where a piece ends: before a piece start, and the end
    for (size_t i = 0; i < pe.ids.size(); ++i) {
      if (i > 0) {
        ASSERT_GT(pe.ends[i], pe.ends[i - 1]) << fixture << " case " << c.id;
        if (pe.piece_starts[i]) from_tokens.push_back(pe.ends[i - 1]);
      }
    }
    if (!pe.ids.empty()) {
      EXPECT_EQ(pe.piece_starts[0], 1);
      EXPECT_EQ(pe.ends.back(), c.text.size());
      from_tokens.push_back(pe.ends.back());
    }
    EXPECT_EQ(ends, from_tokens) << fixture << " case " << c.id;
    if (pe.ids.empty()) continue;
    // The tokens from a piece start to the end are the text from there, and re-encode to
    // themselves (the split from a piece start is the same).
    size_t a = pe.ids.size() / 3, b = pe.ids.size();
    while (a > 0 && !pe.piece_starts[a]) --a;
    std::string_view part = std::string_view(c.text).substr(a ? pe.ends[a - 1] : 0);
    std::vector<TokenId> tail(pe.ids.begin() + long(a), pe.ids.begin() + long(b));
    EXPECT_EQ(tok.decode(tail, false), part) << fixture << " case " << c.id;
    EXPECT_EQ(tok.encode(part, false), tail) << fixture << " case " << c.id;
  }
  EXPECT_GT(valid, 50);
  Tokenizer::PieceEncoding pe;
  std::vector<uint32_t> ends;
  EXPECT_FALSE(tok.encode_pieces("ab\xff", pe));
  EXPECT_FALSE(tok.piece_ends("ab\xc3", ends));
  EXPECT_TRUE(tok.encode_pieces("", pe));
  EXPECT_TRUE(pe.ids.empty());
}

}  // namespace aiperf::tokenizer::testing
