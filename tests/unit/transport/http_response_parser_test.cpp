#include "aiperf/transport/http_response_parser.h"

#include <gtest/gtest.h>

#include <cctype>

#include "aiperf/transport/sse_framer.h"
#include "test_util.h"

namespace aiperf::transport {
namespace {

using Status = HttpResponseParser::Status;

struct Collect : HttpResponseParser::Sink {
  int heads = 0;
  ResponseHead head;
  std::string reason, content_type;
  std::string body;
  void on_head(const ResponseHead& h) override {
    ++heads;
    head = h;
    reason = std::string(h.reason);
    content_type = std::string(h.content_type);
  }
  void on_body(const char* p, size_t n) override { body.append(p, n); }
};

struct Result {
  Status status;
  size_t consumed = 0;  // bytes of the input used by the response
  Collect c;
  std::string error;
};

/// Feeds `bytes` in reads ending at `cuts`; stops at the first non-kNeedMore status. When the
/// input runs out while kNeedMore, `eof` decides whether finish_eof() is called.
Result parse(const std::string& bytes, const std::vector<size_t>& cuts, bool eof = false) {
  HttpResponseParser p;
  Result r;
  size_t pos = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(bytes.size());
  r.status = Status::kNeedMore;
  for (size_t e : ends) {
    size_t used = 0;
    r.status = p.feed(bytes.data() + pos, e - pos, r.c, &used);
    r.consumed = pos + used;
    if (r.status != Status::kNeedMore) break;
    EXPECT_EQ(used, e - pos);
    pos = e;
  }
  if (r.status == Status::kNeedMore && eof) r.status = p.finish_eof(r.c);
  if (p.error()) r.error = p.error();
  return r;
}

/// Same result for every one-split position and for 1-byte reads.
void expect_split_invariant(const std::string& bytes, bool eof = false) {
  Result ref = parse(bytes, {}, eof);
  for (size_t k = 0; k <= bytes.size(); ++k) {
    Result r = parse(bytes, {k}, eof);
    ASSERT_EQ(r.status, ref.status) << "split " << k;
    ASSERT_EQ(r.consumed, ref.consumed) << "split " << k;
    ASSERT_EQ(r.c.body, ref.c.body) << "split " << k;
    ASSERT_EQ(r.c.heads, ref.c.heads);
    ASSERT_EQ(r.c.head.status, ref.c.head.status);
  }
  std::vector<size_t> cuts;
  for (size_t i = 1; i < bytes.size(); ++i) cuts.push_back(i);
  Result r = parse(bytes, cuts, eof);
  ASSERT_EQ(r.status, ref.status);
  ASSERT_EQ(r.c.body, ref.c.body);
}

TEST(HttpResponseParser, ContentLengthBody) {
  std::string s =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 11\r\n"
      "X-Other: y\r\n\r\n{\"ok\":true}";
  Result r = parse(s, {});
  ASSERT_EQ(r.status, Status::kDone);
  EXPECT_EQ(r.consumed, s.size());
  EXPECT_EQ(r.c.heads, 1);
  EXPECT_EQ(r.c.head.status, 200);
  EXPECT_EQ(r.c.reason, "OK");
  EXPECT_EQ(r.c.content_type, "application/json");
  EXPECT_EQ(r.c.head.content_length, 11);
  EXPECT_TRUE(r.c.head.keep_alive);
  EXPECT_FALSE(r.c.head.chunked);
  EXPECT_FALSE(r.c.head.event_stream);
  EXPECT_EQ(r.c.body, "{\"ok\":true}");
  expect_split_invariant(s);
}

TEST(HttpResponseParser, BytesAfterTheResponseAreNotConsumed) {
  std::string s = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 200 OK\r\n";
  Result r = parse(s, {});
  ASSERT_EQ(r.status, Status::kDone);
  EXPECT_EQ(r.c.body, "hi");
  EXPECT_EQ(r.consumed, s.find("hi") + 2);
}

TEST(HttpResponseParser, ChunkedWithExtensionsAndTrailers) {
  std::string s =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: 3\r\n\r\n"
      "5;name=val\r\nhello\r\n"
      "A \r\n, world!!!\r\n"
      "1\r\n\n\r\n"
      "0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n";
  Result r = parse(s, {});
  ASSERT_EQ(r.status, Status::kDone) << r.error;
  EXPECT_TRUE(r.c.head.chunked);
  EXPECT_EQ(r.c.head.content_length, -1);  // Transfer-Encoding wins
  EXPECT_EQ(r.c.body, "hello, world!!!\n");
  EXPECT_EQ(r.consumed, s.size());
  expect_split_invariant(s);
}

TEST(HttpResponseParser, ChunkedUpperHexAndBareLf) {
  std::string body(0x1F, 'x');
  std::string s = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n1F\n" + body + "\n0\n\n";
  Result r = parse(s, {});
  ASSERT_EQ(r.status, Status::kDone) << r.error;
  EXPECT_EQ(r.c.body, body);
  expect_split_invariant(s);
}

TEST(HttpResponseParser, ChunkedErrors) {
  auto bad = [](const std::string& chunks) {
    return parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks, {}).status;
  };
  EXPECT_EQ(bad("zz\r\n"), Status::kError);
  EXPECT_EQ(bad("\r\n"), Status::kError);
  EXPECT_EQ(bad("3\r\nabcX\r\n"), Status::kError);         // no CRLF after data
  EXPECT_EQ(bad("1000000000000000\r\n"), Status::kError);  // size overflow
  EXPECT_EQ(bad("3\r\nab"), Status::kNeedMore);
}

TEST(HttpResponseParser, CloseDelimitedBodyEndsAtEof) {
  std::string s = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body";
  Result r = parse(s, {}, /*eof=*/true);
  ASSERT_EQ(r.status, Status::kDone);
  EXPECT_FALSE(r.c.head.keep_alive);
  EXPECT_EQ(r.c.body, "some body");
  expect_split_invariant(s, true);
}

TEST(HttpResponseParser, EofBeforeCompletionIsAnError) {
  Result r = parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc", {}, true);
  EXPECT_EQ(r.status, Status::kError);
  EXPECT_NE(r.error.find("before the response was complete"), std::string::npos);
  r = parse("", {}, true);
  EXPECT_EQ(r.status, Status::kError);
  EXPECT_NE(r.error.find("before any response byte"), std::string::npos);
  r = parse("HTTP/1.1 200 OK\r\nContent-", {}, true);
  EXPECT_EQ(r.status, Status::kError);
}

TEST(HttpResponseParser, NoBodyStatusesAndInterimResponses) {
  Result r = parse("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", {});
  EXPECT_EQ(r.status, Status::kDone);
  EXPECT_EQ(r.c.body, "");
  std::string s =
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\n"
      "HTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nz";
  r = parse(s, {});
  ASSERT_EQ(r.status, Status::kDone);
  EXPECT_EQ(r.c.heads, 1);
  EXPECT_EQ(r.c.head.status, 201);
  EXPECT_EQ(r.c.body, "z");
  expect_split_invariant(s);
  EXPECT_EQ(parse("HTTP/1.1 101 Switching Protocols\r\n\r\n", {}).status, Status::kError);
}

TEST(HttpResponseParser, ConnectionHeaderAndVersionDefaults) {
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n", {})
                   .c.head.keep_alive);
  EXPECT_FALSE(parse("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", {}).c.head.keep_alive);
  EXPECT_TRUE(parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", {})
                  .c.head.keep_alive);
  EXPECT_TRUE(parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", {}).c.head.keep_alive);
}

TEST(HttpResponseParser, EventStreamContentType) {
  auto r = parse(
      "HTTP/1.1 200 OK\r\nContent-Type: Text/Event-Stream; charset=utf-8\r\n"
      "Content-Length: 0\r\n\r\n",
      {});
  EXPECT_TRUE(r.c.head.event_stream);
  r = parse("HTTP/1.1 200 OK\r\nContent-Type: text/event-streamx\r\nContent-Length: 0\r\n\r\n", {});
  EXPECT_FALSE(r.c.head.event_stream);
}

// Header names and tokens match in any case, eight bytes at a time: every casing of every
// letter of "content-length" still finds the length, and no other byte passes for a letter or
// a dash: not those just outside A-Z ('@', '['), not '\r' (which OR 0x20 turns into '-'), not
// 0xC3 (which masking to seven bits turns into 'C').
TEST(HttpResponseParser, HeaderNamesMatchInAnyCaseAndNothingElse) {
  const std::string name = "content-length";
  for (size_t i = 0; i < name.size(); ++i) {
    std::string n = name;
    for (size_t j = 0; j <= i; ++j) n[j] = char(std::toupper(static_cast<unsigned char>(n[j])));
    auto r = parse("HTTP/1.1 200 OK\r\n" + n + ": 2\r\n\r\nab", {});
    ASSERT_EQ(r.status, Status::kDone) << n;
    EXPECT_EQ(r.c.head.content_length, 2) << n;
  }
  for (const char* n : {"content-lengt@", "content-lengt[", "content\rlength", "\xc3ontent-length",
                        "content-length\x01", "contentXlength", "transfer-encodin@"}) {
    auto r =
        parse(std::string("HTTP/1.1 200 OK\r\n") + n + ": 2\r\nContent-Length: 1\r\n\r\na", {});
    EXPECT_EQ(r.status, Status::kDone) << n;
    EXPECT_EQ(r.c.head.content_length, 1) << n;
    EXPECT_FALSE(r.c.head.chunked) << n;
  }
  EXPECT_FALSE(parse("HTTP/1.1 200 OK\r\nCONNECTION: CLOSE\r\nContent-Length: 0\r\n\r\n", {})
                   .c.head.keep_alive);
  EXPECT_TRUE(
      parse("HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: ChUnKeD\r\n\r\n0\r\n\r\n", {}).c.head.chunked);
}

TEST(HttpResponseParser, MalformedHeads) {
  for (const char* s :
       {"HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 20 OK\r\n\r\n",
        "FOO\r\n\r\n", "HTTP/1.1 200 OK\r\nNoColon\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1, 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n"}) {
    EXPECT_EQ(parse(s, {}).status, Status::kError) << s;
  }
  EXPECT_EQ(parse("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nab", {}).status, Status::kDone);
  std::string huge = "HTTP/1.1 200 OK\r\nX: " + std::string(70000, 'a');
  EXPECT_EQ(parse(huge, {1000}).status, Status::kError);
}

TEST(HttpResponseParser, ResetParsesTheNextResponse) {
  HttpResponseParser p;
  Collect c;
  std::string a = "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\noops";
  ASSERT_EQ(p.feed(a.data(), a.size(), c), Status::kDone);
  EXPECT_EQ(c.reason, "Internal Server Error");
  EXPECT_EQ(p.head().status, 500);
  EXPECT_EQ(p.head().reason, "Internal Server Error");
  p.reset();
  EXPECT_TRUE(p.nothing_received());
  std::string b = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
  ASSERT_EQ(p.feed(b.data(), b.size(), c), Status::kDone);
  EXPECT_EQ(c.body, "oopsok");
  EXPECT_EQ(c.head.status, 200);
}

/// Parser + framer as the client runs them, over a recorded stream wrapped in chunked framing.
struct SseSink : HttpResponseParser::Sink {
  SseFramer framer;
  record::RequestRecord rec;
  int64_t ts = 0;
  bool sse = false;
  void on_head(const ResponseHead& h) override { sse = h.event_stream; }
  void on_body(const char* p, size_t n) override { framer.feed(p, n, ts, rec); }
};

std::string chunked_sse_response(const std::string& body) {
  std::string s =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  size_t pos = 0, step = 1;
  char hex[32];
  while (pos < body.size()) {
    size_t n = std::min(step, body.size() - pos);
    snprintf(hex, sizeof hex, "%zx\r\n", n);
    s += hex;
    s.append(body, pos, n);
    s += "\r\n";
    pos += n;
    step = step * 7 % 997 + 1;  // irregular chunk sizes, independent of event boundaries
  }
  return s + "0\r\n\r\n";
}

std::vector<test::Ev> run_chunked(const std::string& wire, const std::vector<size_t>& cuts) {
  HttpResponseParser p;
  SseSink sink;
  size_t pos = 0;
  std::vector<size_t> ends = cuts;
  ends.push_back(wire.size());
  Status st = Status::kNeedMore;
  for (size_t e : ends) {
    sink.ts++;
    st = p.feed(wire.data() + pos, e - pos, sink);
    pos = e;
  }
  EXPECT_EQ(st, Status::kDone);
  EXPECT_TRUE(sink.sse);
  sink.framer.finish(sink.ts, sink.rec);
  return test::events_of(sink.rec);
}

TEST(HttpResponseParser, ChunkedSseFixturesSameEventsAtEverySplit) {
  for (auto& path : test::sse_fixtures()) {
    SCOPED_TRACE(path.string());
    std::string body = test::read_file(path);
    std::string wire = chunked_sse_response(body);
    // Reference: the framer alone over the raw body.
    SseFramer f;
    record::RequestRecord rec;
    f.feed(body.data(), body.size(), 1, rec);
    f.finish(1, rec);
    auto ref = test::events_of(rec);
    ASSERT_EQ(run_chunked(wire, {}), ref);
    // Every split for the smaller streams; a prime stride for the largest keeps this fast.
    size_t stride = wire.size() > 20000 ? 13 : 1;
    for (size_t k = 0; k <= wire.size(); k += stride) ASSERT_EQ(run_chunked(wire, {k}), ref) << k;
    std::vector<size_t> cuts;
    for (size_t i = 1; i < wire.size(); ++i) cuts.push_back(i);
    ASSERT_EQ(run_chunked(wire, cuts), ref);
  }
}

}  // namespace
}  // namespace aiperf::transport
