// The team's records and the end of the run (team.h): ranks stream their profiling records to
// the leader in batches (bounded by the bytes still queued, so nothing is held whole); the
// leader moves them onto its clocks, counts them per rank and hands them to the run's record
// sink, which aggregates them with its own.
#include <algorithm>
#include <cstdio>
#include <thread>

#include <spdlog/spdlog.h>

#include "aiperf/cluster/record_codec.h"
#include "aiperf/cluster/team.h"
#include "aiperf/cluster/team_tags.h"
#include "aiperf/common/clock.h"

namespace aiperf::cluster {

namespace {
constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kFinalCapNs = 600 * kSec;  // a rank's last records after its phase ended
}  // namespace

void Team::ship_batch_locked() {
  if (batch_.empty()) return;
  std::string out;
  out.swap(batch_);
  batch_.reserve(opts_.batch_bytes + 4096);
  send(0, kRecords, std::move(out));
}

void Team::forward(const record::ProcessedRecord& rec) {
  {
    std::lock_guard<std::mutex> bl(batch_mu_);
    if (batch_.empty()) batch_started_ns_ = mono_ns();
    encode_record(rec, batch_);
    if (batch_.size() >= opts_.batch_bytes) ship_batch_locked();
  }
  // Back-pressure: wait while the leader has much to catch up on (it is alive).
  while (comm_->pending_bytes() > opts_.max_pending_bytes) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (!leader_alive_locked(mono_ns())) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

void Team::set_record_sink(RecordSink sink) {
  std::lock_guard<std::mutex> sl(sink_mu_);
  sink_ = std::move(sink);
}

void Team::count_record_locked(RankInfo& ri, const record::ProcessedRecord& rec) {
  if (rec.phase != record::Phase::kProfiling) return;
  ++ri.requests;
  if (rec.error) ++ri.errors;
  ri.responses += rec.content_ts.size();
  if (rec.scheduled_ns > 0 && rec.start_ns > 0) {
    ri.lateness_ns.push_back(double(rec.start_ns - rec.scheduled_ns));
  }
}

void Team::count_local(const record::ProcessedRecord& rec) {
  std::lock_guard<std::mutex> lk(mu_);
  count_record_locked(ranks_[rank_], rec);
}

void Team::on_records(int source, const std::string& bytes) {
  int64_t mono_delta = 0, wall_delta = 0;
  int base = 0;
  std::lock_guard<std::mutex> sl(sink_mu_);
  {
    std::lock_guard<std::mutex> lk(mu_);
    const RankInfo& ri = ranks_[source];
    if (ri.state != RankState::kRunning) return;  // a rank declared lost stays lost
    if (ri.offset_applied) {
      mono_delta = -ri.clock_offset_ns;
      wall_delta = -ri.wall_offset_ns;
    }
    base = ri.worker_base;
  }
  RecordDecoder dec(bytes);
  record::ProcessedRecord rec;
  bool bad = false;
  while (dec.next(rec, &bad)) {
    shift_clock(rec, mono_delta, wall_delta);
    rec.worker_id = uint16_t(rec.worker_id + base);
    {
      std::lock_guard<std::mutex> lk(mu_);
      count_record_locked(ranks_[source], rec);
    }
    if (sink_) sink_(source, std::move(rec));
  }
  if (bad) spdlog::error("rank {}: a malformed batch of records was dropped", source);
}

void Team::finish(const RankStats& mine, int64_t wait_ns) {
  if (!leader()) {
    {
      std::lock_guard<std::mutex> bl(batch_mu_);
      ship_batch_locked();
    }
    send(0, kFinal, encode_final(mine, ranks_[rank_].start_late_ns));
    {
      std::lock_guard<std::mutex> lk(mu_);
      ranks_[rank_].finished = true;  // from now on rank 0's silence is no news
    }
    // Until the leader has it all (or is gone): MPI may still be moving the last batches.
    for (;;) {
      if (comm_->flush(mono_ns() + 100'000'000)) break;
      std::lock_guard<std::mutex> lk(mu_);
      if (!leader_alive_locked(mono_ns())) break;
    }
    return;
  }
  std::unique_lock<std::mutex> lk(mu_);
  ranks_[0].stats = mine;
  ranks_[0].finished = true;
  bool all = wait_locked(
      lk,
      [&] {
        for (int r = 1; r < size_; ++r)
          if (ranks_[r].state == RankState::kRunning && !ranks_[r].finished) return false;
        return true;
      },
      std::min(wait_ns, kFinalCapNs));
  if (!all && wait_ns < kFinalCapNs) return;  // interrupted: those not in are not waited for
  if (!all) {
    for (int r = 1; r < size_; ++r) {
      RankInfo& ri = ranks_[r];
      if (ri.state == RankState::kRunning && !ri.finished) {
        ri.state = RankState::kLost;
        ri.error = "its final records did not arrive within 600 s";
        report_error("rank " + std::to_string(r) + " is lost: " + ri.error);
      }
    }
  }
}

std::vector<RankInfo> Team::ranks() const {
  std::lock_guard<std::mutex> lk(mu_);
  return ranks_;
}

int Team::failed_ranks() const {
  std::lock_guard<std::mutex> lk(mu_);
  int n = 0;
  for (const RankInfo& ri : ranks_) n += ri.state != RankState::kRunning;
  return n;
}

void Team::shutdown(bool hurry, int exit_code) {
  if (shut_) return;
  shut_ = true;
  hub_stop_.store(true);
  if (hub_.joinable()) hub_.join();
  std::fflush(stdout);
  std::fflush(stderr);
  if (hurry) return;
  // MPI_Finalize is a fence of every live rank (Open MPI): a rank that is alive but stuck, or a
  // leader that left without it, would hold it forever. The watchdog ends this process instead.
  std::mutex m;
  std::condition_variable cv;
  bool done = false;
  std::thread watchdog([&] {
    std::unique_lock<std::mutex> lk(m);
    if (!cv.wait_for(lk, std::chrono::seconds(10), [&] { return done; })) {
      spdlog::warn("MPI_Finalize did not return within 10 s; leaving without it");
      std::fflush(stdout);
      std::fflush(stderr);
      std::_Exit(exit_code);
    }
  });
  comm_->finalize();
  {
    std::lock_guard<std::mutex> lk(m);
    done = true;
  }
  cv.notify_all();
  watchdog.join();
}

}  // namespace aiperf::cluster
