// Integration tests of `aiperf plot`, the HTML report and `aiperf compare`: real runs against
// the mock server, studies and sweeps synthesized from them, PNGs decoded, the HTML report
// opened in headless Chromium (interactions driven by an injected script), bad inputs.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "report_util.h"

namespace aiperf::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class ReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    fast_server_ =
        std::make_unique<MockServerProcess>(std::vector<std::string>{"--ttft", "5", "--itl", "1"});
    slow_server_ =
        std::make_unique<MockServerProcess>(std::vector<std::string>{"--ttft", "40", "--itl", "1"});
    fast_ = std::make_unique<MockRun>(
        mock_run(fast_server_->url(), 40, 4, {"--slice-duration", "0.05"}));
    slow_ = std::make_unique<MockRun>(mock_run(slow_server_->url(), 40, 4));
  }
  static void TearDownTestSuite() {
    fast_.reset();
    slow_.reset();
    fast_server_.reset();
    slow_server_.reset();
  }
  void SetUp() override {
    ASSERT_EQ(fast_->result.exit_code, 0) << fast_->result.err;
    ASSERT_EQ(slow_->result.exit_code, 0) << slow_->result.err;
    home_ = make_temp_dir("aiperf-home");  // ~/.aiperf/plot_config.yaml goes here
  }
  CommandResult aiperf(std::vector<std::string> args, int timeout_s = 120) {
    args.insert(args.begin(), {"env", "HOME=" + home_, AIPERF_BIN});
    return run_command(args, timeout_s);
  }
  static std::unique_ptr<MockServerProcess> fast_server_, slow_server_;
  static std::unique_ptr<MockRun> fast_, slow_;
  std::string home_;
};
std::unique_ptr<MockServerProcess> ReportTest::fast_server_, ReportTest::slow_server_;
std::unique_ptr<MockRun> ReportTest::fast_, ReportTest::slow_;

void expect_drawn_pngs(const std::vector<std::string>& names, const std::string& dir) {
  for (const auto& n : names) {
    const std::string p = dir + "/" + n + ".png";
    ASSERT_TRUE(fs::exists(p)) << p;
    EXPECT_GT(fs::file_size(p), 5000u) << p;
    PngInfo png = inspect_png(p);
    EXPECT_EQ(png.width, 1280) << p;
    EXPECT_GT(png.drawn, 0.01) << p;  // axes, labels and data: well over 1% of the pixels
    EXPECT_TRUE(fs::exists(dir + "/" + n + ".svg")) << n;
  }
}

/// A repeat of a study: latency and throughput scaled by k.
void scale_run(json& s, double k) {
  for (const char* tag : {"request_latency", "time_to_first_token"}) {
    for (auto& [stat, v] : s[tag].items()) {
      if (v.is_number() && stat != "count") v = v.get<double>() * k;
    }
  }
  s["output_token_throughput"]["avg"] = s["output_token_throughput"]["avg"].get<double>() / k;
}

/// A sweep point: concurrency k with throughput rising and per-user throughput falling.
void sweep_point(json& s, double k) {
  for (auto& ph : s["input_config"]["phases"]) ph["concurrency"] = k;
  s["output_token_throughput"]["avg"] = 500 * k / (1 + 0.1 * k);
  s["output_token_throughput_per_user"]["avg"] = 500 / (1 + 0.1 * k);
  s["request_throughput"]["avg"] = 40 * k / (1 + 0.1 * k);
  s["time_to_first_token"]["avg"] = 5 * (1 + 0.2 * k);
  s["request_latency"]["avg"] = 20 * (1 + 0.1 * k);
}

TEST_F(ReportTest, PlotSingleRun) {
  std::string out = make_temp_dir("aiperf-plots");
  CommandResult r = aiperf({"plot", "--paths", fast_->dir, "--output", out});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Detected mode: SINGLE_RUN"), std::string::npos) << r.out;
  expect_drawn_pngs({"ttft_over_time", "ttft_timeline", "itl_over_time", "latency_over_time",
                     "ttft_distribution", "timeslices_ttft", "timeslices_itl"},
                    out);
  EXPECT_TRUE(fs::exists(out + "/report.html"));
  EXPECT_TRUE(fs::exists(home_ + "/.aiperf/plot_config.yaml"));  // created on first use
  // The end of the run wrote its own report too.
  EXPECT_TRUE(fs::exists(fast_->dir + "/report.html"));
}

