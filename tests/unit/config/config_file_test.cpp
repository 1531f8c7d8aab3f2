// Config files (config_file.h): the file schema mapped onto the option rows, flags over file,
// one-line errors naming key path and line, the effective config's round trip, templates and
// AIPerf's own example configs.
#include "aiperf/config/config_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/option_table.h"
#include "aiperf/config/templates.h"
#include "aiperf/config/yaml_bindings.h"

namespace aiperf::config {
namespace {

namespace fs = std::filesystem;

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(::testing::TempDir()) / "aiperf_config_file_test";
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

Config parse(std::vector<std::string> args) {
  ParseEnv env;
  env.stdout_is_tty = false;
  return parse_profile_args(args, env);
}

/// The parts of a Config that decide a run (input_config of the summary JSON).
nlohmann::json essence(const Config& c) {
  nlohmann::json j = redacted_config_json(c);
  j.erase("cli_command");
  return j;
}

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse(args);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

const char* kBase = R"(schemaVersion: "2.0"
randomSeed: 42
benchmark:
  model: mock-model
  endpoint:
    url: http://127.0.0.1:9
    streaming: true
  dataset:
    type: synthetic
    entries: 7
    prompts:
      isl: {mean: 64, stddev: 4}
      osl: 16
  phases:
    type: concurrency
    concurrency: 2
    requests: 5
)";

TEST(ConfigFile, MapsOntoTheSameOptionsAsTheCommandLine) {
  const std::string f = write_file("base.yaml", kBase);
  const Config from_file = parse({"-f", f, "--artifact-dir", "x"});
  const Config from_cli = parse(
      {"-m", "mock-model",     "-u", "http://127.0.0.1:9", "--streaming", "--num-dataset-entries",
       "7",  "--isl",          "64", "--isl-stddev",       "4",           "--osl",
       "16", "--concurrency",  "2",  "--request-count",    "5",           "--random-seed",
       "42", "--artifact-dir", "x"});
  EXPECT_EQ(essence(from_file), essence(from_cli));
  EXPECT_EQ(from_file.config_file, f);
  const Config long_spelling = parse({"--config", f, "--artifact-dir", "x"});
  EXPECT_EQ(essence(long_spelling), essence(from_cli));
}

TEST(ConfigFile, SnakeAndCamelCaseKeysAreTheSame) {
  const std::string camel = write_file("camel.yaml", R"(benchmark:
  model: m
  endpoint: {url: h:1, useLegacyMaxTokens: true}
  dataset: {type: synthetic, prefixPrompts: {poolSize: 3, length: 5}}
  phases: {type: poisson, rate: 2.5, requests: 4}
)");
  const std::string snake = write_file("snake.yaml", R"(benchmark:
  model: m
  endpoint: {url: h:1, use_legacy_max_tokens: true}
  dataset: {type: synthetic, prefix_prompts: {pool_size: 3, length: 5}}
  phases: {type: poisson, rate: 2.5, requests: 4}
)");
  const Config a = parse({"-f", camel});
  EXPECT_EQ(essence(a), essence(parse({"-f", snake})));
  EXPECT_TRUE(a.use_legacy_max_tokens);
  EXPECT_EQ(a.num_prefix_prompts, 3);
  EXPECT_EQ(a.timing_mode, TimingMode::kRequestRate);
  EXPECT_EQ(a.arrival_pattern, ArrivalPattern::kPoisson);
  EXPECT_EQ(a.request_rate, 2.5);
}

TEST(ConfigFile, SchemaDefaultsAreAIPerfs) {
  // A synthetic dataset without entries has 100 (SyntheticDataset.entries), whatever the
  // request count; a file dataset without format is single_turn; a concurrency phase without
  // concurrency runs at 1.
  const std::string f = write_file("defaults.yaml", R"(benchmark:
  model: m
  phases: {type: concurrency, requests: 500}
)");
  const Config c = parse({"-f", f});
  EXPECT_EQ(c.num_dataset_entries, 100);
  EXPECT_EQ(c.request_count, 500);
  EXPECT_EQ(c.concurrency, 1);
  const std::string trace = write_file("t.jsonl", "{\"text\": \"hi\"}\n");
  const std::string g = write_file("file_ds.yaml",
                                   "benchmark:\n  model: m\n  dataset: {type: "
                                   "file, path: " +
                                       trace +
                                       "}\n  phases: {type: concurrency, "
                                       "requests: 3}\n");
  EXPECT_EQ(parse({"-f", g}).custom_dataset_type, CustomDatasetType::kSingleTurn);
}

TEST(ConfigFile, FlagsOverrideTheFileAndMappingsMerge) {
  const std::string f = write_file("over.yaml", R"(benchmark:
  model: m
  endpoint:
    url: http://a:1
    headers: {X-One: "1", X-Two: "2"}
    extra: {temperature: 0.5, top_k: 3}
  slos: {request_latency: 300, time_to_first_token: 50}
  phases: {type: concurrency, concurrency: 4, requests: 8}
)");
  const Config c = parse({"-f", f, "--concurrency", "9", "-u", "http://b:2", "-H", "X-Two: 22",
                          "--extra-inputs", "top_k:7", "--goodput", "request_latency:100"});
  EXPECT_EQ(c.concurrency, 9);
  ASSERT_EQ(c.urls.size(), 1u);
  EXPECT_EQ(c.urls[0], "http://b:2");
  EXPECT_EQ(c.request_count, 8);  // from the file
  std::vector<std::pair<std::string, std::string>> want = {{"X-One", "1"}, {"X-Two", "22"}};
  EXPECT_EQ(c.headers, want);
  const auto extra = nlohmann::json::parse(c.extra_inputs_json);
  EXPECT_EQ(extra["temperature"], 0.5);
  EXPECT_EQ(extra["top_k"], 7);
  std::vector<std::pair<std::string, double>> slos = {{"time_to_first_token", 50},
                                                      {"request_latency", 100}};
  EXPECT_EQ(c.goodput, slos);
  // A rate on the command line turns the file's concurrency into a cap.
  const Config r = parse({"-f", f, "--request-rate", "3"});
  EXPECT_EQ(r.timing_mode, TimingMode::kRequestRate);
  EXPECT_EQ(r.concurrency, 4);
}

TEST(ConfigFile, VariablesAndEnvironmentReferences) {
  ::setenv("AIPERF_TEST_MODEL", "env-model", 1);
  ::unsetenv("AIPERF_TEST_UNSET");
  const std::string f = write_file("vars.yaml", R"(variables:
  base: 4
  twice: "{{ base * 2 }}"
benchmark:
  model: ${AIPERF_TEST_MODEL}
  endpoint: {url: "${AIPERF_TEST_UNSET:http://fallback:1}"}
  dataset: {entries: "{{ twice * 10 + base // 3 }}", prompts: {isl: "{{ 512 / 2 }}"}}
  phases: {type: concurrency, concurrency: "{{ twice }}", requests: "{{ phases.profiling.concurrency * 5 }}"}
)");
  const Config c = parse({"-f", f});
  EXPECT_EQ(c.models, std::vector<std::string>{"env-model"});
  EXPECT_EQ(c.urls, std::vector<std::string>{"http://fallback:1"});
  EXPECT_EQ(c.num_dataset_entries, 81);
  EXPECT_EQ(c.isl_mean, 256);
  EXPECT_EQ(c.concurrency, 8);
  EXPECT_EQ(c.request_count, 40);
}

TEST(ConfigFile, ShorthandsAndNamedPhases) {
  const std::string f = write_file("named.yaml", R"(benchmark:
  models: {strategy: random, items: [{name: a}, {name: b}]}
  datasets: [{name: main, type: synthetic, entries: 9, isl: 32}]
  warmup: {type: concurrency, concurrency: 3, requests: 6}
  profiling: {type: gamma, rate: 4, smoothness: 2.0, concurrency: 5, duration: 1m, gracePeriod: 7s}
)");
  const Config c = parse({"-f", f});
  EXPECT_EQ(c.models, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.model_selection, ModelSelection::kRandom);
  EXPECT_EQ(c.num_dataset_entries, 9);
  EXPECT_EQ(c.isl_mean, 32);
  EXPECT_EQ(c.arrival_pattern, ArrivalPattern::kGamma);
  EXPECT_EQ(c.arrival_smoothness, 2.0);
  EXPECT_EQ(c.benchmark_duration_s, 60.0);
  EXPECT_EQ(c.benchmark_grace_period_s, 7.0);
  EXPECT_EQ(c.warmup_request_count, 6);
  EXPECT_EQ(c.warmup_concurrency, 3);
  EXPECT_EQ(c.warmup_request_rate, 0.0);  // a closed-loop warmup before a rate phase
}

struct Broken {
  const char* yaml;
  const char* message;  // must appear in the error, with the file's name and line
  int line;
};

TEST(ConfigFile, ErrorsNameTheKeyPathAndTheLine) {
  const std::vector<Broken> cases = {
      {"benchmark:\n  model: m\n  phases:\n    - {name: warmup, type: concurrency, requests: 2}\n"
       "    - {name: profiling, type: burst, requests: 3}\n",
       "benchmark.phases[1].type: expected one of concurrency, poisson, gamma, constant, "
       "user_centric, fixed_schedule (got 'burst')",
       5},
      {"benchmark:\n  model: m\n  endpoint:\n    streeming: true\n  phases: {type: concurrency, "
       "requests: 1}\n",
       "benchmark.endpoint.streeming: unknown key; did you mean 'streaming'?", 4},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, concurrency: 0, requests: 1}\n",
       "benchmark.phases[0].concurrency: must be >= 1", 3},
      {"benchmark:\n  model: m\n  phases:\n    type: poisson\n    requests: 3\n",
       "benchmark.phases[0]: 'rate' is required for a poisson phase", 4},
      {"benchmark:\n  model: m\n  phases:\n    type: concurrency\n    concurrency: 3\n",
       "benchmark.phases[0]: at least one of 'requests', 'duration', or 'sessions' must be "
       "specified",
       4},
      {"benchmark:\n  model: m\n  dataset:\n    prompts:\n      isl: {mean: 9, median: 10}\n"
       "  phases: {type: concurrency, requests: 1}\n",
       "benchmark.datasets[0].prompts.isl: the log-normal median must be <= its mean", 5},
      {"benchmark:\n  model: m\n  artifacts:\n    plotRequired: true\n  phases: {type: "
       "concurrency, requests: 1}\n",
       "benchmark.artifacts.plotRequired: no plots are drawn", 4},
      {"sweeps: {}\nbenchmark:\n  model: m\n", "sweeps: unknown key; did you mean 'sweep'?", 1},
      {"benchmark:\n  model: m\n  endpoint:\n    api_key: ${AIPERF_SURELY_UNSET_VAR}\n",
       "benchmark.endpoint.api_key: environment variable AIPERF_SURELY_UNSET_VAR is not set", 4},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: \"{{ nope * 2 }}\"}\n",
       "benchmark.phases[0].requests: {{ }} expression: 'nope' is undefined", 3},
      {"benchmark:\n  model: m\n  warmup: {type: concurrency, requests: 1}\n",
       "benchmark.warmup: 'warmup' requires 'profiling'", 3},
      {"benchmark:\n  model: m\n  phases:\n    - {name: profiling, type: concurrency, requests: "
       "1}\n    - {name: warmup, type: concurrency, requests: 1}\n",
       "benchmark.phases[1].name: the warmup phase must come before the profiling phase", 5},
      {"benchmark:\n  model: m\n  phases:\n    type: fixed_schedule\n    start_offset: 10\n",
       "benchmark.phases[0].start_offset: auto_offset cannot be true when start_offset is set", 5},
      {"benchmark:\n  model: m\n  datasets: [{name: a}, {name: b}]\n  phases: {type: "
       "concurrency, requests: 1}\n",
       "benchmark.datasets: exactly one dataset is supported (got 2)", 3},
      {"benchmark:\n  model: m\n  dataset: {type: public}\n  phases: {type: concurrency, "
       "requests: 1}\n",
       "benchmark.datasets[0]: a public dataset needs 'dataset'", 3},
      {"benchmark:\n  model: m\n  endpoint: {type: chat, url: \"x y\"}\n  phases: {type: "
       "concurrency, requests: 1}\n",
       "benchmark.endpoint.url:", 3},
      {"schema_version: \"3.0\"\nbenchmark: {model: m}\n",
       "schema_version: only \"2.0\" is supported", 1},
      {"benchmark:\n  model: m\n  phases: {type: concurrency, requests: 1, duration: 2 "
       "fortnights}\n",
       "benchmark.phases[0].duration: expected a duration", 3},
  };
  int i = 0;
  for (const auto& c : cases) {
    const std::string f = write_file("broken" + std::to_string(i++) + ".yaml", c.yaml);
    const std::string err = error_of({"-f", f});
    EXPECT_NE(err.find(c.message), std::string::npos) << err;
    const std::string at = " at " + f + ":" + std::to_string(c.line);
    EXPECT_NE(err.find(at), std::string::npos) << err << "\n  expected" << at;
    EXPECT_EQ(err.find('\n'), std::string::npos) << err;
  }
  // YAML syntax and unreadable files.
  const std::string bad = write_file("syntax.yaml", "benchmark:\n  model: [a, b\n");
  EXPECT_NE(error_of({"-f", bad}).find(bad + ":"), std::string::npos);
  EXPECT_NE(error_of({"-f", "/nonexistent/x.yaml"}).find("--config: cannot read"),
            std::string::npos);
  const std::string dup = write_file("dup.yaml", "benchmark:\n  model: a\n  model: b\n");
  EXPECT_NE(error_of({"-f", dup}).find(dup + ":3: key 'model' appears twice"), std::string::npos);
  // Control characters (config_file_fuzz: a NUL in a user file's key became a byte that is not
  // UTF-8 and aborted `aiperf config validate`), raw or escaped into something not UTF-8.
  const std::string nul = write_file(
      "nul.yaml", std::string("benchmark:\n  model: m\n  artifacts:\n    user_files:\n    - path: "
                              "a.json\n      content:\n        r\x1b") +
                      '\0' + "_id: x\n");
  EXPECT_NE(error_of({"-f", nul}).find(nul + ":7: control character 0x1B"), std::string::npos)
      << error_of({"-f", nul});
  const std::string esc = write_file("esc.yaml", "benchmark:\n  model: \"tab\\there\"\n");
  EXPECT_EQ(error_of({"-f", esc}).find("control character"), std::string::npos);
}

