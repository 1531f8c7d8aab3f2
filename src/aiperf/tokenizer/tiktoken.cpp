#include "aiperf/tokenizer/tiktoken.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <queue>
#include <sstream>

#include <sys/mman.h>
#include <unistd.h>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/flat_map.h"
#include "aiperf/tokenizer/regex.h"
#include "aiperf/tokenizer/regex_ascii.h"
#include "aiperf/tokenizer/utf8.h"

namespace aiperf::tokenizer {
namespace {

constexpr uint32_t kNoRank = UINT32_MAX;
std::atomic<size_t> g_heap_threshold{256};

class TiktokenTokenizer final : public Tokenizer {
 public:
  TiktokenTokenizer(std::string name, TiktokenSpec spec)
      : name_(std::move(name)), regex_(spec.pattern), specials_(std::move(spec.specials)) {}

  // Distinct for every tokenizer the process makes (PieceCache's key).
  const uint64_t serial_ = next_serial();
  static uint64_t next_serial() {
    static std::atomic<uint64_t> n{0};
    return ++n;
  }

  // Parses the rank file. Throws InputError naming `source` on a malformed line. With
  // `release_input` the pages of `data` already parsed are handed back to the kernel as parsing
  // goes (madvise MADV_DONTNEED: for the rank file linked into the binary, clean file-backed
  // pages that would otherwise stay in the resident set).
  void parse_ranks(std::string_view data, const std::string& source, bool release_input) {
    // Upper bounds, reserved but only touched as filled (a valid line is >= 4 bytes, base64
    // decodes 4 characters to at most 3 bytes).
    bytes_.reserve(data.size() / 4 * 3 + 3 + (data.size() / 4 + 2) * kRankBytes);
    off_.reserve(data.size() / 4 + 2);
    off_.push_back(0);
    std::vector<std::pair<uint32_t, std::string>> unordered;  // ranks not ascending (rare)
    std::string tok;
    size_t pos = 0, line_no = 0;
    uintptr_t released = page_ceil(data.data());  // pages before this one are handed back
    bool ascending = true;
    while (pos < data.size()) {
      size_t eol = data.find('\n', pos);
      if (eol == std::string_view::npos) eol = data.size();
      std::string_view line = data.substr(pos, eol - pos);
      pos = eol + 1;
      ++line_no;
      if (release_input)
        released = release_pages(released, data.data() + std::min(pos, data.size()), false);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line.empty()) continue;
      size_t sp = line.find(' ');
      uint32_t rank = 0;
      bool ok = sp != std::string_view::npos && sp + 1 < line.size() &&
                detail::base64_decode(line.substr(0, sp), tok) && !tok.empty();
      if (ok) {
        for (char c : line.substr(sp + 1)) {
          if (c < '0' || c > '9' || rank > 400000000u) {
            ok = false;
            break;
          }
          rank = rank * 10 + static_cast<uint32_t>(c - '0');
        }
      }
      if (!ok)
        throw InputError("tiktoken file '" + source + "' line " + std::to_string(line_no) +
                         ": expected 'base64 rank'; pass a valid .tiktoken rank file");
      if (ascending && rank + 1 < off_.size()) {  // out of order: collect and sort at the end
        ascending = false;
        for (uint32_t r = 0; r + 1 < off_.size(); ++r)
          if (off_[r + 1] > off_[r]) unordered.emplace_back(r, std::string(token_bytes(r)));
      }
      if (!ascending) {
        unordered.emplace_back(rank, tok);
        continue;
      }
      off_.resize(static_cast<size_t>(rank) + 1, static_cast<uint32_t>(bytes_.size()));  // gaps
      append_token(rank, tok);
    }
    if (release_input) release_pages(released, data.data() + data.size(), true);
    if (!ascending) {
      std::stable_sort(unordered.begin(), unordered.end(),
                       [](const auto& a, const auto& b) { return a.first < b.first; });
      bytes_.clear();
      off_.assign(1, 0);
      for (size_t i = 0; i < unordered.size(); ++i) {
        if (i + 1 < unordered.size() && unordered[i + 1].first == unordered[i].first) continue;
        off_.resize(static_cast<size_t>(unordered[i].first) + 1,
                    static_cast<uint32_t>(bytes_.size()));
        append_token(unordered[i].first, unordered[i].second);
      }
    }
    if (bytes_.empty())
      throw InputError("tiktoken file '" + source + "' has no ranks; pass a valid .tiktoken file");
    build_index();
    for (auto& [text, id] : specials_) min_special_ = std::min(min_special_, id);
  }

