// The ranks of one run (docs/scale-out.md): `mpirun -np N aiperf profile ...` runs one
// benchmark. Rank 0, the leader, validates the configuration once, measures every rank's clock
// offset, starts each phase at a common instant, receives every rank's records and computes the
// statistics over all of them exactly as one process would (it runs the one aggregator and the
// writers); the other ranks send their share of the schedule (share.h) and stream their
// records to it.
//
// Every wait is bounded: each process runs a hub thread that receives messages and sends a
// heartbeat every 250 ms; a rank not heard from for AIPERF_RANK_TIMEOUT_S seconds (default 10)
// is lost, reported by rank, and no longer waited for. A rank that cannot reach the server at
// start is reported and left out. Either ends the run with exit code 1 and what completed.
//
// Threading: the run's main thread calls the start-up, phase and finish methods; the record
// pipeline thread calls forward() / count_local(); the record sink runs on the hub thread.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/cluster/comm.h"
#include "aiperf/record/processed_record.h"
#include "aiperf/schedule/schedule.h"

namespace aiperf::cluster {

/// What a rank reports of itself when its part of the run is over.
struct RankStats {
  int64_t cpu_ns = 0;        // the process (every thread) from the profiling start to its end
  int64_t total_cpu_ns = 0;  // the process, set-up included
  int64_t run_cpu_ns = 0;    // its I/O worker threads and record pipeline during the run
  std::vector<double> worker_utilization;
  int64_t peak_rss_kb = 0;
  uint64_t dropped = 0;  // records of requests cut off by the grace period or an interrupt
};

enum class RankState : uint8_t {
  kRunning,      // taking part
  kUnreachable,  // could not start (server unreachable, set-up failed): left out
  kLost,         // stopped answering (process gone, network cut)
};
const char* to_string(RankState s);

/// The leader's view of one rank: the JSON's per-rank section.
struct RankInfo {
  int rank = 0;
  std::string host;
  int64_t pid = 0;
  RankState state = RankState::kRunning;
  std::string error;  // why unreachable or lost
  int workers = 0;
  int worker_base = 0;  // added to the rank's worker ids in the exports
  // Clock offset to rank 0 (this rank's clock minus rank 0's), from the ping-pong with the
  // smallest round trip; applied to its records only when larger than rtt/2 (within that
  // bound the clocks cannot be told apart, e.g. on one host).
  int64_t clock_offset_ns = 0;
  int64_t wall_offset_ns = 0;
  int64_t clock_rtt_ns = -1;
  bool offset_applied = false;
  int64_t start_late_ns = 0;  // how late its profiling phase started (its own report)
  // From its profiling records (received by the leader).
  uint64_t requests = 0;
  uint64_t errors = 0;
  uint64_t responses = 0;           // content responses (SSE events) of its requests
  std::vector<double> lateness_ns;  // send lateness (start - scheduled) of each request
  bool finished = false;            // its final stats arrived
  RankStats stats;
  int64_t last_heard_ns = 0;
  bool phase_done[2] = {false, false};
  bool ready[2] = {false, false};
};

struct TeamOptions {
  /// A rank silent this long is lost (AIPERF_RANK_TIMEOUT_S).
  int64_t silence_timeout_ns = 10'000'000'000;
  int64_t heartbeat_ns = 250'000'000;
  /// Ping-pongs per rank for the clock offset (the one with the smallest round trip counts).
  int clock_pings = 16;
  /// The common start is this far after the leader sends it.
  int64_t start_lead_ns = 200'000'000;
  /// Records are shipped in batches of about this many bytes (or every 100 ms).
  size_t batch_bytes = 256 * 1024;
  /// forward() waits while this many bytes are still queued for the leader.
  size_t max_pending_bytes = 64 * 1024 * 1024;
};

class Team {
 public:
  /// Joins the ranks of this launch: nullptr when the process runs alone. Throws
  /// std::runtime_error (one line) when launched as a rank but MPI cannot be opened.
  static std::unique_ptr<Team> join();

  explicit Team(std::unique_ptr<Comm> comm, TeamOptions opts = {});
  ~Team();
  Team(const Team&) = delete;
  Team& operator=(const Team&) = delete;

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool leader() const { return rank_ == 0; }
  std::string library() const { return comm_->library(); }

