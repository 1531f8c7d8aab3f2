// Private to worker/: the thread shared by the open-loop drivers (RateScheduler,
// FixedScheduleDriver, UserCentricDriver). start() runs the driver's run() on its own thread;
// stop() (thread-safe, idempotent) raises the stop flag and joins. A derived class calls stop()
// in its own destructor, since run() uses its members.
#pragma once
#include <atomic>
#include <thread>
#include <vector>

#include "aiperf/common/cpu_affinity.h"
#include "aiperf/schedule/schedule.h"

namespace aiperf::worker {

class Worker;

class PhaseDriver {
 public:
  PhaseDriver(schedule::PhaseState& phase, std::vector<Worker*> workers)
      : phase_(phase), workers_(std::move(workers)) {}
  virtual ~PhaseDriver() = default;
  PhaseDriver(const PhaseDriver&) = delete;
  PhaseDriver& operator=(const PhaseDriver&) = delete;

  void start() {
    thread_ = std::thread([this] {
      affinity::enter_role(affinity::ThreadRole::kTiming);
      run();
    });
  }
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

 protected:
  /// Longest wait for a just-in-time session before the tick is let go (the renderer is then
  /// far behind the schedule; the run's log counts these stalls).
  static constexpr int64_t kFeedWaitNs = 1'000'000'000;
  /// run() loops while this is false.
  bool stopping() const { return stop_.load(std::memory_order_relaxed); }

  schedule::PhaseState& phase_;
  std::vector<Worker*> workers_;

 private:
  virtual void run() = 0;
  std::thread thread_;
  std::atomic<bool> stop_{false};
};

}  // namespace aiperf::worker
