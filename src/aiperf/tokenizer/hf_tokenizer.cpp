// HfTokenizer: the tokenizer.json pipeline. Order as in the Rust library: added tokens are cut out
// of the raw text first (non-normalized ones), each remaining part is normalized and cut again by
// the normalized added tokens, then pre-tokenized, tokenized by the model, and post-processed.
#include "aiperf/tokenizer/hf_tokenizer.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/flat_map.h"
#include "aiperf/tokenizer/hf_fast_json.h"
#include "aiperf/tokenizer/hf_json.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer {
namespace {

using hf::Json;
using hf::kNoId;
using hf::Pieces;

struct AddedToken {
  std::string content;
  TokenId id = 0;
  bool special = false;
  bool lstrip = false;
  bool rstrip = false;
  bool single_word = false;
  bool normalized = false;
};

bool is_word_byte_char(char32_t c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
         c >= 0x80;
}

class HfTokenizer final : public Tokenizer {
 public:
  HfTokenizer(std::string name, const Json& j, hf::ModelTables* tables, const Json* config,
              const LoadOptions& opts)
      : HfTokenizer(std::move(name), j, nullptr, tables, config, opts) {}

  // `model` null: built from j["model"].
  HfTokenizer(std::string name, const Json& j, std::unique_ptr<hf::Model> model,
              hf::ModelTables* tables, const Json* config, const LoadOptions& opts)
      : name_(std::move(name)) {
    normalizer_ = hf::make_normalizer(j.value("normalizer", Json()), "normalizer");
    pre_ = hf::make_pre_tokenizer(j.value("pre_tokenizer", Json()), "pre_tokenizer");
    bool byte_level = pre_ && pre_->byte_level();
    model_ = model ? std::move(model)
                   : hf::make_model(hf::field(j, "model", ""), "model", byte_level, tables);
    post_ = hf::make_post_processor(j.value("post_processor", Json()), "post_processor");
    decoder_ = hf::make_decoder(j.value("decoder", Json()), "decoder");
    load_added(j);
    if (config) {
      bos_ = config_token_id(*config, "bos_token");
      eos_ = config_token_id(*config, "eos_token");
      if (opts.transformers_bos_eos) apply_config_bos_eos(*config);
    }
  }

  TokenId bos_token_id() const override { return bos_; }
  TokenId eos_token_id() const override { return eos_; }

  std::vector<TokenId> encode(std::string_view text, bool add_special_tokens) const override {
    std::vector<TokenId> ids;
    if (detail::valid_utf8_prefix(text) == text.size()) {
      encode_valid(text, ids);
    } else {
      std::string fixed = detail::utf8_lossy(text);
      encode_valid(fixed, ids);
    }
    if (add_special_tokens && post_) post_->process(ids);
    return ids;
  }

  std::string decode(const std::vector<TokenId>& ids, bool skip_special_tokens) const override {
    std::vector<std::string> tokens;
    tokens.reserve(ids.size());
    std::string tok;
    for (TokenId id : ids) {
      auto it = added_by_id_.find(id);
      if (it != added_by_id_.end()) {
        const AddedToken& a = added_[it->second];
        if (skip_special_tokens && a.special) continue;
        tokens.push_back(a.content);
        continue;
      }
      if (model_->id_to_token(id, tok)) tokens.push_back(tok);
    }
    if (decoder_) {
      decoder_->decode_chain(tokens);
      std::string out;
      for (const auto& t : tokens) out += t;
      return out;
    }
    std::string out;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (i) out.push_back(' ');
      out += tokens[i];
    }
    return out;
  }

  std::string name() const override { return name_; }

  // Pieces (Tokenizer::encode_pieces): where no normalizer changes the text and no added token
  // occurs in it, a byte-level pre-tokenizer cuts it into spans of the text itself, and the
  // model encodes each span on its own; a vocabulary entry of a byte-level model stands for
  // one byte per character.
  bool encode_pieces(std::string_view text, PieceEncoding& out) const override {
    out.ids.clear();
    out.ends.clear();
    out.piece_starts.clear();
    Pieces p;
    if (!cut_pieces(text, p)) return false;
    std::string tok;
    for (const auto& sp : p.spans) {
      const size_t first = out.ids.size();
      model_->tokenize(p.view(sp), out.ids);
      uint32_t at = sp.off;
      for (size_t k = first; k < out.ids.size(); ++k) {
        if (!model_->id_to_token(out.ids[k], tok)) return false;
        for (char c : tok) at += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        out.ends.push_back(at);
        out.piece_starts.push_back(k == first);
      }
      if (at != sp.off + sp.len) return false;
    }
    return true;
  }

