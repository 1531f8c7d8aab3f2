#include "test_util.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace aiperf::testing {

namespace {
int exit_code_of(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}
}  // namespace

std::string make_temp_dir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
  return std::string(buf.data());
}

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);
  ::close(fd);
  return port;
}

bool wait_port(int port, int timeout_ms, const std::string& host) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(port));
    ::inet_pton(AF_INET, host.c_str(), &a.sin_addr);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path,
                           const std::string& stderr_path) {
  pid_ = ::fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    auto redirect = [](const std::string& path, int target) {
      int fd =
          ::open(path.empty() ? "/dev/null" : path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        ::dup2(fd, target);
        ::close(fd);
      }
    };
    redirect(stdout_path, 1);
    if (!stderr_path.empty() && stderr_path == stdout_path)
      ::dup2(1, 2);  // one file, one offset
    else
      redirect(stderr_path, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0 && running()) {
    ::kill(pid_, SIGKILL);
    wait(5000);
  }
}

ChildProcess::ChildProcess(ChildProcess&& o) noexcept : pid_(o.pid_), status_(o.status_) {
  o.pid_ = -1;
}

ChildProcess& ChildProcess::operator=(ChildProcess&& o) noexcept {
  if (this != &o) {
    if (pid_ > 0 && running()) {
      ::kill(pid_, SIGKILL);
      wait(5000);
    }
    pid_ = o.pid_;
    status_ = o.status_;
    o.pid_ = -1;
  }
  return *this;
}

bool ChildProcess::running() {
  if (pid_ <= 0 || status_ >= 0) return false;
  int st = 0;
  pid_t r = ::waitpid(pid_, &st, WNOHANG);
  if (r == pid_) {
    status_ = exit_code_of(st);
    return false;
  }
  return r == 0;
}

int ChildProcess::wait(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

int ChildProcess::terminate(int sig, int timeout_ms) {
  if (!running()) return status_;
  ::kill(pid_, sig);
  int rc = wait(timeout_ms);
  if (rc == -1) {
    ::kill(pid_, SIGKILL);
    rc = wait(5000);
  }
  return rc;
}

CommandResult run_command(const std::vector<std::string>& argv, int timeout_s) {
  std::string dir = make_temp_dir("aiperf-cmd");
  CommandResult r;
  {
    ChildProcess p(argv, dir + "/out", dir + "/err");
    r.exit_code = p.wait(timeout_s * 1000);
    if (r.exit_code == -1) p.terminate(SIGKILL, 1000);
  }
  r.out = read_file(dir + "/out");
  r.err = read_file(dir + "/err");
  std::remove((dir + "/out").c_str());
  std::remove((dir + "/err").c_str());
  ::rmdir(dir.c_str());
  return r;
}

bool wait_for_answers(const std::string& url, double n, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    CurlResult m = curl({url + "/vllm/metrics"}, 5);  // the default family is aiperf's
    auto pos = m.body.find("\nvllm:request_success_total");
    auto eol = pos == std::string::npos ? pos : m.body.find('\n', pos + 1);
    auto sp = pos == std::string::npos ? pos : m.body.rfind(' ', eol);
    if (sp != std::string::npos && sp > pos && std::stod(m.body.substr(sp + 1)) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

CurlResult curl(const std::vector<std::string>& args, int timeout_s) {
  std::string dir = make_temp_dir("aiperf-curl");
  std::vector<std::string> argv = {
      "curl", "-sS",         "-N", "--max-time",  std::to_string(timeout_s), "-D", dir + "/head",
      "-o",   dir + "/body", "-w", "%{http_code}"};
  argv.insert(argv.end(), args.begin(), args.end());
  CommandResult c = run_command(argv, timeout_s + 10);
  CurlResult r;
  r.exit_code = c.exit_code;
  r.http_status = std::atoi(c.out.c_str());
  r.body = read_file(dir + "/body");
  r.headers = read_file(dir + "/head");
  std::remove((dir + "/head").c_str());
  std::remove((dir + "/body").c_str());
  ::rmdir(dir.c_str());
  return r;
}

RawResult raw_exchange(int port, const std::string& bytes, int timeout_ms, size_t piece,
                       int pause_ms) {
  RawResult r;
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    r.peer_closed = true;
    return r;
  }
  size_t off = 0;
  while (off < bytes.size()) {
    size_t n = piece == 0 ? bytes.size() - off : std::min(piece, bytes.size() - off);
    ssize_t w = ::send(fd, bytes.data() + off, n, MSG_NOSIGNAL);
    if (w <= 0) break;
    off += size_t(w);
    if (pause_ms > 0 && off < bytes.size())
      std::this_thread::sleep_for(std::chrono::milliseconds(pause_ms));
  }
  char buf[65536];
  while (true) {
    pollfd p{fd, POLLIN, 0};
    int pr = ::poll(&p, 1, timeout_ms);
    if (pr <= 0) break;
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n > 0) {
      r.data.append(buf, size_t(n));
      continue;
    }
    r.peer_closed = true;
    r.reset = n < 0 && errno == ECONNRESET;
    break;
  }
  ::close(fd);
  return r;
}

std::vector<std::string> sse_data(const std::string& stream) {
  std::vector<std::string> events;
  std::string data;
  bool has_data = false;
  size_t i = 0;
  while (i <= stream.size()) {
    size_t end = stream.find_first_of("\r\n", i);
    if (end == std::string::npos) end = stream.size();
    std::string line = stream.substr(i, end - i);
    if (line.empty()) {
      if (has_data) events.push_back(data);
      data.clear();
      has_data = false;
    } else if (line.rfind("data:", 0) == 0) {
      std::string v = line.substr(5);
      if (!v.empty() && v[0] == ' ') v.erase(0, 1);
      if (has_data) data += '\n';
      data += v;
      has_data = true;
    }
    if (end >= stream.size()) break;
    i = end + ((stream[end] == '\r' && end + 1 < stream.size() && stream[end + 1] == '\n') ? 2 : 1);
  }
  if (has_data) events.push_back(data);
  return events;
}

MockServerProcess::MockServerProcess(const std::vector<std::string>& extra_args,
                                     const std::string& binary) {
#ifdef MOCK_BIN
  std::string bin = binary.empty() ? MOCK_BIN : binary;
#else
  std::string bin = binary;
#endif
  dir_ = make_temp_dir("aiperf-mock");
  bool tls = false;
  for (const auto& a : extra_args)
    if (a == "--tls" || a == "--tls-cert") tls = true;
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_port();
    std::vector<std::string> argv = {bin, "--host", "127.0.0.1", "--port", std::to_string(port_)};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    proc_ = ChildProcess(argv, dir_ + "/log", dir_ + "/log");
    if (wait_port(port_, 10000) && proc_.running()) {
      url_ = std::string(tls ? "https" : "http") + "://127.0.0.1:" + std::to_string(port_);
      return;
    }
    proc_.terminate(SIGKILL, 1000);
  }
  throw std::runtime_error("aiperf-mock-server did not listen: " + log());
}