TEST_F(ReportTest, PlotStudyOfThreeRepeats) {
  std::string study = make_temp_dir("aiperf-study");
  for (int k = 1; k <= 3; ++k) {
    copy_run(fast_->dir, study + "/profile_runs/run_000" + std::to_string(k), scale_run,
             1 + 0.05 * k);
  }
  std::string out = study + "/plots";
  CommandResult r = aiperf({"plot", study});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Found 3 runs"), std::string::npos) << r.out;
  expect_drawn_pngs({"latency_throughput_uncertainty", "ttft_vs_throughput",
                     "pareto_curve_throughput_per_user_vs_throughput"},
                    out);
  // Compare a study (repeats: confidence intervals) with itself shifted: noise is known.
  std::string other = make_temp_dir("aiperf-study2");
  for (int k = 1; k <= 3; ++k) {
    copy_run(fast_->dir, other + "/profile_runs/run_000" + std::to_string(k), scale_run,
             2 + 0.05 * k);
  }
  CommandResult c = aiperf({"compare", study, other});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("outside"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("(x3)"), std::string::npos) << c.out;
}

TEST_F(ReportTest, PlotSweepOfFourPoints) {
  std::string sweep = make_temp_dir("aiperf-sweep");
  for (int c : {1, 2, 4, 8}) {
    copy_run(fast_->dir, sweep + "/concurrency" + std::to_string(c), sweep_point, c);
  }
  std::string out = make_temp_dir("aiperf-sweep-plots");
  CommandResult r = aiperf({"plot", "--paths", sweep + "/concurrency*", "--output", out, "--theme",
                            "dark", "--verbose"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Found 4 runs"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("needs GPU telemetry"), std::string::npos) << r.out;  // --verbose
  expect_drawn_pngs({"ttft_vs_throughput", "pareto_curve_throughput_per_user_vs_throughput",
                     "latency_throughput_uncertainty"},
                    out);
}

TEST_F(ReportTest, CompareKnownTtftChange) {
  CommandResult r = aiperf({"compare", fast_->dir, slow_->dir});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // TTFT went from ~5 ms to ~40 ms: the median change is several hundred percent.
  std::smatch m;
  std::regex re(R"(Time to First Token p50 \(ms\) ↓ +[0-9.,]+ +[0-9.,]+ +\+([0-9.]+)%)");
  ASSERT_TRUE(std::regex_search(r.out, m, re)) << r.out;
  EXPECT_GT(std::stod(m[1].str()), 200.0);
  EXPECT_NE(r.out.find("noise: unknown"), std::string::npos);
  CommandResult fail =
      aiperf({"compare", "--files", fast_->dir, slow_->dir, "--fail-on-regression", "50"});
  EXPECT_EQ(fail.exit_code, 1) << fail.out << fail.err;
  EXPECT_NE(fail.err.find("regression past 50%"), std::string::npos);
  // Nothing got 1000% worse.
  EXPECT_EQ(aiperf({"compare", slow_->dir, fast_->dir, "--fail-on-regression", "1000"}).exit_code,
            0);
  std::string out = make_temp_dir("aiperf-compare");
  CommandResult html = aiperf({"compare", fast_->dir, slow_->dir, "--output", out});
  ASSERT_EQ(html.exit_code, 0) << html.err;
  std::string page = read_file(out + "/compare.html");
  EXPECT_NE(page.find("Comparison"), std::string::npos);
  EXPECT_NE(page.find("cdf_overlay"), std::string::npos);  // runs overlaid
}

TEST_F(ReportTest, BadInputIsOneLineAndExit2) {
  auto one_line = [](const CommandResult& r) {
    return std::count(r.err.begin(), r.err.end(), '\n') == 1;
  };
  std::string empty = make_temp_dir("aiperf-empty");
  CommandResult r = aiperf({"plot", "--paths", empty});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(one_line(r)) << r.err;
  EXPECT_NE(r.err.find("no runs found"), std::string::npos) << r.err;

  std::string half = make_temp_dir("aiperf-half");
  fs::copy_file(fast_->dir + "/profile_export.jsonl", half + "/profile_export.jsonl");
  r = aiperf({"plot", half});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(one_line(r)) << r.err;
  EXPECT_NE(r.err.find("no profile_export_aiperf.json"), std::string::npos) << r.err;

  std::string summary_only = make_temp_dir("aiperf-summary-only");
  fs::copy_file(fast_->dir + "/profile_export_aiperf.json",
                summary_only + "/profile_export_aiperf.json");
  r = aiperf({"plot", summary_only});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("profile_export.jsonl"), std::string::npos) << r.err;

  std::string bad_yaml = empty + "/bad.yaml";
  std::ofstream(bad_yaml) << "visualization:\n  single_run_defaults: [ttft_over_time\n";
  r = aiperf({"plot", fast_->dir, "--config", bad_yaml});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(one_line(r)) << r.err;
  EXPECT_NE(r.err.find("bad.yaml:"), std::string::npos) << r.err;

  r = aiperf({"compare", fast_->dir});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(one_line(r)) << r.err;
  r = aiperf({"plot", fast_->dir, "--theme", "blue"});
  EXPECT_EQ(r.exit_code, 2);
}

/// URLs of requests in a Chromium net log that a page initiated (one per line).
std::string page_requests(const std::string& netlog) {
  json j = json::parse(netlog, nullptr, false);
  if (j.is_discarded()) return "unreadable net log";
  int start_job = -1;
  for (auto& [name, id] : j["constants"]["logEventTypes"].items()) {
    if (name == "URL_REQUEST_START_JOB") start_job = id.get<int>();
  }
  std::string out;
  for (const auto& e : j["events"]) {
    if (e.value("type", -2) != start_job || !e.contains("params")) continue;
    const auto& p = e["params"];
    if (p.contains("initiator") && p["initiator"] != "not an origin") {
      out += p.value("url", "(a request of origin " + p["initiator"].dump() + ")") + "\n";
    }
  }
  return out;
}

/// The report in headless Chromium: every chart drawn, no script error, no request; hover
/// shows a value box and dragging zooms (driven by a script added to a copy of the page).
TEST_F(ReportTest, HtmlInHeadlessChromium) {
  if (chromium_binary().empty())
    GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh)";
  std::string out = make_temp_dir("aiperf-html");
  ASSERT_EQ(aiperf({"plot", fast_->dir, slow_->dir, "--output", out}).exit_code, 0);
  std::string page = read_file(out + "/report.html");
  const std::string probe = R"(<script>
(function () {
  var b = document.body, over = document.querySelector('.chart .u-over');
  var u = over.getBoundingClientRect(), tip = over.closest('.chart').querySelector('.tip');
  function ev(target, type, x, y) {
    target.dispatchEvent(new MouseEvent(type, {clientX: x, clientY: y, bubbles: true, button: 0,
                                               movementX: 3, movementY: 3}));
  }
  ev(over, 'mouseenter', u.left + 5, u.top + 5);
  var shown = false;
  for (var x = 5; x < u.width && !shown; x += 7) {
    for (var y = 5; y < u.height && !shown; y += 7) {
      ev(over, 'mousemove', u.left + x, u.top + y);
      shown = tip.style.display === 'block' && tip.textContent.length > 0;
    }
  }
  b.setAttribute('data-hover', shown ? 'yes' : 'no');
  var axis = function () {  // the first chart's x range (report.js exposes its charts)
    var sx = window.aiperfCharts[0].scales.x;
    return sx.min + '..' + sx.max;
  };
  var before = axis();
  ev(over, 'mousedown', u.left + u.width * 0.2, u.top + u.height * 0.2);
  ev(over, 'mousemove', u.left + u.width * 0.5, u.top + u.height * 0.6);
  ev(document, 'mouseup', u.left + u.width * 0.5, u.top + u.height * 0.6);
  setTimeout(function () {  // uPlot redraws the axes on a later task
    b.setAttribute('data-zoomed', before !== axis() ? 'yes' : 'no');
    b.setAttribute('data-canvases', String(document.querySelectorAll('.chart canvas').length));
    b.setAttribute('data-resources', String(performance.getEntriesByType('resource').length));
  }, 200);
})();
</script></body>)";
  std::string probed = std::regex_replace(page, std::regex("</body>"), probe);
  std::ofstream(out + "/probe.html") << probed;
  const std::string netlog = out + "/net.json";
  CommandResult dom =
      run_chromium({"--dump-dom", "--log-net-log=" + netlog, "file://" + out + "/probe.html"});
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(dom.out, m, std::regex("<body[^>]*>"))) << dom.out.substr(0, 500);
  const std::string body = m.str();
  EXPECT_EQ(body.find("data-errors"), std::string::npos) << body;
  EXPECT_EQ(body.find("data-csp-violation"), std::string::npos) << body;
  std::smatch ready;
  ASSERT_TRUE(std::regex_search(body, ready, std::regex("data-charts-ready=\"([0-9]+)\"")));
  const int charts = std::stoi(ready[1].str());
  // Every figure of the data block became a chart: 3 comparison plots + 6 overlays (2 runs).
  EXPECT_GE(charts, 9);
  EXPECT_EQ(int(std::count(page.begin(), page.end(), '\0')), 0);
  EXPECT_NE(body.find("data-hover=\"yes\""), std::string::npos) << body;
  EXPECT_NE(body.find("data-zoomed=\"yes\""), std::string::npos) << body;
  EXPECT_NE(body.find("data-canvases=\"" + std::to_string(charts) + "\""), std::string::npos)
      << body;
  // The page fetched nothing: no resource entry, and in Chromium's net log no request that a
  // page started (Chromium's own background requests carry no origin: "not an origin").
  EXPECT_NE(body.find("data-resources=\"0\""), std::string::npos) << body;
  EXPECT_EQ(page_requests(read_file(netlog)), "");

  // A screenshot of the original page has drawn pixels (charts, not a blank page).
  CommandResult shot =
      run_chromium({"--screenshot=" + out + "/shot.png", "file://" + out + "/report.html"});
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  PngInfo png = inspect_png(out + "/shot.png");
  EXPECT_GT(png.width, 0);
  EXPECT_GT(png.drawn, 0.03);
}

