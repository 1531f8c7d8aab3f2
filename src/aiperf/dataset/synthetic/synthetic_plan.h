// Private to the dataset stage: synthetic conversations (spec §4.3) as two steps, so that one
// conversation can be rebuilt on its own (docs/architecture.md "Datasets rendered just in time"):
//
//  1. SyntheticCursor draws the random part of conversation i (lengths, model, delays, corpus
//     start positions, prefix picks) from its streams and moves on to i + 1. Every stream is its
//     own seeded Rng, so the draws of each stream are the same, in the same order, whether the
//     conversations are stepped through all at once or resumed from a copy of the cursor.
//  2. SyntheticBuilder turns a plan into a Conversation (prompt texts of exact token counts):
//     no randomness, thread-safe.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/config/workload.h"
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset::detail {

/// A prompt still to build: `tokens` tokens from corpus token `start`.
struct TextJob {
  int64_t start = 0;
  int64_t tokens = 0;
};

struct TurnPlan {
  int64_t isl = 0;  // the drawn input length (0: a turn without text, --isl 0)
  std::optional<int64_t> max_tokens;
  std::string model;
  std::optional<int64_t> delay_ms;
  std::vector<TextJob> texts;  // one (batch 1), --prompt-batch-size (batch > 1) or none
};

struct ConversationPlan {
  size_t index = 0;
  std::vector<TurnPlan> turns;
  std::vector<uint32_t> prefixes;        // prefix-pool picks of the first turn (one per text)
  std::optional<int64_t> context_start;  // user-context prompt start (context corpus stream)
};

/// --seq-dist sampler (spec §4.4): one uniform draw picks the pair by cumulative probability; a
/// pair with a stddev draws its lengths with the positive-normal rule.
class SeqDist {
 public:
  explicit SeqDist(std::vector<config::SeqDistPair> pairs);
  std::pair<int64_t, int64_t> sample(Rng& rng) const;

 private:
  std::vector<config::SeqDistPair> pairs_;
  std::vector<double> cumulative_;
};

/// The random streams of a synthetic dataset, positioned at one conversation. Copyable: a copy
/// is a checkpoint. Not thread-safe.
class SyntheticCursor {
 public:
  /// `corpus_tokens` / `context_corpus_tokens`: sizes of the tokenized corpora the start
  /// positions are drawn over; `pool_size`: prefix-pool prompts (0 = none).
  SyntheticCursor(const config::Config& cfg, const RngManager& rngs, int64_t corpus_tokens,
                  int64_t context_corpus_tokens, size_t pool_size);
  /// Draws conversation index() and moves to the next one.
  ConversationPlan step();
  size_t index() const { return index_; }
  /// The lengths of batched prompts 2..k are drawn from the length stream after the first
  /// lengths of every conversation (as the original two-loop build did): the builder runs the
  /// cursor once over the dataset, then hands it the length stream's end state here.
  bool needs_batch_lengths() const { return batch_lengths_; }
  const Rng& length_stream() const { return length_; }
  void set_batch_length_stream(const Rng& r) { batch_length_ = r; }

 private:
  const config::Config* cfg_;
  std::shared_ptr<const SeqDist> seq_dist_;  // shared by copies (checkpoints)
  size_t batch_;
  bool batch_lengths_;
  bool prefix_;
  bool has_context_;
  int64_t corpus_tokens_, context_corpus_tokens_;
  size_t pool_size_;
  Rng length_, model_, max_tokens_, turn_count_, turn_delay_, seq_rng_, prefix_rng_, corpus_,
      context_rng_, batch_length_;
  size_t index_ = 0;
  uint64_t turn_counter_ = 0;
};

/// Builds conversations from plans: the prompt texts (corpus slices re-tokenized to exact
/// counts), batch joins, prefix-pool prompts, the shared system prompt and user context.
/// Immutable after construction; build() may run on many threads at once. Keeps copies of the
/// configuration and the seeds; `tok` must outlive it.
class SyntheticBuilder {
 public:
  SyntheticBuilder(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                   const RngManager& rngs);
  ~SyntheticBuilder();
  SyntheticCursor cursor() const;
  Conversation build(const ConversationPlan& plan) const;
  /// Session id of conversation `i`: "session_%06zu" with a seed; without one, a UUID4 derived
  /// from the (randomly drawn) root seed and `i`, so that a conversation rebuilt later has the
  /// same id.
  std::string session_id(size_t i) const;

 private:
  config::Config cfg_;
  const tokenizer::Tokenizer& tok_;
  RngManager rngs_;
  PromptGenerator gen_;
  std::optional<PromptGenerator> context_gen_;
  std::vector<std::string> pool_;      // prefix prompts
  std::optional<std::string> system_;  // shared system prompt
};

/// Session id of synthetic conversation `i` (SyntheticBuilder::session_id; rankings data too).
std::string synthetic_session_id(const RngManager& rngs, size_t i);

/// Throws ConfigError for impossible synthetic settings.
void validate_synthetic(const config::Config& cfg);

}  // namespace aiperf::dataset::detail
