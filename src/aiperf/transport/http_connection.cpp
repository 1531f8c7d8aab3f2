// Connections of the HTTP client: connect, TLS handshake, writing the request, reading and
// framing the response, the keep-alive pool. Loop thread only.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/x509v3.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "aiperf/common/clock.h"
#include "aiperf/transport/http_client_impl.h"

namespace aiperf::transport {

using record::ErrorKind;
using record::RequestRecord;

void ClientConn::on_io(uint32_t events) {
  cl->on_io(this, events);
}

void ClientConn::on_head(const ResponseHead& h) {
  RequestRecord& rec = *req->rec;
  rec.ack_ns = read_ts;
  rec.http_status = h.status;
  bool ok = h.status >= 200 && h.status < 300;
  rec.sse = ok && h.event_stream;
  mode = !ok ? BodyMode::kErrorBody : rec.sse ? BodyMode::kSse : BodyMode::kPlain;
  if (mode == BodyMode::kSse) framer.reset();
  // A request whose answer has begun is never re-sent: its rendered head is not needed any
  // more. Freeing it keeps thousands of long streams small (a few hundred bytes each).
  if (write_done) std::string().swap(req->head);
}

void ClientConn::on_body(const char* p, size_t n) {
  RequestRecord& rec = *req->rec;
  if (read_ts != body_read_ts) {  // the first body bytes of this read
    body_read_ts = read_ts;
    if (rec.trace.body_reads++ == 0) rec.trace.first_byte_ns = read_ts;
    if (req->req.trace_chunks) rec.trace.reads.emplace_back(read_ts, 0);
  }
  if (req->req.trace_chunks) rec.trace.reads.back().second += uint32_t(n);
  switch (mode) {
    case BodyMode::kSse: {
      const size_t before = rec.events.size();
      framer.feed(p, n, read_ts, rec);
      if (req->req.first_event.fn && rec.first_data_ns == 0 && rec.events.size() > before)
        cl->check_first_event(this, before);
      break;
    }
    case BodyMode::kPlain:
      rec.data.append(p, n);
      break;
    case BodyMode::kErrorBody: {
      size_t cap = cl->opt.max_error_body;
      if (rec.error_message.size() < cap)
        rec.error_message.append(p, std::min(n, cap - rec.error_message.size()));
      break;
    }
  }
}

void HttpClient::Impl::check_first_event(ClientConn* c, size_t first_new_event) {
  RequestRecord& rec = *c->req->rec;
  for (size_t i = first_new_event; i < rec.events.size(); ++i) {
    const record::ResponseEvent& ev = rec.events[i];
    if (ev.is_error_event) continue;
    bool data = ev.shared > 0 || ev.shared_suffix > 0;  // coded against a longer message
    if (!data) {
      std::string_view v(rec.data.data() + ev.offset, ev.len);
      while (!v.empty() && (v.front() == ' ' || v.front() == '\t' || v.front() == '\n'))
        v.remove_prefix(1);
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t' || v.back() == '\n'))
        v.remove_suffix(1);
      data = !v.empty() && v != "[DONE]";
    }
    if (data) {
      rec.first_data_ns = ev.ts_ns;
      c->req->req.first_event.fn(c->req->req.first_event.ctx, rec);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// connections

ClientConn* HttpClient::Impl::alloc_conn() {
  if (free_conns.empty()) {
    conns.push_back(std::make_unique<ClientConn>());
    conns.back()->cl = this;
    return conns.back().get();
  }
  ClientConn* c = free_conns.back();
  free_conns.pop_back();
  return c;
}

ClientConn* HttpClient::Impl::pop_idle(const HttpRequest& req) {
  if (opt.reuse == ReusePolicy::kNever) return nullptr;
  if (opt.reuse == ReusePolicy::kPerSession) {
    auto it = session_idle.find(req.session_key);
    if (it == session_idle.end()) return nullptr;
    ClientConn* c = it->second;
    session_idle.erase(it);
    c->per_session = false;
    if (c->url == req.url_index) return c;
    close_conn(c);  // a session keeps its URL; a mismatch is not ours to reuse
    return nullptr;
  }
  auto& idle = urls[req.url_index].idle;
  if (idle.empty()) return nullptr;
  ClientConn* c =
      idle.back();  // most recently used: least likely to have been closed by the server
  idle.pop_back();
  return c;
}

void HttpClient::Impl::make_idle(ClientConn* c, const PendingRequest& r) {
  switch (opt.reuse) {
    case ReusePolicy::kNever:
      ++stats.closes_after_response;
      close_conn(c);
      return;
    case ReusePolicy::kPerSession: {
      // AIPerf releases a session's connection after its final turn or a failed request.
      if (r.req.session_final || r.rec->error != ErrorKind::kNone) {
        ++stats.closes_after_response;
        close_conn(c);
        return;
      }
      auto [it, fresh] = session_idle.emplace(r.req.session_key, c);
      if (!fresh) {  // cannot happen with sequential turns; keep the newer one
        ClientConn* old = it->second;
        session_idle.erase(it);
        old->per_session = false;
        old->state = ConnState::kActive;  // not idle any more: close it plainly
        close_conn(old);
        session_idle.emplace(r.req.session_key, c);
      }
      c->state = ConnState::kIdle;
      c->per_session = true;
      c->session_key = r.req.session_key;
      return;
    }
    case ReusePolicy::kPooled:
      break;
  }
  auto& idle = urls[c->url].idle;
  if (idle.size() >= opt.max_idle_per_url) {
    close_conn(c);
    return;
  }
  c->state = ConnState::kIdle;
  c->idle_pos = idle.size();
  idle.push_back(c);
}

void HttpClient::Impl::remove_idle(ClientConn* c) {
  if (c->per_session) {
    session_idle.erase(c->session_key);
    c->per_session = false;
    return;
  }
  auto& idle = urls[c->url].idle;
  ClientConn* last = idle.back();
  idle[c->idle_pos] = last;
  last->idle_pos = c->idle_pos;
  idle.pop_back();
}

void HttpClient::Impl::detach(ClientConn* c) {
  if (c->req) c->req->conn = nullptr;
  c->req = nullptr;
}

void HttpClient::Impl::close_conn(ClientConn* c) {
  if (c->state == ConnState::kFree) return;
  if (c->state == ConnState::kIdle) remove_idle(c);
  detach(c);
  loop.remove(c->fd);
  if (c->ssl) {
    SSL_free(c->ssl);
    c->ssl = nullptr;
  }
  ::close(c->fd);
  c->fd = -1;
  c->state = ConnState::kFree;
  free_conns.push_back(c);
}

bool HttpClient::Impl::open_conn(PendingRequest* r) {
  const UrlPool& u = urls[r->req.url_index];
  if (!u.resolve_error.empty()) {
    fail(r, ErrorKind::kConnect, u.resolve_error);
    return false;
  }
  const uint16_t ai = uint16_t((u.preferred + r->addr_tries) % u.addrs.size());
  const SockAddr& addr = u.addrs[ai];
  int fd = ::socket(addr.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    fail(r, ErrorKind::kConnect, "socket: " + errno_text(errno));
    return false;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  // Kernel arrival stamps for the reads (do_read); TLS reads go through OpenSSL's read(2).
  const bool rx_stamps = opt.rx_timestamps && !u.url.tls() &&
                         setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) == 0;
  if (!sources.empty()) {
    std::string err;
    if (!sources.bind_next(fd, addr.ss.ss_family, &err)) {
      ::close(fd);
      fail(r, ErrorKind::kConnect, err);
      return false;
    }
  }
  ++stats.connects;
  r->rec->trace.connect_start_ns = mono_ns();
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr.ss), addr.len);
  if (rc < 0 && errno != EINPROGRESS) {
    int e = errno;
    ::close(fd);
    connect_failed(r, e);
    return false;
  }
  ClientConn* c = alloc_conn();
  c->fd = fd;
  c->rx_stamps = rx_stamps;
  c->addr = ai;
  c->url = r->req.url_index;
  c->req = r;
  r->conn = c;
  c->state = ConnState::kConnecting;
  loop.add(fd, kConnEvents, c);
  if (rc == 0) on_connected(c);
  return true;
}

void HttpClient::Impl::connect_failed(PendingRequest* r, int err) {
  UrlPool& u = urls[r->req.url_index];
  if (size_t(r->addr_tries) + 1 < u.addrs.size()) {
    ++r->addr_tries;  // the host has another address: try it (refused on one family, ...)
    open_conn(r);
    return;
  }
  std::string msg = "connect to " + u.url.host_header() + " failed: " + errno_text(err);
  if (u.addrs.size() > 1) msg += " (" + std::to_string(u.addrs.size()) + " addresses tried)";
  fail(r, ErrorKind::kConnect, std::move(msg));
}

void HttpClient::Impl::on_connected(ClientConn* c) {
  UrlPool& pool = urls[c->url];
  pool.preferred = c->addr;  // this address works: new connections try it first
  c->req->addr_tries = 0;
  const Url& url = pool.url;
  record::HttpTrace& tr = c->req->rec->trace;
  tr.connect_end_ns = mono_ns();
  if (!url.tls()) {
    c->state = ConnState::kActive;
    begin_request(c, mono_ns());
    return;
  }
  c->ssl = SSL_new(ctx);
  if (!c->ssl) {
    fail(c->req, ErrorKind::kConnect, "TLS: " + ssl_error_text());
    return;
  }
  SSL_set_fd(c->ssl, c->fd);
  SSL_set_connect_state(c->ssl);
  in6_addr a6;
  in_addr a4;
  bool ip = inet_pton(AF_INET, url.host.c_str(), &a4) == 1 ||
            inet_pton(AF_INET6, url.host.c_str(), &a6) == 1;
  if (!ip) SSL_set_tlsext_host_name(c->ssl, url.host.c_str());
  if (!opt.insecure) {
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c->ssl), url.host.c_str());
    } else {
      SSL_set1_host(c->ssl, url.host.c_str());
    }
  }
  c->state = ConnState::kHandshake;
  tr.tls_start_ns = mono_ns();
  do_handshake(c);
}

