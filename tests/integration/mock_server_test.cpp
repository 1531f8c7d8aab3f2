// aiperf-mock-server over 127.0.0.1, driven by curl and raw sockets: every endpoint, every fault,
// TLS, and the ground-truth log checked against what the client saw.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;

const char* kChat17 =
    R"({"model":"m","messages":[{"role":"user","content":"Tell me a story about a benchmark."}],)"
    R"("stream":true,"max_completion_tokens":17,"stream_options":{"include_usage":true}})";

std::vector<std::string> post_args(const MockServerProcess& m, const std::string& path,
                                   const std::string& body) {
  return {"-H", "Content-Type: application/json", "-d", body, m.url() + path};
}

std::vector<json> jsonl(const std::string& path) {
  std::vector<json> out;
  std::string text = read_file(path);
  size_t i = 0;
  while (i < text.size()) {
    size_t nl = text.find('\n', i);
    if (nl == std::string::npos) nl = text.size();
    if (nl > i) out.push_back(json::parse(text.substr(i, nl - i)));
    i = nl + 1;
  }
  return out;
}

struct Stream {
  std::vector<json> chunks;  // parsed data events before [DONE]
  bool done = false;
  int content_chunks = 0;
  std::string content;
};

Stream parse_stream(const std::string& body) {
  Stream s;
  for (const std::string& d : sse_data(body)) {
    if (d == "[DONE]") {
      s.done = true;
      continue;
    }
    json j = json::parse(d);
    if (!j["choices"].empty()) {
      const json& c = j["choices"][0];
      std::string piece =
          c.contains("delta") ? c["delta"].value("content", "") : c.value("text", "");
      if (!piece.empty()) {
        ++s.content_chunks;
        s.content += piece;
      }
    }
    s.chunks.push_back(std::move(j));
  }
  return s;
}

TEST(MockServer, BasicEndpoints) {
  MockServerProcess m;
  CurlResult r = curl({m.url() + "/v1/models"});
  ASSERT_EQ(r.http_status, 200);
  EXPECT_EQ(json::parse(r.body)["data"][0]["id"], "mock-model");
  EXPECT_EQ(curl({m.url() + "/health"}).http_status, 200);
  r = curl({m.url() + "/nope"});
  EXPECT_EQ(r.http_status, 404);
  EXPECT_TRUE(json::parse(r.body).contains("error"));
  EXPECT_EQ(curl({m.url() + "/v1/chat/completions"}).http_status, 405);
  r = curl(post_args(m, "/v1/chat/completions", "{not json"));
  EXPECT_EQ(r.http_status, 400);
  EXPECT_TRUE(json::parse(r.body)["error"].contains("message"));
  r = curl(post_args(m, "/v1/embeddings", R"({"model":"m","input":["a","b"]})"));
  ASSERT_EQ(r.http_status, 200);
  json e = json::parse(r.body);
  ASSERT_EQ(e["data"].size(), 2u);
  EXPECT_EQ(e["data"][0]["embedding"].size(), 768u);
}

