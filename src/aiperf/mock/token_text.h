// Token accounting for the mock server. Prompt tokens (ISL) are counted with the same tokenizer
// the client uses (builtin o200k_base by default). Output tokens are words from a vocabulary
// whose " word" form is exactly one token and whose concatenation re-tokenizes to one token per
// word, so the client's OSL (it re-tokenizes the streamed text) equals what the server sent.
// Immutable after construction; safe to share between worker threads.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aiperf::tokenizer {
class Tokenizer;
}

namespace aiperf::mock {

class TokenText {
 public:
  /// `tok` null = count whitespace-separated words (--no-tokenizer). With a tokenizer, every
  /// candidate " word" is checked to be one token, and the whole vocabulary joined is checked to
  /// encode to one token per word; words that fail are dropped. Throws if none survive.
  explicit TokenText(std::shared_ptr<const tokenizer::Tokenizer> tok);

  /// Tokens in `text` (no special tokens), or words with no tokenizer.
  size_t count(std::string_view text) const;
  /// The i-th output piece (" word"), cycling through the vocabulary.
  std::string_view piece(size_t i) const { return pieces_[i % pieces_.size()]; }
  size_t vocabulary_size() const { return pieces_.size(); }
  bool has_tokenizer() const { return tok_ != nullptr; }
  std::string tokenizer_name() const;

 private:
  std::shared_ptr<const tokenizer::Tokenizer> tok_;
  std::vector<std::string> pieces_;
};

/// Whitespace-separated word count (the --no-tokenizer rule).
size_t count_words(std::string_view text);

}  // namespace aiperf::mock
