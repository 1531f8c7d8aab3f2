// Issue 9 end to end: several servers (the split read from each mock server's ground truth),
// connection reuse strategies (connections counted by the mock's accept numbers), the readiness
// probe, GenAI-Perf's command line through the genai-perf link, and the two AIPerf documentation
// lines that used to fail (goodput without --streaming; a multi_turn file with a shared system
// prompt and user context).
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "json_util.h"
#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct BinRun {
  CommandResult result;
  std::string dir;
  json summary() const { return json::parse(read_file(dir + "/profile_export_aiperf.json")); }
  std::vector<json> records() const { return read_jsonl(dir + "/profile_export.jsonl"); }
};

BinRun run_bin(const std::string& bin, std::vector<std::string> head,
               const std::vector<std::string>& args, int timeout_s = 120) {
  BinRun r;
  r.dir = make_temp_dir("aiperf-servers");
  std::vector<std::string> argv = {bin};
  argv.insert(argv.end(), head.begin(), head.end());
  argv.insert(argv.end(), {"--artifact-dir", r.dir});
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, timeout_s);
  return r;
}

BinRun profile(const std::vector<std::string>& args, int timeout_s = 120) {
  return run_bin(AIPERF_BIN, {"profile", "--ui", "none"}, args, timeout_s);
}

/// Ground truth of the benchmark's own requests (the readiness probe's are left out).
std::vector<json> benchmark_requests(const std::string& gt) {
  std::vector<json> out;
  for (auto& g : read_jsonl(gt)) {
    if (g["headers"].contains("x-request-id")) out.push_back(g);
  }
  return out;
}

std::string gt_path(const char* name) {
  return make_temp_dir("gt") + "/" + name;
}

TEST(Servers, TwoUrlsShareTheConversationsRoundRobin) {
  const std::string gt1 = gt_path("a.jsonl"), gt2 = gt_path("b.jsonl");
  MockServerProcess a({"--fast", "--record-requests", gt1});
  MockServerProcess b({"--fast", "--record-requests", gt2});
  for (const auto& form : std::vector<std::vector<std::string>>{
           {"--url", a.url(), b.url()},              // the tutorial's --url A B
           {"--url", a.url(), "--url", b.url()}}) {  // AIPerf's repeated flag
    const size_t before1 = benchmark_requests(gt1).size(), before2 = benchmark_requests(gt2).size();
    std::vector<std::string> args = {"--model",         "mock-model", "--tokenizer",   "builtin",
                                     "--request-count", "12",         "--concurrency", "3",
                                     "--isl",           "16",         "--osl",         "4"};
    args.insert(args.end(), form.begin(), form.end());
    BinRun r = profile(args);
    ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
    EXPECT_EQ(r.summary()["request_count"]["avg"], 12.0);
    // Single-turn conversations alternate: exactly half of the requests on each server.
    EXPECT_EQ(benchmark_requests(gt1).size() - before1, 6u);
    EXPECT_EQ(benchmark_requests(gt2).size() - before2, 6u);
    EXPECT_EQ(r.summary()["input_config"]["endpoint"]["urls"].size(), 2u);
  }
}

