// Triton's KServe v2 gRPC (--endpoint-type kserve / kserve_vllm, GenAI-Perf's --service-kind
// triton): the real aiperf against the mock's gRPC side (--grpc-port), streamed and not, both
// backends' tensors, each request checked against the mock's ground truth; and the bad inputs
// (nothing on the port, an HTTP server on it) end in one line, quickly.
#include <chrono>
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

// Upper bound of client time after the server's send: the gRPC client hands each response from
// its completion-queue thread to the worker's loop, two wake-ups a loaded machine (fuzzers,
// parallel builds) delayed by 30 ms in one CI-like run; the lower bound is the exact check.
constexpr double kDeliverySlackNs = 200e6;  // 200 ms

double metric(const json& rec, const char* tag) {
  return rec["metrics"][tag]["value"];
}

struct Outcome {
  CommandResult result;
  std::string dir;
  std::vector<json> truth;
  std::string vllm_metrics;  // the mock's /vllm/metrics after the run
  std::vector<json> records() const { return read_jsonl(dir + "/profile_export.jsonl"); }
  std::map<std::string, json> truth_by_id() const {
    std::map<std::string, json> m;
    for (const auto& g : truth)
      if (g["headers"].contains("x-request-id")) m[g["headers"]["x-request-id"]] = g;
    return m;
  }
};

/// A mock with gRPC on a free port; `argv0` "aiperf profile ..." or "genai-perf profile ...".
Outcome run(const std::vector<std::string>& args, std::vector<std::string> mock_args = {},
            bool genai_perf = false, bool http = false) {
  Outcome r;
  const std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  const int gport = free_port();
  mock_args.insert(mock_args.end(),
                   {"--record-requests", gt, "--grpc-port", std::to_string(gport)});
  MockServerProcess mock(mock_args);
  r.dir = make_temp_dir("aiperf-triton");
  const std::string url = http ? mock.url() : "127.0.0.1:" + std::to_string(gport);
  std::vector<std::string> argv;
  if (genai_perf) {
    argv = {AIPERF_BIN, "genai-perf",
            "profile",  "--artifact-dir",
            r.dir,      "-m",
            "ensemble", "-u",
            url,        "--tokenizer",
            "builtin",  "--random-seed",
            "11",       "--request-count",
            "6",        "--concurrency",
            "2"};
  } else {
    argv = {AIPERF_BIN,
            "profile",
            "--ui",
            "none",
            "--artifact-dir",
            r.dir,
            "--model",
            "ensemble",
            "--url",
            url,
            "--tokenizer",
            "builtin",
            "--random-seed",
            "11",
            "--request-count",
            "6",
            "--concurrency",
            "2"};
  }
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, 120);
  if (!http) r.vllm_metrics = curl({mock.url() + "/vllm/metrics"}).body;
  mock.stop();
  r.truth = read_jsonl(gt);
  return r;
}

/// Every record against the ground truth: identity, ISL, OSL, TTFT and latency bounds.
void check(const Outcome& r, bool stream, int osl, const char* path) {
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err << r.result.out;
  auto truth = r.truth_by_id();
  auto recs = r.records();
  ASSERT_EQ(recs.size(), 6u);
  EXPECT_EQ(truth.size(), 6u);
  for (const auto& rec : recs) {
    EXPECT_FALSE(rec.contains("error")) << rec.dump();
    const auto& md = rec["metadata"];
    ASSERT_TRUE(truth.count(md["x_request_id"])) << md.dump();
    const json& g = truth.at(md["x_request_id"]);
    EXPECT_EQ(g["endpoint"], path);
    EXPECT_EQ(g["stream"], stream);
    EXPECT_EQ(g["requested_max_tokens"], osl);
    EXPECT_EQ(g["output_tokens"], osl);
    EXPECT_EQ(metric(rec, "output_sequence_length"), osl);
    EXPECT_EQ(metric(rec, "input_sequence_length"), g["isl"].get<double>());
    const double start = md["request_start_ns"].get<double>();
    EXPECT_LE(start, g["arrival_wall_ns"].get<double>());
    const double lat_ns = metric(rec, "request_latency") * 1e6;
    const double server_last = g["last_token_wall_ns"].get<double>() - start;
    EXPECT_GE(lat_ns, server_last);
    EXPECT_LE(lat_ns, server_last + kDeliverySlackNs);
    if (stream) {
      const double ttft_ns = metric(rec, "time_to_first_token") * 1e6;
      const double server_first = g["first_token_wall_ns"].get<double>() - start;
      EXPECT_GE(ttft_ns, server_first);
      EXPECT_LE(ttft_ns, server_first + kDeliverySlackNs);
      EXPECT_TRUE(rec["metrics"].contains("inter_token_latency"));
    }
  }
}

