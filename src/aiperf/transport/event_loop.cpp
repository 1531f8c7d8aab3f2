#include "aiperf/transport/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "aiperf/common/clock.h"

namespace aiperf::transport {

namespace {
[[noreturn]] void sys_fail(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}
}  // namespace

class EventLoop::TimerFdHandler : public IoHandler {
 public:
  explicit TimerFdHandler(EventLoop* l) : loop_(l) {}
  void on_io(uint32_t) override {
    uint64_t n;
    while (::read(loop_->timerfd_, &n, sizeof n) > 0) {
    }
    loop_->armed_ns_ = -1;
    loop_->fire_timers();
  }

 private:
  EventLoop* loop_;
};

class EventLoop::WakeHandler : public IoHandler {
 public:
  explicit WakeHandler(EventLoop* l) : loop_(l) {}
  void on_io(uint32_t) override {
    uint64_t n;
    while (::read(loop_->wakefd_, &n, sizeof n) > 0) {
    }
    loop_->drain_posted();
  }

 private:
  EventLoop* loop_;
};

EventLoop::EventLoop() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) sys_fail("epoll_create1");
  timerfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (timerfd_ < 0) sys_fail("timerfd_create");
  wakefd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wakefd_ < 0) sys_fail("eventfd");
  timer_handler_ = new TimerFdHandler(this);
  wake_handler_ = new WakeHandler(this);
  add(timerfd_, EPOLLIN, timer_handler_);
  add(wakefd_, EPOLLIN, wake_handler_);
}

EventLoop::~EventLoop() {
  ::close(epfd_);
  ::close(timerfd_);
  ::close(wakefd_);
  delete timer_handler_;
  delete wake_handler_;
}

void EventLoop::add(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events | EPOLLET;
  ev.data.ptr = handler;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) < 0) sys_fail("epoll_ctl(ADD)");
  handlers_[fd] = handler;
}

void EventLoop::modify(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events | EPOLLET;
  ev.data.ptr = handler;
  if (epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) < 0) sys_fail("epoll_ctl(MOD)");
  handlers_[fd] = handler;
}

void EventLoop::remove(int fd) {
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  auto it = handlers_.find(fd);
  if (it == handlers_.end()) return;
  // Events of this fd already fetched in the current batch must not reach the handler: it may
  // be deleted, or reused for another fd, by the time they would be dispatched.
  if (dispatching_) removed_in_batch_.push_back(it->second);
  handlers_.erase(it);
}

EventLoop::TimerId EventLoop::add_timer(int64_t deadline_ns, std::function<void()> fn) {
  TimerId id = next_timer_id_++;
  heap_.push_back({deadline_ns, id});
  std::push_heap(heap_.begin(), heap_.end(), std::greater<>{});
  timer_fns_.emplace(id, std::move(fn));
  arm_timerfd();
  return id;
}

void EventLoop::cancel_timer(TimerId id) {
  timer_fns_.erase(id);  // its heap entry is dropped lazily when it comes up
}

void EventLoop::arm_timerfd() {
  if (heap_.empty()) return;
  int64_t next = heap_.front().deadline_ns;
  if (armed_ns_ >= 0 && armed_ns_ <= next) return;
  itimerspec its{};
  int64_t when = std::max<int64_t>(next, 1);
  its.it_value.tv_sec = when / 1'000'000'000;
  its.it_value.tv_nsec = when % 1'000'000'000;
  timerfd_settime(timerfd_, TFD_TIMER_ABSTIME, &its, nullptr);
  armed_ns_ = next;
}

void EventLoop::fire_timers() {
  int64_t now = mono_ns();
  while (!heap_.empty() && heap_.front().deadline_ns <= now) {
    Timer t = heap_.front();
    std::pop_heap(heap_.begin(), heap_.end(), std::greater<>{});
    heap_.pop_back();
    auto it = timer_fns_.find(t.id);
    if (it == timer_fns_.end()) continue;
    std::function<void()> fn = std::move(it->second);
    timer_fns_.erase(it);
    if (fn) fn();
    now = mono_ns();
  }
  arm_timerfd();
}

void EventLoop::post(std::function<void()> fn) {
  bool was_empty;
  {
    std::lock_guard<std::mutex> lk(post_mu_);
    was_empty = posted_.empty();
    posted_.push_back(std::move(fn));
  }
  // One wake-up per batch: a queue that was not empty has had its write, and the loop reads
  // the eventfd before it takes the queue, so what is queued now is taken with it.
  if (!was_empty) return;
  uint64_t one = 1;
  ssize_t r = ::write(wakefd_, &one, sizeof one);
  (void)r;
}

void EventLoop::drain_posted() {
  std::vector<std::function<void()>> fns;
  {
    std::lock_guard<std::mutex> lk(post_mu_);
    fns.swap(posted_);
  }
  for (auto& f : fns) f();
}

void EventLoop::stop() {
  stop_.store(true, std::memory_order_release);
  uint64_t one = 1;
  ssize_t r = ::write(wakefd_, &one, sizeof one);
  (void)r;
}

void EventLoop::run_once(int timeout_ms) {
  epoll_event evs[256];
  int n = epoll_wait(epfd_, evs, 256, timeout_ms);
  dispatching_ = true;
  removed_in_batch_.clear();
  for (int i = 0; i < n; ++i) {
    auto* h = static_cast<IoHandler*>(evs[i].data.ptr);
    if (!removed_in_batch_.empty() && std::find(removed_in_batch_.begin(), removed_in_batch_.end(),
                                                h) != removed_in_batch_.end()) {
      continue;
    }
    h->on_io(evs[i].events);
  }
  dispatching_ = false;
  removed_in_batch_.clear();
  // A timer whose deadline passed while handlers ran fires now rather than after another wait.
  if (!heap_.empty() && heap_.front().deadline_ns <= mono_ns()) fire_timers();
  if (batch_end_) batch_end_();
}

void EventLoop::run() {
  while (!stop_.load(std::memory_order_acquire)) run_once(-1);
  drain_posted();
}

}  // namespace aiperf::transport
