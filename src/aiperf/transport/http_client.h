// HTTP/1.1 client on one EventLoop (DESIGN §3): keep-alive connection pool per base URL,
// non-blocking connect, TLS (OpenSSL 3) on the same loop, chunked and SSE framing, an absolute
// per-request deadline, typed errors. Each finished request is handed back as its
// RequestRecord, holding bytes and timestamps only.
//
// Threading: an HttpClient belongs to the thread that runs its EventLoop. Every member is
// called on that thread; completion callbacks run on it too.
//
// Timestamps (CLOCK_MONOTONIC ns) written to the record:
//   start_ns / start_wall_ns  before connect() when the request needs a new connection (AIPerf
//                             counts connect and TLS time in the request), else immediately
//                             before the first write on the reused connection;
//   trace.connect_*/tls_*     a fresh connection's TCP connect and TLS handshake;
//   trace.send_start_ns       the connection is ready and the first request byte is written;
//   sent_ns                   the last request byte was handed to the kernel (or to TLS);
//   trace.first_byte_ns       the read that delivered the first response body byte;
//   ack_ns                    the read that completed the response status line and headers;
//   events[i].ts_ns           the read that completed SSE event i (non-SSE: the body end);
//   end_ns                    the read that completed the body, or the moment of failure.
// "The read" is stamped, on plain TCP with ClientOptions::rx_timestamps, with the kernel's arrival
// time of the last segment it returned (SO_TIMESTAMPNS), never before sent_ns; otherwise (TLS,
// or the option off) with the moment the read returned.
// When a kept-alive connection turns out closed by the server before any response byte arrived
// (EOF/RST on read, or a failed write), the request is re-sent once on a fresh connection; its
// start_ns stays the original one and connection_reused becomes false.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/record/request_record.h"
#include "aiperf/transport/event_loop.h"
#include "aiperf/transport/url.h"

namespace aiperf::transport {

/// How connections are reused (AIPerf's --connection-reuse-strategy, spec §5.1).
enum class ReusePolicy : uint8_t {
  kPooled,      // one keep-alive pool per URL, shared by every request
  kNever,       // a fresh connection per request, closed when its response is done
  kPerSession,  // one connection per HttpRequest::session_key, kept between the session's
                // requests and closed after its final one (or after an error)
};

struct ClientOptions {
  std::vector<Url> urls;  // indexed by HttpRequest::url_index
  ReusePolicy reuse = ReusePolicy::kPooled;
  bool insecure = false;  // skip TLS certificate and host verification
  /// Stamp response bytes on plain TCP with the kernel's arrival time (SO_TIMESTAMPNS) rather
  /// than when the loop thread read them (AIPERF_HTTP_RX_TIMESTAMPS).
  bool rx_timestamps = true;
  int64_t request_timeout_ns = 21600'000'000'000;  // per request, from send(); <= 0: none
  size_t max_idle_per_url = 65536;                 // idle keep-alive connections kept per URL
  std::string ca_file;                             // extra PEM CA bundle ("" = system store only)
  /// Cap on a captured error body (non-2xx) in bytes.
  size_t max_error_body = 64 * 1024;
  /// --source-ip: local addresses (IP literals) new connections bind to, round robin starting
  /// at `source_start` (source_addrs.h); empty: the kernel chooses.
  std::vector<std::string> source_ips;
  size_t source_start = 0;
  /// The numeric addresses a host name stands for, in the order to try (tests: a name with
  /// several addresses); unset: getaddrinfo, IPv4 addresses first, as AIPerf.
  std::function<std::vector<std::string>(const std::string& host)> resolve;
};

/// Called once per request, on the loop thread, when the first SSE message carrying data (not
/// `[DONE]`, not `event: error`) has been framed; RequestRecord::first_data_ns is set by then.
/// The end of prefill for --prefill-concurrency (spec §3.2). It must not call back into the
/// client (post to the loop instead).
struct FirstEventHook {
  void (*fn)(void* ctx, record::RequestRecord& rec) = nullptr;
  void* ctx = nullptr;
};

struct HttpRequest {
  uint16_t url_index = 0;
  std::string_view method = "POST";
  std::string_view target;  // request target: path and query (see request_target())
  /// Pre-rendered header lines, each "Name: value\r\n" (auth, content type, accept,
  /// X-Request-ID, ...). The client adds Host, Content-Length and Connection: keep-alive.
  std::string_view header_lines;
  std::string_view body;
  /// Capacity hint for the record's event list (e.g. max_tokens + a few for a stream); 0: a
  /// small default that grows as events arrive.
  uint32_t expected_events = 0;
  FirstEventHook first_event;  // fn null: not wanted
  /// >= 0: a simulated client disconnect (spec §3.10) this many ns after the request (head and
  /// body) is fully written: it fails with ErrorKind::kRequestCancelled, its connection closed.
  int64_t cancel_after_ns = -1;
  /// Keep (stamp, bytes) of every write and body read in RequestRecord::trace (HTTP trace export).
  bool trace_chunks = false;
  /// ReusePolicy::kPerSession: the session (conversation instance) this request belongs to,
  /// and whether it is the session's last request (its connection is then closed).
  uint64_t session_key = 0;
  bool session_final = true;
  /// When the caller took the request up (CLOCK_MONOTONIC ns, a moment before send()): the
  /// request timeout runs from there, saving a clock read; 0: from send().
  int64_t handed_ns = 0;
  // The bytes behind `target` and `body` must stay valid until the request's Done callback has
  // run; `header_lines` only during send() (it is copied into the request head).
};

class HttpClient {
 public:
  using Done = std::function<void(std::unique_ptr<record::RequestRecord>)>;

  /// Resolves every URL's host now (blocking getaddrinfo, IPv4 first) and sets up TLS when any
  /// URL is https. A host with several addresses: a connection that cannot be made to one
  /// (refused, unreachable) tries the next, and the one that worked is tried first afterwards.
  /// Throws std::runtime_error when the TLS context cannot be created. A host that does not resolve
  /// is not fatal here: its requests fail with ErrorKind::kConnect. Ignores SIGPIPE for the process
  /// (writes to a closed socket must be errors, not signals).
  HttpClient(EventLoop& loop, ClientOptions options);
  /// Closes every connection; in-flight requests are dropped without their callbacks (call
  /// abort_all() first to get them back).
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  /// Starts `req`. `rec` carries the identity fields set by the caller; its response fields
  /// and buffers are cleared (capacity kept) and filled in. `done` runs exactly once, on the
  /// loop thread, never from inside send() itself.
  void send(const HttpRequest& req, std::unique_ptr<record::RequestRecord> rec, Done done);

  /// Requests started and not yet completed.
  size_t in_flight() const;

  /// Completes every in-flight request now with error `why` (e.g. kCancelled at shutdown);
  /// their connections are closed. Idle pooled connections are kept.
  void abort_all(record::ErrorKind why);

  /// Closes idle pooled connections and idle per-session connections (all URLs).
  void close_idle();

  /// Counters for tests and self-watch.
  struct Stats {
    uint64_t connects = 0;               // TCP connections opened
    uint64_t reuses = 0;                 // requests sent on a pooled connection
    uint64_t resends = 0;                // requests re-sent after a stale kept-alive connection
    uint64_t tls_handshakes = 0;         // completed TLS handshakes
    uint64_t closes_after_response = 0;  // kept-alive answers closed by the reuse policy
  };
  const Stats& stats() const;
  size_t idle_connections() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiperf::transport
