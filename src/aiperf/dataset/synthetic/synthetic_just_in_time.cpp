// Synthetic datasets rebuilt just in time (docs/architecture.md "Datasets rendered just in
// time"): instead of one held conversation per entry (~6 KB at the default ISL), a copy of the
// random streams every kBlock conversations (~0.5 KB each). Conversation i is rebuilt by
// resuming the streams from its block's checkpoint and stepping to i; in ascending order (the
// default sequential sampling) a cursor just keeps stepping.
#include <cstdlib>

#include "aiperf/common/cancel.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/dataset/synthetic/synthetic_plan.h"

namespace aiperf::dataset {

namespace {

constexpr size_t kBlock = 512;
constexpr double kHeldBytesLimit = 64e6;    // above this, rebuild just in time
constexpr double kBytesPerToken = 4.5 * 2;  // prompt text, then the same text in its body

class JustInTimeSynthetic final : public ConversationSource {
 public:
  JustInTimeSynthetic(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                      const RngManager& rngs)
      : builder_(cfg, tok, rngs), n_(size_t(cfg.num_dataset_entries)) {
    detail::SyntheticCursor cursor = builder_.cursor();
    if (cursor.needs_batch_lengths()) {
      detail::SyntheticCursor pass = cursor;
      for (size_t i = 0; i < n_; ++i) {
        if (i % 4096 == 0) throw_if_stop_requested();
        pass.step();
      }
      cursor.set_batch_length_stream(pass.length_stream());
    }
    const bool multi_turn = cfg.session_turns_mean > 1.0 || cfg.session_turns_stddev > 0.0;
    if (multi_turn) turns_.reserve(n_);
    checkpoints_.reserve(n_ / kBlock + 1);
    for (size_t i = 0; i < n_; ++i) {
      if (i % kBlock == 0) {
        throw_if_stop_requested();
        checkpoints_.push_back(cursor);
      }
      detail::ConversationPlan plan = cursor.step();
      if (multi_turn) turns_.push_back(uint32_t(plan.turns.size()));
    }
  }

  size_t size() const override { return n_; }
  uint32_t turns(size_t i) const override { return turns_.empty() ? 1 : turns_[i]; }
  std::vector<uint32_t> turn_counts() const override { return turns_; }
  size_t memory_bytes() const override {
    return checkpoints_.capacity() * sizeof(detail::SyntheticCursor) +
           turns_.capacity() * sizeof(uint32_t);
  }

  class Reader final : public Cursor {
   public:
    explicit Reader(const JustInTimeSynthetic& src) : src_(src), cur_(src.checkpoints_.front()) {}
    Conversation read(size_t i) override {
      // Resume from i's checkpoint unless i lies ahead in the current block.
      if (i < cur_.index() || i / kBlock != cur_.index() / kBlock) {
        cur_ = src_.checkpoints_[i / kBlock];
      }
      while (cur_.index() < i) cur_.step();
      return src_.builder_.build(cur_.step());
    }

   private:
    const JustInTimeSynthetic& src_;
    detail::SyntheticCursor cur_;
  };
  std::unique_ptr<Cursor> open() const override { return std::make_unique<Reader>(*this); }

 private:
  detail::SyntheticBuilder builder_;
  size_t n_;
  std::vector<detail::SyntheticCursor> checkpoints_;
  std::vector<uint32_t> turns_;  // empty: every conversation has one turn
};

}  // namespace

bool synthetic_just_in_time(const config::Config& cfg) {
  if (config::is_rankings_endpoint(cfg.endpoint_type)) return false;  // build_synthetic_rankings
  if (cfg.images_enabled() || cfg.audio_enabled() || cfg.video_enabled()) return false;
  if (cfg.timing_mode != config::TimingMode::kConcurrency &&
      cfg.timing_mode != config::TimingMode::kRequestRate) {
    return false;
  }
  if (const char* env = std::getenv("AIPERF_JIT_MIN_ENTRIES")) {
    return cfg.num_dataset_entries >= std::atoll(env);
  }
  const double isl = cfg.isl_mean > 0 ? double(cfg.isl_mean) : 1.0;
  const double batch = double(std::max<int64_t>(cfg.prompt_batch_size, 1));
  return double(cfg.num_dataset_entries) * cfg.session_turns_mean * isl * batch * kBytesPerToken >
         kHeldBytesLimit;
}

Dataset build_synthetic_just_in_time(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                                     const RngManager& rngs) {
  detail::validate_synthetic(cfg);
  Dataset ds;
  ds.source = std::make_shared<JustInTimeSynthetic>(cfg, tok, rngs);
  return ds;
}

}  // namespace aiperf::dataset
