// Integration tests of `aiperf profile`: the real binary against the real mock server over
// 127.0.0.1. Latency checks take their bounds from the mock server's ground-truth log
// (--record-requests): a client cannot see a token before the server wrote it, and sees it at
// most kDeliverySlackNs later (loopback delivery plus scheduling on a loaded CI machine).
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr double kDeliverySlackNs = 25e6;  // 25 ms

json read_json(const std::string& path) {
  return json::parse(read_file(path));
}

struct ProfileRun {
  CommandResult result;
  std::string dir;
  json summary() const { return read_json(dir + "/profile_export_aiperf.json"); }
  std::vector<json> records() const { return read_jsonl(dir + "/profile_export.jsonl"); }
};

ProfileRun profile(const std::vector<std::string>& args, int timeout_s = 120) {
  ProfileRun r;
  r.dir = make_temp_dir("aiperf-profile");
  std::vector<std::string> argv = {AIPERF_BIN, "profile", "--ui", "none", "--artifact-dir", r.dir};
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, timeout_s);
  return r;
}

std::map<std::string, json> ground_truth_by_request_id(const std::string& path) {
  std::map<std::string, json> m;
  for (auto& g : read_jsonl(path)) {
    if (g["headers"].contains("x-request-id")) m[g["headers"]["x-request-id"]] = g;
  }
  return m;
}

double metric(const json& rec, const char* tag) {
  return rec["metrics"][tag]["value"];
}

TEST(Profile, StreamingChatMatchesGroundTruth) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock({"--ttft", "30", "--itl", "4", "--record-requests", gt});
  ProfileRun run = profile({"--model", "mock-model", "--url", mock.url(), "--endpoint-type", "chat",
                            "--streaming", "--concurrency", "4", "--request-count", "40", "--isl",
                            "64", "--osl", "16", "--tokenizer", "builtin", "--random-seed", "5"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  mock.stop();
  auto truth = ground_truth_by_request_id(gt);
  auto recs = run.records();
  ASSERT_EQ(recs.size(), 40u);
  ASSERT_EQ(truth.size(), 40u);
  for (const auto& rec : recs) {
    const auto& md = rec["metadata"];
    ASSERT_TRUE(truth.count(md["x_request_id"])) << md.dump();
    const json& g = truth[md["x_request_id"]];
    double start = md["request_start_ns"].get<double>();
    EXPECT_EQ(metric(rec, "output_sequence_length"), g["output_tokens"].get<double>());
    EXPECT_EQ(metric(rec, "input_sequence_length"), g["isl"].get<double>());
    EXPECT_EQ(g["output_tokens"].get<int>(), 16);
    // The client sent before the server received, and saw each token after it was written.
    EXPECT_LE(start, g["arrival_wall_ns"].get<double>());
    double ttft_ns = metric(rec, "time_to_first_token") * 1e6;
    double server_first = g["first_token_wall_ns"].get<double>() - start;
    EXPECT_GE(ttft_ns, server_first);
    EXPECT_LE(ttft_ns, server_first + kDeliverySlackNs);
    double lat_ns = metric(rec, "request_latency") * 1e6;
    double server_last = g["last_token_wall_ns"].get<double>() - start;
    EXPECT_GE(lat_ns, server_last);
    EXPECT_LE(lat_ns, server_last + kDeliverySlackNs);
    // ITL from the client within the slack of the server's own token spacing.
    double server_itl =
        (g["last_token_wall_ns"].get<double>() - g["first_token_wall_ns"].get<double>()) / 15.0;
    EXPECT_NEAR(metric(rec, "inter_token_latency") * 1e6, server_itl, 2 * kDeliverySlackNs / 15);
  }
  json s = run.summary();
  EXPECT_EQ(s["request_count"]["avg"].get<double>(), 40);
  EXPECT_FALSE(s.contains("error_request_count"));
  EXPECT_TRUE(fs::exists(run.dir + "/inputs.json"));
  EXPECT_TRUE(fs::exists(run.dir + "/profile_export_aiperf.csv"));
}

TEST(Profile, NonStreamingCompletions) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock({"--ttft", "5", "--itl", "1", "--record-requests", gt});
  ProfileRun run =
      profile({"-m", "mock-model", "-u", mock.url(), "--endpoint-type", "completions",
               "--concurrency", "2", "--request-count", "12", "--isl", "32", "--osl", "8"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  mock.stop();
  auto truth = ground_truth_by_request_id(gt);
  auto recs = run.records();
  ASSERT_EQ(recs.size(), 12u);
  for (const auto& rec : recs) {
    const json& g = truth.at(rec["metadata"]["x_request_id"]);
    EXPECT_EQ(g["endpoint"], "/v1/completions");
    EXPECT_FALSE(g["stream"].get<bool>());
    EXPECT_EQ(metric(rec, "output_sequence_length"), 8);
    EXPECT_FALSE(rec["metrics"].contains("time_to_first_token"));  // streaming-only metric
    double lat_ns = metric(rec, "request_latency") * 1e6;
    // The server stamps the body just before writing it; the client reads it after.
    EXPECT_GE(lat_ns, g["first_token_wall_ns"].get<double>() -
                          rec["metadata"]["request_start_ns"].get<double>());
  }
}

TEST(Profile, PoissonRateWithDurationSendsWhatTheServerSaw) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock({"--fast", "--record-requests", gt});
  ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--request-rate", "100",
                            "--arrival-pattern", "poisson", "--benchmark-duration", "2", "--isl",
                            "16", "--osl", "4", "--random-seed", "11"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  mock.stop();
  json s = run.summary();
  double n = s["request_count"]["avg"];
  EXPECT_EQ(n, double(read_jsonl(gt).size()));
  EXPECT_GT(n, 100);  // ~200 expected; a Poisson count below 100 has p < 1e-14
  EXPECT_LT(n, 320);
  EXPECT_TRUE(s.contains("send_lateness"));
}

TEST(Profile, InjectedErrorsAreCountedExactly) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock(
      {"--fast", "--error-rate", "30", "--random-seed", "3", "--record-requests", gt});
  ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--streaming", "--concurrency",
                            "3", "--request-count", "60", "--isl", "16", "--osl", "4"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  mock.stop();
  int server_errors = 0, server_ok = 0;
  for (auto& g : read_jsonl(gt)) (g["status"].get<int>() == 500 ? server_errors : server_ok)++;
  ASSERT_GT(server_errors, 0);
  json s = run.summary();
  EXPECT_EQ(s["request_count"]["avg"].get<int>(), server_ok);
  EXPECT_EQ(s["error_request_count"]["avg"].get<int>(), server_errors);
  ASSERT_FALSE(s["error_summary"].empty());
  EXPECT_EQ(s["error_summary"][0]["error_details"]["code"], 500);
  EXPECT_EQ(s["error_summary"][0]["count"].get<int>(), server_errors);
}

