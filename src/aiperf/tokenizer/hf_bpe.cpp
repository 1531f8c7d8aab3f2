// The BPE model of tokenizer.json: byte-level (GPT-2, Llama-3, Qwen, DeepSeek) and
// SentencePiece-style with byte_fallback (Mistral). Merges follow HF's Word::merge_all: the
// lowest-rank adjacent pair first, leftmost on ties.
#include <algorithm>
#include <atomic>
#include <queue>

#include "aiperf/tokenizer/flat_map.h"
#include "aiperf/tokenizer/hf_fast_json.h"
#include "aiperf/tokenizer/hf_json.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer::hf {
namespace {

using detail::BytesMap;
using detail::PairMap;

// Raw bytes of a byte-level vocabulary string; false when a char is outside the alphabet.
bool from_byte_level(std::string_view tok, std::string& out) {
  out.clear();
  size_t i = 0;
  while (i < tok.size()) {
    int b = detail::unicode_to_byte(detail::next_cp(tok, i));
    if (b < 0) return false;
    out.push_back(static_cast<char>(b));
  }
  return true;
}

// Per-thread memo of recent words -> ids for BPE (real text repeats words a lot). Direct-mapped;
// entries are tagged with the owning model's serial so models never see each other's words.
struct WordCache {
  static constexpr size_t kSlots = 4096;
  static constexpr size_t kMaxWord = 48;  // bytes; longer words are not memoised
  struct Slot {
    uint64_t owner = 0;
    uint64_t hash = 0;
    std::string word;
    std::vector<TokenId> ids;
  };
  std::vector<Slot> slots;
  Slot& at(uint64_t h) {
    if (slots.empty()) slots.resize(kSlots);
    return slots[h & (kSlots - 1)];
  }
};

uint64_t next_model_serial() {
  static std::atomic<uint64_t> serial{0};
  return ++serial;
}

// ---------------------------------------------------------------------------------------------
class BpeModel final : public Model {
 public:
  BpeModel(const Json& j, const std::string& path, bool byte_level, ModelTables* tables)
      : byte_level_(byte_level) {
    ModelTables local;
    if (!tables) tables = &local;
    if (!tables->has_vocab) read_vocab(j, path, tables->vocab);
    if (!tables->has_merges) {
      const Json& merges = field(j, "merges", path);
      if (!merges.is_array()) fail(path + ".merges", "expected an array");
      tables->merges.reserve(merges.size());
      for (size_t i = 0; i < merges.size(); ++i) {
        const Json& m = merges[i];
        if (m.is_string()) {
          const std::string& line = m.get_ref<const std::string&>();
          size_t sp = line.find(' ');
          if (sp == std::string::npos || line.find(' ', sp + 1) != std::string::npos)
            fail(path + ".merges[" + std::to_string(i) + "]", "expected \"left right\"");
          tables->merges.emplace_back(line.substr(0, sp), line.substr(sp + 1));
        } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
          tables->merges.emplace_back(m[0].get<std::string>(), m[1].get<std::string>());
        } else {
          fail(path + ".merges[" + std::to_string(i) + "]",
               "expected \"left right\" or [left, right]");
        }
      }
    } else if (tables->merges_bad) {
      fail(path + ".merges[" + std::to_string(tables->bad_merge) + "]", "expected \"left right\"");
    }
    unk_token_ = str_or(j, "unk_token", "");
    prefix_ = str_or(j, "continuing_subword_prefix", "");
    suffix_ = str_or(j, "end_of_word_suffix", "");
    fuse_unk_ = bool_or(j, "fuse_unk", false);
    byte_fallback_ = bool_or(j, "byte_fallback", false);
    ignore_merges_ = bool_or(j, "ignore_merges", false);

    // One map: keyed by raw bytes for byte-level models (what the pre-tokenizer hands over),
    // else by the vocabulary string itself.
    const auto& vocab = tables->vocab;
    vocab_.reserve(vocab.size());
    std::string raw;
    TokenId max_id = 0;
    for (const auto& [tok, id] : vocab) max_id = std::max(max_id, id);
    id_to_token_.resize(vocab.empty() ? 0 : static_cast<size_t>(max_id) + 1);
    for (const auto& [tok, id] : vocab) {
      id_to_token_[id] = tok;
      if (!byte_level_)
        vocab_.set(tok, id);
      else if (from_byte_level(tok, raw))
        vocab_.set(raw, id);
    }
    for (int b = 0; b < 256; ++b) {
      byte_id_[b] = byte_level_ ? vocab_.find(std::string(1, static_cast<char>(b)))
                                : vocab_.find(byte_token(static_cast<unsigned char>(b)));
    }
    unk_id_ = unk_token_.empty() ? kNoId : token_to_id(unk_token_);

