// The client's part of issue 11: transport phase stamps (HTTP trace), the simulated client
// disconnect of --request-cancellation-rate (spec §3.10) and the first-data hook that ends a
// request's prefill (spec §3.2).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "aiperf/common/clock.h"
#include "aiperf/transport/http_client.h"
#include "test_server.h"

namespace aiperf::transport {
namespace {

using record::ErrorKind;
using record::RequestRecord;
using test::Stream;
using test::TestServer;

constexpr int64_t kMs = 1'000'000;

struct Client {
  EventLoop loop;
  std::unique_ptr<HttpClient> http;
  explicit Client(const std::string& url) {
    ClientOptions o;
    o.urls.push_back(*parse_url(url));
    o.request_timeout_ns = 10'000 * kMs;
    http = std::make_unique<HttpClient>(loop, o);
  }
  std::unique_ptr<RequestRecord> run(HttpRequest req) {
    std::unique_ptr<RequestRecord> out;
    req.target = "/v1/chat/completions";
    req.body = "{\"a\":1}";
    http->send(req, std::make_unique<RequestRecord>(),
               [&out](std::unique_ptr<RequestRecord> r) { out = std::move(r); });
    int64_t until = mono_ns() + 10'000 * kMs;
    while (!out && mono_ns() < until) loop.run_once(10);
    EXPECT_TRUE(out);
    return out ? std::move(out) : std::make_unique<RequestRecord>();
  }
};

const char* kSseHead = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nContent-Length: ";

/// An SSE response: `events` written one per write, `gap_ms` apart.
void answer_sse(Stream& s, const std::vector<std::string>& events, int gap_ms) {
  std::string body;
  for (const auto& e : events) body += "data: " + e + "\n\n";
  s.write_all(std::string(kSseHead) + std::to_string(body.size()) + "\r\n\r\n");
  for (const auto& e : events) {
    std::this_thread::sleep_for(std::chrono::milliseconds(gap_ms));
    s.write_all("data: " + e + "\n\n");
  }
}

TEST(HttpShaping, PhaseStampsOfAFreshThenAReusedConnection) {
  TestServer srv([](Stream& s, int) {
    while (s.read_request()) answer_sse(s, {"{\"x\":1}", "{\"x\":2}", "[DONE]"}, 5);
  });
  Client c(srv.url());
  auto a = c.run({});
  ASSERT_EQ(a->error, ErrorKind::kNone) << a->error_message;
  const auto& t = a->trace;
  EXPECT_FALSE(a->connection_reused);
  EXPECT_LE(a->start_ns, t.connect_start_ns);
  EXPECT_LE(t.connect_start_ns, t.connect_end_ns);
  EXPECT_LE(t.connect_end_ns, t.send_start_ns);
  EXPECT_LE(t.send_start_ns, a->sent_ns);
  EXPECT_LE(a->sent_ns, t.first_byte_ns);
  EXPECT_LE(t.first_byte_ns, a->end_ns);
  EXPECT_EQ(t.tls_start_ns, 0);  // plain http
  EXPECT_GE(t.write_calls, 1u);
  EXPECT_GE(t.body_reads, 1u);
  EXPECT_TRUE(t.reads.empty());  // only kept when asked
  HttpRequest traced;
  traced.trace_chunks = true;
  auto b = c.run(traced);
  EXPECT_TRUE(b->connection_reused);
  EXPECT_EQ(b->trace.connect_start_ns, 0);
  EXPECT_EQ(b->trace.connect_end_ns, 0);
  EXPECT_GE(b->trace.send_start_ns, b->start_ns);
  ASSERT_EQ(b->trace.reads.size(), b->trace.body_reads);
  ASSERT_EQ(b->trace.writes.size(), b->trace.write_calls);
  uint64_t sent = 0;
  for (const auto& [ts, n] : b->trace.writes) sent += n;
  EXPECT_EQ(sent, b->bytes_sent);
  EXPECT_EQ(b->trace.reads.front().first, b->trace.first_byte_ns);
}

TEST(HttpShaping, CancellationFiresAfterTheBodyIsWrittenAndClosesTheConnection) {
  std::atomic<int64_t> eof_at{0};
  TestServer srv([&](Stream& s, int) {
    s.read_request();
    s.wait_eof();  // never answers; sees the client's disconnect
    eof_at = mono_ns();
  });
  Client c(srv.url());
  HttpRequest req;
  req.cancel_after_ns = 150 * kMs;
  auto r = c.run(req);
  EXPECT_EQ(r->error, ErrorKind::kRequestCancelled);
  EXPECT_EQ(r->error_message, "Request cancelled 0.150s after being sent");
  EXPECT_GE(r->cancel_ns - r->sent_ns, 150 * kMs);
  EXPECT_EQ(r->cancel_after_ns, 150 * kMs);
  EXPECT_EQ(c.http->idle_connections(), 0u);  // never pooled
  for (int i = 0; i < 500 && eof_at == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GE(eof_at.load(), r->cancel_ns);  // the server saw the close after the cancellation
}

TEST(HttpShaping, ZeroDelayDisconnectsRightAfterSending) {
  TestServer srv([](Stream& s, int) {
    s.read_request();
    s.wait_eof();
  });
  Client c(srv.url());
  HttpRequest req;
  req.cancel_after_ns = 0;
  auto r = c.run(req);
  EXPECT_EQ(r->error, ErrorKind::kRequestCancelled);
  EXPECT_GE(r->cancel_ns, r->sent_ns);
}

TEST(HttpShaping, AnAnswerBeforeTheDelayIsNotCancelled) {
  TestServer srv([](Stream& s, int) {
    while (s.read_request()) answer_sse(s, {"{\"x\":1}", "[DONE]"}, 1);
  });
  Client c(srv.url());
  HttpRequest req;
  req.cancel_after_ns = 2'000 * kMs;
  auto r = c.run(req);
  EXPECT_EQ(r->error, ErrorKind::kNone);
  EXPECT_EQ(r->cancel_ns, 0);
  // The timer was disarmed: the loop stays quiet past the delay with nothing failing.
  auto again = c.run({});
  EXPECT_EQ(again->error, ErrorKind::kNone);
}

struct HookCount {
  int calls = 0;
  int64_t at = 0;
  static void fire(void* self, RequestRecord& rec) {
    auto* h = static_cast<HookCount*>(self);
    ++h->calls;
    h->at = rec.first_data_ns;
  }
};

TEST(HttpShaping, FirstDataHookSkipsEmptyAndDoneAndFiresOnce) {
  TestServer srv([](Stream& s, int) {
    s.read_request();
    std::string body =
        ": comment\n\ndata: \n\ndata: {\"x\":1}\n\ndata: {\"x\":2}\n\ndata: [DONE]\n\n";
    s.write_all(std::string(kSseHead) + std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  Client c(srv.url());
  HookCount h;
  HttpRequest req;
  req.first_event = {&HookCount::fire, &h};
  auto r = c.run(req);
  ASSERT_EQ(r->error, ErrorKind::kNone);
  EXPECT_EQ(h.calls, 1);
  EXPECT_GT(r->first_data_ns, 0);
  EXPECT_EQ(h.at, r->first_data_ns);
}

TEST(HttpShaping, FirstDataHookNeverFiresWithoutData) {
  TestServer srv([](Stream& s, int) {
    s.read_request();
    std::string body = "data: [DONE]\n\n";
    s.write_all(std::string(kSseHead) + std::to_string(body.size()) + "\r\n\r\n" + body);
  });
  Client c(srv.url());
  HookCount h;
  HttpRequest req;
  req.first_event = {&HookCount::fire, &h};
  auto r = c.run(req);
  EXPECT_EQ(h.calls, 0);
  EXPECT_EQ(r->first_data_ns, 0);
}

}  // namespace
}  // namespace aiperf::transport
