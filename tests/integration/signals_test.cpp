// Signals and stops (docs/reliability.md "Signals and stops"): SIGINT, SIGTERM and SIGHUP at
// every stage, a closed stdout pipe, a file-size limit on the artifacts (a full disk), an
// artifact directory that cannot be written. The real binary against the real mock server.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

int count_lines(const std::string& path) {
  std::ifstream f(path);
  std::string line;
  int n = 0;
  while (std::getline(f, line)) n += line.empty() ? 0 : 1;
  return n;
}

int count_of(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

// A large dataset takes seconds to prepare (here a thousand synthetic PNG images are encoded;
// a held text dataset of 100k prompts took as long before datasets were rendered just in
// time). A signal then must end the program promptly, with one line and 128 + signal; before
// the fix SIGINT was swallowed (the run went ahead) and SIGTERM ended it silently.
TEST(Signals, DuringPreparationEndPromptlyWithAMessage) {
  const int dead_port = free_port();  // nothing is sent before the preparation ends
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    std::string dir = make_temp_dir("aiperf-sig");
    std::string art = dir + "/art";
    ChildProcess p({AIPERF_BIN,
                    "profile",
                    "-m",
                    "m",
                    "--url",
                    "http://127.0.0.1:" + std::to_string(dead_port),
                    "--tokenizer",
                    "builtin",
                    "--ui",
                    "none",
                    "--request-count",
                    "1000",
                    "--isl",
                    "16",
                    "--image-width-mean",
                    "384",
                    "--image-height-mean",
                    "384",
                    "--image-format",
                    "png",
                    "--artifact-dir",
                    art},
                   dir + "/out.txt", dir + "/err.txt");
    // The artifact directory exists once the handlers are in place and the preparation began.
    for (int i = 0; i < 200 && !fs::exists(art); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ASSERT_TRUE(fs::exists(art)) << sig;
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(p.running()) << "the preparation ended before the signal: " << sig;
    auto t0 = Clock::now();
    ::kill(p.pid(), sig);
    int rc = p.wait(10000);
    double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    std::string err = read_file(dir + "/err.txt");
    EXPECT_EQ(rc, 128 + sig) << err;
    EXPECT_LT(secs, 3.0) << sig;
    const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "SIGHUP";
    EXPECT_NE(err.find(std::string("interrupted by ") + name + " while "), std::string::npos)
        << err;
    EXPECT_EQ(count_of(err, "aiperf:"), 1) << err;  // one line
    // No truncated inputs.json is left behind.
    if (fs::exists(art + "/inputs.json")) {
      EXPECT_NO_THROW(json::parse(read_file(art + "/inputs.json")));
    }
  }
}

// During the run SIGTERM and SIGHUP are what SIGINT is: stop, drain, write what completed;
// the exit code says which signal it was.
TEST(Signals, DuringTheRunWriteWhatCompleted) {
  for (int sig : {SIGTERM, SIGHUP}) {
    MockServerProcess mock({"--ttft", "20", "--itl", "5"});
    std::string dir = make_temp_dir("aiperf-sig");
    ChildProcess p({AIPERF_BIN, "profile", "-m", "mock-model", "-u", mock.url(), "--streaming",
                    "--request-rate", "20", "--benchmark-duration", "60", "--osl", "8", "--isl",
                    "16", "--ui", "none", "--artifact-dir", dir},
                   dir + "/out.txt", dir + "/err.txt");
    ASSERT_TRUE(wait_for_answers(mock.url(), 3));
    ::kill(p.pid(), sig);
    int rc = p.wait(15000);
    EXPECT_EQ(rc, 128 + sig) << read_file(dir + "/err.txt");
    json s = json::parse(read_file(dir + "/profile_export_aiperf.json"));
    EXPECT_TRUE(s["was_cancelled"].get<bool>());
    EXPECT_GT(s["request_count"]["avg"].get<double>(), 0);
    EXPECT_EQ(count_lines(dir + "/profile_export.jsonl"),
              int(s["request_count"]["avg"].get<double>()));
  }
}

// `aiperf ... | head -n 1`: the console output goes nowhere after the first line; the run and
// its artifacts are not affected (SIGPIPE is ignored, the write error is not the run's).
TEST(Stops, ClosedStdoutPipeDoesNotAffectTheRun) {
  MockServerProcess mock({"--fast"});
  std::string dir = make_temp_dir("aiperf-pipe");
  std::string cmd = std::string(AIPERF_BIN) + " profile -m m --url " + mock.url() +
                    " --tokenizer builtin --ui none --request-count 30 --isl 16 --osl 4" +
                    " --artifact-dir " + dir + " | head -n 1; exit ${PIPESTATUS[0]}";
  CommandResult r = run_command({"bash", "-c", cmd}, 60);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(count_of(r.out, "\n"), 1) << r.out;
  json s = json::parse(read_file(dir + "/profile_export_aiperf.json"));
  EXPECT_EQ(s["request_count"]["avg"].get<int>(), 30);
  EXPECT_EQ(count_lines(dir + "/profile_export.jsonl"), 30);
}

// A full disk, simulated by a file-size limit (RLIMIT_FSIZE via `ulimit -f`, in 1 KiB blocks):
// profile_export.jsonl outgrows it mid-run. One clear error naming the file, the console summary
// still printed, the other files complete, exit 1. Before: the record thread's exception ended
// the process (std::terminate), and no summary was printed.
TEST(Stops, ArtifactWriteFailureIsOneErrorAndTheSummaryIsStillPrinted) {
  MockServerProcess mock({"--fast"});
  std::string dir = make_temp_dir("aiperf-full");
  std::string cmd = "ulimit -f 16; exec " + std::string(AIPERF_BIN) + " profile -m m --url " +
                    mock.url() +
                    " --tokenizer builtin --ui none --request-count 60 --isl 16 --osl 4" +
                    " --artifact-dir " + dir;
  CommandResult r = run_command({"bash", "-c", cmd}, 60);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.out.find("LLM Metrics"), std::string::npos) << r.out;
  // One error; the HTML report, drawn from the records kept in memory, may warn that its own
  // file hit the limit too.
  EXPECT_EQ(count_of(r.err, "error: cannot write"), 1) << r.err;
  EXPECT_NE(r.err.find("cannot write " + dir + "/profile_export.jsonl"), std::string::npos)
      << r.err;
  json s = json::parse(read_file(dir + "/profile_export_aiperf.json"));
  EXPECT_EQ(s["request_count"]["avg"].get<int>(), 60);
}

