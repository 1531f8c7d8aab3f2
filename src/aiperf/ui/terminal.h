// A terminal taken over by a full-screen view: alternate screen, hidden cursor, no echo; and
// given back exactly once on every way out — normal stop, exceptions (destructor), exit(), and
// fatal signals (SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL: restored, then the signal goes on).
// SIGINT/SIGTERM stay with the run (it stops, then the view is stopped normally).
#pragma once
#include <string>

namespace aiperf::ui {

struct TerminalSize {
  int cols = 0, rows = 0;
};

/// The window size of `fd`; {0, 0} when it is not a terminal.
TerminalSize terminal_size(int fd);

/// Why `fd` cannot host a full-screen view ("" when it can): not a terminal, TERM unset or
/// "dumb", or smaller than min_cols x min_rows.
std::string full_screen_unusable(int fd, int min_cols, int min_rows);

class FullScreen {
 public:
  explicit FullScreen(int fd) : fd_(fd) {}
  ~FullScreen() { leave(); }
  FullScreen(const FullScreen&) = delete;
  FullScreen& operator=(const FullScreen&) = delete;

  /// Enters the alternate screen and hides the cursor; false when another view is active.
  bool enter();
  /// Writes one whole frame with one write(2) call (retrying partial writes).
  void write_frame(const std::string& frame);
  /// Leaves the alternate screen and restores cursor and terminal modes. Idempotent.
  void leave();
  bool active() const { return active_; }

  static constexpr const char* kEnter = "\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J";
  static constexpr const char* kLeave = "\x1b[0m\x1b[?25h\x1b[?1049l";

 private:
  int fd_;
  bool active_ = false;
};

}  // namespace aiperf::ui