TEST(ConfigFile, StudiesMapOntoTheMultiRunRows) {
  const std::string f = write_file(
      "study.yaml", std::string("multi_run:\n  num_runs: 3\n  cooldown_seconds: 2\n  "
                                "confidence_level: 0.9\n  set_consistent_seed: false\n  "
                                "convergence: {metric: time_to_first_token, mode: cv}\n") +
                        kBase);
  const Config c = parse({"-f", f});
  EXPECT_FALSE(c.config_file_study);  // no sweep: the study options of one Config
  EXPECT_TRUE(c.study.active());
  EXPECT_EQ(c.study.num_profile_runs, 3);
  EXPECT_EQ(c.study.profile_run_cooldown_s, 2.0);
  EXPECT_EQ(c.study.confidence_level, 0.9);
  EXPECT_FALSE(c.study.set_consistent_seed);
  EXPECT_EQ(c.study.convergence_metric, "time_to_first_token");
  EXPECT_EQ(c.study.convergence_mode, ConvergenceMode::kCv);
  // Flags beside -f win here too.
  EXPECT_EQ(parse({"-f", f, "--num-profile-runs", "2"}).study.num_profile_runs, 2);
  // ... and `--num-profile-runs 1` runs once (AIPerf), convergence needing several runs aside.
  const std::string once = write_file(
      "once.yaml", std::string("multi_run:\n  num_runs: 3\n  cooldown_seconds: 2\n") + kBase);
  const Config one = parse({"-f", once, "--num-profile-runs", "1"});
  EXPECT_FALSE(one.config_file_study);
  EXPECT_FALSE(one.study.active());
  const std::string g = write_file("magic.yaml",
                                   "sweep: {cooldown_seconds: 1, same_seed: true, parameters: "
                                   "{concurrency: [1, 2]}}\nbenchmark:\n  model: m\n  phases: "
                                   "{type: concurrency, requests: 3}\n");
  const Config s = parse({"-f", g});
  EXPECT_TRUE(s.config_file_study);
  EXPECT_EQ(s.concurrency, 1);  // the first point stands in for the base
  EXPECT_EQ(s.study.parameter_sweep_cooldown_s, 1.0);
  EXPECT_TRUE(s.study.parameter_sweep_same_seed);
  const std::string bad = write_file("bad_study.yaml",
                                     "multi_run: {num_runs: 3, convergence: "
                                     "{metric: ttft, min_runs: 3}}\n" +
                                         std::string(kBase));
  EXPECT_NE(error_of({"-f", bad}).find("multi_run.convergence.min_runs: a minimum run count"),
            std::string::npos);
}

