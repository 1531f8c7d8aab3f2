// PCRE2 (UTF + UCP, JIT-compiled) for the pre-tokenizer patterns. A compiled Regex is immutable
// and shared by all threads; each thread keeps its own match data and JIT stack.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aiperf::tokenizer::detail {

class Regex {
 public:
  /// Compiles `pattern` (Oniguruma / fancy-regex syntax as used by tokenizer.json and tiktoken).
  /// Throws std::runtime_error with PCRE2's message on a bad pattern.
  /// `ascii_fast_path`: known tokenizer patterns are matched by hand over ASCII text
  /// (regex_ascii.h); false is for the tests that compare the two.
  explicit Regex(const std::string& pattern, bool ascii_fast_path = true);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  /// Never throws: if PCRE2 hits a resource limit, the rest of the subject is one match.
  /// Appends the [start, end) byte ranges of all non-overlapping matches in `subject` (which must
  /// be valid UTF-8) to `out`, as pairs. Empty matches are skipped.
  void find_all(std::string_view subject, std::vector<std::pair<size_t, size_t>>& out) const;

  /// Calls fn(start, end) for every non-empty match, left to right.
  template <class F>
  void for_each(std::string_view subject, F&& fn) const {
    size_t pos = 0;
    size_t s, e;
    while (next(subject, pos, s, e)) {
      fn(s, e);
    }
  }

  const std::string& pattern() const { return pattern_; }

  /// How far past a match its bytes can change it, over ASCII subjects of a pattern with an
  /// ASCII matcher (regex_ascii.h): a match [s, e) of such a subject is the match at s of any
  /// subject with the same bytes at [s, e + 3). The matchers decide a match by at most the two
  /// bytes after it (a contraction's "'re"; a run, a digit group or a look-ahead: one), and a
  /// subject's end is only seen there (tests/unit/tokenizer/regex_ascii_test.cpp checks every
  /// cut). npos without an ASCII matcher.
  size_t ascii_lookahead() const { return ascii_ ? 3 : std::string_view::npos; }

 private:
  // Finds the next non-empty match at or after `pos`; sets pos past it.
  bool next(std::string_view subject, size_t& pos, size_t& s, size_t& e) const;
  std::string pattern_;
  void* code_ = nullptr;  // pcre2_code_8*
  bool jit_ = false;
  int ascii_ = 0;  // AsciiPattern
};

}  // namespace aiperf::tokenizer::detail
