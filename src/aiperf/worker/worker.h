// I/O workers (DESIGN §1 "Workers"): one thread per worker, each running one EventLoop and one
// HttpClient. Workers take Credits, send the prepared request, and hand each finished
// RequestRecord to the RecordSink. Nothing here parses JSON or tokenizes (DESIGN §3).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/common/cpu_affinity.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/kserve/grpc_client.h"
#include "aiperf/record/request_record.h"
#include "aiperf/schedule/schedule.h"
#include "aiperf/transport/event_loop.h"
#include "aiperf/transport/http_client.h"
#include "aiperf/worker/video_job.h"

namespace aiperf::worker {

/// Multi-producer (workers), single-consumer (record pipeline) queue of finished records.
///
/// Wake-ups are batched (issue 15: a futex wake and a context switch per record cost as much as
/// a small request): a producer wakes a waiting consumer only when a record is urgent (a session
/// waits for it to render its next turn) or when kWakeBatch records are queued; otherwise the
/// consumer finds them when its wait times out.
class RecordSink {
 public:
  static constexpr size_t kWakeBatch = 128;
  void push(std::unique_ptr<record::RequestRecord> r, bool urgent = false);
  /// Moves every record of `rs` (left empty) into the queue under one lock.
  void push_batch(std::vector<std::unique_ptr<record::RequestRecord>>& rs, bool urgent);
  /// Moves everything queued into `out`; when nothing is queued, waits up to `timeout_ms` for
  /// a wake-up (an urgent record, a full batch, notify()).
  void pop_all(std::vector<std::unique_ptr<record::RequestRecord>>& out, int timeout_ms);
  /// Wake a waiting consumer (shutdown).
  void notify();
  /// Records the consumer is done with, reset (RequestRecord::reset keeps their buffers'
  /// capacity), for the workers to fill again: a record and its strings allocated by an I/O
  /// thread and freed by the pipeline's cost both threads malloc's slow paths every request.
  /// `rs` is left empty; beyond kMaxSpare kept, and records whose buffers grew past
  /// kMaxSpareBytes (RequestRecord::buffer_bytes: long streams, traced chunks), the rest are
  /// freed.
  void give_back(std::vector<std::unique_ptr<record::RequestRecord>>& rs);
  /// Moves up to `n` spare records into `out`.
  void take_spare(std::vector<std::unique_ptr<record::RequestRecord>>& out, size_t n);
  static constexpr size_t kMaxSpare = 4096;
  static constexpr size_t kMaxSpareBytes = 8 << 10;

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<record::RequestRecord>> q_;
  std::vector<std::unique_ptr<record::RequestRecord>> spare_;
  bool waiting_ = false;  // the consumer is in pop_all's wait
  bool wake_ = false;     // a wake-up is due (guards against spurious returns)
};

/// What every worker needs to send requests: immutable for the run, shared by all workers.
struct RequestPlan {
  std::vector<std::string> targets;                   // request target (path + query) per --url
  const endpoint::RequestHeaders* headers = nullptr;  // rendered once per run
  std::vector<std::string> bodies;  // rendered body per dataset conversation (turn 0)
  // Later turns of multi-turn sessions carry their own body in the Credit (record pipeline).
  std::vector<std::string> warmup_bodies;  // the same for the warmup phase (spec §11.12)
  /// Per dataset conversation: how many response messages to make room for (a streamed
  /// answer of max_tokens tokens is about that many SSE events); empty or 0: no hint.
  std::vector<uint32_t> expected_events;
  transport::ClientOptions client;  // URLs, TLS, timeout
  JobPolling jobs;                  // video_generation: poll each submitted job (video_job.h)
  bool trace_chunks = false;        // --export-http-trace: keep per-read/write stamps
  /// --endpoint-type kserve / kserve_vllm: requests go over KServe v2 gRPC (each worker's
  /// GrpcClient, on a thread of its own), not through the HTTP client.
  bool grpc = false;
  kserve::GrpcOptions grpc_options;
};

class Worker {
 public:
  Worker(uint16_t id, const RequestPlan& plan, RecordSink& sink, uint64_t id_seed);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void start();  // spawns the thread
  /// After start(): runs the thread on `cpus` only; false when the kernel refuses.
  bool pin_to(const std::vector<int>& cpus);
  /// Stops the loop and joins; in-flight requests are aborted and not reported.
  void stop();

  /// Thread-safe. Send credit `c` of `phase` at c.scheduled_ns (timerfd, absolute) or now.
  /// In concurrency mode a session that ends on this worker starts the next one (closed loop).
  void submit(schedule::PhaseState* phase, schedule::Credit c);
  /// Thread-safe. Closed loop: start `sessions` sessions now and start a new one whenever one
  /// finishes (its final turn returns), while the phase allows (concurrency mode).
  void run_closed_loop(schedule::PhaseState* phase, int64_t sessions);
  /// Thread-safe. Abort every in-flight request; their records are dropped (spec §2.9: requests
  /// cut off by the grace period or by Ctrl-C count neither as successes nor as errors).
  void abort_in_flight();

