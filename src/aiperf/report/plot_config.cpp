// Plot-config YAML (AIPerf's keys, spec §8.2) read with yaml-cpp, validated into PlotSpecs.
#include "aiperf/report/plot_config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "aiperf/common/error.h"
#include "aiperf/metrics/metrics.h"

namespace aiperf::report {

namespace fs = std::filesystem;

namespace {

constexpr const char* kStats[] = {"avg", "min", "max", "std", "p1",  "p5", "p10",
                                  "p25", "p50", "p75", "p90", "p95", "p99"};
constexpr const char* kRequestColumns[] = {"request_number", "timestamp",
                                           "timestamp_s",    "request_start_ns",
                                           "request_end_ns", "throughput_tokens_per_sec",
                                           "active_requests"};
constexpr const char* kGpuFields[] = {
    "gpu_power_usage",     "energy_consumption", "gpu_utilization", "gpu_memory_used",
    "gpu_temperature",     "mem_utilization",    "sm_utilization",  "encoder_utilization",
    "decoder_utilization", "jpeg_utilization",   "xid_errors",      "power_violation"};

/// A located error: "<origin>:<line>: plot '<name>': <what>".
[[noreturn]] void fail(const std::string& origin, const YAML::Node& at, const std::string& what) {
  std::string where = origin;
  if (at.IsDefined() && at.Mark().line >= 0) where += ":" + std::to_string(at.Mark().line + 1);
  throw ConfigError(where + ": " + what);
}

bool is_stat(std::string_view s) {
  return std::find(std::begin(kStats), std::end(kStats), s) != std::end(kStats);
}

template <size_t N>
bool in(const char* const (&list)[N], std::string_view s) {
  return std::find(std::begin(list), std::end(list), s) != std::end(list);
}

bool is_timeslice_name(std::string_view s) {
  if (s == "Timeslice") return true;
  for (const auto& m : metrics::catalog()) {
    if (m.header == s) return true;
  }
  return false;
}

/// AIPerf's source detection order: aggregated, requests, timeslices, GPU telemetry.
std::optional<Source> detect_source(std::string_view name) {
  const metrics::MetricInfo* m = metrics::find_metric(name);
  if (m != nullptr || name == "output_token_throughput_per_gpu" || name == "concurrency") {
    return Source::kAggregated;
  }
  if (in(kRequestColumns, name)) return Source::kRequests;
  if (is_timeslice_name(name)) return Source::kTimeslices;
  if (in(kGpuFields, name)) return Source::kGpuTelemetry;
  return std::nullopt;
}

std::optional<Source> parse_source(std::string_view s) {
  if (s == "requests") return Source::kRequests;
  if (s == "timeslices") return Source::kTimeslices;
  if (s == "gpu_telemetry") return Source::kGpuTelemetry;
  if (s == "aggregated") return Source::kAggregated;
  return std::nullopt;
}

std::string scalar(const YAML::Node& n, const std::string& origin, const std::string& what) {
  if (!n.IsScalar()) fail(origin, n, what + " must be a string");
  return n.as<std::string>();
}

struct Ctx {
  const std::string& origin;
  const std::string& plot;
};

MetricRef parse_metric(const Ctx& c, const YAML::Node& n, const std::string& source_override,
                       const std::string& stat_override) {
  MetricRef m;
  std::string source = source_override;
  if (n.IsMap()) {
    if (!n["metric"]) fail(c.origin, n, "plot '" + c.plot + "': a metric map needs 'metric'");
    m.name = scalar(n["metric"], c.origin, "metric");
    if (n["stat"]) m.stat = scalar(n["stat"], c.origin, "stat");
    if (n["source"] && source.empty()) source = scalar(n["source"], c.origin, "source");
  } else {
    m.name = scalar(n, c.origin, "plot '" + c.plot + "': an axis");
    if (auto u = m.name.rfind('_'); u != std::string::npos && u + 1 < m.name.size()) {
      std::string suffix = m.name.substr(u + 1);
      if (is_stat(suffix)) {
        m.stat = suffix;
        m.name.resize(u);
      } else if (suffix.size() > 1 && suffix[0] == 'p' &&
                 std::all_of(suffix.begin() + 1, suffix.end(), ::isdigit)) {
        fail(c.origin, n,
             "plot '" + c.plot + "': invalid stat suffix '" + suffix + "' in '" + m.name +
                 "' (valid: avg, min, max, std, p1, p5, p10, p25, p50, p75, p90, p95, p99)");
      }
    }
  }
  if (!stat_override.empty()) m.stat = stat_override;
  if (!m.stat.empty() && !is_stat(m.stat)) {
    fail(c.origin, n, "plot '" + c.plot + "': unknown stat '" + m.stat + "'");
  }
  if (!source.empty()) {
    auto s = parse_source(source);
    if (!s) {
      fail(c.origin, n,
           "plot '" + c.plot + "': unknown source '" + source +
               "' (choose from: requests, timeslices, gpu_telemetry, aggregated)");
    }
    m.source = *s;
  } else if (auto s = detect_source(m.name)) {
    m.source = *s;
  } else {
    fail(c.origin, n,
         "plot '" + c.plot + "': unknown metric '" + m.name +
             "' (a metric tag such as time_to_first_token, a column such as request_number, "
             "or a GPU field such as gpu_utilization)");
  }
  return m;
}

PlotStyle parse_style(const Ctx& c, const YAML::Node& n) {
  if (!n.IsMap()) fail(c.origin, n, "plot '" + c.plot + "': a style must be a map");
  PlotStyle s;
  try {
    if (n["mode"]) s.mode = n["mode"].as<std::string>();
    if (n["line_shape"]) s.line_shape = n["line_shape"].as<std::string>();
    if (n["fill"]) s.fill = n["fill"].as<std::string>();
    if (n["line_width"]) s.line_width = n["line_width"].as<int>();
    if (n["marker_size"]) s.marker_size = n["marker_size"].as<int>();
    if (n["marker_opacity"]) s.marker_opacity = n["marker_opacity"].as<double>();
    if (n["fill_opacity"]) s.fill_opacity = n["fill_opacity"].as<double>();
  } catch (const YAML::Exception&) {
    fail(c.origin, n, "plot '" + c.plot + "': a style value has the wrong type");
  }
  return s;
}

/// `[model]` or `model` -> "model"; more than one column is AIPerf's error too.
std::string one_column(const Ctx& c, const YAML::Node& n, const char* key) {
  if (n.IsScalar()) return n.as<std::string>();
  if (n.IsSequence()) {
    if (n.size() == 0) return "";
    if (n.size() > 1) {
      fail(c.origin, n,
           "plot '" + c.plot + "': " + key + " takes one column (multi-column grouping is not " +
               "supported)");
    }
    return scalar(n[0], c.origin, key);
  }
  fail(c.origin, n, "plot '" + c.plot + "': " + key + " must be a column name or a one-item list");
}

PlotSpec parse_preset(const std::string& origin, const std::string& name, const YAML::Node& p) {
  Ctx c{origin, name};
  if (!p.IsMap()) fail(origin, p, "plot '" + name + "': expected a map of settings");
  PlotSpec s;
  s.name = name;
  if (!p["type"]) fail(origin, p, "plot '" + name + "': missing 'type'");
  s.type = scalar(p["type"], origin, "type");
  if (!in(kPlotTypes, s.type)) {
    fail(origin, p["type"],
         "plot '" + name + "': unknown type '" + s.type +
             "' (choose from: area, dual_axis, histogram, pareto, percentile_bands, "
             "request_timeline, scatter, scatter_line, scatter_with_percentiles, timeslice, "
             "latency_throughput_uncertainty)");
  }
  std::string source = p["source"] ? scalar(p["source"], origin, "source") : "";
  std::string stat = p["stat"] ? scalar(p["stat"], origin, "stat") : "";
  if (p["x"]) s.x = parse_metric(c, p["x"], source, "");
  if (p["y"]) s.y = parse_metric(c, p["y"], source, stat);
  if (p["y2"]) s.y2 = parse_metric(c, p["y2"], "", "");
  if (!s.x && !s.y) fail(origin, p, "plot '" + name + "': no metrics (give x and/or y)");
  for (const char* k : {"title", "description", "x_label", "y_label", "supplementary_col"}) {
    if (!p[k]) continue;
    std::string v = scalar(p[k], origin, k);
    std::string* dst = std::string(k) == "title"         ? &s.title
                       : std::string(k) == "description" ? &s.description
                       : std::string(k) == "x_label"     ? &s.x_label
                       : std::string(k) == "y_label"     ? &s.y_label
                                                         : &s.supplementary_col;
    *dst = v;
  }
  if (p["labels"]) s.label_by = one_column(c, p["labels"], "labels");
  if (p["groups"]) s.group_by = one_column(c, p["groups"], "groups");
  if (p["primary_style"]) s.primary_style = parse_style(c, p["primary_style"]);
  if (p["secondary_style"]) s.secondary_style = parse_style(c, p["secondary_style"]);
  try {
    if (p["use_slice_duration"]) s.use_slice_duration = p["use_slice_duration"].as<bool>();
    if (p["autoscale"]) s.autoscale = p["autoscale"].as<std::string>();
    if (p["ci_level"]) s.ci_level = p["ci_level"].as<double>();
  } catch (const YAML::Exception&) {
    fail(origin, p,
         "plot '" + name + "': use_slice_duration/autoscale/ci_level has the wrong type");
  }
  return s;
}

std::vector<PlotSpec> resolve_list(const std::string& origin, const YAML::Node& viz,
                                   const char* list_key, const char* presets_key) {
  std::vector<PlotSpec> out;
  YAML::Node list = viz[list_key];
  YAML::Node presets = viz[presets_key];
  if (!list) return out;
  if (!list.IsSequence())
    fail(origin, list, std::string("visualization.") + list_key + " must be a list");
  if (presets && !presets.IsMap()) {
    fail(origin, presets, std::string("visualization.") + presets_key + " must be a map");
  }
  for (const auto& item : list) {
    std::string name = scalar(item, origin, std::string("an item of ") + list_key);
    if (!presets || !presets[name]) {
      fail(origin, item,
           "plot '" + name + "' is listed in " + list_key + " but not defined in " + presets_key);
    }
    out.push_back(parse_preset(origin, name, presets[name]));
  }
  return out;
}

ExperimentClassification parse_classification(const std::string& origin, const YAML::Node& n) {
  if (!n.IsMap()) fail(origin, n, "experiment_classification must be a map");
  ExperimentClassification e;
  auto list = [&](const char* key, std::vector<std::string>& out) {
    if (!n[key]) return;
    if (!n[key].IsSequence())
      fail(origin, n[key], std::string("experiment_classification.") + key + " must be a list");
    for (const auto& x : n[key]) out.push_back(scalar(x, origin, key));
  };
  list("baselines", e.baselines);
  list("treatments", e.treatments);
  if (n["default"]) {
    e.default_type = scalar(n["default"], origin, "default");
    if (e.default_type != "baseline" && e.default_type != "treatment") {
      fail(origin, n["default"], "experiment_classification.default must be baseline or treatment");
    }
  }
  if (n["group_extraction_pattern"]) {
    e.group_extraction_pattern = scalar(n["group_extraction_pattern"], origin, "pattern");
  }
  if (n["group_display_names"] && n["group_display_names"].IsMap()) {
    for (const auto& kv : n["group_display_names"]) {
      e.group_display_names[kv.first.as<std::string>()] = kv.second.as<std::string>();
    }
  }
  return e;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConfigError("--config: cannot read " + path);
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

}  // namespace

namespace {

PlotConfig parse_root(const YAML::Node& root, const std::string& origin);

/// Control characters (line breaks from the file's own names) become spaces: one line.
std::string one_line(std::string s) {
  for (char& c : s) {
    if (static_cast<unsigned char>(c) < 0x20) c = ' ';
  }
  return s;
}

}  // namespace

PlotConfig parse_plot_config(const std::string& yaml_text, const std::string& origin) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(one_line(origin + ":" + std::to_string(e.mark.line + 1) +
                               ": malformed YAML (" + e.msg + ")"));
  }
  try {
    return parse_root(root, origin);
  } catch (const YAML::Exception& e) {  // a value of the wrong shape deep inside
    throw ConfigError(one_line(origin + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg));
  } catch (const ConfigError& e) {  // names from the file may hold line breaks
    throw ConfigError(one_line(e.what()));
  }
}

