// An in-process cluster::Comm for the team protocol's unit tests: N ranks in one process, one
// queue per rank. A rank can be cut off (kill()) to play a rank that died.
#pragma once
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <vector>

#include "aiperf/cluster/comm.h"
#include "aiperf/common/clock.h"

namespace aiperf::testing {

class LocalNet {
 public:
  explicit LocalNet(int n) : queues_(size_t(n)), dead_(size_t(n), false) {}
  int size() const { return int(queues_.size()); }
  void push(int src, int dest, int tag, std::string bytes) {
    std::lock_guard<std::mutex> lk(mu_);
    if (dead_[size_t(src)] || dead_[size_t(dest)]) return;
    queues_[size_t(dest)].push_back({src, tag, std::move(bytes)});
    cv_.notify_all();
  }
  std::optional<cluster::Message> pop(int rank, int64_t deadline) {
    std::unique_lock<std::mutex> lk(mu_);
    for (;;) {
      auto& q = queues_[size_t(rank)];
      if (!q.empty() && !dead_[size_t(rank)]) {
        cluster::Message m = std::move(q.front());
        q.pop_front();
        return m;
      }
      int64_t now = mono_ns();
      if (now >= deadline) return std::nullopt;
      cv_.wait_for(lk, std::chrono::nanoseconds(std::min<int64_t>(deadline - now, 5'000'000)));
    }
  }
  void kill(int rank) {
    std::lock_guard<std::mutex> lk(mu_);
    dead_[size_t(rank)] = true;
    queues_[size_t(rank)].clear();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::deque<cluster::Message>> queues_;
  std::vector<bool> dead_;
};

class LocalComm final : public cluster::Comm {
 public:
  LocalComm(std::shared_ptr<LocalNet> net, int rank) : net_(std::move(net)), rank_(rank) {}
  int rank() const override { return rank_; }
  int size() const override { return net_->size(); }
  std::string library() const override { return "in-process"; }
  bool send(int dest, int tag, std::string bytes) override {
    net_->push(rank_, dest, tag, std::move(bytes));
    return true;
  }
  size_t pending_bytes() override { return 0; }
  bool flush(int64_t) override { return true; }
  std::optional<cluster::Message> receive(int64_t deadline) override {
    return net_->pop(rank_, deadline);
  }
  void abort(int) override { std::abort(); }
  void finalize() override {}
  std::string last_error() const override { return ""; }

 private:
  std::shared_ptr<LocalNet> net_;
  int rank_;
};

}  // namespace aiperf::testing
