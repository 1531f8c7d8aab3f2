// Error types. Exceptions are used only at start-up and for configuration (DESIGN §8);
// hot paths and parsers return values.
#pragma once
#include <stdexcept>
#include <string>

namespace aiperf {

/// A user-facing configuration or usage error: the message is one line that names the flag
/// (or file) and the fix. The CLI prints it and exits with code 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A failure to load an input file (dataset, tokenizer): message names file (and line/field).
class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Work before the run was stopped by a signal (common/cancel.h); nothing was sent.
class Interrupted : public std::runtime_error {
 public:
  explicit Interrupted(int signo)
      : std::runtime_error("interrupted by signal " + std::to_string(signo)), signo_(signo) {}
  int signo() const { return signo_; }

 private:
  int signo_;
};

/// Process exit codes (DESIGN §4).
enum ExitCode : int {
  kExitOk = 0,
  kExitBenchmarkFailed = 1,  // ran, but e.g. every request failed
  kExitUsage = 2,            // bad flags or configuration, reported before any connection
  /// Stopped by SIGINT. Every signal stop exits 128 + the signal number, as shells report a
  /// signal death: 130 SIGINT, 143 SIGTERM, 129 SIGHUP (run/signals.h, docs/reliability.md).
  kExitInterrupted = 130,
};

}  // namespace aiperf
