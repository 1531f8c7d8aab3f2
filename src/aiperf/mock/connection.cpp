#include "aiperf/mock/connection.h"

#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/mock/routes.h"

namespace aiperf::mock {

namespace {
HttpRequestLimits limits_of(const MockOptions& o) {
  HttpRequestLimits l;
  l.max_body_bytes = o.max_body_bytes;
  l.max_header_bytes = o.max_header_bytes;
  return l;
}
constexpr size_t kReadChunk = 64 * 1024;
}  // namespace

Connection::Connection(Worker* w, int fd, SSL* ssl)
    : worker_(w), fd_(fd), ssl_(ssl), parser_(limits_of(w->ctx->opts)) {
  static std::atomic<uint64_t> accepted{0};  // ground truth: which requests shared a connection
  number_ = ++accepted;
}

Connection::~Connection() {
  if (ssl_) SSL_free(ssl_);
}

void Connection::start() {
  ++in_callback_;
  ++worker_->open_connections;
  worker_->connections.insert(this);
  worker_->loop.add(fd_, EPOLLIN | EPOLLOUT | EPOLLRDHUP, this);
  if (ssl_) {
    handshaking_ = true;
    handshake();
  }
  if (!closed_ && !handshaking_) handle_readable(false);
  if (!closed_ && !busy_ && timer_kind_ == TimerKind::kNone) arm_wait_timer();
  --in_callback_;
  after_event();
}

void Connection::arm_wait_timer() {
  const MockOptions& o = ctx().opts;
  if (parser_.buffered() > 0 && arrival_ns_ > 0) {
    // A request has begun: it must be complete within --header-timeout-seconds of its first
    // byte, however slowly it trickles in (a slowloris client is closed).
    if (o.header_timeout_s <= 0 || timer_kind_ == TimerKind::kRequestTimeout) return;
    arm_timer(arrival_ns_ + int64_t(o.header_timeout_s * 1e9), TimerKind::kRequestTimeout);
  } else if (o.idle_timeout_s > 0) {
    arm_timer(mono_ns() + int64_t(o.idle_timeout_s * 1e9), TimerKind::kIdle);
  } else if (timer_id_) {
    worker_->loop.cancel_timer(timer_id_);
    timer_id_ = 0;
    timer_kind_ = TimerKind::kNone;
  }
}

void Connection::on_io(uint32_t events) {
  ++in_callback_;
  if (events & EPOLLERR) {
    close_now(false);
  } else {
    if (handshaking_) handshake();
    if (!closed_ && !handshaking_) {
      if ((events & EPOLLOUT) && out_off_ < out_.size()) {
        want_write_ = false;
        if (flush() && out_.empty()) {
          if (held_.empty()) {
            if (response_ending_)
              complete_response();
            else if (gen_.active && gen_.headers_done)
              pump();
          }
        }
      }
      if (!closed_ && (ssl_ || (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))))
        handle_readable((events & (EPOLLRDHUP | EPOLLHUP)) != 0);
    }
  }
  --in_callback_;
  after_event();
}

void Connection::after_event() {
  if (in_callback_ > 0) return;
  if (!closed_ && !busy_ && parser_.buffered() > 0) {
    ++in_callback_;
    process_input();
    --in_callback_;
  }
  if (closed_ && !retired_) {
    retired_ = true;
    worker_->retire(this);  // deleted later: an event for it may still be in this epoll batch
  }
}

bool Connection::handshake() {
  ERR_clear_error();
  int r = SSL_accept(ssl_);
  if (r == 1) {
    handshaking_ = false;
    return true;
  }
  int e = SSL_get_error(ssl_, r);
  if (e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) close_now(false);
  return false;
}

ssize_t Connection::io_read(char* buf, size_t n) {
  if (ssl_) {
    ERR_clear_error();
    int r = SSL_read(ssl_, buf, int(n));
    if (r > 0) return r;
    int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -1;
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    return (e == SSL_ERROR_SYSCALL && r == 0) ? 0 : -2;
  }
  while (true) {
    ssize_t r = ::recv(fd_, buf, n, 0);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    return (errno == EAGAIN || errno == EWOULDBLOCK) ? -1 : -2;
  }
}

