#include "aiperf/worker/worker.h"
#include "aiperf/common/cpu_affinity.h"

#include <algorithm>

#include "aiperf/common/clock.h"

namespace aiperf::worker {

namespace {
constexpr int64_t kFeedRetryNs = 200'000;  // closed loop: retry a session the feed had not ready
}  // namespace

void RecordSink::push(std::unique_ptr<record::RequestRecord> r, bool urgent) {
  bool wake;
  {
    std::lock_guard<std::mutex> lk(mu_);
    q_.push_back(std::move(r));
    wake = waiting_ && !wake_ && (urgent || q_.size() >= kWakeBatch);
    if (wake) wake_ = true;
  }
  if (wake) cv_.notify_one();
}

void RecordSink::push_batch(std::vector<std::unique_ptr<record::RequestRecord>>& rs, bool urgent) {
  if (rs.empty()) return;
  bool wake;
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (q_.empty()) {
      q_.swap(rs);
    } else {
      for (auto& r : rs) q_.push_back(std::move(r));
    }
    wake = waiting_ && !wake_ && (urgent || q_.size() >= kWakeBatch);
    if (wake) wake_ = true;
  }
  rs.clear();
  if (wake) cv_.notify_one();
}

void RecordSink::pop_all(std::vector<std::unique_ptr<record::RequestRecord>>& out, int timeout_ms) {
  std::unique_lock<std::mutex> lk(mu_);
  if (q_.empty()) {
    waiting_ = true;
    cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms), [this] { return wake_; });
    waiting_ = false;
  }
  wake_ = false;
  if (out.empty()) {
    out.swap(q_);
  } else {
    for (auto& r : q_) out.push_back(std::move(r));
    q_.clear();
  }
}

void RecordSink::give_back(std::vector<std::unique_ptr<record::RequestRecord>>& rs) {
  size_t room = 0;
  {
    std::lock_guard<std::mutex> lk(mu_);
    room = kMaxSpare - std::min(kMaxSpare, spare_.size());
  }
  // Reset outside the lock (it frees what a record does not keep: a shared conversation, an
  // error text's excess), then hand them over under it.
  size_t keep = 0;
  for (auto& r : rs) {
    if (keep == room) break;
    if (r->buffer_bytes() > kMaxSpareBytes) continue;
    r->reset();
    rs[keep++] = std::move(r);
  }
  if (keep > 0) {
    std::lock_guard<std::mutex> lk(mu_);
    for (size_t i = 0; i < keep && spare_.size() < kMaxSpare; ++i)
      spare_.push_back(std::move(rs[i]));
  }
  rs.clear();
}

void RecordSink::take_spare(std::vector<std::unique_ptr<record::RequestRecord>>& out, size_t n) {
  std::lock_guard<std::mutex> lk(mu_);
  const size_t k = std::min(n, spare_.size());
  for (size_t i = 0; i < k; ++i) {
    out.push_back(std::move(spare_.back()));
    spare_.pop_back();
  }
}

void RecordSink::notify() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

Worker::Worker(uint16_t id, const RequestPlan& plan, RecordSink& sink, uint64_t id_seed)
    : id_(id), plan_(plan), sink_(sink) {
  transport::ClientOptions opts = plan.client;
  opts.source_start = id;  // --source-ip: workers start their round robins apart
  client_ = std::make_unique<transport::HttpClient>(loop_, std::move(opts));
  if (plan.grpc) grpc_ = std::make_unique<kserve::GrpcClient>(loop_, plan.grpc_options);
  // splitmix64 of the seed: ids differ per worker and per run.
  uint64_t z = id_seed + 0x9E3779B97F4A7C15ull * (id + 1);
  for (auto& s : rng_state_) {
    z += 0x9E3779B97F4A7C15ull;
    uint64_t x = z;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    s = x ^ (x >> 31);
  }
}

Worker::~Worker() {
  stop();
}

void Worker::start() {
  loop_.set_batch_end([this] { flush_outbox(); });
  thread_ = std::thread([this] {
    affinity::enter_role(affinity::ThreadRole::kIo, id_);
    boost_.attach();
    loop_.run();
    client_->abort_all(record::ErrorKind::kCancelled);
    if (grpc_) grpc_->abort_all(record::ErrorKind::kCancelled);
    flush_outbox();
    cpu_ns_.store(thread_cpu_ns());
  });
}

bool Worker::pin_to(const std::vector<int>& cpus) {
  return thread_.joinable() && affinity::set_thread_cpus(thread_.native_handle(), cpus);
}

void Worker::flush_outbox() {
  if (outbox_.empty()) return;
  sink_.push_batch(outbox_, outbox_urgent_);
  outbox_urgent_ = false;
}

void Worker::stop() {
  if (!thread_.joinable()) return;
  loop_.post([this] { aborting_ = true; });
  loop_.stop();
  thread_.join();
}

std::unique_ptr<record::RequestRecord> Worker::new_record() {
  if (spare_.empty()) sink_.take_spare(spare_, 512);
  if (spare_.empty()) return std::make_unique<record::RequestRecord>();
  auto r = std::move(spare_.back());
  spare_.pop_back();
  return r;
}

