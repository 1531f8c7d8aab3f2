// libaiperf_mpi.so: the MPI implementation of cluster::Comm (src/aiperf/cluster/comm.h), loaded
// by aiperf at run time when the environment says it runs as one rank of several
// (cluster/launch.cpp). Built only when an MPI library is found at build time; aiperf itself
// never links MPI, so a single process needs none.
//
// Every MPI call is made under one mutex (the library is asked for MPI_THREAD_MULTIPLE, but
// MPI_THREAD_SERIALIZED is enough with the mutex). Errors are returned (MPI_ERRORS_RETURN), never
// fatal, and nothing waits without a deadline: sends are MPI_Isend completed by polling, receives
// are MPI_Improbe + MPI_Imrecv polled until done, so a dead peer shows up as a timeout the team
// protocol reports by rank, not as a hang.
#include <mpi.h>
#include <sched.h>
#include <time.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "aiperf/cluster/comm.h"

namespace {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void sleep_ns(int64_t ns) {
  timespec ts{time_t(ns / 1'000'000'000), long(ns % 1'000'000'000)};
  nanosleep(&ts, nullptr);
}

std::string mpi_error(int rc) {
  char buf[MPI_MAX_ERROR_STRING];
  int len = 0;
  if (MPI_Error_string(rc, buf, &len) != MPI_SUCCESS) return "MPI error " + std::to_string(rc);
  return std::string(buf, size_t(len));
}

class MpiComm final : public aiperf::cluster::Comm {
 public:
  bool open(std::string& error) {
    int inited = 0;
    MPI_Initialized(&inited);
    int provided = MPI_THREAD_SINGLE;
    if (!inited) {
      int rc = MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &provided);
      if (rc != MPI_SUCCESS) {
        error = "MPI_Init_thread failed: " + mpi_error(rc);
        return false;
      }
    } else {
      MPI_Query_thread(&provided);
    }
    if (provided < MPI_THREAD_SERIALIZED) {
      error =
          "the MPI library offers no MPI_THREAD_SERIALIZED support (needed: threads of one "
          "rank take turns calling it)";
      return false;
    }
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    // A communicator of our own, so that nothing else in the process can match our messages.
    int rc = MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
    if (rc != MPI_SUCCESS) {
      error = "MPI_Comm_dup failed: " + mpi_error(rc);
      return false;
    }
    MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN);
    MPI_Comm_rank(comm_, &rank_);
    MPI_Comm_size(comm_, &size_);
    char ver[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(ver, &len);
    library_.assign(ver, size_t(len));
    size_t cut = library_.find_first_of("\n,");
    if (cut != std::string::npos) library_.resize(cut);
    while (!library_.empty() && (library_.back() == ' ' || library_.back() == '\n'))
      library_.pop_back();
    return true;
  }

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  std::string library() const override { return library_; }

  bool send(int dest, int tag, std::string bytes) override {
    if (bytes.size() > size_t(INT_MAX)) {
      set_error("message of " + std::to_string(bytes.size()) + " bytes is too large");
      return false;
    }
    std::lock_guard<std::mutex> lk(mu_);
    progress_locked();
    auto buf = std::make_unique<std::string>(std::move(bytes));
    MPI_Request req = MPI_REQUEST_NULL;
    int rc = MPI_Isend(buf->data(), int(buf->size()), MPI_BYTE, dest, tag, comm_, &req);
    if (rc != MPI_SUCCESS) {
      error_ = "MPI_Isend to rank " + std::to_string(dest) + ": " + mpi_error(rc);
      return false;
    }
    pending_bytes_ += buf->size();
    last_msg_ns_ = now_ns();  // an answer may follow at once: receive() polls hot for a while
    reqs_.push_back(req);
    bufs_.push_back(std::move(buf));
    return true;
  }

  size_t pending_bytes() override {
    std::lock_guard<std::mutex> lk(mu_);
    progress_locked();
    return pending_bytes_;
  }