// An artifact directory that cannot be created or written: exit 2 naming --artifact-dir, before
// any request reaches the server.
TEST(Stops, UnwritableArtifactDirExits2BeforeAnyRequest) {
  std::string gt = make_temp_dir("gt") + "/gt.jsonl";
  MockServerProcess mock({"--fast", "--record-requests", gt});
  std::string base = make_temp_dir("aiperf-ro");
  std::ofstream(base + "/file") << "x";
  std::vector<std::string> dirs = {base + "/file/sub"};  // ENOTDIR, for root too
  if (::geteuid() != 0) {
    fs::create_directories(base + "/ro");
    fs::permissions(base + "/ro", fs::perms::owner_read | fs::perms::owner_exec);
    dirs.push_back(base + "/ro");
  }
  for (const std::string& d : dirs) {
    CommandResult r =
        run_command({AIPERF_BIN, "profile", "-m", "m", "--url", mock.url(), "--tokenizer",
                     "builtin", "--ui", "none", "--request-count", "5", "--artifact-dir", d},
                    60);
    EXPECT_EQ(r.exit_code, 2) << r.err;
    EXPECT_NE(r.err.find("--artifact-dir"), std::string::npos) << r.err;
  }
  mock.stop();
  EXPECT_EQ(read_file(gt), "");
}

}  // namespace
}  // namespace aiperf::testing
