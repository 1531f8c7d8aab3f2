// --connection-reuse-strategy in the HTTP client (ReusePolicy): pooled keeps one shared pool,
// never opens a connection per request, per-session keeps one connection per session and
// closes it after the session's final request or an error. Connection counts come from the
// test server (accepted connections), not from the client's own stats.
#include <gtest/gtest.h>

#include "aiperf/common/clock.h"
#include "aiperf/transport/http_client.h"
#include "test_server.h"

namespace aiperf::transport {
namespace {

using record::ErrorKind;
using record::RequestRecord;
using test::Stream;
using test::TestServer;

constexpr int64_t kSec = 1'000'000'000;

/// Answers every request of a connection with 200 (or 500 for a body containing "fail").
void serve(Stream& s, int) {
  while (auto req = s.read_request()) {
    const bool fail = req->find("fail") != std::string::npos;
    if (!s.write_all(test::http_response(fail ? 500 : 200, "{}"))) return;
  }
}

struct Client {
  EventLoop loop;
  std::unique_ptr<HttpClient> client;
  Client(const std::string& url, ReusePolicy reuse) {
    ClientOptions o;
    o.urls.push_back(*parse_url(url));
    o.request_timeout_ns = 5 * kSec;
    o.reuse = reuse;
    client = std::make_unique<HttpClient>(loop, o);
  }
  /// One request of `session` (final or not); runs the loop until it is done.
  std::unique_ptr<RequestRecord> send(uint64_t session, bool final, const char* body = "{}") {
    HttpRequest r;
    r.target = "/v1/chat/completions";
    r.header_lines = "Content-Type: application/json\r\n";
    r.body = body;
    r.session_key = session;
    r.session_final = final;
    std::unique_ptr<RequestRecord> out;
    client->send(r, std::make_unique<RequestRecord>(),
                 [&out](std::unique_ptr<RequestRecord> rec) { out = std::move(rec); });
    const int64_t until = mono_ns() + 10 * kSec;
    while (!out && mono_ns() < until) loop.run_once(10);
    EXPECT_TRUE(out);
    return out ? std::move(out) : std::make_unique<RequestRecord>();
  }
};

TEST(ReusePolicy, PooledSharesOneConnection) {
  TestServer srv(serve);
  Client c(srv.url(), ReusePolicy::kPooled);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(c.send(uint64_t(i), true)->error, ErrorKind::kNone);
  EXPECT_EQ(srv.connections(), 1);
}

TEST(ReusePolicy, NeverOpensOneConnectionPerRequest) {
  TestServer srv(serve);
  Client c(srv.url(), ReusePolicy::kNever);
  for (int i = 0; i < 4; ++i) {
    auto r = c.send(7, false);
    EXPECT_EQ(r->error, ErrorKind::kNone) << r->error_message;
    EXPECT_FALSE(r->connection_reused);
  }
  EXPECT_EQ(srv.connections(), 4);
  EXPECT_EQ(c.client->idle_connections(), 0u);
  EXPECT_EQ(c.client->stats().closes_after_response, 4u);
}

TEST(ReusePolicy, PerSessionKeepsOneConnectionPerSessionUntilItsFinalTurn) {
  TestServer srv(serve);
  Client c(srv.url(), ReusePolicy::kPerSession);
  // Sessions 1 and 2 interleave, three turns each: one connection per session.
  for (int turn = 0; turn < 3; ++turn) {
    for (uint64_t s : {1, 2}) {
      auto r = c.send(s, turn == 2);
      EXPECT_EQ(r->error, ErrorKind::kNone) << r->error_message;
      EXPECT_EQ(r->connection_reused, turn > 0) << "session " << s << " turn " << turn;
    }
    EXPECT_EQ(c.client->idle_connections(), turn < 2 ? 2u : 0u);  // final turns close theirs
  }
  EXPECT_EQ(srv.connections(), 2);
  // A new session never takes another session's connection.
  EXPECT_FALSE(c.send(3, false)->connection_reused);
  EXPECT_EQ(srv.connections(), 3);
}

TEST(ReusePolicy, PerSessionDropsTheConnectionAfterAnError) {
  TestServer srv(serve);
  Client c(srv.url(), ReusePolicy::kPerSession);
  EXPECT_EQ(c.send(1, false)->error, ErrorKind::kNone);
  EXPECT_EQ(c.send(1, false, "{\"fail\":1}")->error, ErrorKind::kStatus);  // AIPerf releases it
  EXPECT_EQ(c.client->idle_connections(), 0u);
  auto next = c.send(1, true);
  EXPECT_EQ(next->error, ErrorKind::kNone);
  EXPECT_FALSE(next->connection_reused);
  EXPECT_EQ(srv.connections(), 2);
}

TEST(ReusePolicy, CloseIdleClosesSessionConnections) {
  TestServer srv(serve);
  Client c(srv.url(), ReusePolicy::kPerSession);
  c.send(1, false);
  c.send(2, false);
  EXPECT_EQ(c.client->idle_connections(), 2u);
  c.client->close_idle();
  EXPECT_EQ(c.client->idle_connections(), 0u);
}

}  // namespace
}  // namespace aiperf::transport
