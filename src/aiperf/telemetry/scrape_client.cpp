// Blocking GET with poll() deadlines (scrape_client.h). Sockets are non-blocking so that every
// wait is bounded; TLS goes through OpenSSL on the same socket.
#include "aiperf/telemetry/scrape_client.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>

#include "aiperf/common/clock.h"
#include "aiperf/transport/http_response_parser.h"

namespace aiperf::telemetry {

namespace {

std::string errno_text(int e) {
  return std::strerror(e);
}

std::string ssl_text() {
  unsigned long e = ERR_get_error();
  if (!e) return "TLS error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  ERR_clear_error();
  return buf;
}

/// Waits for `events` on fd until `deadline_ns` (monotonic). False on timeout.
bool wait_fd(int fd, short events, int64_t deadline_ns) {
  for (;;) {
    int64_t left_ms = (deadline_ns - mono_ns()) / 1'000'000;
    if (left_ms <= 0) return false;
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, int(std::min<int64_t>(left_ms, 1000)));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return true;  // let the following call report the error
  }
}

struct BodySink : transport::HttpResponseParser::Sink {
  ScrapeResult* r = nullptr;
  bool gzip = false;
  size_t limit = 0;
  bool too_big = false;
  void on_head(const transport::ResponseHead& h) override {
    r->status = h.status;
    r->content_type.assign(h.content_type);
    gzip = h.gzip;
  }
  void on_body(const char* d, size_t n) override {
    if (r->body.size() + n > limit) {
      too_big = true;
      return;
    }
    r->body.append(d, n);
  }
};

}  // namespace

struct ScrapeClient::Conn {
  int fd = -1;
  SSL_CTX* ctx = nullptr;
  SSL* ssl = nullptr;
  bool fresh = true;  // no request has used it yet
  ~Conn() {
    if (ssl) SSL_free(ssl);
    if (ctx) SSL_CTX_free(ctx);
    if (fd >= 0) ::close(fd);
  }
  /// Sends all of `data`; false with `err` on error or deadline.
  bool send_all(std::string_view data, int64_t deadline, std::string* err) {
    size_t off = 0;
    while (off < data.size()) {
      if (ssl) {
        int n = SSL_write(ssl, data.data() + off, int(data.size() - off));
        if (n > 0) {
          off += size_t(n);
          continue;
        }
        int e = SSL_get_error(ssl, n);
        short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (!ev) {
          *err = "TLS write failed: " + ssl_text();
          return false;
        }
        if (!wait_fd(fd, ev, deadline)) {
          *err = "timed out sending the request";
          return false;
        }
        continue;
      }
      ssize_t n = ::send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
      if (n > 0) {
        off += size_t(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        if (!wait_fd(fd, POLLOUT, deadline)) {
          *err = "timed out sending the request";
          return false;
        }
        continue;
      }
      *err = "send failed: " + errno_text(errno);
      return false;
    }
    return true;
  }
  /// Reads some bytes: >0 count, 0 peer closed, -1 error (err set), -2 timeout.
  ssize_t recv_some(char* buf, size_t cap, int64_t deadline, std::string* err) {
    for (;;) {
      if (ssl) {
        int n = SSL_read(ssl, buf, int(cap));
        if (n > 0) return n;
        int e = SSL_get_error(ssl, n);
        if (e == SSL_ERROR_ZERO_RETURN) return 0;
        short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
        if (!ev) {
          if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) return 0;
          *err = "TLS read failed: " + ssl_text();
          return -1;
        }
        if (!wait_fd(fd, ev, deadline)) return -2;
        continue;
      }
      ssize_t n = ::recv(fd, buf, cap, 0);
      if (n >= 0) return n;
      if (errno == EAGAIN || errno == EINTR) {
        if (!wait_fd(fd, POLLIN, deadline)) return -2;
        continue;
      }
      *err = "receive failed: " + errno_text(errno);
      return -1;
    }
  }
};