  std::vector<TokenId> encode(std::string_view text, bool add_special_tokens) const override {
    std::vector<TokenId> out;
    out.reserve(text.size() / 3 + 4);
    with_valid(text, [&](std::string_view t) {
      if (add_special_tokens)
        encode_with_specials(t, [&](uint32_t id) { out.push_back(id); });
      else
        encode_ordinary(t, [&](uint32_t id) { out.push_back(id); });
    });
    return out;
  }

  size_t count(std::string_view text) const override {
    size_t n = 0;
    with_valid(text, [&](std::string_view t) { encode_with_specials(t, [&](uint32_t) { ++n; }); });
    return n;
  }

  // The regex's matches are the pieces; each is encoded on its own (encode_ordinary), and a
  // token's bytes are its rank's bytes, so the tokens of a piece tile it.
  bool encode_pieces(std::string_view text, PieceEncoding& out) const override {
    out.ids.clear();
    out.ends.clear();
    out.piece_starts.clear();
    if (detail::valid_utf8_prefix(text) != text.size() || text.size() > UINT32_MAX) return false;
    size_t covered = 0;
    bool tiled = true;
    auto sink = [&](uint32_t id) {
      out.ids.push_back(id);
      covered += token_bytes(id).size();
      out.ends.push_back(static_cast<uint32_t>(covered));
      out.piece_starts.push_back(0);
    };
    regex_.for_each(text, [&](size_t s, size_t e) {
      if (s != covered) tiled = false;
      const size_t first = out.ids.size();
      encode_piece(text.substr(s, e - s), sink);
      if (out.ids.size() > first) out.piece_starts[first] = 1;
      if (covered != e) tiled = false;
    });
    return tiled && covered == text.size();
  }

  bool piece_ends(std::string_view text, std::vector<uint32_t>& out) const override {
    out.clear();
    if (detail::valid_utf8_prefix(text) != text.size() || text.size() > UINT32_MAX) return false;
    size_t covered = 0;
    bool tiled = true;
    regex_.for_each(text, [&](size_t s, size_t e) {
      tiled = tiled && s == covered;
      covered = e;
      out.push_back(static_cast<uint32_t>(e));
    });
    return tiled && covered == text.size();
  }

  size_t piece_lookahead(std::string_view text) const override {
    return detail::is_ascii(text) ? regex_.ascii_lookahead() : std::string_view::npos;
  }

  std::string decode(const std::vector<TokenId>& ids, bool skip_special_tokens) const override {
    std::string bytes;
    for (TokenId id : ids) {
      if (id >= min_special_) {
        auto it = std::find_if(specials_.begin(), specials_.end(),
                               [&](const auto& s) { return s.second == id; });
        if (it != specials_.end()) {
          if (!skip_special_tokens) bytes.append(it->first);
          continue;
        }
      }
      if (id + 1 < off_.size()) bytes.append(token_bytes(id));
    }
    return detail::utf8_lossy(bytes);
  }

  std::string name() const override { return name_; }
  TokenId eos_token_id() const override {
    for (const auto& [text, id] : specials_)
      if (text == "<|endoftext|>") return id;
    return kNoToken;
  }

