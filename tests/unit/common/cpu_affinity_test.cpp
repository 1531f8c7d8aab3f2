// CPU plans for the I/O workers (common/cpu_affinity.h): who gets which core, when nothing is
// pinned, and that a thread's CPUs are set and given back.
#include "aiperf/common/cpu_affinity.h"

#include <gtest/gtest.h>

#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <future>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/common/clock.h"

namespace aiperf::affinity {
namespace {

TEST(CpuAffinity, WorkersTakeTheHighestCoresAndTheRestKeepsTheOthers) {
  CpuPlan p = plan_cpus({0, 1, 2, 3, 4, 5, 6, 7}, 3);
  ASSERT_TRUE(p.pinned());
  EXPECT_EQ(p.workers, (std::vector<int>{7, 6, 5}));
  EXPECT_EQ(p.rest, (std::vector<int>{0, 1, 2, 3, 4}));
  // A cpuset with holes (a container's share), given in any order.
  p = plan_cpus({9, 2, 4, 3}, 2);
  ASSERT_TRUE(p.pinned());
  EXPECT_EQ(p.workers, (std::vector<int>{9, 4}));
  EXPECT_EQ(p.rest, (std::vector<int>{2, 3}));
}

TEST(CpuAffinity, NoPlanWithoutTwoCoresToSpare) {
  EXPECT_FALSE(plan_cpus({0, 1}, 1).pinned());  // this 2-core machine, one worker
  EXPECT_FALSE(plan_cpus({0, 1, 2, 3}, 3).pinned());
  EXPECT_TRUE(plan_cpus({0, 1, 2}, 1).pinned());
  EXPECT_FALSE(plan_cpus({}, 1).pinned());
  EXPECT_FALSE(plan_cpus({0, 1, 2, 3}, 0).pinned());
}

TEST(CpuAffinity, CpuListsForLogs) {
  EXPECT_EQ(cpu_list({0, 1, 2, 3, 5, 7, 8}), "0-3,5,7,8");
  EXPECT_EQ(cpu_list({15, 14}), "15,14");
  EXPECT_EQ(cpu_list({4}), "4");
  EXPECT_EQ(cpu_list({}), "");
}

TEST(CpuAffinity, AThreadIsRestrictedAndGivenBack) {
  const std::vector<int> all = allowed_cpus();
  ASSERT_FALSE(all.empty());
  {
    const PinScope off(1, false);
    EXPECT_FALSE(off.plan().pinned());
    EXPECT_EQ(allowed_cpus(), all);
  }
  // Restrict a helper thread to one CPU: it sees that CPU only; the caller is untouched.
  std::vector<int> seen;
  std::thread t([&] {
    ASSERT_TRUE(set_thread_cpus(pthread_self(), {all.back()}));
    seen = allowed_cpus();
  });
  t.join();
  EXPECT_EQ(seen, std::vector<int>{all.back()});
  EXPECT_EQ(allowed_cpus(), all);
  {
    const PinScope pins(1, true);
    if (all.size() >= 3) {
      ASSERT_TRUE(pins.plan().pinned());
      EXPECT_EQ(allowed_cpus(), pins.plan().rest);
    } else {
      EXPECT_FALSE(pins.plan().pinned());
      EXPECT_EQ(allowed_cpus(), all);
    }
  }
  EXPECT_EQ(allowed_cpus(), all);
}

// A role's thread: its name and its nice, read from inside it.
std::pair<std::string, int> in_role(ThreadRole role, int index = 0) {
  std::pair<std::string, int> out;
  std::thread([&] {
    enter_role(role, index);
    char name[16] = {};
    pthread_getname_np(pthread_self(), name, sizeof name);
    out.first = name;
    out.second = getpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)));
  }).join();
  return out;
}

int nice_of(pid_t tid) {
  return getpriority(PRIO_PROCESS, id_t(tid));
}

