// tiktoken: a rank file (`base64(token) rank` per line), a split pattern and special tokens.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::tokenizer {

struct TiktokenSpec {
  std::string pattern;                                    // pre-tokenizer regex (pat_str)
  std::vector<std::pair<std::string, TokenId>> specials;  // special token text -> id
};

/// The pattern and special tokens of a known encoding ("o200k_base", "cl100k_base",
/// "p50k_base", "r50k_base"); false when the name is not known.
bool known_tiktoken_spec(std::string_view encoding, TiktokenSpec& spec);

/// Builds a tiktoken tokenizer from rank-file bytes. `source` names the file in errors.
/// encode(text, true) allows all special tokens (tiktoken `allowed_special="all"`);
/// encode(text, false) is `encode_ordinary`; count() allows special tokens (spec §2.6).
/// `release_input`: `rank_data` is read-only file-backed memory (the rank file linked into the
/// binary); its pages are dropped from the resident set as they are parsed.
std::shared_ptr<const Tokenizer> make_tiktoken(std::string_view rank_data, const std::string& name,
                                               const std::string& source, TiktokenSpec spec,
                                               bool release_input = false);

/// Loads a `.tiktoken` file; the encoding is known by the file's stem, or described by a
/// `<stem>.meta.json` ({"pat_str": ..., "special_tokens": {...}}) beside it.
std::shared_ptr<const Tokenizer> load_tiktoken_file(const std::string& path);

/// Pieces longer than `n` bytes (at most 256) use the heap merge instead of the quadratic scan.
/// Tests lower it to check that both give the same ids.
void set_tiktoken_heap_threshold_for_tests(size_t n);

}  // namespace aiperf::tokenizer
