// tokenizer.json decoders (ByteLevel, Metaspace, WordPiece, BPEDecoder, Replace, ByteFallback,
// Fuse, Strip, Sequence) and post-processors (TemplateProcessing, BertProcessing,
// RobertaProcessing, ByteLevel, Sequence).
#include "aiperf/tokenizer/hf_json.h"
#include "aiperf/tokenizer/regex.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer::hf {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  std::string out;
  size_t last = 0;
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, last)) {
    out.append(s, last, p - last);
    out.append(to);
    last = p + from.size();
  }
  if (last == 0) return;
  out.append(s, last, std::string::npos);
  s = std::move(out);
}

class ByteLevelDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string bytes;
    for (const std::string& t : tokens) {
      size_t mark = bytes.size();
      size_t i = 0;
      bool ok = true;
      while (i < t.size()) {
        int b = detail::unicode_to_byte(detail::next_cp(t, i));
        if (b < 0) {
          ok = false;
          break;
        }
        bytes.push_back(static_cast<char>(b));
      }
      if (!ok) {
        bytes.resize(mark);
        bytes += t;
      }
    }
    tokens.assign(1, detail::utf8_lossy(bytes));
  }
};

class MetaspaceDecoder final : public Decoder {
 public:
  MetaspaceDecoder(std::string rep, bool prepend) : rep_(std::move(rep)), prepend_(prepend) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i)
      replace_all(tokens[i], rep_, i == 0 && prepend_ ? "" : " ");
  }

 private:
  std::string rep_;
  bool prepend_;
};

class WordPieceDecoder final : public Decoder {
 public:
  WordPieceDecoder(std::string prefix, bool cleanup)
      : prefix_(std::move(prefix)), cleanup_(cleanup) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i) {
      std::string& t = tokens[i];
      if (i != 0) {
        if (t.compare(0, prefix_.size(), prefix_) == 0)
          t.erase(0, prefix_.size());
        else
          t = " " + t;
      }
      if (cleanup_) cleanup(t);
    }
  }
  static void cleanup(std::string& s) {
    replace_all(s, " .", ".");
    replace_all(s, " ?", "?");
    replace_all(s, " !", "!");
    replace_all(s, " ,", ",");
    replace_all(s, " ' ", "'");
    replace_all(s, " n't", "n't");
    replace_all(s, " 'm", "'m");
    replace_all(s, " do not", " don't");
    replace_all(s, " 's", "'s");
    replace_all(s, " 've", "'ve");
    replace_all(s, " 're", "'re");
  }

 private:
  std::string prefix_;
  bool cleanup_;
};

class BpeDecoder final : public Decoder {
 public:
  explicit BpeDecoder(std::string suffix) : suffix_(std::move(suffix)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (size_t i = 0; i < tokens.size(); ++i)
      replace_all(tokens[i], suffix_, i + 1 == tokens.size() ? "" : " ");
  }

 private:
  std::string suffix_;
};

class ReplaceDecoder final : public Decoder {
 public:
  ReplaceDecoder(std::string literal, std::unique_ptr<detail::Regex> re, std::string content)
      : literal_(std::move(literal)), re_(std::move(re)), content_(std::move(content)) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& t : tokens) {
      if (!re_) {
        replace_all(t, literal_, content_);
        continue;
      }
      std::string out;
      size_t last = 0;
      re_->for_each(t, [&](size_t a, size_t b) {
        out.append(t, last, a - last);
        out += content_;
        last = b;
      });
      out.append(t, last, std::string::npos);
      t = std::move(out);
    }
  }

 private:
  std::string literal_;
  std::unique_ptr<detail::Regex> re_;
  std::string content_;
};

class ByteFallbackDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::vector<std::string> out;
    out.reserve(tokens.size());
    std::string pending;
    size_t pending_n = 0;
    auto flush = [&] {
      if (!pending_n) return;
      if (detail::valid_utf8_prefix(pending) == pending.size()) {
        out.push_back(pending);
      } else {
        for (size_t k = 0; k < pending_n; ++k) out.emplace_back("\xEF\xBF\xBD");
      }
      pending.clear();
      pending_n = 0;
    };
    for (std::string& t : tokens) {
      if (t.size() == 6 && t.compare(0, 3, "<0x") == 0 && t[5] == '>') {
        auto hex = [](char c) -> int {
          if (c >= '0' && c <= '9') return c - '0';
          if (c >= 'A' && c <= 'F') return c - 'A' + 10;
          if (c >= 'a' && c <= 'f') return c - 'a' + 10;
          return -1;
        };
        int hi = hex(t[3]), lo = hex(t[4]);
        if (hi >= 0 && lo >= 0) {
          pending.push_back(static_cast<char>(hi * 16 + lo));
          ++pending_n;
          continue;
        }
      }
      flush();
      out.push_back(std::move(t));
    }
    flush();
    tokens = std::move(out);
  }
};

class FuseDecoder final : public Decoder {
 public:
  void decode_chain(std::vector<std::string>& tokens) const override {
    std::string all;
    for (const auto& t : tokens) all += t;
    tokens.assign(1, std::move(all));
  }
};

class StripDecoder final : public Decoder {
 public:
  StripDecoder(char32_t c, size_t start, size_t stop) : c_(c), start_(start), stop_(stop) {}
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (std::string& t : tokens) {
      std::vector<std::pair<size_t, char32_t>> chars;
      size_t i = 0;
      while (i < t.size()) {
        size_t at = i;
        chars.emplace_back(at, detail::next_cp(t, i));
      }
      size_t start_cut = 0;
      for (size_t k = 0; k < start_ && k < chars.size(); ++k) {
        if (chars[k].second != c_) break;
        start_cut = k + 1;
      }
      size_t stop_cut = chars.size();
      for (size_t k = 0; k < stop_ && k < chars.size(); ++k) {
        size_t idx = chars.size() - k - 1;
        if (chars[idx].second != c_) break;
        stop_cut = idx;
      }
      if (stop_cut < start_cut) stop_cut = start_cut;
      size_t a = start_cut < chars.size() ? chars[start_cut].first : t.size();
      size_t b = stop_cut < chars.size() ? chars[stop_cut].first : t.size();
      t = t.substr(a, b - a);
    }
  }

 private:
  char32_t c_;
  size_t start_, stop_;
};

class SequenceDecoder final : public Decoder {
 public:
  std::vector<std::unique_ptr<Decoder>> parts;
  void decode_chain(std::vector<std::string>& tokens) const override {
    for (const auto& p : parts) p->decode_chain(tokens);
  }
};

// --------------------------------------------------------------------------------------------

class WrapProcessor final : public PostProcessor {
 public:
  WrapProcessor(std::vector<TokenId> prefix, std::vector<TokenId> suffix)
      : prefix_(std::move(prefix)), suffix_(std::move(suffix)) {}
  void process(std::vector<TokenId>& ids) const override {
    if (!prefix_.empty()) ids.insert(ids.begin(), prefix_.begin(), prefix_.end());
    ids.insert(ids.end(), suffix_.begin(), suffix_.end());
  }

 private:
  std::vector<TokenId> prefix_, suffix_;
};

class SequenceProcessor final : public PostProcessor {
 public:
  std::vector<std::unique_ptr<PostProcessor>> parts;
  void process(std::vector<TokenId>& ids) const override {
    for (const auto& p : parts) p->process(ids);
  }
};

TokenId pair_id(const Json& j, const char* key, const std::string& path) {
  const Json& v = field(j, key, path);
  if (!v.is_array() || v.size() != 2 || !v[1].is_number_unsigned())
    fail(path + "." + key, "expected [token, id]");
  return v[1].get<TokenId>();
}

}  // namespace