// Roles name their threads; an I/O thread starts at the process's nice (SendBoost raises it
// while it has scheduled sends) and the record pipeline one step below it; the timing thread
// is raised where permitted; off, nothing moves.
TEST(CpuAffinity, RolesNameThreadsAndPutTheRecordsOneStepBelowTheIoThreads) {
  const int base = nice_of(pid_t(syscall(SYS_gettid)));
  set_role_tuning(true);
  const auto io = in_role(ThreadRole::kIo, 3);
  const auto timing = in_role(ThreadRole::kTiming);
  const auto records = in_role(ThreadRole::kRecords);
  const auto feed = in_role(ThreadRole::kFeed);
  EXPECT_EQ(io.first, "aiperf-io3");
  EXPECT_EQ(timing.first, "aiperf-timing");
  EXPECT_EQ(records.first, "aiperf-records");
  EXPECT_EQ(feed.first, "aiperf-feed");
  if (base - kPriorityStep >= -20 && base + kPriorityStep <= 19) {
    EXPECT_EQ(records.second, latency_boost_refused() ? base : base + kPriorityStep);
    EXPECT_EQ(io.second, base);
    EXPECT_EQ(feed.second, base);
    EXPECT_EQ(timing.second, latency_boost_refused() ? base : base - kPriorityStep);
  }
  // The probe gave this thread its nice back.
  EXPECT_EQ(nice_of(pid_t(syscall(SYS_gettid))), base);
  set_role_tuning(false);
  EXPECT_FALSE(latency_boost_refused());
  EXPECT_EQ(in_role(ThreadRole::kTiming).second, base);
  EXPECT_EQ(in_role(ThreadRole::kRecords).second, base);
  set_role_tuning(true);
}

/// struct sched_attr's first fields (sched_getattr(2)), to read a thread's slice.
struct Attr {
  uint32_t size, policy;
  uint64_t flags;
  int32_t nice;
  uint32_t priority;
  uint64_t runtime, deadline, period;
  uint32_t util_min, util_max;
};

uint64_t slice_of(pid_t tid) {
  Attr a{};
  return syscall(SYS_sched_getattr, tid, &a, sizeof a, 0) == 0 ? a.runtime : 0;
}

// Thread `tid`'s scheduling policy (SCHED_OTHER, SCHED_FIFO, ...).
int policy_of(pid_t tid) {
  return sched_getscheduler(tid) & ~SCHED_RESET_ON_FORK;
}

// Whether this kernel keeps a SCHED_OTHER thread's slice (Linux >= 6.12): set on a thread of
// its own and read back.
bool kernel_keeps_slices() {
  bool kept = false;
  std::thread([&] {
    Attr a{};
    if (syscall(SYS_sched_getattr, 0, &a, sizeof a, 0) != 0) return;
    a.size = sizeof a;
    a.flags = 0;
    a.runtime = 300'000;
    kept = syscall(SYS_sched_setattr, 0, &a, 0) == 0 &&
           slice_of(pid_t(syscall(SYS_gettid))) == 300'000;
  }).join();
  return kept;
}

// A thread in `role` that waits until the future is ready; its id once it has entered it.
struct RoleThread {
  std::promise<pid_t> started;
  std::promise<void> finish;
  std::thread thread;
  explicit RoleThread(ThreadRole role) {
    thread = std::thread([this, role] {
      enter_role(role);
      started.set_value(pid_t(syscall(SYS_gettid)));
      finish.get_future().wait();
    });
  }
  ~RoleThread() {
    finish.set_value();
    thread.join();
  }
};

// An I/O thread that attaches `boost` and waits until it goes out of scope; `tid` once attached.
struct IoThread {
  std::promise<pid_t> started;
  std::promise<void> finish;
  std::thread thread;
  pid_t tid = 0;
  explicit IoThread(SendBoost& boost) {
    thread = std::thread([this, &boost] {
      enter_role(ThreadRole::kIo);
      boost.attach();
      started.set_value(pid_t(syscall(SYS_gettid)));
      finish.get_future().wait();
    });
    tid = started.get_future().get();
  }
  ~IoThread() {
    finish.set_value();
    thread.join();
  }
};

// Whether nice `base` leaves kPriorityStep on both sides.
bool nice_room(int base) {
  return base - kPriorityStep >= -20 && base + kPriorityStep <= 19;
}

