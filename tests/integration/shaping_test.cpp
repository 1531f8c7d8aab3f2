// Load shaping, cancellation, HTTP timing detail and per-token ITL against the real mock server
// (issue 11). Every timing claim is checked against the mock's ground truth (--record-requests):
// both processes stamp CLOCK_MONOTONIC and map it to epoch ns, so client and server instants
// compare directly (to a few µs of anchor skew).
#include <time.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
constexpr int64_t kMs = 1'000'000;
constexpr int64_t kSkewNs = 1 * kMs;  // cross-process epoch mapping, generously

struct ShapedRun {
  CommandResult result;
  std::string dir;
  std::vector<json> records() const { return read_jsonl(dir + "/profile_export.jsonl"); }
  json summary() const {
    std::ifstream f(dir + "/profile_export_aiperf.json");
    return json::parse(f);
  }
};

ShapedRun profile(const MockServerProcess& m, const std::vector<std::string>& args,
                  int timeout_s = 60) {
  ShapedRun r;
  r.dir = make_temp_dir("aiperf-shaping");
  std::vector<std::string> argv = {
      AIPERF_BIN,   "profile",     "--ui",    "none",           "--url", m.url(),         "--model",
      "mock-model", "--tokenizer", "builtin", "--artifact-dir", r.dir,   "--random-seed", "7"};
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, timeout_s);
  return r;
}

std::string gt_path() {
  return make_temp_dir("aiperf-gt") + "/gt.jsonl";
}

/// Most intervals [start, end) open at one instant (an end at the same instant as a start
/// closes first).
int max_overlap(const std::vector<std::pair<int64_t, int64_t>>& spans) {
  std::vector<std::pair<int64_t, int>> ev;
  for (const auto& [a, b] : spans) {
    ev.emplace_back(a, +1);
    ev.emplace_back(b, -1);
  }
  std::sort(ev.begin(), ev.end());
  int c = 0, m = 0;
  for (const auto& [t, d] : ev) m = std::max(m, c += d);
  return m;
}

/// The answered requests of a ground-truth log as (+1 at arrival, −1 at completion) events in
/// time order (wall ns): the running sum is the number in flight at the server.
std::vector<std::pair<int64_t, int>> inflight_events(const std::string& gt) {
  std::vector<std::pair<int64_t, int>> ev;
  for (const json& x : read_jsonl(gt)) {
    if (x["outcome"] != "ok") continue;
    ev.emplace_back(x["arrival_wall_ns"], +1);
    ev.emplace_back(x["completion_wall_ns"], -1);
  }
  std::sort(ev.begin(), ev.end());
  return ev;
}

/// The local-time ISO start_time of the summary (µs) as epoch ns (truncated: never later).
int64_t iso_local_to_epoch_ns(const std::string& iso) {
  std::tm tm{};
  int us = 0;
  std::sscanf(iso.c_str(), "%d-%d-%dT%d:%d:%d.%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
              &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &us);
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  return int64_t(mktime(&tm)) * 1'000'000'000 + int64_t(us) * 1000;
}