TEST(MockServer, StreamingChatMatchesGroundTruth) {
  std::string dir = make_temp_dir();
  std::string gt = dir + "/gt.jsonl";
  MockServerProcess m({"--ttft", "30", "--itl", "4", "--record-requests", gt});
  auto args = post_args(m, "/v1/chat/completions", kChat17);
  args.insert(args.begin(), {"-H", "X-Request-Id: req-1"});
  CurlResult r = curl(args);
  ASSERT_EQ(r.http_status, 200) << r.body;
  EXPECT_NE(r.headers.find("text/event-stream"), std::string::npos);
  Stream s = parse_stream(r.body);
  EXPECT_TRUE(s.done);
  ASSERT_EQ(s.content_chunks, 17);
  EXPECT_EQ(s.chunks.front()["choices"][0]["delta"]["role"], "assistant");
  EXPECT_EQ(s.chunks[16]["choices"][0]["finish_reason"], "length");
  EXPECT_TRUE(s.chunks[15]["choices"][0]["finish_reason"].is_null());
  const json& usage = s.chunks.back()["usage"];
  EXPECT_TRUE(s.chunks.back()["choices"].empty());
  EXPECT_EQ(usage["completion_tokens"], 17);
  // One " word" per token.
  size_t words = 0;
  for (char c : s.content) words += c == ' ';
  EXPECT_EQ(words, 17u);

  // The record is written once the response is out, which curl may see first: stopping the
  // server waits for it (a busy CI machine once read an empty log here).
  m.stop();
  auto recs = jsonl(gt);
  ASSERT_EQ(recs.size(), 1u);
  const json& g = recs[0];
  EXPECT_EQ(g["output_tokens"], 17);
  EXPECT_EQ(g["requested_max_tokens"], 17);
  EXPECT_EQ(g["isl"], usage["prompt_tokens"]);
  EXPECT_EQ(g["headers"]["x-request-id"], "req-1");
  EXPECT_EQ(g["stream"], true);
  EXPECT_EQ(g["status"], 200);
  ASSERT_EQ(g["token_offsets_ns"].size(), 17u);
  int64_t start = g["request_complete_mono_ns"];
  int64_t first = g["first_token_mono_ns"];
  int64_t last = g["last_token_mono_ns"];
  EXPECT_GE(first - start, 30'000'000);  // never early
  EXPECT_GE(last - start, 30'000'000 + 16 * 4'000'000);
  EXPECT_GE(last - first, 16 * 4'000'000);  // mean ITL never below --itl
  EXPECT_LE(int64_t(g["arrival_mono_ns"]), start);
  EXPECT_GE(int64_t(g["completion_mono_ns"]), last);
  int64_t prev = 0;
  for (int64_t off : g["token_offsets_ns"]) {
    EXPECT_GE(off, prev);
    prev = off;
  }
}

TEST(MockServer, NonStreamingCompletionsAndChat) {
  MockServerProcess m({"--fast"});
  CurlResult r = curl(
      post_args(m, "/v1/completions", R"({"model":"m","prompt":"hello world","max_tokens":5})"));
  ASSERT_EQ(r.http_status, 200);
  json j = json::parse(r.body);
  EXPECT_EQ(j["usage"]["completion_tokens"], 5);
  EXPECT_EQ(j["object"], "text_completion");
  r = curl(
      post_args(m, "/v1/chat/completions",
                R"({"model":"m","messages":[{"role":"user","content":"hi"}],"max_tokens":3})"));
  j = json::parse(r.body);
  EXPECT_EQ(j["choices"][0]["message"]["role"], "assistant");
  EXPECT_EQ(j["usage"]["completion_tokens"], 3);
  // Streaming completions.
  r = curl(post_args(m, "/v1/completions", R"({"prompt":"a b c","max_tokens":4,"stream":true})"));
  Stream s = parse_stream(r.body);
  EXPECT_EQ(s.content_chunks, 4);
  EXPECT_TRUE(s.done);
}

TEST(MockServer, ReasoningModelsStreamReasoningFirst) {
  MockServerProcess m({"--fast"});
  CurlResult r = curl(post_args(
      m, "/v1/chat/completions",
      R"({"model":"openai/gpt-oss-20b","messages":[{"role":"user","content":"q"}],"stream":true,)"
      R"("max_tokens":150,"reasoning_effort":"low","stream_options":{"include_usage":true}})"));
  int reasoning = 0, content = 0;
  bool content_seen = false;
  for (const std::string& d : sse_data(r.body)) {
    if (d == "[DONE]") continue;
    json j = json::parse(d);
    if (j["choices"].empty()) {
      EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 100);
      EXPECT_EQ(j["usage"]["completion_tokens"], 150);  // reasoning counted inside max_tokens
      continue;
    }
    const json& delta = j["choices"][0]["delta"];
    if (delta.contains("reasoning_content")) {
      EXPECT_FALSE(content_seen);
      ++reasoning;
    }
    if (delta.contains("content")) {
      content_seen = true;
      ++content;
    }
  }
  EXPECT_EQ(reasoning, 100);  // low effort = 100 reasoning tokens
  EXPECT_EQ(content, 50);     // what max_tokens leaves of 150
}

TEST(MockServer, RankingLatencyHasItsOwnOptions) {
  std::string gt = make_temp_dir() + "/gt.jsonl";
  MockServerProcess m({"--embedding-base-latency", "0", "--embedding-per-input-latency", "0",
                       "--ranking-base-latency", "200", "--ranking-per-passage-latency", "40",
                       "--record-requests", gt});
  CurlResult r = curl(post_args(m, "/rerank", R"({"query":"q","texts":["a b","c"]})"));
  ASSERT_EQ(r.http_status, 200) << r.body;
  EXPECT_EQ(json::parse(r.body).size(), 2u);
  m.stop();
  auto recs = jsonl(gt);
  ASSERT_EQ(recs.size(), 1u);
  const int64_t start = recs[0]["request_complete_mono_ns"];
  const int64_t answered = recs[0]["last_token_mono_ns"];
  EXPECT_GE(answered - start, 280'000'000);  // 200 + 2 passages x 40 ms, never early
}

