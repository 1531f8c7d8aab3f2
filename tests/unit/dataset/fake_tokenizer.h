// A test tokenizer whose re-encoding of a decoded slice is NOT always the slice: pieces are a
// single space, a run of letters with an optional leading space, or one other character; a piece
// with more than 3 letters splits into two halves. So "beginning" is [begin][ning], but the
// slice "begin" re-encodes as [beg][in], like the edge effects of real BPE. Thread-safe.
#pragma once
#include <cctype>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::testing {

class HalvingTokenizer : public tokenizer::Tokenizer {
 public:
  std::vector<tokenizer::TokenId> encode(std::string_view text, bool) const override {
    std::vector<tokenizer::TokenId> out;
    size_t i = 0;
    while (i < text.size()) {
      size_t j = i;
      if (text[j] == ' ') ++j;
      size_t letters = j;
      while (letters < text.size() && std::isalpha(static_cast<unsigned char>(text[letters]))) {
        ++letters;
      }
      if (letters == j) {  // a bare space or one non-letter character
        out.push_back(id(text.substr(i, 1)));
        i += 1;
        continue;
      }
      size_t n = letters - j;
      if (n > 3) {
        size_t half = j + (n + 1) / 2;
        out.push_back(id(text.substr(i, half - i)));
        out.push_back(id(text.substr(half, letters - half)));
      } else {
        out.push_back(id(text.substr(i, letters - i)));
      }
      i = letters;
    }
    return out;
  }

  std::string decode(const std::vector<tokenizer::TokenId>& ids, bool) const override {
    std::lock_guard lock(mu_);
    std::string s;
    for (auto t : ids) s += pieces_.at(t);
    return s;
  }

  std::string name() const override { return "halving-test"; }

 private:
  tokenizer::TokenId id(std::string_view piece) const {
    std::lock_guard lock(mu_);
    auto [it, fresh] = ids_.try_emplace(std::string(piece), tokenizer::TokenId(pieces_.size()));
    if (fresh) pieces_.emplace_back(piece);
    return it->second;
  }

  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, tokenizer::TokenId> ids_;
  mutable std::vector<std::string> pieces_;
};

}  // namespace aiperf::testing
