// Synthetic conversations as plans and builds (see synthetic_plan.h).
#include "aiperf/dataset/synthetic/synthetic_plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "aiperf/common/error.h"
#include "aiperf/config/workload.h"
#include "aiperf/endpoint/endpoint.h"

namespace aiperf::dataset::detail {

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

void validate_synthetic(const config::Config& cfg) {
  if (cfg.num_dataset_entries < 1) {
    throw ConfigError("--num-dataset-entries must be at least 1 (got " +
                      std::to_string(cfg.num_dataset_entries) + ")");
  }
  if (cfg.isl_mean < 0) {
    throw ConfigError("--isl must be >= 0 (got " + std::to_string(cfg.isl_mean) + ")");
  }
  if (cfg.isl_mean == 0 && !cfg.seq_dist && !cfg.images_enabled() && !cfg.audio_enabled() &&
      !cfg.video_enabled()) {
    throw ConfigError(
        "--isl 0: All synthetic data are disabled. Please enable at least one of prompt, image, "
        "audio, or video by setting the mean to a positive value.");
  }
  if (!(cfg.isl_stddev >= 0.0)) {
    throw ConfigError("--isl-stddev must be >= 0 (got " + num(cfg.isl_stddev) + ")");
  }
  if (cfg.osl_mean && *cfg.osl_mean < 1) {
    throw ConfigError("--osl must be at least 1 (got " + std::to_string(*cfg.osl_mean) + ")");
  }
  if (!(cfg.osl_stddev >= 0.0)) {
    throw ConfigError("--osl-stddev must be >= 0 (got " + num(cfg.osl_stddev) + ")");
  }
  if (cfg.models.empty()) {
    throw ConfigError("--model: at least one model name is required");
  }
  if (cfg.model_selection == config::ModelSelection::kWeighted) {
    throw ConfigError(
        "--model-selection-strategy weighted is not supported for synthetic datasets; use "
        "round_robin or random");
  }
}

// ---- SeqDist ----------------------------------------------------------------------------------

SeqDist::SeqDist(std::vector<config::SeqDistPair> pairs) : pairs_(std::move(pairs)) {
  double acc = 0;
  for (const auto& p : pairs_) cumulative_.push_back(acc += p.prob_percent / 100.0);
}

std::pair<int64_t, int64_t> SeqDist::sample(Rng& rng) const {
  const double r = rng.uniform01();
  size_t i =
      size_t(std::upper_bound(cumulative_.begin(), cumulative_.end(), r) - cumulative_.begin());
  i = std::min(i, pairs_.size() - 1);
  const auto& p = pairs_[i];
  int64_t isl =
      p.isl_stddev > 0 ? sample_positive_normal_integer(rng, double(p.isl), p.isl_stddev) : p.isl;
  int64_t osl =
      p.osl_stddev > 0 ? sample_positive_normal_integer(rng, double(p.osl), p.osl_stddev) : p.osl;
  return {isl, osl};
}

// ---- SyntheticCursor --------------------------------------------------------------------------

SyntheticCursor::SyntheticCursor(const config::Config& cfg, const RngManager& rngs,
                                 int64_t corpus_tokens, int64_t context_corpus_tokens,
                                 size_t pool_size)
    : cfg_(&cfg),
      batch_(size_t(cfg.prompt_batch_size)),
      prefix_(pool_size > 0 && batch_ > 0),
      has_context_(cfg.user_context_prompt_length.has_value()),
      corpus_tokens_(corpus_tokens),
      context_corpus_tokens_(context_corpus_tokens),
      pool_size_(pool_size),
      length_(rngs.derive("dataset.prompt.length")),
      model_(rngs.derive("composer.turn.model_selection")),
      max_tokens_(rngs.derive("composer.turn.max_tokens")),
      turn_count_(rngs.derive("composer.conversation.turn_count")),
      turn_delay_(rngs.derive("composer.conversation.turn_delay")),
      seq_rng_(rngs.derive("models.sequence.distribution")),
      prefix_rng_(rngs.derive("dataset.prompt.prefix")),
      corpus_(rngs.derive("dataset.prompt.corpus")),
      context_rng_(rngs.derive("dataset.prompt.context.corpus")),
      batch_length_(0) {
  if (cfg.seq_dist)
    seq_dist_ = std::make_shared<SeqDist>(config::parse_seq_dist("--seq-dist", *cfg.seq_dist));
  batch_lengths_ =
      batch_ > 1 && !seq_dist_ && cfg.isl_mean > 0 && (cfg.isl_stddev > 0 || cfg.isl_distribution);
  // The context corpus stream draws the shared system prompt first (SyntheticBuilder).
  if (cfg.shared_system_prompt_length && context_corpus_tokens_ > 0)
    context_rng_.randrange(context_corpus_tokens_);
}

ConversationPlan SyntheticCursor::step() {
  const config::Config& cfg = *cfg_;
  ConversationPlan plan;
  plan.index = index_++;
  // Turn count and delays on their own streams: single-turn runs draw nothing here beyond the
  // (unused) count, so enabling multi-turn never shifts prompt lengths.
  const int64_t num_turns = sample_positive_normal_integer(
      turn_count_, std::max(1.0, cfg.session_turns_mean), cfg.session_turns_stddev);
  plan.turns.resize(size_t(num_turns));
  for (size_t ti = 0; ti < plan.turns.size(); ++ti) {
    TurnPlan& t = plan.turns[ti];
    if (seq_dist_) {
      auto [isl, osl] = seq_dist_->sample(seq_rng_);
      t.isl = isl;
      t.max_tokens = osl;
    } else if (cfg.isl_mean > 0) {
      t.isl = cfg.sample_isl(length_);
    }  // --isl 0: a media-only turn, no text item
    t.model = pick_model(cfg, model_, turn_counter_);
    if (cfg.osl_mean && !seq_dist_) {
      t.max_tokens = cfg.sample_osl(max_tokens_);
    }
    if (ti > 0 && cfg.session_turn_delay_mean_ms > 0) {
      const int64_t d = sample_positive_normal_integer(turn_delay_, cfg.session_turn_delay_mean_ms,
                                                       cfg.session_turn_delay_stddev_ms);
      t.delay_ms = int64_t(std::llround(double(d) * cfg.session_turn_delay_ratio));
    }
    ++turn_counter_;
  }
  // Corpus start positions; --prompt-batch-size k: k prompts of their own lengths (the first
  // keeps the turn's draw; a --seq-dist pair's ISL holds for all of them), 0 sends no text.
  for (TurnPlan& t : plan.turns) {
    if (t.isl <= 0 || batch_ == 0) continue;
    for (size_t k = 0; k < batch_; ++k) {
      int64_t len = t.isl;
      if (k > 0 && batch_lengths_) {
        len = cfg.sample_isl(batch_length_);
      }
      t.texts.push_back({corpus_.randrange(corpus_tokens_), len});
    }
  }
  if (prefix_) {
    // One pool prompt per text of the first turn (batch 1: one, even for an empty text).
    const size_t picks = batch_ == 1 ? 1 : plan.turns.front().texts.size();
    for (size_t k = 0; k < picks; ++k)
      plan.prefixes.push_back(uint32_t(prefix_rng_.randrange(int64_t(pool_size_))));
  }
  if (has_context_ && context_corpus_tokens_ > 0) {
    plan.context_start = context_rng_.randrange(context_corpus_tokens_);
  }
  return plan;
}

// ---- SyntheticBuilder -------------------------------------------------------------------------

SyntheticBuilder::SyntheticBuilder(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                                   const RngManager& rngs)
    : cfg_(cfg), tok_(tok), rngs_(rngs), gen_(tok, rngs.derive("dataset.prompt.corpus")) {
  // Prefix pool (spec §4.2): P prompts of L tokens, drawn once.
  if (cfg.num_prefix_prompts > 0 && cfg.prefix_prompt_length > 0 && cfg.prompt_batch_size > 0) {
    PromptGenerator prefix_gen(tok, rngs.derive("dataset.prompt.prefix.corpus"));
    for (int64_t i = 0; i < cfg.num_prefix_prompts; ++i) {
      pool_.push_back(prefix_gen.generate(cfg.prefix_prompt_length));
    }
  }
  // Shared system prompt (drawn first on the context stream) and per-conversation user context.
  if (cfg.shared_system_prompt_length || cfg.user_context_prompt_length) {
    context_gen_.emplace(tok, rngs.derive("dataset.prompt.context.corpus"));
    if (cfg.shared_system_prompt_length) {
      system_ = context_gen_->generate(*cfg.shared_system_prompt_length);
    }
  }
}

SyntheticBuilder::~SyntheticBuilder() = default;

SyntheticCursor SyntheticBuilder::cursor() const {
  return SyntheticCursor(cfg_, rngs_, gen_.corpus_tokens(),
                         context_gen_ ? context_gen_->corpus_tokens() : 0, pool_.size());
}

std::string synthetic_session_id(const RngManager& rngs, size_t i) {
  if (rngs.seeded()) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "session_%06zu", i);
    return buf;
  }
  const uint64_t base = rngs.root() ^ 0x5e551011d5eedULL;
  return endpoint::uuid4(splitmix64(base + 2 * uint64_t(i)),
                         splitmix64(base + 2 * uint64_t(i) + 1));
}

