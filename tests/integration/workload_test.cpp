// Workload engine against the real mock server (spec §3.4-3.8): multi-turn sessions, their
// history and delays, continuation turns in rate mode, trace replay and user-centric rate.
// Every check reads the mock server's ground truth (--record-requests): per-request arrival,
// completion, ISL, output tokens and headers (x-correlation-id, x-request-id).
#include <algorithm>
#include <cmath>
#include <filesystem>
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

struct ProfileRun {
  CommandResult result;
  std::string dir;
  std::vector<json> records() const { return read_jsonl(dir + "/profile_export.jsonl"); }
};

ProfileRun profile(const MockServerProcess& m, const std::vector<std::string>& args,
                   int timeout_s = 120) {
  ProfileRun r;
  r.dir = make_temp_dir("aiperf-workload");
  std::vector<std::string> argv = {AIPERF_BIN,    "profile", "--ui",           "none",
                                   "--url",       m.url(),   "--model",        "mock-model",
                                   "--tokenizer", "builtin", "--artifact-dir", r.dir};
  argv.insert(argv.end(), args.begin(), args.end());
  r.result = run_command(argv, timeout_s);
  return r;
}

/// Ground-truth records grouped by X-Correlation-ID, each group in arrival order.
std::map<std::string, std::vector<json>> sessions_of(const std::vector<json>& gt) {
  std::map<std::string, std::vector<json>> s;
  for (const json& g : gt) s[g["headers"].value("x-correlation-id", "")].push_back(g);
  for (auto& [id, v] : s) {
    std::sort(v.begin(), v.end(), [](const json& a, const json& b) {
      return a["arrival_mono_ns"].get<int64_t>() < b["arrival_mono_ns"].get<int64_t>();
    });
  }
  return s;
}

std::string gt_path(const std::string& tag) {
  return make_temp_dir("aiperf-gt") + "/" + tag;
}

