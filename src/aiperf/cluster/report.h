// The per-rank section of a run with several ranks (docs/scale-out.md "What the exports say"):
// the "scale_out" object of profile_export_aiperf.json and a console panel.
#pragma once
#include <string>
#include <vector>

#include "aiperf/cluster/team.h"

namespace aiperf::cluster {

/// Compact JSON: {"ranks": N, "library": ..., "clock_sync": ..., "per_rank": [...]}. Each rank:
/// rank, host, pid, state, error, workers, requests, errors, responses, cpu_s (every thread of
/// the process during profiling), total_cpu_s (set-up included), cpu_ns_per_response,
/// worker_utilization, peak_rss_mb, dropped, send_lateness_ms {avg, p50, p99, max}, start_late_ms,
/// clock_offset_ms, wall_offset_ms, clock_rtt_ms, clock_offset_applied.
std::string ranks_json(const std::vector<RankInfo>& ranks, const std::string& library);

/// A console panel: one line per rank.
std::string ranks_console(const std::vector<RankInfo>& ranks, const std::string& library);

}  // namespace aiperf::cluster