  bool piece_ends(std::string_view text, std::vector<uint32_t>& out) const override {
    out.clear();
    Pieces p;
    if (!cut_pieces(text, p)) return false;
    for (const auto& sp : p.spans) out.push_back(sp.off + sp.len);
    return true;
  }

  size_t piece_lookahead(std::string_view text) const override {
    if (!pre_ || (normalizer_ && !normalizer_->keeps_ascii())) return std::string_view::npos;
    const size_t look = pre_->ascii_lookahead();
    return look != 0 && detail::is_ascii(text) ? look : std::string_view::npos;
  }

 private:
  /// `text` pre-tokenized into spans that tile it in order (Pieces::buf is `text`); false when
  /// that is not so: not valid UTF-8, changed by the normalizer, an added token's text in it
  /// (anywhere, whatever its word rules), a pre-tokenizer that is not byte-level or rewrites.
  bool cut_pieces(std::string_view text, Pieces& p) const {
    if (!pre_ || !pre_->byte_level() || text.size() > UINT32_MAX ||
        detail::valid_utf8_prefix(text) != text.size() || contains_added(text)) {
      return false;
    }
    if (normalizer_) {
      std::string norm(text);
      normalizer_->normalize(norm);
      if (norm != text) return false;
    }
    p.buf.assign(text);
    p.spans.clear();
    if (!text.empty()) p.spans.push_back({0, static_cast<uint32_t>(text.size()), kNoId, true});
    pre_->pre_tokenize(p);
    uint32_t covered = 0;
    for (const auto& sp : p.spans) {
      if (sp.id != kNoId || sp.off != covered || sp.len == 0) return false;
      covered += sp.len;
    }
    return covered == text.size() && p.buf.size() == text.size();
  }

  bool contains_added(std::string_view s) const {
    for (const detail::ByteTrie* trie : {&raw_trie_, &norm_trie_}) {
      if (trie->empty()) continue;
      for (size_t pos = 0; pos < s.size(); ++pos) {
        if (!trie->may_start(static_cast<unsigned char>(s[pos]))) continue;
        bool found = false;
        trie->prefixes(s.data() + pos, s.size() - pos, [&](size_t, uint32_t) { found = true; });
        if (found) return true;
      }
    }
    return false;
  }

  void load_added(const Json& j) {
    const Json* list = hf::opt(j, "added_tokens");
    if (!list) return;
    size_t raw_bytes = 0, norm_bytes = 0;
    for (size_t i = 0; i < list->size(); ++i) {
      const Json& t = (*list)[i];
      std::string path = "added_tokens[" + std::to_string(i) + "]";
      AddedToken a;
      a.content = hf::str_field(t, "content", path);
      const Json& id = hf::field(t, "id", path);
      if (!id.is_number_unsigned()) hf::fail(path + ".id", "expected a non-negative integer");
      a.id = id.get<TokenId>();
      a.special = hf::bool_or(t, "special", false);
      a.lstrip = hf::bool_or(t, "lstrip", false);
      a.rstrip = hf::bool_or(t, "rstrip", false);
      a.single_word = hf::bool_or(t, "single_word", false);
      a.normalized = hf::bool_or(t, "normalized", !a.special);
      if (a.content.empty()) continue;
      if (a.normalized && normalizer_) normalizer_->normalize(a.content);
      (a.normalized ? norm_bytes : raw_bytes) += a.content.size();
      added_by_id_[a.id] = added_.size();
      added_.push_back(std::move(a));
    }
    raw_trie_.reserve(raw_bytes);
    norm_trie_.reserve(norm_bytes);
    for (size_t k = 0; k < added_.size(); ++k)
      (added_[k].normalized ? norm_trie_ : raw_trie_)
          .insert(added_[k].content, static_cast<uint32_t>(k));
  }

