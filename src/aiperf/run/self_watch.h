// How much CPU the machine gave the client while it profiled (issue 15: a busy machine that
// steals the client's cores makes it late without its own threads being busy). The kernel keeps
// per-thread scheduler statistics in /proc/self/task/<tid>/schedstat: time on a CPU, time
// runnable but waiting in a run queue, and time slices; getrusage counts context switches.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

namespace aiperf::run {

/// Process-wide scheduler counters at one moment.
struct SchedSample {
  int64_t on_cpu_ns = 0;       // summed over the process's live threads
  int64_t run_queue_ns = 0;    // runnable but waiting for a core, summed likewise
  int64_t involuntary = 0;     // involuntary context switches (getrusage, whole process)
  bool has_schedstat = false;  // false where /proc/self/task/*/schedstat is unreadable
};

/// Parses one schedstat line ("<on-cpu ns> <run-queue ns> <slices>"); nullopt when malformed.
std::optional<SchedSample> parse_schedstat(std::string_view line);

/// The counters now.
SchedSample sample_sched();

/// What changed between two samples (negative sums, from threads that ended, clamp to 0).
SchedSample sched_delta(const SchedSample& before, const SchedSample& after);

}  // namespace aiperf::run