// An I/O thread is raised only while credits with set send times wait on it: a count, so the
// last one out lowers it; raised by the thread that hands the credit over (here the test's),
// and a credit handed over before the thread started is applied when it attaches. The record
// pipeline follows, one step below: the process's nice while an I/O thread is raised.
TEST(CpuAffinity, SendBoostRaisesAnIoThreadOnlyWhileScheduledSendsWait) {
  const int base = nice_of(pid_t(syscall(SYS_gettid)));
  if (!nice_room(base)) GTEST_SKIP() << "nice " << base << " leaves no room";
  set_role_tuning(true);
  const bool refused = latency_boost_refused();
  const int raised_nice = refused ? base : base - kPriorityStep;
  RoleThread records(ThreadRole::kRecords);
  const pid_t records_tid = records.started.get_future().get();
  const int records_low = refused ? base : base + kPriorityStep;
  EXPECT_EQ(nice_of(records_tid), records_low);
  SendBoost boost;
  boost.add();  // before the thread attaches
  EXPECT_FALSE(boost.raised());
  IoThread io(boost);
  const pid_t tid = io.tid;
  const uint64_t default_slice = slice_of(pid_t(syscall(SYS_gettid)));
  EXPECT_TRUE(boost.raised());
  EXPECT_EQ(nice_of(tid), raised_nice);
  EXPECT_EQ(nice_of(records_tid), base);
  // SCHED_FIFO where permitted (ARaisedIoThreadRunsFifo... below); otherwise the short slice,
  // which Linux >= 6.12 keeps and earlier kernels ignore.
  EXPECT_EQ(policy_of(tid), boost.fifo() ? SCHED_FIFO : SCHED_OTHER);
  if (!boost.fifo() && kernel_keeps_slices()) {
    EXPECT_EQ(slice_of(tid), uint64_t(kLatencySliceNs));
  }
  boost.add();
  boost.remove();
  EXPECT_TRUE(boost.raised());
  EXPECT_EQ(nice_of(tid), raised_nice);
  boost.remove();
  EXPECT_FALSE(boost.raised());
  EXPECT_FALSE(boost.fifo());
  EXPECT_EQ(policy_of(tid), SCHED_OTHER);
  EXPECT_EQ(nice_of(tid), base);
  EXPECT_EQ(nice_of(records_tid), records_low);
  EXPECT_EQ(slice_of(tid), default_slice);
  boost.remove();  // one too many: no count below zero
  boost.add();
  EXPECT_TRUE(boost.raised());
  EXPECT_EQ(nice_of(tid), raised_nice);
  boost.remove();
  EXPECT_EQ(nice_of(tid), base);
  // Off: nothing moves.
  set_role_tuning(false);
  boost.add();
  EXPECT_FALSE(boost.raised());
  EXPECT_EQ(nice_of(tid), base);
  boost.remove();
  set_role_tuning(true);
}

