#include "aiperf/worker/rate_scheduler.h"

#include <time.h>

#include <algorithm>

#include "aiperf/common/clock.h"

namespace aiperf::worker {

namespace {
constexpr int64_t kLeadNs = 2'000'000;  // hand credits to workers 2 ms before their target

void sleep_until(int64_t mono_target_ns) {
  timespec ts{time_t(mono_target_ns / 1'000'000'000), long(mono_target_ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}
}  // namespace

RateScheduler::RateScheduler(schedule::PhaseState& phase, std::vector<Worker*> workers,
                             std::unique_ptr<schedule::IntervalGenerator> intervals)
    : phase_(phase), workers_(std::move(workers)), intervals_(std::move(intervals)) {}

RateScheduler::~RateScheduler() { stop(); }

void RateScheduler::start() {
  thread_ = std::thread([this] { run(); });
}

void RateScheduler::stop() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
}

void RateScheduler::run() {
  const auto& spec = phase_.spec();
  int64_t next = phase_.start_ns() + intervals_->next_ns();
  size_t rr = 0;
  while (!stop_.load(std::memory_order_relaxed) && !phase_.sending_done()) {
    int64_t now = mono_ns();
    if (next < now) next = now;  // never burst to catch up
    // Wake early (at most 1 ms slices so stop() stays responsive) and hand over ahead of time.
    if (next - kLeadNs > now) {
      sleep_until(std::min(next - kLeadNs, now + 1'000'000));
      continue;
    }
    if (next >= phase_.send_deadline_ns()) {
      phase_.stop_sending();
      break;
    }
    int64_t target = next;
    next += intervals_->next_ns();
    if (spec.concurrency_set && !phase_.slot_available()) {
      skipped_.fetch_add(1, std::memory_order_relaxed);  // a tick with no free slot is skipped
      continue;
    }
    auto c = phase_.try_issue(target, target);
    if (!c) break;
    // Least-loaded worker, round robin among ties.
    Worker* best = workers_[rr++ % workers_.size()];
    for (Worker* w : workers_) {
      if (w->in_flight() < best->in_flight()) best = w;
    }
    best->submit(&phase_, *c);
  }
}

}  // namespace aiperf::worker