TEST(Profile, EveryRequestFailedExitsNonZero) {
  MockServerProcess mock({"--fast", "--error-rate", "100"});
  ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--request-count", "10"});
  EXPECT_EQ(run.result.exit_code, 1);
  EXPECT_NE(run.result.err.find("all 10 requests failed"), std::string::npos) << run.result.err;
  EXPECT_TRUE(fs::exists(run.dir + "/profile_export_aiperf.json"));
}

TEST(Profile, DeadServerFailsFastWithAMessage) {
  int port = free_port();
  auto t0 = std::chrono::steady_clock::now();
  ProfileRun run = profile({"-m", "mock-model", "-u", "http://127.0.0.1:" + std::to_string(port),
                            "--request-count", "5"},
                           30);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(run.result.exit_code, 1);
  EXPECT_LT(s, 10);
  EXPECT_NE(run.result.err.find("cannot connect"), std::string::npos) << run.result.err;
}

struct BadFlag {
  std::vector<std::string> args;
  std::string needle;
};

TEST(Profile, BadFlagsExit2FastNamingTheFlag) {
  const std::vector<BadFlag> cases = {
      {{"-m", "m", "--concurrency", "0"}, "--concurrency"},
      {{"-m", "m", "--request-rate", "-1"}, "--request-rate"},
      {{"-m", "m", "--concurency", "4"}, "did you mean --concurrency"},
      {{"--concurrency", "4"}, "--model"},
      {{"-m", "m", "--benchmark-grace-period", "5"}, "--benchmark-duration"},
      {{"-m", "m", "--request-rate", "5", "--arrival-pattern", "poisson", "--arrival-smoothness",
        "2"},
       "--arrival-smoothness"},
      {{"-m", "m", "--endpoint-type", "bogus"}, "--endpoint-type"},
      {{"-m", "m", "--url", "ftp://x"}, "--url"},
      {{"-m", "m", "--goodput", "no_such_metric:5"}, "Unknown metric tag"},
      {{"-m", "m", "--goodput", "time_to_first_token:5"}, "not applicable"},
      {{"-m", "m", "--tokenizer", "/nonexistent/tokenizer.json"}, "tokenizer"},
  };
  for (const auto& c : cases) {
    auto t0 = std::chrono::steady_clock::now();
    ProfileRun run = profile(c.args, 30);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::string all = run.result.err + run.result.out;
    EXPECT_EQ(run.result.exit_code, 2) << c.needle << ": " << all;
    EXPECT_NE(all.find(c.needle), std::string::npos) << all;
    EXPECT_LT(s, 2.0) << c.needle;
  }
}