// Sessions of 3 turns with 100 ms between a turn's return and the next turn; 2 sessions at a
// time (--concurrency counts sessions).
TEST(Workload, MultiTurnSessionsShareCorrelationIdAndKeepDelays) {
  const std::string gt = gt_path("mt.jsonl");
  MockServerProcess m({"--ttft", "10", "--itl", "1", "--record-requests", gt});
  ProfileRun r =
      profile(m, {"--endpoint-type", "chat", "--streaming", "--concurrency", "2", "--num-sessions",
                  "4", "--session-turns-mean", "3", "--session-turn-delay-mean", "100", "--isl",
                  "32", "--osl", "8", "--random-seed", "5"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto recs = read_jsonl(gt);
  ASSERT_EQ(recs.size(), 12u);  // 4 sessions x 3 turns; every turn is a request
  auto sessions = sessions_of(recs);
  ASSERT_EQ(sessions.size(), 4u);
  for (const auto& [id, turns] : sessions) {
    ASSERT_EQ(turns.size(), 3u) << id;
    EXPECT_EQ(id.size(), 36u);  // a UUID4 per session
    for (size_t k = 1; k < turns.size(); ++k) {
      // The next turn leaves >= delay after the client saw the previous one end, and the client
      // cannot see the end before the server stamped its last token (stamped before the write;
      // the completion stamp comes after the write returns, which on a loaded machine can be
      // later than the client's read, so it is no bound).
      int64_t prev_last_token = turns[k - 1]["last_token_mono_ns"];
      int64_t arrival = turns[k]["arrival_mono_ns"];
      EXPECT_GE(arrival - prev_last_token, 100'000'000) << id << " turn " << k;
      // History: turn k carries every earlier prompt and reply.
      int64_t isl_prev = turns[k - 1]["isl"];
      int64_t out_prev = turns[k - 1]["output_tokens"];
      EXPECT_GE(turns[k]["isl"].get<int64_t>(), isl_prev + out_prev + 30) << id << " turn " << k;
    }
  }
  // At most 2 sessions at once: no request arrives while 2 other sessions are open.
  std::vector<std::pair<int64_t, int64_t>> spans;  // first arrival, last completion
  for (const auto& [id, turns] : sessions) {
    // Ends at the last token's stamp, which the client cannot have seen earlier (the completion
    // stamp may come later than the client's read on a loaded machine).
    spans.emplace_back(turns.front()["arrival_mono_ns"], turns.back()["last_token_mono_ns"]);
  }
  for (const auto& a : spans) {
    int open = 0;
    for (const auto& b : spans) open += b.first <= a.first && a.first < b.second;
    EXPECT_LE(open, 2);
  }
  // The client's ISL of every turn is the server's (the whole history counts, spec §2.6).
  std::map<std::string, int64_t> isl_by_request;
  for (const json& g : recs) isl_by_request[g["headers"]["x-request-id"]] = g["isl"];
  auto out = r.records();
  ASSERT_EQ(out.size(), 12u);
  for (const json& rec : out) {
    const std::string rid = rec["metadata"]["x_request_id"];
    ASSERT_TRUE(isl_by_request.count(rid)) << rid;
    EXPECT_EQ(rec["metrics"]["input_sequence_length"]["value"].get<int64_t>(), isl_by_request[rid])
        << "turn " << rec["metadata"]["turn_index"];
  }
}

// Rate mode: later turns are queued and sent on rate ticks before new sessions; every session
// completes all its turns under --num-sessions.
TEST(Workload, RateModeSendsEveryTurnOfEverySession) {
  const std::string gt = gt_path("rate.jsonl");
  MockServerProcess m({"--ttft", "5", "--itl", "1", "--record-requests", gt});
  ProfileRun r = profile(m, {"--endpoint-type", "chat", "--request-rate", "40", "--arrival-pattern",
                             "constant", "--num-sessions", "5", "--session-turns-mean", "2",
                             "--isl", "16", "--osl", "4", "--random-seed", "3"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto recs = read_jsonl(gt);
  ASSERT_EQ(recs.size(), 10u);
  auto sessions = sessions_of(recs);
  ASSERT_EQ(sessions.size(), 5u);
  for (const auto& [id, turns] : sessions) {
    ASSERT_EQ(turns.size(), 2u);
    EXPECT_GE(turns[1]["arrival_mono_ns"].get<int64_t>(),
              turns[0]["last_token_mono_ns"].get<int64_t>());
  }
  // One request per tick of 25 ms: every turn (later turns included) was scheduled on its own
  // tick. Scheduled time = actual send - send lateness, both from the client's records (server
  // arrival gaps would also measure how late a loaded machine let the client send).
  std::vector<int64_t> scheduled;
  for (const json& rec : r.records()) {
    double late_ms = rec["metrics"]["send_lateness"]["value"].get<double>();
    scheduled.push_back(rec["metadata"]["request_start_ns"].get<int64_t>() -
                        int64_t(std::llround(late_ms * 1e6)));
  }
  ASSERT_EQ(scheduled.size(), 10u);
  std::sort(scheduled.begin(), scheduled.end());
  for (size_t i = 1; i < scheduled.size(); ++i) {
    EXPECT_GE(scheduled[i] - scheduled[i - 1], 25'000'000 - 10'000) << i;  // 10 µs: rounding
  }
}

// Trace replay: 300 single-turn entries 5 ms apart; send offsets against trace timestamps.
TEST(Workload, FixedScheduleFollowsTraceTimestamps) {
  const std::string dir = make_temp_dir("aiperf-trace");
  const std::string trace = dir + "/trace.jsonl";
  {
    std::ofstream f(trace);
    for (int i = 0; i < 300; ++i) {
      f << "{\"timestamp\": " << (50000 + i * 5)
        << ", \"input_length\": 20, \"output_length\": 3}\n";
    }
  }
  const std::string gt = gt_path("fixed.jsonl");
  MockServerProcess m({"--ttft", "2", "--itl", "1", "--record-requests", gt});
  ProfileRun r = profile(m, {"--endpoint-type", "chat", "--input-file", trace,
                             "--custom-dataset-type", "mooncake_trace", "--fixed-schedule"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto recs = read_jsonl(gt);
  ASSERT_EQ(recs.size(), 300u);  // the trace is the stop condition
  std::vector<int64_t> arrivals;
  for (const json& g : recs) arrivals.push_back(g["arrival_mono_ns"]);
  std::sort(arrivals.begin(), arrivals.end());
  // Error of each arrival against its trace offset, after removing the constant offset
  // between the phase start and the first arrival (the median).
  std::vector<double> d;
  for (size_t i = 0; i < arrivals.size(); ++i) d.push_back(double(arrivals[i]) - double(i) * 5e6);
  std::vector<double> sorted = d;
  std::sort(sorted.begin(), sorted.end());
  double med = sorted[sorted.size() / 2];
  std::vector<double> err;
  for (double x : d) err.push_back(std::abs(x - med));
  std::sort(err.begin(), err.end());
  double p50 = err[err.size() / 2], p90 = err[err.size() * 9 / 10];
  // Gross-error bounds only (a loaded CI machine may deschedule the client for tens of ms);
  // replay fidelity itself (p99 <= 1 ms at 1k req/s) is measured in bench/, not asserted here.
  EXPECT_LT(p50, 20e6) << "median error " << p50 / 1e6 << " ms";
  EXPECT_LT(p90, 100e6) << "p90 error " << p90 / 1e6 << " ms";
  // The whole trace spans 1.495 s; the replay neither compresses nor stretches it.
  EXPECT_NEAR(double(arrivals.back() - arrivals.front()) / 1e6, 1495.0, 100.0);
}

// Trace replay of sessions: a later turn with `delay` leaves that long after the previous
// turn returned, on the same session.
TEST(Workload, FixedScheduleSessionDelays) {
  const std::string dir = make_temp_dir("aiperf-trace");
  const std::string trace = dir + "/trace.jsonl";
  {
    std::ofstream f(trace);
    for (int s = 0; s < 3; ++s) {
      f << "{\"session_id\": \"s" << s << "\", \"timestamp\": " << (1000 + s * 100)
        << ", \"input_length\": 20, \"output_length\": 4}\n";
      f << "{\"session_id\": \"s" << s << "\", \"delay\": 150, \"input_length\": 20, "
        << "\"output_length\": 4}\n";
    }
  }
  const std::string gt = gt_path("fixed_sessions.jsonl");
  MockServerProcess m({"--ttft", "5", "--itl", "1", "--record-requests", gt});
  ProfileRun r = profile(m, {"--endpoint-type", "chat", "--input-file", trace,
                             "--custom-dataset-type", "mooncake_trace", "--fixed-schedule"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto recs = read_jsonl(gt);
  ASSERT_EQ(recs.size(), 6u);
  auto sessions = sessions_of(recs);
  ASSERT_EQ(sessions.size(), 3u);
  std::vector<int64_t> firsts;
  for (const auto& [id, turns] : sessions) {
    ASSERT_EQ(turns.size(), 2u);
    EXPECT_GE(
        turns[1]["arrival_mono_ns"].get<int64_t>() - turns[0]["last_token_mono_ns"].get<int64_t>(),
        150'000'000);
    firsts.push_back(turns[0]["arrival_mono_ns"]);
  }
  std::sort(firsts.begin(), firsts.end());
  // Trace offsets 100 and 200 ms; bounds allow a descheduled client on a loaded CI machine.
  EXPECT_NEAR(double(firsts[1] - firsts[0]) / 1e6, 100.0, 50.0);
  EXPECT_NEAR(double(firsts[2] - firsts[0]) / 1e6, 200.0, 50.0);
}

// User-centric: 4 users at 8 req/s with 3-turn conversations → stagger 125 ms, turn gap 0.5 s;
// X-Correlation-ID is the user id; each user's turns are >= turn_gap apart.
TEST(Workload, UserCentricTurnGapAndUserIds) {
  const std::string gt = gt_path("uc.jsonl");
  MockServerProcess m({"--ttft", "5", "--itl", "1", "--record-requests", gt});
  ProfileRun r = profile(
      m, {"--endpoint-type", "chat", "--user-centric-rate", "8", "--num-users", "4",
          "--session-turns-mean", "3", "--benchmark-duration", "3", "--benchmark-grace-period", "5",
          "--isl", "16", "--osl", "4", "--random-seed", "9"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto recs = read_jsonl(gt);
  auto users = sessions_of(recs);
  // Initial users 2..5 (user 1 is "virtually done"), then spawned users 6, 7, ...
  EXPECT_EQ(users.count("1"), 0u);
  for (const char* id : {"2", "3", "4", "5", "6", "7"}) EXPECT_EQ(users.count(id), 1u) << id;
  EXPECT_EQ(users["2"].size(), 1u);  // virtual history: 1 turn left
  EXPECT_EQ(users["4"].size(), 2u);  // 2 turns left
  EXPECT_EQ(users["5"].size(), 3u);  // the fresh user: all turns
  for (const auto& [id, turns] : users) {
    for (size_t k = 1; k < turns.size(); ++k) {
      EXPECT_GE(turns[k]["arrival_mono_ns"].get<int64_t>() -
                    turns[k - 1]["arrival_mono_ns"].get<int64_t>(),
                400'000'000)
          << "user " << id;
    }
  }
  // Steady state: about 8 requests per second over the 3 s.
  EXPECT_GE(recs.size(), 20u);
  EXPECT_LE(recs.size(), 26u);
}

// ---------------------------------------------------------------- verbatim replay formats

const std::string kTraces = std::string(AIPERF_TEST_DATA_DIR) + "/traces/";

std::vector<std::string> sent_payloads(const ProfileRun& r) {
  std::vector<std::string> out;
  for (const json& j : read_jsonl(r.dir + "/profile_export_raw.jsonl")) {
    out.push_back(j["payload"].dump());
  }
  return out;
}

int64_t isl_of(const json& rec) {
  return rec["metrics"]["input_sequence_length"]["value"].get<int64_t>();
}

// raw_payload: each line is the request body, sent byte for byte to the endpoint's URL; the
// answer is parsed by the endpoint type in use; ISL counts the body's message text.
TEST(Workload, RawPayloadBodiesAreSentVerbatim) {
  const std::string file = make_temp_dir("aiperf-raw") + "/bodies.jsonl";
  const std::vector<std::string> bodies = {
      R"({"model":"mock-model","messages":[{"role":"user","content":"one two three"}],"max_tokens":4,"stream":false})",
      R"({"messages":[{"role":"user","content":"four"}],"model":"mock-model","max_tokens":6,"temperature":0.5})",
  };
  {
    std::ofstream f(file);
    for (const auto& b : bodies) f << b << "\n";
  }
  const std::string gt = gt_path("raw.jsonl");
  MockServerProcess m({"--ttft", "1", "--itl", "1", "--record-requests", gt});
  ProfileRun r = profile(
      m, {"--endpoint-type", "chat", "--input-file", file, "--custom-dataset-type", "raw_payload",
          "--request-count", "2", "--concurrency", "1", "--export-level", "raw"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto sent = sent_payloads(r);
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0], json::parse(bodies[0]).dump());
  EXPECT_EQ(sent[1], json::parse(bodies[1]).dump());
  const std::string raw_text = read_file(r.dir + "/profile_export_raw.jsonl");
  EXPECT_NE(raw_text.find(bodies[0]), std::string::npos);  // the exact bytes, key order kept
  EXPECT_NE(raw_text.find(bodies[1]), std::string::npos);
  auto truth = read_jsonl(gt);
  ASSERT_EQ(truth.size(), 2u);
  std::vector<int64_t> limits;
  for (const json& g : truth) {
    EXPECT_EQ(g["endpoint"], "/v1/chat/completions");
    EXPECT_EQ(g["status"], 200);
    limits.push_back(g["requested_max_tokens"].get<int64_t>());
  }
  std::sort(limits.begin(), limits.end());
  EXPECT_EQ(limits, (std::vector<int64_t>{4, 6}));
  for (const json& rec : r.records()) {
    EXPECT_GT(isl_of(rec), 0) << rec.dump();
    EXPECT_GT(rec["metrics"]["output_sequence_length"]["value"].get<int64_t>(), 0);
  }
}

// inputs_json: a run's own inputs.json replays the same bodies (same ISL, same limits).
TEST(Workload, InputsJsonRoundTrip) {
  const std::string gt1 = gt_path("first.jsonl"), gt2 = gt_path("replay.jsonl");
  ProfileRun first, replay;
  {
    MockServerProcess m({"--ttft", "1", "--itl", "1", "--record-requests", gt1});
    first = profile(m, {"--endpoint-type", "chat", "--request-count", "4", "--concurrency", "1",
                        "--num-dataset-entries", "4", "--random-seed", "3", "--isl", "24", "--osl",
                        "5", "-b", "2", "--export-level", "raw"});
    ASSERT_EQ(first.result.exit_code, 0) << first.result.err;
  }
  const std::string inputs = first.dir + "/inputs.json";
  ASSERT_FALSE(read_file(inputs).empty());
  {
    MockServerProcess m({"--ttft", "1", "--itl", "1", "--record-requests", gt2});
    replay = profile(m, {"--endpoint-type", "chat", "--input-file", inputs, "--request-count", "4",
                         "--concurrency", "1", "--export-level", "raw"});
    ASSERT_EQ(replay.result.exit_code, 0) << replay.result.err;  // auto-detected inputs_json
  }
  auto a = sent_payloads(first), b = sent_payloads(replay);
  ASSERT_EQ(a.size(), 4u);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  EXPECT_EQ(a, b);
  EXPECT_NE(a[0].find(R"("type":"text")"), std::string::npos);  // -b 2: two text parts
  std::vector<int64_t> isl_a, isl_b;
  for (const json& rec : first.records()) isl_a.push_back(isl_of(rec));
  for (const json& rec : replay.records()) isl_b.push_back(isl_of(rec));
  std::sort(isl_a.begin(), isl_a.end());
  std::sort(isl_b.begin(), isl_b.end());
  EXPECT_EQ(isl_a, isl_b);  // the replayed text is counted as the synthetic prompts were
  EXPECT_EQ(read_jsonl(gt1).size(), 4u);
  EXPECT_EQ(read_jsonl(gt2).size(), 4u);
}

// sagemaker_data_capture: captured chat requests replayed at their captured times (zero-based).
TEST(Workload, SageMakerCaptureReplay) {
  const std::string gt = gt_path("sagemaker.jsonl");
  MockServerProcess m({"--ttft", "1", "--itl", "1", "--record-requests", gt});
  ProfileRun r =
      profile(m, {"--endpoint-type", "chat", "--input-file", kTraces + "sagemaker_capture.jsonl",
                  "--fixed-schedule", "--export-level", "raw"});
  ASSERT_EQ(r.result.exit_code, 0) << r.result.err;
  auto truth = read_jsonl(gt);
  ASSERT_EQ(truth.size(), 3u);
  std::sort(truth.begin(), truth.end(), [](const json& x, const json& y) {
    return x["arrival_mono_ns"].get<int64_t>() < y["arrival_mono_ns"].get<int64_t>();
  });
  EXPECT_EQ(truth[0]["requested_max_tokens"], 7);  // the earliest capture first
  EXPECT_EQ(truth[1]["requested_max_tokens"], 50);
  EXPECT_TRUE(truth[2]["requested_max_tokens"].is_null());
  const double gap1 = double(truth[1]["arrival_mono_ns"].get<int64_t>() -
                             truth[0]["arrival_mono_ns"].get<int64_t>()) /
                      1e6;
  const double gap2 = double(truth[2]["arrival_mono_ns"].get<int64_t>() -
                             truth[1]["arrival_mono_ns"].get<int64_t>()) /
                      1e6;
  EXPECT_NEAR(gap1, 500.0, 100.0);
  EXPECT_NEAR(gap2, 2000.0, 100.0);
  bool saw_tools = false;
  for (const auto& p : sent_payloads(r)) {
    json body = json::parse(p);
    EXPECT_EQ(body["model"], "mock-model");
    ASSERT_TRUE(body["messages"].is_array());
    saw_tools |= body.contains("tools");
  }
  EXPECT_TRUE(saw_tools);
}

// `aiperf validate mooncake-trace` (spec §8.5): AIPerf's wording and exit codes; at most 10
// errors; a file that cannot be read is a usage error.
TEST(Workload, ValidateMooncakeTrace) {
  auto ok = run_command({AIPERF_BIN, "validate", "mooncake-trace", "--input",
                         kTraces + "arxiv_mooncake_trace_first20.jsonl"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(ok.out, "Validation passed: 20 rows are Mooncake-compatible.\n");

  const std::string dir = make_temp_dir("aiperf-validate");
  const std::string bad = dir + "/bad.jsonl";
  {
    std::ofstream f(bad);
    f << "{\"input_length\": 10}\n{\"timestamp\": \"x\", \"input_length\": 5}\n\nnot json\n";
    for (int i = 0; i < 20; ++i) f << "{\"output_length\": 3}\n";  // no input at all
  }
  auto r = run_command({AIPERF_BIN, "validate", "mooncake-trace", "--input=" + bad});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out.rfind("Validation failed with 10 error(s):\n  Line 2: timestamp: ", 0), 0u)
      << r.out;
  EXPECT_NE(r.out.find("\n  Line 4: "), std::string::npos) << r.out;  // blank line 3 skipped
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 11);

  auto missing = run_command({AIPERF_BIN, "validate", "mooncake-trace", "--input", dir + "/no"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("cannot open"), std::string::npos) << missing.err;
  EXPECT_EQ(run_command({AIPERF_BIN, "validate", "bailian-trace", "--input", bad}).exit_code, 2);
  EXPECT_EQ(run_command({AIPERF_BIN, "validate", "mooncake-trace"}).exit_code, 2);
}

}  // namespace
}  // namespace aiperf::testing