    merges_.reserve(tables->merges.size());
    std::string ra, rb, merged;
    for (size_t i = 0; i < tables->merges.size(); ++i) {
      const auto& [a, b] = tables->merges[i];
      std::string_view sb = b;
      if (!prefix_.empty() && sb.substr(0, prefix_.size()) == prefix_)
        sb.remove_prefix(prefix_.size());
      TokenId ia, ib, im;
      if (byte_level_) {
        // A merge of tokens outside the byte alphabet can never apply to byte-level input.
        if (!from_byte_level(a, ra) || !from_byte_level(b, rb)) continue;
        ia = vocab_.find(ra);
        ib = vocab_.find(rb);
        std::string rm;
        from_byte_level(sb, rm);
        merged = ra + rm;
      } else {
        ia = vocab_.find(a);
        ib = vocab_.find(b);
        merged = a;
        merged += sb;
      }
      im = vocab_.find(merged);
      if (ia == BytesMap::kMissing || ib == BytesMap::kMissing || im == BytesMap::kMissing)
        fail(path + ".merges[" + std::to_string(i) + "]",
             "merge '" + a + " " + b + "' uses a token that is not in the vocab");
      merges_.set(ia, ib, {static_cast<uint32_t>(i), im});
    }
  }

  void tokenize(std::string_view word, std::vector<TokenId>& out) const override {
    if (word.empty()) return;
    if (word.size() > WordCache::kMaxWord) return tokenize_uncached(word, out);
    thread_local WordCache cache;
    uint64_t h = detail::hash_bytes(word.data(), word.size());
    WordCache::Slot& slot = cache.at(h);
    if (slot.owner == serial_ && slot.hash == h && slot.word == word) {
      out.insert(out.end(), slot.ids.begin(), slot.ids.end());
      return;
    }
    size_t first = out.size();
    tokenize_uncached(word, out);
    slot.owner = serial_;
    slot.hash = h;
    slot.word.assign(word);
    slot.ids.assign(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
  }

  void tokenize_uncached(std::string_view word, std::vector<TokenId>& out) const {
    if (ignore_merges_) {
      TokenId id = vocab_.find(word);
      if (id != BytesMap::kMissing) {
        out.push_back(id);
        return;
      }
    }
    size_t first = out.size();
    initial_symbols(word, out);
    size_t n = out.size() - first;
    if (n < 2) return;
    if (n <= kSmall)
      merge_small(out.data() + first, n);
    else
      merge_heap(out.data() + first, n);
    out.resize(first + n);
  }

  bool id_to_token(TokenId id, std::string& out) const override {
    if (id >= id_to_token_.size()) return false;
    out = id_to_token_[id];
    return true;
  }
  TokenId token_to_id(std::string_view token) const override {
    // Cold path (config lookups): byte-level maps are keyed by raw bytes.
    for (size_t id = 0; id < id_to_token_.size(); ++id)
      if (id_to_token_[id] == token) return static_cast<TokenId>(id);
    return kNoId;
  }

 private:
  static constexpr size_t kSmall = 64;

  void initial_symbols(std::string_view word, std::vector<TokenId>& out) const {
    if (byte_level_ && prefix_.empty() && suffix_.empty()) {
      for (unsigned char c : word) {
        if (byte_id_[c] != BytesMap::kMissing) out.push_back(byte_id_[c]);
        // else: no symbol for this byte and byte-level vocabularies have no unk; dropped.
      }
      return;
    }
    TokenId pending_unk = kNoId;
    std::string key;
    size_t i = 0;
    while (i < word.size()) {
      size_t len = detail::utf8_len(static_cast<unsigned char>(word[i]));
      if (byte_level_) len = 1;
      if (i + len > word.size()) len = word.size() - i;
      key.clear();
      if (i > 0) key += prefix_;
      key.append(word.substr(i, len));
      if (i + len == word.size()) key += suffix_;
      i += len;
      TokenId id = vocab_.find(key);
      if (id != BytesMap::kMissing) {
        if (pending_unk != kNoId) out.push_back(pending_unk);
        pending_unk = kNoId;
        out.push_back(id);
        continue;
      }
      if (byte_fallback_) {
        bool all = true;
        size_t mark = out.size();
        for (unsigned char c : key) {
          if (byte_id_[c] == BytesMap::kMissing) {
            all = false;
            break;
          }
          out.push_back(byte_id_[c]);
        }
        if (all) continue;
        out.resize(mark);
      }
      if (unk_id_ != kNoId) {
        if (pending_unk != kNoId && !fuse_unk_) out.push_back(pending_unk);
        pending_unk = unk_id_;
      }
    }
    if (pending_unk != kNoId) out.push_back(pending_unk);
  }

  // Repeatedly apply the lowest-rank merge among adjacent pairs (leftmost on ties), as the
  // priority queue in HF's Word::merge_all does.
  void merge_small(TokenId* ids, size_t& n) const {
    uint32_t rank[kSmall];
    TokenId made[kSmall];
    auto look = [&](size_t i) {
      const PairMap::Value* v = merges_.find(ids[i], ids[i + 1]);
      rank[i] = v ? v->rank : UINT32_MAX;
      made[i] = v ? v->id : kNoId;
    };
    for (size_t i = 0; i + 1 < n; ++i) look(i);
    while (n > 1) {
      uint32_t best = UINT32_MAX;
      size_t bi = 0;
      for (size_t i = 0; i + 1 < n; ++i)
        if (rank[i] < best) {
          best = rank[i];
          bi = i;
        }
      if (best == UINT32_MAX) break;
      ids[bi] = made[bi];
      for (size_t k = bi + 1; k + 1 < n; ++k) {
        ids[k] = ids[k + 1];
        rank[k] = rank[k + 1];
        made[k] = made[k + 1];
      }
      --n;
      if (bi + 1 < n)
        look(bi);
      else
        rank[bi] = UINT32_MAX;
      if (bi > 0) look(bi - 1);
    }
  }

  void merge_heap(TokenId* ids, size_t& n) const {
    std::vector<uint32_t> next(n), prev(n), rank(n, UINT32_MAX);
    std::vector<bool> alive(n, true);
    for (size_t i = 0; i < n; ++i) {
      next[i] = static_cast<uint32_t>(i + 1);
      prev[i] = static_cast<uint32_t>(i == 0 ? 0 : i - 1);
    }
    using Entry = std::pair<uint32_t, uint32_t>;
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    auto look = [&](uint32_t s) {
      rank[s] = UINT32_MAX;
      if (next[s] >= n) return;
      const PairMap::Value* v = merges_.find(ids[s], ids[next[s]]);
      if (v) {
        rank[s] = v->rank;
        heap.emplace(v->rank, s);
      }
    };
    for (uint32_t s = 0; s + 1 < n; ++s) look(s);
    while (!heap.empty()) {
      auto [r, s] = heap.top();
      heap.pop();
      if (!alive[s] || rank[s] != r) continue;
      uint32_t m = next[s];
      ids[s] = merges_.find(ids[s], ids[m])->id;
      alive[m] = false;
      next[s] = next[m];
      if (next[m] < n) prev[next[m]] = s;
      look(s);
      if (s > 0) look(prev[s]);
    }
    size_t k = 0;
    for (uint32_t s = 0; s < n; s = next[s]) ids[k++] = ids[s];
    n = k;
  }

  bool byte_level_;
  uint64_t serial_ = next_model_serial();
  std::string unk_token_, prefix_, suffix_;
  bool fuse_unk_ = false, byte_fallback_ = false, ignore_merges_ = false;
  BytesMap vocab_;  // symbol bytes (raw bytes when byte-level) -> id
  std::vector<std::string> id_to_token_;
  PairMap merges_;
  TokenId byte_id_[256];
  TokenId unk_id_ = kNoId;
};

}  // namespace

std::unique_ptr<Model> make_bpe_model(const Json& j, const std::string& path, bool byte_level,
                                      ModelTables* tables) {
  return std::make_unique<BpeModel>(j, path, byte_level, tables);
}

}  // namespace aiperf::tokenizer::hf
