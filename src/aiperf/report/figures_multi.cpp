// Multi-run plot types (spec §8.2): pareto, scatter_line, scatter and
// latency_throughput_uncertainty, one point per run, series by a grouping column.
#include <fnmatch.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <regex>

#include <fmt/format.h>

#include "aiperf/metrics/metrics.h"
#include "aiperf/report/report.h"
#include "aiperf/report/series_math.h"

namespace aiperf::report {

namespace {

struct Skip {
  std::string why;
};

/// GPUs in a summary's telemetry_data (spec §6.3).
int summary_gpu_count(const Summary& s) {
  if (!s.doc.contains("telemetry_data")) return 0;
  const auto& t = s.doc["telemetry_data"];
  int n = 0;
  if (t.contains("endpoints") && t["endpoints"].is_object()) {
    for (const auto& [url, ep] : t["endpoints"].items()) {
      if (ep.contains("gpus") && ep["gpus"].is_object()) n += int(ep["gpus"].size());
    }
  }
  return n;
}

/// Mean over GPUs of telemetry field `field`'s `stat` from the summary, else the mean of the
/// run's samples.
std::optional<double> gpu_value(const RunData& r, const std::string& field,
                                const std::string& stat) {
  const auto& d = r.summary.doc;
  double sum = 0;
  int n = 0;
  if (d.contains("telemetry_data") && d["telemetry_data"].contains("endpoints")) {
    for (const auto& [url, ep] : d["telemetry_data"]["endpoints"].items()) {
      if (!ep.contains("gpus")) continue;
      for (const auto& [k, g] : ep["gpus"].items()) {
        if (!g.contains("metrics") || !g["metrics"].contains(field)) continue;
        const auto& m = g["metrics"][field];
        if (m.contains(stat) && m[stat].is_number()) {
          sum += m[stat].get<double>();
          ++n;
        }
      }
    }
  }
  if (n > 0) return sum / n;
  if (r.gpu) {
    auto it = r.gpu->fields.find(field);
    if (it == r.gpu->fields.end()) return std::nullopt;
    for (double v : it->second) {
      if (std::isfinite(v)) {
        sum += v;
        ++n;
      }
    }
    if (n > 0) return sum / n;
  }
  return std::nullopt;
}

int gpu_count(const RunData& r) {
  int n = summary_gpu_count(r.summary);
  return n > 0 ? n : (r.gpu ? r.gpu->num_gpus : 0);
}

std::optional<double> value_of(const RunData& r, const MetricRef& m) {
  const std::string stat = m.stat.empty() ? "avg" : m.stat;
  if (m.name == "concurrency") return r.info.concurrency;
  if (m.name == "output_token_throughput_per_gpu") {
    int g = gpu_count(r);
    auto t = r.summary.value("output_token_throughput", "avg");
    if (g <= 0 || !t) return std::nullopt;
    return *t / g;
  }
  if (m.source == Source::kGpuTelemetry) return gpu_value(r, m.name, stat);
  return r.summary.value(m.name, stat);
}

std::string label_of(const RunData& r, const MetricRef& m) {
  if (m.name == "concurrency") return "Concurrency Level";
  if (m.name == "output_token_throughput_per_gpu") {
    return "Output Token Throughput Per GPU (tokens/sec/gpu)";
  }
  std::string header = m.name, unit;
  if (const auto* info = metrics::find_metric(m.name)) {
    header = std::string(info->header);
    unit = std::string(info->display_unit);
  }
  if (m.source == Source::kGpuTelemetry) {
    header = m.name == "gpu_utilization" ? "GPU Utilization" : m.name;
    unit = m.name.find("utilization") != std::string::npos ? "%" : unit;
  }
  if (const MetricStats* s = r.summary.metric(m.name)) unit = s->unit;
  if (!m.stat.empty() && m.stat != "avg") header += " (" + m.stat + ")";
  return unit.empty() || unit == "requests" ? header : header + " (" + unit + ")";
}

bool larger_is_better(const std::string& name) {
  if (name == "output_token_throughput_per_gpu" || name.find("utilization") != std::string::npos) {
    return true;
  }
  const auto* info = metrics::find_metric(name);
  return info != nullptr && info->has(metrics::kLargerIsBetter);
}

std::string fmt_value(double v) {
  return std::fabs(v - std::round(v)) < 1e-9 ? fmt::format("{:.0f}", v) : fmt::format("{:g}", v);
}

/// Experiment group of a run (AIPerf: the first capture of group_extraction_pattern on the run
/// or its parent directory names, else the parent directory).
std::string experiment_group(const RunData& r, const ExperimentClassification* ec) {
  if (ec && !ec->group_extraction_pattern.empty()) {
    try {
      std::regex re(ec->group_extraction_pattern);
      std::smatch m;
      for (const std::string& s : {r.info.name, r.info.group}) {
        if (std::regex_search(s, m, re) && m.size() > 1) return m[1].str();
      }
    } catch (const std::regex_error&) {
    }
  }
  return r.info.group.empty() ? r.info.name : r.info.group;
}

std::string column_text(const RunData& r, const std::string& col,
                        const ExperimentClassification* ec) {
  if (col == "model") return r.info.model.empty() ? "(model)" : r.info.model;
  if (col == "concurrency") return r.info.concurrency ? fmt_value(*r.info.concurrency) : "";
  if (col == "request_rate") return r.info.request_rate ? fmt_value(*r.info.request_rate) : "";
  if (col == "experiment_group") return experiment_group(r, ec);
  return r.info.name;  // run_name and anything unknown
}

bool is_baseline(const RunData& r, const ExperimentClassification& ec) {
  for (const auto& p : ec.baselines) {
    if (fnmatch(p.c_str(), r.info.name.c_str(), 0) == 0) return true;
  }
  for (const auto& p : ec.treatments) {
    if (fnmatch(p.c_str(), r.info.name.c_str(), 0) == 0) return false;
  }
  return ec.default_type == "baseline";
}

struct Row {
  const RunData* run;
  double x, y;
  std::string group, label;
};

/// Indices (into `rows`, one group) on the Pareto frontier, sorted by x.
std::vector<size_t> pareto_front(const std::vector<Row>& rows, bool x_up, bool y_up) {
  std::vector<size_t> out;
  for (size_t i = 0; i < rows.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < rows.size() && !dominated; ++j) {
      if (i == j) continue;
      const bool xg = x_up ? rows[j].x >= rows[i].x : rows[j].x <= rows[i].x;
      const bool yg = y_up ? rows[j].y >= rows[i].y : rows[j].y <= rows[i].y;
      dominated = xg && yg && (rows[j].x != rows[i].x || rows[j].y != rows[i].y);
    }
    if (!dominated) out.push_back(i);
  }
  std::sort(out.begin(), out.end(), [&](size_t a, size_t b) { return rows[a].x < rows[b].x; });
  return out;
}

}  // namespace