// The record pipeline yields the core between records, at most every kGiveWayNs, while an I/O
// thread keeps a schedule (unless SCHED_FIFO lets it preempt anyway: then only while a
// pipeline is starved), and never otherwise.
TEST(CpuAffinity, APipelineGivesWayOnlyWhileAnIoThreadKeepsASchedule) {
  set_role_tuning(true);
  const int64_t long_ago = mono_ns() - 1'000'000'000;
  int64_t last = long_ago;
  EXPECT_FALSE(io_raised());
  EXPECT_FALSE(give_way_to_io(last));
  EXPECT_EQ(last, long_ago);
  SendBoost boost;
  IoThread io(boost);
  boost.add();
  ASSERT_TRUE(boost.raised());
  EXPECT_TRUE(io_raised());
  // An I/O thread in SCHED_FIFO (where permitted) preempts the pipeline as it wakes: no yield.
  if (boost.fifo()) {
    EXPECT_FALSE(give_way_to_io(last));
    EXPECT_EQ(last, long_ago);
  }
  // A starved pipeline takes it back to its EEVDF settings (at its next credit): now the
  // pipeline yields, at most every kGiveWayNs.
  std::promise<void> starved, caught_up;
  std::thread records([&] {
    enter_role(ThreadRole::kRecords);
    note_records_backlog(kStarvedBacklog);
    starved.set_value();
    caught_up.get_future().wait();
    note_records_backlog(0);
  });
  starved.get_future().wait();
  boost.add();
  EXPECT_FALSE(boost.fifo());
  EXPECT_TRUE(give_way_to_io(last));
  EXPECT_GE(last, long_ago + 1'000'000'000);
  last = mono_ns() + 1'000'000'000;  // the last yield "in the future": too soon for another
  EXPECT_FALSE(give_way_to_io(last));
  caught_up.set_value();
  records.join();
  boost.remove();
  boost.remove();
  EXPECT_FALSE(io_raised());
  last = long_ago;
  EXPECT_FALSE(give_way_to_io(last));
  // Off: nothing is raised, so nothing yields.
  set_role_tuning(false);
  boost.add();
  EXPECT_FALSE(io_raised());
  EXPECT_FALSE(give_way_to_io(last));
  boost.remove();
  set_role_tuning(true);
}

// Where the kernel permits, a raised I/O thread and the timing thread run SCHED_FIFO; while a
// record pipeline is far behind they keep the raised EEVDF settings instead (a real-time thread
// busy all the time would starve the pipeline), and back once it has caught up; lowered, the
// I/O thread is SCHED_OTHER.
TEST(CpuAffinity, ARaisedIoThreadRunsFifoWherePermittedUntilAPipelineFallsBehind) {
  const int base = nice_of(pid_t(syscall(SYS_gettid)));
  if (!nice_room(base)) GTEST_SKIP() << "nice " << base << " leaves no room";
  set_role_tuning(true);
  SendBoost boost;
  IoThread io(boost);
  const pid_t tid = io.tid;
  boost.add();
  ASSERT_TRUE(boost.raised());
  const bool permitted = boost.fifo();
  // Root or a real-time allowance can have it; an unprivileged user without one cannot.
  rlimit rt{};
  getrlimit(RLIMIT_RTPRIO, &rt);
  if (geteuid() == 0 || rt.rlim_cur >= rlim_t(kFifoPriority)) {
    EXPECT_TRUE(permitted);
  }
  EXPECT_EQ(policy_of(tid), permitted ? SCHED_FIFO : SCHED_OTHER);
  RoleThread timing(ThreadRole::kTiming);
  const pid_t timing_tid = timing.started.get_future().get();
  EXPECT_EQ(policy_of(timing_tid), permitted ? SCHED_FIFO : SCHED_OTHER);
  // A pipeline falls behind, then catches up; the I/O thread follows at its next credit, the
  // timing thread at once.
  std::promise<void> behind, caught_up, leave;
  std::thread records([&] {
    enter_role(ThreadRole::kRecords);
    note_records_backlog(kBacklogHigh);  // behind, not starved: nothing leaves SCHED_FIFO
    EXPECT_EQ(policy_of(timing_tid), permitted ? SCHED_FIFO : SCHED_OTHER);
    note_records_backlog(kStarvedBacklog);
    behind.set_value();
    caught_up.get_future().wait();
    note_records_backlog(0);
    leave.set_value();
  });
  behind.get_future().wait();
  EXPECT_EQ(policy_of(timing_tid), SCHED_OTHER);
  boost.add();
  EXPECT_FALSE(boost.fifo());
  EXPECT_EQ(policy_of(tid), SCHED_OTHER);
  EXPECT_TRUE(boost.raised());
  if (!latency_boost_refused()) {
    EXPECT_EQ(nice_of(tid), base - kPriorityStep);
  }
  if (kernel_keeps_slices()) {
    EXPECT_EQ(slice_of(tid), uint64_t(kLatencySliceNs));
  }
  caught_up.set_value();
  leave.get_future().wait();
  boost.remove();
  EXPECT_EQ(boost.fifo(), permitted);
  EXPECT_EQ(policy_of(tid), permitted ? SCHED_FIFO : SCHED_OTHER);
  EXPECT_EQ(policy_of(timing_tid), permitted ? SCHED_FIFO : SCHED_OTHER);
  records.join();
  boost.remove();
  EXPECT_FALSE(boost.raised());
  EXPECT_FALSE(boost.fifo());
  EXPECT_EQ(policy_of(tid), SCHED_OTHER);
  EXPECT_EQ(nice_of(tid), base);
}

// A record pipeline far behind runs at the process's nice (one step below the I/O threads it
// would also give way to other processes, and its queue would hold every record) until it is
// nearly caught up; in between nothing changes.
TEST(CpuAffinity, APipelineFarBehindTakesTheProcesssNiceUntilCaughtUp) {
  const int base = nice_of(pid_t(syscall(SYS_gettid)));
  if (base + kPriorityStep > 19) GTEST_SKIP() << "nice " << base << " leaves no room";
  set_role_tuning(true);
  std::vector<int> seen;
  std::thread([&] {
    enter_role(ThreadRole::kRecords);
    const pid_t self = pid_t(syscall(SYS_gettid));
    seen.push_back(nice_of(self));
    for (size_t queued :
         {kBacklogHigh - 1, kBacklogHigh, kBacklogLow + 1, kBacklogLow, size_t(0)}) {
      note_records_backlog(queued);
      seen.push_back(nice_of(self));
    }
  }).join();
  const int low = latency_boost_refused() ? base : base + kPriorityStep;
  EXPECT_EQ(seen, (std::vector<int>{low, low, base, base, low, low}));
  note_records_backlog(kBacklogHigh);  // not a pipeline's thread: nothing happens
  EXPECT_EQ(nice_of(pid_t(syscall(SYS_gettid))), base);
}

}  // namespace
}  // namespace aiperf::affinity