std::string SyntheticBuilder::session_id(size_t i) const {
  return synthetic_session_id(rngs_, i);
}

Conversation SyntheticBuilder::build(const ConversationPlan& plan) const {
  Conversation conv;
  conv.session_id = session_id(plan.index);
  conv.turns.resize(plan.turns.size());
  const size_t batch = size_t(cfg_.prompt_batch_size);
  // A batched turn's `text` is its prompts joined with a space, which is what ISL counts.
  auto join_batch = [this](Turn& turn) {
    turn.text.clear();
    for (size_t i = 0; i < turn.texts.size(); ++i) {
      if (i) turn.text += ' ';
      turn.text += turn.texts[i];
    }
    turn.input_tokens = int64_t(tok_.count(turn.text));
  };
  for (size_t ti = 0; ti < plan.turns.size(); ++ti) {
    const TurnPlan& tp = plan.turns[ti];
    Turn& turn = conv.turns[ti];
    turn.input_tokens = tp.isl;
    turn.max_tokens = tp.max_tokens;
    turn.model = tp.model;
    turn.delay_ms = tp.delay_ms;
    if (tp.isl <= 0) continue;
    if (batch == 0) {
      turn.input_tokens = 0;
    } else if (batch == 1) {
      Prompt p = gen_.generate_at(tp.texts[0].start, tp.texts[0].tokens);
      turn.text = std::move(p.text);
      turn.input_tokens = p.tokens;
    } else {
      for (const TextJob& j : tp.texts)
        turn.texts.push_back(gen_.generate_at(j.start, j.tokens).text);
      join_batch(turn);
    }
  }
  // Prefix pool: each first turn gets "<prefix> <prompt>" (with a batch, every prompt of the
  // first turn gets its own prefix, as AIPerf does).
  if (!plan.prefixes.empty()) {
    Turn& first = conv.turns.front();
    if (batch == 1) {
      const std::string& prefix = pool_[plan.prefixes[0]];
      first.text = first.text.empty() ? prefix : prefix + " " + first.text;  // --isl 0
      first.input_tokens = int64_t(tok_.count(first.text));
    } else {
      for (size_t k = 0; k < first.texts.size(); ++k)
        first.texts[k] = pool_[plan.prefixes[k]] + " " + first.texts[k];
      join_batch(first);
    }
  }
  if (system_) conv.system_message = *system_;
  if (plan.context_start && context_gen_) {
    conv.user_context_message =
        context_gen_->generate_at(*plan.context_start, *cfg_.user_context_prompt_length).text;
  }
  return conv;
}

}  // namespace aiperf::dataset::detail
