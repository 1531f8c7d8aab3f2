// The open-loop driver of request-rate mode (spec §3.4): one thread computes absolute target
// times from the arrival pattern and hands credits to workers a little ahead of time; each
// worker fires them on its own timerfd at the exact target. Never catches up: when the
// scheduler falls behind, the next target resets to now (spec §11.8).
//
// Multi-turn sessions: the next turn of a session is queued (next_turn(), from the record
// pipeline) and becomes ready after its dataset delay; each tick sends the oldest ready queued
// turn if there is one, else starts a new session (continuations have priority and consume
// ticks, spec §3.4).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "aiperf/schedule/arrival.h"
#include "aiperf/schedule/ready_queue.h"
#include "aiperf/schedule/schedule.h"
#include "aiperf/schedule/shaping.h"
#include "aiperf/worker/phase_driver.h"
#include "aiperf/worker/session_router.h"
#include "aiperf/worker/worker.h"

namespace aiperf::worker {

class RateScheduler final : public TurnScheduler, public PhaseDriver {
 public:
  /// `rates`: a rate that changes over the phase (ramp, series); `intervals` then draws
  /// unit-mean gaps (rate 1) that the schedule turns into time (schedule::RateSchedule).
  RateScheduler(schedule::PhaseState& phase, std::vector<Worker*> workers,
                std::unique_ptr<schedule::IntervalGenerator> intervals,
                std::optional<schedule::RateSchedule> rates = std::nullopt);
  ~RateScheduler() override;
  /// Ticks skipped because every session slot was busy (rate with a --concurrency ceiling).
  uint64_t skipped_ticks() const { return skipped_.load(); }
  /// Record pipeline thread: queue the next turn of a session.
  void next_turn(TurnDone&& t) override {
    int64_t ready = t.returned_ns + t.delay_ns;
    continuations_.push(ready, std::move(t));
  }

 private:
  void run() override;
  Worker* least_loaded();
  /// The target after `prev` (absolute monotonic ns; INT64_MAX: never).
  int64_t next_target(int64_t prev);
  std::unique_ptr<schedule::IntervalGenerator> intervals_;
  std::optional<schedule::RateSchedule> rates_;
  schedule::ReadyQueue<TurnDone> continuations_;
  std::atomic<uint64_t> skipped_{0};
  size_t rr_ = 0;
};

/// Sleep until monotonic `target_ns` (absolute clock_nanosleep).
void sleep_until_mono(int64_t target_ns);

/// Least-loaded worker (fewest in-flight credits), round robin among ties from `*rr`.
Worker* pick_least_loaded(const std::vector<Worker*>& workers, size_t* rr);

}  // namespace aiperf::worker
