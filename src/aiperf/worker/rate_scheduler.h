// The open-loop driver of request-rate mode (spec §3.4): one thread computes absolute target
// times from the arrival pattern and hands credits to workers a little ahead of time; each
// worker fires them on its own timerfd at the exact target. Never catches up: when the
// scheduler falls behind, the next target resets to now (spec §11.8).
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "aiperf/schedule/arrival.h"
#include "aiperf/schedule/schedule.h"
#include "aiperf/worker/worker.h"

namespace aiperf::worker {

class RateScheduler {
 public:
  RateScheduler(schedule::PhaseState& phase, std::vector<Worker*> workers,
                std::unique_ptr<schedule::IntervalGenerator> intervals);
  ~RateScheduler();
  void start();
  void stop();  // thread-safe; joins
  /// Ticks skipped because every session slot was busy (rate with a --concurrency ceiling).
  uint64_t skipped_ticks() const { return skipped_.load(); }

 private:
  void run();
  schedule::PhaseState& phase_;
  std::vector<Worker*> workers_;
  std::unique_ptr<schedule::IntervalGenerator> intervals_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> skipped_{0};
};

}  // namespace aiperf::worker
