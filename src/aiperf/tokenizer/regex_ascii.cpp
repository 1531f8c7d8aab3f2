#include "aiperf/tokenizer/regex_ascii.h"

namespace aiperf::tokenizer::detail {
namespace {

// The ASCII members of the Unicode classes the patterns use (PCRE2 with UCP): \p{L} = letters,
// \p{Lu} / \p{Ll} = upper / lower case letters (no ASCII character is Lt, Lm, Lo or M),
// \p{N} = digits, \s = tab, line feed, vertical tab, form feed, carriage return and space.
enum : unsigned char { kUpper = 1, kLower = 2, kDigit = 4, kSpace = 8, kHigh = 16 };

struct Classes {
  unsigned char c[256] = {};
  constexpr Classes() {
    for (int i = 'A'; i <= 'Z'; ++i) c[i] = kUpper;
    for (int i = 'a'; i <= 'z'; ++i) c[i] = kLower;
    for (int i = '0'; i <= '9'; ++i) c[i] = kDigit;
    for (int i = 9; i <= 13; ++i) c[i] = kSpace;
    c[' '] = kSpace;
    for (int i = 0x80; i < 256; ++i) c[i] = kHigh;
  }
};
constexpr Classes kClasses;

inline unsigned char cls(std::string_view s, size_t i) {
  return kClasses.c[static_cast<unsigned char>(s[i])];
}
inline bool high(std::string_view s, size_t i) {
  return i < s.size() && cls(s, i) == kHigh;
}
inline bool letter(unsigned char k) {
  return k & (kUpper | kLower);
}
/// [^\s\p{L}\p{N}] over ASCII: punctuation, symbols and control characters but whitespace.
inline bool other(unsigned char k) {
  return k == 0;
}
/// [^\r\n\p{L}\p{N}] over ASCII.
inline bool prefix(std::string_view s, size_t i) {
  const unsigned char k = cls(s, i);
  return (k == 0 || k == kSpace) && s[i] != '\r' && s[i] != '\n';
}

constexpr size_t kAsk = std::string_view::npos;  // the answer depends on a byte >= 0x80

/// End of a run of class `k` from `i`; kAsk when a byte >= 0x80 ends it (it might belong).
size_t run(std::string_view s, size_t i, unsigned char k) {
  while (i < s.size() && (cls(s, i) & k)) ++i;
  return high(s, i) ? kAsk : i;
}

/// (?i:'s|'t|'re|'ve|'m|'ll|'d) at `i`: its end, `i` when none, kAsk when a byte >= 0x80
/// decides (caseless `s` also matches U+017F).
size_t contraction(std::string_view s, size_t i) {
  if (i >= s.size() || s[i] != '\'') return i;
  if (i + 1 >= s.size()) return i;
  if (high(s, i + 1)) return kAsk;
  const char a = char(s[i + 1] | 0x20);
  if (a == 's' || a == 't' || a == 'm' || a == 'd') return i + 2;
  if (a != 'r' && a != 'v' && a != 'l') return i;
  if (i + 2 >= s.size()) return i;
  if (high(s, i + 2)) return kAsk;
  const char b = char(s[i + 2] | 0x20);
  if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) return i + 3;
  return i;
}

/// The whitespace alternatives at `p` (a whitespace byte): `\s*[\r\n]+` (o200k, cl100k only),
/// then `\s+(?!\S)`, then `\s+`.
size_t whitespace(std::string_view s, size_t p, bool line_ends) {
  const size_t end = run(s, p, kSpace);
  if (end == kAsk) return kAsk;
  if (line_ends) {
    for (size_t k = end; k > p; --k) {
      if (s[k - 1] == '\r' || s[k - 1] == '\n') return k;
    }
  }
  if (end == s.size() || end - p == 1) return end;
  return end - 1;
}

/// ` ?[^\s\p{L}\p{N}]+` then `tail` bytes (any number) at `p`; `p` when it does not match.
size_t punctuation(std::string_view s, size_t p, const char* tail) {
  size_t q = p;
  if (s[q] == ' ') ++q;
  if (q >= s.size()) return p;
  if (high(s, q)) return kAsk;
  if (!other(cls(s, q))) return p;
  size_t e = q;
  while (e < s.size() && other(cls(s, e))) ++e;
  if (high(s, e)) return kAsk;
  for (; e < s.size(); ++e) {
    bool in = false;
    for (const char* t = tail; *t; ++t) in = in || s[e] == *t;
    if (!in) break;
  }
  return e;
}

size_t o200k(std::string_view s, size_t p) {
  const unsigned char k = cls(s, p);
  // [^\r\n\p{L}\p{N}]?[\p{Lu}...]*[\p{Ll}...]+(?i:'s|...)?, then the same with [\p{Lu}...]+
  // and [\p{Ll}...]*: one word with an optional leading non-letter.
  const size_t start = letter(k) ? p : prefix(s, p) ? p + 1 : s.size() + 1;
  if (start < s.size()) {
    const size_t upper = run(s, start, kUpper);
    if (upper == kAsk) return kAsk;
    const size_t lower = run(s, upper, kLower);
    if (lower == kAsk) return kAsk;
    if (lower > upper || upper > start) return contraction(s, lower);
  }
  if (k == kDigit) {  // \p{N}{1,3}
    size_t e = p;
    while (e < s.size() && e < p + 3 && cls(s, e) == kDigit) ++e;
    return e < p + 3 && high(s, e) ? kAsk : e;
  }
  const size_t punct = punctuation(s, p, "\r\n/");
  if (punct != p) return punct;
  return whitespace(s, p, true);
}

size_t cl100k(std::string_view s, size_t p, size_t digits) {
  const unsigned char k = cls(s, p);
  const size_t c = contraction(s, p);
  if (c != p) return c;
  // [^\r\n\p{L}\p{N}]?\p{L}+
  const size_t start = letter(k) ? p : prefix(s, p) ? p + 1 : s.size() + 1;
  if (start < s.size()) {
    const size_t e = run(s, start, kUpper | kLower);
    if (e == kAsk) return kAsk;
    if (e > start) return e;
  }
  if (k == kDigit) {  // \p{N}{1,digits}
    size_t e = p;
    while (e < s.size() && e < p + digits && cls(s, e) == kDigit) ++e;
    return e < p + digits && high(s, e) ? kAsk : e;
  }
  const size_t punct = punctuation(s, p, "\r\n");
  if (punct != p) return punct;
  return whitespace(s, p, true);
}

size_t gpt2(std::string_view s, size_t p) {
  // '(?:[sdmt]|ll|ve|re), case-sensitive: a byte >= 0x80 is simply not one of them.
  if (s[p] == '\'' && p + 1 < s.size()) {
    const char a = s[p + 1];
    if (a == 's' || a == 'd' || a == 'm' || a == 't') return p + 2;
    if (p + 2 < s.size()) {
      const char b = s[p + 2];
      if ((a == 'l' && b == 'l') || (a == 'v' && b == 'e') || (a == 'r' && b == 'e')) {
        return p + 3;
      }
    }
  }
  //  ?\p{L}+ |  ?\p{N}+ |  ?[^\s\p{L}\p{N}]+
  const size_t q = s[p] == ' ' ? p + 1 : p;
  if (q < s.size()) {
    const unsigned char k = cls(s, q);
    if (k == kHigh) return kAsk;
    if (letter(k)) return run(s, q, kUpper | kLower);
    if (k == kDigit) return run(s, q, kDigit);
    if (other(k)) {
      size_t e = q;
      while (e < s.size() && other(cls(s, e))) ++e;
      return high(s, e) ? kAsk : e;
    }
  }
  return whitespace(s, p, false);
}

}  // namespace

AsciiPattern ascii_pattern_of(std::string_view pattern) {
  if (pattern == kPatO200k) return AsciiPattern::kO200k;
  if (pattern == kPatCl100k) return AsciiPattern::kCl100k;
  if (pattern == kPatQwen2) return AsciiPattern::kCl100kOneDigit;
  if (pattern == kPatR50k || pattern == kPatByteLevel) return AsciiPattern::kGpt2;
  return AsciiPattern::kNone;
}

size_t ascii_match(AsciiPattern p, std::string_view s, size_t pos) {
  if (pos >= s.size() || cls(s, pos) == kHigh) return 0;
  size_t end = kAsk;
  switch (p) {
    case AsciiPattern::kO200k:
      end = o200k(s, pos);
      break;
    case AsciiPattern::kCl100k:
      end = cl100k(s, pos, 3);
      break;
    case AsciiPattern::kCl100kOneDigit:
      end = cl100k(s, pos, 1);
      break;
    case AsciiPattern::kGpt2:
      end = gpt2(s, pos);
      break;
    case AsciiPattern::kNone:
      break;
  }
  return end == kAsk ? 0 : end;
}

}  // namespace aiperf::tokenizer::detail
