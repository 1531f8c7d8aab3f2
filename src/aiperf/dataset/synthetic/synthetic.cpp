// Synthetic conversations (spec §4.3). Every random draw happens first, in order, on its own
// named stream; then the prompt texts are built in parallel from the drawn (start, length)
// pairs, which involves no randomness. So the dataset is a function of the seed alone, however
// many threads build it.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset {

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

void validate(const config::Config& cfg) {
  if (cfg.num_dataset_entries < 1) {
    throw ConfigError("--num-dataset-entries must be at least 1 (got " +
                      std::to_string(cfg.num_dataset_entries) + ")");
  }
  if (cfg.isl_mean < 1) {
    throw ConfigError("--isl must be at least 1 (got " + std::to_string(cfg.isl_mean) +
                      "): with no text input all synthetic data are disabled");
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

std::string session_id(const RngManager& rngs, size_t index) {
  if (!rngs.seeded()) return random_uuid4();
  char buf[32];
  std::snprintf(buf, sizeof buf, "session_%06zu", index);
  return buf;
}

/// One turn's text still to build.
struct TextJob {
  Turn* turn;
  int64_t start;
  int64_t tokens;
};

void build_texts(const PromptGenerator& gen, std::vector<TextJob>& jobs) {
  int64_t total_tokens = 0;
  for (const auto& j : jobs) total_tokens += j.tokens;
  // Threads pay off only for more than a few thousand tokens of work.
  size_t n_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  n_threads = std::min<size_t>(n_threads, size_t(total_tokens / 20'000) + 1);
  n_threads = std::min(n_threads, jobs.size());
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(n_threads);
  auto work = [&](size_t t) {
    try {
      for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < jobs.size();) {
        Prompt p = gen.generate_at(jobs[i].start, jobs[i].tokens);
        jobs[i].turn->text = std::move(p.text);
        jobs[i].turn->input_tokens = p.tokens;
      }
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 1; t < n_threads; ++t) threads.emplace_back(work, t);
  if (n_threads > 0) work(0);
  for (auto& th : threads) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace

Dataset build_synthetic(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                        const RngManager& rngs) {
  validate(cfg);
  Rng length_rng = rngs.derive("dataset.prompt.length");
  Rng model_rng = rngs.derive("composer.turn.model_selection");
  Rng max_tokens_rng = rngs.derive("composer.turn.max_tokens");
  PromptGenerator gen(tok, rngs.derive("dataset.prompt.corpus"));

  Dataset ds;
  const size_t n_conv = size_t(cfg.num_dataset_entries);
  ds.conversations.resize(n_conv);
  uint64_t turn_counter = 0;  // global, for round-robin model selection
  for (size_t c = 0; c < n_conv; ++c) {
    Conversation& conv = ds.conversations[c];
    conv.session_id = session_id(rngs, c);
    // Single-turn for now: --session-turns-mean/-stddev would draw this from
    // "composer.conversation.turn_count", and turns >= 2 a delay from ".turn_delay".
    const int64_t num_turns = 1;
    conv.turns.resize(size_t(num_turns));
    for (Turn& turn : conv.turns) {
      turn.input_tokens =
          sample_positive_normal_integer(length_rng, double(cfg.isl_mean), cfg.isl_stddev);
      const size_t n_models = cfg.models.size();
      size_t m = cfg.model_selection == config::ModelSelection::kRandom
                     ? size_t(model_rng.randrange(int64_t(n_models)))
                     : size_t(turn_counter % n_models);
      turn.model = cfg.models[m];
      if (cfg.osl_mean) {
        turn.max_tokens =
            sample_positive_normal_integer(max_tokens_rng, double(*cfg.osl_mean), cfg.osl_stddev);
      }
      ++turn_counter;
    }
  }

  // Draw every start position in dataset order, then build the texts (no more randomness).
  std::vector<TextJob> jobs;
  jobs.reserve(size_t(turn_counter));
  for (auto& conv : ds.conversations) {
    for (auto& turn : conv.turns) jobs.push_back({&turn, gen.draw_start(), turn.input_tokens});
  }
  build_texts(gen, jobs);
  return ds;
}

}  // namespace aiperf::dataset
