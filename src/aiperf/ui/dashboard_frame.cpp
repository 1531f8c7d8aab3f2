// The dashboard's frame layout (pure: input -> text). Fixed-width number fields keep columns
// still while values change; every line is cut to the terminal width and the frame to its
// height, so a resize never scrolls.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "aiperf/ui/dashboard.h"

namespace aiperf::ui {

namespace {

constexpr const char* kBold = "\x1b[1m";
constexpr const char* kDim = "\x1b[2m";
constexpr const char* kInverse = "\x1b[7m";
constexpr const char* kGreen = "\x1b[32m";
constexpr const char* kRed = "\x1b[31m";
constexpr const char* kYellow = "\x1b[33m";
constexpr const char* kReset = "\x1b[0m";
constexpr const char* kSpark[] = {" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};

size_t width_of(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) w += (c & 0xC0) != 0x80;
  return w;
}

/// One screen line: styled segments, cut at `cols` columns.
class Line {
 public:
  explicit Line(int cols) : cols_(size_t(std::max(cols, 0))) {}
  Line& add(const std::string& text, const char* style = nullptr) {
    std::string t;
    for (size_t i = 0; i < text.size() && width_ < cols_;) {
      size_t n = 1;
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c >= 0xF0)
        n = 4;
      else if (c >= 0xE0)
        n = 3;
      else if (c >= 0xC0)
        n = 2;
      t.append(text, i, n);
      i += n;
      ++width_;
    }
    if (t.empty()) return *this;
    if (style) out_ += style;
    out_ += t;
    if (style) out_ += kReset;
    return *this;
  }
  Line& pad_to(size_t col) {
    if (col > width_) add(std::string(col - width_, ' '));
    return *this;
  }
  size_t width() const { return width_; }
  const std::string& str() const { return out_; }

