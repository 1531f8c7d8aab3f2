// Open-addressing hash maps for vocabularies and merge tables (private to the tokenizer stage).
// Built once at load time, then read-only: safe to query from many threads.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace aiperf::tokenizer::detail {

inline uint64_t hash_bytes(const char* p, size_t n) {
  uint64_t h = 0x9E3779B97F4A7C15ull ^ (n * 0xFF51AFD7ED558CCDull);
  while (n >= 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    h = (h ^ v) * 0x9FB21C651E98DF25ull;
    h ^= h >> 29;
    p += 8;
    n -= 8;
  }
  if (n) {
    uint64_t v = 0;
    std::memcpy(&v, p, n);
    h = (h ^ v) * 0x9FB21C651E98DF25ull;
  }
  h ^= h >> 32;
  h *= 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  return h;
}

// Equality of two byte ranges of the same length; short keys (most tokens) avoid a libc call.
inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n <= 16) {
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  return std::memcmp(a, b, n) == 0;
}

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xFF51AFD7ED558CCDull;
  x ^= x >> 33;
  x *= 0xC4CEB9FE1A85EC53ull;
  x ^= x >> 33;
  return x;
}

/// Byte string -> uint32 value. Keys are copied into one arena.
class BytesMap {
 public:
  static constexpr uint32_t kMissing = UINT32_MAX;

  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    size_ = 0;
    arena_.reserve(n * 8);
  }

  /// Inserts or overwrites.
  void set(std::string_view key, uint32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) grow();
    uint64_t h = hash_bytes(key.data(), key.size());
    size_t i = h & mask_;
    auto tag = static_cast<uint32_t>(h >> 32);
    while (true) {
      Slot& s = slots_[i];
      if (s.len == kEmpty) {
        s.off = static_cast<uint32_t>(arena_.size());
        s.len = static_cast<uint32_t>(key.size());
        s.tag = tag;
        s.value = value;
        arena_.append(key);
        ++size_;
        return;
      }
      if (s.tag == tag && s.len == key.size() &&
          std::memcmp(arena_.data() + s.off, key.data(), key.size()) == 0) {
        s.value = value;
        return;
      }
      i = (i + 1) & mask_;
    }
  }

  uint32_t find(std::string_view key) const {
    if (slots_.empty()) return kMissing;
    uint64_t h = hash_bytes(key.data(), key.size());
    size_t i = h & mask_;
    auto tag = static_cast<uint32_t>(h >> 32);
    while (true) {
      const Slot& s = slots_[i];
      if (s.len == kEmpty) return kMissing;
      if (s.tag == tag && s.len == key.size() &&
          same_bytes(arena_.data() + s.off, key.data(), key.size()))
        return s.value;
      i = (i + 1) & mask_;
    }
  }

  size_t size() const { return size_; }

 private:
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Slot {
    uint32_t off = 0;
    uint32_t len = kEmpty;
    uint32_t tag = 0;
    uint32_t value = 0;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    std::string old_arena = std::move(arena_);
    reserve(old.empty() ? 16 : old.size());
    arena_.reserve(old_arena.size());
    for (const Slot& s : old)
      if (s.len != kEmpty) set(std::string_view(old_arena.data() + s.off, s.len), s.value);
  }
  std::vector<Slot> slots_;
  std::string arena_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

/// (uint32, uint32) -> (rank, id): the BPE merge table.
class PairMap {
 public:
  struct Value {
    uint32_t rank;
    uint32_t id;
  };
  void reserve(size_t n) {
    size_t cap = 16;
    while (cap < n * 2) cap <<= 1;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
  }
  /// Inserts or overwrites (a merge listed twice keeps its last rank, as HF's map does).
  /// reserve() must have been called with the final count.
  void set(uint32_t a, uint32_t b, Value v) {
    uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
    size_t i = mix64(key) & mask_;
    while (slots_[i].key != kEmpty && slots_[i].key != key) i = (i + 1) & mask_;
    slots_[i].key = key;
    slots_[i].value = v;
  }
  const Value* find(uint32_t a, uint32_t b) const {
    if (slots_.empty()) return nullptr;
    uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
    size_t i = mix64(key) & mask_;
    while (true) {
      const Slot& s = slots_[i];
      if (s.key == key) return &s.value;
      if (s.key == kEmpty) return nullptr;
      i = (i + 1) & mask_;
    }
  }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;
  struct Slot {
    uint64_t key = kEmpty;
    Value value{};
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

/// A byte trie for prefix searches (added-token matching, Unigram lattices).
class ByteTrie {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  /// `total_bytes` bounds the number of nodes: the sum of the key lengths to be inserted.
  void reserve(size_t total_bytes) {
    edges_.reserve(total_bytes + 1);
    values_.reserve(total_bytes + 1);
    values_.assign(1, kNone);
  }
  void insert(std::string_view key, uint32_t value) {
    uint32_t node = 0;
    for (unsigned char c : key) {
      const PairMap::Value* e = edges_.find(node, c);
      if (e) {
        node = e->id;
      } else {
        auto child = static_cast<uint32_t>(values_.size());
        values_.push_back(kNone);
        edges_.set(node, c, {0, child});
        node = child;
      }
    }
    if (!key.empty()) first_start_[static_cast<unsigned char>(key[0])] = true;
    values_[node] = value;
  }
  /// Calls fn(length, value) for every key that is a prefix of [p, p+n), shortest first.
  template <class F>
  void prefixes(const char* p, size_t n, F&& fn) const {
    uint32_t node = 0;
    for (size_t i = 0; i < n; ++i) {
      const PairMap::Value* e = edges_.find(node, static_cast<unsigned char>(p[i]));
      if (!e) return;
      node = e->id;
      if (values_[node] != kNone) fn(i + 1, values_[node]);
    }
  }
  /// Could a key start with byte `c`? (a cheap filter before walking the trie)
  bool may_start(unsigned char c) const { return first_start_[c]; }
  bool empty() const { return values_.size() <= 1; }

 private:
  PairMap edges_;
  std::vector<uint32_t> values_;
  bool first_start_[256] = {};
};

}  // namespace aiperf::tokenizer::detail
