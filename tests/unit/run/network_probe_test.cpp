// The network latency probe's samples (spec §7.3): every probe, success or failure, becomes one
// profile_export_network_latency.jsonl line in AIPerf's NetworkLatencySample shape.
#include "aiperf/run/network_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace aiperf::run {
namespace {

/// A listening socket on 127.0.0.1 (the kernel completes handshakes without accept()).
struct Listener {
  int fd = -1;
  uint16_t port = 0;
  Listener() {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), len) != 0 || ::listen(fd, 64) != 0) {
      ADD_FAILURE() << "cannot listen";
    }
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
  }
  ~Listener() { ::close(fd); }
};

std::vector<nlohmann::json> lines(const std::string& jsonl) {
  std::vector<nlohmann::json> out;
  std::istringstream in(jsonl);
  for (std::string l; std::getline(in, l);) out.push_back(nlohmann::json::parse(l));
  return out;
}

transport::Url url(uint16_t port) {
  return *transport::parse_url("http://127.0.0.1:" + std::to_string(port) + "/v1");
}

TEST(NetworkProbe, EverySuccessfulProbeIsALineWithItsRtt) {
  Listener l;
  NetworkProbe p({url(l.port), url(l.port)}, 0.01);  // one target: duplicates merge
  p.start();
  p.stop();  // tops up to 5 samples
  const auto rows = lines(p.samples_jsonl());
  ASSERT_GE(rows.size(), size_t(NetworkProbe::kMinSamples));
  EXPECT_EQ(rows.size(), p.samples());
  for (const auto& r : rows) {
    EXPECT_EQ(r["probe_type"], "tcp_connect");
    EXPECT_EQ(r["target_host"], "127.0.0.1");
    EXPECT_EQ(r["target_port"], l.port);
    EXPECT_EQ(r["target_url"], "http://127.0.0.1:" + std::to_string(l.port) + "/v1");
    EXPECT_TRUE(r["success"].get<bool>());
    EXPECT_GT(r["rtt_ns"].get<int64_t>(), 0);
    EXPECT_GT(r["timestamp_ns"].get<int64_t>(), 1'600'000'000'000'000'000);
    EXPECT_FALSE(r.contains("error"));
  }
  ASSERT_TRUE(p.mean_rtt_ns());
}

TEST(NetworkProbe, AFailedProbeIsALineWithItsError) {
  uint16_t closed = 0;
  {
    Listener l;  // a port that was free a moment ago; closed now, so connect is refused
    closed = l.port;
  }
  NetworkProbe p({url(closed)}, 0.01);
  p.start();
  p.stop();
  const auto rows = lines(p.samples_jsonl());
  ASSERT_FALSE(rows.empty());
  for (const auto& r : rows) {
    EXPECT_FALSE(r["success"].get<bool>());
    EXPECT_FALSE(r.contains("rtt_ns"));
    EXPECT_EQ(r["error"]["type"], "ConnectionRefusedError");
    EXPECT_FALSE(r["error"]["message"].get<std::string>().empty());
  }
  EXPECT_FALSE(p.mean_rtt_ns());
  EXPECT_FALSE(p.failures().empty());
}

}  // namespace
}  // namespace aiperf::run