ssize_t Connection::io_write(const char* buf, size_t n) {
  if (ssl_) {
    ERR_clear_error();
    int r = SSL_write(ssl_, buf, int(n));
    if (r > 0) return r;
    int e = SSL_get_error(ssl_, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -1;
    return -2;
  }
  while (true) {
    ssize_t r = ::send(fd_, buf, n, MSG_NOSIGNAL);
    if (r >= 0) return r;
    if (errno == EINTR) continue;
    return (errno == EAGAIN || errno == EWOULDBLOCK) ? -1 : -2;
  }
}

bool Connection::flush() {
  while (out_off_ < out_.size()) {
    ssize_t n = io_write(out_.data() + out_off_, out_.size() - out_off_);
    if (n > 0) {
      out_off_ += size_t(n);
      continue;
    }
    if (n == -1) {
      want_write_ = true;
      return true;
    }
    close_now(false);
    return false;
  }
  out_.clear();
  out_off_ = 0;
  return true;
}

void Connection::handle_readable(bool hangup) {
  std::string& scratch = worker_->read_scratch;
  if (scratch.size() < kReadChunk) scratch.resize(kReadChunk);
  const size_t cap_total = ctx().opts.max_body_bytes + ctx().opts.max_header_bytes + (1u << 20);
  while (!closed_) {
    ssize_t n = io_read(scratch.data(), kReadChunk);
    if (n > 0) {
      if (parser_.buffered() == 0 && arrival_ns_ == 0) arrival_ns_ = mono_ns();
      parser_.append(scratch.data(), size_t(n));
      if (parser_.buffered() > cap_total) {
        close_now(false);
        return;
      }
      // Drained; the next edge reports more (unless the peer hung up: read on to the EOF).
      if (!ssl_ && !hangup && size_t(n) < kReadChunk) return;
      continue;
    }
    if (n == -1) return;
    if (n == 0 && !busy_ && parser_.buffered() > 0) {
      // Half-close after a request: answer what was sent, then close.
      peer_eof_ = true;
      return;
    }
    // EOF or error while answering (or idle): the client is gone.
    if (busy_ && recording_ && rec_.outcome == "ok") rec_.outcome = "client_closed";
    close_now(false);
    return;
  }
}

void Connection::close_now(bool reset) {
  if (closed_) return;
  closed_ = true;
  if (timer_id_) {
    worker_->loop.cancel_timer(timer_id_);
    timer_id_ = 0;
  }
  int64_t now = mono_ns();
  if (busy_ && is_inference_) {
    ctx().inflight.fetch_sub(1, std::memory_order_relaxed);
    ctx().metrics.num_requests_running.fetch_sub(1, std::memory_order_relaxed);
    // 499: the connection ended before the response did (nginx's "client closed request").
    ctx().metrics.on_request_end(gen_.api, 499, now - arrival_ns_, gen_.isl, gen_.emitted, false,
                                 gen_.first_token_ns ? now - gen_.first_token_ns : -1);
    is_inference_ = false;
  }
  if (busy_ && recording_) {
    if (rec_.outcome == "ok") rec_.outcome = "connection_closed";
    rec_.status = status_;
    rec_.completion_ns = now;
    if (ctx().recorder) ctx().recorder->write(rec_);
    recording_ = false;
  }
  worker_->loop.remove(fd_);
  if (reset) {
    linger lg{1, 0};  // RST instead of FIN
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
  }
  ::close(fd_);
  --worker_->open_connections;
  worker_->connections.erase(this);
}

void Connection::abandon() {
  if (busy_ && recording_ && rec_.outcome == "ok") rec_.outcome = "server_stopped";
  close_now(false);
}

void Connection::arm_timer(int64_t deadline_ns, TimerKind kind) {
  if (timer_id_) worker_->loop.cancel_timer(timer_id_);
  timer_kind_ = kind;
  timer_id_ = worker_->loop.add_timer(deadline_ns, [this] {
    timer_id_ = 0;
    ++in_callback_;
    on_timer();
    --in_callback_;
    after_event();
  });
}

void Connection::on_timer() {
  if (closed_) return;
  TimerKind kind = timer_kind_;
  timer_kind_ = TimerKind::kNone;
  switch (kind) {
    case TimerKind::kPump:
      if (out_.empty()) pump();
      break;
    case TimerKind::kSlowHeaders:
      release_held_headers();
      break;
    case TimerKind::kDelayedResponse:
      if (gen_.active) {
        finish_non_stream();
      } else {
        // Embeddings, rankings: the whole answer is the one "token" of the ground truth.
        if (recording_) rec_.first_token_ns = rec_.last_token_ns = mono_ns();
        std::string body = std::move(delayed_body_);
        respond(delayed_status_, delayed_type_, body);
      }
      break;
    case TimerKind::kIdle:
      if (!busy_) close_now(false);
      break;
    case TimerKind::kRequestTimeout:
      if (!busy_) {
        busy_ = true;
        close_after_ = true;
        force_close_ = true;
        respond_error(408, "the request was not received in time (--header-timeout-seconds)",
                      "invalid_request_error");
      }
      break;
    case TimerKind::kNone:
      break;
  }
}

void Connection::process_input() {
  while (!closed_ && !busy_) {
    auto st = parser_.parse();
    switch (st) {
      case HttpRequestParser::Status::kNeedMore:
        if (peer_eof_) {
          close_now(false);  // the rest of the request will never come
        } else if (parser_.buffered() > 0) {
          arm_wait_timer();  // a partial request: the request timeout runs
        }
        return;
      case HttpRequestParser::Status::kHeadersDone:
        out_ += "HTTP/1.1 100 Continue\r\n\r\n";
        if (!flush()) return;
        continue;
      case HttpRequestParser::Status::kError: {
        busy_ = true;
        close_after_ = true;
        force_close_ = true;
        int status = parser_.error_status();
        respond_error(status, parser_.error_reason(), "invalid_request_error");
        return;
      }
      case HttpRequestParser::Status::kComplete:
        busy_ = true;
        dispatch();
        break;
    }
  }
}

void Connection::dispatch() {
  if (timer_kind_ == TimerKind::kIdle || timer_kind_ == TimerKind::kRequestTimeout) {
    worker_->loop.cancel_timer(timer_id_);  // answering now
    timer_id_ = 0;
    timer_kind_ = TimerKind::kNone;
  }
  const HttpRequest& req = parser_.request();
  status_ = 0;
  is_inference_ = false;
  recording_ = false;
  response_ending_ = false;
  gen_ = Generation{};
  force_close_ = false;
  inference_endpoint_ = false;
  close_after_ = !req.keep_alive || ctx().opts.close_after_response || peer_eof_;
  if (arrival_ns_ == 0) arrival_ns_ = mono_ns();
  route_request(*this);
}

void Connection::begin_record(std::string_view endpoint) {
  inference_endpoint_ = true;
  if (!ctx().recorder) return;
  const HttpRequest& req = parser_.request();
  rec_ = RequestRecord{};
  recording_ = true;
  rec_.endpoint.assign(endpoint);
  rec_.method = req.method;
  rec_.connection = number_;
  rec_.arrival_ns = arrival_ns_;
  rec_.request_complete_ns = mono_ns();
  static constexpr std::string_view kInteresting[] = {"x-request-id", "x-correlation-id",
                                                      "x-session-id", "x-conversation-id",
                                                      "traceparent",  "user-agent"};
  for (std::string_view h : kInteresting) {
    std::string_view v = req.header(h);
    if (!v.empty()) rec_.headers.emplace_back(std::string(h), std::string(v));
  }
}

bool Connection::response_keep_alive() const {
  // --close-after-response still advertises keep-alive: that is the fault being simulated.
  return parser_.request().keep_alive && !force_close_;
}

void Connection::write_head(int status, std::string_view content_type, int64_t content_length,
                            std::string_view extra_headers, std::string_view body) {
  status_ = status;
  std::string head;
  head.reserve(256 + extra_headers.size());
  fmt::format_to(std::back_inserter(head), "HTTP/1.{} {} {}\r\n",
                 parser_.request().version_minor == 0 ? 0 : 1, status, status_reason(status));
  size_t status_line_end = head.size();
  head += "Server: aiperf-mock-server\r\nContent-Type: ";
  head += content_type;
  head += "\r\n";
  if (content_length >= 0) {
    fmt::format_to(std::back_inserter(head), "Content-Length: {}\r\n", content_length);
  } else if (gen_.chunked) {
    head += "Transfer-Encoding: chunked\r\n";
  }
  head += response_keep_alive() ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  head += extra_headers;
  head += "\r\n";
  double slow_ms = ctx().opts.slow_headers_ms;
  if (slow_ms > 0 && inference_endpoint_) {
    // --slow-headers-ms: the status line now, the rest of the head (and body) later.
    out_.append(head, 0, status_line_end);
    held_.assign(head, status_line_end, std::string::npos);
    held_.append(body);
    gen_.headers_done = false;
    flush();
    if (!closed_) arm_timer(mono_ns() + int64_t(slow_ms * 1e6), TimerKind::kSlowHeaders);
    return;
  }
  out_ += head;
  out_ += body;
  if (recording_) rec_.headers_sent_ns = mono_ns();
}

void Connection::release_held_headers() {
  out_ += held_;
  held_.clear();
  gen_.headers_done = true;
  if (recording_) rec_.headers_sent_ns = mono_ns();
  if (!flush() || !out_.empty()) return;
  if (response_ending_)
    complete_response();
  else if (gen_.active)
    pump();
}

void Connection::respond(int status, std::string_view content_type, std::string_view body,
                         std::string_view extra_headers) {
  write_head(status, content_type, int64_t(body.size()), extra_headers, body);
  end_response();
}

void Connection::respond_error(int status, std::string_view message, std::string_view type) {
  if (recording_ && rec_.outcome == "ok") rec_.outcome = "error";
  respond(status, "application/json", error_body(status, message, type));
}

void Connection::respond_at(int64_t deadline_ns, int status, std::string content_type,
                            std::string body) {
  delayed_status_ = status;
  delayed_type_ = std::move(content_type);
  delayed_body_ = std::move(body);
  arm_timer(deadline_ns, TimerKind::kDelayedResponse);
}

void Connection::end_response() {
  response_ending_ = true;
  if (!held_.empty() || closed_) return;  // the slow-headers timer continues
  if (!flush() || !out_.empty()) return;  // EPOLLOUT continues
  complete_response();
}

void Connection::complete_response() {
  response_ending_ = false;
  int64_t now = mono_ns();
  ServerContext& c = ctx();
  if (is_inference_) {
    c.inflight.fetch_sub(1, std::memory_order_relaxed);
    c.metrics.num_requests_running.fetch_sub(1, std::memory_order_relaxed);
    const Generation& g = gen_;
    c.metrics.on_request_end(g.api, status_, now - arrival_ns_, g.isl, g.emitted, g.st.length_stop,
                             g.first_token_ns ? now - g.first_token_ns : -1);
    is_inference_ = false;
  }
  if (recording_) {
    rec_.status = status_;
    rec_.completion_ns = now;
    if (c.recorder) c.recorder->write(rec_);
    recording_ = false;
  }
  gen_.active = false;
  busy_ = false;
  if (close_after_) {
    close_now(false);
    return;
  }
  parser_.consume();
  arrival_ns_ = parser_.buffered() > 0 ? now : 0;
  arm_wait_timer();  // keep-alive: idle until the next request (after_event parses a queued one)
}

}  // namespace aiperf::mock
