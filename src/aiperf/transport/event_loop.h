// One epoll event loop per thread (DESIGN §3). Everything registered with a loop is touched
// only by the thread that runs it; other threads talk to it through post(), which is the one
// thread-safe entry point.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace aiperf::transport {

/// Receives readiness for one file descriptor. Called on the loop thread only.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  /// `events` is the epoll mask (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, EPOLLRDHUP).
  virtual void on_io(uint32_t events) = 0;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  /// Register `fd` with edge-triggered interest in `events`. The handler must outlive the
  /// registration. Loop thread only. After remove(fd), no further event of the batch being
  /// dispatched reaches that fd's handler, so a handler may be closed, reused for another fd or
  /// deleted from inside any callback.
  void add(int fd, uint32_t events, IoHandler* handler);
  void modify(int fd, uint32_t events, IoHandler* handler);
  void remove(int fd);

  using TimerId = uint64_t;
  /// Run `fn` once at monotonic time `deadline_ns` (or as soon as possible if in the past).
  /// Timers are kept in a heap and armed on one timerfd with absolute time, so a schedule does
  /// not drift and epoll's millisecond timeout granularity never applies. Loop thread only.
  TimerId add_timer(int64_t deadline_ns, std::function<void()> fn);
  void cancel_timer(TimerId id);

  /// Thread-safe: run `fn` on the loop thread soon (wakes the loop through an eventfd).
  void post(std::function<void()> fn);

  /// Run until stop(). stop() is thread-safe.
  void run();
  void stop();
  bool stopping() const { return stop_.load(std::memory_order_acquire); }

  /// Process ready events once, waiting at most `timeout_ms` (-1 = forever). Loop thread only.
  void run_once(int timeout_ms);

  /// Called on the loop thread after each pass over the ready events, timers and posted work
  /// (before the loop waits again): work batched during the pass is handed on here. Set before
  /// run().
  void set_batch_end(std::function<void()> fn) { batch_end_ = std::move(fn); }

 private:
  struct Timer {
    int64_t deadline_ns;
    TimerId id;
    bool operator>(const Timer& o) const {
      return deadline_ns != o.deadline_ns ? deadline_ns > o.deadline_ns : id > o.id;
    }
  };
  class TimerFdHandler;
  class WakeHandler;
  void arm_timerfd();
  void fire_timers();
  void drain_posted();

  int epfd_ = -1;
  int timerfd_ = -1;
  int wakefd_ = -1;
  std::atomic<bool> stop_{false};                 // written by stop() from any thread
  std::vector<Timer> heap_;                       // min-heap by deadline
  std::unordered_map<int, IoHandler*> handlers_;  // fd -> handler, for remove()
  std::vector<IoHandler*> removed_in_batch_;      // handlers removed while dispatching
  bool dispatching_ = false;
  std::unordered_map<TimerId, std::function<void()>> timer_fns_;
  TimerId next_timer_id_ = 1;
  int64_t armed_ns_ = -1;
  std::mutex post_mu_;
  std::vector<std::function<void()>> posted_;
  std::function<void()> batch_end_;
  TimerFdHandler* timer_handler_;
  WakeHandler* wake_handler_;
};

}  // namespace aiperf::transport