void HttpClient::Impl::do_handshake(ClientConn* c) {
  ERR_clear_error();
  int rc = SSL_do_handshake(c->ssl);
  if (rc == 1) {
    ++stats.tls_handshakes;
    c->req->rec->trace.tls_end_ns = mono_ns();
    c->state = ConnState::kActive;
    begin_request(c, mono_ns());
    return;
  }
  int e = SSL_get_error(c->ssl, rc);
  if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return;
  long v = SSL_get_verify_result(c->ssl);
  std::string msg = v != X509_V_OK ? std::string("TLS certificate verification failed: ") +
                                         X509_verify_cert_error_string(v)
                                   : "TLS handshake failed: " + ssl_error_text();
  fail(c->req, ErrorKind::kConnect, std::move(msg));
}

void HttpClient::Impl::begin_request(ClientConn* c, int64_t now) {
  c->parser.reset();
  c->mode = BodyMode::kPlain;
  c->write_done = false;
  c->body_read_ts = 0;
  c->req->wpos = 0;
  c->req->rec->trace.send_start_ns = now;
  // The response is read when the socket reports it (edge-triggered; registered already).
  do_write(c);
}

void HttpClient::Impl::do_write(ClientConn* c) {
  PendingRequest* r = c->req;
  const std::string& h = r->head;
  std::string_view body = r->req.body;
  size_t total = h.size() + body.size();
  while (r->wpos < total) {
    ssize_t n;
    int err = 0;
    if (c->ssl) {
      const char* p = r->wpos < h.size() ? h.data() + r->wpos : body.data() + (r->wpos - h.size());
      size_t len = r->wpos < h.size() ? h.size() - r->wpos : total - r->wpos;
      ERR_clear_error();
      int rc = SSL_write(c->ssl, p, int(std::min<size_t>(len, INT_MAX)));
      if (rc > 0) {
        n = rc;
      } else {
        int e = SSL_get_error(c->ssl, rc);
        if (e == SSL_ERROR_WANT_WRITE || e == SSL_ERROR_WANT_READ) return;
        n = -1;
        err = e == SSL_ERROR_SYSCALL && errno ? errno : EPIPE;
      }
    } else if (body.empty()) {
      n = ::send(c->fd, h.data() + r->wpos, h.size() - r->wpos, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        err = errno;
      }
    } else {
      iovec iov[2];
      int cnt = 0;
      if (r->wpos < h.size()) {
        iov[cnt++] = {const_cast<char*>(h.data() + r->wpos), h.size() - r->wpos};
        if (!body.empty()) iov[cnt++] = {const_cast<char*>(body.data()), body.size()};
      } else {
        size_t off = r->wpos - h.size();
        iov[cnt++] = {const_cast<char*>(body.data() + off), body.size() - off};
      }
      msghdr msg{};
      msg.msg_iov = iov;
      msg.msg_iovlen = size_t(cnt);
      n = ::sendmsg(c->fd, &msg, MSG_NOSIGNAL);
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        err = errno;
      }
    }
    if (n < 0) {
      if (stale_connection_failure(r)) {
        resend(r);
      } else {
        fail(r, ErrorKind::kWrite, "write failed: " + errno_text(err));
      }
      return;
    }
    r->wpos += size_t(n);
    r->rec->bytes_sent += uint64_t(n);
    ++r->rec->trace.write_calls;
    if (r->req.trace_chunks) r->rec->trace.writes.emplace_back(mono_ns(), uint32_t(n));
  }
  if (!c->write_done) {
    c->write_done = true;
    r->rec->sent_ns = mono_ns();
    if (r->req.cancel_after_ns >= 0) arm_cancel(r);  // spec §3.10: from the fully written body
  }
}