TEST(MockServer, ErrorInjection) {
  {
    MockServerProcess m({"--error-rate", "100"});
    CurlResult r = curl(
        post_args(m, "/v1/chat/completions", R"({"messages":[{"role":"user","content":"x"}]})"));
    EXPECT_EQ(r.http_status, 500);
    EXPECT_EQ(json::parse(r.body)["error"]["message"], "Simulated error");
  }
  {
    MockServerProcess m({"--error-every", "2", "--error-status", "429", "--fast"});
    std::vector<int> codes;
    for (int i = 0; i < 4; ++i)
      codes.push_back(
          curl(post_args(m, "/v1/completions", R"({"prompt":"x","max_tokens":1})")).http_status);
    EXPECT_EQ(codes, (std::vector<int>{200, 429, 200, 429}));
  }
}

TEST(MockServer, ApiKeyRequired) {
  MockServerProcess m({"--api-key", "sekrit", "--fast"});
  const char* body = R"({"prompt":"x","max_tokens":1})";
  EXPECT_EQ(curl(post_args(m, "/v1/completions", body)).http_status, 401);
  auto args = post_args(m, "/v1/completions", body);
  args.insert(args.begin(), {"-H", "Authorization: Bearer wrong"});
  EXPECT_EQ(curl(args).http_status, 401);
  args = post_args(m, "/v1/completions", body);
  args.insert(args.begin(), {"-H", "Authorization: Bearer sekrit"});
  EXPECT_EQ(curl(args).http_status, 200);
  EXPECT_EQ(curl({m.url() + "/health"}).http_status, 200);
}

TEST(MockServer, OversizedBodyIs413) {
  MockServerProcess m({"--max-body-bytes", "100"});
  std::string big = R"({"prompt":")" + std::string(200, 'a') + R"("})";
  EXPECT_EQ(curl(post_args(m, "/v1/completions", big)).http_status, 413);
}

TEST(MockServer, ReadinessDelays) {
  MockServerProcess m(
      {"--models-ready-delay-seconds", "1.5", "--inference-ready-delay-seconds", "1.5", "--fast"});
  EXPECT_EQ(curl({m.url() + "/v1/models"}).http_status, 503);
  EXPECT_EQ(curl(post_args(m, "/v1/completions", R"({"prompt":"x"})")).http_status, 503);
  std::this_thread::sleep_for(std::chrono::milliseconds(1700));
  EXPECT_EQ(curl({m.url() + "/v1/models"}).http_status, 200);
  EXPECT_EQ(curl(post_args(m, "/v1/completions", R"({"prompt":"x"})")).http_status, 200);
}

TEST(MockServer, ResetMidStream) {
  std::string gt = make_temp_dir() + "/gt.jsonl";
  MockServerProcess m({"--fault-reset-every", "1", "--fault-reset-after-tokens", "5", "--ttft", "5",
                       "--itl", "1", "--record-requests", gt});
  CurlResult r = curl(post_args(m, "/v1/chat/completions", kChat17));
  EXPECT_NE(r.exit_code, 0);  // curl: 56 (recv failure) or 18 (partial)
  Stream s = parse_stream(r.body);
  EXPECT_EQ(s.content_chunks, 5);
  EXPECT_FALSE(s.done);
  auto recs = jsonl(gt);
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0]["outcome"], "reset");
  EXPECT_EQ(recs[0]["output_tokens"], 5);
}

TEST(MockServer, StallMidStream) {
  MockServerProcess m(
      {"--fault-stall-every", "1", "--fault-stall-seconds", "0.4", "--ttft", "1", "--itl", "1"});
  auto t0 = std::chrono::steady_clock::now();
  CurlResult r = curl(post_args(m, "/v1/chat/completions", kChat17));
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(parse_stream(r.body).content_chunks, 17);
  EXPECT_GE(s, 0.4);
}