TEST(Profile, CtrlCWritesWhatCompleted) {
  MockServerProcess mock({"--ttft", "20", "--itl", "5"});
  std::string dir = make_temp_dir("aiperf-int");
  ChildProcess p({AIPERF_BIN, "profile", "-m", "mock-model", "-u", mock.url(), "--streaming",
                  "--request-rate", "20", "--benchmark-duration", "60", "--osl", "8", "--isl", "16",
                  "--ui", "none", "--artifact-dir", dir},
                 dir + "/out.txt", dir + "/err.txt");
  // Interrupt once the server has completed a few requests (its Prometheus counter says so).
  for (int i = 0; i < 300; ++i) {
    CurlResult m = curl({mock.url() + "/metrics"}, 5);
    auto pos = m.body.find("\nvllm:request_success_total");
    auto eol = pos == std::string::npos ? pos : m.body.find('\n', pos + 1);
    auto sp = pos == std::string::npos ? pos : m.body.rfind(' ', eol);
    if (sp != std::string::npos && sp > pos && std::stod(m.body.substr(sp + 1)) >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(p.pid(), SIGINT);
  int rc = p.wait(15000);
  EXPECT_EQ(rc, 130) << read_file(dir + "/err.txt");
  json s = read_json(dir + "/profile_export_aiperf.json");
  EXPECT_TRUE(s["was_cancelled"].get<bool>());
  EXPECT_GT(s["request_count"]["avg"].get<double>(), 0);
}

TEST(Profile, ServerClosingKeptAliveConnectionsCostsNoRequest) {
  MockServerProcess mock({"--fast", "--close-after-response"});
  ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--streaming", "--concurrency",
                            "4", "--request-count", "60", "--isl", "16", "--osl", "4"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  json s = run.summary();
  EXPECT_EQ(s["request_count"]["avg"].get<int>(), 60);
  EXPECT_FALSE(s.contains("error_request_count"));
}

TEST(Profile, SseVariantsGiveTheSameTokens) {
  const std::vector<std::vector<std::string>> variants = {
      {"--sse-line-ending", "crlf"}, {"--sse-line-ending", "cr"},
      {"--sse-keepalive-comments"},  {"--sse-no-space"},
      {"--tokens-per-chunk", "3"},   {"--sse-events-per-write", "4"},
  };
  for (const auto& v : variants) {
    std::vector<std::string> margs = {"--fast"};
    margs.insert(margs.end(), v.begin(), v.end());
    MockServerProcess mock(margs);
    ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--streaming", "--concurrency",
                              "2", "--request-count", "6", "--isl", "16", "--osl", "12"});
    ASSERT_EQ(run.result.exit_code, 0) << v[0] << run.result.err;
    json s = run.summary();
    EXPECT_EQ(s["output_sequence_length"]["avg"].get<double>(), 12) << v[0];
    EXPECT_EQ(s["request_count"]["avg"].get<int>(), 6) << v[0];
  }
}

TEST(Profile, TlsWithSelfSignedCertificate) {
  MockServerProcess mock({"--fast", "--tls"});
  ProfileRun ok = profile({"-m", "mock-model", "-u", mock.url(), "--streaming", "--insecure",
                           "--request-count", "5", "--isl", "16", "--osl", "4"});
  ASSERT_EQ(ok.result.exit_code, 0) << ok.result.err;
  EXPECT_EQ(ok.summary()["request_count"]["avg"].get<int>(), 5);
  ProfileRun bad = profile({"-m", "mock-model", "-u", mock.url(), "--request-count", "3"});
  EXPECT_EQ(bad.result.exit_code, 1);  // certificate verification fails for every request
}

