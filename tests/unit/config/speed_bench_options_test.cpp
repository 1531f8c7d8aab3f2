// SPEED-Bench formats on the command line and in config files (config/speed_bench.h): every
// speed_bench_* name parses, config files (and AIPerf's sweep template) accept them, and the
// effective config and input_config write the name back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/config_file.h"
#include "aiperf/config/speed_bench.h"
#include "aiperf/config/workload.h"

namespace aiperf::config {
namespace {

namespace fs = std::filesystem;

const std::string kMini = std::string(AIPERF_TEST_DATA_DIR) + "/speed_bench/mini.jsonl";

Config parse(std::vector<std::string> args) {
  ParseEnv env;
  env.stdout_is_tty = false;
  return parse_profile_args(args, env);
}

std::string write_file(const std::string& name, const std::string& text) {
  const fs::path dir = fs::path(::testing::TempDir()) / "aiperf_speed_bench_options_test";
  fs::create_directories(dir);
  const fs::path p = dir / name;
  std::ofstream(p) << text;
  return p.string();
}

TEST(SpeedBenchOptions, EveryFormatNameParsesOnTheCommandLine) {
  const std::vector<std::string> want = {
      "speed_bench_qualitative",
      "speed_bench_coding",
      "speed_bench_humanities",
      "speed_bench_math",
      "speed_bench_multilingual",
      "speed_bench_qa",
      "speed_bench_rag",
      "speed_bench_reasoning",
      "speed_bench_roleplay",
      "speed_bench_stem",
      "speed_bench_summarization",
      "speed_bench_writing",
      "speed_bench_throughput_1k",
      "speed_bench_throughput_2k",
      "speed_bench_throughput_8k",
      "speed_bench_throughput_16k",
      "speed_bench_throughput_32k",
      "speed_bench_throughput_1k_low_entropy",
      "speed_bench_throughput_1k_mixed",
      "speed_bench_throughput_1k_high_entropy",
      "speed_bench_throughput_2k_low_entropy",
      "speed_bench_throughput_2k_mixed",
      "speed_bench_throughput_2k_high_entropy",
      "speed_bench_throughput_8k_low_entropy",
      "speed_bench_throughput_8k_mixed",
      "speed_bench_throughput_8k_high_entropy",
      "speed_bench_throughput_16k_low_entropy",
      "speed_bench_throughput_16k_mixed",
      "speed_bench_throughput_16k_high_entropy",
      "speed_bench_throughput_32k_low_entropy",
      "speed_bench_throughput_32k_mixed",
      "speed_bench_throughput_32k_high_entropy",
  };
  ASSERT_EQ(speed_bench_formats().size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(speed_bench_formats()[i].name, want[i]);
    const Config c = parse({"-m", "m", "--custom-dataset-type", want[i], "--input-file", kMini});
    EXPECT_EQ(c.custom_dataset_type, CustomDatasetType::kSpeedBench) << want[i];
    EXPECT_EQ(c.speed_bench_format, want[i]);
    EXPECT_EQ(custom_dataset_format(c), want[i]);
    EXPECT_EQ(redacted_config_json(c)["datasets"][0]["format"], want[i])
        << redacted_config_json(c).dump();
  }
  // The other types keep their names; an unknown subset lists the choices.
  const Config mt =
      parse({"-m", "m", "--custom-dataset-type", "multi_turn", "--input-file", kMini});
  EXPECT_EQ(mt.custom_dataset_type, CustomDatasetType::kMultiTurn);
  EXPECT_EQ(mt.speed_bench_format, "");
  try {
    parse({"-m", "m", "--custom-dataset-type", "speed_bench_poetry", "--input-file", kMini});
    ADD_FAILURE() << "speed_bench_poetry accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("invalid choice 'speed_bench_poetry'"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("speed_bench_throughput_32k_high_entropy"),
              std::string::npos);
  }
  EXPECT_EQ(custom_dataset_type_names().size(), 9u + 32u);
}

TEST(SpeedBenchOptions, DetectionPointsAtTheSpeedBenchFormats) {
  try {
    parse({"-m", "m", "--input-file", kMini});
    ADD_FAILURE() << "a SPEED-Bench file was taken for another format";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("looks like a SPEED-Bench file"), std::string::npos)
        << e.what();
  }
}

TEST(SpeedBenchOptions, UserCentricNamesTheFormat) {
  try {
    parse({"-m", "m", "--custom-dataset-type", "speed_bench_math", "--input-file", kMini,
           "--user-centric-rate", "1", "--num-users", "2"});
    ADD_FAILURE() << "accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("is speed_bench_math"), std::string::npos) << e.what();
  }
}

TEST(SpeedBenchOptions, ConfigFileFormatAndTheEffectiveConfigRoundTrip) {
  const std::string f = write_file("sb.yaml", R"(schemaVersion: "2.0"
benchmark:
  model: mock-model
  endpoint: {url: http://127.0.0.1:9}
  datasets:
  - {name: main, type: file, path: )" + kMini + R"(, format: speed_bench_throughput_1k_mixed}
  phases:
  - {name: profiling, type: concurrency, requests: 3, concurrency: 1}
)");
  const Config c = parse({"-f", f});
  EXPECT_EQ(c.custom_dataset_type, CustomDatasetType::kSpeedBench);
  EXPECT_EQ(c.speed_bench_format, "speed_bench_throughput_1k_mixed");
  const std::string yaml = effective_config_yaml(c, 5);
  EXPECT_NE(yaml.find("speed_bench_throughput_1k_mixed"), std::string::npos) << yaml;
  const Config again = parse({"-f", write_file("sb_effective.yaml", yaml)});
  EXPECT_EQ(again.speed_bench_format, "speed_bench_throughput_1k_mixed");
  EXPECT_EQ(again.custom_dataset_type, CustomDatasetType::kSpeedBench);
}

TEST(SpeedBenchOptions, AIPerfsSweepTemplateGivesOneRunPerCategory) {
  const std::string f = std::string(AIPERF_TEST_DATA_DIR) + "/config/aiperf/speed_bench_sweep.yaml";
  const LoadedConfigFile file = load_config_file(f);
  const auto variations = expand_variations(file);
  ASSERT_EQ(variations.size(), 11u);
  std::vector<std::string> formats;
  for (const auto& v : variations) {
    ParseEnv env;
    const Config c = parse_profile_variation({}, env, file, v);
    EXPECT_EQ(c.custom_dataset_type, CustomDatasetType::kSpeedBench);
    formats.push_back(c.speed_bench_format);
  }
  EXPECT_EQ(formats.front(), "speed_bench_coding");
  EXPECT_EQ(formats.back(), "speed_bench_writing");
  EXPECT_EQ(std::set<std::string>(formats.begin(), formats.end()).size(), 11u);
}

}  // namespace
}  // namespace aiperf::config
