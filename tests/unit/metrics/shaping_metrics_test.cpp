// Issue 11 metrics, hand-computed: inter_token_latency_per_token on hand-made chunk streams,
// the http_req_* breakdown from transport stamps, the network-adjusted distributions.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "aiperf/export/export.h"
#include "test_util.h"

namespace aiperf::metrics {
namespace {

using test::compute;
using test::context;
using test::make_record;

/// A stream of `chunks` content chunks `gap` ns apart after `ttft`, `k` tokens each.
record::ProcessedRecord chunk_stream(int chunks, int64_t ttft, int64_t gap, int64_t k) {
  std::vector<int64_t> ts;
  for (int i = 0; i < chunks; ++i) ts.push_back(1000 + ttft + i * gap);
  auto r = make_record(1000, ts, /*out=*/chunks * k, /*in=*/10);
  r.first_chunk_tokens = k;
  return r;
}

TEST(PerTokenItl, SpreadsEachChunkGapOverItsTokens) {
  // 10 chunks of 4 tokens, 20 ms apart: 5 ms per token. AIPerf's ITL divides the same span by
  // OSL − 1 = 39 tokens instead of 36 and so reads low.
  auto v = compute(chunk_stream(10, 50'000'000, 20'000'000, 4), context(true));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInterTokenLatencyPerToken), 5'000'000.0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInterTokenLatency), 9 * 20'000'000.0 / 39.0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kOutputTokensPerChunk), 4.0);
  EXPECT_EQ(v.inter_chunk_ns.size(), 9u);
}

TEST(PerTokenItl, EqualsItlWhenEveryChunkCarriesOneToken) {
  auto v = compute(chunk_stream(6, 30, 7, 1), context(true));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInterTokenLatencyPerToken),
                   *v.get(MetricId::kInterTokenLatency));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kOutputTokensPerChunk), 1.0);
}

TEST(PerTokenItl, UnevenChunks) {
  // Chunks of 3, 1, 5, 2 tokens at 100, 130, 160, 250: gaps 30 (1 token), 30 (5), 90 (2).
  auto r = make_record(0, {100, 130, 160, 250}, /*out=*/11);
  r.first_chunk_tokens = 3;
  auto v = compute(r, context(true));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kInterTokenLatencyPerToken), 150.0 / 8.0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kOutputTokensPerChunk), 11.0 / 4.0);
}

TEST(PerTokenItl, NoValueWithoutTheFirstChunkCountOrASecondChunk) {
  auto r = chunk_stream(5, 10, 10, 2);
  r.first_chunk_tokens.reset();
  EXPECT_FALSE(compute(r, context(true)).has(MetricId::kInterTokenLatencyPerToken));
  auto one = chunk_stream(1, 10, 10, 8);
  EXPECT_FALSE(compute(one, context(true)).has(MetricId::kInterTokenLatencyPerToken));
  // Everything arrived in the first chunk's count (tokenizer disagreement): no value.
  auto all = chunk_stream(3, 10, 10, 2);
  all.first_chunk_tokens = 6;
  EXPECT_FALSE(compute(all, context(true)).has(MetricId::kInterTokenLatencyPerToken));
  // Not streaming: none of it.
  EXPECT_FALSE(compute(chunk_stream(5, 10, 10, 2), context(false))
                   .has(MetricId::kInterTokenLatencyPerToken));
}

TEST(PerTokenItl, ConsoleSaysWhenChunksCarriedSeveralTokens) {
  Aggregator agg(context(true));
  for (int i = 0; i < 4; ++i) agg.add(chunk_stream(10, 50'000'000, 20'000'000, 4));
  auto res = agg.finish();
  std::string panel = exporter::render_chunk_tokens_notice(res);
  EXPECT_NE(panel.find("4.0 output tokens on average"), std::string::npos) << panel;
  EXPECT_NE(panel.find("avg 5.00 ms"), std::string::npos) << panel;
  Aggregator one(context(true));
  one.add(chunk_stream(10, 50, 20, 1));
  EXPECT_EQ(exporter::render_chunk_tokens_notice(one.finish()), "");
}

record::ProcessedRecord traced(bool reused, bool tls) {
  auto r = make_record(1000, {5000, 6000, 7000}, 3, 10);
  r.end_ns = 7200;
  r.connection_reused = reused;
  r.bytes_sent = 2048;
  r.bytes_received = 4096;
  auto& t = r.trace;
  if (!reused) {
    t.connect_start_ns = 1000;
    t.connect_end_ns = 1100;
    if (tls) {
      t.tls_start_ns = 1100;
      t.tls_end_ns = 1400;
    }
  }
  t.send_start_ns = reused ? 1000 : (tls ? 1400 : 1100);
  r.sent_ns = t.send_start_ns + 50;
  t.first_byte_ns = 4900;
  t.write_calls = 1;
  t.body_reads = 4;
  return r;
}

TEST(HttpTrace, FreshTlsConnectionBreakdownAddsUp) {
  auto v = compute(traced(false, true), context(true));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqBlocked), 0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqDnsLookup), 0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqConnecting), 400);  // TCP + TLS, as AIPerf
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqTlsHandshaking), 300);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqSending), 50);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqWaiting), 4900 - 1450);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqReceiving), 7200 - 4900);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqDuration), 7200 - 1400);  // from send start
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqDuration), *v.get(MetricId::kHttpReqSending) +
                                                           *v.get(MetricId::kHttpReqWaiting) +
                                                           *v.get(MetricId::kHttpReqReceiving));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqTotal), 7200 - 1000);  // connect start to end
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqConnectionOverhead), 400);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqConnectionReused), 0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqDataSent), 2048);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqChunksReceived), 4);
  EXPECT_DOUBLE_EQ(metric_info(MetricId::kHttpReqDataSent).to_display(2048), 2.0);  // KB
}