 private:
  static constexpr size_t kReleaseChunk = 256 * 1024;
  // bytes_ holds, in rank order, each token as its rank (4 bytes, native order) followed by
  // its bytes, so that an index hit finds the rank beside the bytes it compares.
  static constexpr uint32_t kRankBytes = 4;
  // The index: open addressing with linear probing over a power-of-two table of at least
  // kMinSlotsPerToken slots per token (load at most 0.5, about 0.38 for o200k_base and
  // cl100k_base: a miss, the usual outcome in the merge loop, ends after one or two probes).
  static constexpr double kMinSlotsPerToken = 2.0;
  struct Slot {
    uint32_t off = 0;  // the token's bytes in bytes_ (its rank is the 4 bytes before)
    uint32_t tag = 0;  // 0: empty; else hash (high 24 bits) | min(len, 255) (len >= 1)
  };
  static uint32_t slot_tag(uint64_t h, size_t len) {
    return (static_cast<uint32_t>(h) & 0xFFFFFF00u) |
           static_cast<uint32_t>(std::min<size_t>(len, 255));
  }

  void append_token(uint32_t rank, std::string_view tok) {
    char r[kRankBytes];
    std::memcpy(r, &rank, kRankBytes);
    bytes_.append(r, kRankBytes);
    bytes_.append(tok);
    off_.push_back(static_cast<uint32_t>(bytes_.size()));
  }

  // The bytes of rank r (empty when there is no such rank).
  std::string_view token_bytes(uint32_t r) const {
    if (off_[r + 1] == off_[r]) return {};
    return {bytes_.data() + off_[r] + kRankBytes, off_[r + 1] - off_[r] - kRankBytes};
  }

  uint32_t rank_at(uint32_t off) const {
    uint32_t r;
    std::memcpy(&r, bytes_.data() + off - kRankBytes, kRankBytes);
    return r;
  }

  static size_t page_size() {
    static const size_t n = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    return n;
  }

  static uintptr_t page_ceil(const char* p) {
    return (reinterpret_cast<uintptr_t>(p) + page_size() - 1) & ~(page_size() - 1);
  }

  // Drops the whole pages in [from, e) from the resident set once they make a chunk (or
  // always with `last`); returns the new start. They are re-read from the file if touched
  // again, so this is only for read-only file-backed data.
  static uintptr_t release_pages(uintptr_t from, const char* e, bool last) {
    uintptr_t z = reinterpret_cast<uintptr_t>(e) & ~(page_size() - 1);
    if (z <= from || (!last && z - from < kReleaseChunk)) return from;
    madvise(reinterpret_cast<void*>(from), z - from, MADV_DONTNEED);
    return z;
  }

  size_t slot_of(uint64_t h) const { return static_cast<size_t>(h >> shift_); }

  // The hash index over bytes_ (later ranks win for duplicate bytes, as tiktoken's dict), and
  // the direct table of two-byte tokens.
  void build_index() {
    size_t n = 0;
    for (size_t r = 0; r + 1 < off_.size(); ++r) n += off_[r + 1] > off_[r];
    size_t cap = 16;
    while (static_cast<double>(cap) < static_cast<double>(n) * kMinSlotsPerToken) cap <<= 1;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    shift_ = 64 - static_cast<unsigned>(__builtin_ctzll(cap));
    pair_rank_.assign(65536, kNoRank);
    for (uint32_t r = 0; r + 1 < off_.size(); ++r) {
      std::string_view tok = token_bytes(r);
      if (tok.empty()) continue;
      if (tok.size() == 2)
        pair_rank_[(static_cast<unsigned char>(tok[0]) << 8) | static_cast<unsigned char>(tok[1])] =
            r;
      uint64_t h = detail::hash_bytes(tok.data(), tok.size());
      uint32_t tag = slot_tag(h, tok.size());
      auto off = static_cast<uint32_t>(tok.data() - bytes_.data());
      for (size_t i = slot_of(h);; i = (i + 1) & mask_) {
        Slot& s = slots_[i];
        if (s.tag == 0 || (s.tag == tag && token_bytes(rank_at(s.off)) == tok)) {
          s = {off, tag};
          break;
        }
      }
    }
  }

  uint32_t find_rank(std::string_view key) const {
    uint64_t h = detail::hash_bytes(key.data(), key.size());
    uint32_t tag = slot_tag(h, key.size());
    for (size_t i = slot_of(h);; i = (i + 1) & mask_) {
      const Slot s = slots_[i];
      if (s.tag == 0) return kNoRank;
      if (s.tag != tag) continue;
      if (key.size() < 255) {  // the tag holds the exact length
        if (detail::same_bytes(bytes_.data() + s.off, key.data(), key.size()))
          return rank_at(s.off);
      } else if (token_bytes(rank_at(s.off)) == key) {
        return rank_at(s.off);
      }
    }
  }