// --prefill-concurrency: at no instant do more requests sit between their arrival at the server
// and their first token than the cap. The server's interval of each request lies inside the
// client's slot (acquired before sending, released after the first token is read), so the
// ground truth bounds the client exactly.
TEST(Shaping, PrefillConcurrencyNeverExceedsItsCap) {
  const std::string gt = gt_path();
  MockServerProcess m({"--ttft", "40", "--itl", "2", "--record-requests", gt});
  ShapedRun r =
      profile(m, {"--streaming", "--concurrency", "8", "--prefill-concurrency", "2",
                  "--request-count", "32", "--osl", "20", "--extra-inputs", "ignore_eos:true"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto g = read_jsonl(gt);
  ASSERT_EQ(g.size(), 32u);
  std::vector<std::pair<int64_t, int64_t>> prefill, inflight;
  for (const json& x : g) {
    ASSERT_EQ(x["outcome"], "ok");
    prefill.emplace_back(x["arrival_mono_ns"], x["first_token_mono_ns"]);
    inflight.emplace_back(x["arrival_mono_ns"], x["completion_mono_ns"]);
  }
  EXPECT_LE(max_overlap(prefill), 2);
  EXPECT_EQ(max_overlap(prefill), 2);   // the cap is what limits: 8 sessions want to send
  EXPECT_GT(max_overlap(inflight), 2);  // decoding requests do not hold a prefill slot
  // Waiting for a slot is shaping, not client lateness: most requests waited a TTFT (40 ms) or
  // more for their slot, yet the typical send lateness is the client's own (microseconds).
  EXPECT_LT(double(r.summary()["send_lateness"]["p50"]), 10.0) << r.result.out;
}

// --request-cancellation-rate 100 --request-cancellation-delay 0.1: every request is sent in
// full, the client disconnects 100 ms after the last byte was written, and the record is a 499.
TEST(Shaping, CancellationProduces499RecordsAtTheDelay) {
  const std::string gt = gt_path();
  MockServerProcess m({"--ttft", "600", "--itl", "2", "--record-requests", gt});
  ShapedRun r = profile(m, {"--streaming", "--concurrency", "2", "--request-count", "6",
                            "--request-cancellation-rate", "100", "--request-cancellation-delay",
                            "0.1", "--export-http-trace"});
  EXPECT_EQ(r.result.exit_code, 1) << r.result.err;  // every request "failed"
  std::map<std::string, json> by_id;
  for (const json& x : read_jsonl(gt)) by_id[x["headers"].value("x-request-id", "")] = x;
  auto recs = r.records();
  ASSERT_EQ(recs.size(), 6u);
  for (const json& rec : recs) {
    const json& md = rec["metadata"];
    EXPECT_EQ(md["was_cancelled"], true);
    EXPECT_EQ(rec["error"]["code"], 499);
    EXPECT_EQ(rec["error"]["type"], "RequestCancellationError");
    EXPECT_EQ(rec["error"]["message"], "Request cancelled 0.100s after being sent");
    const int64_t sent = rec["trace_data"]["request_send_end_ns"];
    const int64_t cancelled = md["cancellation_time_ns"];
    EXPECT_GE(cancelled - sent, 100 * kMs);  // never early
    const json& s = by_id.at(md["x_request_id"]);
    // The server read the whole request, produced nothing (TTFT 600 ms: the cancellation came
    // first) and saw the disconnect after the client cancelled and 100 ms after the send.
    EXPECT_EQ(s["outcome"], "client_closed");
    EXPECT_TRUE(s["first_token_mono_ns"].is_null());
    const int64_t closed = s["completion_wall_ns"];
    EXPECT_GE(closed + kSkewNs, cancelled);
    EXPECT_GE(closed + kSkewNs, sent + 100 * kMs);
    // Upper bound from the ground truth: the server had produced nothing when it saw the close,
    // so the close came within its TTFT of the request, and the client's cancellation (which
    // preceded the close) too. (The server's own arrival stamp is no bound: a busy server reads
    // the request late.)
    EXPECT_LT(closed, int64_t(s["request_complete_wall_ns"]) + 600 * kMs);
    EXPECT_LT(cancelled - sent, 600 * kMs);
  }
}

TEST(Shaping, PartialCancellationRateCancelsSomeAndKeepsTheRest) {
  MockServerProcess m({"--ttft", "300", "--itl", "1"});
  ShapedRun r = profile(m, {"--streaming", "--concurrency", "8", "--request-count", "40",
                            "--request-cancellation-rate", "50", "--request-cancellation-delay",
                            "0.02", "--osl", "2"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  int cancelled = 0, ok = 0;
  for (const json& rec : r.records()) {
    if (!rec.contains("error")) {  // no null keys: a success has no "error"
      ++ok;
      EXPECT_EQ(rec["metadata"]["was_cancelled"], false);
    } else {
      ++cancelled;
      EXPECT_EQ(rec["error"]["code"], 499);
    }
  }
  EXPECT_EQ(ok + cancelled, 40);
  EXPECT_GT(cancelled, 0);  // Binomial(40, 1/2): 0 or 40 has probability 2^-39
  EXPECT_GT(ok, 0);
}

// --concurrency 4 --concurrency-ramp-duration 1.5: limits 1, 2, 3, 4 from 0, 0.5, 1.0, 1.5 s
// after the phase start. The server never holds more requests than the limit at that instant,
// and each level is reached before the next step.
TEST(Shaping, ConcurrencyRampStepsAtTheRightTimes) {
  const std::string gt = gt_path();
  MockServerProcess m({"--ttft", "20", "--itl", "5", "--record-requests", gt});
  ShapedRun r = profile(
      m, {"--streaming", "--concurrency", "4", "--concurrency-ramp-duration", "1.5",
          "--benchmark-duration", "2.5", "--osl", "10", "--extra-inputs", "ignore_eos:true"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  const int64_t start = iso_local_to_epoch_ns(r.summary()["start_time"]);
  std::map<int, int64_t> first_reached;
  int c = 0;
  for (const auto& [t, d] : inflight_events(gt)) {
    c += d;
    if (d > 0 && !first_reached.count(c)) first_reached[c] = t;
    // The limit at t: 1 + floor((t - start) / 0.5 s), at most 4.
    const int64_t limit =
        std::min<int64_t>(4, 1 + std::max<int64_t>(0, t + kSkewNs - start) / (500 * kMs));
    ASSERT_LE(c, limit) << "at +" << (t - start) / 1e6 << " ms";
  }
  ASSERT_EQ(first_reached.size(), 4u);  // the target was reached
  for (int v = 2; v <= 4; ++v) {
    const int64_t step = start + (v - 1) * 500 * kMs;
    EXPECT_GE(first_reached[v] + kSkewNs, step) << v;
    EXPECT_LT(first_reached[v], step + 500 * kMs) << v;  // before the next step
  }
}

// --concurrency-ramp-strategy exponential: the step to v comes at D·sqrt((v−1)/(T−1)) (AIPerf's
// ease-in curve, exponent 2): for T = 4, D = 1.6 s at 0.924 s, 1.306 s and 1.6 s.
TEST(Shaping, ExponentialConcurrencyRampStepsOnItsCurve) {
  const std::string gt = gt_path();
  MockServerProcess m({"--ttft", "20", "--itl", "5", "--record-requests", gt});
  ShapedRun r =
      profile(m, {"--streaming", "--concurrency", "4", "--concurrency-ramp-duration", "1.6",
                  "--concurrency-ramp-strategy", "exponential", "--benchmark-duration", "2.5",
                  "--osl", "10", "--extra-inputs", "ignore_eos:true"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  const int64_t start = iso_local_to_epoch_ns(r.summary()["start_time"]);
  const auto step_ns = [](int v) {
    return int64_t(std::llround(1.6e9 * std::sqrt(double(v - 1) / 3.0)));
  };
  std::map<int, int64_t> first_reached;
  int c = 0;
  for (const auto& [t, d] : inflight_events(gt)) {
    c += d;
    if (d > 0 && !first_reached.count(c)) first_reached[c] = t;
    int limit = 1;
    while (limit < 4 && start + step_ns(limit + 1) <= t + kSkewNs) ++limit;
    ASSERT_LE(c, limit) << "at +" << (t - start) / 1e6 << " ms";
  }
  ASSERT_EQ(first_reached.size(), 4u);
  for (int v = 2; v <= 4; ++v) {
    EXPECT_GE(first_reached[v] + kSkewNs, start + step_ns(v)) << v;
    EXPECT_LT(first_reached[v], start + step_ns(v) + 250 * kMs) << v;  // a session starts at once
  }
}

// The warmup's own prefill cap (--warmup-prefill-concurrency) holds in the warmup, the profiling
// cap in the profiling phase. The warmup ends (every request answered) before profiling sends,
// so the first requests the mock saw are the warmup's.
TEST(Shaping, WarmupPrefillConcurrencyIsItsOwn) {
  const std::string gt = gt_path();
  MockServerProcess m({"--ttft", "40", "--itl", "2", "--record-requests", gt});
  ShapedRun r = profile(
      m, {"--streaming", "--concurrency", "6", "--prefill-concurrency", "3", "--request-count",
          "18", "--warmup-request-count", "12", "--warmup-prefill-concurrency", "1", "--osl", "10",
          "--extra-inputs", "ignore_eos:true"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto g = read_jsonl(gt);
  ASSERT_EQ(g.size(), 30u);
  std::sort(g.begin(), g.end(), [](const json& a, const json& b) {
    return int64_t(a["arrival_mono_ns"]) < int64_t(b["arrival_mono_ns"]);
  });
  std::vector<std::pair<int64_t, int64_t>> warm, prof;
  int64_t warm_end = 0;
  for (size_t i = 0; i < g.size(); ++i) {
    ASSERT_EQ(g[i]["outcome"], "ok");
    auto span = std::pair<int64_t, int64_t>(g[i]["arrival_mono_ns"], g[i]["first_token_mono_ns"]);
    if (i < 12) {
      warm.push_back(span);
      warm_end = std::max<int64_t>(warm_end, g[i]["completion_mono_ns"]);
    } else {
      prof.push_back(span);
      EXPECT_GE(span.first, warm_end);  // the phases do not overlap
    }
  }
  EXPECT_EQ(max_overlap(warm), 1);
  EXPECT_EQ(max_overlap(prof), 3);
  EXPECT_EQ(r.records().size(), 18u);  // warmup records are not results
}

/// A piecewise-constant rate: (start s, req/s), the last holding forever.
using RatePieces = std::vector<std::pair<double, double>>;

/// The time (s) at which the rate's integral from `t` reaches one request.
double next_arrival(const RatePieces& p, double t) {
  double left = 1.0;
  size_t i = 0;
  while (i + 1 < p.size() && p[i + 1].first <= t) ++i;
  for (;; ++i) {
    const double end = i + 1 < p.size() ? p[i + 1].first : 1e18;
    const double rate = p[i].second;
    if (rate > 0 && t + left / rate <= end) return t + left / rate;
    left -= rate * (end - t);
    t = end;
  }
}

/// Checks a constant-pattern rate run against its rate over time. Each record's target is its
/// start less its send lateness; the phase start is the summary's start_time. A scheduler that
/// falls behind restarts from "now" and never catches up (spec §11.8), so a late target only
/// lengthens its gap: every gap is at least the scheduled one, and the typical gap (the median
/// of the differences) is exactly it. Late targets also mean fewer requests, never more.
void expect_follows(const json& summary, const std::vector<json>& records, const RatePieces& p,
                    size_t at_most) {
  const int64_t zero = iso_local_to_epoch_ns(summary["start_time"]);
  std::vector<int64_t> sched;
  for (const json& rec : records) {
    const double late_ms = rec["metrics"]["send_lateness"]["value"];
    sched.push_back(int64_t(rec["metadata"]["request_start_ns"]) - std::llround(late_ms * 1e6));
  }
  std::sort(sched.begin(), sched.end());
  ASSERT_GE(sched.size(), 10u);
  EXPECT_LE(sched.size(), at_most);
  constexpr double kTolS = 50e-6;  // start_time is in µs; epoch mapping skew
  const double first = double(sched[0] - zero) / 1e9;
  EXPECT_GE(first, next_arrival(p, 0) - kTolS);
  std::vector<double> diffs;
  for (size_t i = 0; i + 1 < sched.size(); ++i) {
    const double t = double(sched[i] - zero) / 1e9;
    const double want = next_arrival(p, t) - t;
    const double got = double(sched[i + 1] - sched[i]) / 1e9;
    // A target measured a hair after a segment's last arrival would otherwise seem to owe that
    // segment a whole request: "never early" counts from the earliest time it could have been.
    const double earliest = next_arrival(p, t - kTolS) - t;
    EXPECT_GE(got, std::min(want, earliest) - kTolS) << "gap " << i << " at " << t << " s";
    diffs.push_back(got - want);
  }
  std::nth_element(diffs.begin(), diffs.begin() + diffs.size() / 2, diffs.end());
  EXPECT_NEAR(diffs[diffs.size() / 2], 0.0, kTolS);
}

// --request-rate 40 --request-rate-ramp-duration 1 (AIPerf's ramp: 4 req/s, +3.6 every 0.1 s,
// 40 from 1 s on) and a rate series, with constant arrivals.
TEST(Shaping, RateRampAndSeriesFollowTheSchedule) {
  MockServerProcess m({"--fast"});
  RatePieces ramp = {{0, 4.0}};
  for (int k = 1; k < 10; ++k) ramp.emplace_back(k * 0.1, 4.0 + 36.0 * k / 10);
  ramp.emplace_back(1.0, 40.0);
  ShapedRun r = profile(m, {"--request-rate", "40", "--request-rate-ramp-duration", "1",
                            "--arrival-pattern", "constant", "--benchmark-duration", "1.5"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  // ∫ rate over 1.5 s = 20.2 + 20 requests.
  expect_follows(r.summary(), r.records(), ramp, 40);
  // A series: 20 req/s for 0.5 s, a quiet 0.5 s, then 40 req/s; the run lasts the series (2 s):
  // 10 + 0 + 39 targets before its end.
  ShapedRun s = profile(
      m, {"--request-rate-series", "20:0.5s,0:500ms,40:1s", "--arrival-pattern", "constant"});
  ASSERT_EQ(s.result.exit_code, 0) << s.result.err;
  expect_follows(s.summary(), s.records(), {{0, 20.0}, {0.5, 0.0}, {1.0, 40.0}}, 49);
  for (const json& rec : s.records()) {  // nothing in the quiet segment
    const int64_t zero = iso_local_to_epoch_ns(s.summary()["start_time"]);
    const double late_ms = rec["metrics"]["send_lateness"]["value"];
    const double t =
        double(int64_t(rec["metadata"]["request_start_ns"]) - std::llround(late_ms * 1e6) - zero) /
        1e9;
    EXPECT_FALSE(t > 0.5 + 1e-4 && t < 1.0 - 1e-4) << t;
  }
}

// AIPerf's --request-rate-series FILE: control points interpolated linearly (sampled every
// 0.1 s) from the end of the rate ramp on; --request-rate until then.
TEST(Shaping, JsonRateSeriesInterpolatesAfterTheRamp) {
  MockServerProcess m({"--fast"});
  const std::string file = make_temp_dir("aiperf-series") + "/series.json";
  std::ofstream(file) << R"({"points": [{"time_s": 0, "qps": 10}, {"time_s": 1, "qps": 30}]})";
  // Ramp to 20 req/s over 0.5 s (start 20·0.1/0.5 = 4, +3.2 every 0.1 s), then 10 → 30 over 1 s,
  // then 30.
  RatePieces p = {{0, 4.0}};
  for (int k = 1; k < 5; ++k) p.emplace_back(k * 0.1, 4.0 + 16.0 * k / 5);
  for (int k = 0; k < 10; ++k) p.emplace_back(0.5 + k * 0.1, 10.0 + 20.0 * k / 10);
  p.emplace_back(1.5, 30.0);
  ShapedRun r = profile(
      m, {"--request-rate", "20", "--request-rate-ramp-duration", "0.5", "--request-rate-series",
          file, "--arrival-pattern", "constant", "--benchmark-duration", "2"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  // ∫ rate over 2 s = 6 (ramp) + 19 (series: the samples' sum ·0.1) + 15 = 40 targets at most.
  expect_follows(r.summary(), r.records(), p, 40);
  // The series is written back as points: run_config.yaml repeats the run without the file.
  const std::string cfg = read_file(r.dir + "/run_config.yaml");
  EXPECT_NE(cfg.find("rate_series:"), std::string::npos) << cfg;
  EXPECT_NE(cfg.find("qps: 30"), std::string::npos) << cfg;
}

// HTTP timing detail: fields present and consistent. On a fresh connection the phases cover
// the request from its TCP connect to its last byte; on a reused one there is no connect time.
TEST(Shaping, HttpTimingFieldsAreConsistent) {
  for (bool tls : {false, true}) {
    MockServerProcess m(tls ? std::vector<std::string>{"--tls", "--ttft", "5", "--itl", "1"}
                            : std::vector<std::string>{"--ttft", "5", "--itl", "1"});
    std::vector<std::string> args = {
        "--streaming", "--concurrency",       "3",     "--request-count",
        "9",           "--export-http-trace", "--osl", "5"};
    if (tls) args.push_back("--insecure");
    ShapedRun r = profile(m, args);
    ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
    int fresh = 0, reused = 0;
    for (const json& rec : r.records()) {
      const json& mt = rec["metrics"];
      const json& t = rec["trace_data"];
      auto ms = [&](const char* k) { return double(mt[k]["value"]); };
      const double sum = ms("http_req_sending") + ms("http_req_waiting") + ms("http_req_receiving");
      EXPECT_NEAR(ms("http_req_duration"), sum, 1e-6);
      EXPECT_NEAR(ms("http_req_total"), ms("http_req_connecting") + sum, 1e-6);
      EXPECT_NEAR(double(t["sending_ns"]) / 1e6, ms("http_req_sending"), 1e-9);
      EXPECT_LE(int64_t(t["request_send_start_ns"]), int64_t(t["request_send_end_ns"]));
      EXPECT_LE(int64_t(t["request_send_end_ns"]), int64_t(t["response_receive_start_ns"]));
      EXPECT_LE(int64_t(t["response_receive_start_ns"]), int64_t(t["response_receive_end_ns"]));
      if (mt["http_req_connection_reused"]["value"] == 1) {
        ++reused;
        EXPECT_EQ(ms("http_req_connecting"), 0.0);
        EXPECT_TRUE(t.contains("connection_reused_ns"));
        continue;
      }
      ++fresh;
      // connect (+TLS) + sending + waiting + receiving ≈ connect start to last byte.
      const double span =
          double(int64_t(t["response_receive_end_ns"]) - int64_t(t["tcp_connect_start_ns"])) / 1e6;
      EXPECT_NEAR(ms("http_req_total"), span, 1.0) << rec.dump();
      EXPECT_GT(ms("http_req_connecting"), 0.0);
      EXPECT_EQ(ms("http_req_tls_handshaking") > 0.0, tls);
      EXPECT_GE(ms("http_req_connecting"), ms("http_req_tls_handshaking"));
    }
    EXPECT_EQ(fresh, 3) << "tls=" << tls;  // one connection per concurrent session
    EXPECT_EQ(reused, 6) << "tls=" << tls;
  }
}

// --tokens-per-chunk 4 at --itl 5: a chunk every 20 ms carrying 4 tokens. With the running
// usage in every chunk (vLLM's continuous_usage_stats) token counts are exact, and the per-token
// ITL is the chunk gap over its tokens.
TEST(Shaping, TokensPerChunkGivesPerTokenItl) {
  const std::string gt = gt_path();
  MockServerProcess m(
      {"--ttft", "10", "--itl", "5", "--tokens-per-chunk", "4", "--record-requests", gt});
  ShapedRun r =
      profile(m, {"--streaming", "--concurrency", "2", "--request-count", "6", "--osl", "24",
                  "--extra-inputs", "ignore_eos:true", "--use-server-token-count", "--extra-inputs",
                  R"({"stream_options":{"include_usage":true,"continuous_usage_stats":true}})"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  for (const json& x : read_jsonl(gt)) EXPECT_EQ(x["tokens_per_chunk"], 4);
  for (const json& rec : r.records()) {
    const json& mt = rec["metrics"];
    EXPECT_EQ(mt["output_tokens_per_chunk"]["value"], 4.0);
    const auto& icl = mt["inter_chunk_latency"]["value"];
    double mean_gap = 0;
    for (double g : icl) mean_gap += g;
    mean_gap /= double(icl.size());
    EXPECT_NEAR(double(mt["inter_token_latency_per_token"]["value"]), mean_gap / 4, 1e-9);
    // AIPerf's ITL spreads the same span over OSL − 1 tokens.
    EXPECT_NEAR(double(mt["inter_token_latency"]["value"]), mean_gap * 5 / 23, 1e-9);
  }
  EXPECT_NE(r.result.out.find("Multi-Token Chunks"), std::string::npos) << r.result.out;
}

TEST(Shaping, NetworkLatencyAdjustsByTheMeasuredRtt) {
  MockServerProcess m({"--ttft", "5", "--itl", "1"});
  ShapedRun r =
      profile(m, {"--streaming", "--request-count", "4", "--osl", "4",
                  "--network-latency-automatic", "--network-latency-ping-interval", "0.05"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  json s = r.summary();
  ASSERT_TRUE(s.contains("network_rtt")) << s.dump();
  const double rtt = s["network_rtt"]["avg"];
  EXPECT_GT(rtt, 0.0);
  EXPECT_LT(rtt, 50.0);  // loopback
  EXPECT_NEAR(double(s["network_adjusted_request_latency"]["avg"]),
              double(s["request_latency"]["avg"]) - rtt, 1e-6);
  EXPECT_NEAR(double(s["network_adjusted_time_to_first_token"]["p50"]),
              double(s["time_to_first_token"]["p50"]) - rtt, 1e-6);
  // Every probe is a line of profile_export_network_latency.jsonl; their mean is the RTT.
  const auto probes = read_jsonl(r.dir + "/profile_export_network_latency.jsonl");
  ASSERT_GE(probes.size(), 5u);
  double sum = 0;
  for (const json& p : probes) {
    EXPECT_EQ(p["probe_type"], "tcp_connect");
    EXPECT_EQ(p["target_host"], "127.0.0.1");
    EXPECT_EQ(p["target_port"], m.port());
    ASSERT_TRUE(p["success"].get<bool>());
    sum += double(p["rtt_ns"]) / 1e6;
  }
  EXPECT_NEAR(sum / double(probes.size()), rtt, 1e-6);
  // A given RTT is used as is.
  ShapedRun f = profile(
      m, {"--streaming", "--request-count", "2", "--osl", "4", "--network-latency-mean", "0.5"});
  ASSERT_EQ(f.result.exit_code, 0) << f.result.err;
  EXPECT_DOUBLE_EQ(double(f.summary()["network_rtt"]["avg"]), 0.5);
  EXPECT_FALSE(std::ifstream(f.dir + "/profile_export_network_latency.jsonl").good());
}

// Bad input: exit 2, one line naming the flag, nothing sent.
TEST(Shaping, BadInputExitsTwoBeforeAnythingStarts) {
  const std::string gt = gt_path();
  MockServerProcess m({"--fast", "--record-requests", gt});
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--concurrency", "2", "--concurrency-ramp-duration", "30", "--benchmark-duration", "5"},
       "--concurrency-ramp-duration"},
      {{"--request-cancellation-rate", "150"}, "--request-cancellation-rate"},
      {{"--request-cancellation-rate", "0"}, "--request-cancellation-rate"},
      {{"--concurrency", "4", "--prefill-concurrency", "2"}, "--prefill-concurrency"},
      {{"--request-rate-series", "10:x"}, "--request-rate-series"},
      {{"--network-latency-automatic", "--network-latency-mean", "2"}, "--network-latency"},
  };
  for (const auto& [args, flag] : cases) {
    ShapedRun r = profile(m, args);
    EXPECT_EQ(r.result.exit_code, 2) << flag << ": " << r.result.err;
    EXPECT_NE(r.result.err.find(flag), std::string::npos) << r.result.err;
    EXPECT_EQ(std::count(r.result.err.begin(), r.result.err.end(), '\n'), 1) << r.result.err;
  }
  EXPECT_TRUE(read_jsonl(gt).empty());
}

}  // namespace
}  // namespace aiperf::testing
