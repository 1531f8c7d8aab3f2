// A thread that calls a task at a fixed rate (every `interval_ns`, on a grid from its start;
// a late tick is skipped, never bunched), and on request at once: poll_now() asks for a fresh
// call and waits until one has finished after the request (bounded), so the run can take a
// scrape exactly at the profiling window's edges.
//
// Threading: start/stop/poll_now from one controlling thread; the task runs on the poller's
// own thread.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace aiperf::telemetry {

class Poller {
 public:
  /// The task returns false to stop polling for good (endpoint disabled or unreachable).
  using Task = std::function<bool()>;

  Poller() = default;
  ~Poller() { stop(); }
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void start(int64_t interval_ns, Task task);
  /// Requests a call now and waits up to `timeout_ns` for it to finish. False on timeout or
  /// when the poller has stopped.
  bool poll_now(int64_t timeout_ns);
  /// The two halves of poll_now(), so that several pollers can be asked at once: request()
  /// returns a ticket (0 when not running), wait() waits for it until `deadline_mono_ns`.
  uint64_t request();
  bool wait(uint64_t ticket, int64_t deadline_mono_ns);
  /// Stops after the call in progress (if any) and joins.
  void stop();
  bool running() const;

 private:
  void loop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
  Task task_;
  int64_t interval_ns_ = 0;
  uint64_t requested_ = 0;  // poll_now() generations asked for
  uint64_t served_ = 0;     // generations whose call has finished
  bool stop_ = false;
  bool alive_ = false;
};

}  // namespace aiperf::telemetry
