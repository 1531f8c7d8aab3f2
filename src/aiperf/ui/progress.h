// `--ui simple` / `--ui none` progress output (spec §9.5; issue 2 item 11).
//
// On a TTY: one line redrawn in place ("\r...\x1b[K") every 250 ms with a bar for done/total
// (request-count runs) or elapsed/duration (duration runs), elapsed time, request rate, errors
// and the phase name. When the stream is not a TTY: one plain line every `plain_interval_s`
// (default 10 s). `kNone` prints nothing.
//
// Threading: update()/set_phase() may be called from any thread (a mutex guards the snapshot;
// the orchestrator calls it at most a few hundred times a second). Rendering happens on the
// Progress object's own thread, started by start() and joined by finish()/the destructor, so
// the I/O threads never write to the terminal.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "aiperf/common/env.h"

namespace aiperf::ui {

enum class ProgressMode { kNone, kSimple };

/// What the orchestrator knows about the current phase.
struct ProgressCounters {
  std::string phase = "profiling";  // "warmup", "profiling"
  uint64_t completed = 0;           // finished requests (successes + errors)
  uint64_t errors = 0;
  uint64_t total = 0;          // expected requests (--request-count); 0 = unknown
  double duration_s = 0.0;     // --benchmark-duration; 0 = none
  int64_t phase_start_ns = 0;  // CLOCK_MONOTONIC ns when the phase started; 0 = at start()
};

struct ProgressOptions {
  ProgressMode mode = ProgressMode::kSimple;
  FILE* out = stdout;
  /// -1 = detect with isatty(fileno(out)); 0/1 force.
  int tty = -1;
  int width = 0;  // TTY line width in columns (bar sized to fit); 0 = terminal width
  /// Redraw period on a TTY; AIPERF_UI_SPINNER_REFRESH_RATE (docs/environment-variables.md).
  double tty_interval_s = env::number("AIPERF_UI_SPINNER_REFRESH_RATE", 0.25);
  /// Period of plain lines when not a TTY; AIPERF_UI_PLAIN_PROGRESS_INTERVAL.
  double plain_interval_s = env::number("AIPERF_UI_PLAIN_PROGRESS_INTERVAL", 10.0);
};

class Progress {
 public:
  explicit Progress(ProgressOptions opts = {});
  ~Progress();  // calls finish()
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;

  /// Starts the render thread (no-op for kNone).
  void start();
  /// Replaces the counters shown. Thread-safe.
  void update(const ProgressCounters& c);
  /// Draws the final state once (a newline ends the TTY line) and stops the thread. Idempotent.
  void finish();

  bool is_tty() const { return tty_; }

  /// The TTY line for `c` at monotonic time `now_ns` (no "\r"/escapes): pure, for tests.
  static std::string render_bar(const ProgressCounters& c, int64_t now_ns, int width);
  /// The plain (non-TTY) line for `c` at `now_ns`: pure, for tests.
  static std::string render_plain(const ProgressCounters& c, int64_t now_ns);

 private:
  void run();
  void draw(bool final_draw);

  ProgressOptions opts_;
  bool tty_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  ProgressCounters counters_;
  int64_t start_ns_ = 0;
  bool stop_ = false;
  bool finished_ = false;
  std::thread thread_;
};

}  // namespace aiperf::ui
