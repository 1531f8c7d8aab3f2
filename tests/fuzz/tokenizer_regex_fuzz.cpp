// libFuzzer target: the tokenizer patterns' hand-written ASCII matchers (tokenizer/regex_ascii.h)
// against PCRE2 on any UTF-8 text. Oracle: for each known pattern, the pieces with the fast
// path are exactly PCRE2's (a difference traps); inputs that are not UTF-8 are skipped, as the
// tokenizers never pass such text to the regex.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/tokenizer/regex.h"
#include "aiperf/tokenizer/utf8.h"

namespace {

using aiperf::tokenizer::detail::Regex;

const char* kPatterns[] = {
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)",
    R"('(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)",
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)",
};

struct Pair {
  Regex fast, pcre;
  explicit Pair(const char* p) : fast(p, true), pcre(p, false) {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Pair p0(kPatterns[0]), p1(kPatterns[1]), p2(kPatterns[2]), p3(kPatterns[3]),
      p4(kPatterns[4]);
  static const Pair* pairs[] = {&p0, &p1, &p2, &p3, &p4};
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (aiperf::tokenizer::detail::valid_utf8_prefix(text) != text.size()) return 0;
  std::vector<std::pair<size_t, size_t>> a, b;
  for (const Pair* p : pairs) {
    a.clear();
    b.clear();
    p->fast.find_all(text, a);
    p->pcre.find_all(text, b);
    if (a != b) __builtin_trap();
  }
  return 0;
}
