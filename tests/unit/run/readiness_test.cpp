// The --wait-for-model readiness probe (run/servers.h) against a scripted sender: what each mode
// asks, when it counts as ready, and the one-line timeout message.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aiperf/run/servers.h"

namespace aiperf::run {
namespace {

struct Call {
  std::string method, target, body;
};

struct Script {
  std::vector<Call> calls;
  std::vector<ProbeAnswer> answers;  // in order; the last repeats
  ProbeAnswer next() {
    const size_t i = std::min(calls.size() - 1, answers.size() - 1);
    return answers[i];
  }
};

ReadinessOptions options(const config::Config& cfg, Script& s) {
  ReadinessOptions o;
  o.cfg = &cfg;
  o.urls = {*transport::parse_url("http://127.0.0.1:9")};
  o.inference_path = "/v1/chat/completions";
  o.send = [&s](const transport::Url&, std::string_view method, const std::string& target,
                const std::string&, const std::string& body, int64_t) {
    s.calls.push_back({std::string(method), target, body});
    return s.next();
  };
  return o;
}

config::Config cfg_for(config::WaitForModelMode mode, double timeout_s = 30) {
  config::Config c;
  c.models = {"m1"};
  c.wait_for_model_timeout_s = timeout_s;
  c.wait_for_model_interval_s = 0.001;
  c.wait_for_model_mode = mode;
  return c;
}

TEST(Readiness, InferenceRetriesUntilBelow500) {
  auto cfg = cfg_for(config::WaitForModelMode::kInference);
  Script s;
  s.answers = {{0, "", "connection refused"}, {503, "", ""}, {400, "bad", ""}};
  int waiting = 0;
  auto o = options(cfg, s);
  o.on_waiting = [&](const std::string&) { ++waiting; };
  wait_for_model(o);
  ASSERT_EQ(s.calls.size(), 3u);
  EXPECT_EQ(s.calls[0].method, "POST");
  EXPECT_EQ(s.calls[0].target, "/v1/chat/completions");
  EXPECT_EQ(s.calls[0].body,
            R"({"messages":[{"role":"user","content":"Lo"}],"max_tokens":1,"model":"m1"})");
  EXPECT_EQ(waiting, 1);  // announced once
}

TEST(Readiness, ModelsWaitsForTheModelToBeListed) {
  auto cfg = cfg_for(config::WaitForModelMode::kModels);
  Script s;
  s.answers = {{503, "", ""},
               {200, R"({"data":[{"id":"other"}]})", ""},
               {200, R"({"object":"list","data":[{"id":"m1"}]})", ""}};
  wait_for_model(options(cfg, s));
  ASSERT_EQ(s.calls.size(), 3u);
  EXPECT_EQ(s.calls[0].method, "GET");
  EXPECT_EQ(s.calls[0].target, "/v1/models");
}

TEST(Readiness, ModelsWithoutAListAcceptsTheBaseUrl) {
  auto cfg = cfg_for(config::WaitForModelMode::kModels);
  Script s;
  s.answers = {{404, "", ""}, {200, "ok", ""}};
  wait_for_model(options(cfg, s));
  ASSERT_EQ(s.calls.size(), 2u);
  EXPECT_EQ(s.calls[1].target, "/");
}

TEST(Readiness, BothRunsModelsThenInferencePerModel) {
  auto cfg = cfg_for(config::WaitForModelMode::kBoth);
  cfg.models = {"m1", "m2"};
  Script s;
  s.answers = {{200, R"({"data":[{"id":"m1"},{"id":"m2"}]})", ""}};
  wait_for_model(options(cfg, s));
  ASSERT_EQ(s.calls.size(), 4u);
  EXPECT_EQ(s.calls[0].method + s.calls[1].method + s.calls[2].method + s.calls[3].method,
            "GETGETPOSTPOST");
  EXPECT_NE(s.calls[3].body.find("\"m2\""), std::string::npos);
}

TEST(Readiness, TimeoutIsOneLineNamingUrlModelAndLastAnswer) {
  auto cfg = cfg_for(config::WaitForModelMode::kInference, 0.2);
  Script s;
  s.answers = {{503, "", ""}};
  try {
    wait_for_model(options(cfg, s));
    FAIL() << "expected a timeout";
  } catch (const std::runtime_error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("Timed out after 0.2s probing http://127.0.0.1:9/v1/chat/completions with "
                       "model 'm1'"),
              std::string::npos)
        << msg;
    EXPECT_NE(msg.find("last answer: HTTP 503"), std::string::npos) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos);
  }
  EXPECT_GE(s.calls.size(), 1u);
}

TEST(Readiness, CannedBodiesPerEndpointType) {
  EXPECT_EQ(readiness_body("completions", "m"), R"({"prompt":"Lo","max_tokens":1,"model":"m"})");
  EXPECT_EQ(readiness_body("embeddings", "m"), R"({"input":"Lo","model":"m"})");
  EXPECT_EQ(readiness_body("rankings", "m"),
            R"({"messages":[{"role":"user","content":"Lo"}],"max_tokens":1,"model":"m"})");
}

}  // namespace
}  // namespace aiperf::run
