// `--ui dashboard` (spec §9.5; docs/dashboard.md): a full-screen terminal view of a run, drawn
// by a small ANSI renderer of our own: phase and progress with ETA, request rate, in-flight
// count, errors by type, live TTFT / ITL / latency / send-lateness percentiles with sparklines of
// the last minute, the client's CPU and health verdict, and free panels that other features
// (server metrics, GPU telemetry) fill through set_panel().
//
// Threading: the view draws on its own thread (never an I/O worker), a few times a second, one
// write(2) per frame. update() and set_panel() are called from the run's main thread, live()
// .add() from the record pipeline thread; all are thread-safe. stop() (or the destructor) gives
// the terminal back; fatal signals and exit() restore it too (terminal.h).
#pragma once
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/ui/live_stats.h"
#include "aiperf/ui/terminal.h"

namespace aiperf::ui {

/// The run's progress, from the main thread's tick.
struct DashboardStatus {
  std::string phase = "profiling";
  uint64_t completed = 0, errors = 0, total = 0, issued = 0, in_flight = 0;
  double duration_s = 0;       // phase duration limit; 0 = none
  int64_t phase_start_ns = 0;  // CLOCK_MONOTONIC
  bool stopping = false;
};

/// A titled block of lines drawn under the built-in sections (e.g. "Server metrics", "GPU").
struct DashboardPanel {
  std::string title;
  std::vector<std::string> lines;
};

/// The client's own CPU, sampled by the view: whole process and its busiest thread, as a
/// fraction of one core.
struct ClientCpu {
  double process = 0;
  double busiest_thread = 0;
  bool valid = false;
};

struct DashboardOptions {
  int fd = 1;
  std::string title;  // model, endpoint, URL
  double interval_s = 0.25;
  int min_cols = 60, min_rows = 16;
  double bottleneck_thread_util = 0.85;   // exporter::kBottleneckThreadUtilization
  double bottleneck_lateness_p99_ms = 5;  // exporter::kBottleneckLatenessP99Ms
};

/// Everything one frame shows (pure input of render()).
struct FrameInput {
  std::string title;
  DashboardStatus status;
  LiveSnapshot live;
  ClientCpu cpu;
  std::vector<DashboardPanel> panels;
  int64_t now_ns = 0;
  double bottleneck_thread_util = 0.85, bottleneck_lateness_p99_ms = 5;
};

class Dashboard {
 public:
  explicit Dashboard(DashboardOptions opts);
  ~Dashboard();
  Dashboard(const Dashboard&) = delete;
  Dashboard& operator=(const Dashboard&) = delete;

  /// Why this terminal cannot show the view ("" when it can).
  std::string unusable() const;
  /// Takes the screen and starts drawing; false (nothing changed) when unusable.
  bool start();
  /// Draws nothing more and gives the terminal back. Idempotent.
  void stop();
  bool running() const { return screen_.active(); }

  void update(const DashboardStatus& s);
  void set_panel(const std::string& key, DashboardPanel panel);
  void remove_panel(const std::string& key);
  LiveStats& live() { return live_; }

  /// One frame of exactly `rows` lines of at most `cols` columns (ANSI styles included), each
  /// line ending in erase-to-end-of-line, starting at the home position: pure, for tests.
  static std::string render(const FrameInput& in, int cols, int rows);

 private:
  void loop();
  FrameInput gather(int64_t now);

  DashboardOptions opts_;
  FullScreen screen_;
  LiveStats live_;
  std::mutex mu_;
  std::condition_variable cv_;
  DashboardStatus status_;
  std::map<std::string, DashboardPanel> panels_;
  bool stop_ = false;
  std::thread thread_;
  // CPU sampling state (render thread only).
  int64_t cpu_wall_ns_ = 0, cpu_proc_ticks_ = 0;
  std::map<int, int64_t> cpu_thread_ticks_;
  ClientCpu cpu_;
};

}  // namespace aiperf::ui
