// Test helper of the dataset tests: a tiny HTTP/1.0-style server on 127.0.0.1 that serves fixed
// bodies by path (404 otherwise), one connection at a time, counting requests and recording the
// last Authorization header.
#pragma once
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>

namespace aiperf::dataset {

/// Serves fixed bodies by path on 127.0.0.1, counting requests and recording Authorization.
class PathServer {
 public:
  PathServer() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 16);
    thread_ = std::thread([this] { serve(); });
  }
  ~PathServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int requests() const { return requests_; }
  void set(const std::string& path, std::string body) {
    std::lock_guard<std::mutex> l(mu_);
    files_[path] = std::move(body);
  }
  std::string last_auth() {
    std::lock_guard<std::mutex> l(mu_);
    return auth_;
  }

 private:
  void serve() {
    for (;;) {
      int c = accept(fd_, nullptr, nullptr);
      if (c < 0 || stop_) {
        if (c >= 0) close(c);
        return;
      }
      char buf[4096];
      std::string req;
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, size_t(n));
      }
      ++requests_;
      std::string path = req.substr(4, req.find(' ', 4) - 4);
      std::string body;
      bool found;
      {
        std::lock_guard<std::mutex> l(mu_);
        size_t a = req.find("Authorization: ");
        auth_ = a == std::string::npos ? "" : req.substr(a + 15, req.find("\r\n", a) - a - 15);
        auto it = files_.find(path);
        found = it != files_.end();
        body = found ? it->second : "not found";
      }
      std::string resp = std::string(found ? "HTTP/1.1 200 OK" : "HTTP/1.1 404 Not Found") +
                         "\r\nContent-Length: " + std::to_string(body.size()) +
                         "\r\nConnection: close\r\n\r\n" + body;
      for (size_t off = 0; off < resp.size();) {
        ssize_t n = write(c, resp.data() + off, resp.size() - off);
        if (n <= 0) break;
        off += size_t(n);
      }
      close(c);
    }
  }
  std::map<std::string, std::string> files_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::string auth_;
  std::thread thread_;
};

}  // namespace aiperf::dataset
