// Signals (SIGINT, SIGTERM, SIGHUP) at every stage of the program, from start-up to the last
// export (docs/reliability.md "Signals and stops"). The handler only counts and wakes a watcher
// thread; what a signal does depends on the policy of the stage the program is in:
//
//   kExitNow      nothing polls: one line on stderr, exit 128 + signal at once (for callers
//                 with long stretches that do not poll).
//   kCooperative  preparation (tokenizer, dataset, rendering, inputs.json, server probe): the
//                 stop request of common/cancel.h is raised, the long loops unwind with
//                 aiperf::Interrupted and the CLI prints one line; if the main thread has not
//                 ended within 2 s (a call that does not poll), the watcher exits for it. Nothing
//                 was sent, so there are no results to keep.
//   kPolled       the run, and whoever installed the handlers (a study between its runs): the
//                 run's main loop polls interrupt_count(); the first signal stops issuing and
//                 drains in-flight requests for up to 5 s, the second cuts them; either way the
//                 artifacts of what completed are written. A third exits at once.
//   kFinishing    exports: the first signal lets them finish (a forced exit after 10 s), the
//                 second exits at once.
//
// Exit code of a stop by signal, at every stage: 128 + the number of the first signal received
// (130 SIGINT, 143 SIGTERM, 129 SIGHUP), as a shell reports a process a signal ended.
#pragma once
#include <string>
#include <string_view>

namespace aiperf::run {

enum class SignalPolicy { kExitNow, kCooperative, kPolled, kFinishing };

/// Installs the handlers (SIGINT, SIGTERM, SIGHUP; SIGPIPE and SIGXFSZ ignored, so a closed
/// pipe or a file-size limit is a write error, not a death) and starts the watcher thread.
/// Idempotent. The policy starts as kPolled (the installer polls interrupt_count());
/// run_benchmark() sets its stages' policies and restores the caller's when it returns.
void install_interrupt_handlers();

/// Sets the current policy and what the program is doing ("building the dataset"), for the
/// one-line message. Thread-safe.
void set_signal_policy(SignalPolicy policy, std::string_view doing);
SignalPolicy signal_policy();
/// What the program was doing when the policy was last set ("building the dataset").
std::string signal_activity();

/// Number of SIGINT/SIGTERM/SIGHUP received since install.
int interrupt_count();
/// The first signal received (0: none).
int first_signal();
/// 128 + first_signal() (kExitInterrupted when none was received).
int interrupt_exit_code();
/// "SIGINT", "SIGTERM", "SIGHUP" (else "signal N").
const char* signal_name(int signo);

}  // namespace aiperf::run
