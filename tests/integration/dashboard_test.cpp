// `--ui dashboard` on a real terminal: tmux runs `aiperf profile` against a slow mock server;
// capture-pane screens are compared with golden screens (numbers, bars and sparklines masked) at
// 80x24 and, after a resize mid-run, 200x60; Ctrl-C must leave the alternate screen and show
// the console report; TERM=dumb and a tiny terminal fall back to the simple progress.
// AIPERF_UPDATE_GOLDEN=1 rewrites the golden files (tests/data/dashboard/).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <tuple>

#include <gtest/gtest.h>

#include "test_util.h"

namespace aiperf::testing {
namespace {

const std::string kGolden = std::string(AIPERF_TEST_DATA_DIR) + "/dashboard/";

bool have_tmux() {
  return run_command({"tmux", "-V"}, 10).exit_code == 0;
}

class Tmux {
 public:
  Tmux() : sock_("aiperf-test-" + std::to_string(::getpid()) + "-" + std::to_string(next_++)) {}
  ~Tmux() { run({"kill-server"}); }
  CommandResult run(std::vector<std::string> args) {
    args.insert(args.begin(), {"tmux", "-L", sock_, "-f", "/dev/null"});
    return run_command(args, 20);
  }
  void start(int cols, int rows, const std::string& shell_command) {
    CommandResult r = run({"new-session", "-d", "-s", "t", "-x", std::to_string(cols), "-y",
                           std::to_string(rows), shell_command});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  /// The visible screen; with `history`, the scrolled-off lines too (wrapped lines joined).
  std::string capture(bool history = false) {
    if (history) return run({"capture-pane", "-p", "-J", "-S", "-1000", "-t", "t"}).out;
    return run({"capture-pane", "-p", "-t", "t"}).out;
  }
  std::string alternate_on() {
    return run({"display-message", "-p", "-t", "t", "#{alternate_on}"}).out;
  }
  /// Polls the screen until `pred` holds (true) or `timeout_ms` passes (false).
  template <class P>
  bool wait_for(P pred, int timeout_ms, std::string* screen, bool history = false) {
    auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < end) {
      *screen = capture(history);
      if (pred(*screen)) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(150));
    }
    return false;
  }

 private:
  std::string sock_;
  static inline int next_ = 0;
};

/// The screen with what changes from run to run masked: every number (with its separators)
/// becomes N, bars and sparklines become #, blank runs become one space, trailing blanks go.
std::string normalize(const std::string& screen) {
  std::string out;
  std::istringstream in(screen);
  std::string line;
  static const std::regex kNum("[0-9][0-9.,:%]*");
  static const std::regex kBlocks("(▁|▂|▃|▄|▅|▆|▇|█|░)+");
  static const std::regex kBlank(" +");
  while (std::getline(in, line)) {
    line = std::regex_replace(line, kNum, "N");
    line = std::regex_replace(line, kBlocks, "#");
    line = std::regex_replace(line, kBlank, " ");
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n')
    out.pop_back();
  return out;
}

void check_golden(const std::string& name, const std::string& screen) {
  const std::string got = normalize(screen);
  const char* update = std::getenv("AIPERF_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(kGolden + name) << got;
    return;
  }
  EXPECT_EQ(got, read_file(kGolden + name)) << "raw screen:\n" << screen;
}

std::string profile_command(const std::string& url, const std::string& term, const std::string& dir,
                            int requests) {
  return "env TERM=" + term + " " + AIPERF_BIN + " profile --model m --url " + url +
         " --endpoint-type chat --streaming --tokenizer builtin --osl 20 --isl 16 --ui dashboard"
         " --gpu-telemetry " +
         url +
         "/dcgm1/metrics"
         " --concurrency 2 --request-count " +
         std::to_string(requests) + " --artifact-dir " + dir + "; echo AIPERF_EXIT=$?; sleep 60";
}

bool has_live_numbers(const std::string& s) {
  // Data in every latency row and the CPU sampled: the screen is complete.
  return std::regex_search(s, std::regex(R"(Send late \(ms\) +[0-9])")) &&
         std::regex_search(s, std::regex(R"(CPU +[0-9]+%)"));
}

TEST(Dashboard, GoldenScreensResizeAndCtrlC) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps.sh)";
  MockServerProcess mock({"--ttft", "30", "--itl", "15"});  // ~0.3 s per request
  Tmux t;
  std::string dir = make_temp_dir("aiperf-dash");
  t.start(80, 24, profile_command(mock.url(), "xterm-256color", dir, 200));
  std::string screen;
  ASSERT_TRUE(t.wait_for(has_live_numbers, 20000, &screen)) << screen;
  EXPECT_EQ(t.alternate_on(), "1\n");
  check_golden("screen_80x24.txt", screen);

  ASSERT_EQ(t.run({"resize-window", "-t", "t", "-x", "200", "-y", "60"}).exit_code, 0);
  ASSERT_TRUE(t.wait_for(
      [](const std::string& s) {
        // The redrawn frame is 200 columns wide: the title bar reaches the right edge.
        std::string first = s.substr(0, s.find('\n'));
        return first.size() > 150 && has_live_numbers(s);
      },
      10000, &screen))
      << screen;
  check_golden("screen_200x60.txt", screen);
  // The telemetry panels: the mock's own /metrics (scraped from --url) and its fake DCGM
  // exporter's two GPUs, live.
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(aiperf mock +running [0-9]+)"))) << screen;
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(gpu0 .*util [0-9]+ %  [0-9]+ W)"))) << screen;
  EXPECT_TRUE(std::regex_search(screen, std::regex(R"(gpu1 .*util [0-9]+ %)"))) << screen;

  ASSERT_EQ(t.run({"send-keys", "-t", "t", "C-c"}).exit_code, 0);
  ASSERT_TRUE(
      t.wait_for([](const std::string& s) { return s.find("AIPERF_EXIT=") != std::string::npos; },
                 20000, &screen, true))
      << screen;
  EXPECT_NE(screen.find("AIPERF_EXIT=130"), std::string::npos) << screen;
  EXPECT_EQ(t.alternate_on(), "0\n");  // the terminal is back on its normal screen...
  EXPECT_NE(screen.find("LLM Metrics"), std::string::npos) << screen;  // ...showing the report
  EXPECT_EQ(screen.find("Latency, last 60 s"), std::string::npos) << screen;
}

TEST(Dashboard, DumbOrTinyTerminalFallsBackToSimple) {
  if (!have_tmux()) GTEST_SKIP() << "tmux is not installed (scripts/install-deps.sh)";
  MockServerProcess mock({"--ttft", "5", "--itl", "1"});
  for (auto [term, cols, rows] : {std::tuple{"dumb", 80, 24}, {"xterm-256color", 50, 12}}) {
    Tmux t;
    t.start(cols, rows, profile_command(mock.url(), term, make_temp_dir("aiperf-dash"), 20));
    std::string screen;
    ASSERT_TRUE(
        t.wait_for([](const std::string& s) { return s.find("AIPERF_EXIT=") != std::string::npos; },
                   30000, &screen, true))
        << screen;
    EXPECT_NE(screen.find("AIPERF_EXIT=0"), std::string::npos) << screen;
    EXPECT_NE(screen.find("showing simple progress instead"), std::string::npos) << screen;
    EXPECT_EQ(screen.find("Latency, last 60 s"), std::string::npos) << screen;
  }
}

}  // namespace
}  // namespace aiperf::testing
