// Test helper: a small HTTP/1.1 server on 127.0.0.1 that answers GETs from a table of canned
// responses (status, content type, gzip, chunked, delay, close), keeps connections alive, and
// counts requests and connections. One thread per connection.
#pragma once
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aiperf::telemetry::test {

inline std::string gzip_bytes(const std::string& in) {
  z_stream zs{};
  deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, uLong(in.size())) + 32, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = uInt(in.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = uInt(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

class MetricsServer {
 public:
  struct Response {
    int status = 200;
    std::string content_type = "text/plain; version=0.0.4; charset=utf-8";
    std::string body;
    bool gzip = false;
    bool chunked = false;
    int delay_ms = 0;
    bool close = false;  // Connection: close after the answer
  };

  MetricsServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 64);
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~MetricsServer() {
    stop_ = true;
    accept_thread_.join();
    {
      std::lock_guard l(mu_);
      for (int c : conns_) {
        if (c >= 0) ::shutdown(c, SHUT_RDWR);
      }
    }
    for (auto& t : threads_) t.join();
    ::close(fd_);
  }
  int port() const { return port_; }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  void set(const std::string& path, Response r) {
    std::lock_guard l(mu_);
    routes_[path] = std::move(r);
  }
  int requests(const std::string& path) {
    std::lock_guard l(mu_);
    return counts_[path];
  }
  int connections() const { return connections_; }
  std::string last_request() {
    std::lock_guard l(mu_);
    return last_request_;
  }

 private:
  void accept_loop() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      ++connections_;
      std::lock_guard l(mu_);
      conns_.push_back(c);
      threads_.emplace_back([this, c] { serve(c); });
    }
  }
  void drop(int c) {
    {
      std::lock_guard l(mu_);
      for (int& x : conns_) {
        if (x == c) x = -1;
      }
    }
    ::close(c);
  }
  void serve(int c) {
    std::string buf;
    char tmp[8192];
    for (;;) {
      size_t end;
      while ((end = buf.find("\r\n\r\n")) == std::string::npos) {
        ssize_t n = ::read(c, tmp, sizeof tmp);
        if (n <= 0) {
          drop(c);
          return;
        }
        buf.append(tmp, size_t(n));
      }
      std::string req = buf.substr(0, end);
      buf.erase(0, end + 4);
      size_t sp1 = req.find(' '), sp2 = req.find(' ', sp1 + 1);
      std::string path = req.substr(sp1 + 1, sp2 - sp1 - 1);
      Response r;
      bool found;
      {
        std::lock_guard l(mu_);
        counts_[path]++;
        last_request_ = req;
        auto it = routes_.find(path);
        found = it != routes_.end();
        if (found) r = it->second;
      }
      if (!found) {
        r.status = 404;
        r.body = "not found\n";
      }
      if (r.delay_ms) std::this_thread::sleep_for(std::chrono::milliseconds(r.delay_ms));
      std::string body = r.gzip ? gzip_bytes(r.body) : r.body;
      std::string head =
          "HTTP/1.1 " + std::to_string(r.status) + " X\r\nContent-Type: " + r.content_type + "\r\n";
      if (r.gzip) head += "Content-Encoding: gzip\r\n";
      if (r.close) head += "Connection: close\r\n";
      std::string out;
      if (r.chunked) {
        head += "Transfer-Encoding: chunked\r\n\r\n";
        out = head;
        for (size_t off = 0; off < body.size(); off += 1000) {
          size_t n = std::min<size_t>(1000, body.size() - off);
          char hex[32];
          std::snprintf(hex, sizeof hex, "%zx\r\n", n);
          out += hex;
          out += body.substr(off, n);
          out += "\r\n";
        }
        out += "0\r\n\r\n";
      } else {
        out = head + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
      }
      size_t off = 0;
      while (off < out.size()) {
        ssize_t n = ::send(c, out.data() + off, out.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;
        off += size_t(n);
      }
      if (r.close) {
        ::shutdown(c, SHUT_WR);
        drop(c);
        return;
      }
    }
  }

  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread accept_thread_;
  std::mutex mu_;
  std::vector<int> conns_;
  std::vector<std::thread> threads_;
  std::map<std::string, Response> routes_;
  std::map<std::string, int> counts_;
  std::string last_request_;
};

}  // namespace aiperf::telemetry::test
