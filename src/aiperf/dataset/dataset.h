// The dataset: conversations of turns, built before the run (synthetic here; custom files and
// public datasets plug in beside it). Bodies are rendered from it by the endpoint ahead of the
// run (DESIGN §3).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::dataset {

struct Turn {
  std::string role = "user";
  std::string text;                     // the prompt text of this turn
  int64_t input_tokens = 0;             // tokens of `text` with the run's tokenizer (exact)
  std::optional<int64_t> max_tokens;    // requested output length, if any
  std::string model;                    // model assigned to this turn
  std::optional<int64_t> delay_ms;      // delay before this turn (turns >= 2)
  std::optional<int64_t> timestamp_ms;  // absolute schedule time (trace replay)
};

struct Conversation {
  std::string session_id;  // "session_000000"... with a seed, UUID4 otherwise (spec §4.1)
  std::optional<std::string> system_message;
  std::vector<Turn> turns;
};

struct Dataset {
  std::vector<Conversation> conversations;
};

/// Synthetic prompts (spec §4.2-4.3): ISL ~ positive-normal(isl_mean, isl_stddev) built to the
/// exact token count with `tok`; OSL likewise when --osl is given; models assigned round-robin or
/// at random. Deterministic for a given seed. Throws ConfigError on impossible settings.
Dataset build_synthetic(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                        const RngManager& rngs);

/// Generates text of exactly `n` tokens (re-tokenizes to n with `tok`) from the bundled corpus.
class PromptGenerator {
 public:
  PromptGenerator(const tokenizer::Tokenizer& tok, Rng rng);
  ~PromptGenerator();
  std::string generate(int64_t n_tokens);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace aiperf::dataset