TEST(Profile, WarmupRecordsAreSentButNotReported) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock({"--fast", "--record-requests", gt});
  ProfileRun run =
      profile({"-m", "mock-model", "-u", mock.url(), "--warmup-request-count", "5",
               "--request-count", "20", "--isl", "16", "--osl", "4", "--export-level", "raw"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  mock.stop();
  EXPECT_EQ(read_jsonl(gt).size(), 25u);
  EXPECT_EQ(run.records().size(), 20u);
  auto raw = read_jsonl(run.dir + "/profile_export_raw.jsonl");
  ASSERT_EQ(raw.size(), 20u);
  EXPECT_TRUE(raw[0].contains("payload"));
}

TEST(Profile, SeveralUrlsShareTheLoad) {
  std::string g1 = make_temp_dir("gt") + "/a.jsonl", g2 = make_temp_dir("gt") + "/b.jsonl";
  MockServerProcess a({"--fast", "--record-requests", g1});
  MockServerProcess b({"--fast", "--record-requests", g2});
  ProfileRun run = profile({"-m", "mock-model", "-u", a.url(), "-u", b.url(), "--request-count",
                            "20", "--isl", "16", "--osl", "4"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  a.stop();
  b.stop();
  EXPECT_EQ(read_jsonl(g1).size(), 10u);
  EXPECT_EQ(read_jsonl(g2).size(), 10u);
}

TEST(Profile, ApiKeyIsSentAndNeverExported) {
  MockServerProcess mock({"--fast", "--api-key", "s3cret-key"});
  ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--api-key", "s3cret-key",
                            "--request-count", "4", "--isl", "16", "--osl", "4"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  for (const char* f : {"profile_export_aiperf.json", "profile_export.jsonl", "inputs.json"}) {
    EXPECT_EQ(read_file(run.dir + "/" + f).find("s3cret-key"), std::string::npos) << f;
  }
}

TEST(Profile, MidStreamFaultsAreTypedErrorsAndTheRunGoesOn) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock({"--ttft", "2", "--itl", "1", "--fault-reset-every", "4",
                          "--fault-malformed-every", "5", "--record-requests", gt});
  ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--streaming", "--concurrency",
                            "2", "--request-count", "40", "--isl", "16", "--osl", "8"});
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  mock.stop();
  int resets = 0, malformed = 0, faulty = 0, total = 0;
  for (auto& g : read_jsonl(gt)) {
    ++total;
    bool reset = g["outcome"] == "reset", bad_json = false;
    for (auto& f : g["faults"]) bad_json |= f.get<std::string>() == "malformed";
    resets += reset;
    malformed += bad_json;
    faulty += reset || bad_json;
  }
  ASSERT_GT(resets, 0);
  ASSERT_GT(malformed, 0);
  json s = run.summary();
  // Every request the server saw is in the results, each fault as one error.
  EXPECT_EQ(s["request_count"]["avg"].get<int>() + s["error_request_count"]["avg"].get<int>(),
            total);
  EXPECT_EQ(s["error_request_count"]["avg"].get<int>(), faulty);
}

TEST(Profile, StalledStreamHitsTheRequestTimeout) {
  MockServerProcess mock(
      {"--ttft", "2", "--itl", "1", "--fault-stall-every", "3", "--fault-stall-seconds", "30"});
  auto t0 = std::chrono::steady_clock::now();
  ProfileRun run = profile({"-m", "mock-model", "-u", mock.url(), "--streaming", "--concurrency",
                            "3", "--request-count", "9", "--isl", "16", "--osl", "8",
                            "--request-timeout-seconds", "1"});
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(run.result.exit_code, 0) << run.result.err;
  EXPECT_LT(secs, 20);  // the 30 s stalls were cut at 1 s each
  json s = run.summary();
  EXPECT_EQ(s["error_request_count"]["avg"].get<int>(), 3);
  EXPECT_EQ(s["request_count"]["avg"].get<int>(), 6);
  EXPECT_NE(s["error_summary"][0]["error_details"]["type"].get<std::string>().find("Timeout"),
            std::string::npos)
      << s["error_summary"].dump();
}

}  // namespace
}  // namespace aiperf::testing