  template <class F>
  static void with_valid(std::string_view text, F&& f) {
    if (detail::valid_utf8_prefix(text) == text.size()) {
      f(text);
    } else {
      std::string fixed = detail::utf8_lossy(text);
      f(std::string_view(fixed));
    }
  }

  // Per thread, per tokenizer: the ids of recently seen short pieces, direct-mapped by hash.
  // Prose repeats its words, and an entry (56 bytes, in a 0.9 MB table that stays in L2) is
  // cheaper to reach than the rank table (megabytes: a miss on its slot and one on its bytes)
  // or a BPE merge. Keyed by the tokenizer's serial, not its address (which a later one may reuse).
  struct PieceCache {
    static constexpr size_t kEntries = 16384;
    static constexpr size_t kMaxKey = 22;
    static constexpr size_t kMaxIds = 6;
    struct Entry {
      uint64_t hash = 0;
      uint8_t len = 0;  // 0: empty
      uint8_t n = 0;
      char key[kMaxKey];
      uint32_t ids[kMaxIds];
    };
    uint64_t owner = 0;
    std::unique_ptr<Entry[]> e;
  };
  static_assert(sizeof(PieceCache::Entry) == 56);

  PieceCache& piece_cache() const {
    thread_local PieceCache c;
    if (c.owner != serial_) {
      if (!c.e) c.e.reset(new PieceCache::Entry[PieceCache::kEntries]);
      std::fill_n(c.e.get(), PieceCache::kEntries, PieceCache::Entry{});
      c.owner = serial_;
    }
    return c;
  }

  template <class Sink>
  void encode_piece(std::string_view piece, Sink& sink) const {
    uint32_t r = find_rank(piece);
    if (r != kNoRank)
      sink(r);
    else
      byte_pair_encode(piece, sink);
  }

  template <class Sink>
  void encode_ordinary(std::string_view text, Sink&& sink) const {
    PieceCache& cache = piece_cache();
    regex_.for_each(text, [&](size_t s, size_t e) {
      std::string_view piece = text.substr(s, e - s);
      if (piece.size() > PieceCache::kMaxKey) return encode_piece(piece, sink);
      const uint64_t h = detail::hash_bytes(piece.data(), piece.size());
      PieceCache::Entry& slot = cache.e[h & (PieceCache::kEntries - 1)];
      if (slot.hash == h && slot.len == piece.size() &&
          std::memcmp(slot.key, piece.data(), piece.size()) == 0) {
        for (uint8_t i = 0; i < slot.n; ++i) sink(slot.ids[i]);
        return;
      }
      uint32_t ids[PieceCache::kMaxIds];
      size_t n = 0;
      bool fits = true;
      auto collect = [&](uint32_t id) {
        sink(id);
        if (n < PieceCache::kMaxIds)
          ids[n++] = id;
        else
          fits = false;
      };
      encode_piece(piece, collect);
      if (!fits || n == 0) return;
      slot.hash = h;
      slot.len = static_cast<uint8_t>(piece.size());
      slot.n = static_cast<uint8_t>(n);
      std::memcpy(slot.key, piece.data(), piece.size());
      std::memcpy(slot.ids, ids, n * sizeof(uint32_t));
    });
  }

  template <class Sink>
  void encode_with_specials(std::string_view text, Sink&& sink) const {
    size_t start = 0;
    while (true) {
      size_t best = std::string_view::npos, best_len = 0;
      uint32_t best_id = 0;
      for (const auto& [tok, id] : specials_) {
        size_t p = text.find(tok, start);
        if (p == std::string_view::npos) continue;
        if (p < best || (p == best && tok.size() > best_len)) {
          best = p;
          best_len = tok.size();
          best_id = id;
        }
      }
      size_t end = best == std::string_view::npos ? text.size() : best;
      encode_ordinary(text.substr(start, end - start), sink);
      if (best == std::string_view::npos) break;
      sink(best_id);
      start = best + best_len;
    }
  }