ssize_t HttpClient::Impl::conn_read(ClientConn* c, char* buf, size_t cap, std::string* err,
                                    int64_t* rx_real) {
  if (c->ssl) {
    ERR_clear_error();
    errno = 0;  // SSL_ERROR_SYSCALL with errno 0 means EOF
    int rc = SSL_read(c->ssl, buf, int(cap));
    if (rc > 0) return rc;
    int e = SSL_get_error(c->ssl, rc);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return -1;
    if (e == SSL_ERROR_ZERO_RETURN) return 0;
    if (e == SSL_ERROR_SYSCALL) {
      if (errno == 0) return 0;
      *err = errno_text(errno);
      return -2;
    }
    *err = "TLS: " + ssl_error_text();
    return -2;
  }
  if (!rx_real) {
    while (true) {
      ssize_t n = ::read(c->fd, buf, cap);
      if (n >= 0) return n;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
      *err = errno_text(errno);
      return -2;
    }
  }
  iovec iov{buf, cap};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(timespec))];
  while (true) {
    msghdr m{};
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = ctl;
    m.msg_controllen = sizeof ctl;
    ssize_t n = ::recvmsg(c->fd, &m, 0);
    if (n >= 0) {
      for (cmsghdr* h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
        if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_TIMESTAMPNS) continue;
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(h), sizeof ts);
        *rx_real = int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
      }
      return n;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return -1;
    *err = errno_text(errno);
    return -2;
  }
}

