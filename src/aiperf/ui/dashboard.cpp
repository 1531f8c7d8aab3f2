// The dashboard's render thread: gathers the status, the live statistics and the client's CPU,
// draws a frame when anything changed, and follows the terminal's size.
#include "aiperf/ui/dashboard.h"

#include <dirent.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace aiperf::ui {

namespace {

int64_t now_mono_ns() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

/// utime + stime (clock ticks) from a /proc/.../stat file; -1 when unreadable.
int64_t cpu_ticks(const char* path) {
  FILE* f = std::fopen(path, "r");
  if (!f) return -1;
  char buf[1024];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  const char* p = std::strrchr(buf, ')');  // the command name may hold spaces
  if (!p) return -1;
  long long utime = 0, stime = 0;
  // Fields after ")": state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
  // utime(14) stime(15).
  if (std::sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lld %lld", &utime, &stime) !=
      2) {
    return -1;
  }
  return utime + stime;
}

}  // namespace

Dashboard::Dashboard(DashboardOptions opts) : opts_(std::move(opts)), screen_(opts_.fd) {}

Dashboard::~Dashboard() {
  stop();
}

std::string Dashboard::unusable() const {
  return full_screen_unusable(opts_.fd, opts_.min_cols, opts_.min_rows);
}

bool Dashboard::start() {
  if (thread_.joinable()) return true;
  if (!unusable().empty() || !screen_.enter()) return false;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
  return true;
}

void Dashboard::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  screen_.leave();
}

void Dashboard::update(const DashboardStatus& s) {
  std::lock_guard<std::mutex> lk(mu_);
  status_ = s;
}

void Dashboard::set_panel(const std::string& key, DashboardPanel panel) {
  std::lock_guard<std::mutex> lk(mu_);
  panels_[key] = std::move(panel);
}

void Dashboard::remove_panel(const std::string& key) {
  std::lock_guard<std::mutex> lk(mu_);
  panels_.erase(key);
}

FrameInput Dashboard::gather(int64_t now) {
  // CPU since the previous frame: the process, and its busiest thread (workers, pipeline...).
  const int64_t ticks = cpu_ticks("/proc/self/stat");
  const double hz = double(sysconf(_SC_CLK_TCK));
  std::map<int, int64_t> threads;
  if (DIR* d = opendir("/proc/self/task")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] == '.') continue;
      char path[300];
      std::snprintf(path, sizeof path, "/proc/self/task/%s/stat", e->d_name);
      if (int64_t t = cpu_ticks(path); t >= 0) threads[std::atoi(e->d_name)] = t;
    }
    closedir(d);
  }
  if (cpu_wall_ns_ > 0 && ticks >= 0 && now - cpu_wall_ns_ >= 200'000'000) {
    const double wall_s = double(now - cpu_wall_ns_) / 1e9;
    cpu_.process = double(ticks - cpu_proc_ticks_) / hz / wall_s;
    double busiest = 0;
    for (const auto& [tid, t] : threads) {
      auto it = cpu_thread_ticks_.find(tid);
      if (it != cpu_thread_ticks_.end())
        busiest = std::max(busiest, double(t - it->second) / hz / wall_s);
    }
    cpu_.busiest_thread = busiest;
    cpu_.valid = true;
  }
  if (cpu_wall_ns_ == 0 || now - cpu_wall_ns_ >= 200'000'000) {
    cpu_wall_ns_ = now;
    cpu_proc_ticks_ = ticks;
    cpu_thread_ticks_ = std::move(threads);
  }
  FrameInput in;
  in.title = opts_.title;
  in.now_ns = now;
  in.cpu = cpu_;
  in.live = live_.snapshot(now);
  in.bottleneck_thread_util = opts_.bottleneck_thread_util;
  in.bottleneck_lateness_p99_ms = opts_.bottleneck_lateness_p99_ms;
  std::lock_guard<std::mutex> lk(mu_);
  in.status = status_;
  for (const auto& [k, p] : panels_) in.panels.push_back(p);
  return in;
}

void Dashboard::loop() {
  std::string last;
  TerminalSize last_size;
  const auto period = std::chrono::microseconds(int64_t(opts_.interval_s * 1e6));
  for (;;) {
    {
      std::unique_lock<std::mutex> lk(mu_);
      if (stop_) break;
    }
    const TerminalSize sz = terminal_size(opts_.fd);
    std::string frame;
    if (sz.cols < opts_.min_cols || sz.rows < opts_.min_rows) {
      frame = "\x1b[H\x1b[2J terminal too small for the dashboard (" +
              std::to_string(opts_.min_cols) + "x" + std::to_string(opts_.min_rows) + " needed)";
    } else {
      frame = render(gather(now_mono_ns()), sz.cols, sz.rows);
    }
    if (sz.cols != last_size.cols || sz.rows != last_size.rows) {
      frame = "\x1b[2J" + frame;  // resized: clear what the old layout left behind
      last_size = sz;
    }
    if (frame != last) {
      screen_.write_frame(frame);
      last = std::move(frame);
    }
    std::unique_lock<std::mutex> lk(mu_);
    cv_.wait_for(lk, period, [this] { return stop_; });
    if (stop_) break;
  }
}

}  // namespace aiperf::ui
