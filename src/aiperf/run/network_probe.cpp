#include "aiperf/run/network_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>

#include <nlohmann/json.hpp>

#include "aiperf/common/clock.h"

namespace aiperf::run {

NetworkProbe::NetworkProbe(const std::vector<transport::Url>& urls, double interval_s)
    : interval_ns_(int64_t(interval_s * 1e9)) {
  for (const auto& u : urls) {
    std::string name = u.host + ":" + std::to_string(u.port);
    bool seen = false;
    for (const auto& t : targets_) seen |= t.name == name;
    if (seen) continue;
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(u.host.c_str(), std::to_string(u.port).c_str(), &hints, &res);
    if (rc != 0 || !res) {
      failure_counts_.emplace_back(name + ": cannot resolve (" + gai_strerror(rc) + ")", 1);
      continue;
    }
    const addrinfo* pick = res;
    for (const addrinfo* a = res; a; a = a->ai_next)
      if (a->ai_family == AF_INET) {
        pick = a;  // IPv4 first, as the HTTP client does
        break;
      }
    Target t;
    t.url = u.to_string();
    t.host = u.host;
    t.port = u.port;
    t.name = name;
    std::memcpy(&t.addr, pick->ai_addr, pick->ai_addrlen);
    t.len = socklen_t(pick->ai_addrlen);
    freeaddrinfo(res);
    targets_.push_back(t);
  }
}

NetworkProbe::~NetworkProbe() {
  stop();
}

std::optional<int64_t> NetworkProbe::probe_once(const sockaddr_storage& addr, socklen_t len,
                                                std::string* err, int* code) {
  int ignored = 0;
  if (!code) code = &ignored;
  int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *code = errno;
    *err = std::strerror(errno);
    return std::nullopt;
  }
  const int64_t t0 = mono_ns();
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), len);
  std::optional<int64_t> out;
  if (rc == 0) {
    out = mono_ns() - t0;
  } else if (errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    int pr = ::poll(&p, 1, int(kConnectTimeoutNs / 1'000'000));
    const int64_t t1 = mono_ns();
    int so = 0;
    socklen_t sl = sizeof so;
    if (pr == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) == 0 && so == 0) {
      out = t1 - t0;
    } else {
      *code = pr == 0 ? ETIMEDOUT : (so ? so : errno);
      *err = pr == 0 ? "connect timed out" : std::strerror(*code);
    }
  } else {
    *code = errno;
    *err = std::strerror(errno);
  }
  ::close(fd);
  return out;
}

void NetworkProbe::probe(Target& t) {
  std::string err;
  int code = 0;
  const int64_t issued = wall_ns();
  auto rtt = probe_once(t.addr, t.len, &err, &code);
  std::lock_guard<std::mutex> lk(mu_);
  samples_.push_back({issued, size_t(&t - targets_.data()), rtt, code, rtt ? "" : err});
  if (rtt) {
    rtts_.push_back(*rtt);
    ++t.ok;
    return;
  }
  std::string key = t.name + ": " + err;
  for (auto& [k, n] : failure_counts_) {
    if (k == key) {
      ++n;
      return;
    }
  }
  failure_counts_.emplace_back(key, 1);
}

void NetworkProbe::start() {
  if (targets_.empty() || thread_.joinable()) return;
  thread_ = std::thread([this] { run(); });
}

void NetworkProbe::run() {
  std::unique_lock<std::mutex> lk(mu_);
  while (!stop_) {
    lk.unlock();
    for (auto& t : targets_) probe(t);
    lk.lock();
    cv_.wait_for(lk, std::chrono::nanoseconds(interval_ns_), [this] { return stop_; });
  }
}

void NetworkProbe::stop() {
  {
    std::lock_guard<std::mutex> lk(mu_);
    if (stop_) return;
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  // Top up (spec §7.3): back-to-back probes until each target has kMinSamples.
  for (auto& t : targets_) {
    for (int tries = 0; t.ok < kMinSamples && tries < 2 * kMinSamples; ++tries) probe(t);
  }
}

std::optional<double> NetworkProbe::mean_rtt_ns() const {
  std::lock_guard<std::mutex> lk(mu_);
  if (rtts_.empty()) return std::nullopt;
  long double s = 0;
  for (int64_t v : rtts_) s += v;
  return double(s / rtts_.size());
}

size_t NetworkProbe::samples() const {
  std::lock_guard<std::mutex> lk(mu_);
  return rtts_.size();
}

std::vector<std::string> NetworkProbe::failures() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::vector<std::string> out;
  for (const auto& [k, n] : failure_counts_) out.push_back(k + " (" + std::to_string(n) + "x)");
  return out;
}

namespace {
/// Python's name for the OSError an errno raises (what AIPerf's probe reports as the type).
const char* os_error_type(int code) {
  switch (code) {
    case ECONNREFUSED:
      return "ConnectionRefusedError";
    case ECONNRESET:
      return "ConnectionResetError";
    case ECONNABORTED:
      return "ConnectionAbortedError";
    case ETIMEDOUT:
      return "TimeoutError";
    default:
      return "OSError";
  }
}
}  // namespace

std::string NetworkProbe::samples_jsonl() const {
  std::lock_guard<std::mutex> lk(mu_);
  std::string out;
  for (const Sample& s : samples_) {
    const Target& t = targets_[s.target];
    nlohmann::ordered_json j;
    j["timestamp_ns"] = s.wall_ns;
    j["target_url"] = t.url;
    j["target_host"] = t.host;
    j["target_port"] = t.port;
    j["probe_type"] = "tcp_connect";
    if (s.rtt_ns) j["rtt_ns"] = *s.rtt_ns;
    j["success"] = s.rtt_ns.has_value();
    if (!s.rtt_ns) j["error"] = {{"type", os_error_type(s.error_code)}, {"message", s.error}};
    out += j.dump();
    out += '\n';
  }
  return out;
}

bool NetworkProbe::write_samples(const std::string& path) const {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << samples_jsonl();
  return bool(out.flush());
}

}  // namespace aiperf::run
