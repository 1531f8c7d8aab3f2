#include "aiperf/tokenizer/hf_fast_json.h"

#include <cstring>
#include <string_view>

#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer::hf {
namespace {

// A forward-only scanner over JSON text; every method returns false on malformed input.
class Scanner {
 public:
  explicit Scanner(std::string_view s) : s_(s) {}
  size_t pos = 0;

  void ws() {
    while (pos < s_.size() &&
           (s_[pos] == ' ' || s_[pos] == '\n' || s_[pos] == '\r' || s_[pos] == '\t'))
      ++pos;
  }
  bool peek(char c) {
    ws();
    return pos < s_.size() && s_[pos] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos;
    return true;
  }

  bool string(std::string& out) {
    out.clear();
    if (!eat('"')) return false;
    while (pos < s_.size()) {
      // Copy the run up to the next quote or backslash in one go.
      size_t run = pos;
      while (run < s_.size() && s_[run] != '"' && s_[run] != '\\') ++run;
      out.append(s_.data() + pos, run - pos);
      pos = run;
      if (pos >= s_.size()) return false;
      if (s_[pos] == '"') {
        ++pos;
        return true;
      }
      if (++pos >= s_.size()) return false;
      char e = s_[pos++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (pos + 1 < s_.size() && s_[pos] == '\\' && s_[pos + 1] == 'u') {
              pos += 2;
              if (!hex4(lo) || lo < 0xDC00 || lo > 0xDFFF) return false;
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              return false;  // lone surrogate: let the full parser decide
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return false;
          }
          detail::append_utf8(out, cp);
          break;
        }
        default:
          return false;
      }
    }
    return false;
  }

  bool uint(uint32_t& v) {
    ws();
    size_t start = pos;
    uint64_t acc = 0;
    while (pos < s_.size() && s_[pos] >= '0' && s_[pos] <= '9') {
      acc = acc * 10 + static_cast<uint64_t>(s_[pos] - '0');
      if (acc > UINT32_MAX) return false;
      ++pos;
    }
    if (pos == start) return false;
    if (pos < s_.size() && (s_[pos] == '.' || s_[pos] == 'e' || s_[pos] == 'E')) return false;
    v = static_cast<uint32_t>(acc);
    return true;
  }

  // Skips any value (string, number, literal, object, array).
  bool skip_value() {
    ws();
    if (pos >= s_.size()) return false;
    char c = s_[pos];
    if (c == '"') return skip_string();
    if (c == '{' || c == '[') {
      int depth = 0;
      while (pos < s_.size()) {
        char d = s_[pos];
        if (d == '"') {
          if (!skip_string()) return false;
          continue;
        }
        if (d == '{' || d == '[') ++depth;
        if (d == '}' || d == ']') {
          if (--depth == 0) {
            ++pos;
            return true;
          }
        }
        ++pos;
      }
      return false;
    }
    while (pos < s_.size() && s_[pos] != ',' && s_[pos] != '}' && s_[pos] != ']' &&
           s_[pos] != ' ' && s_[pos] != '\n' && s_[pos] != '\r' && s_[pos] != '\t')
      ++pos;
    return true;
  }

 private:
  bool skip_string() {
    ++pos;  // opening quote
    while (pos < s_.size()) {
      const void* q = std::memchr(s_.data() + pos, '"', s_.size() - pos);
      if (!q) return false;
      size_t qp = static_cast<const char*>(q) - s_.data();
      size_t bs = 0;
      while (qp - bs > pos && s_[qp - bs - 1] == '\\') ++bs;
      pos = qp + 1;
      if (bs % 2 == 0) return true;
    }
    return false;
  }
  bool hex4(uint32_t& v) {
    if (pos + 4 > s_.size()) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos++];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= static_cast<uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= static_cast<uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        v |= static_cast<uint32_t>(c - 'A' + 10);
      else
        return false;
    }
    return true;
  }
  std::string_view s_;
};

bool parse_vocab(Scanner& sc, ModelTables& out) {
  if (!sc.eat('{')) return false;
  out.vocab.reserve(1 << 16);
  if (sc.eat('}')) return true;
  std::string key;
  do {
    uint32_t id;
    if (!sc.string(key) || !sc.eat(':') || !sc.uint(id)) return false;
    out.vocab.emplace_back(key, id);
  } while (sc.eat(','));
  return sc.eat('}');
}

bool parse_merges(Scanner& sc, ModelTables& out) {
  if (!sc.eat('[')) return false;
  out.merges.reserve(1 << 16);
  if (sc.eat(']')) return true;
  std::string a, b;
  do {
    if (sc.peek('"')) {
      if (!sc.string(a)) return false;
      size_t sp = a.find(' ');
      if (sp == std::string::npos || a.find(' ', sp + 1) != std::string::npos) {
        if (!out.merges_bad) out.bad_merge = out.merges.size();
        out.merges_bad = true;
        out.merges.emplace_back(a, "");
      } else {
        out.merges.emplace_back(a.substr(0, sp), a.substr(sp + 1));
      }
    } else {
      if (!sc.eat('[') || !sc.string(a) || !sc.eat(',') || !sc.string(b) || !sc.eat(']'))
        return false;
      out.merges.emplace_back(a, b);
    }
  } while (sc.eat(','));
  return sc.eat(']');
}

}  // namespace

bool extract_model_tables(std::string& json, ModelTables& out) {
  Scanner sc(json);
  std::pair<size_t, size_t> vocab_range{0, 0}, merges_range{0, 0};
  std::string key;
  if (!sc.eat('{')) return false;
  if (sc.eat('}')) return false;
  do {
    if (!sc.string(key) || !sc.eat(':')) return false;
    if (key != "model" || !sc.peek('{')) {
      if (!sc.skip_value()) return false;
      continue;
    }
    sc.eat('{');
    if (sc.eat('}')) continue;
    do {
      if (!sc.string(key) || !sc.eat(':')) return false;
      sc.ws();
      size_t start = sc.pos;
      if (key == "vocab" && sc.peek('{')) {
        if (!parse_vocab(sc, out)) return false;
        out.has_vocab = true;
        vocab_range = {start, sc.pos};
      } else if (key == "merges" && sc.peek('[')) {
        if (!parse_merges(sc, out)) return false;
        out.has_merges = true;
        merges_range = {start, sc.pos};
      } else if (!sc.skip_value()) {
        return false;
      }
    } while (sc.eat(','));
    if (!sc.eat('}')) return false;
  } while (sc.eat(','));
  if (!sc.eat('}')) return false;
  // Blank the extracted values in place (later range first so offsets stay valid).
  auto blank = [&](std::pair<size_t, size_t> r, const char* empty) {
    if (r.second <= r.first) return;
    json.replace(r.first, r.second - r.first, empty);
  };
  if (merges_range.first > vocab_range.first) {
    blank(merges_range, "[]");
    blank(vocab_range, "{}");
  } else {
    blank(vocab_range, "{}");
    blank(merges_range, "[]");
  }
  return true;
}

}  // namespace aiperf::tokenizer::hf
