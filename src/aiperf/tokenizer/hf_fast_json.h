// Fast path for the two big tables of a tokenizer.json (model.vocab as an object and
// model.merges): a small scanner reads them straight into vectors, so that the general JSON
// parser only sees the rest of the file. Loading Qwen3's 11 MB file is dominated by these.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace aiperf::tokenizer::hf {

struct ModelTables {
  bool has_vocab = false;  // model.vocab was an object {token: id}
  std::vector<std::pair<std::string, uint32_t>> vocab;
  bool has_merges = false;  // model.merges was an array of "a b" or [a, b]
  std::vector<std::pair<std::string, std::string>> merges;
  bool merges_bad = false;  // an entry had neither form; index in bad_merge
  size_t bad_merge = 0;
};

/// Extracts model.vocab (object form) and model.merges from `json` and replaces them with {} and
/// [] in place. Returns false (and leaves `json` unchanged) when the text is not shaped as
/// expected; the caller then parses the whole file the slow way, which reports any error.
bool extract_model_tables(std::string& json, ModelTables& out);

}  // namespace aiperf::tokenizer::hf
