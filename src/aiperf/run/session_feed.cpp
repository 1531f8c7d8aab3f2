#include "aiperf/run/session_feed.h"

#include <algorithm>
#include <chrono>

#include "aiperf/common/clock.h"
#include "aiperf/common/cpu_affinity.h"

namespace aiperf::run {

uint32_t expected_events(const dataset::Conversation& conv) {
  int64_t most = 0;
  for (const auto& t : conv.turns) most = std::max(most, t.max_tokens.value_or(0));
  return most > 0 ? uint32_t(std::min<int64_t>(most, 1 << 16) + 4) : 0;
}

size_t feed_window(int64_t concurrency, double rate) {
  const double at_rate = std::clamp(rate * 0.1, 0.0, 16384.0);
  return size_t(
      std::clamp<int64_t>(std::max<int64_t>(2 * concurrency + 256, int64_t(at_rate)), 256, 16384));
}

JustInTimeFeed::JustInTimeFeed(Options o, schedule::ConversationSampler sampler)
    : opts_(std::move(o)), sampler_(std::move(sampler)) {}

JustInTimeFeed::JustInTimeFeed(Options o, std::vector<uint32_t> order)
    : opts_(std::move(o)), order_(std::move(order)) {}

JustInTimeFeed::~JustInTimeFeed() {
  stop();
}

void JustInTimeFeed::start() {
  thread_ = std::thread([this] {
    affinity::enter_role(affinity::ThreadRole::kFeed);
    run();
  });
}

void JustInTimeFeed::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  space_.notify_all();
  ready_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::string JustInTimeFeed::error() const {
  std::lock_guard<std::mutex> lk(mu_);
  return error_;
}

std::optional<uint32_t> JustInTimeFeed::next_index() {
  if (sampler_) return sampler_->next();
  if (order_pos_ < order_.size()) return order_[order_pos_++];
  return std::nullopt;
}

void JustInTimeFeed::run() {
  std::unique_ptr<dataset::ConversationSource::Cursor> cursor = opts_.source->open();
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(mu_);
      // Full: sleep until takes bring the window down to half, then fill it again, so that
      // the renderer wakes once per half window rather than once per session taken.
      space_.wait(lk, [this] {
        if (!filling_ && at_refill_mark()) filling_ = true;
        return stop_ || filling_;
      });
      if (stop_) break;
    }
    std::optional<uint32_t> idx = next_index();
    Item item;
    std::string failure;
    if (idx) {
      try {
        auto p = std::make_shared<dataset::PreparedConversation>();
        p->conversation = cursor->read(*idx);
        p->first_body = opts_.render(p->conversation);
        if (opts_.hint_events) p->expected_events = expected_events(p->conversation);
        size_t text = 0;
        for (const auto& t : p->conversation.turns) text += t.text.size();
        item = Item{*idx, std::move(p), 0};
        item.bytes = item.prepared->first_body.size() + text;
        if (opts_.on_rendered) opts_.on_rendered(*idx, *item.prepared);
      } catch (const std::exception& e) {
        failure = e.what();
      }
    }
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!idx || !failure.empty()) {
        ended_ = true;
        error_ = failure;
      } else {
        bytes_ += item.bytes;
        q_.push_back(std::move(item));
        if (q_.size() >= opts_.window || bytes_ >= opts_.window_bytes) filling_ = false;
      }
    }
    ready_.notify_all();
    rendered_.fetch_add(idx && failure.empty() ? 1 : 0, std::memory_order_relaxed);
    if (!idx || !failure.empty()) break;
  }
  cpu_ns_.store(thread_cpu_ns());
}

schedule::SessionFeed::Take JustInTimeFeed::take(
    int64_t want, uint32_t* conversation,
    std::shared_ptr<const dataset::PreparedConversation>* out) {
  bool popped = false;
  bool wake = false;
  Take result = Take::kNotYet;
  {
    std::lock_guard<std::mutex> lk(mu_);
    // A fixed schedule skips entries the stop conditions refused: drop their sessions.
    while (want >= 0 && !q_.empty() && q_.front().conversation != uint32_t(want)) {
      bytes_ -= q_.front().bytes;
      q_.pop_front();
      popped = true;
    }
    if (!q_.empty()) {
      Item& it = q_.front();
      *conversation = it.conversation;
      *out = std::move(it.prepared);
      bytes_ -= it.bytes;
      q_.pop_front();
      popped = true;
      result = Take::kReady;
    } else if (ended_) {
      result = Take::kEnded;
    }
    // A stall is counted once, when a take finds nothing after one that found a session
    // (a closed loop retries every 200 µs meanwhile).
    if (result == Take::kNotYet && !starving_) stalls_.fetch_add(1, std::memory_order_relaxed);
    starving_ = result == Take::kNotYet;
    wake = popped && !filling_ && at_refill_mark();
  }
  if (wake) space_.notify_one();
  return result;
}

bool JustInTimeFeed::wait_ready(int64_t deadline_ns) {
  std::unique_lock<std::mutex> lk(mu_);
  // The schedule has to wait for the renderer: a stall, counted once as take() counts them.
  if (q_.empty() && !ended_ && !stop_ && !starving_) {
    stalls_.fetch_add(1, std::memory_order_relaxed);
    starving_ = true;
  }
  while (q_.empty() && !ended_ && !stop_) {
    const int64_t left = deadline_ns - mono_ns();
    if (left <= 0) return false;
    ready_.wait_for(lk, std::chrono::nanoseconds(std::min<int64_t>(left, 10'000'000)));
  }
  return !q_.empty();
}

void JustInTimeFeed::prefill(size_t n, int64_t deadline_ns) {
  std::unique_lock<std::mutex> lk(mu_);
  n = std::min(n, opts_.window);
  while (q_.size() < n && bytes_ < opts_.window_bytes && !ended_ && !stop_) {
    const int64_t left = deadline_ns - mono_ns();
    if (left <= 0) return;
    ready_.wait_for(lk, std::chrono::nanoseconds(std::min<int64_t>(left, 10'000'000)));
  }
}

}  // namespace aiperf::run