  /// Every worker of the run (indexed by id), for handing a freed prefill slot to the worker
  /// whose credit waits for it. Set before start().
  void set_peers(std::vector<Worker*> peers) { peers_ = std::move(peers); }
  /// Thread-safe. Credit `c` (submitted to this worker) got its prefill slot: send it now, or
  /// drop it (and pass the slot on) when the phase no longer sends.
  void resume_prefill(schedule::PhaseState* phase, schedule::Credit c);
  /// Thread-safe. Credit `c` (submitted to this worker, holding no prefill slot) will not be
  /// sent: the phase stopped sending while it waited.
  void drop_waiting(schedule::PhaseState* phase, schedule::Credit c);

  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }
  uint16_t id() const { return id_; }
  /// CPU time this worker's thread used (valid after stop()).
  int64_t cpu_ns() const { return cpu_ns_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  void issue_closed(schedule::PhaseState* phase);
  /// A request's end: its prefill slot (if it held one and no token came) back, the credit
  /// back to the phase, the record on to the sink.
  void complete(schedule::PhaseState* phase, const schedule::Credit& c, bool prefill,
                std::unique_ptr<record::RequestRecord> r);
  void flush_outbox();
  /// Takes a prefill slot where the phase has a limit (or waits for one), then dispatch().
  void send(schedule::PhaseState* phase, schedule::Credit c);
  void dispatch(schedule::PhaseState* phase, const schedule::Credit& c);
  /// A prefill slot comes back: the oldest waiter (on whichever worker) takes it.
  void release_prefill(schedule::PhaseState* phase);
  /// FirstEventHook: the request's first streamed message arrived (its prefill ended).
  static void on_first_event(void* self, record::RequestRecord& rec);
  /// Writes a fresh uuid4 into `out` (its buffer reused).
  void uuid4(std::string& out);
  /// An empty record: a spare one from the pipeline when there is one.
  std::unique_ptr<record::RequestRecord> new_record();

  /// What complete() needs of a request in flight. The client's Done captures only the worker
  /// and the slot, which std::function keeps without a heap allocation (a capture of the
  /// credit took one per request).
  struct InFlight {
    schedule::PhaseState* phase = nullptr;
    schedule::Credit credit;
    bool prefill = false;
  };
  InFlight* take_slot();
  /// complete() for the slot's request, then the slot back (its body and conversation let go).
  void finish_slot(InFlight* slot, std::unique_ptr<record::RequestRecord> r);

  uint16_t id_;
  const RequestPlan& plan_;
  RecordSink& sink_;
  // Before the clients: a Done they run while being destroyed still finds its slot.
  std::deque<InFlight> slots_;  // stable addresses; loop thread only
  std::vector<InFlight*> free_slots_;
  transport::EventLoop loop_;
  std::unique_ptr<transport::HttpClient> client_;
  std::unique_ptr<kserve::GrpcClient> grpc_;  // plan.grpc only
  std::thread thread_;
  std::atomic<size_t> in_flight_{0};
  /// Credits due within this of now are sent at once, later ones on the loop's timer.
  static constexpr int64_t kTimerMinLeadNs = 20'000;
  affinity::SendBoost boost_;  // raised while credits with set send times wait here
  std::atomic<int64_t> cpu_ns_{0};
  std::atomic<uint64_t> dropped_{0};
  bool aborting_ = false;       // loop thread only
  uint64_t rng_state_[2];       // uuid generation, loop thread only
  std::string header_scratch_;  // per-request header lines, loop thread only
  std::vector<std::unique_ptr<record::RequestRecord>> spare_;  // taken from the sink, loop thread
  /// Records finished during one pass of the event loop, handed to the sink together at its end.
  std::vector<std::unique_ptr<record::RequestRecord>> outbox_;
  bool outbox_urgent_ = false;
  std::vector<Worker*> peers_;
  schedule::PhaseState* phases_[2] = {nullptr, nullptr};  // by record::Phase, loop thread only
};

/// Hands prefill waiters to their workers: `resume` for those that got a slot.
void resume_prefill_waiters(schedule::PhaseState* phase, std::vector<schedule::PrefillWaiter> ws,
                            const std::vector<Worker*>& workers);
/// The phase stops sending: drops every credit still waiting for a prefill slot.
void drop_prefill_waiters(schedule::PhaseState* phase, const std::vector<Worker*>& workers);

}  // namespace aiperf::worker
