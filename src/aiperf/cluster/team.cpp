// The team protocol (team.h): start-up agreement, clock offsets, phase barriers and the hub
// thread. Records and the end of the run: team_records.cpp.
#include "aiperf/cluster/team.h"

#include <unistd.h>

#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>

#include <spdlog/spdlog.h>

#include "aiperf/cluster/launch.h"
#include "aiperf/cluster/share.h"
#include "aiperf/cluster/team_tags.h"
#include "aiperf/cluster/wire.h"
#include "aiperf/common/clock.h"

namespace aiperf::cluster {

namespace {

constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSec = 1'000'000'000;
constexpr int64_t kConfigCapNs = 120 * kSec;    // every rank parses its flags in well under this
constexpr int64_t kReadyCapNs = 300 * kSec;     // from one phase's end to the next one's start
constexpr int64_t kForever = int64_t(1) << 62;  // bounded by liveness alone

std::string host_name() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof buf - 1) != 0) return "?";
  return buf;
}

void sleep_until(int64_t t) {
  timespec ts{time_t(t / kSec), long(t % kSec)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

}  // namespace

void report_error(const std::string& line) {
  // On stderr once (the console log sink shows warnings and errors too: info keeps it in the
  // log file only).
  std::fprintf(stderr, "aiperf: error: %s\n", line.c_str());
  std::fflush(stderr);
  spdlog::info("error: {}", line);
}

const char* to_string(RankState s) {
  switch (s) {
    case RankState::kRunning:
      return "ok";
    case RankState::kUnreachable:
      return "unreachable";
    case RankState::kLost:
      return "lost";
  }
  return "?";
}

std::unique_ptr<Team> Team::join() {
  LaunchInfo li = detect_launch();
  if (!li.launched) return nullptr;
  std::unique_ptr<Comm> comm = open_mpi(li);
  if (comm->size() <= 1) {
    comm->finalize();
    return nullptr;
  }
  TeamOptions o;
  if (const char* t = std::getenv("AIPERF_RANK_TIMEOUT_S"); t && *t) {
    char* end = nullptr;
    double s = std::strtod(t, &end);
    if (*end != '\0' || !(s > 0) || s > 86400) {
      throw std::runtime_error(std::string("AIPERF_RANK_TIMEOUT_S: '") + t +
                               "' is not a number of seconds in (0, 86400]");
    }
    o.silence_timeout_ns = int64_t(s * 1e9);
  }
  return std::make_unique<Team>(std::move(comm), o);
}

Team::Team(std::unique_ptr<Comm> comm, TeamOptions opts)
    : comm_(std::move(comm)), opts_(opts), rank_(comm_->rank()), size_(comm_->size()) {
  int64_t now = mono_ns();
  ranks_.resize(size_t(size_));
  for (int r = 0; r < size_; ++r) {
    ranks_[r].rank = r;
    ranks_[r].last_heard_ns = now;
  }
  ranks_[rank_].host = host_name();
  ranks_[rank_].pid = ::getpid();
  said_hello_.assign(size_t(size_), false);
  said_prepared_.assign(size_t(size_), false);
  config_errors_.assign(size_t(size_), "");
  prepared_reports_.assign(size_t(size_), {0, ""});
  leader_heard_ns_ = now;
  hub_ = std::thread([this] { hub_loop(); });
}

Team::~Team() {
  hub_stop_.store(true);
  if (hub_.joinable()) hub_.join();
}

void Team::send(int dest, int tag, std::string bytes) {
  if (!comm_->send(dest, tag, std::move(bytes))) {
    spdlog::warn("rank {}: sending to rank {} failed: {}", rank_, dest, comm_->last_error());
  }
}

// ---- hub thread ------------------------------------------------------------------------------

void Team::hub_loop() {
  int64_t next_beat = 0;
  while (!hub_stop_.load(std::memory_order_relaxed)) {
    int64_t now = mono_ns();
    if (now >= next_beat) {
      next_beat = now + opts_.heartbeat_ns;
      if (leader()) {
        std::vector<int> to;
        {
          std::lock_guard<std::mutex> lk(mu_);
          for (int r = 1; r < size_; ++r) {
            if (ranks_[r].state == RankState::kRunning) to.push_back(r);
          }
        }
        for (int r : to) send(r, kHeartbeat, {});
      } else {
        send(0, kHeartbeat, {});
      }
    }
    if (!leader()) {
      std::lock_guard<std::mutex> bl(batch_mu_);
      if (!batch_.empty() && now - batch_started_ns_ >= 100 * kMs) ship_batch_locked();
    }
    std::optional<Message> m = comm_->receive(std::min(next_beat, now + 50 * kMs));
    if (m) {
      dispatch(std::move(*m));
    } else {
      std::lock_guard<std::mutex> lk(mu_);
      check_liveness_locked(mono_ns());
      cv_.notify_all();
    }
  }
}

void Team::dispatch(Message&& m) {
  const int64_t now = mono_ns();
  const int src = m.source;
  if (src < 0 || src >= size_ || src == rank_) return;
  if (m.tag == kRecords) {
    {
      std::lock_guard<std::mutex> lk(mu_);
      ranks_[src].last_heard_ns = now;
    }
    on_records(src, m.bytes);
    return;
  }
  if (m.tag == kPing) {  // answered at once, outside the lock: the round trip is the measure
    ByteReader r(m.bytes);
    uint64_t seq = r.u64();
    std::string out;
    ByteWriter w(out);
    w.u64(seq);
    w.i64(mono_ns());
    w.i64(wall_ns());
    send(src, kPong, std::move(out));
  }
  std::lock_guard<std::mutex> lk(mu_);
  if (leader()) {
    ranks_[src].last_heard_ns = now;
  } else if (src == 0) {
    leader_heard_ns_ = now;
  }
  ByteReader r(m.bytes);
  RankInfo& ri = ranks_[src];
  switch (m.tag) {
    case kHello:
      config_errors_[src] = std::string(r.str());
      ri.host = std::string(r.str());
      ri.pid = r.i64();
      said_hello_[src] = r.ok();
      break;
    case kConfigVerdict:
      config_verdict_ = r.i64();
      seed_ = r.u64();
      break;
    case kPrepared: {
      int problem = int(r.u64());
      std::string err(r.str());
      ri.workers = int(r.u64());
      prepared_reports_[src] = {problem, std::move(err)};
      said_prepared_[src] = r.ok();
      break;
    }
    case kPreparedVerdict:
      prepared_verdict_ = r.i64();
      break;
    case kPong: {
      Pong p;
      p.seq = r.u64();
      p.remote_mono = r.i64();
      p.remote_wall = r.i64();
      p.t1 = now;
      p.w1 = wall_ns();
      if (r.ok()) pong_ = p;
      break;
    }
    case kReady: {
      uint64_t ph = r.u64();
      if (r.ok() && ph < 2) ri.ready[ph] = true;
      break;
    }
    case kStart: {
      uint64_t ph = r.u64();
      int64_t at = r.i64();
      if (r.ok() && ph < 2) start_at_[ph] = at;
      break;
    }
    case kPhaseDone: {
      uint64_t ph = r.u64();
      if (r.ok() && ph < 2) ri.phase_done[ph] = true;
      break;
    }
    case kStop:
      stop_.store(true, std::memory_order_release);
      break;
    case kFinal:
      read_final(r, ri);
      break;
    default:  // kHeartbeat, kPing
      break;
  }
  if (!r.ok())
    spdlog::warn("rank {}: a malformed message (tag {}) from rank {}", rank_, m.tag, src);
  cv_.notify_all();
}

void Team::check_liveness_locked(int64_t now) {
  if (!leader()) {
    if (!leader_alive_locked(now) && !stop_.load() && !ranks_[rank_].finished) {
      stop_.store(true);  // the run stops; what this rank still has goes nowhere
      spdlog::error("no message from rank 0 for {:.1f} s: stopping",
                    double(now - leader_heard_ns_) / 1e9);
    }
    return;
  }
  for (int r = 1; r < size_; ++r) {
    RankInfo& ri = ranks_[r];
    if (ri.state != RankState::kRunning || ri.finished) continue;
    if (now - ri.last_heard_ns > opts_.silence_timeout_ns) {
      ri.state = RankState::kLost;
      char buf[160];
      std::snprintf(buf, sizeof buf,
                    "no message for %.1f s (the process ended or cannot reach rank 0)",
                    double(now - ri.last_heard_ns) / 1e9);
      ri.error = buf;
      report_error("rank " + std::to_string(r) + " is lost: " + ri.error);
    }
  }
}

bool Team::leader_alive_locked(int64_t now) const {
  return leader() || now - leader_heard_ns_ <= opts_.silence_timeout_ns;
}

bool Team::wait_locked(std::unique_lock<std::mutex>& lk, const std::function<bool()>& pred,
                       int64_t cap_ns) {
  const int64_t deadline = mono_ns() + cap_ns;
  for (;;) {
    if (pred()) return true;
    int64_t now = mono_ns();
    check_liveness_locked(now);
    if (pred()) return true;
    if (!leader_alive_locked(now) || now >= deadline) return false;
    cv_.wait_for(lk, std::chrono::milliseconds(50));
  }
}

// ---- start-up --------------------------------------------------------------------------------

int Team::agree_config(const std::string& error, std::optional<uint64_t> seed) {
  std::unique_lock<std::mutex> lk(mu_);
  if (!leader()) {
    std::string out;
    ByteWriter w(out);
    w.str(error);
    w.str(ranks_[rank_].host);
    w.i64(ranks_[rank_].pid);
    lk.unlock();
    send(0, kHello, std::move(out));
    lk.lock();
    if (!wait_locked(
            lk, [&] { return config_verdict_.has_value(); }, kConfigCapNs)) {
      std::fprintf(stderr, "aiperf: error: rank %d: no answer from rank 0 (is it running?)\n",
                   rank_);
      return kExitFailedQuiet;
    }
    return *config_verdict_ < 0 ? -1 : 0;  // rank 0 reported the error and exits with it
  }
  wait_locked(
      lk,
      [&] {
        for (int r = 1; r < size_; ++r)
          if (!said_hello_[r] && ranks_[r].state == RankState::kRunning) return false;
        return true;
      },
      kConfigCapNs);
  for (int r = 1; r < size_; ++r) {
    if (!said_hello_[r] && ranks_[r].state == RankState::kRunning) {
      ranks_[r].state = RankState::kLost;
      ranks_[r].error = "did not report its configuration";
    }
  }
  int rc = -1;
  if (!error.empty()) {
    std::fprintf(stderr, "aiperf: error: %s\n", error.c_str());
    rc = 2;
  } else {
    for (int r = 1; r < size_ && rc < 0; ++r) {
      if (!config_errors_[r].empty()) {
        std::fprintf(stderr, "aiperf: error: rank %d: %s\n", r, config_errors_[r].c_str());
        rc = 2;
      }
    }
  }
  std::fflush(stderr);
  seed_ = seed ? *seed : std::random_device{}() ^ (uint64_t(std::random_device{}()) << 32);
  lk.unlock();
  for (int r = 1; r < size_; ++r) {
    std::string out;
    ByteWriter w(out);
    w.i64(rc);
    w.u64(seed_);
    send(r, kConfigVerdict, std::move(out));
  }
  return rc;
}

int Team::agree_prepared(Problem problem, const std::string& error, int workers) {
  std::unique_lock<std::mutex> lk(mu_);
  ranks_[rank_].workers = workers;
  if (!leader()) {
    std::string out;
    ByteWriter w(out);
    w.u64(uint64_t(problem));
    w.str(error);
    w.u64(uint64_t(workers));
    lk.unlock();
    send(0, kPrepared, std::move(out));
    lk.lock();
    if (!wait_locked(
            lk, [&] { return prepared_verdict_.has_value(); }, kForever)) {
      std::fprintf(stderr, "aiperf: error: rank %d: lost contact with rank 0\n", rank_);
      return kExitFailedQuiet;
    }
    return *prepared_verdict_ < 0 ? -1 : 0;
  }
  wait_locked(
      lk,
      [&] {
        for (int r = 1; r < size_; ++r)
          if (!said_prepared_[r] && ranks_[r].state == RankState::kRunning) return false;
        return true;
      },
      kForever);
  int rc = -1;
  if (problem == Problem::kUsage) rc = 2;
  if (problem == Problem::kRuntime) rc = 1;
  for (int r = 1; r < size_ && rc < 0; ++r) {
    if (ranks_[r].state == RankState::kRunning &&
        prepared_reports_[r].first == int(Problem::kUsage)) {
      std::fprintf(stderr, "aiperf: error: rank %d: %s\n", r, prepared_reports_[r].second.c_str());
      std::fflush(stderr);
      rc = 2;
    }
  }
  std::vector<int> go;
  for (int r = 1; r < size_; ++r) {
    RankInfo& ri = ranks_[r];
    if (ri.state != RankState::kRunning) continue;
    if (rc < 0 && prepared_reports_[r].first == int(Problem::kRuntime)) {
      ri.state = RankState::kUnreachable;
      ri.error = prepared_reports_[r].second;
      report_error("rank " + std::to_string(r) + " cannot take part: " + ri.error);
      continue;
    }
    go.push_back(r);
  }
  int base = 0;
  for (RankInfo& ri : ranks_) {
    ri.worker_base = base;
    base += ri.workers;
  }
  lk.unlock();
  auto verdict = [&](int r, int64_t v) {
    std::string out;
    ByteWriter w(out);
    w.i64(v);
    send(r, kPreparedVerdict, std::move(out));
  };
  for (int r = 1; r < size_; ++r) {
    bool going = rc < 0 && std::find(go.begin(), go.end(), r) != go.end();
    if (!going) verdict(r, 0);
  }
  if (rc >= 0) return rc;
  for (int r : go) measure_clocks(r);
  for (int r : go) verdict(r, -1);
  return -1;
}

void Team::measure_clocks(int r) {
  int64_t best = -1, off = 0, woff = 0;
  for (int k = 0; k < opts_.clock_pings; ++k) {
    const uint64_t seq = uint64_t(k) + 1;
    std::string out;
    ByteWriter w(out);
    w.u64(seq);
    const int64_t w0 = wall_ns();
    const int64_t t0 = mono_ns();
    send(r, kPing, std::move(out));
    std::unique_lock<std::mutex> lk(mu_);
    if (!wait_locked(
            lk, [&] { return pong_ && pong_->seq == seq; }, 2 * kSec))
      continue;
    Pong p = *pong_;
    pong_.reset();
    int64_t rtt = p.t1 - t0;
    if (best < 0 || rtt < best) {
      best = rtt;
      off = p.remote_mono - (t0 + (p.t1 - t0) / 2);
      woff = p.remote_wall - (w0 + (p.w1 - w0) / 2);
    }
  }
  std::lock_guard<std::mutex> lk(mu_);
  RankInfo& ri = ranks_[r];
  ri.clock_rtt_ns = best;
  ri.clock_offset_ns = off;
  ri.wall_offset_ns = woff;
  ri.offset_applied = best >= 0 && (std::llabs(off) > best / 2 || std::llabs(woff) > best / 2);
  spdlog::info("rank {} ({}): clock offset {:+.3f} ms (wall {:+.3f} ms), round trip {:.3f} ms{}", r,
               ri.host, off / 1e6, woff / 1e6, best / 1e6,
               ri.offset_applied ? "" : " (within the round trip: not applied)");
}

// ---- phases ----------------------------------------------------------------------------------

schedule::PhaseSpec Team::share(const schedule::PhaseSpec& global) const {
  return share_phase(global, rank_, size_);
}

int64_t Team::start_phase(record::Phase phase) {
  const size_t ph = size_t(phase) & 1;
  std::unique_lock<std::mutex> lk(mu_);
  if (!leader()) {
    lk.unlock();
    std::string out;
    ByteWriter w(out);
    w.u64(ph);
    send(0, kReady, std::move(out));
    lk.lock();
    wait_locked(
        lk, [&] { return start_at_[ph].has_value() || stop_requested(); }, kForever);
    if (!start_at_[ph]) return mono_ns();  // stopped, or rank 0 is gone: the loop ends at once
    int64_t at = *start_at_[ph];
    lk.unlock();
    int64_t now = mono_ns();
    if (now < at) sleep_until(at);
    if (phase == record::Phase::kProfiling)
      ranks_[rank_].start_late_ns = std::max<int64_t>(now - at, 0);
    return std::max(at, now);
  }
  auto all_ready = [&] {
    for (int r = 1; r < size_; ++r)
      if (ranks_[r].state == RankState::kRunning && !ranks_[r].ready[ph]) return false;
    return true;
  };
  if (!wait_locked(lk, all_ready, kReadyCapNs)) {
    for (int r = 1; r < size_; ++r) {
      RankInfo& ri = ranks_[r];
      if (ri.state == RankState::kRunning && !ri.ready[ph]) {
        ri.state = RankState::kLost;
        ri.error = "not ready for the phase within 300 s";
        report_error("rank " + std::to_string(r) + " is lost: " + ri.error);
      }
    }
  }
  std::vector<std::pair<int, int64_t>> to;
  for (int r = 1; r < size_; ++r) {
    const RankInfo& ri = ranks_[r];
    // On the rank's clock, by the offset applied to its records (0 within the uncertainty).
    if (ri.state == RankState::kRunning) {
      to.emplace_back(r, ri.offset_applied ? ri.clock_offset_ns : 0);
    }
  }
  lk.unlock();
  const int64_t at = mono_ns() + opts_.start_lead_ns;
  for (auto [r, off] : to) {
    std::string out;
    ByteWriter w(out);
    w.u64(ph);
    w.i64(at + off);  // on rank r's clock
    send(r, kStart, std::move(out));
  }
  sleep_until(at);
  return at;
}

bool Team::phase_over(record::Phase phase, bool local_finished) {
  const size_t ph = size_t(phase) & 1;
  if (!local_finished) return false;
  if (!leader()) {
    if (!done_reported_[ph]) {
      done_reported_[ph] = true;
      std::string out;
      ByteWriter w(out);
      w.u64(ph);
      send(0, kPhaseDone, std::move(out));
    }
    return true;
  }
  std::lock_guard<std::mutex> lk(mu_);
  check_liveness_locked(mono_ns());
  for (int r = 1; r < size_; ++r) {
    if (ranks_[r].state == RankState::kRunning && !ranks_[r].phase_done[ph]) return false;
  }
  return true;
}

void Team::request_stop() {
  if (!leader() || stop_sent_) return;
  stop_sent_ = true;
  std::vector<int> to;
  {
    std::lock_guard<std::mutex> lk(mu_);
    for (int r = 1; r < size_; ++r)
      if (ranks_[r].state == RankState::kRunning) to.push_back(r);
  }
  for (int r : to) send(r, kStop, {});
}

}  // namespace aiperf::cluster
