#include "aiperf/dataset/custom/hash_prompts.h"

#include "aiperf/dataset/custom/parallel.h"

namespace aiperf::dataset::custom {
namespace {

uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

/// A special token whose text counts as exactly one token (BOS first, as AIPerf prefers BOS
/// and falls back to EOS).
std::string find_separator(const tokenizer::Tokenizer& tok) {
  for (const char* c : {"<|begin_of_text|>", "<s>", "<bos>", "<|endoftext|>", "</s>",
                        "<|end_of_text|>", "<eos>", "[CLS]"}) {
    if (tok.count(c) == 1) return c;
  }
  return {};
}

}  // namespace

HashPromptBuilder::HashPromptBuilder(const tokenizer::Tokenizer& tok, const PromptGenerator& gen,
                                     uint64_t seed, int64_t block_size)
    : tok_(tok), gen_(gen), seed_(seed), block_size_(block_size), sep_(find_separator(tok)) {}

HashPromptBuilder::Block HashPromptBuilder::make_block(int64_t id, int64_t len) const {
  const int64_t start = int64_t(mix(seed_ ^ mix(uint64_t(id))) % uint64_t(gen_.corpus_tokens()));
  if (!sep_.empty()) {
    Prompt p = gen_.generate_at(start, len - 1);
    return Block{sep_ + p.text, p.tokens + 1};
  }
  Prompt p = gen_.generate_at(start, len);
  return Block{std::move(p.text), p.tokens};
}

const HashPromptBuilder::Block& HashPromptBuilder::block(int64_t id, int64_t len) {
  Key key{id, len};
  auto it = cache_.find(key);
  if (it != cache_.end() && !it->second.text.empty()) return it->second;
  return cache_.insert_or_assign(key, make_block(id, len)).first->second;
}

void HashPromptBuilder::plan(const std::vector<int64_t>& ids, int64_t input_length,
                             const SourcePos& pos) {
  if (ids.empty()) return;
  const int64_t n = int64_t(ids.size());
  const int64_t last = final_block(n, input_length, pos);
  for (int64_t i = 0; i < n; ++i) {
    Key key{ids[size_t(i)], i + 1 == n ? last : block_size_};
    if (cache_.try_emplace(key).second) pending_.push_back(key);
  }
}

void HashPromptBuilder::generate_pending() {
  // Every key is already in the map, so the threads only write distinct values.
  parallel_for(pending_.size(), [&](size_t i) {
    const Key& k = pending_[i];
    cache_.find(k)->second = make_block(k.id, k.len);
  });
  pending_.clear();
}

Prompt HashPromptBuilder::assemble(const std::vector<int64_t>& ids, int64_t input_length) const {
  if (ids.empty()) return {};
  return join(ids, input_length - (int64_t(ids.size()) - 1) * block_size_);
}

Prompt HashPromptBuilder::join(const std::vector<int64_t>& ids, int64_t last) const {
  Prompt p;
  int64_t sum = 0;
  const size_t n = ids.size();
  for (size_t i = 0; i < n; ++i) {
    const Block& b = cache_.at(Key{ids[i], i + 1 == n ? last : block_size_});
    p.text += b.text;
    sum += b.tokens;
  }
  p.tokens = sep_.empty() ? int64_t(tok_.count(p.text)) : sum;
  return p;
}

Prompt HashPromptBuilder::assemble_fresh(const std::vector<int64_t>& ids, int64_t input_length,
                                         BlockCache& cache) const {
  if (ids.empty()) return {};
  const size_t n = ids.size();
  const int64_t last = input_length - (int64_t(n) - 1) * block_size_;
  Prompt p;
  int64_t sum = 0;
  for (size_t i = 0; i < n; ++i) {
    const int64_t len = i + 1 == n ? last : block_size_;
    const uint64_t key = mix(uint64_t(ids[i])) ^ uint64_t(len) * 0x9E3779B97F4A7C15ULL;
    auto it = cache.map_.find(key);
    if (it == cache.map_.end() || it->second.id != ids[i] || it->second.len != len) {
      if (cache.map_.size() >= cache.max_) cache.map_.clear();
      Block b = make_block(ids[i], len);
      it = cache.map_
               .insert_or_assign(key, BlockCache::Entry{ids[i], len, std::move(b.text), b.tokens})
               .first;
    }
    p.text += it->second.text;
    sum += it->second.tokens;
  }
  // As join(): with a separator the blocks cannot merge across borders.
  p.tokens = sep_.empty() ? int64_t(tok_.count(p.text)) : sum;
  return p;
}

int64_t HashPromptBuilder::final_block(int64_t n, int64_t input_length,
                                       const SourcePos& pos) const {
  const int64_t last = input_length - (n - 1) * block_size_;
  if (last <= 0 || last > block_size_) {
    fail(pos, "hash_ids",
         "input_length " + std::to_string(input_length) + " and " + std::to_string(n) +
             " hash_ids are not compatible. The final hash block size " + std::to_string(last) +
             " must be in 1.." + std::to_string(block_size_) + " (block size " +
             std::to_string(block_size_) +
             ", set with --isl-block-size; expected ceil(input_length / block size) ids)");
  }
  return last;
}

Prompt HashPromptBuilder::build(const std::vector<int64_t>& ids, int64_t input_length,
                                const SourcePos& pos) {
  if (ids.empty()) return {};
  const int64_t n = int64_t(ids.size());
  const int64_t last = final_block(n, input_length, pos);
  for (int64_t i = 0; i < n; ++i) block(ids[size_t(i)], i + 1 == n ? last : block_size_);
  return join(ids, last);
}

}  // namespace aiperf::dataset::custom