  // The id of a config entry such as "bos_token": a string or {"content": ...}; kNoId if absent.
  TokenId config_token_id(const Json& cfg, const char* key) const {
    const Json* v = hf::opt(cfg, key);
    if (!v) return kNoId;
    std::string content = v->is_string() ? v->get<std::string>() : hf::str_or(*v, "content", "");
    if (content.empty()) return kNoId;
    for (const auto& a : added_)
      if (a.content == content) return a.id;
    return model_->token_to_id(content);
  }

  // transformers' LlamaTokenizerFast rebuilds the post-processor from add_bos_token/add_eos_token.
  void apply_config_bos_eos(const Json& cfg) {
    std::string cls = hf::str_or(cfg, "tokenizer_class", "");
    bool llama = cls.find("Llama") != std::string::npos || cls.find("Gemma") != std::string::npos;
    if (!llama || (!cfg.contains("add_bos_token") && !cfg.contains("add_eos_token"))) return;
    std::vector<TokenId> prefix, suffix;
    if (hf::bool_or(cfg, "add_bos_token", false) && bos_ != kNoId) prefix.push_back(bos_);
    if (hf::bool_or(cfg, "add_eos_token", false) && eos_ != kNoId) suffix.push_back(eos_);
    post_ = hf::make_wrap_processor(std::move(prefix), std::move(suffix));
  }

