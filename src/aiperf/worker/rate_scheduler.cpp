#include "aiperf/worker/rate_scheduler.h"

#include <time.h>

#include <algorithm>
#include <limits>

#include "aiperf/common/clock.h"

namespace aiperf::worker {

namespace {
constexpr int64_t kLeadNs = 2'000'000;   // hand credits to workers 2 ms before their target
constexpr int64_t kBatchNs = 1'000'000;  // and those of the next millisecond with them
}  // namespace

void sleep_until_mono(int64_t target_ns) {
  timespec ts{time_t(target_ns / 1'000'000'000), long(target_ns % 1'000'000'000)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

Worker* pick_least_loaded(const std::vector<Worker*>& workers, size_t* rr) {
  Worker* best = workers[(*rr)++ % workers.size()];
  for (Worker* w : workers) {
    if (w->in_flight() < best->in_flight()) best = w;
  }
  return best;
}

RateScheduler::RateScheduler(schedule::PhaseState& phase, std::vector<Worker*> workers,
                             std::unique_ptr<schedule::IntervalGenerator> intervals,
                             std::optional<schedule::RateSchedule> rates)
    : PhaseDriver(phase, std::move(workers)),
      intervals_(std::move(intervals)),
      rates_(std::move(rates)) {}

int64_t RateScheduler::next_target(int64_t prev) {
  if (!rates_) return prev + intervals_->next_ns();
  const int64_t start = phase_.start_ns();
  const int64_t t = rates_->advance(prev - start, intervals_->next_s());
  return t == std::numeric_limits<int64_t>::max() ? t : start + t;
}

RateScheduler::~RateScheduler() {
  stop();
}

Worker* RateScheduler::least_loaded() {
  return pick_least_loaded(workers_, &rr_);
}

void RateScheduler::run() {
  const auto& spec = phase_.spec();
  // Scale-out: every rank draws the whole arrival sequence (the same gaps, the same rate
  // changes) and fires the ticks of its share (tick index ≡ deal_index mod deal_count), so N
  // ranks send at one process's offsets.
  auto advance = [&](int64_t from, int n) {
    for (int j = 0; j < n && from != std::numeric_limits<int64_t>::max(); ++j) {
      from = next_target(from);
    }
    return from;
  };
  int64_t next = advance(phase_.start_ns(), spec.deal_index + 1);
  while (!stopping() && !phase_.sending_done()) {
    if (next == std::numeric_limits<int64_t>::max()) {  // the rate stays 0: nothing more
      phase_.stop_sending();
      break;
    }
    int64_t now = mono_ns();
    if (next < now) next = now;  // never burst to catch up
    // Wake early (at most 1 ms slices so stop() stays responsive) and hand over ahead of time;
    // once awake, hand over every credit due within kBatchNs more, so that at high rates the
    // timing thread and the worker wake once per batch and not once per request.
    if (next - kLeadNs - kBatchNs > now) {
      sleep_until_mono(std::min(next - kLeadNs, now + 1'000'000));
      continue;
    }
    if (next >= phase_.send_deadline_ns()) {
      phase_.stop_sending();
      break;
    }
    int64_t target = next;
    next = advance(next, spec.deal_count);  // scheduled before issuing

    // Continuations first (they hold their slots), then new sessions (spec §3.4).
    auto t = continuations_.pop_ready(target);
    bool can_new = !t && phase_.can_start_new_session(target);
    bool can_any = t || can_new || phase_.can_send_any_turn(target);
    // A new session needs a session slot under a ceiling and a prefill slot under a prefill
    // limit; without one the tick is skipped (AIPerf's try_issue_credit, spec §3.2).
    const bool blocked =
        (spec.concurrency_set && !phase_.slot_available()) || !phase_.prefill_available();
    switch (schedule::decide_tick(t.has_value(), can_new, blocked, can_any)) {
      case schedule::TickAction::kContinuation: {
        auto c = phase_.try_issue_next(t->prev, target, target);
        if (!c) {
          phase_.end_session(schedule::PhaseState::turns_after(t->prev));
          break;
        }
        c->body = std::move(t->body);
        workers_[t->worker_id % workers_.size()]->submit(&phase_, std::move(*c));
        break;
      }
      case schedule::TickAction::kNewSession:
        // A just-in-time dataset: wait here (never on an I/O thread) for the session to be
        // prepared; a late send shows as lateness.
        phase_.wait_feed(target + kFeedWaitNs);
        if (auto c = phase_.try_issue(target, target)) {
          least_loaded()->submit(&phase_, std::move(*c));
        }
        break;
      case schedule::TickAction::kSkipNoSlot:
        skipped_.fetch_add(1, std::memory_order_relaxed);  // no catch-up later
        break;
      case schedule::TickAction::kWait:
        break;  // the tick passes; queued turns become ready later
      case schedule::TickAction::kStop:
        phase_.stop_sending();
        return;
    }
  }
}

}  // namespace aiperf::worker
