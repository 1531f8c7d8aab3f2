// Issue 9's command-line spellings: each tutorial alias gives the same Config as its AIPerf
// spelling; several servers, connection reuse and the readiness probe flags; --input-file alone
// detects its format; the shared system prompt with file datasets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

const std::string kTraces = std::string(AIPERF_TEST_DATA_DIR) + "/traces/";

Config parse(Args args) {
  ParseEnv env;
  return parse_profile_args(args, env);
}

std::string error_of(Args args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

/// The Config without what records how it was spelled (argv, notices, the options as given).
Config normalized(Config c) {
  c.argv.clear();
  c.warnings.clear();
  c.given_options.clear();  // keyed by each row's name, with the values as typed
  return c;
}

void expect_same(Args a, Args b) {
  Args base = {"-m", "m"};
  Args full_a = base, full_b = base;
  full_a.insert(full_a.end(), a.begin(), a.end());
  full_b.insert(full_b.end(), b.begin(), b.end());
  std::string ja, jb;
  for (const auto& s : a) ja += s + " ";
  for (const auto& s : b) jb += s + " ";
  EXPECT_TRUE(normalized(parse(full_a)) == normalized(parse(full_b))) << ja << " vs " << jb;
}

TEST(TutorialSpellings, EachAliasParsesToItsAiperfSpelling) {
  expect_same({"--max-concurrency", "8", "--request-rate", "5"},
              {"--concurrency", "8", "--request-rate", "5"});
  expect_same({"--max-concurrency", "8"}, {"--concurrency", "8"});
  expect_same({"--duration", "30"}, {"--benchmark-duration", "30"});
  expect_same({"--warmup-requests", "3"}, {"--warmup-request-count", "3"});
  expect_same({"--input-tokens-mean", "200", "--input-tokens-stddev", "10"},
              {"--isl", "200", "--isl-stddev", "10"});
  expect_same({"--output-tokens-mean", "100", "--output-tokens-stddev", "5"},
              {"--osl", "100", "--osl-stddev", "5"});
  expect_same(
      {"--streaming", "--goodput-ttft", "50", "--goodput-itl", "10", "--goodput-e2e", "900"},
      {"--streaming", "--goodput",
       "time_to_first_token:50 inter_token_latency:10 request_latency:900"});
  expect_same({"--goodput", "request_latency:250", "--goodput-ttft", "50", "--streaming"},
              {"--goodput", "request_latency:250 time_to_first_token:50", "--streaming"});
  expect_same({"--dataset", "sharegpt"}, {"--public-dataset", "sharegpt"});
  expect_same({"--request-timeout", "2500"}, {"--request-timeout-seconds", "2.5"});
  expect_same({"--trace-file", kTraces + "arxiv_mooncake_trace_first20.jsonl"},
              {"--input-file", kTraces + "arxiv_mooncake_trace_first20.jsonl", "--fixed-schedule"});
  expect_same({"--trace-file", kTraces + "single_turn_timestamps.jsonl"},
              {"--input-file", kTraces + "single_turn_timestamps.jsonl", "--custom-dataset-type",
               "single_turn", "--fixed-schedule"});
}

TEST(TutorialSpellings, ConflictsAreOneLineNamingBothFlags) {
  EXPECT_NE(error_of({"-m", "m", "--streaming", "--goodput", "time_to_first_token:10",
                      "--goodput-ttft", "20"})
                .find("--goodput-ttft sets time_to_first_token, which --goodput sets too"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--request-timeout", "10", "--request-timeout-seconds", "1"})
                .find("--request-timeout (milliseconds) and --request-timeout-seconds"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--trace-file", kTraces + "arxiv_mooncake_trace_first20.jsonl",
                      "--input-file", kTraces + "arxiv_mooncake_trace_first20.jsonl"})
                .find("both name the dataset file"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--trace-file", kTraces + "arxiv_mooncake_trace_first20.jsonl",
                      "--no-fixed-schedule"})
                .find("--trace-file replays the trace"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--request-timeout", "0"}).find("--request-timeout: must be > 0"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--goodput-e2e", "abc"}).find("--goodput-e2e"), std::string::npos);
  // A trace replayed at its timestamps refuses a rate, as --fixed-schedule does.
  EXPECT_NE(error_of({"-m", "m", "--trace-file", kTraces + "arxiv_mooncake_trace_first20.jsonl",
                      "--request-rate", "3"})
                .find("--request-rate cannot be used with --fixed-schedule"),
            std::string::npos);
}

TEST(InputFileAlone, FormatDetectedFromTheContent) {
  const std::vector<std::pair<std::string, const char*>> files = {
      {"single_turn_basic.jsonl", "single_turn"},
      {"multi_turn_basic.jsonl", "multi_turn"},
      {"arxiv_mooncake_trace_first20.jsonl", "mooncake_trace"},
      {"bailian_trace_doc_example.jsonl", "bailian_trace"},
      {"BurstGPT_1_first3rows.csv", "burst_gpt_trace"},
      {"inputs_json_example.json", "inputs_json"},
      {"sagemaker_capture.jsonl", "sagemaker_data_capture"},
  };
  for (const auto& [file, type] : files) {
    expect_same({"--input-file", kTraces + file},
                {"--input-file", kTraces + file, "--custom-dataset-type", type});
  }
  // As AIPerf: a record two loaders accept needs --custom-dataset-type; a random_pool file
  // reads as single_turn (the pool is chosen explicitly, or by a directory).
  EXPECT_NE(error_of({"-m", "m", "--input-file", kTraces + "raw_payload.jsonl"})
                .find("Multiple loaders can handle the data format"),
            std::string::npos);
  expect_same(
      {"--input-file", kTraces + "random_pool_dir"},
      {"--input-file", kTraces + "random_pool_dir", "--custom-dataset-type", "random_pool"});
}

