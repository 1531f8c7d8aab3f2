// tokenizer.json pre-tokenizers: ByteLevel, Split, Metaspace, Whitespace, WhitespaceSplit,
// BertPreTokenizer, Punctuation, Digits, CharDelimiterSplit, Sequence.
#include <utf8proc.h>

#include "aiperf/tokenizer/hf_json.h"
#include "aiperf/tokenizer/regex.h"
#include "aiperf/tokenizer/regex_ascii.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer::hf {
namespace {

using Span = Pieces::Span;
using Ranges = std::vector<std::pair<size_t, size_t>>;

enum class Behavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

Behavior parse_behavior(const Json& j, const std::string& path, Behavior dflt) {
  std::string b = str_or(j, "behavior", "");
  if (b.empty()) return dflt;
  if (b == "Removed") return Behavior::kRemoved;
  if (b == "Isolated") return Behavior::kIsolated;
  if (b == "MergedWithPrevious") return Behavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return Behavior::kMergedWithNext;
  if (b == "Contiguous") return Behavior::kContiguous;
  fail(path + ".behavior", "unknown split behavior '" + b + "'");
}

// Splits span `sp` of length n given its match ranges (relative, sorted, disjoint), the way
// NormalizedString::split does: full coverage with is_match flags, then the behavior.
void split_by(const Span& sp, const Ranges& matches, Behavior behavior, bool invert,
              std::vector<Span>& out) {
  struct Part {
    size_t a, b;
    bool m;
  };
  std::vector<Part> parts;
  parts.reserve(matches.size() * 2 + 1);
  size_t prev = 0;
  for (auto [s, e] : matches) {
    if (prev != s) parts.push_back({prev, s, invert});
    parts.push_back({s, e, !invert});
    prev = e;
  }
  if (prev != sp.len) parts.push_back({prev, sp.len, invert});

  auto emit = [&](size_t a, size_t b) {
    if (b <= a) return;
    Span s;
    s.off = sp.off + static_cast<uint32_t>(a);
    s.len = static_cast<uint32_t>(b - a);
    s.origin = sp.origin && a == 0;
    out.push_back(s);
  };
  const size_t n = parts.size();
  switch (behavior) {
    case Behavior::kRemoved:
      for (const Part& p : parts)
        if (!p.m) emit(p.a, p.b);
      break;
    case Behavior::kIsolated:
      for (const Part& p : parts) emit(p.a, p.b);
      break;
    case Behavior::kContiguous:
    case Behavior::kMergedWithPrevious: {
      // A part joins the pending piece when (Contiguous) it has the same flag as the previous
      // part, or (MergedWithPrevious) it is a match that follows a non-match.
      size_t a = 0, b = 0;
      bool pending = false, prev_m = false;
      for (const Part& p : parts) {
        bool join = behavior == Behavior::kContiguous ? p.m == prev_m : (p.m && !prev_m);
        if (join && pending) {
          b = p.b;
        } else {
          if (pending) emit(a, b);
          a = p.a;
          b = p.b;
          pending = true;
        }
        prev_m = p.m;
      }
      if (pending) emit(a, b);
      break;
    }
    case Behavior::kMergedWithNext: {
      // A match joins the following part when that part is not a match.
      size_t a = 0;
      bool open = false;
      for (size_t k = 0; k < n; ++k) {
        if (!open) a = parts[k].a;
        open = parts[k].m && k + 1 < n && !parts[k + 1].m;
        if (!open) emit(a, parts[k].b);
      }
      break;
    }
  }
}

// Runs fn(span_text, span, out) over text spans; added-token spans pass through.
template <class F>
void for_text_spans(Pieces& p, F&& fn) {
  std::vector<Span> out;
  out.reserve(p.spans.size() * 2);
  std::vector<Span> in = std::move(p.spans);
  for (const Span& sp : in) {
    if (sp.id != kNoId) {
      out.push_back(sp);
      continue;
    }
    fn(sp, out);
  }
  p.spans = std::move(out);
}

// Per-character matches of a predicate, as the Fn(char) pattern yields them.
template <class Pred>
void char_matches(std::string_view s, Pred&& pred, Ranges& out) {
  out.clear();
  size_t i = 0;
  while (i < s.size()) {
    size_t at = i;
    char32_t c = detail::next_cp(s, i);
    if (pred(c)) out.emplace_back(at, i);
  }
}

class PredicateSplit final : public PreTokenizer {
 public:
  PredicateSplit(bool (*pred)(char32_t), Behavior b) : pred_(pred), b_(b) {}
  void pre_tokenize(Pieces& p) const override {
    Ranges m;
    for_text_spans(p, [&](const Span& sp, std::vector<Span>& out) {
      char_matches(p.view(sp), pred_, m);
      split_by(sp, m, b_, false, out);
    });
  }

