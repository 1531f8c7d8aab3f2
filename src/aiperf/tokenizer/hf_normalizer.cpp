// tokenizer.json normalizers: NFC/NFD/NFKC/NFKD, Lowercase, Strip, StripAccents, Replace,
// Prepend, BertNormalizer, Precompiled (SentencePiece charsmap), Sequence.
#include <utf8proc.h>

#include <cstdlib>
#include <cstring>

#include "aiperf/tokenizer/hf_json.h"
#include "aiperf/tokenizer/regex.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer::hf {
namespace {

std::string utf8proc_apply(std::string_view s, int options) {
  if (s.empty()) return {};
  utf8proc_uint8_t* dst = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                    static_cast<utf8proc_ssize_t>(s.size()), &dst,
                                    static_cast<utf8proc_option_t>(options | UTF8PROC_STABLE));
  if (n < 0) return std::string(s);
  std::string out(reinterpret_cast<char*>(dst), static_cast<size_t>(n));
  std::free(dst);
  return out;
}

void lowercase(std::string& s) {
  if (detail::is_ascii(s)) {
    for (char& c : s)
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return;
  }
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    char32_t c = detail::next_cp(s, i);
    if (c == 0x130) {  // the one unconditional multi-char lowercase mapping
      out += "i\xCC\x87";
      continue;
    }
    detail::append_utf8(out, static_cast<char32_t>(utf8proc_tolower(static_cast<int32_t>(c))));
  }
  s = std::move(out);
}

void strip_marks(std::string& s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t at = i;
    char32_t c = detail::next_cp(s, i);
    if (utf8proc_category(static_cast<int32_t>(c)) == UTF8PROC_CATEGORY_MN) continue;
    out.append(s, at, i - at);
  }
  s = std::move(out);
}

class FnNormalizer final : public Normalizer {
 public:
  explicit FnNormalizer(void (*fn)(std::string&), bool keeps_ascii = false)
      : fn_(fn), keeps_ascii_(keeps_ascii) {}
  void normalize(std::string& s) const override { fn_(s); }
  bool keeps_ascii() const override { return keeps_ascii_; }

 private:
  void (*fn_)(std::string&);
  bool keeps_ascii_;
};

class SequenceNormalizer final : public Normalizer {
 public:
  std::vector<std::unique_ptr<Normalizer>> parts;
  void normalize(std::string& s) const override {
    for (const auto& p : parts) p->normalize(s);
  }
  bool keeps_ascii() const override {
    for (const auto& p : parts)
      if (!p->keeps_ascii()) return false;
    return true;
  }
};

class StripNormalizer final : public Normalizer {
 public:
  StripNormalizer(bool left, bool right) : left_(left), right_(right) {}
  void normalize(std::string& s) const override {
    size_t b = 0, e = s.size();
    if (left_) {
      while (b < e) {
        size_t i = b;
        if (!is_whitespace(detail::next_cp(s, i))) break;
        b = i;
      }
    }
    if (right_) {
      while (e > b) {
        size_t st = e - 1;
        while (st > b && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
        size_t i = st;
        if (!is_whitespace(detail::next_cp(s, i))) break;
        e = st;
      }
    }
    s = s.substr(b, e - b);
  }

 private:
  bool left_, right_;
};

class ReplaceNormalizer final : public Normalizer {
 public:
  ReplaceNormalizer(std::string literal, std::unique_ptr<detail::Regex> re, std::string content)
      : literal_(std::move(literal)), re_(std::move(re)), content_(std::move(content)) {}
  void normalize(std::string& s) const override {
    std::string out;
    size_t last = 0;
    auto emit = [&](size_t a, size_t b) {
      out.append(s, last, a - last);
      out += content_;
      last = b;
    };
    if (re_) {
      re_->for_each(s, emit);
    } else if (!literal_.empty()) {
      for (size_t p = s.find(literal_); p != std::string::npos; p = s.find(literal_, last))
        emit(p, p + literal_.size());
    }
    out.append(s, last, std::string::npos);
    s = std::move(out);
  }

 private:
  std::string literal_;
  std::unique_ptr<detail::Regex> re_;
  std::string content_;
};

class PrependNormalizer final : public Normalizer {
 public:
  explicit PrependNormalizer(std::string p) : p_(std::move(p)) {}
  void normalize(std::string& s) const override {
    if (!s.empty()) s = p_ + s;
  }