TEST(ConfigFile, SecretsRedactedInAWrittenFileMustBeGivenAgain) {
  const std::string f = write_file("redacted.yaml", R"(benchmark:
  model: m
  endpoint: {api_key: "<redacted>", headers: {Authorization: "<redacted>"}}
  phases: {type: concurrency, requests: 1}
)");
  EXPECT_NE(error_of({"-f", f}).find("benchmark.endpoint.api_key: the secret was redacted"),
            std::string::npos);
  EXPECT_NE(error_of({"-f", f, "--api-key", "k"}).find("benchmark.endpoint.headers"),
            std::string::npos);
  const Config c = parse({"-f", f, "--api-key", "k", "-H", "Authorization: Bearer t"});
  EXPECT_EQ(c.api_key, "k");
}

/// The effective config of a run reproduces it: parse(args) == parse(-f effective(args)).
TEST(EffectiveConfig, ReproducesTheRun) {
  const std::string trace = write_file("mooncake.jsonl",
                                       "{\"timestamp\": 0, \"input_length\": 10, "
                                       "\"output_length\": 4}\n{\"timestamp\": 5, "
                                       "\"input_length\": 12, \"output_length\": 4}\n");
  const std::vector<std::vector<std::string>> runs = {
      {"-m", "m"},
      {"-m",
       "a,b",
       "--model-selection-strategy",
       "random",
       "--streaming",
       "-u",
       "h:1",
       "-u",
       "h:2",
       "--concurrency",
       "3",
       "--request-count",
       "9",
       "--isl",
       "30",
       "--isl-stddev",
       "2",
       "--osl",
       "8",
       "--extra-inputs",
       "temperature:0.1",
       "-H",
       "X-A: b",
       "--api-key",
       "k",
       "--goodput",
       "request_latency:100",
       "--export-level",
       "raw",
       "-v"},
      {"-m", "m", "--request-rate", "4", "--arrival-smoothness", "1.5", "--benchmark-duration", "3",
       "--benchmark-grace-period", "inf", "--warmup-duration", "2", "--warmup-grace-period", "1",
       "--concurrency", "6"},
      {"-m", "m", "--request-rate", "4", "--arrival-pattern", "constant", "--warmup-request-count",
       "3", "--warmup-request-rate", "0", "--warmup-concurrency", "2"},
      {"-m", "m", "--user-centric-rate", "2", "--num-users", "3", "--session-turns-mean", "3",
       "--session-turns-stddev", "1", "--session-turn-delay-mean", "100"},
      {"-m", "m", "--input-file", trace},
      {"-m", "m", "--input-file", trace, "--no-fixed-schedule", "--concurrency", "2"},
      {"-m", "m", "--input-file", trace, "--fixed-schedule", "--fixed-schedule-start-offset", "3",
       "--fixed-schedule-end-offset", "9", "--synthesis-speedup-ratio", "2"},
      {"-m", "m", "--seq-dist", "128|5,64:40;256,32:60", "--prompt-batch-size", "2",
       "--num-dataset-entries", "12", "--ui", "simple", "--workers-max", "2", "--tokenizer",
       "builtin", "--artifact-dir", "somewhere", "--profile-export-prefix", "p"},
      {"-m", "m", "--prefix-prompt-pool-size", "3", "--prefix-prompt-length", "20",
       "--num-sessions", "7", "--conversation-turn-delay-ratio", "0.5", "--random-seed", "11"},
      {"-m", "m", "--image-width-mean", "64", "--image-height-mean", "32", "--image-format", "jpeg",
       "--audio-length-mean", "0.5", "--audio-depths", "16,24", "--num-warmup-sessions", "2",
       "--warmup-arrival-pattern", "gamma", "--warmup-request-rate", "3"},
  };
  int i = 0;
  for (const auto& args : runs) {
    std::vector<std::string> a = args;
    const Config original = parse(a);
    const std::string yaml = effective_config_yaml(original, 1234567890123456789ULL);
    const std::string f = write_file("effective" + std::to_string(i++) + ".yaml", yaml);
    std::vector<std::string> again = {"-f", f};
    if (original.api_key) again.insert(again.end(), {"--api-key", *original.api_key});
    Config reloaded;
    try {
      reloaded = parse(again);
    } catch (const ConfigError& e) {
      ADD_FAILURE() << e.what() << "\n" << yaml;
      continue;
    }
    auto want = essence(original);
    // input_config leaves the seed to run_info: compare it on the Config.
    EXPECT_EQ(reloaded.random_seed, std::optional<uint64_t>(1234567890123456789ULL));
    EXPECT_EQ(essence(reloaded), want) << yaml;
    EXPECT_EQ(reloaded.warmup_concurrency.value_or(-1) > 0 ||
                  reloaded.warmup_request_count.value_or(0) == 0,
              true);
    EXPECT_EQ(reloaded.warmup_request_count, original.warmup_request_count);
    EXPECT_EQ(reloaded.warmup_num_sessions, original.warmup_num_sessions);
    EXPECT_EQ(reloaded.warmup_duration_s, original.warmup_duration_s);
    EXPECT_EQ(reloaded.warmup_grace_period_s, original.warmup_grace_period_s);
    EXPECT_EQ(reloaded.log_level, original.log_level);
    EXPECT_EQ(reloaded.ui, original.ui);
    EXPECT_EQ(reloaded.workers_max, original.workers_max);
    EXPECT_EQ(reloaded.artifact_dir, original.artifact_dir);
  }
}