void HttpClient::Impl::idle_check(ClientConn* c) {
  // An idle kept-alive connection has nothing to say; readable means closed (EOF, RST) or
  // garbage. TLS post-handshake messages (session tickets) are consumed by SSL_read.
  std::string err;
  ssize_t n = conn_read(c, rbuf.get(), kReadBufBytes, &err);
  if (n != -1) close_conn(c);
}

void HttpClient::Impl::on_io(ClientConn* c, uint32_t events) {
  switch (c->state) {
    case ConnState::kFree:
      return;
    case ConnState::kIdle:
      idle_check(c);
      return;
    case ConnState::kConnecting: {
      int err = 0;
      socklen_t len = sizeof err;
      getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err != 0) {
        PendingRequest* r = c->req;
        close_conn(c);
        connect_failed(r, err);
        return;
      }
      sockaddr_storage peer;
      socklen_t plen = sizeof peer;
      if (getpeername(c->fd, reinterpret_cast<sockaddr*>(&peer), &plen) != 0) return;  // not yet
      on_connected(c);
      return;
    }
    case ConnState::kHandshake:
      do_handshake(c);
      return;
    case ConnState::kActive: {
      PendingRequest* r = c->req;
      if (!c->write_done) {
        do_write(c);
        if (c->req != r || c->state != ConnState::kActive) return;
      }
      do_read(c, events);
      return;
    }
  }
}

