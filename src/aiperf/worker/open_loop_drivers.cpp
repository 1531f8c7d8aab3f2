#include "aiperf/worker/open_loop_drivers.h"

#include <algorithm>
#include <queue>

#include "aiperf/common/clock.h"
#include "aiperf/worker/rate_scheduler.h"

namespace aiperf::worker {

namespace {
constexpr int64_t kLeadNs = 2'000'000;    // hand credits over 2 ms before their target
constexpr int64_t kSliceNs = 1'000'000;   // sleep at most this long (stop() stays responsive)
constexpr int64_t kSlotPollNs = 100'000;  // waiting for a session slot under a ceiling

/// Sleeps towards `target - lead`; true when it is time to hand the credit over.
bool due(int64_t target_ns) {
  int64_t now = mono_ns();
  if (target_ns - kLeadNs > now) {
    sleep_until_mono(std::min(target_ns - kLeadNs, now + kSliceNs));
    return false;
  }
  return true;
}
}  // namespace

// ---- fixed schedule ---------------------------------------------------------------------------

FixedScheduleDriver::FixedScheduleDriver(schedule::PhaseState& phase, std::vector<Worker*> workers,
                                         schedule::FixedSchedule schedule)
    : PhaseDriver(phase, std::move(workers)), schedule_(std::move(schedule)) {}

FixedScheduleDriver::~FixedScheduleDriver() {
  stop();
}

void FixedScheduleDriver::run() {
  const auto& spec = phase_.spec();
  size_t rr = 0;
  // Scale-out: this rank replays the entries of its share (index ≡ deal_index mod deal_count).
  size_t i = size_t(spec.deal_index);
  const size_t step = size_t(std::max(spec.deal_count, 1));
  while (i < schedule_.entries.size() && !stopping() && !phase_.sending_done()) {
    const schedule::FixedScheduleEntry& e = schedule_.entries[i];
    int64_t target = phase_.start_ns() + e.offset_ns;
    if (!due(target)) continue;
    if (target >= phase_.send_deadline_ns()) {
      phase_.stop_sending();
      break;
    }
    if (spec.concurrency_set && !phase_.slot_available()) {
      sleep_until_mono(mono_ns() + kSlotPollNs);  // a due send blocks for a slot (spec §3.6)
      continue;
    }
    int64_t at = std::max(target, mono_ns() - kLeadNs);
    auto c = phase_.try_issue_session(e.conversation, 0, at, target);
    i += step;
    if (!c) continue;
    pick_least_loaded(workers_, &rr)->submit(&phase_, std::move(*c));
  }
}

std::unique_ptr<DirectTurnScheduler> make_fixed_schedule_turns(schedule::PhaseState& phase,
                                                               std::vector<Worker*> workers,
                                                               double zero_ms) {
  schedule::PhaseState* ps = &phase;
  return std::make_unique<DirectTurnScheduler>(
      phase, std::move(workers), [ps, zero_ms](const TurnDone& t, int64_t now) {
        if (t.next_timestamp_ms) {
          return ps->start_ns() + schedule::trace_offset_ns(double(*t.next_timestamp_ms), zero_ms);
        }
        if (t.delay_ns > 0) return t.returned_ns + t.delay_ns;
        return now;
      });
}

// ---- user-centric -----------------------------------------------------------------------------

UserCentricDriver::UserCentricDriver(schedule::PhaseState& phase, std::vector<Worker*> workers,
                                     schedule::UserCentricPlan plan)
    : PhaseDriver(phase, std::move(workers)), plan_(std::move(plan)) {}

UserCentricDriver::~UserCentricDriver() {
  stop();
}

void UserCentricDriver::run() {
  struct Event {
    int64_t at;
    uint64_t seq;
    uint64_t user_id;  // 0: spawn a new user
    uint32_t conversation;
    uint32_t max_turns;
    bool mine;  // scale-out: this rank's user (always true in one process)
    bool operator>(const Event& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events;
  uint64_t seq = 0;
  const int64_t start = phase_.start_ns();
  const auto& spec = phase_.spec();
  // Scale-out: every rank plays the whole sequence of users (the same sampler draws, the same
  // spawn times) and sends the users of its share: the n-th user created is this rank's when
  // n ≡ deal_index (mod deal_count).
  uint64_t ordinal = 0;
  auto deal = [&] {
    return int(ordinal++ % uint64_t(std::max(spec.deal_count, 1))) == spec.deal_index;
  };
  // Initial users: conversations sampled in user-id order; each also contributes the time its
  // replacement spawns.
  for (const schedule::InitialUser& u : plan_.users) {
    uint32_t conv = phase_.sample_conversation();
    uint32_t all = phase_.conversation_turns(conv);
    uint32_t turns = u.max_turns == 0 ? all : std::min(u.max_turns, all);
    int64_t first = start + u.order * plan_.stagger_ns;
    events.push({first, seq++, u.user_id, conv, turns, deal()});
    events.push({first + int64_t(turns) * plan_.turn_gap_ns, seq++, 0, 0, 0, false});
  }
  uint64_t next_user = plan_.next_user_id;
  size_t rr = 0;
  while (!events.empty() && !stopping() && !phase_.sending_done()) {
    Event e = events.top();
    const bool spawn = e.user_id == 0;
    // Spawns are played at once (they only create users); a user's send waits for its time.
    if (!spawn && e.mine && !due(e.at)) continue;
    if (e.at >= phase_.send_deadline_ns()) {
      if (!spawn && !e.mine) {
        events.pop();
        continue;
      }
      phase_.stop_sending();
      break;
    }
    if (spawn) {
      events.pop();
      e.user_id = next_user++;
      e.mine = deal();
      if (e.mine && !phase_.can_start_new_session(e.at)) continue;
      e.conversation = phase_.sample_conversation();
      e.max_turns = phase_.conversation_turns(e.conversation);
      events.push({e.at + int64_t(e.max_turns) * plan_.turn_gap_ns, seq++, 0, 0, 0, false});
      if (e.mine) events.push({e.at, seq++, e.user_id, e.conversation, e.max_turns, true});
      continue;
    }
    if (!e.mine) {
      events.pop();
      continue;
    }
    if (spec.concurrency_set && !phase_.slot_available()) {
      sleep_until_mono(mono_ns() + kSlotPollNs);  // the only closed-loop element (spec §3.7)
      continue;
    }
    events.pop();
    int64_t at = std::max(e.at, mono_ns() - kLeadNs);
    auto c = phase_.try_issue_session(e.conversation, e.max_turns, at, e.at);
    if (!c) continue;
    c->x_correlation_id = std::to_string(e.user_id);
    pick_least_loaded(workers_, &rr)->submit(&phase_, std::move(*c));
  }
}

std::unique_ptr<DirectTurnScheduler> make_user_centric_turns(schedule::PhaseState& phase,
                                                             std::vector<Worker*> workers,
                                                             int64_t turn_gap_ns) {
  return std::make_unique<DirectTurnScheduler>(
      phase, std::move(workers), [turn_gap_ns](const TurnDone& t, int64_t now) {
        return std::max(now, t.prev.scheduled_ns + turn_gap_ns);
      });
}

}  // namespace aiperf::worker
