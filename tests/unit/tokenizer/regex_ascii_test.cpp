// The hand-written ASCII matchers of the tokenizer patterns (tokenizer/regex_ascii.h) against
// PCRE2 itself: the same pieces for every string, ASCII or not (the matchers hand a position
// over to PCRE2 whenever a byte >= 0x80 decides).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/tokenizer/regex.h"
#include "aiperf/tokenizer/regex_ascii.h"

namespace aiperf::tokenizer::detail {
namespace {

std::vector<std::pair<size_t, size_t>> pieces(const Regex& re, const std::string& s) {
  std::vector<std::pair<size_t, size_t>> out;
  re.find_all(s, out);
  return out;
}

TEST(RegexAscii, EveryKnownPatternIsRecognized) {
  EXPECT_EQ(ascii_pattern_of(kAsciiPatterns[0]), AsciiPattern::kO200k);
  EXPECT_EQ(ascii_pattern_of(kAsciiPatterns[1]), AsciiPattern::kCl100k);
  EXPECT_EQ(ascii_pattern_of(kAsciiPatterns[2]), AsciiPattern::kCl100kOneDigit);
  EXPECT_EQ(ascii_pattern_of(kAsciiPatterns[3]), AsciiPattern::kGpt2);
  EXPECT_EQ(ascii_pattern_of(kAsciiPatterns[4]), AsciiPattern::kGpt2);
  EXPECT_EQ(ascii_pattern_of(R"(\s+|\S+)"), AsciiPattern::kNone);
  // The matchers answer over ASCII and hand anything else over (0).
  EXPECT_EQ(ascii_match(AsciiPattern::kO200k, "Hello world", 0), 5u);
  EXPECT_EQ(ascii_match(AsciiPattern::kO200k, "Hello world", 5), 11u);
  EXPECT_EQ(ascii_match(AsciiPattern::kGpt2, "it's", 2), 4u);
  EXPECT_EQ(ascii_match(AsciiPattern::kO200k, "caf\xc3\xa9", 0), 0u);
}

TEST(RegexAscii, SamePiecesAsPcre2OnHandPickedText) {
  const std::vector<std::string> texts = {
      "Hello world, don't STOP'S now!",
      "HELLOworld HelloWorld ABC. x'LL'Ve 'd",
      "  two spaces\tand\ttabs\r\n\r\n  \n end  ",
      "12345 1234567 x1y22z333 ١٢٣ ²",
      "path/to/file.txt\n// comment\r\n/*x*/",
      "naïve café ſ 's 'ſ 'S 'Re 'rE",
      "emoji 🙂 and 中文 and ǅ ʰ e\u0301",
      "nbsp\u00a0here nel\u0085there  \u00a0 \u2003x",
      "\x01\x02 \x7f\v\f x",
      "'",
      " ",
      "a",
      "A",
      "1",
      "\n",
      " '",
      "''s",
      "a's",
      "A'S'",
      "  ",
  };
  for (const std::string_view p : kAsciiPatterns) {
    const Regex fast(std::string(p), true), pcre(std::string(p), false);
    for (const auto& t : texts) EXPECT_EQ(pieces(fast, t), pieces(pcre, t)) << p << "\n" << t;
  }
}

TEST(RegexAscii, SamePiecesAsPcre2OnRandomText) {
  // An alphabet of every ASCII class the patterns care about and of the non-ASCII characters
  // that could change a match: letters of each case class, marks, numbers, Unicode spaces, and
  // U+017F (caseless 's').
  const std::vector<std::string> alphabet = {
      "a",  "b",      "s",      "t",  "m",      "d", "l", "v", "r",      "e",    "A",  "S",  "L",
      "R",  "E",      "Z",      "0",  "7",      "9", "'", " ", " ",      " ",    "\t", "\n", "\r",
      "\v", "\f",     ".",      ",",  "/",      "(", "-", "_", "\x01",   "\x7f", "é",  "É",  "ſ",
      "²",  "\u00a0", "\u0085", "中", "\u0301", "ǅ", "ʰ", "٣", "\u2003", "🙂"};
  std::mt19937 rng(7);
  size_t compared = 0;
  for (const std::string_view p : kAsciiPatterns) {
    const Regex fast(std::string(p), true), pcre(std::string(p), false);
    for (int n = 0; n < 20000; ++n) {
      std::string t;
      const int len = int(rng() % 16);
      const bool ascii_only = rng() % 2 == 0;
      for (int i = 0; i < len; ++i) {
        const auto& a = alphabet[rng() % (ascii_only ? 36 : alphabet.size())];
        t += a;
      }
      ASSERT_EQ(pieces(fast, t), pieces(pcre, t)) << p << "\n[" << t << "]";
      ++compared;
    }
  }
  EXPECT_EQ(compared, 100000u);
}

// Regex::ascii_lookahead: over ASCII text, cutting a subject anywhere at or past e + 3 keeps
// every piece [s, e) before the cut (what PromptGenerator relies on to check only a prompt's
// last pieces). One byte is not enough ("  x" cut after "  " is one piece of two spaces, not a
// space and " x"), so the test would catch a bound that is too small.
TEST(RegexAscii, APieceIsKeptByAnyCutThreeBytesPastIt) {
  const std::string alphabet = "abstmdlvreASLREZ079' \t\n\r\v\f.,/(-_\x01\x7f";
  std::mt19937 rng(11);
  for (const std::string_view p : kAsciiPatterns) {
    const Regex fast(std::string(p), true), pcre(std::string(p), false);
    ASSERT_EQ(fast.ascii_lookahead(), 3u);
    EXPECT_EQ(pcre.ascii_lookahead(), std::string_view::npos);
    size_t too_short = 0;
    for (int n = 0; n < 4000; ++n) {
      std::string t;
      const int len = int(rng() % 24);
      for (int i = 0; i < len; ++i) t += alphabet[rng() % alphabet.size()];
      for (const Regex* re : {&fast, &pcre}) {
        const auto whole = pieces(*re, t);
        for (size_t cut = 0; cut <= t.size(); ++cut) {
          const auto part = pieces(*re, t.substr(0, cut));
          for (size_t i = 0; i < whole.size() && whole[i].second + 1 <= cut; ++i) {
            const bool kept = i < part.size() && part[i] == whole[i];
            if (whole[i].second + 3 <= cut) {
              ASSERT_TRUE(kept) << p << "\n[" << t << "] cut at " << cut << ", piece " << i;
            } else {
              too_short += !kept;
            }
          }
        }
      }
    }
    EXPECT_GT(too_short, 0u) << p;  // a cut right after a piece can change it
  }
}

}  // namespace
}  // namespace aiperf::tokenizer::detail
