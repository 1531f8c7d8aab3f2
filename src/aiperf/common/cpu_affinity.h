// CPU affinity for the I/O worker threads (issue 15, docs/performance.md "Events per second per
// core"): when the process may use enough cores, each I/O worker gets one of its own and every
// other thread (record pipeline, scheduler, main) keeps to the rest, so the event loops are not
// migrated or preempted by the per-record work. Linux only (sched_getaffinity).
#pragma once
#include <pthread.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace aiperf::affinity {

/// The CPUs the calling thread may run on, ascending; empty when the kernel does not say.
std::vector<int> allowed_cpus();

struct CpuPlan {
  std::vector<int> workers;  // worker i runs on workers[i]
  std::vector<int> rest;     // every other thread
  bool pinned() const { return !workers.empty(); }
};

/// Workers on the highest-numbered allowed CPUs (CPU 0 takes most interrupts), the rest below.
/// No plan (pinned() false) unless there are at least `workers` + 2 CPUs: one core shared by
/// an I/O worker and the record pipeline is what pinning is meant to avoid, and the pipeline
/// with the scheduler and main thread need a core besides.
CpuPlan plan_cpus(const std::vector<int>& allowed, int workers);

/// Restricts `thread` to `cpus`; false (errno set) when the kernel refuses.
bool set_thread_cpus(pthread_t thread, const std::vector<int>& cpus);

/// For the length of a run: plans `workers` cores (when `enabled`) and restricts the calling
/// thread to the plan's rest, so that threads it starts inherit that; restores its CPUs when it
/// goes. plan() is empty when not pinned (disabled, too few cores, or refused).
class PinScope {
 public:
  PinScope(int workers, bool enabled);
  ~PinScope();
  PinScope(const PinScope&) = delete;
  PinScope& operator=(const PinScope&) = delete;
  const CpuPlan& plan() const { return plan_; }

 private:
  std::vector<int> allowed_;
  CpuPlan plan_;
};

/// What a thread of a run does, for its name and its scheduling (enter_role).
enum class ThreadRole : uint8_t {
  kIo,       // an I/O worker's event loop: sends on time, stamps responses
  kTiming,   // the phase driver handing credits to the workers ahead of their times
  kRecords,  // the record pipeline: per-record processing, exports
  kFeed,     // the just-in-time dataset renderer
  kLines,    // profile_export.jsonl's renderer (exporter::detail::LineSpool)
};

/// Whether enter_role() changes scheduling (AIPERF_THREAD_PRIORITIES, read once at start-up);
/// names are always set. Also finds out whether threads may go below the process's nice.
void set_role_tuning(bool enabled);

/// Calling thread: names it ("aiperf-io<index>", "aiperf-timing", "aiperf-records",
/// "aiperf-feed", "aiperf-lines"; shown by top -H, ps -L, perf) and, unless set_role_tuning(false),
/// adjusts its scheduling so that a send due now is not kept waiting behind other work sharing its
/// core. The timing thread asks for a short EEVDF slice (kLatencySliceNs; Linux >= 6.12, earlier
/// kernels ignore it), which lets it preempt a running thread of the process when it wakes,
/// and, where permitted (CAP_SYS_NICE, or RLIMIT_NICE: `ulimit -e`), runs kPriorityStep below
/// the process's nice, so that it also preempts other processes' CPU-bound threads
/// (latency_boost_refused() says when the kernel said no); where real-time scheduling is
/// permitted it runs SCHED_FIFO, except while a record pipeline is behind (as SendBoost). An I/O
/// thread is raised the same way only while it holds sends due at set times (SendBoost): a thread
/// that preempts a CPU hog at every wake-up reads one event per read where one that waits its turn
/// reads several, which costs a closed loop, with no schedule to keep, 2-3x the CPU per event on a
/// busy core. The record pipeline runs one step below the I/O threads, so that its batches give way
/// to the event loop: at the process's nice while an I/O thread is raised, kPriorityStep above it
/// otherwise. One step, never two: its share of a busy core shrinks to about a tenth, and
/// records queue, their timestamps already taken. A long queue undoes the step
/// (note_records_backlog); where raising is refused the pipeline keeps the process's nice
/// (lowered, it could not come back). The feed keeps its share: its window must stay ahead of
/// the schedule. The lines' renderer runs SCHED_IDLE: profile_export.jsonl waits, the run's
/// other threads do not. Other failures are ignored (the defaults remain).
void enter_role(ThreadRole role, int index = 0);