ScrapeClient::ScrapeClient(transport::Url url, ScrapeOptions opts) : opts_(std::move(opts)) {
  retarget(std::move(url));
}

ScrapeClient::~ScrapeClient() = default;

void ScrapeClient::retarget(transport::Url url) {
  url_ = std::move(url);
  target_ = url_.path.empty() ? "/" : url_.path;
  if (!url_.query.empty()) target_ += "?" + url_.query;
  conn_.reset();
}

void ScrapeClient::close() {
  conn_.reset();
}

bool ScrapeClient::connect_now(std::string* err, int64_t deadline) {
  conn_.reset();
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(url_.port);
  int rc = ::getaddrinfo(url_.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) {
    *err = "cannot resolve " + url_.host + ": " + gai_strerror(rc);
    return false;
  }
  std::string last = "no address";
  for (addrinfo* a = res; a; a = a->ai_next) {
    auto c = std::make_unique<Conn>();
    c->fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (c->fd < 0) {
      last = errno_text(errno);
      continue;
    }
    int one = 1;
    ::setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(c->fd, a->ai_addr, a->ai_addrlen) != 0 && errno != EINPROGRESS) {
      last = errno_text(errno);
      continue;
    }
    if (!wait_fd(c->fd, POLLOUT, deadline)) {
      last = "connect timed out";
      continue;
    }
    int so = 0;
    socklen_t len = sizeof so;
    ::getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &so, &len);
    if (so != 0) {
      last = errno_text(so);
      continue;
    }
    conn_ = std::move(c);
    break;
  }
  ::freeaddrinfo(res);
  if (!conn_) {
    *err = "cannot connect to " + url_.host + ":" + port + ": " + last;
    return false;
  }
  return !url_.tls() || tls_handshake(err, deadline);
}

bool ScrapeClient::tls_handshake(std::string* err, int64_t deadline) {
  Conn& c = *conn_;
  c.ctx = SSL_CTX_new(TLS_client_method());
  if (!c.ctx) {
    *err = "TLS: " + ssl_text();
    return false;
  }
  if (opts_.insecure) {
    SSL_CTX_set_verify(c.ctx, SSL_VERIFY_NONE, nullptr);
  } else {
    SSL_CTX_set_verify(c.ctx, SSL_VERIFY_PEER, nullptr);
    SSL_CTX_set_default_verify_paths(c.ctx);
  }
  c.ssl = SSL_new(c.ctx);
  SSL_set_fd(c.ssl, c.fd);
  in_addr a4;
  in6_addr a6;
  bool ip = inet_pton(AF_INET, url_.host.c_str(), &a4) == 1 ||
            inet_pton(AF_INET6, url_.host.c_str(), &a6) == 1;
  if (!ip) SSL_set_tlsext_host_name(c.ssl, url_.host.c_str());
  if (!opts_.insecure) {
    if (ip) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(c.ssl), url_.host.c_str());
    } else {
      SSL_set1_host(c.ssl, url_.host.c_str());
    }
  }
  for (;;) {
    int r = SSL_connect(c.ssl);
    if (r == 1) return true;
    int e = SSL_get_error(c.ssl, r);
    short ev = e == SSL_ERROR_WANT_READ ? POLLIN : e == SSL_ERROR_WANT_WRITE ? POLLOUT : 0;
    if (!ev) {
      *err = "TLS handshake with " + url_.host + " failed: " + ssl_text() +
             (opts_.insecure ? "" : " (--insecure skips certificate checks)");
      conn_.reset();
      return false;
    }
    if (!wait_fd(c.fd, ev, deadline)) {
      *err = "TLS handshake timed out";
      conn_.reset();
      return false;
    }
  }
}

std::string ScrapeClient::request_text() const {
  std::string req;
  req.reserve(256 + target_.size());
  req += "GET ";
  req += target_;
  req += " HTTP/1.1\r\nHost: ";
  req += url_.host_header();
  req += "\r\nUser-Agent: aiperf\r\nAccept: ";
  req += opts_.accept;
  req += "\r\nAccept-Encoding: gzip\r\nConnection: keep-alive\r\n\r\n";
  return req;
}

