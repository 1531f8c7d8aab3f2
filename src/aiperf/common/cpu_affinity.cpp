#include "aiperf/common/cpu_affinity.h"

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>

#include "aiperf/common/clock.h"

namespace aiperf::affinity {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) out.push_back(c);
  }
  return out;
}

CpuPlan plan_cpus(const std::vector<int>& allowed, int workers) {
  CpuPlan p;
  if (workers < 1 || allowed.size() < size_t(workers) + 2) return p;
  std::vector<int> cpus = allowed;
  std::sort(cpus.begin(), cpus.end());
  const size_t split = cpus.size() - size_t(workers);
  p.rest.assign(cpus.begin(), cpus.begin() + long(split));
  // Worker 0 on the highest CPU, worker 1 below it, ...
  p.workers.assign(cpus.rbegin(), cpus.rbegin() + workers);
  return p;
}

bool set_thread_cpus(pthread_t thread, const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) {
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
  }
  errno = pthread_setaffinity_np(thread, sizeof set, &set);
  return errno == 0;
}

namespace {

std::atomic<bool> g_role_tuning{true};
std::atomic<bool> g_boost_refused{false};

/// The record pipelines' threads, whose nice follows the I/O threads' one step below: the
/// process's nice while an I/O thread is raised, kPriorityStep above it otherwise (where
/// raising is refused, always the process's nice).
struct RecordThread {
  pid_t tid = 0;
  int base = 0;          // the process's nice when it started
  bool behind = false;   // its queue is long (note_records_backlog)
  bool starved = false;  // its queue is very long: no SCHED_FIFO for the others meanwhile
};
/// A timing thread: SCHED_FIFO where permitted, except while a record pipeline is behind.
struct TimingThread {
  pid_t tid = 0;
  int nice = 0;  // its raised nice, for its EEVDF settings
  bool fifo = false;
};
struct RecordThreads {
  std::mutex mu;
  std::vector<RecordThread> threads;
  std::vector<TimingThread> timing;
};
RecordThreads g_records;
// I/O threads raised now (io_raised()); changed under g_records.mu (note_io_raised).
std::atomic<int> g_raised_io{0};
// Record pipelines starved now (note_records_backlog): raised I/O threads leave SCHED_FIFO.
std::atomic<int> g_records_starved{0};
// I/O threads in SCHED_FIFO now: a pipeline need not yield to them (give_way_to_io).
std::atomic<int> g_fifo_io{0};
// The kernel refused SCHED_FIFO once: not asked again.
std::atomic<bool> g_fifo_refused{false};

int records_nice(const RecordThread& t) {  // under g_records.mu
  // Where threads may not go below the process's nice, a pipeline lowered could not come
  // back when it falls behind: it keeps the process's nice there.
  const bool refused = g_boost_refused.load(std::memory_order_relaxed);
  const bool io = g_raised_io.load(std::memory_order_relaxed) > 0;
  return !t.behind && !refused && !io ? t.base + kPriorityStep : t.base;
}

void set_nice(pid_t tid, int nice) {
  setpriority(PRIO_PROCESS, id_t(tid), std::clamp(nice, -20, 19));
}

/// Takes a record pipeline's thread out of g_records when it ends (its id may be reused).
struct RecordThreadExit {
  pid_t tid = 0;
  ~RecordThreadExit() {
    if (tid == 0) return;
    std::lock_guard<std::mutex> lk(g_records.mu);
    std::erase_if(g_records.threads, [this](const RecordThread& t) {
      if (t.tid == tid && t.starved) g_records_starved.fetch_sub(1, std::memory_order_relaxed);
      return t.tid == tid;
    });
  }
};
thread_local RecordThreadExit t_record_thread;

/// Takes a timing thread out of g_records.timing when it ends.
struct TimingThreadExit {
  pid_t tid = 0;
  ~TimingThreadExit() {
    if (tid == 0) return;
    std::lock_guard<std::mutex> lk(g_records.mu);
    std::erase_if(g_records.timing, [this](const TimingThread& t) { return t.tid == tid; });
  }
};
thread_local TimingThreadExit t_timing_thread;

/// An I/O thread was raised (+1) or lowered (-1): the pipelines follow when the first is
/// raised and when the last is lowered.
void note_io_raised(int delta) {
  std::lock_guard<std::mutex> lk(g_records.mu);
  const int before = g_raised_io.fetch_add(delta, std::memory_order_relaxed);
  if ((before > 0) == (before + delta > 0)) return;
  for (const RecordThread& t : g_records.threads) set_nice(t.tid, records_nice(t));
}

/// struct sched_attr of sched_setattr(2) (glibc 2.36 has neither the type nor a wrapper).
struct SchedAttr {
  uint32_t size;
  uint32_t sched_policy;
  uint64_t sched_flags;
  int32_t sched_nice;
  uint32_t sched_priority;
  uint64_t sched_runtime;  // SCHED_OTHER since Linux 6.12: the EEVDF slice
  uint64_t sched_deadline;
  uint64_t sched_period;
  uint32_t sched_util_min;
  uint32_t sched_util_max;
};

/// Sets thread `tid`'s EEVDF slice (0: the kernel's default) and, when `nice` is given, its
/// nice, in one call; false when the kernel refuses or the thread is not SCHED_OTHER.
bool set_slice_and_nice(pid_t tid, int64_t slice_ns, const int* nice) {
  SchedAttr a{};
  if (syscall(SYS_sched_getattr, tid, &a, sizeof a, 0) != 0 || a.sched_policy != SCHED_OTHER) {
    return false;
  }
  a.size = sizeof a;
  a.sched_flags = 0;
  if (nice != nullptr) a.sched_nice = std::clamp(*nice, -20, 19);
  a.sched_runtime = uint64_t(slice_ns);
  return syscall(SYS_sched_setattr, tid, &a, 0) == 0;
}

/// Thread `tid` to SCHED_FIFO at the lowest real-time priority (kFifoPriority), reset to
/// SCHED_OTHER in any child it forks; false when the kernel refuses.
bool set_fifo(pid_t tid) {
  SchedAttr a{};
  a.size = sizeof a;
  a.sched_policy = SCHED_FIFO;
  a.sched_flags = 0x01;  // SCHED_FLAG_RESET_ON_FORK (linux/sched.h)
  a.sched_priority = kFifoPriority;
  return syscall(SYS_sched_setattr, tid, &a, 0) == 0;
}

/// Whether threads that keep the schedule should run SCHED_FIFO now: permitted so far and no
/// record pipeline starved.
bool fifo_wanted() {
  return g_records_starved.load(std::memory_order_relaxed) == 0 &&
         !g_fifo_refused.load(std::memory_order_relaxed);
}

/// set_fifo(), remembering a refusal for the process (not asked again).
bool try_fifo(pid_t tid) {
  if (set_fifo(tid)) return true;
  g_fifo_refused.store(true, std::memory_order_relaxed);
  return false;
}

/// Thread `tid` to SCHED_OTHER with this slice (0: the kernel's default) and nice.
bool set_other(pid_t tid, int64_t slice_ns, int nice) {
  SchedAttr a{};
  a.size = sizeof a;
  a.sched_policy = SCHED_OTHER;
  a.sched_nice = std::clamp(nice, -20, 19);
  a.sched_runtime = uint64_t(slice_ns);
  return syscall(SYS_sched_setattr, tid, &a, 0) == 0;
}

pid_t own_tid() {
  return pid_t(syscall(SYS_gettid));
}

/// Thread `tid`'s nice into `nice`; false when the kernel does not say.
bool nice_of(pid_t tid, int& nice) {
  errno = 0;
  nice = getpriority(PRIO_PROCESS, id_t(tid));
  return errno == 0;
}

/// nice += delta for the calling thread (clamped to -20..19); false with errno when refused.
bool change_own_priority(int delta) {
  const pid_t tid = own_tid();
  int now = 0;
  if (!nice_of(tid, now)) return false;
  return setpriority(PRIO_PROCESS, id_t(tid), std::clamp(now + delta, -20, 19)) == 0;
}

}  // namespace

