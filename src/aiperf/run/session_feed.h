// The renderer of a just-in-time dataset (docs/architecture.md "Datasets rendered just in
// time"): one thread per phase builds each session's conversation (ConversationSource) and
// renders its first body, in the order the phase will start sessions, into a bounded window that
// PhaseState takes from (schedule::SessionFeed). The I/O threads never render (DESIGN §3); when
// the renderer falls behind, a closed loop retries shortly and an open-loop driver waits, and
// the stalls are counted.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/dataset/dataset.h"
#include "aiperf/schedule/schedule.h"

namespace aiperf::run {

/// Sessions a phase's renderer keeps ready (JustInTimeFeed::Options::window): twice the session
/// slots plus 256, or a tenth of a second at the request rate (0: none) where that is more; at
/// most 16,384. The renderer shares a core with the I/O thread when aiperf has one and can be
/// kept off it for milliseconds at a time: at 10k req/s on one core, 256 sessions ahead (25 ms)
/// left the schedule waiting for it 381-1,219 times in 100k requests, 1,000 ahead 90-151 times.
size_t feed_window(int64_t concurrency, double rate);

class JustInTimeFeed final : public schedule::SessionFeed {
 public:
  struct Options {
    const dataset::ConversationSource* source = nullptr;  // borrowed; outlives the feed
    /// The first turn's body (compact JSON); may throw (the feed then ends).
    std::function<std::string(const dataset::Conversation&)> render;
    /// Called on the renderer thread with each session prepared (inputs.json).
    std::function<void(uint32_t, const dataset::PreparedConversation&)> on_rendered;
    bool hint_events = true;  // fill PreparedConversation::expected_events (streaming)
    size_t window = 1024;     // sessions prepared ahead, at most
    size_t window_bytes = size_t(32) << 20;  // and at most about this much text and bodies
  };
  /// Sessions in the sampler's order (endless). `sampler` must be built like the phase's own.
  JustInTimeFeed(Options o, schedule::ConversationSampler sampler);
  /// Sessions in a fixed order (a fixed schedule's entries), then the feed ends.
  JustInTimeFeed(Options o, std::vector<uint32_t> order);
  ~JustInTimeFeed() override;
  JustInTimeFeed(const JustInTimeFeed&) = delete;
  JustInTimeFeed& operator=(const JustInTimeFeed&) = delete;

  void start();
  /// Stops and joins the renderer (idempotent).
  void stop();
  /// Blocks until `n` sessions are ready (or the feed ended, or `deadline_ns` passed).
  void prefill(size_t n, int64_t deadline_ns);

  Take take(int64_t want, uint32_t* conversation,
            std::shared_ptr<const dataset::PreparedConversation>* out) override;
  bool wait_ready(int64_t deadline_ns) override;
  uint64_t stalls() const override { return stalls_.load(std::memory_order_relaxed); }

  uint64_t rendered() const { return rendered_.load(std::memory_order_relaxed); }
  /// The renderer thread's CPU time (valid after stop()).
  int64_t cpu_ns() const { return cpu_ns_.load(); }
  /// Why the feed ended early ("" if it did not).
  std::string error() const;

 private:
  struct Item {
    uint32_t conversation;
    std::shared_ptr<const dataset::PreparedConversation> prepared;
    size_t bytes;
  };
  std::optional<uint32_t> next_index();
  void run();
  /// Half the window or less is ready (mu_ held): a renderer that stopped at a full window
  /// starts again.
  bool at_refill_mark() const {
    return q_.size() <= opts_.window / 2 && bytes_ <= opts_.window_bytes / 2;
  }

  Options opts_;
  std::optional<schedule::ConversationSampler> sampler_;
  std::vector<uint32_t> order_;
  size_t order_pos_ = 0;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable space_;  // the renderer waits for room
  std::condition_variable ready_;  // takers wait for a session
  std::deque<Item> q_;
  size_t bytes_ = 0;
  bool stop_ = false;
  bool ended_ = false;
  bool starving_ = false;  // the last take() found nothing ready
  bool filling_ = true;    // the renderer is filling the window (else it waits for the mark)
  std::string error_;
  std::atomic<uint64_t> stalls_{0};
  std::atomic<uint64_t> rendered_{0};
  std::atomic<int64_t> cpu_ns_{0};
};

/// Room for one SSE event per token of the conversation's longest turn, plus the role, usage
/// and [DONE] messages (0: no max_tokens, no hint).
uint32_t expected_events(const dataset::Conversation& conv);

}  // namespace aiperf::run
