// The payloads of a seeded run must not change when the way they are built changes (datasets
// rendered just in time, docs/architecture.md "Bodies rendered just in time"): inputs.json of
// each configuration below is compared byte for byte with the file the earlier code wrote
// (tests/data/golden_inputs/), and what was sent (raw export) with inputs.json.
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;

struct Golden {
  const char* name;
  std::vector<std::string> args;
};

const std::vector<Golden>& goldens() {
  static const std::vector<Golden> g = {
      {"basic",
       {"-m", "ma", "-m", "mb", "--model-selection-strategy", "random", "--streaming",
        "--request-count", "20", "--isl", "100", "--isl-stddev", "10", "--osl", "50",
        "--osl-stddev", "5"}},
      {"batch",
       {"-m", "ma", "--endpoint-type", "completions", "--request-count", "10",
        "--prompt-batch-size", "3", "--isl", "30", "--isl-stddev", "5", "--seq-dist",
        "40,8:60;80,4:40"}},
      {"context",
       {"-m", "ma", "--request-count", "8", "--shared-system-prompt-length", "10",
        "--user-context-prompt-length", "12", "--isl", "40", "--isl-stddev", "8", "--osl", "6"}},
      {"multiturn",
       {"-m",
        "ma",
        "--streaming",
        "--request-count",
        "12",
        "--session-turns-mean",
        "3",
        "--session-turns-stddev",
        "1",
        "--session-turn-delay-mean",
        "5",
        "--num-prefix-prompts",
        "3",
        "--prefix-prompt-length",
        "20",
        "--isl",
        "40",
        "--isl-stddev",
        "8",
        "--osl",
        "6"}},
      {"random",
       {"-m", "ma", "-m", "mb", "--streaming", "--request-count", "30", "--num-dataset-entries",
        "7", "--dataset-sampling-strategy", "random", "--isl", "20", "--osl", "4"}},
  };
  return g;
}

std::string run_and_read_inputs(const MockServerProcess& mock, const Golden& g,
                                std::string* dir_out) {
  std::string dir = make_temp_dir("aiperf-golden");
  std::vector<std::string> argv = {AIPERF_BIN,       "profile", "--url",          mock.url(),
                                   "--tokenizer",    "builtin", "--ui",           "none",
                                   "--random-seed",  "42",      "--artifact-dir", dir,
                                   "--export-level", "raw"};
  argv.insert(argv.end(), g.args.begin(), g.args.end());
  CommandResult r = run_command(argv, 120);
  EXPECT_EQ(r.exit_code, 0) << g.name << ": " << r.err;
  if (dir_out) *dir_out = dir;
  return read_file(dir + "/inputs.json");
}

void check_goldens(const MockServerProcess& mock, bool jit) {
  for (const Golden& g : goldens()) {
    std::string dir;
    std::string got = run_and_read_inputs(mock, g, &dir);
    std::string want =
        read_file(std::string(AIPERF_TEST_DATA_DIR) + "/golden_inputs/" + g.name + ".json");
    ASSERT_FALSE(want.empty()) << g.name;
    // Held: byte for byte. Just in time, a run that uses every entry in order (sequential
    // sampling, one entry per request: "basic", "batch", "context") writes the same bytes.
    const std::string name = g.name;
    if (!jit || name == "basic" || name == "batch" || name == "context") {
      EXPECT_EQ(got, want) << g.name << " (inputs.json of " << dir << ")";
    } else {
      // Just in time, inputs.json lists the conversations the run used, as it first used them:
      // each entry must be the golden one of its session.
      std::map<std::string, std::string> golden;
      const json all = json::parse(want);
      for (const auto& e : all["data"]) golden[e["session_id"].get<std::string>()] = e.dump();
      const json used = json::parse(got)["data"];
      EXPECT_GT(used.size(), 0u) << g.name;
      for (const auto& e : used) {
        EXPECT_EQ(e.dump(), golden[e["session_id"].get<std::string>()])
            << g.name << " " << e["session_id"];
      }
    }

    // Every first turn was sent exactly as inputs.json lists it (later turns carry history).
    json inputs = json::parse(got);
    std::map<std::string, std::string> first_payload;
    for (const auto& e : inputs["data"]) first_payload[e["session_id"]] = e["payloads"][0].dump();
    std::ifstream raw(dir + "/profile_export_raw.jsonl");
    std::string line;
    int first_turns = 0;
    while (std::getline(raw, line)) {
      json rec = json::parse(line);
      if (rec["metadata"].value("turn_index", 0) != 0) continue;
      const std::string conv = rec["metadata"]["conversation_id"];
      ASSERT_TRUE(first_payload.count(conv)) << g.name << " " << conv;
      EXPECT_EQ(rec["payload"].dump(), first_payload[conv]) << g.name << " " << conv;
      ++first_turns;
    }
    EXPECT_GT(first_turns, 0) << g.name;
  }
}

// Held datasets (small ones) and datasets rebuilt just in time (AIPERF_JIT_MIN_ENTRIES=1 forces
// it for any size) must both send exactly these payloads. A held dataset's inputs.json is the
// golden file byte for byte; a just-in-time one lists the conversations the run used.
TEST(InputsGolden, PayloadsOfASeededRunAreUnchanged) {
  MockServerProcess mock({"--fast"});
  for (const char* jit : {"", "1"}) {
    SCOPED_TRACE(*jit ? "just in time" : "held");
    if (*jit) {
      ::setenv("AIPERF_JIT_MIN_ENTRIES", jit, 1);
    } else {
      ::unsetenv("AIPERF_JIT_MIN_ENTRIES");
    }
    check_goldens(mock, *jit != 0);
  }
  ::unsetenv("AIPERF_JIT_MIN_ENTRIES");
}
}  // namespace
}  // namespace aiperf::testing
