#include "aiperf/ui/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <initializer_list>
#include <string_view>

#include "aiperf/common/clock.h"

namespace aiperf::ui {

namespace {

std::string clock_str(double s) {
  if (s < 0) s = 0;
  auto t = static_cast<int64_t>(s);
  char buf[32];
  if (t >= 3600)
    std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(t / 3600),
                  static_cast<long long>(t / 60 % 60), static_cast<long long>(t % 60));
  else
    std::snprintf(buf, sizeof buf, "%02lld:%02lld", static_cast<long long>(t / 60),
                  static_cast<long long>(t % 60));
  return buf;
}

double elapsed_s(const ProgressCounters& c, int64_t now_ns) {
  if (c.phase_start_ns == 0 || now_ns <= c.phase_start_ns) return 0.0;
  return static_cast<double>(now_ns - c.phase_start_ns) / 1e9;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// Appends pieces (avoids `const char* + std::string`, which trips GCC 12's -Wrestrict).
void append(std::string& out, std::initializer_list<std::string_view> parts) {
  for (auto p : parts) out.append(p);
}

}  // namespace

std::string Progress::render_bar(const ProgressCounters& c, int64_t now_ns, int width) {
  const double el = elapsed_s(c, now_ns);
  const double rate = el > 0 ? static_cast<double>(c.completed) / el : 0.0;
  const std::string done = std::to_string(c.completed);
  double frac = -1.0;
  std::string tail = " ";
  if (c.total > 0) {
    frac = std::min(1.0, static_cast<double>(c.completed) / static_cast<double>(c.total));
    append(tail, {done, "/", std::to_string(c.total)});
  } else if (c.duration_s > 0) {
    frac = std::min(1.0, el / c.duration_s);
    append(tail, {clock_str(el), "/", clock_str(c.duration_s), ", ", done, " done"});
  } else {
    append(tail, {done, " done"});
  }
  if (frac >= 0) append(tail, {" (", fmt("%.0f", frac * 100.0), "%)"});
  if (c.total > 0 || c.duration_s <= 0) append(tail, {" | ", clock_str(el)});
  append(tail, {" | ", fmt("%.1f", rate), " req/s | errors ", std::to_string(c.errors)});

  std::string line = c.phase;
  if (frac >= 0) {
    const int bar =
        std::max(10, width - static_cast<int>(line.size()) - static_cast<int>(tail.size()) - 3);
    const int filled = static_cast<int>(std::floor(frac * bar));
    line += " [";
    line.append(static_cast<size_t>(filled), '#');
    line.append(static_cast<size_t>(bar - filled), '-');
    line += "]";
  }
  line += tail;
  return line;
}

std::string Progress::render_plain(const ProgressCounters& c, int64_t now_ns) {
  const double el = elapsed_s(c, now_ns);
  const double rate = el > 0 ? static_cast<double>(c.completed) / el : 0.0;
  std::string line;
  append(line, {c.phase, ": ", std::to_string(c.completed)});
  if (c.total > 0)
    append(line,
           {"/", std::to_string(c.total), " requests (",
            fmt("%.1f", 100.0 * static_cast<double>(c.completed) / static_cast<double>(c.total)),
            "%)"});
  else
    line += " requests";
  append(line, {", elapsed ", fmt("%.1f", el), "s"});
  if (c.duration_s > 0) append(line, {"/", fmt("%.1f", c.duration_s), "s"});
  append(line, {", ", fmt("%.1f", rate), " req/s, ", std::to_string(c.errors), " errors"});
  return line;
}

Progress::Progress(ProgressOptions opts) : opts_(opts) {
  if (opts_.tty < 0)
    tty_ = opts_.out && isatty(fileno(opts_.out));
  else
    tty_ = opts_.tty != 0;
  if (opts_.width <= 0) {
    winsize ws{};
    opts_.width = (tty_ && ioctl(fileno(opts_.out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 20)
                      ? ws.ws_col - 1
                      : 100;
  }
}

Progress::~Progress() {
  finish();
}

void Progress::start() {
  if (opts_.mode == ProgressMode::kNone || thread_.joinable()) return;
  {
    std::lock_guard lock(mu_);
    start_ns_ = mono_ns();
    if (counters_.phase_start_ns == 0) counters_.phase_start_ns = start_ns_;
  }
  thread_ = std::thread([this] { run(); });
}

void Progress::update(const ProgressCounters& c) {
  std::lock_guard lock(mu_);
  counters_ = c;
  if (counters_.phase_start_ns == 0) counters_.phase_start_ns = start_ns_ ? start_ns_ : mono_ns();
}

void Progress::finish() {
  {
    std::lock_guard lock(mu_);
    if (finished_) return;
    finished_ = true;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) {
    thread_.join();
    draw(true);
  }
}

void Progress::run() {
  const double period = tty_ ? opts_.tty_interval_s : opts_.plain_interval_s;
  const auto step = std::chrono::duration<double>(period > 0 ? period : 1.0);
  std::unique_lock lock(mu_);
  while (!stop_) {
    if (cv_.wait_for(lock, step, [this] { return stop_; })) break;
    lock.unlock();
    draw(false);
    lock.lock();
  }
}

void Progress::draw(bool final_draw) {
  ProgressCounters c;
  {
    std::lock_guard lock(mu_);
    c = counters_;
  }
  const int64_t now = mono_ns();
  if (tty_) {
    std::string line = "\r";
    append(line, {render_bar(c, now, opts_.width), "\x1b[K", final_draw ? "\n" : ""});
    std::fwrite(line.data(), 1, line.size(), opts_.out);
  } else {
    std::string line = render_plain(c, now);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), opts_.out);
  }
  std::fflush(opts_.out);
}

}  // namespace aiperf::ui