TEST(EffectiveConfig, RedactsSecretsAndRecordsTheSeed) {
  const Config c = parse(
      {"-m", "m", "--api-key", "sk-secret", "-H", "Authorization: Bearer t", "-H", "X-Plain: v"});
  const std::string yaml = effective_config_yaml(c, 77);
  EXPECT_EQ(yaml.find("sk-secret"), std::string::npos);
  EXPECT_EQ(yaml.find("Bearer t"), std::string::npos);
  EXPECT_NE(yaml.find("X-Plain: v"), std::string::npos);
  EXPECT_NE(yaml.find("random_seed: 77"), std::string::npos);
}

TEST(ConfigFile, EveryOptionHasAPlaceInTheFileSchema) {
  std::vector<std::string> homes;
  for (const auto& k : detail::simple_keys()) homes.emplace_back(k.flag);
  for (auto f : detail::shaped_key_flags()) homes.emplace_back(f);
  for (auto f : detail::cli_only_flags()) homes.emplace_back(f);
  for (const auto& row : detail::option_table()) {
    EXPECT_NE(std::find(homes.begin(), homes.end(), row.names.front()), homes.end())
        << row.names.front()
        << " has no key in the config-file schema: add it to kSimpleKeys or a shaped key "
           "(src/aiperf/config/yaml_bindings.cpp) and its writer (yaml_writer.cpp)";
  }
  for (const auto& h : homes) {
    bool found = false;
    for (const auto& row : detail::option_table()) found |= row.names.front() == h;
    EXPECT_TRUE(found) << h << " is bound to a config key but is not an option's primary name";
  }
}