TEST_F(ReportTest, ProfileGeneratePlotsAndConfigErrorsBeforeConnecting) {
  std::string dir = make_temp_dir("aiperf-genplots");
  CommandResult res =
      aiperf({"profile", "--ui", "none", "--model", "m", "--url", fast_server_->url(),
              "--endpoint-type", "chat", "--streaming", "--tokenizer", "builtin", "--request-count",
              "12", "--concurrency", "2", "--artifact-dir", dir, "--generate-plots"});
  ASSERT_EQ(res.exit_code, 0) << res.err;
  EXPECT_NE(res.out.find("HTML Report: " + dir + "/report.html"), std::string::npos) << res.out;
  EXPECT_TRUE(fs::exists(dir + "/report.html"));
  EXPECT_GE(files_with_suffix(dir + "/plots", ".png").size(), 4u);
  // A malformed ~/.aiperf/plot_config.yaml is a usage error before any connection (port 9 is
  // closed: reaching it would be a different error).
  std::ofstream(home_ + "/.aiperf/plot_config.yaml") << "visualization: [\n";
  CommandResult bad =
      aiperf({"profile", "--ui", "none", "--model", "m", "--url", "http://127.0.0.1:9",
              "--tokenizer", "builtin", "--request-count", "1", "--artifact-dir",
              make_temp_dir("aiperf-bad"), "--generate-plots"});
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
  EXPECT_NE(bad.err.find("plot_config.yaml:"), std::string::npos) << bad.err;
}

