// Private: prompts rebuilt from trace hash_ids (spec §4.5 mooncake_trace): one token block per
// hash id, generated once and cached, so equal ids give byte-identical text blocks and traces
// that share leading ids share a prompt prefix (the point of these traces: prefix-cache reuse).
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

class HashPromptBuilder {
 public:
  /// `seed` fixes each block's corpus position (a function of (seed, hash id) only, so a block
  /// does not depend on which trace line used its id first). `gen` and `tok` outlive this.
  HashPromptBuilder(const tokenizer::Tokenizer& tok, const PromptGenerator& gen, uint64_t seed,
                    int64_t block_size);

  /// Text for `input_length` tokens made of len(ids) blocks: every block has block_size tokens
  /// except the last, which has input_length - (len(ids) - 1) * block_size (must be in
  /// 1..block_size, else InputError at `pos`). Each block starts with the tokenizer's BOS/EOS-
  /// like special token when it has one, which keeps block boundaries from merging, so the
  /// token count is exact.
  Prompt build(const std::vector<int64_t>& ids, int64_t input_length, const SourcePos& pos);

  /// Two-step use for large traces: plan() checks a row and notes the blocks it needs (cheap,
  /// in file order); generate_pending() builds every noted block on several threads;
  /// assemble() then joins a row's blocks and counts its tokens (const, thread-safe).
  void plan(const std::vector<int64_t>& ids, int64_t input_length, const SourcePos& pos);
  /// The validation of plan() alone (InputError at `pos` when the ids do not fit the length).
  void check(const std::vector<int64_t>& ids, int64_t input_length, const SourcePos& pos) const {
    if (!ids.empty()) final_block(int64_t(ids.size()), input_length, pos);
  }
  void generate_pending();
  Prompt assemble(const std::vector<int64_t>& ids, int64_t input_length) const;

  /// A small per-caller cache of blocks for assemble_fresh() (the first blocks of trace rows are
  /// often shared); emptied when it holds `max_blocks`.
  class BlockCache {
   public:
    explicit BlockCache(size_t max_blocks = 4096) : max_(max_blocks) {}

   private:
    friend class HashPromptBuilder;
    size_t max_;
    struct Entry {
      int64_t id = 0, len = 0;
      std::string text;
      int64_t tokens = 0;
    };
    std::unordered_map<uint64_t, Entry> map_;  // key: (id, len) mixed; the entry says which
  };
  /// assemble() for prompts built just in time: the blocks are made when needed (through
  /// `cache`, not the builder's own), so nothing grows with the trace. The same text as
  /// build()/assemble() give. Thread-safe (const) with one cache per thread.
  Prompt assemble_fresh(const std::vector<int64_t>& ids, int64_t input_length,
                        BlockCache& cache) const;

  int64_t block_size() const { return block_size_; }
  /// The separator text used at the start of every block ("" when the tokenizer has none).
  const std::string& separator() const { return sep_; }
  size_t cached_blocks() const { return cache_.size(); }

 private:
  struct Block {
    std::string text;
    int64_t tokens = 0;  // the block's own token count
  };
  const Block& block(int64_t id, int64_t len);
  Block make_block(int64_t id, int64_t len) const;
  /// Joins the cached blocks of a row; with a separator the blocks cannot merge across their
  /// borders, so the count is the sum of theirs, otherwise the joined text is counted.
  Prompt join(const std::vector<int64_t>& ids, int64_t last) const;
  int64_t final_block(int64_t n_ids, int64_t input_length, const SourcePos& pos) const;

  const tokenizer::Tokenizer& tok_;
  const PromptGenerator& gen_;
  uint64_t seed_;
  int64_t block_size_;
  std::string sep_;
  struct Key {
    int64_t id, len;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const { return std::hash<int64_t>()(k.id * 1000003 + k.len); }
  };
  std::unordered_map<Key, Block, KeyHash> cache_;
  std::vector<Key> pending_;
};

}  // namespace aiperf::dataset::custom
