#include "aiperf/transport/url.h"

#include <gtest/gtest.h>

namespace aiperf::transport {
namespace {

TEST(Url, ParsesSchemeHostPortPathQuery) {
  auto u = parse_url("http://Example.com:8080/v1/x?a=1&b=2#frag");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "example.com");
  EXPECT_EQ(u->port, 8080);
  EXPECT_EQ(u->path, "/v1/x");
  EXPECT_EQ(u->query, "a=1&b=2");
  EXPECT_EQ(u->fragment, "frag");
  EXPECT_FALSE(u->tls());
  EXPECT_EQ(u->host_header(), "example.com:8080");
}

TEST(Url, DefaultsSchemeAndPorts) {
  auto u = parse_url("localhost:8000");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->scheme, "http");
  EXPECT_EQ(u->host, "localhost");
  EXPECT_EQ(u->port, 8000);
  EXPECT_EQ(u->path, "");

  u = parse_url("https://api.example.com");
  ASSERT_TRUE(u);
  EXPECT_TRUE(u->tls());
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->host_header(), "api.example.com");

  u = parse_url("http://10.0.0.7/");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->host, "10.0.0.7");
  EXPECT_EQ(u->path, "/");
  EXPECT_EQ(u->host_header(), "10.0.0.7");
}

TEST(Url, ParsesBracketedIpv6) {
  auto u = parse_url("http://[::1]:9000/v1");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 9000);
  EXPECT_TRUE(u->ipv6_literal());
  EXPECT_EQ(u->host_header(), "[::1]:9000");
  u = parse_url("https://[fe80::1%25eth0]");
  EXPECT_FALSE(u);  // zone ids are not supported
  u = parse_url("https://[2001:db8::2]");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->port, 443);
  EXPECT_EQ(u->host_header(), "[2001:db8::2]");
}

TEST(Url, RejectsBadInput) {
  std::string err;
  EXPECT_FALSE(parse_url("", &err));
  EXPECT_FALSE(parse_url("ftp://x", &err));
  EXPECT_NE(err.find("scheme"), std::string::npos);
  EXPECT_FALSE(parse_url("http://host:0", &err));
  EXPECT_FALSE(parse_url("http://host:65536", &err));
  EXPECT_FALSE(parse_url("http://host:", &err));
  EXPECT_FALSE(parse_url("http://host:8x", &err));
  EXPECT_FALSE(parse_url("http://user:pw@host", &err));
  EXPECT_FALSE(parse_url("http://[::1", &err));
  EXPECT_FALSE(parse_url("http:///path", &err));
  EXPECT_FALSE(parse_url("http://ho st/", &err));
}

TEST(Url, JoinRulesOfSpec51) {
  EXPECT_EQ(join_endpoint_path("", "v1/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(join_endpoint_path("/", "/v1/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(join_endpoint_path("/v1", "v1/chat/completions"), "/v1/chat/completions");
  EXPECT_EQ(join_endpoint_path("/v1/", "v1/completions"), "/v1/completions");
  EXPECT_EQ(join_endpoint_path("/v1/chat/completions", "v1/chat/completions"),
            "/v1/chat/completions");
  EXPECT_EQ(join_endpoint_path("/api/v1/chat/completions/", "v1/chat/completions"),
            "/api/v1/chat/completions");
  EXPECT_EQ(join_endpoint_path("/proxy", "v1/chat/completions"), "/proxy/v1/chat/completions");
  EXPECT_EQ(join_endpoint_path("/xv1", "v1/models"), "/xv1/v1/models");
  EXPECT_EQ(join_endpoint_path("/a/v1", ""), "/a/v1");
  EXPECT_EQ(join_endpoint_path("", ""), "/");
  // "ends with /<path>" means a whole segment, not a suffix of a segment.
  EXPECT_EQ(join_endpoint_path("/mychat/completions", "chat/completions"),
            "/mychat/completions/chat/completions");
}

TEST(Url, RequestTargetKeepsBaseQueryAndDropsFragment) {
  auto u = parse_url("http://h:1/v1?api-version=2024#top");
  ASSERT_TRUE(u);
  EXPECT_EQ(request_target(*u, "v1/chat/completions"), "/v1/chat/completions?api-version=2024");
  EXPECT_EQ(request_target(*u, "v1/chat/completions", "x=1"),
            "/v1/chat/completions?api-version=2024&x=1");
  auto plain = parse_url("h:1");
  ASSERT_TRUE(plain);
  EXPECT_EQ(request_target(*plain, "/v1/completions"), "/v1/completions");
  EXPECT_EQ(request_target(*plain, "", "a=b"), "/?a=b");
}

}  // namespace
}  // namespace aiperf::transport
