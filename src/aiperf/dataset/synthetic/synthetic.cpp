// Synthetic conversations (spec §4.3), held: every conversation is planned (synthetic_plan.h),
// then built in parallel, then given its media. The just-in-time form is in
// synthetic_just_in_time.cpp.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/common/cancel.h"
#include "aiperf/common/error.h"
#include "aiperf/config/workload.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/dataset/media/media.h"
#include "aiperf/dataset/synthetic/synthetic_plan.h"

namespace aiperf::dataset {

namespace {

/// Runs fn(i) for i in [0, n) on up to 8 threads; the first exception is rethrown.
template <class Fn>
void parallel_for(size_t n, Fn fn) {
  size_t n_threads = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  n_threads = std::min(n_threads, n);
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(n_threads);
  auto work = [&](size_t t) {
    try {
      for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < n;) {
        throw_if_stop_requested();
        fn(i);
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
/// Kinds the endpoint cannot send are not made (the config stage warned).
void add_media(const config::Config& cfg, const RngManager& rngs, Dataset& ds) {
  const config::EndpointMedia em = config::endpoint_media(cfg.endpoint_type);
  if (cfg.images_enabled() && em.images) add_images(cfg, rngs, ds);
  if (cfg.audio_enabled() && em.audio) {  // cheap: one after another
    media::AudioGenerator gen(cfg, rngs);
    for (auto& conv : ds.conversations) {
      for (auto& turn : conv.turns) {
        for (int64_t i = 0; i < cfg.audio_batch_size; ++i) {
          turn.media.push_back({MediaItem::Kind::kAudio, "input_audio", gen.generate()});
        }
      }
    }
  }
  if (cfg.video_enabled() && em.videos) add_videos(cfg, rngs, ds);
}

}  // namespace

Dataset build_synthetic_held(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                             const RngManager& rngs) {
  detail::validate_synthetic(cfg);
  detail::SyntheticBuilder builder(cfg, tok, rngs);
  detail::SyntheticCursor cursor = builder.cursor();
  const size_t n = size_t(cfg.num_dataset_entries);
  if (cursor.needs_batch_lengths()) {
    detail::SyntheticCursor pass = cursor;
    for (size_t i = 0; i < n; ++i) pass.step();
    cursor.set_batch_length_stream(pass.length_stream());
  }
  // Every random draw first, in dataset order; then the texts in parallel (no randomness), so
  // the dataset is a function of the seed alone, however many threads build it.
  std::vector<detail::ConversationPlan> plans;
  plans.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    if (i % 4096 == 0) throw_if_stop_requested();
    plans.push_back(cursor.step());
  }
  Dataset ds;
  ds.conversations.resize(n);
  parallel_for(n, [&](size_t i) { ds.conversations[i] = builder.build(plans[i]); });
  add_media(cfg, rngs, ds);
  return ds;
}

Dataset build_synthetic_rankings(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                                 const RngManager& rngs) {
  if (cfg.num_dataset_entries < 1) {
    throw ConfigError("--num-dataset-entries must be at least 1 (got " +
                      std::to_string(cfg.num_dataset_entries) + ")");
  }
  if (cfg.models.empty()) throw ConfigError("--model: at least one model name is required");
  Rng passages_rng = rngs.derive("dataset.rankings.passages");
  Rng passage_tokens_rng = rngs.derive("dataset.rankings.passages.tokens");
  Rng query_tokens_rng = rngs.derive("dataset.rankings.query.tokens");
  Rng model_rng = rngs.derive("composer.turn.model_selection");
  Rng max_tokens_rng = rngs.derive("composer.turn.max_tokens");
  PromptGenerator gen(tok, rngs.derive("dataset.prompt.corpus"));

  // Every random draw first, in dataset order (query, then each passage: length and start);
  // then the texts in parallel (no randomness).
  Dataset ds;
  ds.conversations.resize(size_t(cfg.num_dataset_entries));
  std::vector<std::vector<detail::TextJob>> jobs(ds.conversations.size());
  for (size_t c = 0; c < ds.conversations.size(); ++c) {
    if (c % 4096 == 0) throw_if_stop_requested();
    Conversation& conv = ds.conversations[c];
    conv.session_id = detail::synthetic_session_id(rngs, c);
    const int64_t passages = sample_positive_normal_integer(
        passages_rng, double(cfg.rankings_passages_mean), double(cfg.rankings_passages_stddev));
    Turn& turn = conv.turns.emplace_back();
    turn.text_names.assign(size_t(passages) + 1, "passages");
    turn.text_names[0] = "query";
    const int64_t query_len = sample_positive_normal_integer(
        query_tokens_rng, double(cfg.rankings_query_prompt_token_mean),
        double(cfg.rankings_query_prompt_token_stddev));
    jobs[c].push_back({gen.draw_start(), query_len});
    for (int64_t k = 1; k <= passages; ++k) {
      const int64_t len = sample_positive_normal_integer(
          passage_tokens_rng, double(cfg.rankings_passages_prompt_token_mean),
          double(cfg.rankings_passages_prompt_token_stddev));
      jobs[c].push_back({gen.draw_start(), len});
    }
    turn.model = pick_model(cfg, model_rng, c);
    if (cfg.osl_mean) {
      turn.max_tokens = cfg.sample_osl(max_tokens_rng);
    }
  }
  parallel_for(ds.conversations.size(), [&](size_t c) {
    Turn& turn = ds.conversations[c].turns.front();
    for (const detail::TextJob& j : jobs[c])
      turn.texts.push_back(gen.generate_at(j.start, j.tokens).text);
    for (size_t i = 0; i < turn.texts.size(); ++i) {
      if (i) turn.text += ' ';
      turn.text += turn.texts[i];
    }
    turn.input_tokens = int64_t(tok.count(turn.text));
  });
  return ds;
}

/// Rankings endpoints get query-and-passages data, always held; others the synthetic
/// conversations, just in time when large (synthetic_just_in_time).
Dataset build_synthetic(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                        const RngManager& rngs) {
  if (config::is_rankings_endpoint(cfg.endpoint_type))
    return build_synthetic_rankings(cfg, tok, rngs);
  if (synthetic_just_in_time(cfg)) return build_synthetic_just_in_time(cfg, tok, rngs);
  return build_synthetic_held(cfg, tok, rngs);
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