TEST(SharedSystemPrompt, AcceptedWithFileDatasets) {
  // The skill guide's line: a multi_turn file with a shared system prompt and user context.
  Config c = parse({"-m", "m", "--input-file", kTraces + "multi_turn_basic.jsonl",
                    "--custom-dataset-type", "multi_turn", "--shared-system-prompt-length", "1000",
                    "--user-context-prompt-length", "200"});
  EXPECT_EQ(c.shared_system_prompt_length, 1000);
  EXPECT_EQ(c.user_context_prompt_length, 200);
  const auto j = redacted_config_json(c);
  EXPECT_EQ(j["datasets"][0]["type"], "file");
  EXPECT_EQ(j["datasets"][0]["prefix_prompts"]["shared_system_length"], 1000);
  EXPECT_EQ(j["datasets"][0]["prefix_prompts"]["user_context_length"], 200);
}

TEST(Servers, UrlListsRoundRobinAndReuse) {
  // --url A B C (the tutorial's form) and --url A --url B --url C are the same.
  expect_same({"--url", "a:1", "b:2", "c:3"}, {"--url", "a:1", "--url", "b:2", "--url", "c:3"});
  expect_same({"-u", "a:1,b:2"}, {"--url", "a:1", "--url", "b:2"});
  EXPECT_EQ(parse({"-m", "m", "--url", "a:1", "b:2"}).urls,
            (std::vector<std::string>{"http://a:1", "http://b:2"}));
  expect_same({"--url-strategy", "round_robin"}, {});
  EXPECT_NE(error_of({"-m", "m", "--url-strategy", "random"})
                .find("--url-strategy: invalid choice 'random' (choose from: round_robin)"),
            std::string::npos);
  EXPECT_EQ(parse({"-m", "m"}).connection_reuse, ConnectionReuse::kPooled);
  EXPECT_EQ(parse({"-m", "m", "--connection-reuse-strategy", "never"}).connection_reuse,
            ConnectionReuse::kNever);
  EXPECT_NE(error_of({"-m", "m", "--connection-reuse-strategy", "sticky"}).find("invalid choice"),
            std::string::npos);
  const auto j = redacted_config_json(parse(
      {"-m", "m", "--url", "a:1", "b:2", "--connection-reuse-strategy", "sticky-user-sessions"}));
  EXPECT_EQ(j["endpoint"]["url_strategy"], "round_robin");
  EXPECT_EQ(j["endpoint"]["connection_reuse"], "sticky-user-sessions");
}

TEST(Servers, ReadinessProbeFlags) {
  Config d = parse({"-m", "m"});
  EXPECT_EQ(d.wait_for_model_timeout_s, 0.0);
  EXPECT_EQ(d.wait_for_model_mode, WaitForModelMode::kInference);
  EXPECT_EQ(d.wait_for_model_interval_s, 5.0);
  Config c = parse({"-m", "m", "--wait-for-model-timeout", "60", "--wait-for-model-mode", "models",
                    "--wait-for-model-interval", "2"});
  EXPECT_EQ(c.wait_for_model_timeout_s, 60.0);
  EXPECT_EQ(c.wait_for_model_mode, WaitForModelMode::kModels);
  EXPECT_EQ(c.wait_for_model_interval_s, 2.0);
  EXPECT_NE(error_of({"-m", "m", "--wait-for-model-interval", "2"})
                .find("--wait-for-model-interval has no effect unless --wait-for-model-timeout is "
                      "set to a positive value"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--wait-for-model-timeout", "0", "--wait-for-model-mode", "both"})
                .find("--wait-for-model-mode has no effect"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--wait-for-model-timeout", "-1"}).find("must be >= 0"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--wait-for-model-timeout", "5", "--wait-for-model-interval", "0"})
                .find("must be > 0"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--wait-for-model-timeout", "5", "--wait-for-model-mode", "x"})
                .find("(choose from: models, inference, both)"),
            std::string::npos);
}

TEST(InputConfig, AiperfKeyOrderAndWhatReadersLookFor) {
  Config c = parse({"-m", "a", "-m", "b", "--concurrency", "4", "--request-count", "20",
                    "--streaming", "--goodput", "request_latency:100"});
  const auto j = redacted_config_json(c);
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  EXPECT_EQ(keys, (std::vector<std::string>{"models", "endpoint", "datasets", "phases", "artifacts",
                                            "server_metrics", "gpu_telemetry", "slos", "tokenizer",
                                            "runtime", "logging", "loadgen"}));
  std::vector<std::string> ep;
  for (auto it = j["endpoint"].begin(); it != j["endpoint"].end(); ++it) ep.push_back(it.key());
  EXPECT_EQ(ep.front(), "urls");
  EXPECT_EQ(ep[1], "type");
  EXPECT_EQ(j["endpoint"]["model_names"], nlohmann::ordered_json({"a", "b"}));
  EXPECT_EQ(j["models"]["items"][0]["name"], "a");
  EXPECT_EQ(j["phases"].back()["concurrency"], 4);
  EXPECT_EQ(j["phases"].back()["requests"], 20);
  EXPECT_EQ(j["loadgen"]["concurrency"], 4);
  EXPECT_EQ(j["loadgen"]["request_count"], 20);
  EXPECT_FALSE(j.contains("random_seed"));  // run_info carries the seed
}

}  // namespace
}  // namespace aiperf::config