namespace {

struct MultiBuilder {
  const std::vector<RunData>& runs;
  const ExperimentClassification* ec;

  std::vector<Row> rows(const PlotSpec& s) const {
    std::vector<Row> out;
    size_t missing = 0;
    for (const auto& r : runs) {
      auto x = value_of(r, *s.x), y = value_of(r, *s.y);
      if (!x || !y) {
        ++missing;
        continue;
      }
      std::string group_col =
          ec ? "experiment_group" : (s.group_by.empty() ? "run_name" : s.group_by);
      out.push_back({&r, *x, *y, column_text(r, group_col, ec),
                     s.label_by.empty() ? "" : column_text(r, s.label_by, ec)});
    }
    if (out.empty()) {
      const bool gpu = s.x->name.find("per_gpu") != std::string::npos ||
                       s.y->name.find("per_gpu") != std::string::npos ||
                       s.x->source == Source::kGpuTelemetry || s.y->source == Source::kGpuTelemetry;
      throw Skip{gpu ? "needs GPU telemetry, which these runs do not have"
                     : "no run has both " + s.x->name + " and " + s.y->name};
    }
    return out;
  }

  /// Groups in display order (baselines first when classifying) with their colour.
  std::vector<std::pair<std::string, int>> groups(const std::vector<Row>& rs) const {
    std::vector<std::string> names;
    for (const auto& r : rs) {
      if (std::find(names.begin(), names.end(), r.group) == names.end()) names.push_back(r.group);
    }
    std::sort(names.begin(), names.end());
    std::vector<std::pair<std::string, int>> out;
    for (size_t i = 0; i < names.size(); ++i) out.emplace_back(names[i], int(i));
    if (ec) {
      std::stable_sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
        auto base = [&](const std::string& g) {
          for (const auto& r : rs) {
            if (r.group == g) return is_baseline(*r.run, *ec);
          }
          return false;
        };
        return base(a.first) && !base(b.first);
      });
    }
    return out;
  }

  std::string display(const std::string& g) const {
    if (ec) {
      auto it = ec->group_display_names.find(g);
      if (it != ec->group_display_names.end()) return it->second;
    }
    return g;
  }

  Figure base(const PlotSpec& s) const {
    Figure f;
    f.name = s.name;
    f.title = s.title.empty() ? s.name : s.title;
    f.x_label = s.x_label.empty() ? label_of(runs.front(), *s.x) : s.x_label;
    f.y_label = s.y_label.empty() ? label_of(runs.front(), *s.y) : s.y_label;
    f.x_from_zero = s.autoscale != "x" && s.autoscale != "both";
    f.y_from_zero = s.autoscale != "y" && s.autoscale != "both";
    return f;
  }

  Figure scatter(const PlotSpec& s, bool lines, bool pareto) const {
    auto rs = rows(s);
    Figure f = base(s);
    for (const auto& [g, color] : groups(rs)) {
      std::vector<Row> mine;
      for (const auto& r : rs) {
        if (r.group == g) mine.push_back(r);
      }
      std::sort(mine.begin(), mine.end(), [](const Row& a, const Row& b) { return a.x < b.x; });
      Series pts;
      pts.name = display(g);
      pts.color = color;
      pts.size = 2.5;
      for (const auto& r : mine) {
        pts.x.push_back(r.x);
        pts.y.push_back(r.y);
        pts.labels.push_back(r.label);
      }
      if (lines) {  // the line carries the legend entry; markers and labels go on top
        Series line = pts;
        line.kind = SeriesKind::kLines;
        line.labels.clear();
        pts.name.clear();
        f.series.push_back(std::move(line));
      }
      f.series.push_back(std::move(pts));
      if (pareto) {
        Series front;
        front.name = display(g) + " (Pareto frontier)";
        front.kind = SeriesKind::kLines;
        front.color = color;
        for (size_t i :
             pareto_front(mine, larger_is_better(s.x->name), larger_is_better(s.y->name))) {
          front.x.push_back(mine[i].x);
          front.y.push_back(mine[i].y);
        }
        f.series.push_back(std::move(front));
      }
    }
    return f;
  }

  Figure uncertainty(const PlotSpec& s) const {
    auto rs = rows(s);
    Figure f = base(s);
    const double level = (s.ci_level == 0.90 || s.ci_level == 0.99) ? s.ci_level : 0.95;
    size_t max_n = 0;
    for (const auto& [g, color] : groups(rs)) {
      // Operating points: the repeats of one configuration (RunInfo::cell) form one point
      // with its interval; any other run is a point of its own.
      std::map<std::string, std::vector<const Row*>> cells;
      for (const auto& r : rs) {
        if (r.group != g) continue;
        const RunInfo& i = r.run->info;
        cells[i.cell.empty() ? i.dir : i.cell].push_back(&r);
      }
      Series pts;
      pts.name = display(g);
      pts.color = color;
      pts.size = 2.5;
      for (const auto& [cell, members] : cells) {
        const size_t n = members.size();
        max_n = std::max(max_n, n);
        double mx = 0, my = 0;
        for (const Row* r : members) {
          mx += r->x / double(n);
          my += r->y / double(n);
        }
        double hx = 0, hy = 0;
        if (n >= 2) {
          double vx = 0, vy = 0;
          for (const Row* r : members) {
            vx += (r->x - mx) * (r->x - mx) / double(n - 1);
            vy += (r->y - my) * (r->y - my) / double(n - 1);
          }
          const double t = detail::t_critical(level, int(n) - 1);
          hx = t * std::sqrt(vx / double(n));
          hy = t * std::sqrt(vy / double(n));
        }
        pts.x.push_back(mx);
        pts.y.push_back(my);
        pts.x_lo.push_back(mx - hx);
        pts.x_hi.push_back(mx + hx);
        pts.y_lo.push_back(my - hy);
        pts.y_hi.push_back(my + hy);
        pts.labels.push_back(
            s.label_by.empty() ? "" : column_text(*members.front()->run, s.label_by, ec));
      }
      f.series.push_back(std::move(pts));
    }
    f.note = max_n >= 2
                 ? fmt::format("bars: {:.0f}% confidence intervals of the mean over repeated runs",
                               level * 100)
                 : "single runs: no repeats, so no confidence intervals";
    return f;
  }
};

}  // namespace

