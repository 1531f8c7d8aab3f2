// Private: the pre-tokenizer patterns of tiktoken (o200k_base, cl100k_base, r50k/p50k) and of
// Hugging Face's ByteLevel / Llama 3 / Qwen 2 tokenizers, matched by hand over ASCII text.
// PCRE2's JIT spends about 400 instructions per piece on these Unicode-class patterns, most of
// the cost of counting a response's tokens; plain ASCII needs a few per byte. Each matcher
// answers only when every byte its answer depends on is ASCII (the Unicode classes of the
// others are PCRE2's business), and gives exactly PCRE2's match then: leftmost alternative,
// greedy quantifiers with backtracking, the `(?!\S)` look-ahead (tests/unit/tokenizer and
// tokenizer_regex_fuzz compare the two on every input).
#pragma once
#include <cstddef>
#include <string_view>

namespace aiperf::tokenizer::detail {

enum class AsciiPattern {
  kNone,
  kO200k,           // tiktoken o200k_base
  kCl100k,          // tiktoken cl100k_base, Llama 3 (digits in runs of up to 3)
  kCl100kOneDigit,  // Qwen 2 (one digit per piece)
  kGpt2,            // tiktoken r50k/p50k, Hugging Face ByteLevel
};

// The patterns, as tiktoken and tokenizer.json files write them.
inline constexpr std::string_view kPatO200k =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kPatCl100k =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kPatQwen2 =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kPatR50k =
    R"('(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kPatByteLevel =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
inline constexpr std::string_view kAsciiPatterns[] = {kPatO200k, kPatCl100k, kPatQwen2, kPatR50k,
                                                      kPatByteLevel};

/// The family of `pattern` when it is one of the above, written exactly so; else kNone.
AsciiPattern ascii_pattern_of(std::string_view pattern);

/// The end of the match that starts at `pos` (< s.size(); these patterns match at every
/// position), or 0 when it depends on a byte >= 0x80 (ask PCRE2).
size_t ascii_match(AsciiPattern p, std::string_view s, size_t pos);

}  // namespace aiperf::tokenizer::detail