TEST(Triton, TensorrtllmStreaming) {
  Outcome r = run({"--endpoint-type", "kserve", "--streaming", "--osl", "12"},
                  {"--ttft", "5", "--itl", "1"});
  check(r, true, 12, "/inference.GRPCInferenceService/ModelStreamInfer");
  // The mock's Prometheus counters count gRPC requests as they count HTTP ones.
  EXPECT_NE(
      r.vllm_metrics.find("vllm:generation_tokens_total{engine=\"0\",model_name=\"mock-model\"} "
                          "72.0"),
      std::string::npos)
      << r.vllm_metrics;
  EXPECT_NE(
      r.vllm_metrics.find("vllm:request_success_total{engine=\"0\",finished_reason=\"length\","
                          "model_name=\"mock-model\"} 6.0"),
      std::string::npos);
  EXPECT_NE(
      r.vllm_metrics.find("vllm:num_requests_running{engine=\"0\",model_name=\"mock-model\"} 0.0"),
      std::string::npos);
  // The inputs are GenAI-Perf's triton rows: one key per tensor.
  json inputs = json::parse(read_file(r.dir + "/inputs.json"));
  const std::string first = inputs.dump();
  EXPECT_NE(first.find("\"text_input\":["), std::string::npos) << first.substr(0, 400);
  EXPECT_NE(first.find("\"max_tokens\":[12]"), std::string::npos);
  EXPECT_NE(first.find("\"stream\":[true]"), std::string::npos);
}

TEST(Triton, TensorrtllmUnary) {
  Outcome r = run({"--endpoint-type", "kserve", "--osl", "9"}, {"--ttft", "3", "--itl", "1"});
  check(r, false, 9, "/inference.GRPCInferenceService/ModelInfer");
}

TEST(Triton, VllmStreamingAndUnary) {
  Outcome s = run({"--endpoint-type", "kserve_vllm", "--streaming", "--osl", "10"},
                  {"--ttft", "5", "--itl", "1"});
  check(s, true, 10, "/inference.GRPCInferenceService/ModelStreamInfer");
  const std::string in = read_file(s.dir + "/inputs.json");
  EXPECT_NE(in.find("sampling_parameters"), std::string::npos);
  Outcome u = run({"--endpoint-type", "kserve_vllm", "--osl", "7"}, {"--fast"});
  check(u, false, 7, "/inference.GRPCInferenceService/ModelInfer");
}

TEST(Triton, GenaiPerfCommandLine) {
  // GenAI-Perf's default service kind is triton: the same run through its spelling.
  Outcome r = run({"--streaming", "--output-tokens-mean", "8", "--output-tokens-mean-deterministic",
                   "--backend", "vllm"},
                  {"--ttft", "5", "--itl", "1"}, true);
  check(r, true, 8, "/inference.GRPCInferenceService/ModelStreamInfer");
  for (const auto& g : r.truth) EXPECT_TRUE(g["ignore_eos"].get<bool>());
}

