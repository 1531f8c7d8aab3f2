// Helpers of the report and dashboard integration tests: mock runs, synthesized studies and
// sweeps, PNG inspection, headless Chromium.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {

/// `aiperf profile --ui none` of `requests` streaming chat requests at concurrency `c` against
/// `url`, into a new directory; returns it (asserts nothing: check the exit code yourself).
struct MockRun {
  std::string dir;
  CommandResult result;
};
MockRun mock_run(const std::string& url, int requests, int concurrency,
                 const std::vector<std::string>& extra = {});

/// Copies run `src` into `dst` with its summary edited by `edit` (the JSONL is copied as is).
void copy_run(const std::string& src, const std::string& dst,
              void (*edit)(nlohmann::json& summary, double k), double k);

/// PNG width, height and the fraction of pixels that differ from the top-left pixel (the
/// background); {0,0,0} when the file is not a PNG.
struct PngInfo {
  int width = 0, height = 0;
  double drawn = 0;
};
PngInfo inspect_png(const std::string& path);

/// Headless Chromium, or "" when none is installed.
std::string chromium_binary();
/// Runs Chromium headless with a fresh profile and networking features off; `extra` adds flags
/// (--dump-dom, --screenshot=..., --log-net-log=...) and the URL last.
CommandResult run_chromium(const std::vector<std::string>& extra, int timeout_s = 60);

/// Files under `dir` (recursive) whose name ends with `suffix`.
std::vector<std::string> files_with_suffix(const std::string& dir, const std::string& suffix);

}  // namespace aiperf::testing