TEST(HttpTrace, ReusedConnectionHasNoConnectTime) {
  auto v = compute(traced(true, false), context(false));
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqConnecting), 0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqTlsHandshaking), 0);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqConnectionReused), 1);
  EXPECT_DOUBLE_EQ(*v.get(MetricId::kHttpReqTotal), *v.get(MetricId::kHttpReqDuration));
  // One body read: no receiving time.
  auto r = traced(true, false);
  r.trace.body_reads = 1;
  r.trace.first_byte_ns = r.end_ns;
  EXPECT_DOUBLE_EQ(*compute(r, context(false)).get(MetricId::kHttpReqReceiving), 0);
}

TEST(HttpTrace, ErrorRecordsGetNone) {
  auto e = test::make_error(0, 500, "Internal Server Error", "boom");
  EXPECT_FALSE(compute(e, context(true)).has(MetricId::kHttpReqDuration));
}

TEST(HttpTrace, JsonlTraceDataOnlyWithTheFlag) {
  auto r = traced(false, true);
  r.trace.reads = {{4900, 100}, {7200, 20}};
  RunContext ctx = context(true);
  auto v = compute(r, ctx);
  EXPECT_EQ(exporter::JsonlWriter::render_line(r, v, ctx).find("trace_data"), std::string::npos);
  ctx.export_http_trace = true;
  auto j = nlohmann::json::parse(exporter::JsonlWriter::render_line(r, v, ctx));
  const auto& t = j["trace_data"];
  const int64_t w0 = test::kWall0;  // wall = kWall0 + mono for make_record
  EXPECT_EQ(t["tcp_connect_start_ns"], w0 + 1000);
  EXPECT_EQ(t["tls_handshake_end_ns"], w0 + 1400);
  EXPECT_EQ(t["request_send_start_ns"], w0 + 1400);
  EXPECT_EQ(t["request_send_end_ns"], w0 + 1450);
  EXPECT_EQ(t["response_receive_start_ns"], w0 + 4900);
  EXPECT_EQ(t["response_receive_end_ns"], w0 + 7200);
  EXPECT_EQ(t["connecting_ns"], 400);
  EXPECT_EQ(t["tls_handshaking_ns"], 300);
  EXPECT_EQ(t["duration_ns"], 5800);
  EXPECT_EQ(t["response_chunks"][1][0], w0 + 7200);
  EXPECT_EQ(t["response_chunks"][1][1], 20);
  EXPECT_EQ(t["response_chunks_count"], 4);
  EXPECT_FALSE(t.contains("connection_reused_ns"));
  EXPECT_EQ(j["metrics"]["http_req_connecting"]["unit"], "ms");
}

TEST(NetworkAdjusted, SubtractsTheRttFromEverySampleAndClampsAtZero) {
  RunContext ctx = context(true);
  ctx.network_latency = true;
  ctx.finalize();
  Aggregator agg(ctx);
  for (int64_t lat : {3'000'000, 5'000'000, 9'000'000}) {
    auto r = make_record(0, {lat / 3, lat}, 2, 10);
    r.first_output_ts = lat / 3;
    agg.add(r);
  }
  agg.set_network_rtt(2'000'000);
  auto res = agg.finish();
  const auto* rtt = res.find(MetricId::kNetworkRtt);
  ASSERT_TRUE(rtt);
  EXPECT_DOUBLE_EQ(rtt->value, 2.0);  // ms
  const auto* adj = res.find(MetricId::kNetworkAdjustedRequestLatency);
  const auto* raw = res.find(MetricId::kRequestLatency);
  ASSERT_TRUE(adj && raw && adj->distribution);
  EXPECT_DOUBLE_EQ(adj->stats.avg, raw->stats.avg - 2.0);
  EXPECT_DOUBLE_EQ(adj->stats.p[4], raw->stats.p[4] - 2.0);
  EXPECT_NEAR(adj->stats.std, raw->stats.std, 1e-9);
  const auto* ttft = res.find(MetricId::kNetworkAdjustedTimeToFirstToken);
  ASSERT_TRUE(ttft);
  EXPECT_DOUBLE_EQ(ttft->stats.min, 0.0);     // 1 ms TTFT − 2 ms RTT, clamped
  ASSERT_EQ(res.network_clamped.size(), 2u);  // TTFT and TTFO
  EXPECT_EQ(res.network_clamped[0], "network_adjusted_time_to_first_token");
  EXPECT_NE(exporter::render_network_clamp_warning(res).find("clamped"), std::string::npos);
}

TEST(NetworkAdjusted, AbsentWithoutTheFlagOrAnRtt) {
  Aggregator agg(context(true));
  agg.add(make_record(0, {100, 200}, 2, 10));
  agg.set_network_rtt(50);
  EXPECT_FALSE(agg.finish().find(MetricId::kNetworkRtt));  // not applicable
  RunContext ctx = context(true);
  ctx.network_latency = true;
  ctx.finalize();
  Aggregator no_rtt(ctx);
  no_rtt.add(make_record(0, {100, 200}, 2, 10));
  EXPECT_FALSE(no_rtt.finish().find(MetricId::kNetworkAdjustedRequestLatency));
}

}  // namespace
}  // namespace aiperf::metrics
