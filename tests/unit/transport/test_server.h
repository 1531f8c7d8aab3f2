// A tiny blocking HTTP server for the client tests: listens on 127.0.0.1 (ephemeral port),
// runs a scripted handler per accepted connection on its own thread. Plain sockets, or TLS
// when given an SSL_CTX.
#pragma once
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace aiperf::transport::test {

/// One accepted connection, plain or TLS; blocking.
class Stream {
 public:
  Stream(int fd, SSL* ssl) : fd_(fd), ssl_(ssl) {}
  ssize_t read_some(char* buf, size_t n) {
    return ssl_ ? SSL_read(ssl_, buf, int(n)) : ::read(fd_, buf, n);
  }
  bool write_all(std::string_view s) {
    while (!s.empty()) {
      ssize_t n = ssl_ ? SSL_write(ssl_, s.data(), int(s.size()))
                       : ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      s.remove_prefix(size_t(n));
    }
    return true;
  }
  /// One complete request (head + Content-Length body), or nullopt at EOF/error.
  std::optional<std::string> read_request() {
    while (true) {
      size_t he = buf_.find("\r\n\r\n");
      if (he != std::string::npos) {
        size_t cl = 0;
        size_t p = buf_.find("Content-Length: ");
        if (p != std::string::npos && p < he) cl = std::stoul(buf_.substr(p + 16));
        if (buf_.size() >= he + 4 + cl) {
          std::string req = buf_.substr(0, he + 4 + cl);
          buf_.erase(0, he + 4 + cl);
          return req;
        }
      }
      char tmp[4096];
      ssize_t n = read_some(tmp, sizeof tmp);
      if (n <= 0) return std::nullopt;
      buf_.append(tmp, size_t(n));
    }
  }
  /// Blocks until the peer closes (or errors).
  void wait_eof() {
    char tmp[4096];
    while (read_some(tmp, sizeof tmp) > 0) {
    }
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  SSL* ssl_;
  std::string buf_;
};

class TestServer {
 public:
  /// `handler(stream, connection_number)`; connection numbers start at 0.
  using Handler = std::function<void(Stream&, int)>;

  /// Listens on 127.0.0.1, or on [::1] when `ipv6` (check listening() where IPv6 may be off).
  explicit TestServer(Handler h, SSL_CTX* tls = nullptr, bool ipv6 = false)
      : handler_(std::move(h)), tls_(tls), ipv6_(ipv6) {
    lfd_ = ::socket(ipv6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage ss{};
    socklen_t len;
    if (ipv6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      a->sin6_addr = in6addr_loopback;
      len = sizeof *a;
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      len = sizeof *a;
    }
    listening_ =
        ::bind(lfd_, reinterpret_cast<sockaddr*>(&ss), len) == 0 && ::listen(lfd_, 512) == 0;
    getsockname(lfd_, reinterpret_cast<sockaddr*>(&ss), &len);
    port_ = ntohs(ipv6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                       : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    acceptor_ = std::thread([this] { accept_loop(); });
  }
  bool listening() const { return listening_; }
  ~TestServer() {
    ::shutdown(lfd_, SHUT_RDWR);
    acceptor_.join();
    ::close(lfd_);
    std::vector<std::thread> ts;
    {
      std::lock_guard<std::mutex> lk(mu_);
      ts.swap(threads_);
    }
    for (auto& t : ts) t.join();
  }
  uint16_t port() const { return port_; }
  int connections() const { return conns_.load(); }
  std::string url(const char* scheme = "http") const {
    return std::string(scheme) + (ipv6_ ? "://[::1]:" : "://127.0.0.1:") + std::to_string(port_);
  }
  /// Every request read through note_request(), in order.
  std::vector<std::string> requests() {
    std::lock_guard<std::mutex> lk(mu_);
    return requests_;
  }
  void note_request(const std::string& r) {
    std::lock_guard<std::mutex> lk(mu_);
    requests_.push_back(r);
  }

 private:
  void accept_loop() {
    while (true) {
      int fd = ::accept4(lfd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) return;
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      int n = conns_++;
      std::lock_guard<std::mutex> lk(mu_);
      threads_.emplace_back([this, fd, n] {
        SSL* ssl = nullptr;
        if (tls_) {
          ssl = SSL_new(tls_);
          SSL_set_fd(ssl, fd);
          if (SSL_accept(ssl) != 1) {
            SSL_free(ssl);
            ::close(fd);
            return;
          }
        }
        Stream s(fd, ssl);
        handler_(s, n);
        if (ssl) {
          SSL_shutdown(ssl);
          SSL_free(ssl);
        }
        ::close(fd);
      });
    }
  }

  Handler handler_;
  SSL_CTX* tls_;
  bool ipv6_;
  bool listening_ = false;
  int lfd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> conns_{0};
  std::thread acceptor_;
  std::mutex mu_;
  std::vector<std::thread> threads_;
  std::vector<std::string> requests_;
};

inline std::string http_response(int status, std::string_view body,
                                 std::string_view content_type = "application/json",
                                 std::string_view reason = "OK") {
  return "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
         "\r\nContent-Type: " + std::string(content_type) +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

}  // namespace aiperf::transport::test
