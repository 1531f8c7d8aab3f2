#define PCRE2_CODE_UNIT_WIDTH 8
#include "aiperf/tokenizer/regex.h"

#include <pcre2.h>

#include <stdexcept>

#include "aiperf/tokenizer/regex_ascii.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer::detail {
namespace {

// Per-thread match state: PCRE2 match data and JIT stack are not thread-safe, the compiled code is.
struct Scratch {
  pcre2_match_data* md = nullptr;
  pcre2_match_context* mc = nullptr;
  pcre2_jit_stack* stack = nullptr;
  Scratch() {
    md = pcre2_match_data_create(32, nullptr);
    mc = pcre2_match_context_create(nullptr);
    stack = pcre2_jit_stack_create(32 * 1024, 16 * 1024 * 1024, nullptr);
    if (stack && mc) pcre2_jit_stack_assign(mc, nullptr, stack);
  }
  ~Scratch() {
    pcre2_match_data_free(md);
    pcre2_match_context_free(mc);
    if (stack) pcre2_jit_stack_free(stack);
  }
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

}  // namespace

Regex::Regex(const std::string& pattern, bool ascii_fast_path) : pattern_(pattern) {
  if (ascii_fast_path) ascii_ = int(ascii_pattern_of(pattern));
  int err = 0;
  PCRE2_SIZE err_off = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP, &err, &err_off, nullptr);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    throw std::runtime_error("bad regex at offset " + std::to_string(err_off) + ": " +
                             reinterpret_cast<const char*>(msg));
  }
  jit_ = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  code_ = code;
}

Regex::~Regex() {
  pcre2_code_free(static_cast<pcre2_code*>(code_));
}

bool Regex::next(std::string_view subject, size_t& pos, size_t& s, size_t& e) const {
  if (ascii_ && pos < subject.size()) {
    if (const size_t end = ascii_match(AsciiPattern(ascii_), subject, pos)) {
      s = pos;
      e = end;
      pos = end;
      return true;
    }
  }
  Scratch& sc = scratch();  // after the fast path: a thread-local's guard costs per piece
  auto code = static_cast<const pcre2_code*>(code_);
  auto subj = reinterpret_cast<PCRE2_SPTR>(subject.data());
  while (pos < subject.size()) {
    int rc = jit_ ? pcre2_jit_match(code, subj, subject.size(), pos, 0, sc.md, sc.mc)
                  : pcre2_match(code, subj, subject.size(), pos, PCRE2_NO_UTF_CHECK, sc.md, sc.mc);
    if (rc < 0 && rc != PCRE2_ERROR_NOMATCH && jit_)  // e.g. JIT stack exhausted: interpret
      rc = pcre2_match(code, subj, subject.size(), pos, PCRE2_NO_UTF_CHECK, sc.md, sc.mc);
    if (rc == PCRE2_ERROR_NOMATCH) return false;
    if (rc < 0) {
      // Resource limits on pathological input: never throw on the hot path; the rest of the
      // subject becomes one piece (the model still tokenizes it exactly, only the split differs).
      s = pos;
      e = subject.size();
      pos = e;
      return true;
    }
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(sc.md);
    s = ov[0];
    e = ov[1];
    if (e > s) {
      pos = e;
      return true;
    }
    // Empty match: step over one character and try again.
    pos = s + utf8_len(static_cast<unsigned char>(subject[s]));
  }
  return false;
}

void Regex::find_all(std::string_view subject, std::vector<std::pair<size_t, size_t>>& out) const {
  for_each(subject, [&](size_t s, size_t e) { out.emplace_back(s, e); });
}

}  // namespace aiperf::tokenizer::detail