 private:
  bool (*pred_)(char32_t);
  Behavior b_;
};

class RegexSplit final : public PreTokenizer {
 public:
  RegexSplit(std::unique_ptr<detail::Regex> re, std::string literal, Behavior b, bool invert)
      : re_(std::move(re)), literal_(std::move(literal)), b_(b), invert_(invert) {}
  void pre_tokenize(Pieces& p) const override {
    Ranges m;
    for_text_spans(p, [&](const Span& sp, std::vector<Span>& out) {
      std::string_view s = p.view(sp);
      m.clear();
      if (re_) {
        re_->find_all(s, m);
      } else if (!literal_.empty()) {
        for (size_t k = s.find(literal_); k != std::string_view::npos;
             k = s.find(literal_, k + literal_.size()))
          m.emplace_back(k, k + literal_.size());
      }
      split_by(sp, m, b_, invert_, out);
    });
  }
  size_t ascii_lookahead() const override {
    return re_ && b_ == Behavior::kIsolated && !invert_ ? re_->ascii_lookahead()
                                                        : std::string_view::npos;
  }

 private:
  std::unique_ptr<detail::Regex> re_;
  std::string literal_;
  Behavior b_;
  bool invert_;
};

constexpr std::string_view kGpt2Pattern = detail::kPatByteLevel;

class ByteLevelPre final : public PreTokenizer {
 public:
  ByteLevelPre(bool add_prefix_space, bool use_regex) : add_prefix_space_(add_prefix_space) {
    if (use_regex) re_ = std::make_unique<detail::Regex>(std::string(kGpt2Pattern));
  }
  bool byte_level() const override { return true; }
  void pre_tokenize(Pieces& p) const override {
    Ranges m;
    std::string tmp;
    for_text_spans(p, [&](const Span& in, std::vector<Span>& out) {
      Span sp = in;
      if (add_prefix_space_ && (sp.len == 0 || p.buf[sp.off] != ' ')) {
        tmp.assign(1, ' ');
        tmp.append(p.view(sp));
        sp.off = static_cast<uint32_t>(p.buf.size());
        sp.len = static_cast<uint32_t>(tmp.size());
        p.buf += tmp;
      }
      if (!re_) {
        if (sp.len) out.push_back(sp);
        return;
      }
      m.clear();
      re_->find_all(p.view(sp), m);
      split_by(sp, m, Behavior::kIsolated, false, out);
    });
  }
  size_t ascii_lookahead() const override {
    if (add_prefix_space_) return std::string_view::npos;  // it adds a space: not a cut
    return re_ ? re_->ascii_lookahead() : 0;
  }

 private:
  bool add_prefix_space_;
  std::unique_ptr<detail::Regex> re_;
};

enum class Prepend { kAlways, kFirst, kNever };

class MetaspacePre final : public PreTokenizer {
 public:
  MetaspacePre(std::string replacement, Prepend prepend, bool split)
      : rep_(std::move(replacement)), prepend_(prepend), split_(split) {}
  void pre_tokenize(Pieces& p) const override {
    Ranges m;
    std::string tmp;
    for_text_spans(p, [&](const Span& in, std::vector<Span>& out) {
      std::string_view s = p.view(in);
      tmp.clear();
      for (char c : s) {
        if (c == ' ')
          tmp += rep_;
        else
          tmp.push_back(c);
      }
      bool starts = tmp.compare(0, rep_.size(), rep_) == 0;
      if (!starts && (prepend_ == Prepend::kAlways || (prepend_ == Prepend::kFirst && in.origin)))
        tmp.insert(0, rep_);
      Span sp = in;
      sp.off = static_cast<uint32_t>(p.buf.size());
      sp.len = static_cast<uint32_t>(tmp.size());
      p.buf += tmp;
      if (!split_) {
        if (sp.len) out.push_back(sp);
        return;
      }
      m.clear();
      std::string_view t = p.view(sp);
      for (size_t k = t.find(rep_); k != std::string_view::npos; k = t.find(rep_, k + rep_.size()))
        m.emplace_back(k, k + rep_.size());
      split_by(sp, m, Behavior::kMergedWithNext, false, out);
    });
  }