TEST(Templates, EveryTemplateIsAValidConfig) {
  ASSERT_GE(templates().size(), 4u);
  for (const auto& t : templates()) {
    EXPECT_FALSE(t.title.empty()) << t.name;
    EXPECT_NE(std::find(kTemplateCategories.begin(), kTemplateCategories.end(), t.category),
              kTemplateCategories.end())
        << t.name;
    const std::string f = write_file("tpl_" + t.name + ".yaml", *template_text(t.name));
    const LoadedConfigFile file = load_config_file(f);
    for (const auto& v : expand_variations(file)) {
      ParseEnv env;
      EXPECT_NO_THROW(parse_profile_variation({}, env, file, v)) << t.name << " " << v.label;
    }
  }
  for (const char* need :
       {"minimal", "concurrency_sweep", "trace_replay", "multi_run_confidence"}) {
    EXPECT_TRUE(template_text(need)) << need;
  }
  EXPECT_EQ(expand_variations(
                load_config_file(write_file("cs.yaml", *template_text("concurrency_sweep"))))
                .size(),
            6u);
}

TEST(Templates, ListSearchAndCustomize) {
  EXPECT_EQ(search_templates("sweep").front().name, "concurrency_sweep");
  EXPECT_TRUE(search_templates("no-such-thing").empty());
  for (const auto& t : templates_in("sweep")) EXPECT_EQ(t.category, "Sweep & Multi-Run");
  const std::string out =
      customize_template(*template_text("minimal"), "org/model-x", "http://server:9000");
  const std::string f = write_file("custom.yaml", out);
  const Config c = parse({"-f", f});
  EXPECT_EQ(c.models, std::vector<std::string>{"org/model-x"});
  EXPECT_EQ(c.urls, std::vector<std::string>{"http://server:9000"});
  EXPECT_NE(out.find("# @template"), std::string::npos);  // comments kept
}