 private:
  std::string p_;
};

bool is_chinese_char(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0x20000 && c <= 0x2A6DF) || (c >= 0x2A700 && c <= 0x2B73F) ||
         (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

bool is_other(char32_t c) {
  switch (utf8proc_category(static_cast<int32_t>(c))) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CS:
      return true;
    default:
      return false;
  }
}

class BertNormalizer final : public Normalizer {
 public:
  BertNormalizer(bool clean, bool chinese, bool strip, bool lower)
      : clean_(clean), chinese_(chinese), strip_(strip), lower_(lower) {}
  void normalize(std::string& s) const override {
    if (clean_ || chinese_) {
      std::string out;
      out.reserve(s.size() + 8);
      size_t i = 0;
      while (i < s.size()) {
        size_t at = i;
        char32_t c = detail::next_cp(s, i);
        if (clean_) {
          // Controls go first (even \v and \f, which are also whitespace); then whitespace.
          bool tnr = c == '\t' || c == '\n' || c == '\r';
          if (c == 0 || c == 0xFFFD || (!tnr && is_other(c))) continue;
          if (tnr || is_whitespace(c)) {
            out.push_back(' ');
            continue;
          }
        }
        if (chinese_ && is_chinese_char(c)) {
          out.push_back(' ');
          out.append(s, at, i - at);
          out.push_back(' ');
          continue;
        }
        out.append(s, at, i - at);
      }
      s = std::move(out);
    }
    if (strip_ && !detail::is_ascii(s)) {
      s = nfd(s);
      strip_marks(s);
    }
    if (lower_) lowercase(s);
  }

 private:
  bool clean_, chinese_, strip_, lower_;
};

// SentencePiece precompiled charsmap: a darts-clone double array over UTF-8 keys whose values
// index NUL-terminated replacement strings. HF takes the first (shortest) prefix match.
class PrecompiledNormalizer final : public Normalizer {
 public:
  PrecompiledNormalizer(const std::string& b64, const std::string& path) {
    std::string raw;
    if (!detail::base64_decode(b64, raw) || raw.size() < 4)
      fail(path + ".precompiled_charsmap", "not valid base64");
    uint32_t trie_size;
    std::memcpy(&trie_size, raw.data(), 4);
    if (trie_size % 4 != 0 || 4 + static_cast<size_t>(trie_size) > raw.size())
      fail(path + ".precompiled_charsmap", "truncated");
    units_.resize(trie_size / 4);
    std::memcpy(units_.data(), raw.data() + 4, trie_size);
    normalized_ = raw.substr(4 + trie_size);
  }

  void normalize(std::string& s) const override {
    if (units_.empty()) return;
    std::string out;
    out.reserve(s.size());
    bool modified = false;
    size_t i = 0;
    int32_t state = 0;
    while (i < s.size()) {
      // One extended grapheme cluster [i, g).
      size_t g = i;
      char32_t prev = detail::next_cp(s, g);
      state = 0;
      while (g < s.size()) {
        size_t k = g;
        char32_t c = detail::next_cp(s, k);
        if (utf8proc_grapheme_break_stateful(static_cast<int32_t>(prev), static_cast<int32_t>(c),
                                             &state))
          break;
        prev = c;
        g = k;
      }
      std::string_view grapheme(s.data() + i, g - i);
      std::string_view norm;
      if (grapheme.size() < 6 && transform(grapheme, norm)) {
        out.append(norm);
        modified = true;
      } else {
        size_t k = 0;
        while (k < grapheme.size()) {
          size_t st = k;
          detail::next_cp(grapheme, k);
          std::string_view ch = grapheme.substr(st, k - st);
          if (transform(ch, norm)) {
            out.append(norm);
            modified = true;
          } else {
            out.append(ch);
          }
        }
      }
      i = g;
    }
    if (modified) s = std::move(out);
  }

 private:
  bool transform(std::string_view chunk, std::string_view& out) const {
    size_t pos = 0;
    uint32_t unit = units_[0];
    pos ^= offset(unit);
    for (unsigned char c : chunk) {
      if (c == 0) break;
      pos ^= c;
      if (pos >= units_.size()) return false;
      unit = units_[pos];
      if (label(unit) != c) return false;
      pos ^= offset(unit);
      if (has_leaf(unit)) {
        if (pos >= units_.size()) return false;
        size_t v = value(units_[pos]);
        if (v >= normalized_.size()) return false;
        size_t e = normalized_.find('\0', v);
        if (e == std::string::npos) e = normalized_.size();
        out = std::string_view(normalized_.data() + v, e - v);
        return true;
      }
    }
    return false;
  }
  static bool has_leaf(uint32_t u) { return (u >> 8) & 1; }
  static size_t value(uint32_t u) { return u & ((1u << 31) - 1); }
  static uint32_t label(uint32_t u) { return u & ((1u << 31) | 0xFF); }
  static size_t offset(uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); }

