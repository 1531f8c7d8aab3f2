// GenAI-Perf's profile command line: every flag gives the same Config as its aiperf spelling
// (docs/genai-perf.md), argparse's reading (prefixes, =, nargs, last wins, exclusive groups),
// GenAI-Perf's rules, and one-line refusals naming the flag (unknown flags name the nearest).
#include "aiperf/config/genai_perf_args.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "aiperf/common/error.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

const std::string kTraces = std::string(AIPERF_TEST_DATA_DIR) + "/traces/";
const Args kBase = {"-m", "m", "--service-kind", "openai", "--endpoint-type", "chat"};

Config normalized(Config c) {
  c.argv.clear();
  c.warnings.clear();
  c.given_options.clear();  // the options as typed
  return c;
}

Config gap(Args extra, Args base = kBase) {
  base.insert(base.end(), extra.begin(), extra.end());
  return parse_genai_perf_profile(base, ParseEnv{});
}

Config aip(Args extra, Args base = {"-m", "m", "--endpoint-type", "chat"}) {
  base.insert(base.end(), extra.begin(), extra.end());
  return parse_profile_args(base, ParseEnv{});
}

std::string joined(const Args& a) {
  std::string s;
  for (const auto& x : a) s += x + " ";
  return s;
}

void expect_same(Args g, Args a) {
  EXPECT_TRUE(normalized(gap(g)) == normalized(aip(a))) << joined(g) << " vs " << joined(a);
}

