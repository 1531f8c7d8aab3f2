#include "aiperf/schedule/user_centric.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace aiperf::schedule {

int64_t alternate_spacing_step(int64_t n) {
  for (int64_t step = 2; step < n; ++step) {
    if (std::gcd(n, step) == 1) return step;
  }
  return 1;
}

UserCentricPlan plan_user_centric(int64_t num_users, double qps, double avg_turns) {
  UserCentricPlan p;
  const int64_t u = std::max<int64_t>(1, num_users);
  p.turn_gap_ns = int64_t(std::llround(double(u) / qps * 1e9));
  p.stagger_ns = int64_t(std::llround(1e9 / qps));
  // Python's round(): half to even.
  p.session_turns = int64_t(std::nearbyint(avg_turns));
  const int64_t lifetime = std::max<int64_t>(1, p.session_turns - 1);
  const bool alternate = std::gcd(u, lifetime) > 1;
  const int64_t step = alternate ? alternate_spacing_step(u) : 1;
  uint64_t id = 1;
  for (int64_t i = 0; i < u; ++i) {
    const int64_t virtual_age = (u - i) * lifetime;
    const int64_t session_age = virtual_age / u;
    const int64_t turns_to_send = lifetime - session_age;
    const uint64_t user_id = id++;
    if (turns_to_send <= 0) continue;
    const int64_t slot = alternate ? (i * step) % u : virtual_age % u;
    p.users.push_back({user_id, uint32_t(turns_to_send), u - slot});
  }
  p.users.push_back({id++, 0, 0});
  p.next_user_id = id;
  return p;
}

}  // namespace aiperf::schedule
