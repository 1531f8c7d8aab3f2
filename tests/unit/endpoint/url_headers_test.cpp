// URL joining, request headers, UUIDs and the endpoint registry (spec §5.1, DESIGN §5).
#include <gtest/gtest.h>

#include <cstdio>
#include <set>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {
namespace {

TEST(JoinUrl, Rules) {
  EXPECT_EQ(join_url("http://localhost:8000", "/v1/chat/completions"),
            "http://localhost:8000/v1/chat/completions");
  EXPECT_EQ(join_url("localhost:8000/", "/v1/chat/completions"),
            "http://localhost:8000/v1/chat/completions");
  EXPECT_EQ(join_url("http://h/v1", "/v1/chat/completions"), "http://h/v1/chat/completions");
  EXPECT_EQ(join_url("http://h/v1/", "v1/completions"), "http://h/v1/completions");
  EXPECT_EQ(join_url("http://h/v1/chat/completions", "/v1/chat/completions"),
            "http://h/v1/chat/completions");
  EXPECT_EQ(join_url("https://h/openai//", "/v1/chat/completions"),
            "https://h/openai/v1/chat/completions");
  EXPECT_EQ(join_url("http://h/api?api-version=1#frag", "/v1/completions"),
            "http://h/api/v1/completions?api-version=1#frag");
  EXPECT_EQ(join_url("http://h:1/x/", ""), "http://h:1/x/");  // empty path: URL as given
  EXPECT_EQ(join_url("http://h", "generate"), "http://h/generate");
}

TEST(RequestUrl, CustomEndpointAndRoundRobin) {
  config::Config cfg;
  cfg.urls = {"http://a:1", "http://b:2/v1"};
  auto chat = create("chat");
  EXPECT_EQ(request_url(cfg, *chat, 0), "http://a:1/v1/chat/completions");
  EXPECT_EQ(request_url(cfg, *chat, 1), "http://b:2/v1/chat/completions");
  EXPECT_EQ(request_url(cfg, *chat, 2), "http://a:1/v1/chat/completions");
  cfg.custom_endpoint = "/my/path";
  EXPECT_EQ(request_url(cfg, *chat, 0), "http://a:1/my/path");
  cfg.custom_endpoint = "";
  EXPECT_EQ(request_url(cfg, *chat, 0), "http://a:1");
  EXPECT_EQ(create("completions")->info().endpoint_path, "/v1/completions");
}

TEST(RequestHeaders, OrderAndValues) {
  config::Config cfg;
  cfg.streaming = true;
  cfg.api_key = "sk-secret";
  cfg.headers = {{"X-Custom", "1"}};
  RequestHeaders h(cfg, "1.2.3");
  std::string out;
  h.append(out, "rid", "cid");
  EXPECT_EQ(out,
            "User-Agent: aiperf/1.2.3\r\nX-Request-ID: rid\r\nX-Correlation-ID: cid\r\n"
            "X-Custom: 1\r\nAuthorization: Bearer sk-secret\r\nAccept: text/event-stream\r\n"
            "Content-Type: application/json\r\n");
  std::string red = h.redacted("rid", "cid");
  EXPECT_EQ(red.find("sk-secret"), std::string::npos);
  EXPECT_NE(red.find("Authorization: <redacted>"), std::string::npos);
  EXPECT_NE(red.find("X-Custom: 1"), std::string::npos);
}

TEST(RequestHeaders, LaterHeadersReplaceInPlace) {
  config::Config cfg;
  cfg.headers = {{"user-agent", "mine"}, {"Accept", "*/*"}, {"X-Correlation-ID", "fixed"}};
  RequestHeaders h(cfg);
  std::string out;
  h.append(out, "rid", "cid");
  // -H user-agent replaces the value at User-Agent's place; Accept (transport) replaces -H Accept
  EXPECT_EQ(out,
            "User-Agent: mine\r\nX-Request-ID: rid\r\nX-Correlation-ID: fixed\r\n"
            "Accept: application/json\r\nContent-Type: application/json\r\n");
}

TEST(Uuid4, FormatVersionVariantAndDistinct) {
  std::string a = uuid4(0x0123456789abcdefull, 0xfedcba9876543210ull);
  ASSERT_EQ(a.size(), 36u);
  EXPECT_EQ(a, "01234567-89ab-4def-bedc-ba9876543210");
  std::set<std::string> seen;
  for (uint64_t i = 0; i < 100; ++i) {
    std::string u = uuid4(i * 0x9E3779B97F4A7C15ull, ~i * 0xBF58476D1CE4E5B9ull);
    EXPECT_EQ(u[14], '4');
    EXPECT_NE(std::string("89ab").find(u[19]), std::string::npos);
    EXPECT_EQ(u[8], '-');
    EXPECT_EQ(u[23], '-');
    seen.insert(u);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Uuid4, EveryDigitAsPrintfWritesIt) {
  uint64_t x = 0x243F6A8885A308D3ull;
  for (int i = 0; i < 2000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const uint64_t hi = (x & ~0xF000ull) | 0x4000ull;
    const uint64_t y = x * 0x9E3779B97F4A7C15ull;
    const uint64_t lo = (y & ~(3ull << 62)) | (2ull << 62);
    char want[40];
    std::snprintf(want, sizeof want, "%08llx-%04llx-%04llx-%04llx-%012llx",
                  (unsigned long long)(hi >> 32), (unsigned long long)((hi >> 16) & 0xffff),
                  (unsigned long long)(hi & 0xffff), (unsigned long long)(lo >> 48),
                  (unsigned long long)(lo & 0xffffffffffffull));
    ASSERT_EQ(uuid4(x, y), want) << i;
  }
}

TEST(Registry, BuiltinsAndRegistration) {
  ASSERT_GE(registry().size(), 2u);
  EXPECT_EQ(registry()[0].name, "chat");
  EXPECT_EQ(registry()[2].name, "completions");  // AIPerf's choice order
  auto c = create(config::EndpointType::kChat);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->info().name, "chat");
  EXPECT_EQ(c->info().metrics_title, "LLM Metrics");
  EXPECT_EQ(c->info().service_kind, "openai");
  EXPECT_TRUE(c->info().produces_tokens);
  EXPECT_EQ(create(config::EndpointType::kCompletions)->info().name, "completions");
  EXPECT_EQ(create("nope"), nullptr);
  EXPECT_FALSE(register_endpoint(
      "chat", "dup", +[]() -> std::unique_ptr<Endpoint> { return nullptr; }));
  EXPECT_TRUE(register_endpoint(
      "test-null", "test", +[]() -> std::unique_ptr<Endpoint> { return create("completions"); }));
  EXPECT_EQ(create("test-null")->info().name, "completions");
}

}  // namespace
}  // namespace aiperf::endpoint