TEST_F(ReportTest, PlotRequiredTurnsAFailedPlotIntoExit1) {
  // A file where the plots folder goes: drawing fails after the run. Without --plot-required
  // that is a warning (exit 0), with it an error (exit 1); the run's results are written both
  // times.
  for (const bool required : {false, true}) {
    const std::string dir = make_temp_dir("aiperf-plotfail");
    std::ofstream(dir + "/plots") << "not a folder\n";
    std::vector<std::string> args = {"profile",
                                     "--ui",
                                     "none",
                                     "--model",
                                     "m",
                                     "--url",
                                     fast_server_->url(),
                                     "--endpoint-type",
                                     "chat",
                                     "--tokenizer",
                                     "builtin",
                                     "--request-count",
                                     "4",
                                     "--artifact-dir",
                                     dir,
                                     "--auto-plot"};
    if (required) args.push_back("--plot-required");
    const CommandResult res = aiperf(args);
    EXPECT_EQ(res.exit_code, required ? 1 : 0) << res.err;
    EXPECT_NE(res.err.find(std::string(required ? "error" : "warning") +
                           ": the report was not completed"),
              std::string::npos)
        << res.err;
    EXPECT_TRUE(fs::exists(dir + "/profile_export_aiperf.json"));
    EXPECT_TRUE(fs::exists(dir + "/profile_export.jsonl"));
  }
}

