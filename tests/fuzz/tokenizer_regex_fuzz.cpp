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
#include "aiperf/tokenizer/regex_ascii.h"
#include "aiperf/tokenizer/utf8.h"

namespace {

using aiperf::tokenizer::detail::kAsciiPatterns;
using aiperf::tokenizer::detail::Regex;

struct Pair {
  Regex fast, pcre;
  explicit Pair(std::string_view p) : fast(std::string(p), true), pcre(std::string(p), false) {}
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Pair p0(kAsciiPatterns[0]), p1(kAsciiPatterns[1]), p2(kAsciiPatterns[2]),
      p3(kAsciiPatterns[3]), p4(kAsciiPatterns[4]);
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
