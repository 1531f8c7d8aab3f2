#include "aiperf/ui/terminal.h"

#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <cstring>

namespace aiperf::ui {

namespace {

// The one active full-screen terminal, for the signal and exit handlers (which may only use
// async-signal-safe calls: write, tcsetattr, signal, raise).
std::atomic<int> g_fd{-1};
struct termios g_saved;
bool g_have_saved = false;
constexpr int kFatal[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL};
struct sigaction g_old[sizeof kFatal / sizeof kFatal[0]];

void restore_now() {
  int fd = g_fd.exchange(-1);
  if (fd < 0) return;
  const char* s = FullScreen::kLeave;
  ssize_t r = ::write(fd, s, std::strlen(s));
  (void)r;
  if (g_have_saved) ::tcsetattr(fd, TCSANOW, &g_saved);
}

extern "C" void on_fatal(int sig) {
  restore_now();
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

extern "C" void on_exit_restore() {
  restore_now();
}

}  // namespace

TerminalSize terminal_size(int fd) {
  winsize ws{};
  if (::ioctl(fd, TIOCGWINSZ, &ws) != 0) return {};
  return {int(ws.ws_col), int(ws.ws_row)};
}

std::string full_screen_unusable(int fd, int min_cols, int min_rows) {
  if (!::isatty(fd)) return "the output is not a terminal";
  const char* term = std::getenv("TERM");
  if (term == nullptr || *term == '\0' || std::strcmp(term, "dumb") == 0) {
    return "TERM is unset or dumb";
  }
  TerminalSize sz = terminal_size(fd);
  if (sz.cols < min_cols || sz.rows < min_rows) {
    return "the terminal is smaller than " + std::to_string(min_cols) + "x" +
           std::to_string(min_rows);
  }
  return "";
}

bool FullScreen::enter() {
  if (active_) return true;
  int expected = -1;
  if (!g_fd.compare_exchange_strong(expected, fd_)) return false;
  static bool handlers = false;
  if (!handlers) {
    handlers = true;
    std::atexit(on_exit_restore);
    for (size_t i = 0; i < sizeof kFatal / sizeof kFatal[0]; ++i) {
      struct sigaction sa {};
      sa.sa_handler = on_fatal;
      sigemptyset(&sa.sa_mask);
      sa.sa_flags = SA_RESETHAND;
      ::sigaction(kFatal[i], &sa, &g_old[i]);
    }
  }
  g_have_saved = ::tcgetattr(fd_, &g_saved) == 0;
  if (g_have_saved) {
    struct termios t = g_saved;
    t.c_lflag &= tcflag_t(~(ECHO | ICANON));  // keys typed meanwhile do not scribble; ISIG stays
    ::tcsetattr(fd_, TCSANOW, &t);
  }
  active_ = true;
  write_frame(kEnter);
  return true;
}

void FullScreen::write_frame(const std::string& frame) {
  size_t off = 0;
  while (off < frame.size()) {
    ssize_t n = ::write(fd_, frame.data() + off, frame.size() - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    off += size_t(n);
  }
}

void FullScreen::leave() {
  if (!active_) return;
  active_ = false;
  restore_now();
}

}  // namespace aiperf::ui
