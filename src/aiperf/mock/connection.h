// One accepted client connection, owned by its Worker's loop thread. Reads and parses requests
// (keep-alive, pipelined one at a time), routes them, and writes responses; a streaming response
// is a small state machine driven by one timer at a time (absolute deadlines). A connection that
// closed hands itself to Worker::retire() at the end of that event or timer callback.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/mock/generation_plan.h"
#include "aiperf/mock/http_request_parser.h"
#include "aiperf/mock/request_body.h"
#include "aiperf/mock/request_recorder.h"
#include "aiperf/mock/response_format.h"
#include "aiperf/mock/server_context.h"
#include "aiperf/mock/stream_formats.h"
#include "aiperf/transport/event_loop.h"

typedef struct ssl_st SSL;

namespace aiperf::mock {

class Connection final : public transport::IoHandler {
 public:
  Connection(Worker* w, int fd, SSL* ssl);
  ~Connection() override;
  /// Register with the loop (and start the TLS handshake). May close (and retire) at once.
  void start();
  void on_io(uint32_t events) override;
  /// Server shutdown: close without deleting (the Worker deletes). In-flight requests are
  /// recorded with outcome "server_stopped".
  void abandon();

  // ---- handler API (routes.cpp, inference.cpp); loop thread only ----
  ServerContext& ctx() { return *worker_->ctx; }
  HttpRequest& request() { return parser_.request(); }
  /// Answer now with a complete body. `extra_headers` lines end with "\r\n".
  void respond(int status, std::string_view content_type, std::string_view body,
               std::string_view extra_headers = {});
  void respond_error(int status, std::string_view message, std::string_view type);
  /// Answer at monotonic `deadline_ns` (embeddings latency).
  void respond_at(int64_t deadline_ns, int status, std::string content_type, std::string body);
  /// Chat / completions: plan, then stream or answer at the end (inference.cpp).
  void start_inference(ApiKind kind, InferenceRequest& req);
  /// Record of the current request (null when it is not recorded).
  RequestRecord* record() { return recording_ ? &rec_ : nullptr; }
  /// Mark the request as an inference endpoint's and start its ground-truth record.
  void begin_record(std::string_view endpoint);

 private:
  enum class TimerKind { kNone, kPump, kSlowHeaders, kDelayedResponse, kIdle, kRequestTimeout };

  uint64_t number_ = 0;  // accept order, 1-based (the record's "connection")

  struct Generation {
    bool active = false;
    bool stream = false;
    bool chunked = true;  // HTTP/1.1 chunked framing of the SSE body
    bool include_usage = false;
    bool continuous_usage = false;  // running usage in every chunk (vLLM continuous_usage_stats)
    bool headers_done = true;
    StreamState st;        // wire format, identity, usage, total and reasoning token counts
    int64_t next = 0;      // next token index
    int64_t start_ns = 0;  // deadline base (shifted by a stall)
    Latency lat;
    int64_t reset_at = -1;
    int64_t stall_at = -1;
    int64_t stall_ns = 0;
    bool stalled = false;
    int64_t malformed_at = -1;
    int64_t error_event_at = -1;  // --fault-error-event-*
    int64_t truncate_at = -1;     // --fault-truncate-*
    uint64_t word_offset = 0;
    int64_t prev_token_ns = 0;
    // For the Prometheus counters (server_metrics.h).
    int api = 0;          // ApiKind
    int64_t isl = 0;      // prompt tokens
    int64_t emitted = 0;  // tokens written so far
    int64_t first_token_ns = 0;
  };

  // I/O
  void handle_readable(bool hangup);
  ssize_t io_read(char* buf, size_t n);         // >0 bytes, 0 EOF, -1 would block, -2 error
  ssize_t io_write(const char* buf, size_t n);  // >0 bytes, -1 would block, -2 error
  bool flush();                                 // false if the connection closed
  void close_now(bool reset);
  void after_event();  // common tail of on_io / timers: continue work, maybe retire
  void arm_timer(int64_t deadline_ns, TimerKind kind);
  /// No request in progress: the idle timeout, or the request timeout of a partial request.
  void arm_wait_timer();
  void on_timer();
  bool handshake();

  // request cycle
  void process_input();
  void dispatch();
  void write_head(int status, std::string_view content_type, int64_t content_length,
                  std::string_view extra_headers, std::string_view body);
  void end_response();
  void complete_response();
  bool response_keep_alive() const;

  // generation (inference.cpp)
  void pump();
  void emit_group(int64_t end, bool reset_after);
  /// --fault-error-event-* / --fault-truncate-*: the stream ends here (inference.cpp).
  void emit_error_event_and_end();
  void emit_truncated_chunk();
  void append_final_events(std::string* sse);
  void finish_non_stream();
  /// The answer's text: tokens [from, to) joined (reasoning tokens are the first ones).
  std::string answer_text(int64_t from, int64_t to) const;
  void release_held_headers();

  Worker* worker_;
  int fd_;
  SSL* ssl_;
  bool handshaking_ = false;
  bool closed_ = false;
  bool busy_ = false;             // a request is being answered
  bool response_ending_ = false;  // all response bytes queued; completes when flushed
  bool close_after_ = false;      // close once the current response is flushed
  bool want_write_ = false;
  bool retired_ = false;      // handed to Worker::retire (closed; deleted two loop wake-ups later)
  bool peer_eof_ = false;     // the client half-closed after sending a request
  bool force_close_ = false;  // answer "Connection: close" (parse errors, HTTP/1.0 streams)
  bool inference_endpoint_ = false;  // faults such as --slow-headers-ms apply
  int in_callback_ = 0;
  HttpRequestParser parser_;
  int64_t arrival_ns_ = 0;  // first byte of the current request
  std::string out_;
  size_t out_off_ = 0;
  std::string held_;  // bytes held back by --slow-headers-ms
  transport::EventLoop::TimerId timer_id_ = 0;
  TimerKind timer_kind_ = TimerKind::kNone;
  // delayed response (respond_at)
  int delayed_status_ = 0;
  std::string delayed_type_;
  std::string delayed_body_;
  int status_ = 0;
  bool is_inference_ = false;
  bool recording_ = false;
  RequestRecord rec_;
  Generation gen_;
  std::string sse_;  // scratch for one write's SSE events
};

}  // namespace aiperf::mock
