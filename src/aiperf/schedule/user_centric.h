// User-centric rate (spec §3.7): U users each sending a turn every turn_gap = U/Q seconds, the
// first ones staggered by 1/Q and given a "virtual history" so that the run starts in steady
// state; new users spawn on an absolute schedule. Pure arithmetic; the driver is in worker/.
#pragma once
#include <cstdint>
#include <vector>

namespace aiperf::schedule {

struct InitialUser {
  uint64_t user_id = 0;    // 1-based; X-Correlation-ID is its decimal string
  uint32_t max_turns = 0;  // 0 = all turns of its conversation (the fresh user)
  int64_t order = 0;       // first send at phase start + order * stagger
};

struct UserCentricPlan {
  int64_t turn_gap_ns = 0;
  int64_t stagger_ns = 0;
  int64_t session_turns = 0;       // round(average turns)
  std::vector<InitialUser> users;  // in user-id order; the fresh user (order 0) last
  uint64_t next_user_id = 1;       // the id of the first user spawned later
};

/// Smallest integer > 1 coprime with n, or 1 if none (n <= 2).
int64_t alternate_spacing_step(int64_t n);

/// The initial users: for i in 0..U-1, virtual_age = (U-i)·lifetime, session_age =
/// virtual_age / U, turns_to_send = lifetime - session_age (skipped when <= 0, still consuming
/// an id); start slot (i·step) mod U when gcd(U, lifetime) > 1 else virtual_age mod U;
/// order = U - slot. Plus one fresh user with all turns at order 0. lifetime =
/// max(1, round(avg_turns) - 1).
UserCentricPlan plan_user_centric(int64_t num_users, double qps, double avg_turns);

}  // namespace aiperf::schedule