TEST(MockServer, MalformedChunk) {
  MockServerProcess m({"--fault-malformed-every", "1", "--fast"});
  CurlResult r = curl(post_args(m, "/v1/chat/completions", kChat17));
  int bad = 0, good = 0;
  for (const std::string& d : sse_data(r.body)) {
    if (d == "[DONE]") continue;
    if (json::accept(d))
      ++good;
    else
      ++bad;
  }
  EXPECT_EQ(bad, 1);
  EXPECT_EQ(good, 18);  // 17 tokens + usage
}

TEST(MockServer, SseVariants) {
  struct V {
    std::vector<std::string> args;
    std::string must_contain;
    int content_chunks;
  } variants[] = {
      {{"--sse-line-ending", "crlf"}, "\r\n\r\n", 17},
      {{"--sse-line-ending", "cr"}, "\r\r", 17},
      {{"--sse-no-space"}, "data:{", 17},
      {{"--sse-keepalive-comments"}, ": keep-alive", 17},
      {{"--sse-multiline-data"}, "\ndata: ,\"object\"", 17},
      {{"--tokens-per-chunk", "4"}, "data: ", 5},
      {{"--sse-events-per-write", "3"}, "data: ", 17},
  };
  for (const auto& v : variants) {
    std::vector<std::string> args = v.args;
    args.push_back("--fast");
    MockServerProcess m(args);
    CurlResult r = curl(post_args(m, "/v1/chat/completions", kChat17));
    EXPECT_NE(r.body.find(v.must_contain), std::string::npos) << v.args[0];
    Stream s = parse_stream(r.body);
    EXPECT_EQ(s.content_chunks, v.content_chunks) << v.args[0];
    EXPECT_TRUE(s.done) << v.args[0];
    EXPECT_EQ(s.chunks.back()["usage"]["completion_tokens"], 17) << v.args[0];
  }
}

// Each socket write of a chunked stream is one HTTP chunk: the number of token events in
// each chunk, read with curl --raw.
std::vector<int> content_events_per_write(const MockServerProcess& m, int max_tokens) {
  auto args = post_args(m, "/v1/chat/completions",
                        R"({"model":"m","messages":[{"role":"user","content":"hi"}],)"
                        R"("stream":true,"max_tokens":)" +
                            std::to_string(max_tokens) + "}");
  args.insert(args.begin(), "--raw");
  CurlResult r = curl(args);
  std::vector<int> out;
  const std::string& d = r.body;
  for (size_t i = 0; i < d.size();) {
    const size_t eol = d.find("\r\n", i);
    if (eol == std::string::npos) break;
    const size_t n = std::stoul(d.substr(i, eol - i), nullptr, 16);
    if (n == 0) break;
    const std::string chunk = d.substr(eol + 2, n);
    int events = 0;
    for (size_t k = chunk.find("\"content\""); k != std::string::npos;
         k = chunk.find("\"content\"", k + 1)) {
      ++events;
    }
    if (events > 0) out.push_back(events);
    i = eol + 2 + n + 2;
  }
  return out;
}

// --fast: every token is due at once, and a write per event cost the server ~7 us on a 2-core
// VM (mostly waking the reader): 148k events/s; it writes 16 events at a time unless
// --sse-events-per-write says otherwise (docs/mock-server.md "Performance").
TEST(MockServer, FastWritesSixteenEventsAtATimeUnlessTold) {
  MockServerProcess fast({"--fast"});
  EXPECT_EQ(content_events_per_write(fast, 40), (std::vector<int>{16, 16, 8}));
  MockServerProcess one({"--fast", "--sse-events-per-write", "1"});
  EXPECT_EQ(content_events_per_write(one, 40), std::vector<int>(40, 1));
  MockServerProcess paced({"--ttft", "1", "--itl", "0.1"});
  EXPECT_EQ(content_events_per_write(paced, 5), std::vector<int>(5, 1));
}

TEST(MockServer, SlowHeaders) {
  MockServerProcess m({"--slow-headers-ms", "300", "--fast"});
  auto t0 = std::chrono::steady_clock::now();
  CurlResult r = curl(post_args(m, "/v1/completions", R"({"prompt":"x","max_tokens":2})"));
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.http_status, 200);
  EXPECT_GE(s, 0.3);
}

