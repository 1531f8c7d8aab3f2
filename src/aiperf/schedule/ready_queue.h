// Continuation turns waiting for their rate tick (spec §3.4): each becomes ready at a monotonic
// time (the previous turn's return + the dataset delay); the rate loop takes the earliest ready
// one (ties: first queued) before it considers a new session. Thread-safe: the record pipeline
// pushes, the rate scheduler pops.
#pragma once
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <vector>

namespace aiperf::schedule {

template <class T>
class ReadyQueue {
 public:
  void push(int64_t ready_ns, T value) {
    std::lock_guard<std::mutex> lk(mu_);
    q_.push(Item{ready_ns, seq_++, std::move(value)});
  }
  /// The earliest item ready at or before `now_ns`, if any.
  std::optional<T> pop_ready(int64_t now_ns) {
    std::lock_guard<std::mutex> lk(mu_);
    if (q_.empty() || q_.top().ready_ns > now_ns) return std::nullopt;
    T v = std::move(q_.top().value);
    q_.pop();
    return v;
  }
  size_t size() const {
    std::lock_guard<std::mutex> lk(mu_);
    return q_.size();
  }

 private:
  struct Item {
    int64_t ready_ns;
    uint64_t seq;
    mutable T value;  // moved out of top() just before pop()
    bool operator>(const Item& o) const {
      return ready_ns != o.ready_ns ? ready_ns > o.ready_ns : seq > o.seq;
    }
  };
  mutable std::mutex mu_;
  std::priority_queue<Item, std::vector<Item>, std::greater<Item>> q_;
  uint64_t seq_ = 0;
};

/// What one tick of the request-rate loop does (spec §3.4), in priority order.
enum class TickAction {
  kContinuation,  // send the ready queued turn
  kNewSession,    // start a new session
  kSkipNoSlot,    // new sessions allowed but every slot is busy under a ceiling: tick skipped
  kWait,          // no new session may start, but queued/in-flight sessions may still send
  kStop,          // nothing more may be sent
};

inline TickAction decide_tick(bool continuation_ready, bool can_start_new_session,
                              bool ceiling_blocks, bool can_send_any_turn) {
  if (continuation_ready) return TickAction::kContinuation;
  if (can_start_new_session)
    return ceiling_blocks ? TickAction::kSkipNoSlot : TickAction::kNewSession;
  return can_send_any_turn ? TickAction::kWait : TickAction::kStop;
}

}  // namespace aiperf::schedule
