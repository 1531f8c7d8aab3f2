// State shared by every worker of one MockServer (read-mostly; counters are atomics) and the
// per-thread Worker that owns an event loop and a SO_REUSEPORT listening socket.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "aiperf/mock/dcgm_faker.h"
#include "aiperf/mock/generation_plan.h"
#include "aiperf/mock/mock_server.h"
#include "aiperf/mock/request_recorder.h"
#include "aiperf/mock/response_format.h"
#include "aiperf/mock/server_metrics.h"
#include "aiperf/mock/token_text.h"
#include "aiperf/mock/video_jobs.h"
#include "aiperf/transport/event_loop.h"

typedef struct ssl_ctx_st SSL_CTX;

namespace aiperf::mock {

struct ServerContext {
  explicit ServerContext(const MockOptions& o);
  ~ServerContext();

  const MockOptions opts;
  std::unique_ptr<TokenText> text;
  ServerMetrics metrics;
  MetricsFamily metrics_family = MetricsFamily::kAiperf;  // what /metrics serves
  std::vector<std::unique_ptr<DcgmFaker>> dcgm;           // /dcgm1/metrics, /dcgm2/metrics
  std::unique_ptr<RequestRecorder> recorder;              // null unless --record-requests
  SSL_CTX* ssl_ctx = nullptr;                             // null unless TLS
  SseFramer framer;
  LatencyParams latency;
  int64_t start_mono_ns = 0;
  int64_t start_wall_ns = 0;
  std::atomic<uint64_t> inference_seq{0};  // 1-based number of the last inference request
  std::atomic<int64_t> inflight{0};        // inference requests between arrival and completion
  std::string models_body;                 // /v1/models response (built once)
  VideoJobs videos;                        // /v1/videos jobs

  /// Deterministic fault choice for request `seq` (1-based); `salt` separates fault kinds.
  bool selected(const FaultSelector& s, uint64_t seq, uint64_t salt) const;
  bool models_ready(int64_t now_ns) const;
  bool inference_ready(int64_t now_ns) const;
};

class Connection;

/// One event-loop thread. Owns its listening socket (SO_REUSEPORT) and its connections.
class Worker final : public transport::IoHandler {
 public:
  Worker(ServerContext* ctx, int listen_fd);
  ~Worker() override;
  void on_io(uint32_t events) override;  // accept
  void start_thread();
  void stop_and_join();
  /// A closed connection hands itself over for deletion. The delete happens two wake-ups later:
  /// an event for it may still wait in the loop's current epoll batch (epoll reports a batch at
  /// once), and a posted function can run inside that same batch, but the one it posts cannot.
  void retire(Connection* c);

  ServerContext* ctx;
  transport::EventLoop loop;
  std::string read_scratch;  // shared read buffer of this thread's connections
  int64_t open_connections = 0;
  std::unordered_set<Connection*> connections;  // open ones, for shutdown

 private:
  void reap();

  int listen_fd_;
  std::thread thread_;
  std::vector<Connection*> graveyard_;  // closed in this batch
  std::vector<Connection*> limbo_;      // closed in an earlier batch, deleted by the next reap
  bool reap_posted_ = false;
};

}  // namespace aiperf::mock