TEST(Triton, HttpGenerateExtension) {
  // Triton's /v2/models/<model>/generate[_stream] (GenAI-Perf's --endpoint-type generate).
  Outcome s = run({"--endpoint-type", "triton_generate", "--streaming", "--osl", "12"},
                  {"--ttft", "5", "--itl", "1"}, false, true);
  check(s, true, 12, "/v2/models/ensemble/generate_stream");
  EXPECT_NE(read_file(s.dir + "/inputs.json").find("\"text_input\":\""), std::string::npos);
  Outcome u =
      run({"--endpoint-type", "generate", "--output-tokens-mean", "9"}, {"--fast"}, true, true);
  check(u, false, 9, "/v2/models/ensemble/generate");
}

TEST(Triton, MidStreamErrorsAreGrpcErrors) {
  Outcome r = run({"--endpoint-type", "kserve", "--streaming", "--osl", "8"},
                  {"--fast", "--error-every", "3"});
  EXPECT_EQ(r.result.exit_code, 0) << r.result.err;
  int errors = 0;
  for (const auto& rec : r.records()) {
    if (!rec.contains("error")) continue;
    ++errors;
    EXPECT_EQ(rec["error"]["type"], "GrpcError") << rec.dump();
    EXPECT_NE(rec["error"]["message"].get<std::string>().find("Simulated error"),
              std::string::npos);
  }
  EXPECT_EQ(errors, 2);  // requests 3 and 6
}

// --api-key and -H travel as gRPC metadata ("authorization: Bearer <key>"): a mock that
// requires the key answers every request; without it every request is UNAUTHENTICATED.
TEST(Triton, ApiKeyAndHeadersAreGrpcMetadata) {
  Outcome ok = run({"--endpoint-type", "kserve", "--streaming", "--osl", "4", "--api-key", "s3cret",
                    "-H", "X-Tenant: blue"},
                   {"--fast", "--api-key", "s3cret"});
  check(ok, true, 4, "/inference.GRPCInferenceService/ModelStreamInfer");
  Outcome denied =
      run({"--endpoint-type", "kserve", "--osl", "4"}, {"--fast", "--api-key", "s3cret"});
  int unauth = 0;
  for (const auto& rec : denied.records()) {
    ASSERT_TRUE(rec.contains("error")) << rec.dump();
    unauth += rec["error"]["type"] == "GrpcUNAUTHENTICATED";
  }
  EXPECT_EQ(unauth, 6) << denied.result.err;
  // --insecure has nothing to switch off on a gRPC channel: refused.
  CommandResult r = run_command({AIPERF_BIN, "profile", "-m", "ensemble", "--endpoint-type",
                                 "kserve", "--url", "https://127.0.0.1:1", "--insecure"},
                                30);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--insecure does not apply to --endpoint-type kserve"), std::string::npos)
      << r.err;
}

TEST(Triton, NothingThereIsOneLineFast) {
  const int port = free_port();  // nothing listens
  auto t0 = std::chrono::steady_clock::now();
  CommandResult r =
      run_command({AIPERF_BIN, "profile", "--ui", "none", "-m", "ensemble", "--endpoint-type",
                   "kserve", "--url", "127.0.0.1:" + std::to_string(port), "--tokenizer", "builtin",
                   "--request-count", "2", "--artifact-dir", make_temp_dir("triton-none")},
                  30);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_LT(s, 20.0);
  EXPECT_NE(
      r.err.find("cannot reach the gRPC inference server at 127.0.0.1:" + std::to_string(port)),
      std::string::npos)
      << r.err;
}

TEST(Triton, HttpServerOnTheGrpcPortIsOneLine) {
  MockServerProcess http;  // HTTP/1.1 only
  CommandResult r = run_command(
      {AIPERF_BIN, "profile", "--ui", "none", "-m", "ensemble", "--endpoint-type", "kserve",
       "--url", "127.0.0.1:" + std::to_string(http.port()), "--tokenizer", "builtin",
       "--request-count", "2", "--artifact-dir", make_temp_dir("triton-http")},
      30);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("cannot reach the gRPC inference server"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("8001"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aiperf::testing
