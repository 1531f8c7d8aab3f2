// Phases, credits and stop conditions (spec §3.1-3.4, §3.9): the pure logic of "who may send
// what, when", unit-testable without sockets (MLPerf LoadGen's habit). The worker threads
// (worker/) and the rate scheduler thread call into PhaseState, which is thread-safe.
#pragma once
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/record/request_record.h"

namespace aiperf::schedule {

/// Permission to send one request (one turn of one conversation) at `scheduled_ns`.
struct Credit {
  uint64_t index = 0;            // issue order within the phase (JSONL session_num)
  record::Phase phase = record::Phase::kProfiling;
  uint32_t conversation = 0;     // dataset conversation index
  uint32_t turn = 0;
  uint32_t session = 0;          // session instance (its x_correlation_id)
  uint16_t url_index = 0;
  int64_t scheduled_ns = 0;      // CLOCK_MONOTONIC target send time
};

struct PhaseSpec {
  record::Phase phase = record::Phase::kProfiling;
  config::TimingMode mode = config::TimingMode::kConcurrency;
  std::optional<int64_t> request_count;     // stop after this many credits
  std::optional<double> duration_s;         // stop issuing after this long
  double grace_s = 0.0;                     // wait for in-flight after duration (inf allowed)
  int64_t concurrency = 1;                  // session slots (a ceiling in rate mode)
  bool concurrency_set = false;             // rate mode: is there a ceiling at all
  double rate = 0.0;                        // requests/s (rate mode)
  config::ArrivalPattern arrival = config::ArrivalPattern::kPoisson;
  double smoothness = 1.0;
  const char* name() const { return phase == record::Phase::kWarmup ? "warmup" : "profiling"; }
};

/// The phases of a run in order: warmup (if --warmup-request-count/--warmup-duration), then
/// profiling. Warmup inherits the profiling timing; its grace is unbounded (spec §3.9).
std::vector<PhaseSpec> make_phases(const config::Config& cfg);

/// Picks the dataset conversation for each new session (spec §4.9; sequential by default).
class ConversationSampler {
 public:
  explicit ConversationSampler(size_t n) : n_(n) {}
  uint32_t next() { return uint32_t(next_++ % n_); }

 private:
  size_t n_;
  uint64_t next_ = 0;
};

/// Shared, thread-safe state of one running phase: credit counting against the stop
/// conditions, session slots, and completion tracking.
class PhaseState {
 public:
  PhaseState(const PhaseSpec& spec, size_t num_conversations, size_t num_urls);

  const PhaseSpec& spec() const { return spec_; }
  void start(int64_t now_ns);
  int64_t start_ns() const { return start_ns_; }
  /// Monotonic ns after which no credit may be issued (INT64_MAX without a duration).
  int64_t send_deadline_ns() const { return send_deadline_ns_; }

  /// Issue the next credit for a new session if the stop conditions allow it, taking a session
  /// slot. Returns nullopt (and marks sending done) once the phase may not send more. In rate
  /// mode `need_slot` false skips the slot check (no --concurrency ceiling).
  std::optional<Credit> try_issue(int64_t now_ns, int64_t scheduled_ns);
  /// True when a session slot is free (rate mode with a ceiling checks before issuing).
  bool slot_available() const;

  /// A credit's request finished (success or error). Releases its session slot.
  void on_return(const Credit& c);
  /// A credit was dropped without a request (shutdown): releases its slot, counts as returned.
  void on_dropped(const Credit& c) { on_return(c); }

  /// Stop issuing (duration elapsed, Ctrl-C, fatal error).
  void stop_sending() { sending_done_.store(true, std::memory_order_release); }
  bool sending_done() const { return sending_done_.load(std::memory_order_acquire); }
  uint64_t sent() const { return sent_.load(std::memory_order_acquire); }
  uint64_t returned() const { return returned_.load(std::memory_order_acquire); }
  int64_t in_flight() const { return int64_t(sent()) - int64_t(returned()); }
  /// Sending is done and every issued credit came back.
  bool finished() const { return sending_done() && returned() == sent(); }

 private:
  PhaseSpec spec_;
  size_t num_urls_;
  int64_t start_ns_ = 0;
  int64_t send_deadline_ns_ = std::numeric_limits<int64_t>::max();
  std::mutex mu_;  // guards sampler_ and the issue decision (cheap, uncontended mostly)
  ConversationSampler sampler_;
  uint64_t next_url_ = 0;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> returned_{0};
  std::atomic<int64_t> active_sessions_{0};
  std::atomic<bool> sending_done_{false};
};

}  // namespace aiperf::schedule
