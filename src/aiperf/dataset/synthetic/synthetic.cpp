// Synthetic conversations (spec §4.3). Every random draw happens first, in order, on its own
// named stream; then the prompt texts are built in parallel from the drawn (start, length)
// pairs, which involves no randomness. So the dataset is a function of the seed alone, however
// many threads build it.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/workload.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/dataset/media/media.h"

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

std::string session_id(const RngManager& rngs, size_t index) {
  if (!rngs.seeded()) return random_uuid4();
  char buf[32];
  std::snprintf(buf, sizeof buf, "session_%06zu", index);
  return buf;
}

/// One prompt still to build: the turn's `text`, or one of its `texts` (--prompt-batch-size).
struct TextJob {
  std::string* text;
  int64_t* tokens_out;
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
        *jobs[i].text = std::move(p.text);
        if (jobs[i].tokens_out) *jobs[i].tokens_out = p.tokens;
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

/// Runs fn(i) for i in [0, n) on up to 8 threads; the first exception is rethrown.
template <class Fn>
void parallel_for(size_t n, Fn fn) {
  size_t n_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  n_threads = std::min(n_threads, n);
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(n_threads);
  auto work = [&](size_t t) {
    try {
      for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) fn(i);
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

/// `per_turn` media items for every turn: draw() runs serially in dataset order (all the
/// randomness), encode() -- the costly part, no randomness -- runs in parallel, `chunk` items at
/// a time (bounding the raw pixels or frames held at once). An empty encoding adds no item.
template <class Draw, class Encode>
void add_encoded(Dataset& ds, int64_t per_turn, size_t chunk, MediaItem::Kind kind,
                 const char* name, Draw draw, Encode encode) {
  using Job = decltype(draw());
  std::vector<Job> jobs;
  std::vector<Turn*> owners;
  std::vector<std::string> urls;
  auto flush = [&] {
    urls.assign(jobs.size(), std::string());
    parallel_for(jobs.size(), [&](size_t i) { urls[i] = encode(jobs[i]); });
    for (size_t i = 0; i < jobs.size(); ++i) {
      if (!urls[i].empty()) owners[i]->media.push_back({kind, name, std::move(urls[i])});
    }
    jobs.clear();
    owners.clear();
  };
  for (auto& conv : ds.conversations) {
    for (auto& turn : conv.turns) {
      for (int64_t i = 0; i < per_turn; ++i) {
        jobs.push_back(draw());
        owners.push_back(&turn);
        if (jobs.size() == chunk) flush();
      }
    }
  }
  flush();
}

void add_images(const config::Config& cfg, const RngManager& rngs, Dataset& ds) {
  media::ImageGenerator gen(cfg, rngs);
  add_encoded(
      ds, cfg.image_batch_size, 64, MediaItem::Kind::kImage, "image_url",
      [&] { return gen.draw(); },
      [](const media::ImageJob& j) { return media::ImageGenerator::encode(j); });
}

/// One ffmpeg run per video, several at once; a video shorter than one frame adds no item (as
/// AIPerf).
void add_videos(const config::Config& cfg, const RngManager& rngs, Dataset& ds) {
  media::VideoGenerator gen(cfg, rngs);
  add_encoded(
      ds, cfg.video_batch_size, 8, MediaItem::Kind::kVideo, "video_url", [&] { return gen.draw(); },
      [&](const media::VideoJob& j) { return gen.encode(j); });
}

/// Images, audio and video items of every turn (spec §4.3, §4.7): --image-batch-size (etc.)
/// items per turn, named image_url / input_audio / video_url, in dataset order, each modality on
/// its own random streams.
void add_media(const config::Config& cfg, const RngManager& rngs, Dataset& ds) {
  if (cfg.images_enabled()) add_images(cfg, rngs, ds);
  if (cfg.audio_enabled()) {  // cheap: one after another
    media::AudioGenerator gen(cfg, rngs);
    for (auto& conv : ds.conversations) {
      for (auto& turn : conv.turns) {
        for (int64_t i = 0; i < cfg.audio_batch_size; ++i) {
          turn.media.push_back({MediaItem::Kind::kAudio, "input_audio", gen.generate()});
        }
      }
    }
  }
  if (cfg.video_enabled()) add_videos(cfg, rngs, ds);
}

}  // namespace

namespace {

/// --seq-dist sampler (spec §4.4): one uniform draw picks the pair by cumulative probability;
/// a pair with a stddev draws its lengths with the positive-normal rule.
class SeqDist {
 public:
  explicit SeqDist(std::vector<config::SeqDistPair> pairs) : pairs_(std::move(pairs)) {
    double acc = 0;
    for (const auto& p : pairs_) cumulative_.push_back(acc += p.prob_percent / 100.0);
  }
  std::pair<int64_t, int64_t> sample(Rng& rng) const {
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

 private:
  std::vector<config::SeqDistPair> pairs_;
  std::vector<double> cumulative_;
};

}  // namespace

Dataset build_synthetic(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                        const RngManager& rngs) {
  validate(cfg);
  Rng length_rng = rngs.derive("dataset.prompt.length");
  Rng model_rng = rngs.derive("composer.turn.model_selection");
  Rng max_tokens_rng = rngs.derive("composer.turn.max_tokens");
  Rng turn_count_rng = rngs.derive("composer.conversation.turn_count");
  Rng turn_delay_rng = rngs.derive("composer.conversation.turn_delay");
  Rng seq_dist_rng = rngs.derive("models.sequence.distribution");
  Rng prefix_rng = rngs.derive("dataset.prompt.prefix");
  PromptGenerator gen(tok, rngs.derive("dataset.prompt.corpus"));
  std::optional<SeqDist> seq_dist;
  if (cfg.seq_dist) seq_dist.emplace(config::parse_seq_dist("--seq-dist", *cfg.seq_dist));

  Dataset ds;
  const size_t n_conv = size_t(cfg.num_dataset_entries);
  ds.conversations.resize(n_conv);
  uint64_t turn_counter = 0;  // global, for round-robin model selection
  for (size_t c = 0; c < n_conv; ++c) {
    Conversation& conv = ds.conversations[c];
    conv.session_id = session_id(rngs, c);
    // Turn count and delays on their own streams: single-turn runs draw nothing here beyond
    // the (unused) count, so enabling multi-turn never shifts prompt lengths.
    const int64_t num_turns = sample_positive_normal_integer(
        turn_count_rng, std::max(1.0, cfg.session_turns_mean), cfg.session_turns_stddev);
    conv.turns.resize(size_t(num_turns));
    for (size_t ti = 0; ti < conv.turns.size(); ++ti) {
      Turn& turn = conv.turns[ti];
      if (seq_dist) {
        auto [isl, osl] = seq_dist->sample(seq_dist_rng);
        turn.input_tokens = isl;
        turn.max_tokens = osl;
      } else if (cfg.isl_mean > 0) {
        turn.input_tokens =
            sample_positive_normal_integer(length_rng, double(cfg.isl_mean), cfg.isl_stddev);
      }  // --isl 0: a media-only turn, no text item
      turn.model = pick_model(cfg, model_rng, turn_counter);
      if (cfg.osl_mean && !seq_dist) {
        turn.max_tokens =
            sample_positive_normal_integer(max_tokens_rng, double(*cfg.osl_mean), cfg.osl_stddev);
      }
      if (ti > 0 && cfg.session_turn_delay_mean_ms > 0) {
        const int64_t d = sample_positive_normal_integer(
            turn_delay_rng, cfg.session_turn_delay_mean_ms, cfg.session_turn_delay_stddev_ms);
        turn.delay_ms = int64_t(std::llround(double(d) * cfg.session_turn_delay_ratio));
      }
      ++turn_counter;
    }
  }

  // Draw every start position in dataset order, then build the texts (no more randomness).
  // --prompt-batch-size k: k independent prompts of the turn's length, each from its own start,
  // sent as k text parts of one message; 0 sends no text.
  const size_t batch = size_t(cfg.prompt_batch_size);
  std::vector<TextJob> jobs;
  jobs.reserve(size_t(turn_counter) * batch);
  for (auto& conv : ds.conversations) {
    for (auto& turn : conv.turns) {
      const int64_t isl = turn.input_tokens;
      if (isl <= 0) continue;  // --isl 0: a media-only turn, no text item
      if (batch == 0) {
        turn.input_tokens = 0;
      } else if (batch == 1) {
        jobs.push_back({&turn.text, &turn.input_tokens, gen.draw_start(), isl});
      } else {
        // Every prompt of the batch has its own length, as AIPerf draws each from
        // (--isl, --isl-stddev); the first keeps the turn's draw (a --seq-dist pair's ISL
        // holds for all of them).
        turn.texts.resize(batch);
        for (size_t k = 0; k < batch; ++k) {
          const int64_t len = k == 0 || seq_dist || cfg.isl_stddev <= 0
                                  ? isl
                                  : sample_positive_normal_integer(length_rng, double(cfg.isl_mean),
                                                                   cfg.isl_stddev);
          jobs.push_back({&turn.texts[k], nullptr, gen.draw_start(), len});
        }
      }
    }
  }
  build_texts(gen, jobs);
  // A batched turn's `text` is its prompts joined with a space, which is what ISL counts.
  auto join_batch = [&tok](Turn& turn) {
    turn.text.clear();
    for (size_t i = 0; i < turn.texts.size(); ++i) {
      if (i) turn.text += ' ';
      turn.text += turn.texts[i];
    }
    turn.input_tokens = int64_t(tok.count(turn.text));
  };
  if (batch > 1) {
    for (auto& conv : ds.conversations) {
      for (auto& turn : conv.turns) join_batch(turn);
    }
  }
  add_media(cfg, rngs, ds);

  // Prefix pool (spec §4.2): P prompts of L tokens; each first turn gets "<prefix> <prompt>"
  // (with a batch, every prompt of the first turn gets its own prefix, as AIPerf does).
  if (cfg.num_prefix_prompts > 0 && cfg.prefix_prompt_length > 0 && batch > 0) {
    PromptGenerator prefix_gen(tok, rngs.derive("dataset.prompt.prefix.corpus"));
    std::vector<std::string> pool;
    for (int64_t i = 0; i < cfg.num_prefix_prompts; ++i) {
      pool.push_back(prefix_gen.generate(cfg.prefix_prompt_length));
    }
    auto draw = [&]() -> const std::string& {
      return pool[size_t(prefix_rng.randrange(int64_t(pool.size())))];
    };
    for (auto& conv : ds.conversations) {
      Turn& first = conv.turns.front();
      if (batch == 1) {
        const std::string& prefix = draw();
        first.text = first.text.empty() ? prefix : prefix + " " + first.text;  // --isl 0
        first.input_tokens = int64_t(tok.count(first.text));
      } else {
        for (auto& t : first.texts) t = draw() + " " + t;
        join_batch(first);
      }
    }
  }
  add_context_prompts(cfg, tok, rngs, ds);
  return ds;
}

void add_context_prompts(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                         const RngManager& rngs, Dataset& ds) {
  if (!cfg.shared_system_prompt_length && !cfg.user_context_prompt_length) return;
  for (const auto& conv : ds.conversations) {
    for (const auto& t : conv.turns) {
      if (t.payload_json.empty()) continue;
      throw ConfigError(std::string(cfg.shared_system_prompt_length
                                        ? "--shared-system-prompt-length"
                                        : "--user-context-prompt-length") +
                        ": this dataset's records are whole request bodies, sent as written, so "
                        "no prompt can be added to them; drop the flag or use a format with "
                        "messages or text (single_turn, multi_turn)");
    }
  }
  PromptGenerator ctx_gen(tok, rngs.derive("dataset.prompt.context.corpus"));
  std::optional<std::string> system;
  if (cfg.shared_system_prompt_length) system = ctx_gen.generate(*cfg.shared_system_prompt_length);
  for (auto& conv : ds.conversations) {
    if (system) conv.system_message = *system;  // replaces a file's own, as AIPerf does
    if (cfg.user_context_prompt_length) {
      conv.user_context_message = ctx_gen.generate(*cfg.user_context_prompt_length);
    }
  }
}

}  // namespace aiperf::dataset
