// Fixed-rate task thread with on-demand calls (poller.h).
#include "aiperf/telemetry/poller.h"

#include <chrono>

#include "aiperf/common/clock.h"

namespace aiperf::telemetry {

void Poller::start(int64_t interval_ns, Task task) {
  stop();
  std::lock_guard lk(mu_);
  task_ = std::move(task);
  interval_ns_ = interval_ns > 0 ? interval_ns : 333'000'000;
  stop_ = false;
  alive_ = true;
  requested_ = served_ = 0;
  thread_ = std::thread([this] { loop(); });
}

bool Poller::running() const {
  std::lock_guard lk(mu_);
  return alive_;
}

void Poller::loop() {
  int64_t next = mono_ns();
  for (;;) {
    uint64_t gen;
    {
      std::unique_lock lk(mu_);
      cv_.wait_for(lk, std::chrono::nanoseconds(std::max<int64_t>(0, next - mono_ns())),
                   [&] { return stop_ || requested_ > served_; });
      if (stop_) break;
      gen = requested_;
    }
    bool keep = task_();
    int64_t now = mono_ns();
    // Stay on the grid: skip the ticks a slow call has overrun.
    next += interval_ns_;
    if (next <= now) next += ((now - next) / interval_ns_ + 1) * interval_ns_;
    std::lock_guard lk(mu_);
    served_ = gen;
    if (!keep) {
      alive_ = false;  // in the same section, so a waiter sees the call and its verdict at once
      served_ = requested_;
      cv_.notify_all();
      return;
    }
    cv_.notify_all();
  }
  std::lock_guard lk(mu_);
  alive_ = false;
  served_ = requested_;
  cv_.notify_all();
}

bool Poller::poll_now(int64_t timeout_ns) {
  return wait(request(), mono_ns() + timeout_ns);
}

uint64_t Poller::request() {
  std::lock_guard lk(mu_);
  if (!alive_ || stop_) return 0;
  ++requested_;
  cv_.notify_all();
  return requested_;
}

bool Poller::wait(uint64_t ticket, int64_t deadline_mono_ns) {
  if (ticket == 0) return false;
  std::unique_lock lk(mu_);
  bool ok =
      cv_.wait_for(lk, std::chrono::nanoseconds(std::max<int64_t>(0, deadline_mono_ns - mono_ns())),
                   [&] { return served_ >= ticket || !alive_; });
  return ok && alive_;
}

void Poller::stop() {
  {
    std::lock_guard lk(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
}

}  // namespace aiperf::telemetry
