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

Dataset build_synthetic(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                        const RngManager& rngs) {
  if (synthetic_just_in_time(cfg)) return build_synthetic_just_in_time(cfg, tok, rngs);
  return build_synthetic_held(cfg, tok, rngs);
}

}  // namespace aiperf::dataset