  // Cuts added tokens out of `s` (leftmost-longest). Text parts are passed to on_text(a, b),
  // matched tokens to on_token(id).
  template <class OnText, class OnToken>
  void split_added(const detail::ByteTrie& trie, std::string_view s, OnText&& on_text,
                   OnToken&& on_token) const {
    if (trie.empty()) {
      on_text(0, s.size());
      return;
    }
    size_t seg = 0, pos = 0;
    while (pos < s.size()) {
      if (!trie.may_start(static_cast<unsigned char>(s[pos]))) {
        ++pos;
        continue;
      }
      size_t len = 0;
      uint32_t which = 0;
      trie.prefixes(s.data() + pos, s.size() - pos, [&](size_t l, uint32_t v) {
        len = l;
        which = v;
      });
      if (len == 0) {
        ++pos;
        continue;
      }
      const AddedToken& a = added_[which];
      size_t start = pos, stop = pos + len;
      if (a.single_word) {
        bool left_ok = start == 0 || !is_word_byte_char(last_char(s.substr(0, start)));
        size_t k = stop;
        bool right_ok = stop == s.size() || !is_word_byte_char(detail::next_cp(s, k));
        if (!left_ok || !right_ok) {
          pos = stop;
          continue;
        }
      }
      if (a.lstrip) {
        while (start > seg) {
          size_t st = start - 1;
          while (st > seg && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
          size_t k = st;
          if (!hf::is_whitespace(detail::next_cp(s, k))) break;
          start = st;
        }
      }
      if (a.rstrip) {
        while (stop < s.size()) {
          size_t k = stop;
          if (!hf::is_whitespace(detail::next_cp(s, k))) break;
          stop = k;
        }
      }
      if (start > seg) on_text(seg, start);
      on_token(a.id);
      seg = pos = stop;
    }
    if (seg < s.size()) on_text(seg, s.size());
  }

  static char32_t last_char(std::string_view s) {
    size_t st = s.size() - 1;
    while (st > 0 && (static_cast<unsigned char>(s[st]) & 0xC0) == 0x80) --st;
    return detail::next_cp(s, st);
  }

  void encode_valid(std::string_view text, std::vector<TokenId>& ids) const {
    if (text.empty()) return;
    Pieces p;
    p.buf.reserve(text.size() * 2 + 16);
    p.buf.assign(text);
    auto push_token = [&](TokenId id) {
      Pieces::Span sp;
      sp.id = id;
      p.spans.push_back(sp);
    };
    std::string norm;
    split_added(
        raw_trie_, text,
        [&](size_t a, size_t b) {
          bool origin = a == 0;
          size_t base;
          std::string_view part;
          if (normalizer_) {
            norm.assign(text.substr(a, b - a));
            normalizer_->normalize(norm);
            base = p.buf.size();
            p.buf += norm;
            part = norm;
          } else {
            base = a;
            part = text.substr(a, b - a);
          }
          split_added(
              norm_trie_, part,
              [&](size_t x, size_t y) {
                Pieces::Span sp;
                sp.off = static_cast<uint32_t>(base + x);
                sp.len = static_cast<uint32_t>(y - x);
                sp.origin = origin && x == 0;
                if (sp.len) p.spans.push_back(sp);
              },
              push_token);
        },
        push_token);
    if (pre_) pre_->pre_tokenize(p);
    ids.reserve(ids.size() + text.size() / 3 + 4);
    for (const auto& sp : p.spans) {
      if (sp.id != kNoId)
        ids.push_back(sp.id);
      else
        model_->tokenize(p.view(sp), ids);
    }
  }

  std::string name_;
  std::unique_ptr<hf::Normalizer> normalizer_;
  std::unique_ptr<hf::PreTokenizer> pre_;
  std::unique_ptr<hf::Model> model_;
  std::unique_ptr<hf::PostProcessor> post_;
  std::unique_ptr<hf::Decoder> decoder_;
  std::vector<AddedToken> added_;
  std::unordered_map<TokenId, size_t> added_by_id_;
  TokenId bos_ = kNoId, eos_ = kNoId;
  detail::ByteTrie raw_trie_, norm_trie_;
};

std::string read_text(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError("cannot read '" + path + "'; check the path and its permissions");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

std::shared_ptr<const Tokenizer> load_hf_tokenizer(const std::string& json_path,
                                                   const LoadOptions& opts) {
  namespace fs = std::filesystem;
  std::string text = read_text(json_path);
  Json j;
  hf::ModelTables tables;
  if (!hf::extract_model_tables(text, tables)) tables = hf::ModelTables{};
  try {
    j = Json::parse(text);
  } catch (const Json::parse_error& e) {
    throw InputError("tokenizer file '" + json_path + "' is not valid JSON (byte " +
                     std::to_string(e.byte) +
                     "); the file may be truncated: download tokenizer.json again");
  }
  text.clear();
  text.shrink_to_fit();
  if (!j.is_object() || !j.contains("model"))
    throw InputError("tokenizer file '" + json_path +
                     "' has no \"model\"; pass a HuggingFace tokenizer.json");
  Json config = read_tokenizer_config(fs::path(json_path).parent_path().string());
  try {
    return std::make_shared<HfTokenizer>(json_path, j, &tables, &config, opts);
  } catch (const hf::SpecError& e) {
    throw InputError("tokenizer file '" + json_path + "' field '" + e.field + "': " + e.message +
                     "; use a tokenizer.json written by HuggingFace tokenizers");
  } catch (const Json::exception& e) {
    throw InputError("tokenizer file '" + json_path + "': unexpected JSON shape (" + e.what() +
                     "); use a tokenizer.json written by HuggingFace tokenizers");
  }
}

Json read_tokenizer_config(const std::string& dir) {
  namespace fs = std::filesystem;
  Json config = Json::object();
  for (const char* name : {"tokenizer_config.json", "special_tokens_map.json"}) {
    fs::path path = fs::path(dir) / name;
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    Json part;
    try {
      part = Json::parse(read_text(path.string()));
    } catch (const Json::parse_error&) {
      throw InputError("tokenizer config '" + path.string() +
                       "' is not valid JSON; fix or remove it");
    }
    if (!part.is_object()) continue;
    for (auto it = part.begin(); it != part.end(); ++it)
      if (!config.contains(it.key())) config[it.key()] = it.value();
  }
  return config;
}

std::shared_ptr<const Tokenizer> make_hf_tokenizer(std::string name, const Json& spec,
                                                   std::unique_ptr<hf::Model> model,
                                                   const Json& config) {
  return std::make_shared<HfTokenizer>(std::move(name), spec, std::move(model), nullptr, &config,
                                       LoadOptions{});
}

}  // namespace aiperf::tokenizer
