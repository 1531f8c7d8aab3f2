// A process-wide stop request for the work done before a run starts (tokenizer load, dataset
// build, body rendering, inputs.json): a signal raises it (run/signals.h), and the long loops of
// those stages poll it and unwind with aiperf::Interrupted. Lock-free; any thread may poll.
#pragma once
#include <atomic>

#include "aiperf/common/error.h"

namespace aiperf {

namespace detail {
inline std::atomic<int> g_stop_signal{0};
}  // namespace detail

/// Raises the stop request (the first signal number is kept). Async-signal-safe.
inline void request_stop(int signo) {
  int none = 0;
  detail::g_stop_signal.compare_exchange_strong(none, signo, std::memory_order_relaxed);
}
/// The signal that asked to stop, 0 when none did.
inline int stop_signal() {
  return detail::g_stop_signal.load(std::memory_order_relaxed);
}
inline bool stop_requested() {
  return stop_signal() != 0;
}
/// Clears the request (tests; a study that handled it).
inline void clear_stop_request() {
  detail::g_stop_signal.store(0, std::memory_order_relaxed);
}
/// Throws aiperf::Interrupted when a stop was requested. Cheap: one relaxed load.
inline void throw_if_stop_requested() {
  if (int s = stop_signal()) throw Interrupted(s);
}

}  // namespace aiperf
