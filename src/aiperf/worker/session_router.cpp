#include "aiperf/worker/session_router.h"

#include "aiperf/common/clock.h"
#include "aiperf/worker/worker.h"

namespace aiperf::worker {

DirectTurnScheduler::DirectTurnScheduler(schedule::PhaseState& phase, std::vector<Worker*> workers,
                                         When when)
    : phase_(phase), workers_(std::move(workers)), when_(std::move(when)) {}

void DirectTurnScheduler::next_turn(TurnDone&& t) {
  int64_t now = mono_ns();
  int64_t at = when_(t, now);
  auto c = phase_.try_issue_next(t.prev, now, at);
  if (!c) {
    phase_.end_session(schedule::PhaseState::turns_after(t.prev));
    return;
  }
  c->body = std::move(t.body);
  workers_[t.worker_id % workers_.size()]->submit(&phase_, std::move(*c));
}

void SessionRouter::attach(record::Phase phase, schedule::PhaseState* state,
                           TurnScheduler* scheduler) {
  std::lock_guard<std::mutex> lk(mu_);
  slots_[size_t(phase) & 1] = {state, scheduler};
}

void SessionRouter::detach(record::Phase phase) {
  std::lock_guard<std::mutex> lk(mu_);
  slots_[size_t(phase) & 1] = {};
}

void SessionRouter::end_session(const schedule::Credit& prev) {
  std::lock_guard<std::mutex> lk(mu_);
  Slot& s = slots_[size_t(prev.phase) & 1];
  if (s.state) s.state->end_session(schedule::PhaseState::turns_after(prev));
}

void SessionRouter::next_turn(TurnDone&& t) {
  std::lock_guard<std::mutex> lk(mu_);
  Slot& s = slots_[size_t(t.prev.phase) & 1];
  if (!s.scheduler) return;
  s.scheduler->next_turn(std::move(t));
}

}  // namespace aiperf::worker
