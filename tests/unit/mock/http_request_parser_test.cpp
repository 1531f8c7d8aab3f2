#include "aiperf/mock/http_request_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace aiperf::mock {
namespace {

using S = HttpRequestParser::Status;

S feed(HttpRequestParser& p, std::string_view bytes) {
  p.append(bytes.data(), bytes.size());
  return p.parse();
}

TEST(HttpRequestParser, SimpleGet) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p, "GET /v1/models?x=1 HTTP/1.1\r\nHost: a\r\n\r\n"), S::kComplete);
  EXPECT_EQ(p.request().method, "GET");
  EXPECT_EQ(p.request().target, "/v1/models?x=1");
  EXPECT_EQ(p.request().path(), "/v1/models");
  EXPECT_EQ(p.request().header("HOST"), "a");
  EXPECT_TRUE(p.request().keep_alive);
  EXPECT_TRUE(p.request().body.empty());
}

TEST(HttpRequestParser, ContentLengthBodyByteByByte) {
  std::string req =
      "POST /v1/chat/completions HTTP/1.1\r\nContent-Length: 11\r\nX-Request-Id: r1\r\n\r\n"
      "hello world";
  HttpRequestParser p;
  S st = S::kNeedMore;
  for (size_t i = 0; i < req.size(); ++i) {
    st = feed(p, req.substr(i, 1));
    if (i + 1 < req.size()) {
      ASSERT_EQ(st, S::kNeedMore) << "at byte " << i;
    }
  }
  ASSERT_EQ(st, S::kComplete);
  EXPECT_EQ(p.request().body, "hello world");
  EXPECT_EQ(p.request().header("x-request-id"), "r1");
}

TEST(HttpRequestParser, ChunkedBodyWithExtensionsAndTrailers) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p,
                 "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"),
            S::kComplete);
  EXPECT_EQ(p.request().body, "hello world");
}

TEST(HttpRequestParser, PipelinedRequestsKeepTheirBytes) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p, "GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\nGET /c"), S::kComplete);
  EXPECT_EQ(p.request().target, "/a");
  p.consume();
  ASSERT_EQ(p.parse(), S::kComplete);
  EXPECT_EQ(p.request().target, "/b");
  p.consume();
  EXPECT_EQ(p.parse(), S::kNeedMore);
  ASSERT_EQ(feed(p, " HTTP/1.1\r\n\r\n"), S::kComplete);
  EXPECT_EQ(p.request().target, "/c");
}

TEST(HttpRequestParser, ConnectionSemantics) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n"), S::kComplete);
  EXPECT_FALSE(p.request().keep_alive);
  p.consume();
  ASSERT_EQ(feed(p, "GET / HTTP/1.0\r\n\r\n"), S::kComplete);
  EXPECT_FALSE(p.request().keep_alive);
  EXPECT_EQ(p.request().version_minor, 0);
  p.consume();
  ASSERT_EQ(feed(p, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), S::kComplete);
  EXPECT_TRUE(p.request().keep_alive);
}

TEST(HttpRequestParser, ExpectContinueReportedBeforeBody) {
  HttpRequestParser p;
  ASSERT_EQ(feed(p, "POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
            S::kHeadersDone);
  EXPECT_TRUE(p.request().expect_continue);
  EXPECT_EQ(p.parse(), S::kNeedMore);
  ASSERT_EQ(feed(p, "abc"), S::kComplete);
  EXPECT_EQ(p.request().body, "abc");
}

TEST(HttpRequestParser, LimitsGive413And431) {
  HttpRequestLimits lim;
  lim.max_body_bytes = 10;
  lim.max_header_bytes = 64;
  {
    HttpRequestParser p(lim);
    ASSERT_EQ(feed(p, "POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n"), S::kError);
    EXPECT_EQ(p.error_status(), 413);
  }
  {
    HttpRequestParser p(lim);
    ASSERT_EQ(feed(p, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nb\r\n"), S::kError);
    EXPECT_EQ(p.error_status(), 413);
  }
  {
    HttpRequestParser p(lim);
    ASSERT_EQ(feed(p, "GET / HTTP/1.1\r\nX-Long: " + std::string(100, 'a')), S::kError);
    EXPECT_EQ(p.error_status(), 431);
  }
}

TEST(HttpRequestParser, MalformedInputsGive4xx5xx) {
  struct Case {
    const char* bytes;
    int status;
  } cases[] = {
      {"GARBAGE\r\n\r\n", 400},
      {"GET / HTTP/2.0\r\n\r\n", 505},
      {"GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\nBad Name: x\r\n\r\n", 400},
      {"GET / HTTP/1.1\r\n folded\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400},
      {"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY", 400},
  };
  for (const auto& c : cases) {
    HttpRequestParser p;
    EXPECT_EQ(feed(p, c.bytes), S::kError) << c.bytes;
    EXPECT_EQ(p.error_status(), c.status) << c.bytes;
  }
}

TEST(HttpRequestParser, RandomBytesNeverCrash) {
  std::mt19937_64 rng(42);
  const std::string alphabet = "GETPOST /HTP1.0\r\n:chunkedContent-Length 0123456789abcdef;\t";
  for (int iter = 0; iter < 3000; ++iter) {
    HttpRequestLimits lim;
    lim.max_body_bytes = 256;
    lim.max_header_bytes = 512;
    HttpRequestParser p(lim);
    std::string bytes;
    size_t n = rng() % 600;
    for (size_t i = 0; i < n; ++i)
      bytes.push_back(rng() % 4 == 0 ? char(rng() % 256) : alphabet[rng() % alphabet.size()]);
    size_t off = 0;
    while (off < bytes.size()) {
      size_t k = 1 + rng() % 40;
      if (off + k > bytes.size()) k = bytes.size() - off;
      p.append(bytes.data() + off, k);
      off += k;
      S st = p.parse();
      if (st == S::kError) {
        EXPECT_GE(p.error_status(), 400);
        break;
      }
      if (st == S::kComplete) {
        EXPECT_LE(p.request().body.size(), lim.max_body_bytes);
        p.consume();
      }
    }
  }
}

}  // namespace
}  // namespace aiperf::mock
