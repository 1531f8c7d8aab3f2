#include "aiperf/worker/shaping_driver.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "aiperf/common/clock.h"
#include "aiperf/worker/rate_scheduler.h"
#include "aiperf/worker/worker.h"

namespace aiperf::worker {

namespace {
constexpr int64_t kPollNs = 10'000'000;  // stop() and the deadline are noticed this fast
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

int64_t ns(double s) {
  return std::llround(s * 1e9);
}
}  // namespace

bool ShapingDriver::needed(const schedule::PhaseSpec& spec) {
  return spec.prefill_concurrency.has_value() || spec.concurrency_ramp_s.has_value();
}

ShapingDriver::ShapingDriver(schedule::PhaseState& phase, std::vector<Worker*> workers,
                             bool closed_loop, const RngManager& rngs)
    : PhaseDriver(phase, std::move(workers)), closed_loop_(closed_loop) {
  const schedule::PhaseSpec& spec = phase.spec();
  if (spec.concurrency_ramp_s) {
    sessions_.emplace(spec.concurrency, ns(*spec.concurrency_ramp_s), spec.concurrency_ramp_type,
                      &rngs);
  }
  if (spec.prefill_concurrency && spec.prefill_ramp_s) {
    prefill_.emplace(*spec.prefill_concurrency, ns(*spec.prefill_ramp_s), spec.prefill_ramp_type,
                     &rngs);
  }
  session_limit_ = phase.session_limit();
  prefill_limit_ = prefill_ ? 1 : 0;  // a ramp starts at one (PhaseState does the same)
}

ShapingDriver::~ShapingDriver() {
  stop();
}

int64_t ShapingDriver::apply(int64_t elapsed_ns) {
  int64_t next = kNever;
  if (sessions_) {
    const int64_t v = sessions_->value_at(elapsed_ns);
    if (v > session_limit_) {
      const int64_t added = v - session_limit_;
      phase_.set_session_limit(v);
      session_limit_ = v;
      // Concurrency mode: each raised slot starts one more closed-loop session.
      for (int64_t i = 0; closed_loop_ && i < added; ++i) {
        pick_least_loaded(workers_, &rr_)->run_closed_loop(&phase_, 1);
      }
    }
    if (auto s = sessions_->next_step(elapsed_ns)) next = std::min(next, s->first);
  }
  if (prefill_) {
    const int64_t v = prefill_->value_at(elapsed_ns);
    if (v > prefill_limit_) {
      prefill_limit_ = v;
      resume_prefill_waiters(&phase_, phase_.set_prefill_limit(v), workers_);
    }
    if (auto s = prefill_->next_step(elapsed_ns)) next = std::min(next, s->first);
  }
  return next;
}

void ShapingDriver::run() {
  const int64_t start = phase_.start_ns();
  const int64_t deadline = phase_.send_deadline_ns();
  while (!stopping()) {
    const int64_t now = mono_ns();
    const int64_t next = apply(now - start);
    // After the duration nothing is sent: credits still waiting for a prefill slot are dropped
    // (later arrivals too: a credit handed over just before the deadline may queue after it).
    if (now >= deadline && phase_.prefill_limited()) drop_prefill_waiters(&phase_, workers_);
    int64_t wake = now + kPollNs;
    if (next != kNever) wake = std::min(wake, start + next);
    if (deadline > now) wake = std::min(wake, deadline);
    sleep_until_mono(wake);
  }
}

}  // namespace aiperf::worker
