// JSON helpers of the integration tests: reading exports and the mock server's ground truth, and
// one mock-recorded run of a dataset.
#pragma once
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {

/// The objects of a JSON Lines file, one per non-empty line (none when the file is missing).
inline std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::ifstream f(path);
  for (std::string line; std::getline(f, line);) {
    if (!line.empty()) out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

/// A run against a mock server that recorded what it answered (--record-requests).
struct GroundTruthRun {
  CommandResult result;
  std::string dir;                             // the run's --artifact-dir
  std::vector<nlohmann::json> server_records;  // the mock's ground truth, one per request
};

/// `aiperf profile` of `requests` chat requests from the dataset options `dataset_args`
/// (--public-dataset, --input-file, ...) against a fresh mock server (1 ms TTFT and ITL):
/// builtin tokenizer, concurrency 1, --osl 4, seed 7, into a new directory named after `prefix`.
inline GroundTruthRun profile_with_ground_truth(const std::vector<std::string>& dataset_args,
                                                int requests, const std::string& prefix) {
  GroundTruthRun r;
  r.dir = make_temp_dir(prefix);
  const std::string gt = r.dir + "/gt.jsonl";
  MockServerProcess m({"--ttft", "1", "--itl", "1", "--record-requests", gt});
  std::vector<std::string> argv = {
      AIPERF_BIN, "profile",    "--ui",        "none",    "--url",           m.url(),
      "--model",  "mock-model", "--tokenizer", "builtin", "--endpoint-type", "chat"};
  argv.insert(argv.end(), dataset_args.begin(), dataset_args.end());
  argv.insert(argv.end(), {"--request-count", std::to_string(requests), "--concurrency", "1",
                           "--osl", "4", "--random-seed", "7", "--artifact-dir", r.dir});
  r.result = run_command(argv, 120);
  m.stop();
  r.server_records = read_jsonl(gt);
  return r;
}

}  // namespace aiperf::testing