TEST(Servers, MultiTurnConversationsStayOnTheirUrl) {
  const std::string gt1 = gt_path("a.jsonl"), gt2 = gt_path("b.jsonl");
  MockServerProcess a({"--fast", "--record-requests", gt1});
  MockServerProcess b({"--fast", "--record-requests", gt2});
  BinRun r = profile({"--model", "mock-model", "--tokenizer", "builtin", "--url", a.url(), b.url(),
                      "--num-sessions", "6", "--session-turns-mean", "3", "--concurrency", "2",
                      "--isl", "16", "--osl", "4"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  std::map<std::string, std::set<int>> servers_of;  // correlation id -> servers it reached
  int server = 0;
  for (const auto& gt : {gt1, gt2}) {
    for (const auto& g : benchmark_requests(gt)) {
      servers_of[g["headers"]["x-correlation-id"]].insert(server);
    }
    ++server;
  }
  EXPECT_EQ(servers_of.size(), 6u);
  for (const auto& [id, s] : servers_of) EXPECT_EQ(s.size(), 1u) << id;
  EXPECT_EQ(benchmark_requests(gt1).size(), 9u);  // 3 conversations x 3 turns each
  EXPECT_EQ(benchmark_requests(gt2).size(), 9u);
}

/// Runs 4 three-turn conversations, 2 at a time on one worker, with `strategy`; returns the
/// mock's ground truth of the benchmark requests.
std::vector<json> reuse_run(const std::string& strategy) {
  const std::string gt = gt_path("gt.jsonl");
  MockServerProcess mock({"--fast", "--record-requests", gt});
  BinRun r = profile({"--model",
                      "mock-model",
                      "--tokenizer",
                      "builtin",
                      "--url",
                      mock.url(),
                      "--num-sessions",
                      "4",
                      "--session-turns-mean",
                      "3",
                      "--concurrency",
                      "2",
                      "--workers-max",
                      "1",
                      "--isl",
                      "16",
                      "--osl",
                      "4",
                      "--connection-reuse-strategy",
                      strategy});
  EXPECT_EQ(r.result.exit_code, 0) << r.result.err;
  EXPECT_EQ(r.summary()["request_count"]["avg"], 12.0);
  return benchmark_requests(gt);
}

TEST(Servers, ConnectionReuseStrategies) {
  {
    auto reqs = reuse_run("never");
    std::set<uint64_t> conns;
    for (const auto& g : reqs) conns.insert(g["connection"].get<uint64_t>());
    EXPECT_EQ(reqs.size(), 12u);
    EXPECT_EQ(conns.size(), reqs.size()) << "never: one connection per request";
  }
  {
    auto reqs = reuse_run("sticky-user-sessions");
    std::map<std::string, std::set<uint64_t>> conns_of;  // conversation -> its connections
    std::map<uint64_t, std::set<std::string>> users_of;  // connection -> its conversations
    for (const auto& g : reqs) {
      const std::string user = g["headers"]["x-correlation-id"];
      conns_of[user].insert(g["connection"].get<uint64_t>());
      users_of[g["connection"].get<uint64_t>()].insert(user);
    }
    EXPECT_EQ(conns_of.size(), 4u);
    for (const auto& [u, c] : conns_of) EXPECT_EQ(c.size(), 1u) << "one connection per user";
    for (const auto& [c, u] : users_of) EXPECT_EQ(u.size(), 1u) << "not shared between users";
  }
  {
    auto reqs = reuse_run("pooled");
    std::set<uint64_t> conns;
    for (const auto& g : reqs) conns.insert(g["connection"].get<uint64_t>());
    EXPECT_LE(conns.size(), 2u) << "pooled: at most one connection per concurrent conversation";
  }
}

TEST(Servers, ReadinessProbeWaitsForTheModel) {
  const std::string gt = gt_path("gt.jsonl");
  MockServerProcess mock({"--fast", "--inference-ready-delay-seconds", "2",
                          "--models-ready-delay-seconds", "1", "--record-requests", gt});
  BinRun r =
      profile({"--model", "mock-model", "--tokenizer", "builtin", "--url", mock.url(),
               "--request-count", "4", "--isl", "16", "--osl", "4", "--wait-for-model-timeout",
               "60", "--wait-for-model-interval", "0.2", "--wait-for-model-mode", "both"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  // Every benchmark request came after the server was ready: none was refused with 503.
  const auto reqs = benchmark_requests(gt);
  EXPECT_EQ(reqs.size(), 4u);
  for (const auto& g : reqs) EXPECT_EQ(g["status"], 200) << g.dump();
  EXPECT_FALSE(r.summary().contains("error_request_count"));
}

TEST(Servers, ReadinessTimeoutIsOneLineAndExit1) {
  MockServerProcess mock({"--fast", "--inference-ready-delay-seconds", "600"});
  BinRun r = profile({"--model", "mock-model", "--tokenizer", "builtin", "--url", mock.url(),
                      "--request-count", "4", "--wait-for-model-timeout", "1",
                      "--wait-for-model-interval", "0.2"});
  EXPECT_EQ(r.result.exit_code, 1);
  EXPECT_NE(r.result.err.find("aiperf: error: Timed out after 1.0s probing " + mock.url() +
                              "/v1/chat/completions with model 'mock-model'"),
            std::string::npos)
      << r.result.err;
  EXPECT_NE(r.result.err.find("last answer: HTTP 503"), std::string::npos) << r.result.err;
}

TEST(GenaiPerfLine, RunsThroughTheGenaiPerfLink) {
  const std::string link = (fs::path(AIPERF_BIN).parent_path() / "genai-perf").string();
  ASSERT_TRUE(fs::exists(link)) << link << " (the build makes it next to aiperf)";
  const std::string gt = gt_path("gt.jsonl");
  MockServerProcess mock({"--fast", "--record-requests", gt});
  BinRun r = run_bin(link, {"profile"},
                     {"-m",
                      "mock-model",
                      "--service-kind",
                      "openai",
                      "--endpoint-type",
                      "chat",
                      "--streaming",
                      "-u",
                      mock.url(),
                      "--concurrency",
                      "2",
                      "--request-count",
                      "6",
                      "--synthetic-input-tokens-mean",
                      "32",
                      "--output-tokens-mean",
                      "5",
                      "--output-tokens-mean-deterministic",
                      "--tokenizer",
                      "builtin"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  const json s = r.summary();
  EXPECT_EQ(s["request_count"]["avg"], 6.0);
  EXPECT_DOUBLE_EQ(s["output_sequence_length"]["avg"].get<double>(), 5.0);
  EXPECT_EQ(s["run_info"]["cli_command"].get<std::string>().rfind(
                "genai-perf profile --artifact-dir ", 0),
            0u);
  for (const auto& g : benchmark_requests(gt)) {
    EXPECT_EQ(g["ignore_eos"], true);  // --output-tokens-mean-deterministic
    EXPECT_EQ(g["requested_max_tokens"], 5);
  }
  // The run is aiperf profile's: its observers (here the HTML report) are attached too.
  EXPECT_TRUE(fs::exists(r.dir + "/report.html"));
  // genai-perf compare --files is aiperf compare.
  CommandResult cmp = run_command({link, "compare", "--files", r.dir, r.dir});
  EXPECT_EQ(cmp.exit_code, 0) << cmp.err;
  EXPECT_NE(cmp.out.find("Run Comparison"), std::string::npos) << cmp.out;
  // aiperf genai-perf ... is the same front end; errors are one line, exit 2.
  CommandResult bad = run_command({AIPERF_BIN, "genai-perf", "profile", "-m", "m",
                                   "--endpoint-type", "chat", "--concurency", "2"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err,
            "genai-perf: error: unknown option --concurency (genai-perf profile); did you mean "
            "--concurrency?\n");
}

TEST(DocumentedLines, GoodputWithoutStreamingLeavesOutTheItlSlo) {
  MockServerProcess mock({"--fast"});
  BinRun r = profile({"--model", "mock-model", "--tokenizer", "builtin", "--url", mock.url(),
                      "--request-count", "6", "--isl", "16", "--osl", "4", "--goodput",
                      "request_latency:250 inter_token_latency:10"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  size_t warned = 0;
  for (size_t p = r.result.err.find("inter_token_latency"); p != std::string::npos;
       p = r.result.err.find("inter_token_latency", p + 1)) {
    ++warned;
  }
  EXPECT_EQ(warned, 1u) << r.result.err;
  const json s = r.summary();
  EXPECT_EQ(s["good_request_count"]["avg"], 6.0);  // --fast: every request within 250 ms
  EXPECT_TRUE(s.contains("goodput"));
  // None applies: still refused before any request, exit 2.
  BinRun none = profile({"--model", "mock-model", "--tokenizer", "builtin", "--url", mock.url(),
                         "--goodput", "inter_token_latency:10"});
  EXPECT_EQ(none.result.exit_code, 2);
  EXPECT_NE(none.result.err.find("not applicable"), std::string::npos) << none.result.err;
}

TEST(DocumentedLines, MultiTurnFileWithSharedSystemPromptAndUserContext) {
  const std::string gt = gt_path("gt.jsonl");
  MockServerProcess mock({"--fast", "--record-requests", gt});
  const std::string file = std::string(AIPERF_TEST_DATA_DIR) + "/traces/multi_turn_basic.jsonl";
  BinRun r = profile({"--model", "mock-model", "--tokenizer", "builtin", "--url", mock.url(),
                      "--input-file", file, "--custom-dataset-type", "multi_turn",
                      "--shared-system-prompt-length", "1000", "--user-context-prompt-length",
                      "200", "--osl", "4"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  const auto truth = benchmark_requests(gt);
  ASSERT_FALSE(truth.empty());
  std::map<std::string, int64_t> server_isl;
  for (const auto& g : truth) {
    EXPECT_GE(g["isl"].get<int64_t>(), 1200) << "system prompt + user context were sent";
    server_isl[g["headers"]["x-request-id"]] = g["isl"];
  }
  for (const auto& rec : r.records()) {
    const std::string id = rec["metadata"]["x_request_id"];
    ASSERT_TRUE(server_isl.count(id)) << id;
    EXPECT_EQ(rec["metrics"]["input_sequence_length"]["value"].get<int64_t>(), server_isl[id]);
  }
}

TEST(Artifacts, RecordsAndRunInfoAsCurrentAiperfWritesThem) {
  MockServerProcess mock({"--fast", "--error-every", "3"});
  BinRun r = profile({"--model", "mock-model", "--tokenizer", "builtin", "--url", mock.url(),
                      "--request-count", "9", "--isl", "16", "--osl", "4"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  size_t errors = 0;
  for (const auto& rec : r.records()) {
    for (const auto& part : {rec, rec["metadata"]}) {
      for (auto it = part.begin(); it != part.end(); ++it) EXPECT_FALSE(it->is_null()) << it.key();
    }
    errors += rec.contains("error");  // present only on failed requests
  }
  EXPECT_EQ(errors, 3u);
  const json ri = r.summary()["run_info"];
  EXPECT_EQ(ri["trial"], 0);
  EXPECT_EQ(ri["variation_label"], "base");
  EXPECT_EQ(ri["variation_index"], 0);
  EXPECT_TRUE(ri["variation_values"].is_object());
  EXPECT_TRUE(ri["random_seed"].is_number_unsigned());
}

}  // namespace
}  // namespace aiperf::testing