void set_role_tuning(bool enabled) {
  g_role_tuning.store(enabled, std::memory_order_relaxed);
  // May threads go below the process's nice here? Tried on this thread and undone (raising
  // one's nice back is always allowed): the record pipeline, started before the I/O threads,
  // is lowered only when they cannot be raised (below).
  bool permitted = false;
  if (enabled && change_own_priority(-kPriorityStep)) {
    permitted = true;
    change_own_priority(kPriorityStep);
  }
  g_boost_refused.store(enabled && !permitted, std::memory_order_relaxed);
}

bool latency_boost_refused() {
  return g_boost_refused.load(std::memory_order_relaxed);
}

void enter_role(ThreadRole role, int index) {
  char name[16] = "aiperf";
  switch (role) {
    case ThreadRole::kIo:
      snprintf(name, sizeof name, "aiperf-io%d", index);
      break;
    case ThreadRole::kTiming:
      snprintf(name, sizeof name, "aiperf-timing");
      break;
    case ThreadRole::kRecords:
      snprintf(name, sizeof name, "aiperf-records");
      break;
    case ThreadRole::kFeed:
      snprintf(name, sizeof name, "aiperf-feed");
      break;
    case ThreadRole::kLines:
      snprintf(name, sizeof name, "aiperf-lines");
      break;
  }
  pthread_setname_np(pthread_self(), name);
  if (!g_role_tuning.load(std::memory_order_relaxed)) return;
  switch (role) {
    case ThreadRole::kIo:
      break;  // raised only while it holds scheduled sends (SendBoost)
    case ThreadRole::kTiming: {
      const pid_t tid = own_tid();
      set_slice_and_nice(tid, kLatencySliceNs, nullptr);
      if (!g_boost_refused.load(std::memory_order_relaxed)) change_own_priority(-kPriorityStep);
      TimingThread t{tid, 0, false};
      if (!nice_of(tid, t.nice)) break;
      std::lock_guard<std::mutex> lk(g_records.mu);
      t.fifo = fifo_wanted() && try_fifo(tid);
      g_records.timing.push_back(t);
      t_timing_thread.tid = tid;
      break;
    }
    case ThreadRole::kRecords: {
      // One step below the I/O threads, whichever side moves: two steps (weights 9548 against
      // 110) starved the pipeline of a closed-loop run whose I/O thread keeps a core busy, and
      // its queue of records grew without bound; none (an unraised I/O thread of a closed
      // loop beside a pipeline of equal weight) cost 40 % of non-streaming req/s on one core
      // in context switches.
      const pid_t tid = own_tid();
      int base = 0;
      if (!nice_of(tid, base)) break;
      std::lock_guard<std::mutex> lk(g_records.mu);
      g_records.threads.push_back({tid, base, false});
      t_record_thread.tid = tid;
      set_nice(tid, records_nice(g_records.threads.back()));
      break;
    }
    case ThreadRole::kFeed:
      break;
    case ThreadRole::kLines: {
      // Idle priority (no privilege needed): it runs when nothing else wants the core.
      sched_param p{};
      pthread_setschedparam(pthread_self(), SCHED_IDLE, &p);
      break;
    }
  }
}

