// The mock server's faults for the client's fault matrix (docs/reliability.md) and its
// timeouts, driven by curl and raw sockets.
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

const char* kChat10 =
    R"({"model":"m","messages":[{"role":"user","content":"hello there"}],"stream":true,)"
    R"("max_completion_tokens":10})";

std::vector<std::string> post(const MockServerProcess& m, const char* body = kChat10) {
  return {"-H", "Content-Type: application/json", "-d", body, m.url() + "/v1/chat/completions"};
}

std::string request_head(int port, size_t body_len) {
  return "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body_len) +
         "\r\n\r\n";
}

TEST(MockFaults, ErrorBodiesWithAndWithoutJson) {
  for (const char* kind : {"json", "text", "empty"}) {
    MockServerProcess m(
        {"--fast", "--error-every", "1", "--error-status", "503", "--error-body", kind});
    CurlResult r = curl(post(m));
    EXPECT_EQ(r.http_status, 503) << kind;
    if (std::string(kind) == "json") {
      EXPECT_TRUE(json::accept(r.body)) << r.body;
    } else if (std::string(kind) == "text") {
      EXPECT_EQ(r.body, "Simulated error\n");
    } else {
      EXPECT_EQ(r.body, "");
    }
  }
}

TEST(MockFaults, ResetBeforeHeaders) {
  MockServerProcess m({"--fast", "--fault-reset-before-headers-every", "1"});
  CurlResult r = curl(post(m));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.body, "");
}

TEST(MockFaults, ErrorEventInsideA200Stream) {
  MockServerProcess m({"--fast", "--fault-error-event-every", "1"});
  CurlResult r = curl(post(m));
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.http_status, 200);
  auto data = sse_data(r.body);
  ASSERT_GE(data.size(), 2u);
  EXPECT_EQ(data.back(), "[DONE]");
  json err = json::parse(data[data.size() - 2]);
  EXPECT_EQ(err["error"]["code"], 500);
  EXPECT_EQ(data.size(), 5u + 2u);  // the first half of the 10 tokens, the error, [DONE]
}

TEST(MockFaults, TruncatedChunkedStream) {
  MockServerProcess m({"--fast", "--fault-truncate-every", "1"});
  CurlResult r = curl(post(m));
  EXPECT_EQ(r.http_status, 200);
  EXPECT_NE(r.exit_code, 0);  // curl: 18 (partial file) or 56
  EXPECT_EQ(r.body.find("[DONE]"), std::string::npos);
}

TEST(MockFaults, NoDoneAndHugeLines) {
  MockServerProcess m({"--fast", "--sse-no-done", "--sse-pad-bytes", "1048576"});
  CurlResult r = curl(post(m));
  EXPECT_EQ(r.exit_code, 0);
  auto data = sse_data(r.body);
  ASSERT_EQ(data.size(), 10u);
  EXPECT_NE(data.back(), "[DONE]");
  json first = json::parse(data[0]);
  EXPECT_EQ(first["x_pad"].get<std::string>().size(), 1048576u);
}

// Before, a client that never finished its request head kept its connection for ever.
TEST(MockFaults, HeaderAndIdleTimeoutsCloseLingeringClients) {
  MockServerProcess m(
      {"--fast", "--header-timeout-seconds", "0.3", "--idle-timeout-seconds", "0.5"});
  // Half a request head, then nothing: 408 and closed after ~0.3 s.
  auto t0 = Clock::now();
  RawResult half =
      raw_exchange(m.port(), "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n", 5000);
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_TRUE(half.peer_closed);
  EXPECT_EQ(half.data.rfind("HTTP/1.1 408", 0), 0u) << half.data;
  EXPECT_GE(secs, 0.25);
  EXPECT_LT(secs, 4.0);
  // A slow client trickling its head in still gets the timeout (counted from the first byte).
  std::string body = R"({"model":"m","prompt":"x","max_tokens":1})";
  std::string slow = request_head(m.port(), body.size()) + body;
  RawResult trickle = raw_exchange(m.port(), slow, 5000, /*piece=*/4, /*pause_ms=*/50);
  EXPECT_TRUE(trickle.peer_closed);
  EXPECT_EQ(trickle.data.rfind("HTTP/1.1 408", 0), 0u) << trickle.data.substr(0, 80);
  // Connected, sent nothing: closed after the idle timeout, without a response.
  t0 = Clock::now();
  RawResult idle = raw_exchange(m.port(), "", 5000);
  secs = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_TRUE(idle.peer_closed);
  EXPECT_EQ(idle.data, "");
  EXPECT_GE(secs, 0.45);
  EXPECT_LT(secs, 4.0);
  // A keep-alive connection after its answer: idle again, closed likewise.
  std::string ok = request_head(m.port(), body.size());
  ok.replace(ok.find("chat/completions"), 16, "completions");
  RawResult kept = raw_exchange(m.port(), ok + body, 5000);
  EXPECT_TRUE(kept.peer_closed);
  EXPECT_EQ(kept.data.rfind("HTTP/1.1 200", 0), 0u) << kept.data.substr(0, 80);
}

}  // namespace
}  // namespace aiperf::testing