namespace {

PlotConfig parse_root(const YAML::Node& root, const std::string& origin) {
  if (!root.IsMap()) throw ConfigError(origin + ": expected a YAML map with a 'visualization' key");
  if (!root["visualization"])
    throw ConfigError(origin + ": missing the 'visualization' top-level key");
  YAML::Node viz = root["visualization"];
  if (!viz.IsMap()) fail(origin, viz, "'visualization' must be a map");
  PlotConfig cfg;
  cfg.origin = origin;
  cfg.single_run = resolve_list(origin, viz, "single_run_defaults", "single_run_plots");
  cfg.multi_run = resolve_list(origin, viz, "multi_run_defaults", "multi_run_plots");
  if (root["experiment_classification"] && !root["experiment_classification"].IsNull()) {
    cfg.classification = parse_classification(origin, root["experiment_classification"]);
  }
  return cfg;
}

}  // namespace

PlotConfig load_plot_config(const std::optional<std::string>& explicit_path,
                            const std::vector<std::string>& run_dirs, std::string* notice) {
  auto use = [&](const std::string& path) {
    if (notice) *notice = "Using config: " + path;
    return parse_plot_config(read_file(path), path);
  };
  std::error_code ec;
  if (explicit_path) {
    if (!fs::exists(*explicit_path, ec)) {
      throw ConfigError("--config: " + *explicit_path + " does not exist");
    }
    return use(*explicit_path);
  }
  for (const auto& d : run_dirs) {
    fs::path p = fs::path(d) / ".aiperf-plot-config.yaml";
    if (fs::exists(p, ec)) return use(p.string());
  }
  const char* home = std::getenv("HOME");
  if (home && *home) {
    fs::path user = fs::path(home) / ".aiperf" / "plot_config.yaml";
    if (fs::exists(user, ec)) return use(user.string());
    fs::create_directories(user.parent_path(), ec);
    std::ofstream f(user, std::ios::binary);
    if (!ec && f && (f << default_plot_config_yaml()) && f.flush()) {
      if (notice) {
        *notice = "Created plot configuration: " + user.string() +
                  " (edit it to customize plots; changes take effect on the next run)";
      }
      return parse_plot_config(default_plot_config_yaml(), user.string());
    }
  }
  if (notice) *notice = "Using the built-in plot configuration";
  return parse_plot_config(default_plot_config_yaml(), "built-in plot configuration");
}

}  // namespace aiperf::report
