// Config files end to end against the mock server: every template runs (shrunk), a file run
// equals the equivalent command line (same payloads with the same seed), run_config.yaml
// repeats a run, flags override the file; `aiperf config` and --install-completion.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

/// The payloads of inputs.json in order (session ids differ between unseeded runs).
std::vector<json> payloads(const std::string& dir) {
  std::vector<json> out;
  const json j = json::parse(read_file(dir + "/inputs.json"));
  for (const auto& s : j["data"]) out.push_back(s["payloads"]);
  return out;
}

size_t records(const std::string& dir) {
  const std::string text = read_file(dir + "/profile_export.jsonl");
  return size_t(std::count(text.begin(), text.end(), '\n'));
}

std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

CommandResult aiperf(std::vector<std::string> args, int timeout_s = 120) {
  args.insert(args.begin(), AIPERF_BIN);
  return run_command(args, timeout_s);
}

class ConfigFileRun : public ::testing::Test {
 protected:
  MockServerProcess mock_{{"--fast"}};
  std::string dir_ = make_temp_dir("aiperf-config-file");
};

TEST_F(ConfigFileRun, EveryTemplateRunsShrunk) {
  const std::string trace =
      write(dir_ + "/trace.jsonl",
            "{\"timestamp\": 0, \"input_length\": 64, \"output_length\": 8}\n"
            "{\"timestamp\": 40, \"input_length\": 64, \"output_length\": 8}\n"
            "{\"timestamp\": 80, \"input_length\": 32, \"output_length\": 8}\n");
  const auto list = aiperf({"config", "init", "--list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  std::vector<std::string> names;
  std::regex row(R"(^  ([a-z0-9_]+)\s)");
  std::istringstream lines(list.out);
  for (std::string line; std::getline(lines, line);) {
    std::smatch m;
    if (std::regex_search(line, m, row)) names.push_back(m[1]);
  }
  ASSERT_GE(names.size(), 4u) << list.out;
  for (const auto& name : names) {
    SCOPED_TRACE(name);
    const std::string file = dir_ + "/" + name + ".yaml";
    auto init =
        aiperf({"config", "init", "-t", name, "-m", "mock-model", "-u", mock_.url(), "-o", file});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_EQ(aiperf({"config", "validate", file}).exit_code, 0);
    // Shrunk: a few requests, a small dataset, the builtin tokenizer.
    std::vector<std::string> args = {"profile",
                                     "-f",
                                     file,
                                     "--tokenizer",
                                     "builtin",
                                     "--ui",
                                     "none",
                                     "--artifact-dir",
                                     dir_ + "/run_" + name};
    if (name == "trace_replay") {
      args.insert(args.end(), {"--input-file", trace});
    } else {
      args.insert(args.end(), {"--request-count", "6", "--num-dataset-entries", "6"});
      if (name == "warmup_profiling" || name == "multi_run_confidence") {
        args.insert(args.end(), {"--warmup-request-count", "2"});
      }
    }
    if (name == "concurrency_sweep")
      args.insert(args.end(), {"--parameter-sweep-cooldown-seconds", "0"});
    if (name == "multi_run_confidence") {
      args.insert(args.end(), {"--num-profile-runs", "2", "--profile-run-cooldown-seconds", "0"});
    }
    const auto run = aiperf(args);
    const auto expand = aiperf({"config", "expand", file});
    ASSERT_EQ(expand.exit_code, 0) << expand.err;
    const std::string out = dir_ + "/run_" + name;
    if (name == "concurrency_sweep") {
      ASSERT_EQ(run.exit_code, 0) << run.err;
      EXPECT_NE(expand.out.find("(6 variations)"), std::string::npos) << expand.out;
      for (const char* point : {"concurrency_1", "concurrency_4", "concurrency_32"}) {
        EXPECT_EQ(records(out + "/" + point), 6u) << point;
        EXPECT_TRUE(fs::exists(out + "/" + point + "/run_config.yaml")) << point;
      }
      EXPECT_TRUE(fs::exists(out + "/sweep_aggregate/profile_export_aiperf_sweep.json"));
      continue;
    }
    if (name == "multi_run_confidence") {
      ASSERT_EQ(run.exit_code, 0) << run.err;
      EXPECT_EQ(records(out + "/profile_runs/run_0001"), 6u);
      EXPECT_EQ(records(out + "/profile_runs/run_0002"), 6u);
      EXPECT_TRUE(fs::exists(out + "/aggregate/profile_export_aiperf_aggregate.json"));
      continue;
    }
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(records(dir_ + "/run_" + name), name == "trace_replay" ? 3u : 6u);
    EXPECT_TRUE(fs::exists(dir_ + "/run_" + name + "/run_config.yaml"));
  }
}

// AIPerf's own shaping templates (tests/data/config/aiperf: their keys and values) run against
// the mock, shrunk by flags: warmup phases with their own ramps and prefill caps, a
// user_centric warmup, a prefill ramp without a prefill cap (ignored with a warning).
TEST_F(ConfigFileRun, AIPerfShapingTemplatesRunShrunk) {
  MockServerProcess streaming({"--ttft", "2", "--itl", "1"});
  const std::string data = std::string(AIPERF_TEST_DATA_DIR) + "/config/aiperf/";
  const std::vector<std::string> common = {"--url",
                                           streaming.url(),
                                           "--model",
                                           "mock-model",
                                           "--tokenizer",
                                           "builtin",
                                           "--ui",
                                           "none",
                                           "--num-dataset-entries",
                                           "12",
                                           "--slice-duration",
                                           "1",
                                           "--output-tokens-mean",
                                           "4"};
  struct Case {
    const char* file;
    std::vector<std::string> shrink;
    const char* warning;
  };
  const std::vector<Case> cases = {
      {"ramping.yaml",
       {"--benchmark-duration", "2", "--concurrency-ramp-duration", "1",
        "--request-rate-ramp-duration", "1", "--warmup-request-count", "4",
        "--warmup-concurrency-ramp-duration", "0.3", "--request-rate", "20"},
       "benchmark.phases[1].prefillRamp: ignored"},
      {"long_context.yaml",
       {"--request-count", "8", "--benchmark-duration", "5", "--prefill-concurrency-ramp-duration",
        "0.5", "--sequence-distribution", "16,4:100", "--warmup-request-count", "3",
        "--request-rate", "20"},
       ""},
      {"kv_cache_test.yaml",
       {"--benchmark-duration", "2", "--warmup-duration", "0.5", "--user-centric-rate", "4",
        "--num-users", "2"},
       "benchmark.phases[0].users: not used"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.file);
    const std::string out = dir_ + "/aiperf_" + c.file;
    std::vector<std::string> args = {"profile", "-f", data + c.file, "--artifact-dir", out};
    args.insert(args.end(), common.begin(), common.end());
    args.insert(args.end(), c.shrink.begin(), c.shrink.end());
    const auto run = aiperf(args);
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_GT(records(out), 0u);
    if (*c.warning) {
      EXPECT_NE(run.err.find(c.warning), std::string::npos) << run.err;
    }
    // run_config.yaml repeats it: the effective config validates.
    EXPECT_EQ(aiperf({"config", "validate", out + "/run_config.yaml"}).exit_code, 0);
  }
}

// AIPerf's env_var_production.yaml: a two-peak ISL (log-normal peaks at 256 and 2048 tokens,
// 70/30), a log-normal OSL, a gamma rate with a ramp, a multi-run envelope; shrunk by flags.
TEST_F(ConfigFileRun, AIPerfDistributionTemplateRunsShrunk) {
  MockServerProcess streaming({"--ttft", "2", "--itl", "1"});
  const std::string out = dir_ + "/env_var_production";
  const auto run =
      aiperf({"profile",
              "-f",
              std::string(AIPERF_TEST_DATA_DIR) + "/config/aiperf/env_var_production.yaml",
              "--url",
              streaming.url(),
              "--model",
              "mock-model",
              "--tokenizer",
              "builtin",
              "--ui",
              "none",
              "--num-dataset-entries",
              "40",
              "--benchmark-duration",
              "2",
              "--request-rate-ramp-duration",
              "0.5",
              "--warmup-request-count",
              "2",
              "--num-profile-runs",
              "2",
              "--profile-run-cooldown-seconds",
              "0",
              "--benchmark-grace-period",
              "5",
              "--server-metrics",
              streaming.url() + "/metrics",
              "--artifact-dir",
              out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::istringstream lines(read_file(out + "/profile_runs/run_0001/profile_export.jsonl"));
  int low = 0, high = 0, n = 0;
  for (std::string line; std::getline(lines, line);) {
    const double isl = json::parse(line)["metrics"]["input_sequence_length"]["value"];
    low += isl < 600;
    high += isl > 1500;
    ++n;
  }
  ASSERT_GT(n, 10);
  EXPECT_GT(low, 0);   // the 256-token peak
  EXPECT_GT(high, 0);  // the 2048-token peak
  EXPECT_GT(low, high);
}

// AIPerf's inline_dataset.yaml: a file dataset written inline as records.
TEST_F(ConfigFileRun, AIPerfInlineRecordsTemplateRuns) {
  const std::string out = dir_ + "/inline_dataset";
  const auto run = aiperf({"profile", "-f",
                           std::string(AIPERF_TEST_DATA_DIR) + "/config/aiperf/inline_dataset.yaml",
                           "--url", mock_.url(), "--model", "mock-model", "--tokenizer", "builtin",
                           "--ui", "none", "--request-count", "5", "--artifact-dir", out});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(records(out), 5u);
  const std::string inputs = read_file(out + "/inputs.json");
  EXPECT_NE(inputs.find("What is machine learning?"), std::string::npos);
  EXPECT_NE(inputs.find("Define reinforcement learning."), std::string::npos);
}

TEST_F(ConfigFileRun, AFileRunEqualsTheCommandLine) {
  const std::string file = write(dir_ + "/bench.yaml", R"(random_seed: 42
benchmark:
  model: mock-model
  endpoint: {url: )" + mock_.url() + R"(, streaming: true}
  tokenizer: {name: builtin}
  dataset:
    entries: 9
    prompts: {isl: {mean: 64, stddev: 8}, osl: {mean: 12, stddev: 2}}
  phases:
    - {name: warmup, type: concurrency, concurrency: 2, requests: 3}
    - {name: profiling, type: concurrency, concurrency: 3, requests: 12}
)");
  const auto a = aiperf({"profile", "-f", file, "--ui", "none", "--artifact-dir", dir_ + "/a"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  const auto b = aiperf({"profile",
                         "-m",
                         "mock-model",
                         "-u",
                         mock_.url(),
                         "--streaming",
                         "--tokenizer",
                         "builtin",
                         "--random-seed",
                         "42",
                         "--num-dataset-entries",
                         "9",
                         "--isl",
                         "64",
                         "--isl-stddev",
                         "8",
                         "--osl",
                         "12",
                         "--osl-stddev",
                         "2",
                         "--warmup-request-count",
                         "3",
                         "--warmup-concurrency",
                         "2",
                         "--concurrency",
                         "3",
                         "--request-count",
                         "12",
                         "--ui",
                         "none",
                         "--artifact-dir",
                         dir_ + "/b"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(read_file(dir_ + "/a/inputs.json"), read_file(dir_ + "/b/inputs.json"));
  EXPECT_EQ(records(dir_ + "/a"), 12u);
  EXPECT_EQ(records(dir_ + "/b"), 12u);
  // Flags beside -f win over the file.
  const auto c = aiperf({"profile", "-f", file, "--request-count", "5", "--ui", "none",
                         "--artifact-dir", dir_ + "/c"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(records(dir_ + "/c"), 5u);
}

/// The files a study wrote, relative to its directory (logs aside).
std::vector<std::string> tree(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    const std::string rel = fs::relative(e.path(), dir).string();
    if (e.is_regular_file() && rel.find("logs/") == std::string::npos) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST_F(ConfigFileRun, FileSweepsAndRepeatedRunsMatchTheCommandLine) {
  const std::string body = R"(benchmark:
  model: mock-model
  endpoint: {url: )" + mock_.url() +
                           R"(}
  tokenizer: {name: builtin}
  dataset: {entries: 4, prompts: {isl: 32, osl: 6}}
  phases: {type: concurrency, concurrency: 1, requests: 5}
)";
  const std::string sweep =
      write(dir_ + "/sweep.yaml",
            "random_seed: 3\nsweep:\n  parameters:\n    concurrency: [1, 2]\n" + body);
  auto f = aiperf({"profile", "-f", sweep, "--ui", "none", "--artifact-dir", dir_ + "/fs"});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  auto c = aiperf({"profile",    "-m",
                   "mock-model", "-u",
                   mock_.url(),  "--tokenizer",
                   "builtin",    "--num-dataset-entries",
                   "4",          "--isl",
                   "32",         "--osl",
                   "6",          "--concurrency",
                   "1,2",        "--request-count",
                   "5",          "--random-seed",
                   "3",          "--ui",
                   "none",       "--artifact-dir",
                   dir_ + "/cs"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(tree(dir_ + "/fs"), tree(dir_ + "/cs"));
  for (const char* point : {"concurrency_1", "concurrency_2"}) {
    EXPECT_EQ(read_file(dir_ + "/fs/" + point + "/inputs.json"),
              read_file(dir_ + "/cs/" + point + "/inputs.json"))
        << point;
    EXPECT_EQ(records(dir_ + "/fs/" + point), 5u);
  }
  const json fa =
      json::parse(read_file(dir_ + "/fs/sweep_aggregate/profile_export_aiperf_sweep.json"));
  const json ca =
      json::parse(read_file(dir_ + "/cs/sweep_aggregate/profile_export_aiperf_sweep.json"));
  EXPECT_EQ(fa["metadata"]["sweep_parameters"], ca["metadata"]["sweep_parameters"]);

  const std::string runs = write(dir_ + "/runs.yaml", "multi_run: {num_runs: 2}\n" + body);
  auto fr = aiperf({"profile", "-f", runs, "--ui", "none", "--artifact-dir", dir_ + "/fr"});
  ASSERT_EQ(fr.exit_code, 0) << fr.err;
  auto cr = aiperf({"profile",    "-m",
                    "mock-model", "-u",
                    mock_.url(),  "--tokenizer",
                    "builtin",    "--num-dataset-entries",
                    "4",          "--isl",
                    "32",         "--osl",
                    "6",          "--concurrency",
                    "1",          "--request-count",
                    "5",          "--num-profile-runs",
                    "2",          "--ui",
                    "none",       "--artifact-dir",
                    dir_ + "/cr"});
  ASSERT_EQ(cr.exit_code, 0) << cr.err;
  EXPECT_EQ(tree(dir_ + "/fr"), tree(dir_ + "/cr"));
  for (const char* run : {"run_0001", "run_0002"}) {  // seed 42 for both (consistent seed)
    EXPECT_EQ(read_file(dir_ + "/fr/profile_runs/" + run + "/inputs.json"),
              read_file(dir_ + "/cr/profile_runs/" + run + "/inputs.json"))
        << run;
  }
}

TEST_F(ConfigFileRun, RunConfigYamlRepeatsTheRun) {
  // No seed given: the run records the seed it drew, and the file repeats the same payloads.
  const auto first = aiperf({"profile",
                             "-m",
                             "mock-model",
                             "-u",
                             mock_.url(),
                             "--tokenizer",
                             "builtin",
                             "--num-dataset-entries",
                             "5",
                             "--request-count",
                             "7",
                             "--concurrency",
                             "2",
                             "--isl",
                             "40",
                             "--isl-stddev",
                             "10",
                             "--api-key",
                             "sk-top-secret",
                             "-H",
                             "X-Trace: on",
                             "--ui",
                             "none",
                             "--artifact-dir",
                             dir_ + "/first"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string effective = read_file(dir_ + "/first/run_config.yaml");
  EXPECT_NE(effective.find("random_seed: "), std::string::npos) << effective;
  EXPECT_EQ(effective.find("sk-top-secret"), std::string::npos) << effective;
  const auto again = aiperf({"profile", "-f", dir_ + "/first/run_config.yaml", "--api-key",
                             "sk-top-secret", "--artifact-dir", dir_ + "/again"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(payloads(dir_ + "/first"), payloads(dir_ + "/again"));
  EXPECT_EQ(records(dir_ + "/again"), 7u);
  // Without the key it asks for it, naming the key and line.
  const auto no_key = aiperf({"profile", "-f", dir_ + "/first/run_config.yaml"});
  EXPECT_EQ(no_key.exit_code, 2);
  EXPECT_NE(no_key.err.find("benchmark.endpoint.api_key: the secret was redacted"),
            std::string::npos)
      << no_key.err;
}

TEST(ConfigCommands, ErrorsAndExitCodes) {
  const std::string dir = make_temp_dir("aiperf-config-cmd");
  const std::string bad = write(dir + "/bad.yaml",
                                "benchmark:\n  model: m\n  phases:\n    "
                                "type: sometimes\n    requests: 3\n");
  auto v = aiperf({"config", "validate", bad});
  EXPECT_EQ(v.exit_code, 1);
  EXPECT_NE(v.err.find("benchmark.phases[0].type: expected one of"), std::string::npos) << v.err;
  EXPECT_NE(v.err.find(bad + ":4"), std::string::npos) << v.err;
  auto p = aiperf({"profile", "-f", bad});
  EXPECT_EQ(p.exit_code, 2);
  EXPECT_EQ(std::count(p.err.begin(), p.err.end(), '\n'), 1) << p.err;
  EXPECT_EQ(aiperf({"config", "init"}).exit_code, 2);
  EXPECT_EQ(aiperf({"config", "init", "-t", "no_such_template"}).exit_code, 1);
  auto s = aiperf({"config", "init", "--search", "trace"});
  EXPECT_NE(s.out.find("trace_replay"), std::string::npos);
  auto e = aiperf({"config", "expand", "--config-file", bad, "-f", "json"});
  EXPECT_EQ(e.exit_code, 1);
}

TEST(Completion, InstallsForEachShellAndCoversEachCommandsOptions) {
  const std::string home = make_temp_dir("aiperf-home");
  for (const std::string shell : {"bash", "zsh", "fish"}) {
    auto r = run_command({"/usr/bin/env", "-u", "XDG_DATA_HOME", "-u", "XDG_CONFIG_HOME",
                          "HOME=" + home, AIPERF_BIN, "--install-completion", "--shell", shell});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  EXPECT_TRUE(fs::exists(home + "/.local/share/bash-completion/completions/aiperf"));
  EXPECT_TRUE(fs::exists(home + "/.zfunc/_aiperf"));
  EXPECT_TRUE(fs::exists(home + "/.config/fish/completions/aiperf.fish"));
  auto bad = run_command({AIPERF_BIN, "--install-completion", "--shell", "tcsh"});
  EXPECT_EQ(bad.exit_code, 2);
  // Every option the completion offers for a small command is one its --help lists.
  const auto fish = run_command({AIPERF_BIN, "--install-completion", "--shell", "fish", "-o", "-"});
  ASSERT_EQ(fish.exit_code, 0);
  std::regex opt(R"(-n '__fish_seen_subcommand_from ([a-z-]+)'[^\n]*? -l ([a-z0-9-]+))");
  std::map<std::string, std::string> helps;
  int checked = 0;
  for (auto it = std::sregex_iterator(fish.out.begin(), fish.out.end(), opt);
       it != std::sregex_iterator(); ++it) {
    const std::string cmd = (*it)[1], flag = "--" + (*it)[2].str();
    if (flag == "--help") continue;  // every command takes it
    if (!helps.count(cmd)) {
      auto h = run_command({AIPERF_BIN, cmd, "--help"});
      helps[cmd] = h.out + h.err;
    }
    EXPECT_NE(helps[cmd].find(flag), std::string::npos) << "aiperf " << cmd << " " << flag;
    ++checked;
  }
  EXPECT_GT(checked, 50);
  // Every command `aiperf --help` lists is completed (src/aiperf/cli/command_table.cpp).
  const auto help = run_command({AIPERF_BIN, "--help"});
  std::regex command_line(R"(\n  ([a-z][a-z-]+)\s)");
  int commands = 0;
  for (auto it = std::sregex_iterator(help.out.begin(), help.out.end(), command_line);
       it != std::sregex_iterator(); ++it, ++commands) {
    EXPECT_NE(fish.out.find(" -a " + (*it)[1].str() + " "), std::string::npos)
        << (*it)[1] << " is not in the completion's command table";
  }
  EXPECT_GE(commands, 5);
  for (const std::string sub : {"init", "expand", "validate"}) {
    const auto h = run_command({AIPERF_BIN, "config", sub, "--help"});
    EXPECT_EQ(h.exit_code, 0) << sub;
  }
}

}  // namespace
}  // namespace aiperf::testing