std::unique_ptr<Decoder> make_decoder(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  std::string type = str_field(j, "type", path);
  if (type == "Sequence") {
    auto seq = std::make_unique<SequenceDecoder>();
    const Json& list = field(j, "decoders", path);
    for (size_t i = 0; i < list.size(); ++i)
      if (auto d = make_decoder(list[i], path + ".decoders[" + std::to_string(i) + "]"))
        seq->parts.push_back(std::move(d));
    return seq;
  }
  if (type == "ByteLevel") return std::make_unique<ByteLevelDecoder>();
  if (type == "Metaspace") {
    std::string scheme = str_or(j, "prepend_scheme", "");
    bool prepend = scheme.empty() ? bool_or(j, "add_prefix_space", true) : scheme != "never";
    return std::make_unique<MetaspaceDecoder>(str_or(j, "replacement", "\xE2\x96\x81"), prepend);
  }
  if (type == "WordPiece")
    return std::make_unique<WordPieceDecoder>(str_or(j, "prefix", "##"),
                                              bool_or(j, "cleanup", true));
  if (type == "BPEDecoder") return std::make_unique<BpeDecoder>(str_or(j, "suffix", "</w>"));
  if (type == "ByteFallback") return std::make_unique<ByteFallbackDecoder>();
  if (type == "Fuse") return std::make_unique<FuseDecoder>();
  if (type == "Strip") {
    std::string c = str_field(j, "content", path);
    size_t i = 0;
    char32_t cp = c.empty() ? U' ' : detail::next_cp(c, i);
    return std::make_unique<StripDecoder>(cp, j.value("start", 0u), j.value("stop", 0u));
  }
  if (type == "Replace") {
    const Json& pat = field(j, "pattern", path);
    std::string content = str_field(j, "content", path);
    if (pat.contains("String"))
      return std::make_unique<ReplaceDecoder>(pat["String"].get<std::string>(), nullptr, content);
    if (pat.contains("Regex")) {
      try {
        return std::make_unique<ReplaceDecoder>(
            "", std::make_unique<detail::Regex>(pat["Regex"].get<std::string>()), content);
      } catch (const std::runtime_error& e) {
        fail(path + ".pattern.Regex", e.what());
      }
    }
    fail(path + ".pattern", "expected {\"String\": ...} or {\"Regex\": ...}");
  }
  fail(path + ".type", "unsupported decoder '" + type + "'");
}

std::unique_ptr<PostProcessor> make_wrap_processor(std::vector<TokenId> prefix,
                                                   std::vector<TokenId> suffix) {
  return std::make_unique<WrapProcessor>(std::move(prefix), std::move(suffix));
}

std::unique_ptr<PostProcessor> make_post_processor(const Json& j, const std::string& path) {
  if (j.is_null()) return nullptr;
  std::string type = str_field(j, "type", path);
  if (type == "ByteLevel") return nullptr;  // only adjusts offsets
  if (type == "Sequence") {
    auto seq = std::make_unique<SequenceProcessor>();
    const Json& list = field(j, "processors", path);
    for (size_t i = 0; i < list.size(); ++i)
      if (auto p = make_post_processor(list[i], path + ".processors[" + std::to_string(i) + "]"))
        seq->parts.push_back(std::move(p));
    return seq;
  }
  if (type == "BertProcessing" || type == "RobertaProcessing")
    return std::make_unique<WrapProcessor>(std::vector<TokenId>{pair_id(j, "cls", path)},
                                           std::vector<TokenId>{pair_id(j, "sep", path)});
  if (type == "TemplateProcessing") {
    const Json& single = field(j, "single", path);
    const Json* specials = opt(j, "special_tokens");
    std::vector<TokenId> prefix, suffix;
    bool seen_a = false;
    for (size_t i = 0; i < single.size(); ++i) {
      const Json& item = single[i];
      std::string ipath = path + ".single[" + std::to_string(i) + "]";
      if (item.contains("Sequence")) {
        seen_a = true;
        continue;
      }
      if (!item.contains("SpecialToken")) fail(ipath, "expected Sequence or SpecialToken");
      std::string name = str_field(item["SpecialToken"], "id", ipath + ".SpecialToken");
      if (!specials || !specials->contains(name))
        fail(path + ".special_tokens", "no entry for '" + name + "'");
      const Json& ids = field((*specials)[name], "ids", path + ".special_tokens." + name);
      for (const Json& id : ids) (seen_a ? suffix : prefix).push_back(id.get<TokenId>());
    }
    return std::make_unique<WrapProcessor>(std::move(prefix), std::move(suffix));
  }
  fail(path + ".type", "unsupported post-processor '" + type + "'");
}

}  // namespace aiperf::tokenizer::hf
