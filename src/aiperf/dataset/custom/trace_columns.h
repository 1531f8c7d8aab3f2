// Private to the dataset stage: single-turn trace rows kept as columns (docs/architecture.md
// "Datasets rendered just in time"). A plain Mooncake or BurstGPT row (input_length, maybe
// hash_ids, timestamp and output length; no session, text, messages, payload or extra) is a
// few numbers: the whole of a multi-million-row trace fits in tens of bytes a row, and each
// prompt is built when its session is about to be sent -- the same text the held dataset would
// hold (hash-id blocks are a function of the seed and the id, corpus prompts of their drawn
// start).
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/dataset/custom/hash_prompts.h"
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset::custom {

class TraceColumns final : public ConversationSource {
 public:
  /// `models`: the run's --model list (rows store an index). Keeps its own corpus generator;
  /// `tok` must outlive it.
  TraceColumns(const tokenizer::Tokenizer& tok, const RngManager& rngs, int64_t block_size,
               std::vector<std::string> models);
  ~TraceColumns() override;

  struct Row {
    std::optional<int64_t> timestamp_ms;
    int64_t input_length = 0;
    std::optional<int64_t> max_tokens;
    std::string_view model;
    int64_t corpus_start = 0;  // used when `ids` is empty
    const std::vector<int64_t>* ids = nullptr;
  };
  void add(const Row& r);
  /// Whether a row's hash ids fit the columns (each in int32's range).
  static bool ids_fit(const std::vector<int64_t>& ids);
  /// After the last add(): releases spare blocks.
  void finish();

  size_t size() const override { return ts_.size(); }
  uint32_t turns(size_t) const override { return 1; }
  std::vector<uint32_t> turn_counts() const override { return {}; }
  size_t memory_bytes() const override;
  std::optional<int64_t> first_timestamp_ms(size_t i) const override;
  std::unique_ptr<Cursor> open() const override;
  /// Input tokens of every row (to choose between holding the prompts and this form).
  double total_input_tokens() const { return total_tokens_; }
  /// The row as the held dataset has it, prompt not built: (text empty, input_tokens = the
  /// row's input_length) -- and the prompt job that would build it.
  Conversation shell(size_t i) const;
  int64_t corpus_start(size_t i) const { return start_[i]; }
  std::vector<int64_t> ids(size_t i) const;

 private:
  class Reader;
  const tokenizer::Tokenizer& tok_;
  RngManager rngs_;
  std::vector<std::string> models_;
  std::unique_ptr<PromptGenerator> gen_;
  std::unique_ptr<HashPromptBuilder> hashes_;
  static constexpr int64_t kNone = INT64_MIN;
  std::vector<int64_t> ts_;  // kNone: no timestamp
  std::vector<int32_t> isl_;
  std::vector<int32_t> max_tokens_;  // -1: none
  std::vector<uint16_t> model_;      // index into models_, UINT16_MAX: none
  std::vector<int32_t> start_;       // corpus start (rows without hash ids)
  std::vector<uint32_t> ids_end_;    // end of the row's ids in ids_ (begin: previous row's end)
  std::vector<int32_t> ids_;         // hash ids (plain rows have ids in int32's range)
  double total_tokens_ = 0;
};

}  // namespace aiperf::dataset::custom