void HttpClient::Impl::do_read(ClientConn* c, uint32_t events) {
  PendingRequest* r = c->req;
  RequestRecord& rec = *r->rec;
  char* buf = rbuf.get();
  while (true) {
    std::string err;
    int64_t rx_real = 0;
    ssize_t n = conn_read(c, buf, kReadBufBytes, &err, c->rx_stamps ? &rx_real : nullptr);
    if (n == -1) return;
    // Stamped with the kernel's arrival time where it tells (plain TCP): what the server's bytes
    // took to arrive, not how soon this thread was woken to read them.
    int64_t ts = mono_ns();
    // Never before this request's send returned: a sooner answer is timed from there.
    if (rx_real)
      ts = arrival_mono_ns(ts, wall_ns(), rx_real,
                           std::max({c->read_ts, rec.trace.send_start_ns, rec.sent_ns}));
    if (n > 0) {
      rec.bytes_received += uint64_t(n);
      c->read_ts = ts;
      size_t used = 0;
      auto st = c->parser.feed(buf, size_t(n), *c, &used);
      if (st == HttpResponseParser::Status::kDone) {
        finish_response(c, ts, used < size_t(n), events);
        return;
      }
      if (st == HttpResponseParser::Status::kError) {
        fail(r, ErrorKind::kProtocol, std::string("malformed response: ") + c->parser.error());
        return;
      }
      // Edge-triggered: a short plain read drained the socket, and anything arriving later
      // (data or FIN) raises a new edge, so skip the read that would only say EAGAIN — unless
      // this wake-up already reported a hang-up that must be read to the end.
      if (!c->ssl && size_t(n) < kReadBufBytes && !(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        return;
      continue;
    }
    if (stale_connection_failure(r)) {
      resend(r);
      return;
    }
    if (n == 0) {
      c->read_ts = ts;
      if (c->parser.finish_eof(*c) == HttpResponseParser::Status::kDone) {
        finish_response(c, ts, true, events);
      } else {
        fail(r, ErrorKind::kRead, c->parser.error());
      }
      return;
    }
    // "read failed: " starts every socket-error message (record/processor.h maps it).
    fail(r, ErrorKind::kRead,
         "read failed: " + err +
             (c->parser.nothing_received() ? " (before any response byte)" : " (mid-response)"));
    return;
  }
}

void HttpClient::Impl::finish_response(ClientConn* c, int64_t ts, bool must_close,
                                       uint32_t events) {
  PendingRequest* r = c->req;
  RequestRecord& rec = *r->rec;
  switch (c->mode) {
    case BodyMode::kSse: {
      const size_t before = rec.events.size();
      c->framer.finish(ts, rec);
      if (r->req.first_event.fn && rec.first_data_ns == 0 && rec.events.size() > before)
        check_first_event(c, before);
      if (c->framer.saw_error_event()) {
        rec.error = ErrorKind::kSseError;
        rec.error_message = c->framer.error_comment();
        if (rec.error_message.empty())
          for (auto& e : rec.events)
            if (e.is_error_event) {
              rec.error_message.assign(rec.data, e.offset, e.len);
              break;
            }
        if (rec.error_message.empty()) rec.error_message = "SSE event: error";
      }
      break;
    }
    case BodyMode::kPlain:
      rec.events.push_back(record::ResponseEvent{ts, 0, uint32_t(rec.data.size()), false});
      break;
    case BodyMode::kErrorBody:
      rec.error = ErrorKind::kStatus;
      if (rec.error_message.empty()) {
        rec.error_message = "HTTP " + std::to_string(rec.http_status);
        if (!c->parser.head().reason.empty()) {
          rec.error_message += ' ';
          rec.error_message += c->parser.head().reason;
        }
      }
      break;
  }
  rec.end_ns = ts;
  bool keep = !must_close && c->write_done && c->parser.head().keep_alive &&
              !(events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) &&
              !(c->ssl && SSL_pending(c->ssl) > 0);
  detach(c);
  if (keep) {
    make_idle(c, *r);
  } else {
    close_conn(c);
  }
  complete(r);
}

}  // namespace aiperf::transport
