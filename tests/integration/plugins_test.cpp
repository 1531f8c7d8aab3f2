// Plugins (docs/plugins.md): `aiperf plugins` lists the registries; the example plugin
// (examples/plugins/textgen) is loaded, listed and used in a run against the mock server; a
// plugin built for another ABI version, or a shared object that is no plugin, is refused with
// one line.
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kExample = std::string(AIPERF_PLUGIN_DIR) + "/libaiperf_example_textgen.so";
const std::string kBadAbi = std::string(AIPERF_PLUGIN_DIR) + "/libaiperf_example_textgen_abi999.so";
const std::string kNotAPlugin = std::string(AIPERF_PLUGIN_DIR) + "/libaiperf_not_a_plugin.so";

int count_of(const std::string& s, const std::string& needle) {
  int n = 0;
  for (size_t p = s.find(needle); p != std::string::npos; p = s.find(needle, p + 1)) ++n;
  return n;
}

TEST(Plugins, ListsEveryRegistry) {
  CommandResult r = run_command({AIPERF_BIN, "plugins"}, 30);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* cat : {"Endpoint", "Arrival Pattern", "Custom Dataset Loader",
                          "Public Dataset Loader", "Dataset Sampler", "Timing Strategy",
                          "Data Exporter", "Console Exporter", "UI", "Transport"}) {
    EXPECT_NE(r.out.find(cat), std::string::npos) << cat << "\n" << r.out;
  }
  for (const char* name : {"chat", "completions", "poisson", "mooncake_trace", "sharegpt"}) {
    EXPECT_NE(r.out.find(name), std::string::npos) << name;
  }
  CommandResult e = run_command({AIPERF_BIN, "plugins", "endpoint"}, 30);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("OpenAI Chat Completions"), std::string::npos) << e.out;
  CommandResult d = run_command({AIPERF_BIN, "plugins", "arrival_pattern", "gamma"}, 30);
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_NE(d.out.find("Package:  aiperf"), std::string::npos) << d.out;
  CommandResult bad = run_command({AIPERF_BIN, "plugins", "nonsense"}, 30);
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("unknown category 'nonsense'"), std::string::npos) << bad.err;
  CommandResult ok = run_command({AIPERF_BIN, "plugins", "--validate"}, 30);
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find("All checks passed"), std::string::npos);
}

TEST(Plugins, ExamplePluginIsListed) {
  CommandResult r = run_command({AIPERF_BIN, "plugins", "--plugin", kExample}, 30);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("example-textgen"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("textgen"), std::string::npos);
  CommandResult e =
      run_command({AIPERF_BIN, "plugins", "endpoint", "textgen", "--plugin", kExample}, 30);
  ASSERT_EQ(e.exit_code, 0) << e.err;
  EXPECT_NE(e.out.find("Package:  example-textgen"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("File:"), std::string::npos) << e.out;
  // AIPERF_PLUGIN_PATH: a directory holding the plugin.
  std::string dir = make_temp_dir("plugins");
  fs::copy_file(kExample, dir + "/libaiperf_example_textgen.so");
  CommandResult env =
      run_command({"env", "AIPERF_PLUGIN_PATH=" + dir, AIPERF_BIN, "plugins", "data_exporter"}, 30);
  ASSERT_EQ(env.exit_code, 0) << env.err;
  EXPECT_NE(env.out.find("markdown"), std::string::npos) << env.out;
}

TEST(Plugins, ExampleEndpointAndExporterRunAgainstTheMock) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock({"--ttft", "3", "--itl", "1", "--record-requests", gt});
  std::string dir = make_temp_dir("aiperf-plugin");
  CommandResult r = run_command({AIPERF_BIN,
                                 "profile",
                                 "--plugin",
                                 kExample,
                                 "--endpoint-type",
                                 "textgen",
                                 "--model",
                                 "m",
                                 "--url",
                                 mock.url(),
                                 "--streaming",
                                 "--tokenizer",
                                 "builtin",
                                 "--ui",
                                 "none",
                                 "--isl",
                                 "24",
                                 "--osl",
                                 "12",
                                 "--request-count",
                                 "12",
                                 "--concurrency",
                                 "3",
                                 "--random-seed",
                                 "2",
                                 "--artifact-dir",
                                 dir},
                                120);
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  mock.stop();
  std::vector<json> truth;
  {
    std::ifstream f(gt);
    std::string line;
    while (std::getline(f, line)) truth.push_back(json::parse(line));
  }
  ASSERT_EQ(truth.size(), 12u);
  for (const json& g : truth) {
    EXPECT_EQ(g["endpoint"], "/v1/completions");  // the plugin's path
    EXPECT_TRUE(g["stream"].get<bool>());
    EXPECT_EQ(g["requested_max_tokens"].get<int>(), 12);
  }
  json s = json::parse(std::ifstream(dir + "/profile_export_aiperf.json"));
  EXPECT_EQ(s["request_count"]["avg"].get<double>(), 12.0);
  EXPECT_EQ(s["output_sequence_length"]["avg"].get<double>(), 12.0);  // parsed by the plugin
  EXPECT_GT(s["time_to_first_token"]["avg"].get<double>(), 0.0);
  // The exporter wrote its file and it is listed.
  std::string md = read_file(dir + "/profile_export_summary.md");
  EXPECT_NE(md.find("request_latency"), std::string::npos) << md;
  EXPECT_NE(md.find("requests: 12"), std::string::npos) << md;
  EXPECT_NE(r.out.find("markdown (plugin)"), std::string::npos) << r.out;
}

TEST(Plugins, AWrongAbiOrNoPluginIsOneLine) {
  for (const auto& [path, want] :
       {std::pair{kBadAbi, std::string("built for plugin ABI version 999")},
        {kNotAPlugin, std::string("no aiperf_plugin_init symbol")},
        {std::string("/nonexistent/p.so"), std::string("no such file")}}) {
    CommandResult r = run_command({AIPERF_BIN, "profile", "--plugin", path, "--model", "m", "--url",
                                   "http://127.0.0.1:1", "--ui", "none"},
                                  30);
    EXPECT_EQ(r.exit_code, 2) << path;
    EXPECT_EQ(count_of(r.err, "aiperf: error:"), 1) << r.err;
    EXPECT_NE(r.err.find(want), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    CommandResult l = run_command({AIPERF_BIN, "plugins", "--plugin", path}, 30);
    EXPECT_EQ(l.exit_code, 2);
    EXPECT_NE(l.err.find(want), std::string::npos) << l.err;
  }
  // An endpoint type nobody registered is still a usage error naming the flag.
  CommandResult u = run_command(
      {AIPERF_BIN, "profile", "--endpoint-type", "textgen", "--model", "m", "--ui", "none"}, 30);
  EXPECT_EQ(u.exit_code, 2);
  EXPECT_NE(u.err.find("--endpoint-type"), std::string::npos) << u.err;
}

}  // namespace
}  // namespace aiperf::testing