void Worker::uuid4(std::string& out) {
  // xorshift128+; ids only need to be unique, not secret.
  auto next = [this] {
    uint64_t s1 = rng_state_[0];
    const uint64_t s0 = rng_state_[1];
    rng_state_[0] = s0;
    s1 ^= s1 << 23;
    rng_state_[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
    return rng_state_[1] + s0;
  };
  uint64_t hi = next();
  uint64_t lo = next();
  out.resize(36);
  endpoint::format_uuid4(hi, lo, out.data());
}

void Worker::submit(schedule::PhaseState* phase, schedule::Credit c) {
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  // A send at a set time raises this worker's thread until it has gone (SendBoost): lateness
  // is what a schedule is measured by. Every credit of an open-loop phase counts, a late one
  // most of all (counting only those still ahead dropped the boost whenever the client fell
  // behind); in a closed loop only a turn sent after a delay does, not one for now.
  const bool timed = phase->spec().mode != config::TimingMode::kConcurrency ||
                     c.scheduled_ns > mono_ns() + kTimerMinLeadNs;
  if (timed) boost_.add();
  loop_.post([this, phase, timed, c = std::move(c)]() mutable {
    if (aborting_) {
      phase->on_dropped(c);
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      if (timed) boost_.remove();
      return;
    }
    // Fire on the loop's absolute timer unless the target is (almost) now: the scheduler
    // hands credits over ahead of time so that lateness is the timerfd wake-up only.
    int64_t now = mono_ns();
    if (c.scheduled_ns > now + kTimerMinLeadNs) {
      int64_t at = c.scheduled_ns;
      loop_.add_timer(at, [this, phase, timed, c = std::move(c)]() mutable {
        send(phase, std::move(c));
        if (timed) boost_.remove();
      });
    } else {
      send(phase, std::move(c));
      if (timed) boost_.remove();
    }
  });
}

void Worker::run_closed_loop(schedule::PhaseState* phase, int64_t sessions) {
  loop_.post([this, phase, sessions] {
    for (int64_t i = 0; i < sessions && !aborting_; ++i) issue_closed(phase);
  });
}

void Worker::issue_closed(schedule::PhaseState* phase) {
  int64_t now = mono_ns();
  auto c = phase->try_issue(now, now);
  if (!c) {
    // A just-in-time dataset whose renderer fell behind: this loop never waits for it (its
    // other requests are being read); it tries again shortly instead.
    if (phase->feed_starved() && !aborting_) {
      loop_.add_timer(now + kFeedRetryNs, [this, phase] { issue_closed(phase); });
    }
    return;
  }
  in_flight_.fetch_add(1, std::memory_order_relaxed);
  send(phase, std::move(*c));
}

void Worker::abort_in_flight() {
  loop_.post([this] {
    aborting_ = true;
    client_->abort_all(record::ErrorKind::kCancelled);
    if (grpc_) grpc_->abort_all(record::ErrorKind::kCancelled);
  });
}

void Worker::send(schedule::PhaseState* phase, schedule::Credit c) {
  if (aborting_) {
    phase->on_dropped(c);
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    return;
  }
  if (phase->prefill_limited() && !phase->acquire_prefill(id_, c)) return;  // waits (moved)
  dispatch(phase, c);
}

void Worker::resume_prefill(schedule::PhaseState* phase, schedule::Credit c) {
  // The prefill wait is shaping, not client lateness: the schedule wants it sent from now on
  // (send_lateness and the client-bottleneck check then see only the client's own delay).
  c.scheduled_ns = std::max(c.scheduled_ns, mono_ns());
  loop_.post([this, phase, c = std::move(c)] {
    if (aborting_ || mono_ns() >= phase->send_deadline_ns()) {
      // Too late to send: the slot goes to the next waiter (which meets the same fate).
      phase->on_dropped(c);
      in_flight_.fetch_sub(1, std::memory_order_relaxed);
      release_prefill(phase);
      return;
    }
    dispatch(phase, c);
  });
}

void Worker::drop_waiting(schedule::PhaseState* phase, schedule::Credit c) {
  loop_.post([this, phase, c = std::move(c)] {
    phase->on_dropped(c);
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
  });
}

void Worker::release_prefill(schedule::PhaseState* phase) {
  if (auto w = phase->release_prefill()) {
    Worker* to = w->worker < peers_.size() ? peers_[w->worker] : this;
    to->resume_prefill(phase, std::move(w->credit));
  }
}

void Worker::on_first_event(void* self, record::RequestRecord& rec) {
  auto* w = static_cast<Worker*>(self);
  schedule::PhaseState* phase = w->phases_[size_t(rec.phase) & 1];
  if (phase) w->release_prefill(phase);
}

void resume_prefill_waiters(schedule::PhaseState* phase, std::vector<schedule::PrefillWaiter> ws,
                            const std::vector<Worker*>& workers) {
  for (auto& w : ws) workers[w.worker % workers.size()]->resume_prefill(phase, std::move(w.credit));
}

void drop_prefill_waiters(schedule::PhaseState* phase, const std::vector<Worker*>& workers) {
  for (auto& w : phase->take_prefill_waiters()) {
    workers[w.worker % workers.size()]->drop_waiting(phase, std::move(w.credit));
  }
}

void Worker::dispatch(schedule::PhaseState* phase, const schedule::Credit& c) {
  phases_[size_t(c.phase) & 1] = phase;
  auto rec = new_record();
  rec->credit_index = c.index;
  rec->phase = c.phase;
  rec->conversation_index = c.conversation;
  rec->turn_index = c.turn;
  rec->num_turns = c.num_turns;
  rec->session_index = c.session;
  rec->worker_id = id_;
  rec->url_index = c.url_index;
  rec->scheduled_ns = c.scheduled_ns;
  rec->credit_ns = mono_ns();
  uuid4(rec->x_request_id);
  if (c.x_correlation_id.empty()) {
    uuid4(rec->x_correlation_id);
  } else {
    rec->x_correlation_id = c.x_correlation_id;
  }

  // Per-request header lines: the client copies them into the request head during send().
  header_scratch_.clear();
  plan_.headers->append(header_scratch_, rec->x_request_id, rec->x_correlation_id);

  transport::HttpRequest req;
  req.url_index = c.url_index;
  req.target = plan_.targets[c.url_index];
  req.header_lines = header_scratch_;
  // --connection-reuse-strategy sticky-user-sessions: one connection per session instance.
  req.session_key = (uint64_t(c.phase) + 1) << 32 | c.session;
  req.session_final = c.final_turn();
  if (c.prepared) {
    req.expected_events = c.prepared->expected_events;
  } else if (c.conversation < plan_.expected_events.size()) {
    req.expected_events = plan_.expected_events[c.conversation];
  }
  req.cancel_after_ns = c.cancel_after_ns;
  req.trace_chunks = plan_.trace_chunks;
  req.handed_ns = rec->credit_ns;  // the timeout runs from the credit (stamped just above)
  const bool prefill = phase->prefill_limited();
  if (prefill) req.first_event = {&Worker::on_first_event, this};
  if (c.body) {
    req.body = *c.body;  // a later turn, rendered with the session history
  } else {
    req.body = c.phase == record::Phase::kWarmup && !plan_.warmup_bodies.empty()
                   ? plan_.warmup_bodies[c.conversation]
                   : plan_.bodies[c.conversation];
  }
  if (grpc_) {  // KServe v2 gRPC: the body is turned into tensors inside send()
    grpc_->send(c.url_index, req.body, std::move(rec),
                [this, phase, c, prefill](std::unique_ptr<record::RequestRecord> r) {
                  complete(phase, c, prefill, std::move(r));
                });
    return;
  }
  // `c` (captured by value) keeps a later turn's body alive until the request is done.
  if (plan_.jobs.enabled) {
    std::string headers = header_scratch_;
    client_->send(req, std::move(rec),
                  [this, phase, c, prefill,
                   headers = std::move(headers)](std::unique_ptr<record::RequestRecord> r) {
                    const uint16_t u = r->url_index;
                    follow_job(loop_, *client_, plan_.jobs, plan_.client.urls[u], std::move(r),
                               plan_.targets[u], headers, &aborting_,
                               [this, phase, c, prefill](std::unique_ptr<record::RequestRecord> d) {
                                 complete(phase, c, prefill, std::move(d));
                               });
                  });
    return;
  }
  InFlight* slot = take_slot();
  slot->phase = phase;
  slot->credit = c;
  slot->prefill = prefill;
  client_->send(req, std::move(rec), [this, slot](std::unique_ptr<record::RequestRecord> r) {
    finish_slot(slot, std::move(r));
  });
}

Worker::InFlight* Worker::take_slot() {
  if (free_slots_.empty()) return &slots_.emplace_back();
  InFlight* s = free_slots_.back();
  free_slots_.pop_back();
  return s;
}

void Worker::finish_slot(InFlight* slot, std::unique_ptr<record::RequestRecord> r) {
  complete(slot->phase, slot->credit, slot->prefill, std::move(r));
  slot->credit.body.reset();
  slot->credit.prepared.reset();
  free_slots_.push_back(slot);
}

void Worker::complete(schedule::PhaseState* phase, const schedule::Credit& c, bool prefill,
                      std::unique_ptr<record::RequestRecord> r) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  if (prefill && r->first_data_ns == 0) release_prefill(phase);  // ended before a first token
  bool forward = !aborting_ && r->error != record::ErrorKind::kCancelled;
  // A dropped record never reaches the pipeline: its session cannot continue.
  phase->on_return(c, !forward);
  if (forward) {
    r->prepared = c.prepared;  // the record pipeline needs the conversation
    // A session's next turn waits for the pipeline to read this answer.
    outbox_urgent_ |= r->turn_index + 1 < r->num_turns;
    outbox_.push_back(std::move(r));  // flushed at the end of the loop pass
  } else {
    dropped_.fetch_add(1, std::memory_order_relaxed);
  }
  if (!aborting_ && c.final_turn() && phase->spec().mode == config::TimingMode::kConcurrency) {
    issue_closed(phase);  // closed loop: a session ended, start the next
  }
}

}  // namespace aiperf::worker