std::string error_of(Args args) {
  try {
    parse_genai_perf_profile(args, ParseEnv{});
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError for " << joined(args);
  return {};
}

std::string gap_error(Args extra) {
  Args a = kBase;
  a.insert(a.end(), extra.begin(), extra.end());
  return error_of(a);
}

TEST(GenaiPerf, EveryAcceptedFlagParsesToItsAiperfSpelling) {
  const std::string st = kTraces + "single_turn_basic.jsonl";
  const std::vector<std::pair<Args, Args>> cases = {
      // Endpoint (-m/--model: below)
      {{"--model-selection-strategy", "random"}, {"--model-selection-strategy", "random"}},
      {{"--endpoint", "v1/x"}, {"--custom-endpoint", "v1/x"}},
      {{"--streaming"}, {"--streaming"}},
      {{"-u", "h:1"}, {"--url", "h:1"}},
      {{"--url", "h:2"}, {"--url", "h:2"}},
      // Audio and image input
      {{"--audio-length-mean", "2", "--audio-length-stddev", "0.5", "--audio-format", "mp3",
        "--audio-depths", "16", "24", "--audio-sample-rates", "16", "44.1", "--audio-num-channels",
        "2", "--batch-size-audio", "2"},
       {"--audio-length-mean", "2", "--audio-length-stddev", "0.5", "--audio-format", "mp3",
        "--audio-depths", "16,24", "--audio-sample-rates", "16,44.1", "--audio-num-channels", "2",
        "--audio-batch-size", "2"}},
      {{"--image-width-mean", "64", "--image-width-stddev", "2", "--image-height-mean", "48",
        "--image-height-stddev", "3", "--image-format", "png", "--batch-size-image", "2"},
       {"--image-width-mean", "64", "--image-width-stddev", "2", "--image-height-mean", "48",
        "--image-height-stddev", "3", "--image-format", "png", "--image-batch-size", "2"}},
      // GenAI-Perf: without --image-format the format of each image is picked at random.
      {{"--image-width-mean", "64", "--image-height-mean", "48"},
       {"--image-width-mean", "64", "--image-height-mean", "48", "--image-format", "random"}},
      // Input
      {{"--batch-size-text", "2"}, {"--prompt-batch-size", "2"}},
      {{"--batch-size", "2"}, {"--prompt-batch-size", "2"}},
      {{"-b", "3"}, {"--prompt-batch-size", "3"}},
      {{"--extra-inputs", "temperature:0.5", "--extra-inputs", "top_p:0.9"},
       {"--extra-inputs", "temperature:0.5,top_p:0.9"}},
      {{"--goodput", "time_to_first_token:50", "request_latency:300", "--streaming"},
       {"--goodput", "time_to_first_token:50 request_latency:300", "--streaming"}},
      {{"-g", "request_latency:300"}, {"--goodput", "request_latency:300"}},
      {{"-H", "X-A:1", "--header", "X-B:2"}, {"--header", "X-A:1", "--header", "X-B:2"}},
      {{"--input-file", st}, {"--input-file", st}},
      {{"--input-file", "payload:" + kTraces + "arxiv_mooncake_trace_first20.jsonl"},
       {"--input-file", kTraces + "arxiv_mooncake_trace_first20.jsonl", "--fixed-schedule"}},
      {{"--num-dataset-entries", "7"}, {"--num-dataset-entries", "7"}},
      {{"--num-prompts", "7"}, {"--num-dataset-entries", "7"}},
      {{"--num-prefix-prompts", "3"},
       {"--num-prefix-prompts", "3", "--prefix-prompt-length", "100"}},
      {{"--num-prefix-prompts", "3", "--prefix-prompt-length", "20"},
       {"--prefix-prompt-pool-size", "3", "--prefix-prompt-length", "20"}},
      {{"--num-prefix-prompts", "0"}, {}},
      {{"--output-tokens-mean", "64", "--output-tokens-stddev", "4"},
       {"--osl", "64", "--osl-stddev", "4"}},
      {{"--osl", "64", "--output-tokens-mean-deterministic"},
       {"--osl", "64", "--extra-inputs", "ignore_eos:true"}},
      {{"--random-seed", "7"}, {"--random-seed", "7"}},
      {{"--generate-plots"}, {"--generate-plots"}},  // aiperf's plots (the report stage)
      {{"--synthetic-input-tokens-mean", "300", "--synthetic-input-tokens-stddev", "5"},
       {"--isl", "300", "--isl-stddev", "5"}},
      {{"--isl", "300"}, {"--isl", "300"}},
      {{"--warmup-request-count", "4"}, {"--warmup-request-count", "4"}},
      {{"--num-warmup-requests", "4"}, {"--warmup-request-count", "4"}},
      {{"--warmup-request-count", "0"}, {}},
      // Other, output
      {{"-v"}, {"--verbose"}},
      {{"--verbose"}, {"--verbose"}},
      {{"--artifact-dir", "out"}, {"--artifact-dir", "out"}},
      {{"--profile-export-file", "my.json"}, {"--profile-export-prefix", "my.json"}},
      // Profiling
      {{"--concurrency", "8"}, {"--concurrency", "8"}},
      {{"--request-rate", "4.5"}, {"--request-rate", "4.5"}},
      {{"--request-count", "30"}, {"--request-count", "30"}},
      {{"--num-requests", "30"}, {"--request-count", "30"}},
      {{"--measurement-interval", "10000"}, {"--benchmark-duration", "30"}},
      {{"-p", "2500"}, {"--benchmark-duration", "7.5"}},
      {{"--input-file", kTraces + "single_turn_timestamps.jsonl", "--fixed-schedule", "true"},
       {"--input-file", kTraces + "single_turn_timestamps.jsonl", "--fixed-schedule"}},
      {{"--input-file", kTraces + "arxiv_mooncake_trace_first20.jsonl", "--fixed-schedule",
        "false"},
       {"--input-file", kTraces + "arxiv_mooncake_trace_first20.jsonl", "--no-fixed-schedule"}},
      // Session
      {{"--num-sessions", "5", "--session-turns-mean", "3", "--session-turns-stddev", "1",
        "--session-turn-delay-mean", "20", "--session-turn-delay-stddev", "5",
        "--session-delay-ratio", "0.5"},
       {"--conversation-num", "5", "--conversation-turn-mean", "3", "--conversation-turn-stddev",
        "1", "--conversation-turn-delay-mean", "20", "--conversation-turn-delay-stddev", "5",
        "--conversation-turn-delay-ratio", "0.5"}},
      {{"--num-sessions", "0"}, {}},
      {{"--session-concurrency", "6"}, {"--concurrency", "6"}},
      // Tokenizer
      {{"--tokenizer", "builtin", "--tokenizer-revision", "v2", "--tokenizer-trust-remote-code"},
       {"--tokenizer", "builtin", "--tokenizer-revision", "v2", "--tokenizer-trust-remote-code"}},
  };
  for (const auto& [g, a] : cases) expect_same(g, a);
  // -m/--model take several names (nargs +); the last occurrence wins, as in argparse.
  const Args rest = {"--service-kind", "openai", "--endpoint-type", "chat"};
  EXPECT_TRUE(normalized(gap({"-m", "a", "b"}, rest)) ==
              normalized(aip({"-m", "a", "-m", "b"}, {"--endpoint-type", "chat"})));
  EXPECT_TRUE(normalized(gap({"--model", "x", "--model", "y", "z"}, rest)) ==
              normalized(aip({"--model", "y,z"}, {"--endpoint-type", "chat"})));

  // Every accepted GenAI-Perf flag appears above (refused ones are tested below).
  const std::set<std::string> refused = {"--backend",
                                         "--server-metrics-url",
                                         "--server-metrics-urls",
                                         "--grpc-method",
                                         "--checkpoint-dir",
                                         "--enable-checkpointing",
                                         "--stability-percentage",
                                         "-s",
                                         "--help",
                                         "-h",
                                         "--service-kind",
                                         "--endpoint-type"};
  for (const auto& name : genai_perf_flag_names()) {
    if (refused.count(name) || name == "-m" || name == "--model") continue;
    bool covered = false;
    for (const auto& [g, a] : cases) {
      for (const auto& tok : g) covered |= tok == name;
    }
    EXPECT_TRUE(covered) << name;
  }
}

TEST(GenaiPerf, ServiceKindAndEndpointType) {
  // Inferred from --endpoint-type, as newer GenAI-Perf does.
  EXPECT_TRUE(normalized(parse_genai_perf_profile({"-m", "m", "--endpoint-type", "completions"},
                                                  ParseEnv{})) ==
              normalized(aip({"--endpoint-type", "completions"}, {"-m", "m"})));
  // multimodal and vision were chat with media.
  EXPECT_TRUE(normalized(gap({}, {"-m", "m", "--endpoint-type", "multimodal"})) ==
              normalized(aip({})));
  EXPECT_TRUE(normalized(gap({}, {"-m", "m", "--service-kind", "openai", "--endpoint-type",
                                  "vision"})) == normalized(aip({})));
  // Triton (GenAI-Perf's default service kind): KServe v2 gRPC with the backend's tensors, at
  // localhost:8001 unless --url is given.
  auto triton = [](Args g, Args a) {
    Args gb = {"-m", "m"};
    gb.insert(gb.end(), g.begin(), g.end());
    Args ab = {"-m", "m"};
    ab.insert(ab.end(), a.begin(), a.end());
    EXPECT_TRUE(normalized(parse_genai_perf_profile(gb, ParseEnv{})) ==
                normalized(parse_profile_args(ab, ParseEnv{})))
        << joined(g) << " vs " << joined(a);
  };
  triton({}, {"--endpoint-type", "kserve", "--url", "localhost:8001"});
  triton({"--service-kind", "triton", "--streaming"},
         {"--endpoint-type", "kserve", "--url", "localhost:8001", "--streaming"});
  triton({"--endpoint-type", "kserve", "--backend", "vllm", "-u", "h:9"},
         {"--endpoint-type", "kserve_vllm", "--url", "h:9"});
  triton({"--service-kind", "triton", "--backend", "tensorrtllm"},
         {"--endpoint-type", "kserve", "--url", "localhost:8001"});
  // Triton's HTTP generate extension: service kind openai now, triton in earlier releases.
  triton({"--endpoint-type", "generate", "--streaming"},
         {"--endpoint-type", "triton_generate", "--streaming"});
  triton({"--service-kind", "triton", "--endpoint-type", "generate"},
         {"--endpoint-type", "triton_generate"});
  EXPECT_NE(error_of({"-m", "m", "--endpoint-type", "generate", "--output-tokens-mean", "5",
                      "--output-tokens-mean-deterministic"})
                .find("not supported for Triton Generate"),
            std::string::npos);
  const std::string gen =
      error_of({"-m", "m", "--service-kind", "triton", "--endpoint-type", "template"});
  EXPECT_NE(gen.find("not available in this build"), std::string::npos) << gen;
  EXPECT_NE(gen.find("accepted: --service-kind openai --endpoint-type chat|completions"),
            std::string::npos)
      << gen;
  EXPECT_NE(error_of({"-m", "m", "--service-kind", "tensorrtllm_engine"})
                .find("not available in this build"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--service-kind", "openai"})
                .find("--service-kind openai needs --endpoint-type"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--service-kind", "openai", "--endpoint-type", "kserve"})
                .find("Invalid service-kind 'openai' for endpoint-type 'kserve'"),
            std::string::npos);
  EXPECT_NE(error_of({"-m", "m", "--service-kind", "nim"})
                .find("argument --service-kind: invalid choice: 'nim' (choose from "
                      "'dynamic_grpc', 'openai', 'tensorrtllm_engine', 'triton')"),
            std::string::npos);
  EXPECT_NE(gap_error({"--backend", "vllm"}).find("--backend: the backend should only be used"),
            std::string::npos);
  EXPECT_NE(gap_error({"--backend", "onnx"}).find("invalid choice: 'onnx'"), std::string::npos);
}

TEST(GenaiPerf, ArgparseReading) {
  // Unique prefixes, --name=value, -xVALUE.
  expect_same({"--concurr", "4"}, {"--concurrency", "4"});
  expect_same({"--request-count=9"}, {"--request-count", "9"});
  expect_same({"-uh:3"}, {"--url", "h:3"});
  EXPECT_NE(gap_error({"--output-tokens-m", "3"}).find("ambiguous option: --output-tokens-m"),
            std::string::npos);
  // The last of a repeated option wins (argparse), lists included.
  expect_same({"--concurrency", "2", "--concurrency", "5"}, {"--concurrency", "5"});
  EXPECT_EQ(gap({"-m", "x", "y"}).models, (std::vector<std::string>{"x", "y"}));
  // Mutually exclusive groups, in GenAI-Perf's words.
  EXPECT_NE(gap_error({"--concurrency", "2", "--request-rate", "3"})
                .find("argument --request-rate: not allowed with argument --concurrency"),
            std::string::npos);
  EXPECT_NE(gap_error({"-p", "1000", "--request-count", "3"})
                .find("argument --request-count: not allowed with argument -p"),
            std::string::npos);
  EXPECT_NE(gap_error({"--session-concurrency", "2", "--concurrency", "3"})
                .find("both set the concurrency"),
            std::string::npos);
  EXPECT_NE(gap_error({"--concurrency"}).find("argument --concurrency: expected one argument"),
            std::string::npos);
  EXPECT_NE(gap_error({"--streaming=yes"}).find("ignored explicit argument 'yes'"),
            std::string::npos);
  EXPECT_NE(gap_error({"stray"}).find("unrecognized argument 'stray'"), std::string::npos);
  // Values are checked by aiperf, naming the flag as typed.
  EXPECT_NE(gap_error({"--concurrency", "abc"}).find("--concurrency"), std::string::npos);
}

TEST(GenaiPerf, RefusalsAreOneLineNamingTheFlag) {
  const std::string unknown = gap_error({"--concurency", "4"});
  EXPECT_NE(unknown.find("unknown option --concurency"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("did you mean --concurrency?"), std::string::npos) << unknown;
  const std::string osl = gap_error({"--output-tokens-meen", "4"});
  EXPECT_NE(osl.find("did you mean --output-tokens-mean?"), std::string::npos) << osl;
  const std::string aiperf_flag = gap_error({"--benchmark-duration", "4"});
  EXPECT_NE(aiperf_flag.find("is an aiperf option, not a GenAI-Perf one"), std::string::npos)
      << aiperf_flag;
  const std::string passthrough = gap_error({"--", "--max-threads", "8"});
  EXPECT_NE(passthrough.find("'--' passes the rest to perf_analyzer"), std::string::npos)
      << passthrough;
  EXPECT_NE(gap_error({"--stability-percentage", "5"})
                .find("--stability-percentage is not "
                      "available here"),
            std::string::npos);
  EXPECT_NE(gap_error({"--grpc-method", "a.b/c"}).find("--grpc-method is not available"),
            std::string::npos);
  EXPECT_NE(gap_error({"--input-file", "synthetic:queries,passages"}).find("synthetic:"),
            std::string::npos);
  EXPECT_NE(gap_error({"--output-tokens-mean-deterministic"}).find("needs --output-tokens-mean"),
            std::string::npos);
  EXPECT_NE(gap_error({"--prefix-prompt-length", "5"}).find("--num-prefix-prompts > 0"),
            std::string::npos);
  EXPECT_NE(gap_error({"--profile-export-file", "dir/x.json"}).find("--artifact-dir"),
            std::string::npos);
  EXPECT_NE(gap_error({"--input-file", "payload:x.jsonl", "--concurrency", "2"})
                .find("--concurrency is not supported with the payload input source"),
            std::string::npos);
  EXPECT_NE(gap_error({"--fixed-schedule", "maybe"}).find("expected true or false"),
            std::string::npos);
  EXPECT_NE(gap_error({"--concurrency", "1,2"}).find("GenAI-Perf takes one value"),
            std::string::npos);
  for (const std::string& msg : {unknown, osl, aiperf_flag, passthrough}) {
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

TEST(GenaiPerf, HelpAndProvenance) {
  try {
    parse_genai_perf_profile({"-m", "m", "--help"}, ParseEnv{});
    FAIL() << "expected help";
  } catch (const HelpRequested& h) {
    for (const auto& name : genai_perf_flag_names()) {
      EXPECT_NE(h.text().find(name), std::string::npos) << name;
    }
  }
  Config c = gap({"--concurrency", "2"});
  EXPECT_EQ(c.argv[0], "genai-perf");
  EXPECT_EQ(c.argv[1], "profile");
  EXPECT_EQ(c.argv.back(), "2");
}

TEST(GenaiPerf, DocsMapEveryFlag) {
  std::ifstream f(std::string(AIPERF_TEST_DATA_DIR) + "/../../docs/genai-perf.md");
  ASSERT_TRUE(f) << "docs/genai-perf.md";
  std::stringstream ss;
  ss << f.rdbuf();
  const std::string doc = ss.str();
  for (const auto& name : genai_perf_flag_names()) {
    EXPECT_NE(doc.find("`" + name), std::string::npos) << name << " is not in docs/genai-perf.md";
  }
}

}  // namespace
}  // namespace aiperf::config
