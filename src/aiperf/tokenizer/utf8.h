// UTF-8 helpers shared by the tokenizers (private to the tokenizer stage).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aiperf::tokenizer::detail {

/// Length in bytes of the UTF-8 sequence that starts with lead byte `b` (1 for invalid leads).
inline size_t utf8_len(unsigned char b) {
  if (b < 0x80) return 1;
  if ((b >> 5) == 0x6) return 2;
  if ((b >> 4) == 0xE) return 3;
  if ((b >> 3) == 0x1E) return 4;
  return 1;
}

/// Decode the code point at `s[i]` (input must be valid UTF-8); advances `i`.
inline char32_t next_cp(std::string_view s, size_t& i) {
  auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) {
    ++i;
    return b;
  }
  size_t n = utf8_len(b);
  char32_t cp = n == 2 ? (b & 0x1F) : n == 3 ? (b & 0x0F) : (b & 0x07);
  for (size_t k = 1; k < n && i + k < s.size(); ++k)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += n;
  return cp;
}

inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

/// Whether every byte of `s` is ASCII (below 0x80). No early exit: the OR of all bytes lets
/// the compiler vectorize it.
inline bool is_ascii(std::string_view s) {
  unsigned char any = 0;
  for (char c : s) any |= static_cast<unsigned char>(c);
  return any < 0x80;
}

/// Length of the valid UTF-8 prefix of `s` (== s.size() when all of it is valid).
size_t valid_utf8_prefix(std::string_view s);

/// `s` with every ill-formed subsequence replaced by U+FFFD (maximal-subpart rule, as Rust's
/// String::from_utf8_lossy and the WHATWG decoder do).
std::string utf8_lossy(std::string_view s);

/// Decode standard base64 (no line breaks). Returns false on a bad character.
bool base64_decode(std::string_view in, std::string& out);

/// GPT-2 byte-level alphabet: byte -> code point, and the reverse (-1 when not in the alphabet).
char32_t byte_to_unicode(uint8_t b);
int unicode_to_byte(char32_t cp);

}  // namespace aiperf::tokenizer::detail
