// `aiperf plot --dashboard`: the HTML report served over HTTP by a small blocking server of our
// own (one connection at a time: a dashboard has one reader). The run set under the paths is
// re-scanned on every request; when it changed, the report is rebuilt and the version served at
// /api/version moves, which open pages poll to reload themselves.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "aiperf/common/error.h"
#include "aiperf/report/html_parts.h"
#include "aiperf/report/report.h"

namespace aiperf::report {

namespace {

constexpr int kPollMs = 200;
constexpr int kReadTimeoutMs = 2000;
constexpr size_t kMaxRequestBytes = 16384;

class Listener {
 public:
  Listener(const std::string& host, int port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 || !res) {
      throw ConfigError("--host: cannot resolve '" + host + "'");
    }
    fd_ = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    const bool ok =
        fd_ >= 0 && ::bind(fd_, res->ai_addr, res->ai_addrlen) == 0 && ::listen(fd_, 16) == 0;
    const int err = errno;
    freeaddrinfo(res);
    if (!ok) {
      if (fd_ >= 0) ::close(fd_);
      throw ConfigError(fmt::format("--port: cannot listen on {}:{} ({}); choose another --port",
                                    host, port, std::strerror(err)));
    }
  }
  ~Listener() { ::close(fd_); }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
};

void send_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += size_t(n);
  }
}

void respond(int fd, int code, const char* reason, const char* type, const std::string& body) {
  send_all(fd, fmt::format("HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n"
                           "Cache-Control: no-store\r\nConnection: close\r\n\r\n",
                           code, reason, type, body.size()) +
                   body);
}

/// The request line's path, or "" when no complete head arrived in time.
std::string read_path(int fd) {
  std::string buf;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadTimeoutMs);
  while (buf.find("\r\n\r\n") == std::string::npos && buf.size() < kMaxRequestBytes) {
    int left = int(std::chrono::duration_cast<std::chrono::milliseconds>(
                       deadline - std::chrono::steady_clock::now())
                       .count());
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || ::poll(&p, 1, left) <= 0) return "";
    char tmp[4096];
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n <= 0) return "";
    buf.append(tmp, size_t(n));
  }
  auto sp1 = buf.find(' ');
  auto sp2 = sp1 == std::string::npos ? sp1 : buf.find(' ', sp1 + 1);
  if (sp2 == std::string::npos || buf.compare(0, sp1, "GET") != 0) return "";
  std::string path = buf.substr(sp1 + 1, sp2 - sp1 - 1);
  if (auto q = path.find('?'); q != std::string::npos) path.resize(q);
  return path;
}

/// What identifies the run set: every run dir with its summary's and records' mtime and size.
std::string fingerprint(const std::vector<RunInfo>& runs) {
  std::string fp;
  for (const auto& r : runs) {
    fp += r.dir;
    for (const char* f : {kSummaryJson, kRecordsJsonl, kTimeslicesJson, kGpuTelemetryJsonl}) {
      struct stat st {};
      if (::stat((std::filesystem::path(r.dir) / f).c_str(), &st) == 0) {
        fp += fmt::format("|{}:{}:{}", f, st.st_size,
                          st.st_mtim.tv_sec * 1000000000L + st.st_mtim.tv_nsec);
      }
    }
    fp += '\n';
  }
  return fp;
}

class Site {
 public:
  Site(const std::vector<std::string>& paths, const PlotConfig& cfg, const HtmlOptions& html)
      : paths_(paths), cfg_(cfg), html_(html) {}

  /// Rescans the paths; rebuilds the page when the run set changed.
  void refresh() {
    std::vector<RunInfo> infos;
    std::string fp;
    try {
      infos = discover_runs(paths_);
      fp = fingerprint(infos);
    } catch (const std::exception& e) {
      fp = std::string("error:") + e.what();
    }
    if (fp == fingerprint_ && !page_.empty()) return;
    fingerprint_ = fp;
    ++version_;
    HtmlOptions o = html_;
    o.live_reload = true;
    o.version = version_;
    try {
      if (infos.empty()) throw ConfigError(fp.substr(6));
      std::vector<RunData> runs;
      for (const auto& i : infos) runs.push_back(load_run(i));
      page_ = render_html_report(runs, build_figures(runs, cfg_), o);
    } catch (const std::exception& e) {
      // Nothing to show yet (or a run still being written): say so and keep polling.
      FigureSet none;
      o.notes.push_back(std::string("Waiting for runs: ") + e.what());
      page_ = render_html_report({}, none, o);
    }
  }
  const std::string& page() const { return page_; }
  int version() const { return version_; }

 private:
  std::vector<std::string> paths_;
  PlotConfig cfg_;
  HtmlOptions html_;
  std::string fingerprint_, page_;
  int version_ = 0;
};

}  // namespace

void serve_dashboard(const std::vector<std::string>& paths, const PlotConfig& cfg,
                     const HtmlOptions& html, const ServeOptions& opts) {
  Listener l(opts.host, opts.port);
  Site site(paths, cfg, html);
  site.refresh();
  if (opts.on_listening) {
    const bool v6 = opts.host.find(':') != std::string::npos;
    opts.on_listening(
        fmt::format("http://{}{}{}:{}/", v6 ? "[" : "", opts.host, v6 ? "]" : "", opts.port));
  }
  while (!(opts.should_stop && opts.should_stop())) {
    pollfd p{l.fd(), POLLIN, 0};
    if (::poll(&p, 1, kPollMs) <= 0) continue;
    int c = ::accept4(l.fd(), nullptr, nullptr, SOCK_CLOEXEC);
    if (c < 0) continue;
    const std::string path = read_path(c);
    if (path == "/" || path == "/index.html") {
      site.refresh();
      respond(c, 200, "OK", "text/html; charset=utf-8", site.page());
    } else if (path == "/api/version") {
      site.refresh();
      respond(c, 200, "OK", "application/json", fmt::format("{{\"version\":{}}}", site.version()));
    } else if (!path.empty()) {
      respond(c, 404, "Not Found", "text/plain", "not found\n");
    }
    ::close(c);
  }
}

}  // namespace aiperf::report
