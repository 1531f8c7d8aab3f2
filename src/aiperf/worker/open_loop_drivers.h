// The first-turn drivers of trace replay (spec §3.6) and user-centric rate (spec §3.7): one
// thread each, handing credits to workers ~2 ms before their absolute target times (as the
// RateScheduler does); workers fire them on their timerfds. Later turns of sessions go through
// a DirectTurnScheduler (session_router.h) built by make_fixed_schedule_turns() /
// make_user_centric_turns().
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "aiperf/schedule/fixed_schedule.h"
#include "aiperf/schedule/schedule.h"
#include "aiperf/schedule/user_centric.h"
#include "aiperf/worker/phase_driver.h"
#include "aiperf/worker/session_router.h"
#include "aiperf/worker/worker.h"

namespace aiperf::worker {

/// Sends each conversation's first turn at phase start + (timestamp − zero). A --concurrency
/// ceiling makes a due send wait for a free session slot.
class FixedScheduleDriver final : public PhaseDriver {
 public:
  FixedScheduleDriver(schedule::PhaseState& phase, std::vector<Worker*> workers,
                      schedule::FixedSchedule schedule);
  ~FixedScheduleDriver() override;

 private:
  void run() override;
  schedule::FixedSchedule schedule_;
};

/// Later turns in trace replay: at the turn's own timestamp if it has one, else `delay` after
/// the previous turn returned, else at once.
std::unique_ptr<DirectTurnScheduler> make_fixed_schedule_turns(schedule::PhaseState& phase,
                                                               std::vector<Worker*> workers,
                                                               double zero_ms);

/// Starts the planned initial users at phase start + order·stagger, then spawns a new user at
/// each time popped from a min-heap of spawn times (each user pushes first_send +
/// turns·turn_gap). X-Correlation-ID = the user id.
class UserCentricDriver final : public PhaseDriver {
 public:
  UserCentricDriver(schedule::PhaseState& phase, std::vector<Worker*> workers,
                    schedule::UserCentricPlan plan);
  ~UserCentricDriver() override;

 private:
  void run() override;
  schedule::UserCentricPlan plan_;
};

/// Later turns in user-centric mode: max(now, previous target + turn_gap); dataset delays are
/// ignored.
std::unique_ptr<DirectTurnScheduler> make_user_centric_turns(schedule::PhaseState& phase,
                                                             std::vector<Worker*> workers,
                                                             int64_t turn_gap_ns);

}  // namespace aiperf::worker
