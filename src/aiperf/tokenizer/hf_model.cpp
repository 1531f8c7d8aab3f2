// tokenizer.json models other than BPE: WordPiece, Unigram, WordLevel; and the model factory
// (old files without "type" are recognised by their fields).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "aiperf/tokenizer/flat_map.h"
#include "aiperf/tokenizer/hf_fast_json.h"
#include "aiperf/tokenizer/hf_json.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer::hf {

std::string byte_token(unsigned char b) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "<0x%02X>", b);
  return buf;
}

void read_vocab(const Json& j, const std::string& path,
                std::vector<std::pair<std::string, uint32_t>>& out) {
  const Json& vocab = field(j, "vocab", path);
  if (!vocab.is_object()) fail(path + ".vocab", "expected an object {token: id}");
  out.reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it.value().is_number_unsigned()) fail(path + ".vocab." + it.key(), "expected an id");
    out.emplace_back(it.key(), it.value().get<TokenId>());
  }
}

namespace {

using detail::BytesMap;

// ---------------------------------------------------------------------------------------------
/// A model whose tokens are the plain keys of a vocab (WordPiece, WordLevel): the table, its
/// id -> token inverse and the two lookups.
class VocabModel : public Model {
 public:
  bool id_to_token(TokenId id, std::string& out) const override {
    if (id >= id_to_token_.size()) return false;
    out = id_to_token_[id];
    return true;
  }
  TokenId token_to_id(std::string_view token) const override {
    TokenId id = vocab_.find(token);
    return id == BytesMap::kMissing ? kNoId : id;
  }

 protected:
  /// Reads the vocab (unless `tables` already has it) and fills both lookups.
  void load_vocab(const Json& j, const std::string& path, ModelTables* tables) {
    ModelTables local;
    if (!tables) tables = &local;
    if (!tables->has_vocab) read_vocab(j, path, tables->vocab);
    vocab_.reserve(tables->vocab.size());
    for (const auto& [tok, id] : tables->vocab) {
      vocab_.set(tok, id);
      if (id >= id_to_token_.size()) id_to_token_.resize(static_cast<size_t>(id) + 1);
      id_to_token_[id] = tok;
    }
  }

  BytesMap vocab_;
  std::vector<std::string> id_to_token_;
};

// ---------------------------------------------------------------------------------------------
class WordPieceModel final : public VocabModel {
 public:
  WordPieceModel(const Json& j, const std::string& path, ModelTables* tables) {
    load_vocab(j, path, tables);
    prefix_ = str_or(j, "continuing_subword_prefix", "##");
    max_chars_ = j.value("max_input_chars_per_word", 100u);
    std::string unk = str_or(j, "unk_token", "[UNK]");
    unk_id_ = vocab_.find(unk);
    if (unk_id_ == BytesMap::kMissing)
      fail(path + ".unk_token", "'" + unk + "' is not in the vocab");
  }

  void tokenize(std::string_view word, std::vector<TokenId>& out) const override {
    size_t chars = 0;
    for (unsigned char c : word) chars += (c & 0xC0) != 0x80;
    if (chars > max_chars_) {
      out.push_back(unk_id_);
      return;
    }
    size_t mark = out.size();
    std::string key;
    size_t start = 0;
    while (start < word.size()) {
      size_t end = word.size();
      TokenId found = kNoId;
      while (start < end) {
        key.clear();
        if (start > 0) key = prefix_;
        key.append(word.substr(start, end - start));
        TokenId id = vocab_.find(key);
        if (id != BytesMap::kMissing) {
          found = id;
          break;
        }
        --end;
        while (end > start && (static_cast<unsigned char>(word[end]) & 0xC0) == 0x80) --end;
      }
      if (found == kNoId) {
        out.resize(mark);
        out.push_back(unk_id_);
        return;
      }
      out.push_back(found);
      start = end;
    }
  }

 private:
  std::string prefix_;
  size_t max_chars_ = 100;
  TokenId unk_id_ = kNoId;
};

// ---------------------------------------------------------------------------------------------
class UnigramModel final : public Model {
 public:
  UnigramModel(const Json& j, const std::string& path) {
    const Json& vocab = field(j, "vocab", path);
    if (!vocab.is_array()) fail(path + ".vocab", "expected an array of [piece, score]");
    byte_fallback_ = bool_or(j, "byte_fallback", false);
    if (const Json* u = opt(j, "unk_id")) unk_id_ = u->get<TokenId>();
    size_t total = 0;
    for (const Json& e : vocab) {
      if (!e.is_array() || e.size() != 2 || !e[0].is_string() || !e[1].is_number())
        fail(path + ".vocab", "expected an array of [piece, score]");
      total += e[0].get_ref<const std::string&>().size();
    }
    trie_.reserve(total);
    vocab_.reserve(vocab.size());
    pieces_.reserve(vocab.size());
    scores_.reserve(vocab.size());
    min_score_ = INFINITY;
    for (size_t id = 0; id < vocab.size(); ++id) {
      const std::string& piece = vocab[id][0].get_ref<const std::string&>();
      double score = vocab[id][1].get<double>();
      pieces_.push_back(piece);
      scores_.push_back(score);
      vocab_.set(piece, static_cast<uint32_t>(id));
      if (!piece.empty()) trie_.insert(piece, static_cast<uint32_t>(id));
      min_score_ = std::min(min_score_, score);
    }
    if (unk_id_ != kNoId && unk_id_ >= vocab.size()) fail(path + ".unk_id", "out of range");
  }

