// --network-latency-automatic (spec §7.3): while the profiling phase runs, a thread opens a
// fresh TCP connection to every distinct server (host, port) of --url every
// --network-latency-ping-interval seconds and times the handshake (connect(2) to writable; no
// TLS, so http and https measure the same round trip). Hosts are resolved once up front, so a
// probe is pure connect time. At the end, targets with fewer than 5 successful samples get
// back-to-back top-up probes (at most 10 tries each). The mean of all successful samples is the
// RTT the network_adjusted_* metrics subtract. Never touches the I/O workers. Every probe,
// success or failure, is kept and written to profile_export_network_latency.jsonl (AIPerf's
// NetworkLatencySample lines).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/socket.h>

#include "aiperf/transport/url.h"

namespace aiperf::run {

class NetworkProbe {
 public:
  static constexpr int kMinSamples = 5;
  static constexpr int64_t kConnectTimeoutNs = 5'000'000'000;

  /// Targets: the distinct (host, port) of `urls`; a host that does not resolve is left out
  /// (and named by failures()).
  NetworkProbe(const std::vector<transport::Url>& urls, double interval_s);
  ~NetworkProbe();
  NetworkProbe(const NetworkProbe&) = delete;
  NetworkProbe& operator=(const NetworkProbe&) = delete;

  void start();
  /// Stops the periodic probes, tops every target up to kMinSamples, joins.
  void stop();
  /// Mean RTT (ns) of all successful samples; nullopt when there are none.
  std::optional<double> mean_rtt_ns() const;
  size_t samples() const;
  /// One line per failure kind, e.g. "127.0.0.1:9: Connection refused (3x)".
  std::vector<std::string> failures() const;
  /// Every probe as one JSON line each (timestamp_ns, target_url, target_host, target_port,
  /// probe_type "tcp_connect", rtt_ns or error {type, message}, success), in probe order.
  std::string samples_jsonl() const;
  /// Writes samples_jsonl() to `path`; false (errno set) when it cannot.
  bool write_samples(const std::string& path) const;

  /// One TCP handshake to `addr` in ns, or nullopt (error text in *err; the errno in *code,
  /// ETIMEDOUT for the connect timeout, when `code` is given).
  static std::optional<int64_t> probe_once(const sockaddr_storage& addr, socklen_t len,
                                           std::string* err, int* code = nullptr);

 private:
  struct Target {
    std::string url;  // the --url it came from (credential-free: urls carry none)
    std::string host;
    uint16_t port = 0;
    std::string name;  // host:port
    sockaddr_storage addr{};
    socklen_t len = 0;
    int ok = 0;
  };
  void run();
  void probe(Target& t);

  std::vector<Target> targets_;
  int64_t interval_ns_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  struct Sample {
    int64_t wall_ns = 0;  // when the probe was issued
    size_t target = 0;
    std::optional<int64_t> rtt_ns;
    int error_code = 0;
    std::string error;
  };
  std::vector<Sample> samples_;                              // guarded by mu_
  std::vector<int64_t> rtts_;                                // guarded by mu_
  std::vector<std::pair<std::string, int>> failure_counts_;  // guarded by mu_
};

}  // namespace aiperf::run
