// `aiperf compare` (GenAI-Perf's `compare --files` spelling accepted too): key metrics of runs
// side by side against the first, noise from repeated runs, and an exit code for CI.
#include <cstdio>
#include <filesystem>
#include <optional>
#include <set>

#include "aiperf/cli/plot_cmd.h"
#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/report/report.h"

namespace aiperf::cli {

namespace fs = std::filesystem;

namespace {

const char* kUsage =
    "Usage: aiperf compare BASELINE OTHER... [OPTIONS]\n"
    "       aiperf compare --files BASELINE OTHER... [OPTIONS]\n\n"
    "Compares runs with the first one (the baseline): key metrics side by side, the change in\n"
    "percent, and whether it is outside the noise. A run is a run's artifact directory (or its\n"
    "profile_export_aiperf.json), or a study directory with repeated runs (profile_runs/),\n"
    "whose repeats give confidence intervals.\n\n"
    "  --files <path>...            the runs (same as positional arguments)\n"
    "  --fail-on-regression <pct>   exit 1 when a metric is worse than the baseline by more\n"
    "                               than <pct> percent (and not inside the noise)\n"
    "  --output <dir>               also write <dir>/compare.html (tables and overlaid plots)\n"
    "  --theme light|dark           HTML colours [default: light]\n";

struct CompareArgs {
  std::vector<std::string> files;
  std::optional<double> threshold;
  std::optional<std::string> output;
  bool dark = false;
};

CompareArgs parse(const std::vector<std::string>& args) {
  CompareArgs c;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string a = args[i], value;
    bool inline_value = false;
    if (auto eq = a.find('='); a.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = a.substr(eq + 1);
      a = a.substr(0, eq);
      inline_value = true;
    }
    auto flag = [](const std::string& s) { return s.size() > 1 && s[0] == '-'; };
    auto take = [&]() -> std::string {
      if (inline_value) return value;
      if (i + 1 >= args.size() || flag(args[i + 1])) throw ConfigError(a + ": missing value");
      return args[++i];
    };
    if (!flag(a)) {
      c.files.push_back(a);
    } else if (a == "--files" || a == "-f") {
      if (inline_value) c.files.push_back(value);
      while (!inline_value && i + 1 < args.size() && !flag(args[i + 1]))
        c.files.push_back(args[++i]);
    } else if (a == "--fail-on-regression") {
      c.threshold = config::parse_number(a, take(), 0, false);
    } else if (a == "--output") {
      c.output = take();
    } else if (a == "--theme") {
      std::string t = take();
      if (t != "light" && t != "dark") {
        throw ConfigError("--theme: invalid choice '" + t + "' (choose from: light, dark)");
      }
      c.dark = t == "dark";
    } else {
      throw ConfigError("unknown option " + a + " (see aiperf compare --help)");
    }
  }
  if (c.files.size() < 2) {
    throw ConfigError(
        "compare needs at least two runs (a baseline and one to compare), e.g. "
        "aiperf compare artifacts/old artifacts/new");
  }
  return c;
}

/// One side per argument: a single run, or the repeats of one study cell.
report::CompareSide load_side(const std::string& arg) {
  auto infos = report::discover_runs({arg});
  std::set<std::string> cells;
  for (const auto& i : infos) cells.insert(i.cell.empty() ? i.dir : i.cell);
  if (cells.size() > 1) {
    throw ConfigError(arg + ": holds " + std::to_string(infos.size()) +
                      " runs of different configurations; give one run, or one study directory "
                      "whose profile_runs/ are repeats of one configuration");
  }
  report::CompareSide side;
  side.name = infos.size() > 1 ? infos.front().group : infos.front().name;
  report::LoadOptions lo;
  for (const auto& i : infos) side.runs.push_back(report::load_run(i, lo));
  return side;
}

}  // namespace

int run_compare(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
  }
  try {
    CompareArgs c = parse(args);
    std::vector<report::CompareSide> sides;
    for (const auto& f : c.files) sides.push_back(load_side(f));
    for (size_t i = 0; i < sides.size(); ++i) {  // labels must tell the sides apart
      for (size_t j = 0; j < i; ++j) {
        if (sides[j].name == sides[i].name) sides[i].name = c.files[i];
      }
    }
    report::Comparison cmp = report::compare_sides(sides, c.threshold);
    std::fputs(report::render_comparison_text(cmp).c_str(), stdout);
    if (c.output) {
      std::vector<report::RunData> runs;
      for (auto& s : sides) {
        report::RunData r = s.runs.front();  // the overlay draws each side's first run
        r.info.name = s.name;
        runs.push_back(std::move(r));
      }
      report::HtmlOptions ho;
      ho.theme.dark = c.dark;
      ho.title = "AIPerf comparison: " + sides.front().name + " vs " +
                 std::to_string(sides.size() - 1) + " other run(s)";
      ho.comparison = &cmp;
      std::string path = (fs::path(*c.output) / "compare.html").string();
      report::write_html_report(path, runs, report::FigureSet{}, ho);
      std::printf("HTML report: %s\n", path.c_str());
    }
    if (cmp.any_regression) {
      std::fprintf(stderr, "aiperf compare: regression past %g%% (marked !)\n", *c.threshold);
      return kExitBenchmarkFailed;
    }
    return kExitOk;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf compare: error: %s\n", e.what());
    return kExitUsage;
  } catch (const InputError& e) {
    std::fprintf(stderr, "aiperf compare: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aiperf compare: error: %s\n", e.what());
    return kExitBenchmarkFailed;
  }
}

}  // namespace aiperf::cli