  // ---- start-up (every rank calls these in this order)
  /// Each rank reports how its command line parsed (`error` empty: fine); the leader decides.
  /// Returns -1 to go on, else the exit code to leave with. On a configuration error the leader
  /// prints the one line (its own first, else "rank r: ..."); the others stay quiet.
  int agree_config(const std::string& error, std::optional<uint64_t> seed);
  /// The seed of the run: the leader's --random-seed, or the one it drew (every rank builds
  /// the same dataset from it).
  uint64_t seed() const { return seed_; }
  enum class Problem { kNone, kUsage, kRuntime };
  /// After preparing (dataset, bodies, server probe). Returns -1 to go on; else the exit code
  /// (0 for a rank left out, 2 for a configuration error anywhere, 1 when the leader failed).
  /// The leader's own error is not printed here (its caller reports it); a rank's usage error
  /// is printed by the leader as "aiperf: error: rank r: ...". On success the leader measures
  /// every rank's clock offset.
  int agree_prepared(Problem problem, const std::string& error, int workers);

  // ---- phases
  /// This rank's share of a phase (share.h).
  schedule::PhaseSpec share(const schedule::PhaseSpec& global) const;
  /// A barrier, then the common start: returns this rank's CLOCK_MONOTONIC start instant,
  /// having slept until it.
  int64_t start_phase(record::Phase phase);
  /// Whether the phase is over: on a rank, its own part (reported to the leader the first
  /// time); on the leader, its own part and every live rank's.
  bool phase_over(record::Phase phase, bool local_finished);
  /// Leader: tell every rank to stop sending now (an interrupt). Ranks: stop_requested().
  void request_stop();
  bool stop_requested() const { return stop_.load(std::memory_order_acquire); }

  // ---- records
  /// A rank's profiling record for the leader (record pipeline thread). Blocks while too much
  /// is still queued for the leader.
  void forward(const record::ProcessedRecord& rec);
  /// Leader: receives every other rank's records, on rank 0's clocks (hub thread).
  using RecordSink = std::function<void(int rank, record::ProcessedRecord&& rec)>;
  void set_record_sink(RecordSink sink);
  /// Leader: one of its own profiling records (for its per-rank figures).
  void count_local(const record::ProcessedRecord& rec);

  // ---- end
  /// Ranks: ship what is left and the final figures. Leader: wait for every live rank's, at
  /// most `wait_ns` (an interrupted run has about a second before the launcher kills it).
  void finish(const RankStats& mine, int64_t wait_ns = 600'000'000'000);
  /// Leader: the ranks as they ended (rank 0 first).
  std::vector<RankInfo> ranks() const;
  /// Ranks left out or lost.
  int failed_ranks() const;
  /// Stops the hub thread and ends MPI. MPI_Finalize waits for the other ranks on some
  /// libraries: a watchdog ends the process with `exit_code` if it has not returned within
  /// 10 s (a rank may be stuck), and it is skipped when `hurry` (an interrupt: the launcher
  /// ends the job).
  void shutdown(bool hurry = false, int exit_code = 0);

 private:
  void hub_loop();
  void dispatch(Message&& m);
  void on_records(int source, const std::string& bytes);
  void check_liveness_locked(int64_t now);
  bool leader_alive_locked(int64_t now) const;
  void send(int dest, int tag, std::string bytes);
  void ship_batch_locked();
  void measure_clocks(int r);
  /// Waits (on mu_) until pred() or `cap_ns` passed; liveness is checked all along.
  bool wait_locked(std::unique_lock<std::mutex>& lk, const std::function<bool()>& pred,
                   int64_t cap_ns);
  void count_record_locked(RankInfo& ri, const record::ProcessedRecord& rec);

  std::unique_ptr<Comm> comm_;
  TeamOptions opts_;
  int rank_ = 0;
  int size_ = 1;
  uint64_t seed_ = 0;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<RankInfo> ranks_;  // leader: one per rank; ranks: just their own
  // Rank side: what the leader said.
  std::optional<int64_t> config_verdict_;
  std::optional<int64_t> prepared_verdict_;
  std::optional<int64_t> start_at_[2];
  int64_t leader_heard_ns_ = 0;
  // Leader side: the pong of the ping in flight.
  struct Pong {
    uint64_t seq = 0;
    int64_t t1 = 0, w1 = 0, remote_mono = 0, remote_wall = 0;
  };
  std::optional<Pong> pong_;
  std::vector<bool> said_hello_;
  std::vector<bool> said_prepared_;
  std::vector<std::string> config_errors_;
  std::vector<std::pair<int, std::string>> prepared_reports_;  // (problem, error) per rank

  std::atomic<bool> stop_{false};
  bool stop_sent_ = false;
  bool done_reported_[2] = {false, false};

  std::mutex sink_mu_;  // held while a batch is handed to sink_ (set_record_sink waits)
  std::mutex batch_mu_;
  std::string batch_;
  int64_t batch_started_ns_ = 0;
  RecordSink sink_;

  std::atomic<bool> hub_stop_{false};
  std::thread hub_;
  bool shut_ = false;
};

}  // namespace aiperf::cluster