void note_records_backlog(size_t queued) {
  const pid_t tid = t_record_thread.tid;
  if (tid == 0 || (queued < kBacklogHigh && queued > kBacklogLow)) return;
  std::lock_guard<std::mutex> lk(g_records.mu);
  for (RecordThread& t : g_records.threads) {
    if (t.tid != tid) continue;
    const bool behind = queued >= kBacklogHigh;
    if (behind != t.behind) {
      t.behind = behind;
      set_nice(tid, records_nice(t));
    }
    const bool starved = queued >= kStarvedBacklog || (t.starved && queued > kBacklogLow);
    if (starved == t.starved) return;
    t.starved = starved;
    g_records_starved.fetch_add(starved ? 1 : -1, std::memory_order_relaxed);
    // The timing threads follow here, the I/O threads at their next credit (follow_records).
    const bool fifo = fifo_wanted();
    for (TimingThread& tt : g_records.timing) {
      if (tt.fifo == fifo) continue;
      if (fifo ? try_fifo(tt.tid) : set_other(tt.tid, kLatencySliceNs, tt.nice)) tt.fifo = fifo;
    }
    return;
  }
}

bool io_raised() {
  return g_raised_io.load(std::memory_order_relaxed) > 0;
}

bool give_way_to_io(int64_t& last_ns) {
  // Raised I/O threads in SCHED_FIFO preempt the pipeline the moment they wake: no need.
  if (g_raised_io.load(std::memory_order_relaxed) <= g_fifo_io.load(std::memory_order_relaxed)) {
    return false;
  }
  const int64_t now = mono_ns();
  if (now - last_ns < kGiveWayNs) return false;
  sched_yield();
  last_ns = mono_ns();
  return true;
}