  uint32_t rank_of(std::string_view piece, size_t a, size_t b) const {
    if (b - a == 2)
      return pair_rank_[(static_cast<unsigned char>(piece[a]) << 8) |
                        static_cast<unsigned char>(piece[a + 1])];
    return find_rank(piece.substr(a, b - a));
  }

  // tiktoken's byte-pair merge: repeatedly merge the adjacent pair whose concatenation has the
  // lowest rank (leftmost on ties). Small pieces use the quadratic scan; long ones a heap.
  template <class Sink>
  void byte_pair_encode(std::string_view piece, Sink&& sink) const {
    size_t n = piece.size();
    if (n == 1) {
      uint32_t r = find_rank(piece);
      if (r != kNoRank) sink(r);
      return;
    }
    if (n > g_heap_threshold.load(std::memory_order_relaxed))
      return byte_pair_encode_long(piece, sink);
    struct Part {
      uint32_t start;
      uint32_t rank;
    };
    Part parts[258];
    size_t np = 0;
    uint32_t min_rank = kNoRank;
    size_t min_i = 0;
    for (size_t i = 0; i + 1 < n; ++i) {
      uint32_t r = rank_of(piece, i, i + 2);
      if (r < min_rank) {
        min_rank = r;
        min_i = i;
      }
      parts[np++] = {static_cast<uint32_t>(i), r};
    }
    parts[np++] = {static_cast<uint32_t>(n - 1), kNoRank};
    parts[np++] = {static_cast<uint32_t>(n), kNoRank};
    auto get_rank = [&](size_t i) {
      return i + 3 < np ? rank_of(piece, parts[i].start, parts[i + 3].start) : kNoRank;
    };
    while (min_rank != kNoRank) {
      size_t i = min_i;
      if (i > 0) parts[i - 1].rank = get_rank(i - 1);
      parts[i].rank = get_rank(i);
      std::copy(parts + i + 2, parts + np, parts + i + 1);
      --np;
      min_rank = kNoRank;
      for (size_t k = 0; k + 1 < np; ++k) {
        if (parts[k].rank < min_rank) {
          min_rank = parts[k].rank;
          min_i = k;
        }
      }
    }
    for (size_t k = 0; k + 1 < np; ++k) {
      uint32_t r = rank_of(piece, parts[k].start, parts[k + 1].start);
      if (r != kNoRank) sink(r);
    }
  }

  template <class Sink>
  void byte_pair_encode_long(std::string_view piece, Sink&& sink) const {
    size_t n = piece.size();
    // Parts are identified by their start byte; next_[s] is the start of the following part
    // (n for the last). rank_[s] is the rank of merging part s with its successor.
    std::vector<uint32_t> next(n + 1), prev(n + 1), rank(n + 1, kNoRank);
    std::vector<bool> alive(n + 1, true);
    for (size_t i = 0; i <= n; ++i) {
      next[i] = static_cast<uint32_t>(i + 1);
      prev[i] = static_cast<uint32_t>(i == 0 ? 0 : i - 1);
    }
    using Entry = std::pair<uint32_t, uint32_t>;  // (rank, start): min-heap
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap;
    auto pair_rank = [&](uint32_t s) -> uint32_t {
      if (s >= n) return kNoRank;
      uint32_t m = next[s];
      if (m >= n) return kNoRank;
      return rank_of(piece, s, next[m]);
    };
    for (uint32_t s = 0; s + 1 < n; ++s) {
      rank[s] = pair_rank(s);
      if (rank[s] != kNoRank) heap.emplace(rank[s], s);
    }
    while (!heap.empty()) {
      auto [r, s] = heap.top();
      heap.pop();
      if (!alive[s] || rank[s] != r) continue;
      uint32_t m = next[s];  // absorbed part
      alive[m] = false;
      next[s] = next[m];
      if (next[m] <= n) prev[next[m]] = s;
      rank[s] = pair_rank(s);
      if (rank[s] != kNoRank) heap.emplace(rank[s], s);
      if (s > 0) {
        uint32_t p = prev[s];
        rank[p] = pair_rank(p);
        if (rank[p] != kNoRank) heap.emplace(rank[p], p);
      }
    }
    for (uint32_t s = 0; s < n; s = next[s]) {
      uint32_t r = rank_of(piece, s, next[s]);
      if (r != kNoRank) sink(r);
    }
  }

