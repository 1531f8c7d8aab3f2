// Ctrl-C handling for a run: the first SIGINT/SIGTERM asks the run to stop issuing and finish
// in-flight requests for a bounded time; the second stops at once. Either way the artifacts of
// what completed are written (the handler only counts; the main thread acts).
#pragma once

namespace aiperf::run {

void install_interrupt_handlers();
/// Number of SIGINT/SIGTERM received since install (async-signal-safe counter).
int interrupt_count();

}  // namespace aiperf::run