  std::vector<uint32_t> units_;
  std::string normalized_;
};

}  // namespace

bool is_whitespace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000;
}

bool is_punctuation(char32_t c) {
  if (c < 0x80)
    return (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) ||
           (c >= 123 && c <= 126);
  switch (utf8proc_category(static_cast<int32_t>(c))) {
    case UTF8PROC_CATEGORY_PC:
    case UTF8PROC_CATEGORY_PD:
    case UTF8PROC_CATEGORY_PS:
    case UTF8PROC_CATEGORY_PE:
    case UTF8PROC_CATEGORY_PI:
    case UTF8PROC_CATEGORY_PF:
    case UTF8PROC_CATEGORY_PO:
      return true;
    default:
      return false;
  }
}

std::string nfc(std::string_view s) {
  // Code points below U+0300 are NFC-stable and never compose with a neighbour that is also
  // below U+0300; their UTF-8 lead bytes are all below 0xCC.
  for (unsigned char c : s)
    if (c >= 0xCC) return utf8proc_apply(s, UTF8PROC_COMPOSE);
  return std::string(s);
}
std::string nfd(std::string_view s) {
  return detail::is_ascii(s) ? std::string(s) : utf8proc_apply(s, UTF8PROC_DECOMPOSE);
}
std::string nfkc(std::string_view s) {
  return detail::is_ascii(s) ? std::string(s)
                             : utf8proc_apply(s, UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
}
std::string nfkd(std::string_view s) {
  return detail::is_ascii(s) ? std::string(s)
                             : utf8proc_apply(s, UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
}

std::unique_ptr<Normalizer> make_normalizer(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  std::string type = str_field(j, "type", path);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequenceNormalizer>();
    const Json& list = field(j, "normalizers", path);
    for (size_t i = 0; i < list.size(); ++i)
      if (auto n = make_normalizer(list[i], path + ".normalizers[" + std::to_string(i) + "]"))
        seq->parts.push_back(std::move(n));
    return seq;
  }
  if (type == "NFC")
    return std::make_unique<FnNormalizer>([](std::string& s) { s = nfc(s); }, true);
  if (type == "NFD")
    return std::make_unique<FnNormalizer>([](std::string& s) { s = nfd(s); }, true);
  if (type == "NFKC")
    return std::make_unique<FnNormalizer>([](std::string& s) { s = nfkc(s); }, true);
  if (type == "NFKD")
    return std::make_unique<FnNormalizer>([](std::string& s) { s = nfkd(s); }, true);
  if (type == "Lowercase") return std::make_unique<FnNormalizer>(lowercase);
  if (type == "StripAccents") return std::make_unique<FnNormalizer>(strip_marks);
  if (type == "Strip")
    return std::make_unique<StripNormalizer>(bool_or(j, "strip_left", true),
                                             bool_or(j, "strip_right", true));
  if (type == "Prepend") return std::make_unique<PrependNormalizer>(str_field(j, "prepend", path));
  if (type == "Replace") {
    const Json& pat = field(j, "pattern", path);
    std::string content = str_field(j, "content", path);
    if (pat.contains("String"))
      return std::make_unique<ReplaceNormalizer>(pat["String"].get<std::string>(), nullptr,
                                                 content);
    if (pat.contains("Regex")) {
      try {
        return std::make_unique<ReplaceNormalizer>(
            "", std::make_unique<detail::Regex>(pat["Regex"].get<std::string>()), content);
      } catch (const std::runtime_error& e) {
        fail(path + ".pattern.Regex", e.what());
      }
    }
    fail(path + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
  }
  if (type == "BertNormalizer") {
    bool lower = bool_or(j, "lowercase", true);
    bool strip = lower;
    if (const Json* sa = opt(j, "strip_accents")) strip = sa->get<bool>();
    return std::make_unique<BertNormalizer>(bool_or(j, "clean_text", true),
                                            bool_or(j, "handle_chinese_chars", true), strip, lower);
  }
  if (type == "Precompiled") {
    const Json* cm = opt(j, "precompiled_charsmap");
    if (!cm) return nullptr;  // an empty charsmap normalizes nothing
    return std::make_unique<PrecompiledNormalizer>(cm->get<std::string>(), path);
  }
  fail(path + ".type", "unsupported normalizer '" + type + "'");
}

}  // namespace aiperf::tokenizer::hf
