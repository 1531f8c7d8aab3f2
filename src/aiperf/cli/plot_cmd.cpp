// `aiperf plot` (spec §1.1, §8.2): PNG/SVG plots and the HTML report of finished runs, or the
// same report served over HTTP (--dashboard). Thin: parse, call the report stage, map errors.
#include "aiperf/cli/plot_cmd.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <thread>

#include "aiperf/cli/path_args.h"
#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/report/report.h"
#include "aiperf/run/signals.h"

namespace aiperf::cli {

namespace fs = std::filesystem;

namespace {

const char* kUsage =
    "Usage: aiperf plot [PATHS...] [OPTIONS]\n\n"
    "Plots of finished runs: time series of one run, or comparisons of several (a study, a\n"
    "sweep, or runs side by side), as PNG and SVG files plus one self-contained HTML report.\n\n"
    "  --paths <path>...        run directories, folders of runs, or globs [default: ./artifacts]\n"
    "  --empty-paths            forget the paths given so far\n"
    "  --output <dir>           where to write [default: <first path>/plots]\n"
    "  --theme light|dark       colours [default: light]\n"
    "  --config <yaml>          plot configuration [default: ~/.aiperf/plot_config.yaml, created\n"
    "                           from the built-in defaults on first use]\n"
    "  --html / --no-html       also write <output>/report.html [default: --html]\n"
    "  --verbose / --no-verbose print every file written and every plot left out\n"
    "  --dashboard              serve the HTML report over HTTP instead of writing files; the\n"
    "                           page reloads itself when runs are added under the paths\n"
    "  --host <host>            dashboard address [default: 127.0.0.1]\n"
    "  --port <int>             dashboard port [default: 8050]\n";

struct PlotArgs {
  std::vector<std::string> paths;
  std::optional<std::string> output, config;
  bool dark = false, html = true, verbose = false, dashboard = false;
  std::string host = "127.0.0.1";
  int port = 8050;
};

PlotArgs parse(const std::vector<std::string>& args) {
  PlotArgs p;
  PathArgs scan(args);
  while (scan.next()) {
    const std::string& a = scan.flag();
    if (a == "--output") {
      p.output = scan.value();
    } else if (a == "--config") {
      p.config = scan.value();
    } else if (a == "--theme") {
      std::string t = scan.value();
      if (t != "light" && t != "dark") {
        throw ConfigError("--theme: invalid choice '" + t + "' (choose from: light, dark)");
      }
      p.dark = t == "dark";
    } else if (a == "--html" || a == "--no-html") {
      p.html = a == "--html";
    } else if (a == "--verbose" || a == "-v" || a == "--no-verbose") {
      p.verbose = a != "--no-verbose";
    } else if (a == "--dashboard" || a == "--no-dashboard") {
      p.dashboard = a == "--dashboard";
    } else if (a == "--host") {
      p.host = scan.value();
    } else if (a == "--port") {
      p.port = int(config::parse_int_at_least("--port", scan.value(), 1));
      if (p.port > 65535) throw ConfigError("--port: must be 1..65535");
    } else {
      throw ConfigError("unknown option " + a + " (see aiperf plot --help)");
    }
  }
  p.paths = scan.paths();
  if (p.paths.empty()) p.paths.push_back("./artifacts");
  return p;
}

/// The per-request columns the plots of `cfg` and the HTML report read (the rest of each
/// record line is skipped, which keeps a 1M-line file's columns small).
std::vector<std::string> record_columns(const report::PlotConfig& cfg) {
  std::vector<std::string> cols = report::default_record_columns();
  for (const auto& s : cfg.single_run) {
    for (const auto* m : {&s.x, &s.y, &s.y2}) {
      if (*m && std::find(cols.begin(), cols.end(), (*m)->name) == cols.end()) {
        cols.push_back((*m)->name);
      }
    }
  }
  return cols;
}

/// Where a run's plot configuration (.aiperf-plot-config.yaml) may be: the paths given (a
/// study's folder holds the study's), then each run's folder.
std::vector<std::string> dirs_of(const std::vector<std::string>& paths,
                                 const std::vector<report::RunInfo>& infos) {
  std::vector<std::string> d = paths;
  for (const auto& i : infos) d.push_back(i.dir);
  return d;
}

int serve(const PlotArgs& p, const report::PlotConfig& cfg) {
  run::install_interrupt_handlers();
  report::HtmlOptions html;
  html.theme.dark = p.dark;
  report::ServeOptions so;
  so.host = p.host;
  so.port = p.port;
  so.should_stop = [] { return run::interrupt_count() > 0; };
  so.on_listening = [](const std::string& url) {
    std::printf("Dashboard ready at %s\nPress Ctrl+C to quit\n", url.c_str());
    std::fflush(stdout);
  };
  report::serve_dashboard(p.paths, cfg, html, so);
  return 0;
}

int write_plots(const PlotArgs& p, const std::vector<report::RunInfo>& infos,
                const report::PlotConfig& cfg) {
  const bool multi = infos.size() > 1;
  std::printf("Loading %s data from: %s\n", multi ? "multi-run" : "single-run", p.paths[0].c_str());
  std::printf("Detected mode: %s\n", multi ? "MULTI_RUN" : "SINGLE_RUN");
  if (multi) std::printf("Found %zu runs to compare\n", infos.size());
  if (p.dark) std::printf("Using dark theme\n");
  using Clock = std::chrono::steady_clock;
  auto seconds = [](Clock::time_point a) {
    return std::chrono::duration<double>(Clock::now() - a).count();
  };
  auto t0 = Clock::now();
  std::vector<report::RunData> runs;
  report::LoadOptions lo;
  lo.records_options.tags = record_columns(cfg);
  size_t records = 0;
  for (const auto& i : infos) {
    if (!multi && !fs::exists(fs::path(i.dir) / report::kRecordsJsonl)) {
      throw ConfigError(i.dir + ": no " + std::string(report::kRecordsJsonl) +
                        " (single-run plots need per-request records: profile with "
                        "--export-level records)");
    }
    runs.push_back(report::load_run(i, lo));
    records += runs.back().requests ? runs.back().requests->size() : 0;
  }
  if (p.verbose) std::printf("Read %zu records in %.2f s\n", records, seconds(t0));
  t0 = Clock::now();
  report::FigureSet set = report::build_figures(runs, cfg);
  if (p.verbose) std::printf("Built %zu figures in %.2f s\n", set.figures.size(), seconds(t0));
  std::string out = p.output.value_or((fs::path(p.paths[0]) / "plots").string());
  std::printf("Generating %zu %s plots\n", set.figures.size(),
              multi ? "comparison" : "time series");
  for (const auto& s : set.skipped) {
    if (p.verbose) std::printf("Skipping %s\n", s.c_str());
  }
  if (!p.verbose && !set.skipped.empty()) {
    std::printf("Left out %zu plot(s) whose data these runs lack (--verbose lists them)\n",
                set.skipped.size());
  }
  // The HTML report first: it needs no gnuplot.
  if (p.html) {
    report::HtmlOptions ho;
    ho.theme.dark = p.dark;
    std::string path = (fs::path(out) / "report.html").string();
    t0 = Clock::now();
    report::write_html_report(path, runs, set, ho);
    std::printf("HTML report: %s\n", path.c_str());
    if (p.verbose) std::printf("Wrote the HTML report in %.2f s\n", seconds(t0));
  }
  report::ImageOptions io;
  io.theme.dark = p.dark;
  t0 = Clock::now();
  auto files = report::render_images(set.figures, out, io);
  if (p.verbose) std::printf("Drew %zu files with gnuplot in %.2f s\n", files.size(), seconds(t0));
  for (const auto& f : files) {
    if (p.verbose || f.size() < 4 || f.compare(f.size() - 4, 4, ".png") == 0) {
      std::printf("Creating plot: %s\n", fs::path(f).filename().c_str());
    }
  }
  std::printf("Successfully generated %zu plots\nPlots saved to: %s/\n", set.figures.size(),
              out.c_str());
  return 0;
}

}  // namespace

int run_plot(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  try {
    PlotArgs p = parse(args);
    std::string notice;
    if (p.dashboard) {
      // Runs may not exist yet: the dashboard waits for them.
      std::vector<std::string> dirs;
      try {
        dirs = dirs_of(p.paths, report::discover_runs(p.paths));
      } catch (const ConfigError&) {
      }
      auto cfg = report::load_plot_config(p.config, dirs, &notice);
      std::printf("%s\n", notice.c_str());
      return serve(p, cfg);
    }
    auto infos = report::discover_runs(p.paths);
    auto cfg = report::load_plot_config(p.config, dirs_of(p.paths, infos), &notice);
    std::printf("%s\n", notice.c_str());
    return write_plots(p, infos, cfg);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf plot: error: %s\n", e.what());
    return kExitUsage;
  } catch (const InputError& e) {
    std::fprintf(stderr, "aiperf plot: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aiperf plot: error: %s\n", e.what());
    return kExitBenchmarkFailed;
  }
}

}  // namespace aiperf::cli