FigureSet build_multi_run_figures(const std::vector<RunData>& runs,
                                  const std::vector<PlotSpec>& specs,
                                  const std::optional<ExperimentClassification>& classes) {
  FigureSet set;
  set.multi_run = true;
  if (runs.empty()) return set;
  MultiBuilder b{runs, classes ? &*classes : nullptr};
  for (const auto& s : specs) {
    try {
      if (!s.x || !s.y) throw Skip{"needs both x and y"};
      if (s.type == "pareto") {
        set.figures.push_back(b.scatter(s, false, true));
      } else if (s.type == "scatter_line") {
        set.figures.push_back(b.scatter(s, true, false));
      } else if (s.type == "scatter") {
        set.figures.push_back(b.scatter(s, false, false));
      } else if (s.type == "latency_throughput_uncertainty") {
        set.figures.push_back(b.uncertainty(s));
      } else {
        throw Skip{"type '" + s.type + "' is a single-run plot"};
      }
    } catch (const Skip& k) {
      set.skipped.push_back(s.name + ": " + k.why);
    }
  }
  return set;
}

FigureSet build_figures(const std::vector<RunData>& runs, const PlotConfig& cfg) {
  if (runs.size() == 1) return build_single_run_figures(runs.front(), cfg.single_run);
  return build_multi_run_figures(runs, cfg.multi_run, cfg.classification);
}

}  // namespace aiperf::report