 private:
  size_t cols_;
  size_t width_ = 0;
  std::string out_;
};

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string clock_text(double s) {
  if (!std::isfinite(s) || s < 0) s = 0;
  const long t = long(s + 0.5);
  char buf[32];
  if (t >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", t / 60, t % 60);
  }
  return buf;
}

/// The last values as a sparkline `w` columns wide (each column: the largest value it covers).
std::string sparkline(const std::vector<double>& v, int w) {
  if (w <= 0 || v.empty()) return "";
  double top = 0;
  for (double x : v) top = std::max(top, x);
  std::string out;
  for (int c = 0; c < w; ++c) {
    size_t a = size_t(double(c) * double(v.size()) / double(w));
    size_t b = std::max(a + 1, size_t(double(c + 1) * double(v.size()) / double(w)));
    double m = 0;
    for (size_t i = a; i < std::min(b, v.size()); ++i) m = std::max(m, v[i]);
    int level = top > 0 && m > 0 ? std::clamp(int(std::ceil(m / top * 8)), 1, 8) : 0;
    out += kSpark[level];
  }
  return out;
}

std::string bar(double frac, int w) {
  const int filled = std::clamp(int(std::lround(frac * w)), 0, w);
  std::string out;
  for (int i = 0; i < w; ++i) out += i < filled ? "█" : "░";
  return out;
}

std::string ms(double ns) {
  const double v = ns / 1e6;
  return v >= 1e5 ? fmt("%9.0f", v) : fmt("%9.2f", v);
}

struct Frame {
  int cols;
  std::vector<std::string> lines;
  Line line() const { return Line(cols); }
  void push(const Line& l) { lines.push_back(l.str()); }
  void header(const std::string& title) {
    Line l(cols);
    l.add(title, kBold);
    lines.push_back(l.str());
  }
};

void progress_lines(Frame& f, const FrameInput& in) {
  const DashboardStatus& s = in.status;
  const double elapsed = s.phase_start_ns > 0 ? double(in.now_ns - s.phase_start_ns) / 1e9 : 0;
  Line top = f.line();
  std::string right = " elapsed " + clock_text(elapsed) + " ";
  std::string left = " aiperf (C++) | " + in.title;
  const size_t room = size_t(std::max(0, f.cols - int(width_of(right))));
  if (width_of(left) > room) left = left.substr(0, room);
  top.add(left + std::string(room - std::min(room, width_of(left)), ' ') + right, kInverse);
  f.push(top);

  double frac = 0;
  std::string count, eta = "--:--";
  if (s.total > 0) {
    frac = double(s.completed) / double(s.total);
    count = std::to_string(s.completed) + "/" + std::to_string(s.total);
    if (s.completed > 0 && s.completed < s.total) {
      eta = clock_text(elapsed * double(s.total - s.completed) / double(s.completed));
    }
  } else if (s.duration_s > 0) {
    frac = std::min(1.0, elapsed / s.duration_s);
    count = clock_text(std::min(elapsed, s.duration_s)) + "/" + clock_text(s.duration_s);
    eta = clock_text(std::max(0.0, s.duration_s - elapsed));
  } else {
    count = std::to_string(s.completed);
  }
  if (frac >= 1 || s.stopping) eta = "0:00";
  Line p = f.line();
  p.add(" Phase ").add(s.phase, kBold).add(s.stopping ? " (finishing)" : "").add("  ");
  const std::string tail = "  " + count + fmt(" (%5.1f%%)", frac * 100) + "  ETA " + eta;
  const int bw = std::clamp(f.cols - int(p.width()) - int(width_of(tail)) - 1, 0, 60);
  p.add(bar(frac, bw), kGreen).add(tail);
  f.push(p);

  const double rate =
      elapsed < 5 && elapsed > 0 ? double(s.completed) / elapsed : in.live.recent_rate;
  Line r = f.line();
  r.add(" Requests/s ").add(fmt("%8.1f", rate), kBold);
  r.add("   In flight ").add(fmt("%6.0f", double(s.in_flight)), kBold);
  r.add("   Issued ").add(fmt("%8.0f", double(s.issued)));
  r.add("   Errors ").add(fmt("%6.0f", double(s.errors)), s.errors ? kRed : nullptr);
  f.push(r);
}

void latency_lines(Frame& f, const FrameInput& in) {
  const int label_w = 16, num_w = 9;
  const int spark_w = std::max(0, f.cols - 2 - label_w - 3 * num_w - 2);
  f.lines.push_back("");
  Line h = f.line();
  h.add(" Latency, last 60 s", kBold).pad_to(size_t(1 + label_w));
  h.add("      p50      p90      p99", kBold).add("  ").add("p50 per second", kDim);
  f.push(h);
  const char* names[kLiveMetrics] = {"TTFT (ms)", "ITL (ms)", "Latency (ms)", "Send late (ms)"};
  for (int m = 0; m < kLiveMetrics; ++m) {
    const auto& d = in.live.window[m];
    Line l = f.line();
    l.add(std::string(" ") + names[m]).pad_to(size_t(1 + label_w));
    if (d.count == 0) {
      l.add("        -        -        -", kDim);
    } else {
      l.add(ms(d.p50)).add(ms(d.p90)).add(ms(d.p99));
    }
    l.add("  ").add(sparkline(in.live.per_second_p50[m], spark_w), kYellow);
    f.push(l);
  }
  Line rq = f.line();
  rq.add(" Requests/s").pad_to(size_t(1 + label_w + 3 * num_w + 2));
  rq.add(sparkline(in.live.per_second_completed, spark_w), kGreen);
  f.push(rq);
}

void error_lines(Frame& f, const FrameInput& in, int max_lines) {
  f.lines.push_back("");
  f.header(" Errors by type");
  if (in.live.errors.empty()) {
    Line l = f.line();
    l.add("   none", kDim);
    f.push(l);
    return;
  }
  std::vector<std::pair<std::string, uint64_t>> v(in.live.errors.begin(), in.live.errors.end());
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  int shown = 0;
  for (const auto& [type, n] : v) {
    if (shown++ >= std::max(1, max_lines)) break;
    Line l = f.line();
    l.add(fmt("   %8.0f  ", double(n)), kRed).add(type);
    f.push(l);
  }
}

void client_lines(Frame& f, const FrameInput& in) {
  f.lines.push_back("");
  f.header(" Client");
  const auto& late = in.live.window[kLiveLateness];
  Line l = f.line();
  l.add("   CPU ").add(in.cpu.valid ? fmt("%5.0f%%", in.cpu.process * 100) : "    -");
  l.add(" of a core · busiest thread ");
  l.add(in.cpu.valid ? fmt("%4.0f%%", in.cpu.busiest_thread * 100) : "   -");
  l.add(" · send lateness p99 ").add(late.count ? ms(late.p99) + " ms" : "-");
  f.push(l);
  const bool busy = in.cpu.valid && in.cpu.busiest_thread > in.bottleneck_thread_util;
  const bool late_p99 = late.count && late.p99 / 1e6 > in.bottleneck_lateness_p99_ms;
  Line v = f.line();
  v.add("   Verdict: ");
  if (busy || late_p99) {
    v.add("the client may be the bottleneck", kRed)
        .add(busy ? " (a thread is near a full core)" : " (sends leave late)");
  } else {
    v.add("the client keeps up", kGreen);
  }
  f.push(v);
}

}  // namespace

std::string Dashboard::render(const FrameInput& in, int cols, int rows) {
  Frame f{cols, {}};
  progress_lines(f, in);
  latency_lines(f, in);
  const int panel_lines = [&] {
    int n = 0;
    for (const auto& p : in.panels) n += 2 + int(p.lines.size());
    return n;
  }();
  // Rows left for error types: what remains after the fixed sections, panels and footer.
  const int fixed = int(f.lines.size()) + 2 /*errors header*/ + 4 /*client*/ + 1 /*footer*/;
  error_lines(f, in, std::max(1, rows - fixed - panel_lines));
  client_lines(f, in);
  for (const auto& p : in.panels) {
    f.lines.push_back("");
    f.header(" " + p.title);
    for (const auto& text : p.lines) {
      Line l = f.line();
      l.add("   " + text);
      f.push(l);
    }
  }
  Line foot(cols);
  foot.add(" Ctrl-C stops sending; the results of completed requests are kept", kDim);
  if (int(f.lines.size()) > rows - 1) f.lines.resize(size_t(std::max(0, rows - 1)));
  while (int(f.lines.size()) < rows - 1) f.lines.push_back("");
  f.lines.push_back(foot.str());
  std::string out = "\x1b[H";
  for (size_t i = 0; i < f.lines.size(); ++i) {
    out += f.lines[i];
    out += "\x1b[K";
    if (i + 1 < f.lines.size()) out += "\r\n";
  }
  return out;
}

}  // namespace aiperf::ui
