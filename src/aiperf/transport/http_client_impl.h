// Private to the HTTP client (http_client.cpp, http_connection.cpp): the objects behind
// HttpClient. Not a public header; OpenSSL types may appear here.
//
// Lifetimes: ClientConn and PendingRequest objects are pooled and recycled, never freed before
// the client, so a stale epoll event for a closed descriptor, or a pointer held by a frame that
// is unwinding, always meets a valid object whose state says "free" or "someone else's".
#pragma once
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "aiperf/transport/http_client.h"
#include "aiperf/transport/http_response_parser.h"
#include "aiperf/transport/source_addrs.h"
#include "aiperf/transport/sse_framer.h"

namespace aiperf::transport {

constexpr size_t kReadBufBytes = 64 * 1024;  // one per client, shared by its connections
constexpr uint32_t kConnEvents = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
/// Bodies up to this size are copied behind the request head and sent with it in one send(2)
/// (http_client.cpp: why, and why no larger).
constexpr size_t kInlineBodyBytes = 1024;

inline std::string errno_text(int e) {
  return std::strerror(e);
}

/// The oldest queued OpenSSL error as text (queue popped).
inline std::string ssl_error_text() {
  unsigned long e = ERR_get_error();
  if (!e) return "connection closed during TLS handshake";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

struct PendingRequest;

enum class ConnState : uint8_t { kFree, kConnecting, kHandshake, kIdle, kActive };
enum class BodyMode : uint8_t { kPlain, kSse, kErrorBody };

/// One TCP (+TLS) connection. Objects are recycled, never deleted before the client, so a
/// stale epoll event for a closed descriptor only meets a state that ignores it.
struct ClientConn final : IoHandler, HttpResponseParser::Sink {
  HttpClient::Impl* cl = nullptr;
  int fd = -1;
  SSL* ssl = nullptr;
  uint16_t url = 0;
  uint16_t addr = 0;  // index into UrlPool::addrs
  ConnState state = ConnState::kFree;
  PendingRequest* req = nullptr;
  size_t idle_pos = 0;
  uint64_t session_key = 0;  // idle per-session connection (ReusePolicy::kPerSession)
  bool per_session = false;  // idle in Impl::session_idle rather than UrlPool::idle
  bool write_done = false;
  bool rx_stamps = false;  // SO_TIMESTAMPNS is on: reads are stamped with the kernel's arrival
  BodyMode mode = BodyMode::kPlain;
  int64_t read_ts = 0;       // stamp of the read being parsed
  int64_t body_read_ts = 0;  // stamp of the last read counted in trace.body_reads
  HttpResponseParser parser;
  SseFramer framer;

  void on_io(uint32_t events) override;
  void on_head(const ResponseHead& h) override;
  void on_body(const char* p, size_t n) override;
};

struct PendingRequest {
  HttpRequest req;
  std::unique_ptr<record::RequestRecord> rec;
  HttpClient::Done done;
  std::string head;  // rendered request line and headers (and a body up to kInlineBodyBytes)
  int64_t deadline_ns = INT64_MAX;
  PendingRequest* prev = nullptr;  // in-flight list, in deadline order
  PendingRequest* next = nullptr;
  bool linked = false;
  ClientConn* conn = nullptr;
  size_t wpos = 0;         // bytes of head + body written in this attempt
  bool on_pooled = false;  // this attempt runs on a kept-alive connection
  bool resent = false;
  uint64_t seq = 0;  // which use of this recycled object (stale timers compare it)
  EventLoop::TimerId cancel_timer = 0;  // armed --request-cancellation timer, 0 = none
  uint8_t addr_tries = 0;               // addresses of the URL this attempt has tried to connect to
};

struct SockAddr {
  sockaddr_storage ss{};
  socklen_t len = 0;
};

struct UrlPool {
  Url url;
  std::string host_header;
  std::vector<SockAddr> addrs;  // in the order to try
  size_t preferred = 0;         // the address that last connected: tried first
  std::string resolve_error;    // non-empty: the host did not resolve
  std::vector<ClientConn*> idle;
};

struct HttpClient::Impl {
  EventLoop& loop;
  ClientOptions opt;
  std::vector<UrlPool> urls;
  SourceAddrs sources;  // --source-ip
  SSL_CTX* ctx = nullptr;
  std::unique_ptr<char[]> rbuf{new char[kReadBufBytes]};
  Stats stats;

  /// ReusePolicy::kPerSession: the idle connection of each session between its requests.
  std::unordered_map<uint64_t, ClientConn*> session_idle;

  std::vector<std::unique_ptr<ClientConn>> conns;
  std::vector<ClientConn*> free_conns;
  std::vector<std::unique_ptr<PendingRequest>> reqs;
  std::vector<PendingRequest*> free_reqs;
  PendingRequest* head = nullptr;  // in-flight list
  PendingRequest* tail = nullptr;
  size_t in_flight = 0;  // started and Done not yet run (includes `deferred`)
  uint64_t next_seq = 0;

  bool in_send = false;
  bool hold_recycling = false;
  std::vector<PendingRequest*> held;
  std::vector<PendingRequest*> deferred;  // completed inside send(); Done runs from a timer
  EventLoop::TimerId deferred_timer = 0;
  EventLoop::TimerId timeout_timer = 0;
  bool timeout_armed = false;

  Impl(EventLoop& l, ClientOptions o);
  ~Impl();

  // request lifecycle
  PendingRequest* alloc_request();
  void recycle(PendingRequest* r);
  void link(PendingRequest* r);
  void unlink(PendingRequest* r);
  void start_attempt(PendingRequest* r, bool allow_pool);
  void complete(PendingRequest* r);
  void run_done(PendingRequest* r);
  void fail(PendingRequest* r, record::ErrorKind kind, std::string msg);
  void resend(PendingRequest* r);
  void arm_timeout();
  void on_timeout();
  void arm_cancel(PendingRequest* r);
  void disarm_cancel(PendingRequest* r);
  void check_first_event(ClientConn* c, size_t first_new_event);

  // connections
  ClientConn* alloc_conn();
  ClientConn* pop_idle(const HttpRequest& req);
  /// After a complete response that allows keep-alive: park `c` per the reuse policy (or close).
  void make_idle(ClientConn* c, const PendingRequest& r);
  void remove_idle(ClientConn* c);
  void close_conn(ClientConn* c);
  void detach(ClientConn* c);
  bool open_conn(PendingRequest* r);
  /// A connect to one address failed: try the URL's next address, else fail the request.
  void connect_failed(PendingRequest* r, int err);
  void on_connected(ClientConn* c);
  void do_handshake(ClientConn* c);
  /// The request goes out on `c`, ready at `now` (trace.send_start_ns).
  void begin_request(ClientConn* c, int64_t now);
  void on_io(ClientConn* c, uint32_t events);
  void do_write(ClientConn* c);
  void do_read(ClientConn* c, uint32_t events);
  void idle_check(ClientConn* c);
  void finish_response(ClientConn* c, int64_t ts, bool must_close, uint32_t events);
  /// read(2) or SSL_read: >0 bytes, 0 EOF, -1 would block, -2 error (errno_out set). With
  /// `rx_real` (plain TCP with SO_TIMESTAMPNS on), recvmsg(2) instead, and *rx_real set to the
  /// kernel's arrival time of the last segment read (CLOCK_REALTIME ns; left alone if none).
  ssize_t conn_read(ClientConn* c, char* buf, size_t cap, std::string* err,
                    int64_t* rx_real = nullptr);
  bool stale_connection_failure(PendingRequest* r) const;
};

}  // namespace aiperf::transport