/// Calling thread, a record pipeline's (enter_role(kRecords)): `queued` records waited at its
/// last look. At kBacklogHigh or more it runs at the process's nice, whatever the I/O threads
/// do, until it is down to kBacklogLow: one step below them it also gives way to other
/// processes, and a pipeline that cannot keep up would hold every record in memory.
void note_records_backlog(size_t queued);
inline constexpr size_t kBacklogHigh = 512;
inline constexpr size_t kBacklogLow = 64;
/// At this many queued records a pipeline is starved: SCHED_FIFO threads (SendBoost, the timing
/// thread) fall back to their EEVDF settings until it is down to kBacklogLow. Far above
/// kBacklogHigh, which a 10k req/s run under load reaches in its normal batches (falling back
/// there cost the run's p99 lateness 2 ms against 45-70 us).
inline constexpr size_t kStarvedBacklog = 4096;

/// Calling thread, a record pipeline's, between two records: while an I/O thread is raised (it
/// keeps a schedule) but not SCHED_FIFO (which preempts the pipeline the moment it wakes), and
/// kGiveWayNs have passed since the last time, yields the CPU, so that a
/// raised thread kept waiting runs now rather than after the batch. A pipeline picked while an
/// I/O thread waits runs on until it sleeps or the next scheduler tick (EEVDF lets a picked
/// thread run to the end of its slice; a tick is 4 ms apart at HZ=250): 0.7-1 ms at a time in
/// a 10k req/s run on one core, the send lateness's p99. `last_ns` is the caller's clock of
/// it. Returns whether it yielded.
bool give_way_to_io(int64_t& last_ns);
inline constexpr int64_t kGiveWayNs = 50'000;

/// Whether an I/O thread is raised now (one keeps a schedule): long system calls of other
/// threads of the process are best cut short meanwhile (the per-record files' writes).
bool io_raised();

/// The scheduling of one I/O thread that is raised (short slice, kPriorityStep below the
/// process's nice where permitted) while it holds credits to send at set times, and back at
/// the process's defaults once the last of them was sent or dropped; the record pipelines
/// follow (enter_role). Raised from the thread that hands the credit over, before the
/// hand-over, so the hand-over's wake-up is prompt too.
/// Where the kernel permits (CAP_SYS_NICE, or RLIMIT_RTPRIO: `ulimit -r`), a raised I/O thread
/// also runs SCHED_FIFO at priority kFifoPriority: a woken EEVDF thread waits while the thread
/// on its core is protected to the end of its slice, and the next tick is up to 4 ms away (a
/// CPU hog beside it kept it 0.7-2.9 ms; p99 2.2-2.5 ms at 10k req/s under `stress-ng --cpu
/// 2`, 46-135 us with SCHED_FIFO). It drops back to the raised EEVDF settings while a record
/// pipeline is starved (kStarvedBacklog: a real-time thread busy all the time would leave the
/// pipeline 5 % of the core, and its queue would grow), and returns once it has caught up.
/// Nothing changes under set_role_tuning(false). Thread-safe; one sched_setattr per change.
class SendBoost {
 public:
  SendBoost() = default;
  ~SendBoost();
  SendBoost(const SendBoost&) = delete;
  SendBoost& operator=(const SendBoost&) = delete;
  /// On the I/O thread as it starts; sends added before it are applied then.
  void attach();
  /// Any thread: a credit with a set send time is about to be handed to the I/O thread.
  void add();
  /// The I/O thread: such a credit was sent or dropped.
  void remove();
  /// Whether the I/O thread is raised now (tests).
  bool raised() const;
  /// Whether it runs SCHED_FIFO now (tests).
  bool fifo() const;

 private:
  void apply(bool raise);  // under mu_
  void follow_records();   // under mu_: SCHED_FIFO while raised and no pipeline is behind

  mutable std::mutex mu_;
  int64_t pending_ = 0;
  bool raised_ = false;
  bool fifo_ = false;
  pid_t tid_ = 0;
  int base_nice_ = 0;
};

/// Whether the I/O and timing threads of this run may not go below the process's nice (found
/// out by set_role_tuning()).
bool latency_boost_refused();

inline constexpr int64_t kLatencySliceNs = 100'000;
inline constexpr int kFifoPriority = 1;   // SCHED_FIFO priority of a raised I/O thread
inline constexpr int kPriorityStep = 10;  // nice levels between the I/O threads and the pipeline

/// "0-13,15" for logs.
std::string cpu_list(const std::vector<int>& cpus);

}  // namespace aiperf::affinity
