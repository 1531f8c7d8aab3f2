#include "aiperf/transport/http_client.h"

#include <algorithm>

#include <netdb.h>
#include <unistd.h>

#include <charconv>
#include <climits>
#include <csignal>
#include <cstdio>
#include <stdexcept>

#include "aiperf/common/clock.h"
#include "aiperf/transport/http_client_impl.h"

namespace aiperf::transport {

using record::ErrorKind;
using record::RequestRecord;

namespace {

/// Clears everything a previous use left in the response part of the record.
void clear_response(RequestRecord& r) {
  r.start_ns = r.sent_ns = r.ack_ns = r.end_ns = r.start_wall_ns = 0;
  r.http_status = 0;
  r.sse = false;
  r.connection_reused = false;
  r.data.clear();
  r.events.clear();
  r.bytes_sent = r.bytes_received = 0;
  r.error = ErrorKind::kNone;
  r.error_message.clear();
  r.first_data_ns = r.cancel_ns = 0;
  r.trace.clear();
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// setup

namespace {

/// Every address of `host` (numeric hosts included) for `port`, in getaddrinfo's order.
std::string lookup(const std::string& host, int port, int flags, std::vector<SockAddr>* out) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = flags;
  addrinfo* res = nullptr;
  const std::string p = std::to_string(port);
  int rc = getaddrinfo(host.c_str(), p.c_str(), &hints, &res);
  if (rc != 0 || !res) return "cannot resolve host '" + host + "': " + gai_strerror(rc);
  for (const addrinfo* a = res; a; a = a->ai_next) {
    SockAddr sa;
    std::memcpy(&sa.ss, a->ai_addr, a->ai_addrlen);
    sa.len = socklen_t(a->ai_addrlen);
    out->push_back(sa);
  }
  freeaddrinfo(res);
  return {};
}

/// Fills u.addrs; returns the resolution error ("" when it resolved).
std::string resolve(UrlPool& u,
                    const std::function<std::vector<std::string>(const std::string&)>& resolver) {
  if (resolver) {
    for (const std::string& a : resolver(u.url.host)) {
      std::string err = lookup(a, u.url.port, AI_NUMERICHOST, &u.addrs);
      if (!err.empty()) return err;
    }
    return u.addrs.empty() ? "cannot resolve host '" + u.url.host + "': no address" : "";
  }
  std::string err = lookup(u.url.host, u.url.port, 0, &u.addrs);
  // IPv4 addresses first, as AIPerf does; the others after them, in the resolver's order.
  std::stable_partition(u.addrs.begin(), u.addrs.end(),
                        [](const SockAddr& a) { return a.ss.ss_family == AF_INET; });
  return err;
}

}  // namespace

HttpClient::Impl::Impl(EventLoop& l, ClientOptions o) : loop(l), opt(std::move(o)) {
  std::signal(SIGPIPE, SIG_IGN);
  sources = SourceAddrs(opt.source_ips, opt.source_start);
  bool any_tls = false;
  urls.resize(opt.urls.size());
  for (size_t i = 0; i < opt.urls.size(); ++i) {
    UrlPool& u = urls[i];
    u.url = opt.urls[i];
    u.host_header = u.url.host_header();
    any_tls |= u.url.tls();
    u.resolve_error = resolve(u, opt.resolve);
  }
  if (any_tls) {
    ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) throw std::runtime_error("TLS: cannot create context: " + ssl_error_text());
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                              SSL_MODE_RELEASE_BUFFERS);
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
    static const unsigned char kAlpn[] = "\x08http/1.1";
    SSL_CTX_set_alpn_protos(ctx, kAlpn, sizeof kAlpn - 1);
    if (opt.insecure) {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    } else {
      SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
      SSL_CTX_set_default_verify_paths(ctx);
      if (!opt.ca_file.empty() &&
          SSL_CTX_load_verify_locations(ctx, opt.ca_file.c_str(), nullptr) != 1)
        throw std::runtime_error("TLS: cannot load CA file '" + opt.ca_file +
                                 "': " + ssl_error_text());
    }
  }
}

HttpClient::Impl::~Impl() {
  if (deferred_timer) loop.cancel_timer(deferred_timer);
  if (timeout_armed) loop.cancel_timer(timeout_timer);
  for (auto& c : conns)
    if (c->fd >= 0) {
      loop.remove(c->fd);
      if (c->ssl) SSL_free(c->ssl);
      ::close(c->fd);
    }
  if (ctx) SSL_CTX_free(ctx);
}

// ---------------------------------------------------------------------------------------------
// requests

PendingRequest* HttpClient::Impl::alloc_request() {
  if (free_reqs.empty()) {
    reqs.push_back(std::make_unique<PendingRequest>());
    return reqs.back().get();
  }
  PendingRequest* r = free_reqs.back();
  free_reqs.pop_back();
  return r;
}

