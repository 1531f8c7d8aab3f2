// Private to cluster/: the message tags of the team protocol (team.h) and the final-figures
// message. Every message body is written with ByteWriter (wire.h).
#pragma once
#include <cstdint>
#include <string>

#include "aiperf/cluster/team.h"
#include "aiperf/cluster/wire.h"

namespace aiperf::cluster {

enum TeamTag : int {
  kHello = 1,        // rank → 0: config error (empty: fine), host, pid
  kConfigVerdict,    // 0 → rank: -1 go on / exit code, the run's seed
  kPrepared,         // rank → 0: problem, error, worker threads
  kPreparedVerdict,  // 0 → rank: -1 go on / leave
  kPing,             // 0 → rank: sequence number
  kPong,             // rank → 0: sequence number, its CLOCK_MONOTONIC and CLOCK_REALTIME
  kReady,            // rank → 0: phase
  kStart,            // 0 → rank: phase, start instant on the rank's clock
  kPhaseDone,        // rank → 0: phase
  kRecords,          // rank → 0: encoded ProcessedRecords (record_codec.h)
  kHeartbeat,        // both ways, empty
  kStop,             // 0 → rank: stop sending now (an interrupt)
  kFinal,            // rank → 0: RankStats and its start lateness
};

/// One line on stderr ("aiperf: error: ..."), also kept in the log file.
void report_error(const std::string& line);

/// A rank that lost its leader leaves with this code (the leader's code is the job's).
inline constexpr int kExitFailedQuiet = 1;

inline std::string encode_final(const RankStats& s, int64_t start_late_ns) {
  std::string out;
  ByteWriter w(out);
  w.i64(s.cpu_ns);
  w.i64(s.total_cpu_ns);
  w.i64(s.run_cpu_ns);
  w.u64(s.worker_utilization.size());
  for (double u : s.worker_utilization) w.f64(u);
  w.i64(s.peak_rss_kb);
  w.u64(s.dropped);
  w.i64(start_late_ns);
  return out;
}

inline void read_final(ByteReader& r, RankInfo& ri) {
  RankStats s;
  s.cpu_ns = r.i64();
  s.total_cpu_ns = r.i64();
  s.run_cpu_ns = r.i64();
  size_t n = r.count(8);
  for (size_t i = 0; i < n && r.ok(); ++i) s.worker_utilization.push_back(r.f64());
  s.peak_rss_kb = r.i64();
  s.dropped = r.u64();
  int64_t late = r.i64();
  if (!r.ok()) return;
  ri.stats = std::move(s);
  ri.start_late_ns = late;
  ri.finished = true;
}

}  // namespace aiperf::cluster