bool ScrapeClient::exchange(ScrapeResult& r, bool* retryable) {
  *retryable = false;
  const int64_t deadline = mono_ns() + opts_.io_timeout_ms * 1'000'000;
  const std::string req = request_text();
  Conn& c = *conn_;
  const bool reused = !c.fresh;
  c.fresh = false;
  r.sent_mono_ns = mono_ns();
  if (!c.send_all(req, deadline, &r.error)) {
    *retryable = reused;
    return false;
  }
  transport::HttpResponseParser parser;
  BodySink sink;
  sink.r = &r;
  sink.limit = opts_.max_body_bytes;
  char buf[64 * 1024];
  for (;;) {
    ssize_t n = c.recv_some(buf, sizeof buf, deadline, &r.error);
    if (n == -2) {
      r.error = "timed out after " + std::to_string(opts_.io_timeout_ms) + " ms";
      return false;
    }
    if (n < 0) {
      *retryable = reused && parser.nothing_received();
      return false;
    }
    if (n == 0) {
      if (parser.nothing_received()) {
        *retryable = reused;
        r.error = "connection closed before a response";
        return false;
      }
      if (parser.finish_eof(sink) != transport::HttpResponseParser::Status::kDone) {
        r.error = "response truncated";
        return false;
      }
      conn_.reset();
      break;
    }
    if (r.first_byte_mono_ns == 0) r.first_byte_mono_ns = mono_ns();
    r.wire_bytes += size_t(n);
    auto st = parser.feed(buf, size_t(n), sink);
    if (st == transport::HttpResponseParser::Status::kError) {
      r.error = std::string("malformed HTTP response: ") + parser.error();
      conn_.reset();
      return false;
    }
    if (sink.too_big) {
      r.error = "response larger than " + std::to_string(opts_.max_body_bytes >> 20) + " MiB";
      conn_.reset();
      return false;
    }
    if (st == transport::HttpResponseParser::Status::kDone) {
      if (!parser.head().keep_alive) conn_.reset();
      break;
    }
  }
  r.done_mono_ns = mono_ns();
  if (sink.gzip) {
    std::string plain;
    if (!gunzip(r.body, &plain, opts_.max_body_bytes, &r.error)) return false;
    r.body.swap(plain);
  }
  r.ok = true;
  return true;
}

ScrapeResult ScrapeClient::get() {
  ScrapeResult r;
  for (int attempt = 0; attempt < 2; ++attempt) {
    r = ScrapeResult{};
    if (!conn_) {
      int64_t deadline = mono_ns() + opts_.connect_timeout_ms * 1'000'000;
      if (!connect_now(&r.error, deadline)) return r;
    }
    bool retry = false;
    if (exchange(r, &retry)) return r;
    conn_.reset();
    if (!retry) return r;  // a kept-alive connection the server had closed: once more
  }
  return r;
}

bool gunzip(const std::string& in, std::string* out, size_t max_bytes, std::string* err) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) {  // +32: gzip or zlib header, detected
    *err = "zlib init failed";
    return false;
  }
  out->clear();
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = uInt(in.size());
  char buf[64 * 1024];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      *err = std::string("corrupt gzip body: ") + (zs.msg ? zs.msg : "inflate failed");
      inflateEnd(&zs);
      return false;
    }
    out->append(buf, sizeof buf - zs.avail_out);
    if (out->size() > max_bytes) {
      *err = "gzip body inflates beyond " + std::to_string(max_bytes >> 20) + " MiB";
      inflateEnd(&zs);
      return false;
    }
    if (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0) {
      *err = "truncated gzip body";
      inflateEnd(&zs);
      return false;
    }
  }
  inflateEnd(&zs);
  return true;
}

}  // namespace aiperf::telemetry