void HttpClient::Impl::recycle(PendingRequest* r) {
  r->rec.reset();
  r->done = nullptr;
  r->conn = nullptr;
  r->req = HttpRequest{};
  (hold_recycling ? held : free_reqs).push_back(r);
}

void HttpClient::Impl::link(PendingRequest* r) {
  r->prev = tail;
  r->next = nullptr;
  (tail ? tail->next : head) = r;
  tail = r;
  r->linked = true;
}

void HttpClient::Impl::unlink(PendingRequest* r) {
  if (!r->linked) return;
  (r->prev ? r->prev->next : head) = r->next;
  (r->next ? r->next->prev : tail) = r->prev;
  r->prev = r->next = nullptr;
  r->linked = false;
}

void HttpClient::Impl::arm_timeout() {
  if (timeout_armed || !head || head->deadline_ns == INT64_MAX) return;
  timeout_armed = true;
  timeout_timer = loop.add_timer(head->deadline_ns, [this] { on_timeout(); });
}

void HttpClient::Impl::on_timeout() {
  timeout_armed = false;
  int64_t now = mono_ns();
  // Deadlines are in send order (one timeout for all), so the due requests are at the head.
  while (head && head->deadline_ns <= now) {
    char msg[96];
    snprintf(msg, sizeof msg, "request timed out after %.3f s",
             double(opt.request_timeout_ns) / 1e9);
    fail(head, ErrorKind::kTimeout, msg);
  }
  arm_timeout();
}

void HttpClient::Impl::arm_cancel(PendingRequest* r) {
  if (r->req.cancel_after_ns < 0 || r->cancel_timer) return;
  const int64_t delay = r->req.cancel_after_ns;
  const uint64_t seq = r->seq;
  r->cancel_timer = loop.add_timer(mono_ns() + delay, [this, r, seq, delay] {
    if (r->seq != seq || !r->linked) return;  // finished (and maybe reused) meanwhile
    r->cancel_timer = 0;
    char msg[96];
    snprintf(msg, sizeof msg, "Request cancelled %.3fs after being sent", double(delay) / 1e9);
    r->rec->cancel_ns = mono_ns();
    fail(r, ErrorKind::kRequestCancelled, msg);  // closes the connection: never pooled
  });
}

void HttpClient::Impl::disarm_cancel(PendingRequest* r) {
  if (!r->cancel_timer) return;
  loop.cancel_timer(r->cancel_timer);
  r->cancel_timer = 0;
}

void HttpClient::Impl::complete(PendingRequest* r) {
  disarm_cancel(r);
  unlink(r);
  if (r->conn) detach(r->conn);
  if (!in_send) {
    run_done(r);
    return;
  }
  deferred.push_back(r);
  if (!deferred_timer)
    deferred_timer = loop.add_timer(0, [this] {
      deferred_timer = 0;
      std::vector<PendingRequest*> batch;
      batch.swap(deferred);
      for (PendingRequest* d : batch) run_done(d);
    });
}

void HttpClient::Impl::run_done(PendingRequest* r) {
  HttpClient::Done done = std::move(r->done);
  std::unique_ptr<RequestRecord> rec = std::move(r->rec);
  // Until the record pipeline gets to it, a finished record only needs its bytes: drop the
  // growth slack (up to half of each buffer), which matters when thousands finish together.
  if (rec->data.capacity() > rec->data.size() + 256) rec->data.shrink_to_fit();
  if (rec->events.capacity() > rec->events.size() + 8) rec->events.shrink_to_fit();
  recycle(r);
  --in_flight;
  if (done) done(std::move(rec));
}

void HttpClient::Impl::fail(PendingRequest* r, ErrorKind kind, std::string msg) {
  if (r->conn) close_conn(r->conn);
  RequestRecord& rec = *r->rec;
  rec.error = kind;
  rec.error_message = std::move(msg);
  rec.end_ns = mono_ns();
  complete(r);
}

bool HttpClient::Impl::stale_connection_failure(PendingRequest* r) const {
  return r->on_pooled && !r->resent && r->conn && r->conn->parser.nothing_received();
}

void HttpClient::Impl::resend(PendingRequest* r) {
  disarm_cancel(r);  // re-armed when the new attempt is written
  close_conn(r->conn);
  r->resent = true;
  ++stats.resends;
  RequestRecord& rec = *r->rec;
  int64_t start = rec.start_ns, start_wall = rec.start_wall_ns;
  clear_response(rec);
  rec.start_ns = start;
  rec.start_wall_ns = start_wall;
  start_attempt(r, /*allow_pool=*/false);
}

void HttpClient::Impl::start_attempt(PendingRequest* r, bool allow_pool) {
  RequestRecord& rec = *r->rec;
  ClientConn* c = allow_pool ? pop_idle(r->req) : nullptr;
  if (c) {
    ++stats.reuses;
    r->on_pooled = true;
    rec.connection_reused = true;
    c->req = r;
    c->state = ConnState::kActive;
    r->conn = c;
    if (!rec.start_ns) {
      rec.start_ns = mono_ns();
      rec.start_wall_ns = process_anchor().to_wall(rec.start_ns);
      begin_request(c, rec.start_ns);  // a pooled connection is ready as the request starts
    } else {
      begin_request(c, mono_ns());  // a retry on another connection
    }
    return;
  }
  r->on_pooled = false;
  r->addr_tries = 0;
  rec.connection_reused = false;
  if (!rec.start_ns) {
    rec.start_ns = mono_ns();
    rec.start_wall_ns = process_anchor().to_wall(rec.start_ns);
  }
  open_conn(r);
}