  void tokenize(std::string_view s, std::vector<TokenId>& out) const override {
    if (s.empty()) return;
    const double unk_score = min_score_ - 10.0;
    struct Node {
      TokenId id = kNoId;
      double score = 0;
      int64_t start = -1;
    };
    std::vector<Node> best(s.size() + 1);
    size_t pos = 0;
    while (pos < s.size()) {
      double here = best[pos].score;
      size_t mblen = detail::utf8_len(static_cast<unsigned char>(s[pos]));
      if (pos + mblen > s.size()) mblen = s.size() - pos;
      bool single = false;
      trie_.prefixes(s.data() + pos, s.size() - pos, [&](size_t len, uint32_t id) {
        Node& t = best[pos + len];
        double cand = here + scores_[id];
        if (t.start < 0 || cand > t.score) {
          t.score = cand;
          t.start = static_cast<int64_t>(pos);
          t.id = id;
        }
        if (len == mblen) single = true;
      });
      if (!single) {
        Node& t = best[pos + mblen];
        double cand = here + unk_score;
        if (t.start < 0 || cand > t.score) {
          t.score = cand;
          t.start = static_cast<int64_t>(pos);
          t.id = unk_id_;
        }
      }
      pos += mblen;
    }
    // Walk back; adjacent unknown pieces fuse into one (fuse_unk is always on for Unigram).
    std::vector<std::pair<size_t, size_t>> spans;  // reversed
    size_t end = s.size();
    size_t unk_end = 0;
    bool in_unk = false;
    while (end > 0) {
      const Node& node = best[end];
      auto start = static_cast<size_t>(node.start);
      if (unk_id_ != kNoId && node.id == unk_id_) {
        if (!in_unk) unk_end = end;
        in_unk = true;
      } else {
        if (in_unk) spans.emplace_back(end, unk_end);
        in_unk = false;
        spans.emplace_back(start, end);
      }
      end = start;
    }
    if (in_unk) spans.emplace_back(0, unk_end);
    for (size_t k = spans.size(); k-- > 0;) {
      std::string_view piece = s.substr(spans[k].first, spans[k].second - spans[k].first);
      TokenId id = vocab_.find(piece);
      if (id != BytesMap::kMissing) {
        out.push_back(id);
        continue;
      }
      if (byte_fallback_) {
        size_t mark = out.size();
        bool all = true;
        for (unsigned char c : piece) {
          TokenId b = vocab_.find(byte_token(c));
          if (b == BytesMap::kMissing) {
            all = false;
            break;
          }
          out.push_back(b);
        }
        if (all) continue;
        out.resize(mark);
      }
      if (unk_id_ != kNoId) out.push_back(unk_id_);
    }
  }

  bool id_to_token(TokenId id, std::string& out) const override {
    if (id >= pieces_.size()) return false;
    out = pieces_[id];
    return true;
  }
  TokenId token_to_id(std::string_view token) const override {
    TokenId id = vocab_.find(token);
    return id == BytesMap::kMissing ? kNoId : id;
  }

 private:
  detail::ByteTrie trie_;
  BytesMap vocab_;
  std::vector<std::string> pieces_;
  std::vector<double> scores_;
  double min_score_ = 0;
  TokenId unk_id_ = kNoId;
  bool byte_fallback_ = false;
};

// ---------------------------------------------------------------------------------------------
class WordLevelModel final : public VocabModel {
 public:
  WordLevelModel(const Json& j, const std::string& path, ModelTables* tables) {
    load_vocab(j, path, tables);
    std::string unk = str_or(j, "unk_token", "");
    unk_id_ = unk.empty() ? kNoId : vocab_.find(unk);
  }
  void tokenize(std::string_view word, std::vector<TokenId>& out) const override {
    TokenId id = vocab_.find(word);
    if (id != BytesMap::kMissing)
      out.push_back(id);
    else if (unk_id_ != BytesMap::kMissing && unk_id_ != kNoId)
      out.push_back(unk_id_);
  }

 private:
  TokenId unk_id_ = kNoId;
};

}  // namespace

std::unique_ptr<Model> make_model(const Json& j, const std::string& path, bool byte_level,
                                  ModelTables* tables) {
  if (!j.is_object()) fail(path, "expected an object");
  std::string type = str_or(j, "type", "");
  if (type.empty()) {
    // Old files have no "type": infer it from the fields.
    if (j.contains("merges") || (tables && tables->has_merges))
      type = "BPE";
    else if (j.contains("max_input_chars_per_word") || j.contains("continuing_subword_prefix"))
      type = "WordPiece";
    else if (j.contains("vocab") && j["vocab"].is_array())
      type = "Unigram";
    else if (j.contains("vocab"))
      type = "WordLevel";
  }
  if (type == "BPE") return make_bpe_model(j, path, byte_level, tables);
  if (type == "WordPiece") return std::make_unique<WordPieceModel>(j, path, tables);
  if (type == "Unigram") return std::make_unique<UnigramModel>(j, path);
  if (type == "WordLevel") return std::make_unique<WordLevelModel>(j, path, tables);
  fail(path + ".type",
       "unsupported model '" + type + "' (supported: BPE, WordPiece, Unigram, WordLevel)");
}

}  // namespace aiperf::tokenizer::hf