TEST(MockServer, CloseAfterResponseAdvertisesKeepAlive) {
  MockServerProcess m({"--close-after-response", "--fast"});
  RawResult r = raw_exchange(m.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 3000);
  EXPECT_NE(r.data.find("Connection: keep-alive"), std::string::npos);
  EXPECT_TRUE(r.peer_closed);
  MockServerProcess normal({"--fast"});
  RawResult k = raw_exchange(normal.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", 300);
  EXPECT_FALSE(k.peer_closed);
}

int count_of(const std::string& hay, const std::string& needle) {
  int n = 0;
  for (size_t p = hay.find(needle); p != std::string::npos; p = hay.find(needle, p + 1)) ++n;
  return n;
}

TEST(MockServer, PipelinedChunkedAndSplitRequests) {
  MockServerProcess m({"--fast"});
  std::string body = R"({"prompt":"x y","max_tokens":2})";
  char hex[16];
  std::snprintf(hex, sizeof hex, "%zx", body.size() - 5);
  std::string chunked =
      "POST /v1/completions HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
      std::string(hex) + "\r\n" + body.substr(0, body.size() - 5) + "\r\n5\r\n" +
      body.substr(body.size() - 5) + "\r\n0\r\n\r\n";
  std::string plain =
      "POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  std::string get = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
  // All three in one write (pipelined), then the same bytes 7 at a time.
  for (size_t piece : {size_t(0), size_t(7)}) {
    RawResult r = raw_exchange(m.port(), chunked + plain + get, 3000, piece, piece ? 1 : 0);
    EXPECT_EQ(count_of(r.data, "HTTP/1.1 200 OK"), 3) << r.data;
    EXPECT_EQ(count_of(r.data, "\"completion_tokens\":2"), 2);
    EXPECT_TRUE(r.peer_closed);  // Connection: close on the last one
  }
}

TEST(MockServer, ExpectContinueAndHttp10Streaming) {
  MockServerProcess m({"--fast"});
  std::string body = R"({"prompt":"x","max_tokens":3,"stream":true})";
  // Head first, body 200 ms later: the server must ask for the body with 100 Continue.
  std::string head =
      "POST /v1/completions HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
      "Content-Length: " +
      std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
  ASSERT_GT(head.size(), body.size());
  RawResult r = raw_exchange(m.port(), head + body, 3000, head.size(), 200);
  EXPECT_EQ(r.data.rfind("HTTP/1.1 100 Continue\r\n\r\n", 0), 0u) << r.data;
  EXPECT_NE(r.data.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(r.data.find("0\r\n\r\n"), std::string::npos);
  RawResult r10 = raw_exchange(m.port(),
                               "POST /v1/completions HTTP/1.0\r\nContent-Length: " +
                                   std::to_string(body.size()) + "\r\n\r\n" + body,
                               3000);
  EXPECT_EQ(r10.data.find("Transfer-Encoding"), std::string::npos);
  EXPECT_NE(r10.data.find("data: [DONE]"), std::string::npos);
  EXPECT_TRUE(r10.peer_closed);
}

TEST(MockServer, GarbageBytesGetAnErrorAndTheServerLives) {
  MockServerProcess m({"--fast"});
  for (const std::string& junk :
       {std::string("\x16\x03\x01\x02\x00\r\n\r\n", 9), std::string("GET\r\n\r\n"),
        std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"), std::string(100000, 'A')}) {
    RawResult r = raw_exchange(m.port(), junk, 2000);
    EXPECT_TRUE(r.peer_closed);
    if (!r.data.empty()) {
      EXPECT_EQ(r.data.rfind("HTTP/1.1 4", 0) == 0 || r.data.rfind("HTTP/1.1 5", 0) == 0, true)
          << r.data;
    }
  }
  EXPECT_EQ(curl({m.url() + "/health"}).http_status, 200);
}

TEST(MockServer, Tls) {
  MockServerProcess m({"--tls", "--fast"});
  ASSERT_EQ(m.url().rfind("https://", 0), 0u);
  CurlResult r = curl({"-k", m.url() + "/v1/models"});
  EXPECT_EQ(r.http_status, 200) << r.body;
  auto args = post_args(m, "/v1/chat/completions", kChat17);
  args.insert(args.begin(), "-k");
  r = curl(args);
  Stream s = parse_stream(r.body);
  EXPECT_EQ(s.content_chunks, 17);
  EXPECT_TRUE(s.done);
  // Without -k the self-signed certificate is refused: proves it really is TLS.
  EXPECT_NE(curl({m.url() + "/health"}).exit_code, 0);
}

TEST(MockServer, MetricsCountWhatWasServed) {
  MockServerProcess m({"--fast"});
  for (int i = 0; i < 3; ++i) curl(post_args(m, "/v1/chat/completions", kChat17));
  // /metrics: AIPerf's mock names by default.
  CurlResult a = curl({m.url() + "/metrics"});
  ASSERT_EQ(a.http_status, 200);
  EXPECT_NE(a.body.find("aiperf_mock_completion_tokens_total{endpoint=\"/v1/chat/completions\","
                        "model=\"mock-model\"} 51.0"),
            std::string::npos)
      << a.body;
  EXPECT_NE(a.body.find("aiperf_mock_requests_total{endpoint=\"/v1/chat/completions\",method="
                        "\"POST\",status=\"200\"} 3.0"),
            std::string::npos);
  CurlResult r = curl({m.url() + "/vllm/metrics"});
  ASSERT_EQ(r.http_status, 200);
  const std::string l = "{engine=\"0\",model_name=\"mock-model\"}";
  EXPECT_NE(r.body.find("vllm:generation_tokens_total" + l + " 51.0"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("vllm:e2e_request_latency_seconds_count" + l + " 3.0"), std::string::npos);
  EXPECT_NE(r.body.find("vllm:num_requests_running" + l + " 0.0"), std::string::npos);
  EXPECT_NE(r.body.find("vllm:request_success_total{engine=\"0\",finished_reason=\"length\","
                        "model_name=\"mock-model\"} 3.0"),
            std::string::npos);
  // Each family at /<family>/metrics; DCGM-shaped GPUs at /dcgm1 and /dcgm2.
  EXPECT_NE(curl({m.url() + "/llamacpp/metrics"}).body.find("llamacpp:tokens_predicted_total 51"),
            std::string::npos);
  CurlResult d = curl({m.url() + "/dcgm2/metrics"});
  EXPECT_NE(d.body.find("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"1\""), std::string::npos)
      << d.body;
}

TEST(MockServer, TrtllmFamilyAnswersJsonAtMetrics) {
  MockServerProcess m({"--fast", "--metrics-family", "trtllm"});
  CurlResult r = curl({m.url() + "/metrics"});
  EXPECT_NE(r.headers.find("application/json"), std::string::npos) << r.headers;
  EXPECT_EQ(r.body.front(), '[');
  CurlResult p = curl({m.url() + "/prometheus/metrics"});
  EXPECT_NE(p.body.find("# TYPE trtllm:time_to_first_token_seconds histogram"), std::string::npos);
}

TEST(MockServer, PortInUseIsAnError) {
  MockServerProcess m({"--fast"});
  CommandResult r =
      run_command({MOCK_BIN, "--host", "127.0.0.1", "--port", std::to_string(m.port())}, 10);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
}

TEST(MockServer, HalfClosedClientStillGetsItsAnswer) {
  MockServerProcess m({"--fast"});
  // nc-style client: request, then shutdown(SHUT_WR); the answer must still come.
  CommandResult r = run_command(
      {"python3", "-c",
       "import socket,sys; s=socket.create_connection(('127.0.0.1'," + std::to_string(m.port()) +
           ")); s.sendall(b'GET /health HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'); "
           "s.shutdown(socket.SHUT_WR); d=b''\nwhile True:\n c=s.recv(4096)\n if not c: break\n "
           "d+=c\n"
           "sys.stdout.write(d.decode())"},
      10);
  EXPECT_NE(r.out.find("200 OK"), std::string::npos) << r.out << r.err;
  EXPECT_NE(r.out.find("healthy"), std::string::npos);
}

TEST(MockServer, SigtermExitsCleanly) {
  std::string gt = make_temp_dir() + "/gt.jsonl";
  MockServerProcess m({"--fast", "--record-requests", gt});
  curl(post_args(m, "/v1/completions", R"({"prompt":"x","max_tokens":1})"));
  EXPECT_NE(m.log().find("listening on http://127.0.0.1:" + std::to_string(m.port())),
            std::string::npos);
  EXPECT_EQ(m.stop(), 0);
  EXPECT_EQ(jsonl(gt).size(), 1u);
}

}  // namespace
}  // namespace aiperf::testing
