// Multi-turn sessions between threads (DESIGN §3, spec §3.2/§3.8). A worker sends turn k and
// hands its record to the record pipeline; the pipeline parses the answer, appends it to the
// session history, renders turn k+1's body and reports a TurnDone here. The phase's
// TurnScheduler then decides when turn k+1 is due and gives its credit to the session's worker
// (the same worker sends every turn of a session):
//   concurrency mode: return + dataset delay;             (DirectTurnScheduler)
//   fixed schedule:   the turn's trace timestamp, else return + delay;
//   user-centric:     max(now, previous target + turn_gap);
//   request rate:     queued after its delay; the rate loop sends queued turns before new
//                     sessions, one per tick (RateScheduler).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/schedule/schedule.h"

namespace aiperf::worker {

class Worker;

/// A non-final turn came back and the next turn's body is ready.
struct TurnDone {
  schedule::Credit prev;    // the returned turn (x_correlation_id set; body not needed)
  uint16_t worker_id = 0;   // the worker that sent it (the next turn goes there too)
  int64_t returned_ns = 0;  // CLOCK_MONOTONIC end of the returned request
  int64_t delay_ns = 0;     // dataset delay before the next turn (capped), 0 if none
  std::optional<int64_t> next_timestamp_ms;  // the next turn's trace timestamp, if any
  std::shared_ptr<const std::string> body;   // the next turn's request body
};

/// How a timing mode places the next turn of a session. Called on the record pipeline thread.
class TurnScheduler {
 public:
  virtual ~TurnScheduler() = default;
  virtual void next_turn(TurnDone&& t) = 0;
};

/// Issues the next turn at once (counted now) for the time `when(t, now)` on the session's
/// worker, which fires it on its timerfd.
class DirectTurnScheduler final : public TurnScheduler {
 public:
  using When = std::function<int64_t(const TurnDone&, int64_t now_ns)>;
  DirectTurnScheduler(schedule::PhaseState& phase, std::vector<Worker*> workers, When when);
  void next_turn(TurnDone&& t) override;

 private:
  schedule::PhaseState& phase_;
  std::vector<Worker*> workers_;
  When when_;
};

/// Phase → (state, scheduler) for the record pipeline. Thread-safe; detach() waits for a
/// next_turn() in progress, so a scheduler may be destroyed after it is detached.
class SessionRouter {
 public:
  void attach(record::Phase phase, schedule::PhaseState* state, TurnScheduler* scheduler);
  void detach(record::Phase phase);
  /// Hands `t` to its phase's scheduler; does nothing once the phase is detached (it is over).
  void next_turn(TurnDone&& t);
  /// The session of `prev` (a non-final turn) cannot continue (its next body failed to render).
  void end_session(const schedule::Credit& prev);

 private:
  struct Slot {
    schedule::PhaseState* state = nullptr;
    TurnScheduler* scheduler = nullptr;
  };
  std::mutex mu_;
  Slot slots_[2];  // indexed by record::Phase
};

}  // namespace aiperf::worker