  std::string name_;
  detail::Regex regex_;
  std::vector<std::pair<std::string, TokenId>> specials_;
  TokenId min_special_ = kNoRank;
  // The ranks: bytes_ holds every token (rank, bytes) back to back in rank order; rank r is
  // bytes_[off_[r], off_[r + 1]) (empty: no such rank). slots_ indexes them by hash.
  std::string bytes_;
  std::vector<uint32_t> off_;
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  unsigned shift_ = 64;
  std::vector<uint32_t> pair_rank_;  // (byte0 << 8 | byte1) -> rank of that 2-byte token
};

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError("cannot read '" + path + "'; check the path and its permissions");
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

void set_tiktoken_heap_threshold_for_tests(size_t n) {
  g_heap_threshold = std::min<size_t>(n, 256);
}

bool known_tiktoken_spec(std::string_view encoding, TiktokenSpec& spec) {
  if (encoding == "o200k_base") {
    spec.pattern = std::string(detail::kPatO200k);
    spec.specials = {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}};
  } else if (encoding == "cl100k_base") {
    spec.pattern = std::string(detail::kPatCl100k);
    spec.specials = {{"<|endoftext|>", 100257},
                     {"<|fim_prefix|>", 100258},
                     {"<|fim_middle|>", 100259},
                     {"<|fim_suffix|>", 100260},
                     {"<|endofprompt|>", 100276}};
  } else if (encoding == "p50k_base") {
    spec.pattern = std::string(detail::kPatR50k);
    spec.specials = {{"<|endoftext|>", 50256}};
  } else if (encoding == "r50k_base" || encoding == "gpt2") {
    spec.pattern = std::string(detail::kPatR50k);
    spec.specials = {{"<|endoftext|>", 50256}};
  } else {
    return false;
  }
  return true;
}

std::shared_ptr<const Tokenizer> make_tiktoken(std::string_view rank_data, const std::string& name,
                                               const std::string& source, TiktokenSpec spec,
                                               bool release_input) {
  std::shared_ptr<TiktokenTokenizer> tok;
  try {
    tok = std::make_shared<TiktokenTokenizer>(name, std::move(spec));
  } catch (const std::runtime_error& e) {
    throw InputError("tiktoken '" + source + "': pattern does not compile (" + e.what() +
                     "); fix pat_str");
  }
  tok->parse_ranks(rank_data, source, release_input);
  return tok;
}

std::shared_ptr<const Tokenizer> load_tiktoken_file(const std::string& path) {
  namespace fs = std::filesystem;
  fs::path p(path);
  std::string stem = p.stem().string();
  TiktokenSpec spec;
  fs::path meta = p.parent_path() / (stem + ".meta.json");
  if (fs::exists(meta)) {
    try {
      auto j = nlohmann::json::parse(read_file(meta.string()));
      spec.pattern = j.at("pat_str").get<std::string>();
      if (j.contains("special_tokens")) {
        const auto& sp = j.at("special_tokens");
        for (auto it = sp.begin(); it != sp.end(); ++it)
          spec.specials.emplace_back(it.key(), it.value().get<TokenId>());
      }
    } catch (const nlohmann::json::exception& e) {
      throw InputError("tiktoken meta file '" + meta.string() +
                       "': expected {\"pat_str\": ..., \"special_tokens\": {...}} (" + e.what() +
                       ")");
    }
  } else if (!known_tiktoken_spec(stem, spec)) {
    throw InputError("tiktoken file '" + path + "': unknown encoding '" + stem +
                     "'; name it o200k_base/cl100k_base/p50k_base/r50k_base.tiktoken or put " +
                     stem + ".meta.json with pat_str and special_tokens beside it");
  }
  std::string data = read_file(path);
  return make_tiktoken(data, stem, path, std::move(spec));
}

}  // namespace aiperf::tokenizer