  bool flush(int64_t deadline) override {
    for (;;) {
      {
        std::lock_guard<std::mutex> lk(mu_);
        progress_locked();
        if (reqs_.empty()) return true;
      }
      if (now_ns() >= deadline) return false;
      sleep_ns(100'000);
    }
  }

  std::optional<aiperf::cluster::Message> receive(int64_t deadline) override {
    int idle = 0;
    for (;;) {
      {
        std::lock_guard<std::mutex> lk(mu_);
        progress_locked();
        if (auto m = poll_receive_locked()) {
          last_msg_ns_ = now_ns();
          return m;
        }
      }
      int64_t now = now_ns();
      if (now >= deadline) return std::nullopt;
      // Hot right after traffic either way (a ping-pong measures clock offsets by its round
      // trip), lazy when idle: at most 200 us between polls.
      int64_t last;
      {
        std::lock_guard<std::mutex> lk(mu_);
        last = last_msg_ns_;
      }
      if (now - last < 2'000'000 || recv_active_) {
        sched_yield();
      } else {
        idle = std::min(idle + 1, 4);
        sleep_ns(std::min<int64_t>(deadline - now, 50'000 * idle));
      }
    }
  }

  void abort(int code) override {
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort should not return
  }

  void finalize() override {
    std::lock_guard<std::mutex> lk(mu_);
    for (MPI_Request& r : reqs_) {
      if (r != MPI_REQUEST_NULL) MPI_Request_free(&r);
    }
    reqs_.clear();
    bufs_.clear();
    if (comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
    int fin = 0;
    MPI_Finalized(&fin);
    if (!fin) MPI_Finalize();
  }

  std::string last_error() const override {
    std::lock_guard<std::mutex> lk(mu_);
    return error_;
  }

 private:
  void set_error(std::string e) {
    std::lock_guard<std::mutex> lk(mu_);
    error_ = std::move(e);
  }

  // Completes finished sends and releases their buffers.
  void progress_locked() {
    if (reqs_.empty()) return;
    std::vector<int> done(reqs_.size());
    int n = 0;
    int rc = MPI_Testsome(int(reqs_.size()), reqs_.data(), &n, done.data(), MPI_STATUSES_IGNORE);
    if (rc != MPI_SUCCESS) {
      // A send failed (its peer is gone): drop every completed or failed request one by one.
      for (size_t i = 0; i < reqs_.size(); ++i) {
        int flag = 0;
        if (MPI_Test(&reqs_[i], &flag, MPI_STATUS_IGNORE) != MPI_SUCCESS || flag) {
          if (reqs_[i] != MPI_REQUEST_NULL) MPI_Request_free(&reqs_[i]);
          reqs_[i] = MPI_REQUEST_NULL;
        }
      }
      error_ = "MPI send failed: " + mpi_error(rc);
    }
    size_t w = 0;
    for (size_t i = 0; i < reqs_.size(); ++i) {
      if (reqs_[i] == MPI_REQUEST_NULL) {
        pending_bytes_ -= std::min(pending_bytes_, bufs_[i]->size());
        continue;
      }
      reqs_[w] = reqs_[i];
      bufs_[w] = std::move(bufs_[i]);
      ++w;
    }
    reqs_.resize(w);
    bufs_.resize(w);
  }

  std::optional<aiperf::cluster::Message> poll_receive_locked() {
    if (!recv_active_) {
      int flag = 0;
      MPI_Message msg = MPI_MESSAGE_NULL;
      MPI_Status st;
      int rc = MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &flag, &msg, &st);
      if (rc != MPI_SUCCESS) {
        error_ = "MPI_Improbe: " + mpi_error(rc);
        return std::nullopt;
      }
      if (!flag) return std::nullopt;
      int count = 0;
      MPI_Get_count(&st, MPI_BYTE, &count);
      recv_.source = st.MPI_SOURCE;
      recv_.tag = st.MPI_TAG;
      recv_.bytes.assign(size_t(std::max(count, 0)), '\0');
      rc = MPI_Imrecv(recv_.bytes.data(), count, MPI_BYTE, &msg, &recv_req_);
      if (rc != MPI_SUCCESS) {
        error_ = "MPI_Imrecv from rank " + std::to_string(recv_.source) + ": " + mpi_error(rc);
        return std::nullopt;
      }
      recv_active_ = true;
    }
    int flag = 0;
    int rc = MPI_Test(&recv_req_, &flag, MPI_STATUS_IGNORE);
    if (rc != MPI_SUCCESS) {
      error_ = "receiving from rank " + std::to_string(recv_.source) + ": " + mpi_error(rc);
      recv_active_ = false;
      return std::nullopt;
    }
    if (!flag) return std::nullopt;
    recv_active_ = false;
    aiperf::cluster::Message out = std::move(recv_);
    recv_ = {};
    return out;
  }

  mutable std::mutex mu_;
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int size_ = 1;
  std::string library_;
  std::string error_;
  std::vector<MPI_Request> reqs_;
  std::vector<std::unique_ptr<std::string>> bufs_;
  size_t pending_bytes_ = 0;
  bool recv_active_ = false;
  MPI_Request recv_req_ = MPI_REQUEST_NULL;
  aiperf::cluster::Message recv_;
  int64_t last_msg_ns_ = 0;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) bool aiperf_comm_open(int abi,
                                                                        aiperf::cluster::Comm** out,
                                                                        char* error,
                                                                        unsigned long error_len) {
  auto fail = [&](const std::string& e) {
    if (error && error_len) std::snprintf(error, error_len, "%s", e.c_str());
    return false;
  };
  if (abi != aiperf::cluster::kCommAbiVersion) {
    return fail("module built for Comm ABI " + std::to_string(aiperf::cluster::kCommAbiVersion) +
                ", aiperf uses " + std::to_string(abi) + " (rebuild both from one tree)");
  }
  try {
    auto c = std::make_unique<MpiComm>();
    std::string e;
    if (!c->open(e)) return fail(e);
    *out = c.release();
    return true;
  } catch (const std::exception& ex) {
    return fail(ex.what());
  }
}