/// AIPerf's own templates (tests/data/config/aiperf: their keys and values): each is read as
/// AIPerf reads it, or refused with one line naming a key of a feature this build lacks.
TEST(AIPerfExamples, ParsedOrRefusedByName) {
  struct Expect {
    const char* file;
    const char* error;  // "" = accepted
  };
  const std::vector<Expect> cases = {
      {"minimal.yaml", ""},
      {"public_dataset.yaml", ""},
      {"audio_multimodal.yaml", ""},
      {"multimodal_vision.yaml", ""},
      {"sweep_distributions.yaml", ""},
      {"embeddings.yaml", ""},
      {"env_var_production.yaml", ""},
      {"fixed_schedule.yaml", ""},
      {"goodput_slo.yaml", ""},
      {"gpu_telemetry.yaml", ""},
      {"http_trace_metrics.yaml", ""},
      {"inline_dataset.yaml", ""},
      {"jinja2_variables.yaml", ""},
      {"kv_cache_test.yaml", ""},
      {"latency_test.yaml", ""},
      {"long_context.yaml", ""},
      {"multi_turn_conversation.yaml", ""},
      {"multi_url_load_balancing.yaml", ""},
      {"ramping.yaml", ""},
      {"request_cancellation.yaml", ""},
      {"scenario_workload_profiles.yaml", ""},
      {"speed_bench_sweep.yaml", ""},
      {"sweep_with_plot.yaml", ""},
      {"time_based_soak.yaml", ""},
      {"trace_replay.yaml", ""},
      {"user_files.yaml", ""},
      {"warmup_profiling.yaml", ""},
  };
  const fs::path dir = fs::path(AIPERF_TEST_DATA_DIR) / "config" / "aiperf";
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir)) files += e.path().extension() == ".yaml";
  EXPECT_EQ(files, cases.size());
  for (const auto& c : cases) {
    const std::string f = (dir / c.file).string();
    std::string err;
    try {
      const LoadedConfigFile file = load_config_file(f);
      for (const auto& v : expand_variations(file)) {
        ParseEnv env;
        parse_profile_variation({}, env, file, v);
      }
    } catch (const ConfigError& e) {
      err = e.what();
    }
    if (*c.error == '\0') {
      EXPECT_EQ(err, "") << c.file;
    } else {
      EXPECT_NE(err.find(c.error), std::string::npos) << c.file << ": " << err;
      EXPECT_NE(err.find(f + ":"), std::string::npos) << c.file << ": " << err;
    }
  }
  // What the accepted ones turn into.
  const Config m = parse({"-f", (dir / "minimal.yaml").string()});
  EXPECT_EQ(m.models, std::vector<std::string>{"meta-llama/Llama-3.1-8B-Instruct"});
  EXPECT_EQ(m.isl_mean, 512);
  EXPECT_EQ(m.osl_mean, 128);
  EXPECT_EQ(m.concurrency, 8);
  EXPECT_EQ(m.request_count, 100);
  const Config p = parse({"-f", (dir / "public_dataset.yaml").string()});
  EXPECT_EQ(p.public_dataset, "sharegpt");
  const Config v = parse({"-f", (dir / "multimodal_vision.yaml").string()});
  EXPECT_TRUE(v.images_enabled());
  EXPECT_EQ(v.timing_mode, TimingMode::kRequestRate);
  EXPECT_EQ(v.warmup_request_rate, 0.0);  // its warmup is a concurrency loop
  const Config g = parse({"-f", (dir / "gpu_telemetry.yaml").string()});
  EXPECT_TRUE(g.gpu_telemetry_console);
  EXPECT_EQ(g.gpu_telemetry_urls.size(), 2u);
  const Config c = parse({"-f", (dir / "request_cancellation.yaml").string()});
  EXPECT_EQ(c.request_cancellation_rate_pct, 10.0);
  EXPECT_EQ(c.request_cancellation_delay_s, 0.5);
  EXPECT_EQ(c.server_metrics_urls, std::vector<std::string>{"http://localhost:8000/metrics"});
  const Config w = parse({"-f", (dir / "warmup_profiling.yaml").string()});
  EXPECT_EQ(w.request_rate_ramp_duration_s, 30.0);
  const Config h = parse({"-f", (dir / "http_trace_metrics.yaml").string()});
  EXPECT_TRUE(h.export_http_trace);
  EXPECT_TRUE(h.show_trace_timing);
}

}  // namespace
}  // namespace aiperf::config