SendBoost::~SendBoost() {
  // Its thread has ended; the pipelines no longer follow it.
  if (fifo_) g_fifo_io.fetch_sub(1, std::memory_order_relaxed);
  if (raised_) note_io_raised(-1);
}

void SendBoost::attach() {
  const pid_t tid = own_tid();
  int nice = 0;
  if (!nice_of(tid, nice)) nice = 0;
  std::lock_guard<std::mutex> lk(mu_);
  tid_ = tid;
  base_nice_ = nice;
  if (pending_ > 0) apply(true);
  follow_records();
}

void SendBoost::add() {
  std::lock_guard<std::mutex> lk(mu_);
  if (pending_++ == 0) apply(true);
  follow_records();
}

void SendBoost::remove() {
  std::lock_guard<std::mutex> lk(mu_);
  if (pending_ > 0 && --pending_ == 0) apply(false);
  follow_records();
}

bool SendBoost::fifo() const {
  std::lock_guard<std::mutex> lk(mu_);
  return fifo_;
}

void SendBoost::follow_records() {
  const bool want = raised_ && fifo_wanted();
  if (want == fifo_) return;
  if (want) {
    if (try_fifo(tid_)) {
      fifo_ = true;
      g_fifo_io.fetch_add(1, std::memory_order_relaxed);
    }
    return;
  }
  // A pipeline is starved: back to the raised EEVDF settings (a lowered thread never gets
  // here: apply(false) takes it out of SCHED_FIFO first).
  const bool renice = !g_boost_refused.load(std::memory_order_relaxed);
  if (set_other(tid_, kLatencySliceNs, renice ? base_nice_ - kPriorityStep : base_nice_)) {
    fifo_ = false;
    g_fifo_io.fetch_sub(1, std::memory_order_relaxed);
  }
}

bool SendBoost::raised() const {
  std::lock_guard<std::mutex> lk(mu_);
  return raised_;
}

void SendBoost::apply(bool raise) {
  if (tid_ == 0 || raise == raised_ || !g_role_tuning.load(std::memory_order_relaxed)) return;
  const bool renice = !g_boost_refused.load(std::memory_order_relaxed);
  const int nice = raise ? base_nice_ - kPriorityStep : base_nice_;
  if (fifo_ && !raise) {  // out of SCHED_FIFO first: the slice is SCHED_OTHER's
    if (!set_other(tid_, 0, base_nice_)) return;
    fifo_ = false;
    g_fifo_io.fetch_sub(1, std::memory_order_relaxed);
  }
  if (set_slice_and_nice(tid_, raise ? kLatencySliceNs : 0, renice ? &nice : nullptr)) {
    raised_ = raise;
    note_io_raised(raise ? 1 : -1);
  }
}

PinScope::PinScope(int workers, bool enabled) {
  if (!enabled) return;
  allowed_ = allowed_cpus();
  plan_ = plan_cpus(allowed_, workers);
  if (plan_.pinned() && !set_thread_cpus(pthread_self(), plan_.rest)) plan_ = {};
}

PinScope::~PinScope() {
  if (plan_.pinned()) set_thread_cpus(pthread_self(), allowed_);
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) {
      out += j == i + 1 ? ',' : '-';
      out += std::to_string(cpus[j]);
    }
    i = j + 1;
  }
  return out;
}

}  // namespace aiperf::affinity