 private:
  std::string rep_;
  Prepend prepend_;
  bool split_;
};

// Whitespace: \w+|[^\w\s]+ (Rust regex, Unicode \w), keeping the matches.
bool is_word_char(char32_t c) {
  if (c < 0x80)
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  if (c == 0x200C || c == 0x200D) return true;
  switch (utf8proc_category(static_cast<int32_t>(c))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_PC:
      return true;
    default:
      return false;
  }
}

class WhitespacePre final : public PreTokenizer {
 public:
  void pre_tokenize(Pieces& p) const override {
    for_text_spans(p, [&](const Span& sp, std::vector<Span>& out) {
      std::string_view s = p.view(sp);
      size_t i = 0;
      int run = 0;  // 0 none, 1 word, 2 other
      size_t run_start = 0;
      auto flush = [&](size_t end) {
        if (run && end > run_start) {
          Span o;
          o.off = sp.off + static_cast<uint32_t>(run_start);
          o.len = static_cast<uint32_t>(end - run_start);
          o.origin = sp.origin && run_start == 0;
          out.push_back(o);
        }
      };
      while (i < s.size()) {
        size_t at = i;
        char32_t c = detail::next_cp(s, i);
        int kind = is_word_char(c) ? 1 : is_whitespace(c) ? 0 : 2;
        if (kind != run) {
          flush(at);
          run = kind;
          run_start = at;
        }
      }
      flush(s.size());
    });
  }
};

class SequencePre final : public PreTokenizer {
 public:
  std::vector<std::unique_ptr<PreTokenizer>> parts;
  void pre_tokenize(Pieces& p) const override {
    for (const auto& part : parts) part->pre_tokenize(p);
  }
  bool byte_level() const override {
    for (const auto& part : parts)
      if (part->byte_level()) return true;
    return false;
  }
  size_t ascii_lookahead() const override {
    // Pieces cut again by a second regex could change where the first one's pieces do not.
    size_t one = 0;
    for (const auto& part : parts) {
      const size_t l = part->ascii_lookahead();
      if (l == std::string_view::npos || (l != 0 && one != 0)) return std::string_view::npos;
      if (l != 0) one = l;
    }
    return one;
  }
};

bool is_numeric(char32_t c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  auto cat = utf8proc_category(static_cast<int32_t>(c));
  return cat == UTF8PROC_CATEGORY_ND || cat == UTF8PROC_CATEGORY_NL || cat == UTF8PROC_CATEGORY_NO;
}

class BertPre final : public PreTokenizer {
 public:
  void pre_tokenize(Pieces& p) const override {
    ws_.pre_tokenize(p);
    punct_.pre_tokenize(p);
  }

 private:
  PredicateSplit ws_{is_whitespace, Behavior::kRemoved};
  PredicateSplit punct_{is_punctuation, Behavior::kIsolated};
};

class CharDelimiterPre final : public PreTokenizer {
 public:
  explicit CharDelimiterPre(std::string d) : d_(std::move(d)) {}
  void pre_tokenize(Pieces& p) const override {
    Ranges m;
    for_text_spans(p, [&](const Span& sp, std::vector<Span>& out) {
      std::string_view s = p.view(sp);
      m.clear();
      for (size_t k = s.find(d_); k != std::string_view::npos; k = s.find(d_, k + d_.size()))
        m.emplace_back(k, k + d_.size());
      split_by(sp, m, Behavior::kRemoved, false, out);
    });
  }

 private:
  std::string d_;
};

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  std::string type = str_field(j, "type", path);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequencePre>();
    const Json& list = field(j, "pretokenizers", path);
    for (size_t i = 0; i < list.size(); ++i)
      if (auto p = make_pre_tokenizer(list[i], path + ".pretokenizers[" + std::to_string(i) + "]"))
        seq->parts.push_back(std::move(p));
    return seq;
  }
  if (type == "ByteLevel")
    return std::make_unique<ByteLevelPre>(bool_or(j, "add_prefix_space", true),
                                          bool_or(j, "use_regex", true));
  if (type == "Split") {
    const Json& pat = field(j, "pattern", path);
    Behavior b = parse_behavior(j, path, Behavior::kRemoved);
    bool invert = bool_or(j, "invert", false);
    if (pat.contains("String"))
      return std::make_unique<RegexSplit>(nullptr, pat["String"].get<std::string>(), b, invert);
    if (pat.contains("Regex")) {
      try {
        return std::make_unique<RegexSplit>(
            std::make_unique<detail::Regex>(pat["Regex"].get<std::string>()), "", b, invert);
      } catch (const std::runtime_error& e) {
        fail(path + ".pattern.Regex", e.what());
      }
    }
    fail(path + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
  }
  if (type == "Metaspace") {
    std::string rep = str_or(j, "replacement", "\xE2\x96\x81");
    Prepend prepend = Prepend::kAlways;
    std::string scheme = str_or(j, "prepend_scheme", "");
    if (scheme == "first")
      prepend = Prepend::kFirst;
    else if (scheme == "never")
      prepend = Prepend::kNever;
    else if (scheme.empty() && !bool_or(j, "add_prefix_space", true))
      prepend = Prepend::kNever;
    return std::make_unique<MetaspacePre>(rep, prepend, bool_or(j, "split", true));
  }
  if (type == "Whitespace") return std::make_unique<WhitespacePre>();
  if (type == "WhitespaceSplit")
    return std::make_unique<PredicateSplit>(is_whitespace, Behavior::kRemoved);
  if (type == "BertPreTokenizer") return std::make_unique<BertPre>();
  if (type == "Punctuation")
    return std::make_unique<PredicateSplit>(is_punctuation,
                                            parse_behavior(j, path, Behavior::kIsolated));
  if (type == "Digits")
    return std::make_unique<PredicateSplit>(is_numeric, bool_or(j, "individual_digits", false)
                                                            ? Behavior::kIsolated
                                                            : Behavior::kContiguous);
  if (type == "CharDelimiterSplit")
    return std::make_unique<CharDelimiterPre>(str_field(j, "delimiter", path));
  fail(path + ".type", "unsupported pre-tokenizer '" + type + "'");
}

}  // namespace aiperf::tokenizer::hf