/// Real studies (study/study.h): repeated runs and a sweep each end with one report over all
/// their runs, and `aiperf plot` finds every run in their layouts.
TEST_F(ReportTest, StudiesWriteOneReport) {
  for (const std::vector<std::string>& extra : {std::vector<std::string>{"--num-profile-runs", "2"},
                                                std::vector<std::string>{"--concurrency", "1,2"}}) {
    std::string dir = make_temp_dir("aiperf-study-run");
    std::vector<std::string> args = {"profile",          "--ui", "none", "--model", "m", "--url",
                                     fast_server_->url()};
    for (const char* a : {"--endpoint-type", "chat", "--streaming", "--tokenizer", "builtin",
                          "--request-count", "8", "--osl", "8", "--artifact-dir"}) {
      args.push_back(a);
    }
    args.push_back(dir);
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = aiperf(args);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(r.out.find("HTML Report: " + dir + "/report.html"), std::string::npos) << r.out;
    EXPECT_NE(read_file(dir + "/report.html").find("AIPerf study"), std::string::npos);
    CommandResult p = aiperf({"plot", dir});
    ASSERT_EQ(p.exit_code, 0) << p.err;
    EXPECT_NE(p.out.find("Found 2 runs"), std::string::npos) << p.out;
  }
}

/// With GPU telemetry (the mock server's fake DCGM exporter) the GPU plots appear: throughput
/// with GPU utilization over one run, and per-GPU Pareto curves and utilization across runs.
TEST_F(ReportTest, GpuTelemetryPlots) {
  const std::string dcgm = fast_server_->url() + "/dcgm1/metrics";
  MockRun a = mock_run(fast_server_->url(), 150, 2, {"--gpu-telemetry", dcgm});
  MockRun b = mock_run(fast_server_->url(), 300, 8, {"--gpu-telemetry", dcgm});
  ASSERT_EQ(a.result.exit_code, 0) << a.result.err;
  ASSERT_EQ(b.result.exit_code, 0) << b.result.err;
  ASSERT_TRUE(fs::exists(a.dir + "/gpu_telemetry_export.jsonl"));
  std::string one = make_temp_dir("aiperf-gpu-one");
  CommandResult r = aiperf({"plot", a.dir, "--output", one});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_drawn_pngs({"gpu_utilization_and_throughput_over_time"}, one);
  std::string two = make_temp_dir("aiperf-gpu-two");
  r = aiperf({"plot", a.dir, b.dir, "--output", two});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  expect_drawn_pngs(
      {"pareto_curve_throughput_per_gpu_vs_latency",
       "pareto_curve_throughput_per_gpu_vs_interactivity", "gpu_utilization_vs_throughput"},
      two);
}

TEST_F(ReportTest, PlotDashboardServesAndPicksUpNewRuns) {
  std::string root = make_temp_dir("aiperf-served");
  copy_run(fast_->dir, root + "/a", sweep_point, 1);
  const int port = free_port();
  std::string log = make_temp_dir("aiperf-served-log") + "/out";
  ChildProcess server({"env", "HOME=" + home_, AIPERF_BIN, "plot", "--dashboard", "--port",
                       std::to_string(port), "--paths", root},
                      log, log + ".err");
  ASSERT_TRUE(wait_port(port, 20000)) << read_file(log) << read_file(log + ".err");
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  CurlResult page = curl({url + "/"});
  ASSERT_EQ(page.http_status, 200);
  EXPECT_NE(page.body.find("AIPerf report: a"), std::string::npos);
  EXPECT_NE(page.body.find("connect-src 'self'"), std::string::npos);
  CurlResult v1 = curl({url + "/api/version"});
  ASSERT_EQ(v1.http_status, 200);
  copy_run(fast_->dir, root + "/b", sweep_point, 4);
  CurlResult v2 = curl({url + "/api/version"});
  EXPECT_NE(v1.body, v2.body);  // the open page reloads itself on this
  EXPECT_NE(curl({url + "/"}).body.find("AIPerf report: 2 runs"), std::string::npos);
  EXPECT_EQ(curl({url + "/nothing"}).http_status, 404);
  EXPECT_EQ(server.terminate(SIGINT, 5000), 0);
  EXPECT_NE(read_file(log).find("Dashboard ready at " + url), std::string::npos);
}

}  // namespace
}  // namespace aiperf::testing
