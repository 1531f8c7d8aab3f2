#include "aiperf/run/signals.h"

#include <csignal>

namespace aiperf::run {

namespace {
volatile std::sig_atomic_t g_interrupts = 0;
extern "C" void on_interrupt(int) {
  g_interrupts = g_interrupts + 1;
}
}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;  // no SA_RESTART: sleeping waits wake up
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

int interrupt_count() {
  return g_interrupts;
}

}  // namespace aiperf::run
