#include "aiperf/cluster/share.h"

#include <algorithm>

namespace aiperf::cluster {

int active_ranks(const schedule::PhaseSpec& g, int ranks) {
  ranks = std::max(ranks, 1);
  int64_t k = ranks;
  if (g.mode == config::TimingMode::kConcurrency || g.concurrency_set) {
    k = std::min(k, g.concurrency);
  }
  if (g.prefill_concurrency) k = std::min(k, *g.prefill_concurrency);
  return int(std::max<int64_t>(k, 1));
}

schedule::PhaseSpec share_phase(const schedule::PhaseSpec& g, int rank, int ranks) {
  schedule::PhaseSpec s = g;
  if (ranks <= 1) return s;
  const int k = active_ranks(g, ranks);
  s.deal_count = k;
  s.deal_index = rank < k ? rank : 0;
  s.idle = rank >= k;
  if (g.mode == config::TimingMode::kConcurrency || g.concurrency_set) {
    s.concurrency = s.idle ? 0 : dealt_count(g.concurrency, rank, k);
  }
  if (g.prefill_concurrency) {
    s.prefill_concurrency = s.idle ? 0 : dealt_count(*g.prefill_concurrency, rank, k);
  }
  if (g.request_count) {
    s.request_count = s.idle ? 0 : dealt_count(*g.request_count, rank, k);
    if (*s.request_count == 0) s.idle = true;
  }
  if (g.num_sessions) {
    s.num_sessions = s.idle ? 0 : dealt_count(*g.num_sessions, rank, k);
    if (*s.num_sessions == 0) s.idle = true;
  }
  return s;
}

}  // namespace aiperf::cluster
