#include "aiperf/run/signals.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "aiperf/common/cancel.h"
#include "aiperf/common/clock.h"
#include "aiperf/common/error.h"

namespace aiperf::run {

namespace {

constexpr int64_t kCooperativeGraceNs = 2'000'000'000;  // preparation must unwind within this
constexpr int64_t kFinishingGraceNs = 10'000'000'000;   // exports must end within this

std::atomic<int> g_count{0};
std::atomic<int> g_first{0};
std::atomic<int> g_policy{int(SignalPolicy::kPolled)};  // the installer polls
int g_pipe[2] = {-1, -1};
std::mutex g_mu;  // guards g_doing
std::string g_doing = "starting";

extern "C" void on_signal(int signo) {
  const int saved = errno;
  int none = 0;
  g_first.compare_exchange_strong(none, signo);
  g_count.fetch_add(1);
  const unsigned char b = static_cast<unsigned char>(signo);
  ssize_t ignored = ::write(g_pipe[1], &b, 1);  // wakes the watcher; a full pipe is fine
  (void)ignored;
  errno = saved;
}

std::string doing() {
  std::lock_guard<std::mutex> lk(g_mu);
  return g_doing;
}

[[noreturn]] void exit_now(const char* why) {
  std::fprintf(stderr, "\naiperf: %s received while %s; %s (exit %d)\n",
               signal_name(g_first.load()), doing().c_str(), why, interrupt_exit_code());
  std::fflush(stderr);
  ::_exit(interrupt_exit_code());
}

/// The watcher: woken by every signal, and by its own deadline when a stage must end in time.
void watch() {
  int64_t deadline = 0;  // mono ns; 0 = none
  int seen = 0;
  for (;;) {
    int timeout_ms = -1;
    if (deadline) timeout_ms = int(std::max<int64_t>(0, (deadline - mono_ns()) / 1'000'000));
    pollfd p{g_pipe[0], POLLIN, 0};
    int n = ::poll(&p, 1, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    const auto policy = SignalPolicy(g_policy.load());
    if (n == 0) {  // the deadline passed
      if (policy == SignalPolicy::kCooperative)
        exit_now("the preparation did not stop within 2 s; exiting");
      if (policy == SignalPolicy::kFinishing) exit_now("the exports did not end within 10 s");
      deadline = 0;  // the stage changed in time
      continue;
    }
    unsigned char buf[64];
    ssize_t got = ::read(g_pipe[0], buf, sizeof buf);
    if (got <= 0) continue;
    const int count = g_count.load();
    const bool again = seen > 0;
    seen = count;
    switch (policy) {
      case SignalPolicy::kExitNow:
        exit_now("exiting");
      case SignalPolicy::kCooperative:
        request_stop(g_first.load());
        if (again) exit_now("exiting now");
        deadline = mono_ns() + kCooperativeGraceNs;
        break;
      case SignalPolicy::kPolled:
        if (count >= 3) exit_now("exiting now without writing results");
        break;
      case SignalPolicy::kFinishing:
        if (again) exit_now("exiting now; the results may be incomplete");
        std::fprintf(stderr, "\naiperf: %s received while %s; finishing them (again to stop now)\n",
                     signal_name(g_first.load()), doing().c_str());
        deadline = mono_ns() + kFinishingGraceNs;
        break;
    }
  }
}

}  // namespace

const char* signal_name(int signo) {
  switch (signo) {
    case SIGINT:
      return "SIGINT";
    case SIGTERM:
      return "SIGTERM";
    case SIGHUP:
      return "SIGHUP";
    default:
      return "a signal";
  }
}

void install_interrupt_handlers() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (::pipe2(g_pipe, O_CLOEXEC) != 0) return;  // no watcher: signals keep their defaults
    ::fcntl(g_pipe[1], F_SETFL, O_NONBLOCK);
    std::thread(watch).detach();
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: sleeping waits wake up
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGXFSZ, SIG_IGN);
  });
}

void set_signal_policy(SignalPolicy policy, std::string_view what) {
  {
    std::lock_guard<std::mutex> lk(g_mu);
    g_doing.assign(what);
  }
  g_policy.store(int(policy));
  // A signal that came while no one polled for it (kExitNow has exited already): preparation
  // must see it too.
  if (policy == SignalPolicy::kCooperative && g_first.load()) request_stop(g_first.load());
}

std::string signal_activity() {
  return doing();
}

SignalPolicy signal_policy() {
  return SignalPolicy(g_policy.load());
}

int interrupt_count() {
  return g_count.load();
}

int first_signal() {
  return g_first.load();
}

int interrupt_exit_code() {
  const int s = g_first.load();
  return s ? 128 + s : kExitInterrupted;
}

}  // namespace aiperf::run