MockServerProcess::~MockServerProcess() {
  stop();
}

std::string MockServerProcess::log() const {
  return read_file(dir_ + "/log");
}

int MockServerProcess::stop() {
  return proc_.terminate(SIGTERM, 5000);
}

FileServer::FileServer() {
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0 || listen(fd_, 64) != 0) {
    throw std::runtime_error("FileServer: cannot listen");
  }
  port_ = ntohs(a.sin_port);
  thread_ = std::thread([this] { serve(); });
}

FileServer::~FileServer() {
  stop_ = true;
  shutdown(fd_, SHUT_RDWR);
  close(fd_);
  thread_.join();
}

std::string FileServer::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void FileServer::set(const std::string& path, std::string body) {
  std::lock_guard<std::mutex> l(mu_);
  files_[path] = std::move(body);
}

int FileServer::requests() const {
  std::lock_guard<std::mutex> l(mu_);
  return total_;
}

int FileServer::requests(const std::string& path) const {
  std::lock_guard<std::mutex> l(mu_);
  auto it = hits_.find(path);
  return it == hits_.end() ? 0 : it->second;
}

void FileServer::serve() {
  for (;;) {
    int c = accept(fd_, nullptr, nullptr);
    if (c < 0 || stop_) {
      if (c >= 0) close(c);
      return;
    }
    timeval tv{5, 0};
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string req;
    char buf[4096];
    while (req.find("\r\n\r\n") == std::string::npos) {
      ssize_t n = read(c, buf, sizeof buf);
      if (n <= 0) break;
      req.append(buf, size_t(n));
    }
    const size_t sp = req.find(' ');
    const std::string path =
        sp == std::string::npos ? "" : req.substr(sp + 1, req.find(' ', sp + 1) - sp - 1);
    std::string body;
    bool found = false;
    {
      std::lock_guard<std::mutex> l(mu_);
      ++total_;
      ++hits_[path];
      auto it = files_.find(path);
      if (it != files_.end()) {
        found = true;
        body = it->second;
      }
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

}  // namespace aiperf::testing