// ---------------------------------------------------------------------------------------------
// public

HttpClient::HttpClient(EventLoop& loop, ClientOptions options)
    : impl_(std::make_unique<Impl>(loop, std::move(options))) {}

HttpClient::~HttpClient() = default;

void HttpClient::send(const HttpRequest& req, std::unique_ptr<RequestRecord> rec, Done done) {
  Impl& I = *impl_;
  PendingRequest* r = I.alloc_request();
  r->req = req;
  r->rec = std::move(rec);
  r->done = std::move(done);
  r->resent = false;
  r->on_pooled = false;
  r->conn = nullptr;
  r->seq = ++I.next_seq;
  r->cancel_timer = 0;
  RequestRecord& R = *r->rec;
  clear_response(R);
  R.cancel_after_ns = req.cancel_after_ns;
  // Small first reservations: at 10k concurrent streams every touched page counts, and the
  // buffers double as events arrive (a pooled record keeps its capacity).
  if (R.data.capacity() == 0) R.data.reserve(256);
  R.events.reserve(std::max<size_t>(req.expected_events, 4));
  ++I.in_flight;
  I.in_send = true;
  if (I.opt.request_timeout_ns > 0) {
    const int64_t now = req.handed_ns > 0 ? req.handed_ns : mono_ns();
    r->deadline_ns = now + I.opt.request_timeout_ns;
  } else {
    r->deadline_ns = INT64_MAX;
  }
  I.link(r);
  if (req.url_index >= I.urls.size()) {
    I.fail(r, ErrorKind::kConnect, "no URL with index " + std::to_string(req.url_index));
    I.in_send = false;
    return;
  }
  // PendingRequest line and headers, rendered into the request's reused buffer.
  std::string& h = r->head;
  h.clear();
  // One allocation: the head is freed once the answer begins (ClientConn::on_head), and
  // growing it append by append took four (~0.5k instructions a request).
  const std::string_view host = I.urls[req.url_index].host_header;
  h.reserve(req.method.size() + req.target.size() + host.size() + req.header_lines.size() +
            (req.body.size() <= kInlineBodyBytes ? req.body.size() : 0) + 96);
  h.append(req.method).append(" ").append(req.target.empty() ? "/" : req.target);
  h.append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
  h.append(req.header_lines);
  r->req.header_lines = {};  // only valid during this call
  if (!req.body.empty() || (req.method != "GET" && req.method != "HEAD")) {
    char num[24];
    auto res = std::to_chars(num, num + sizeof num, req.body.size());
    h.append("Content-Length: ").append(num, res.ptr).append("\r\n");
  }
  h.append("Connection: keep-alive\r\n\r\n");
  // A small body rides in the head's buffer: one send(2) of one buffer costs the kernel less
  // than a sendmsg(2) of two (the message header and vector copied in: ~0.2 us a request here).
  // Up to 1 KiB: the copy stays cheaper than that, and the head, kept until the answer begins,
  // adds at most that much to each request in flight (10,000 streams: 10 MB). Larger bodies go
  // as their own iovec.
  if (req.body.size() <= kInlineBodyBytes) {
    h.append(req.body);
    r->req.body = {};
  }
  I.arm_timeout();
  I.start_attempt(r, /*allow_pool=*/true);
  I.in_send = false;
}

size_t HttpClient::in_flight() const {
  return impl_->in_flight;
}

void HttpClient::abort_all(record::ErrorKind why) {
  Impl& I = *impl_;
  std::vector<PendingRequest*> victims;
  for (PendingRequest* r = I.head; r; r = r->next) victims.push_back(r);
  I.hold_recycling = true;  // a Done that sends again must not get a victim's object
  for (PendingRequest* r : victims)
    if (r->linked) I.fail(r, why, "request aborted by the client");
  I.hold_recycling = false;
  for (PendingRequest* r : I.held) I.free_reqs.push_back(r);
  I.held.clear();
}

void HttpClient::close_idle() {
  for (auto& u : impl_->urls)
    while (!u.idle.empty()) impl_->close_conn(u.idle.back());
  while (!impl_->session_idle.empty()) impl_->close_conn(impl_->session_idle.begin()->second);
}

const HttpClient::Stats& HttpClient::stats() const {
  return impl_->stats;
}

size_t HttpClient::idle_connections() const {
  size_t n = impl_->session_idle.size();
  for (auto& u : impl_->urls) n += u.idle.size();
  return n;
}

}  // namespace aiperf::transport
