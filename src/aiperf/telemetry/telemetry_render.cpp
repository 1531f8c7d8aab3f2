// Console panels, the profile_export_aiperf.json sections and the GPU rows of
// profile_export_aiperf.csv (telemetry.h).
#include <fmt/format.h>

#include <cmath>

#include "aiperf/telemetry/telemetry.h"

namespace aiperf::telemetry {

namespace {

using nlohmann::ordered_json;
using Table = exporter::TextTable;

constexpr const char* kPctNames[] = {"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"};

std::string grouped2(double v) {
  if (!std::isfinite(v)) return "N/A";
  return fmt::format("{:.2f}", v);
}

std::string signed_pct(std::optional<double> rel) {
  if (!rel) return "";
  return fmt::format(" ({:+.2f} %)", *rel * 100.0);
}

std::string gpu_title(const GpuSummary& g) {
  std::string t = "GPU Telemetry | GPU " + std::to_string(g.id.gpu_index);
  if (!g.id.model_name.empty()) t += " | " + g.id.model_name;
  return t + " | " + endpoint_display(g.source);
}

}  // namespace

namespace {

/// Per recognized family: the rows that were scraped.
std::string server_panels(const ServerMetricsReport& rep, const std::vector<ServerFamily>& fams) {
  std::string out;
  for (ServerFamily f : fams) {
    std::vector<PanelRow> rows = panel_rows(rep, f);
    if (rows.empty()) continue;
    Table t;
    t.title = std::string("Server Metrics | ") + display_name(f);
    t.columns = {{"Series", Table::Justify::kLeft},
                 {"Value", Table::Justify::kLeft},
                 {"Server metric", Table::Justify::kLeft}};
    for (const auto& row : rows) t.rows.push_back({row.label, row.value, row.metric});
    out += t.render() + "\n";
  }
  return out;
}

std::string cross_check_table(const std::vector<CrossCheck>& checks) {
  if (checks.empty()) return {};
  Table t;
  t.title = "Server vs Client";
  t.columns = {{"Quantity", Table::Justify::kLeft},
               {"Server", Table::Justify::kRight},
               {"Client", Table::Justify::kRight},
               {"Server - Client", Table::Justify::kRight},
               {"Server metric", Table::Justify::kLeft}};
  for (const CrossCheck& c : checks) {
    bool whole = c.quantity == "output_tokens" || c.quantity == "requests";
    auto fmtv = [&](double v) {
      return whole ? fmt::format("{}", int64_t(std::llround(v))) : grouped2(v);
    };
    t.rows.push_back({c.label, (c.estimate ? "~" : "") + fmtv(c.server), fmtv(c.client),
                      fmtv(c.difference()) + signed_pct(c.relative()),
                      c.server_metric + " (" + display_name(c.family) + ")"});
  }
  return t.render() + "\n";
}

std::string gpu_tables(const GpuReport& g) {
  std::string out;
  for (const GpuSummary& s : g.gpus) {
    Table t;
    t.title = gpu_title(s);
    t.columns = {{"Metric", Table::Justify::kLeft},
                 {"avg"},
                 {"min"},
                 {"max"},
                 {"p99"},
                 {"p90"},
                 {"p50"},
                 {"std"}};
    for (const GpuMetricStats& m : s.metrics) {
      std::string name = m.def->display + " (" + m.def->unit + ")";
      if (m.gauge) {
        const GaugeStats& v = *m.gauge;
        t.rows.push_back({name, grouped2(v.avg), grouped2(v.min), grouped2(v.max), grouped2(v.p[8]),
                          grouped2(v.p[6]), grouped2(v.p[4]), grouped2(v.std)});
      } else if (m.counter_delta) {
        t.rows.push_back(
            {name + " Δ", grouped2(*m.counter_delta), "N/A", "N/A", "N/A", "N/A", "N/A", "N/A"});
      }
    }
    out += t.render() + "\n";
  }
  return out;
}

std::string efficiency_table(const std::vector<ExtraMetric>& metrics) {
  if (metrics.empty()) return {};
  Table t;
  t.title = "GPU Power Efficiency";
  t.columns = {{"Metric", Table::Justify::kLeft}, {"Value"}};
  for (const ExtraMetric& m : metrics) {
    t.rows.push_back({m.header + " (" + m.unit + ")", grouped2(m.value)});
  }
  return t.render() + "\n";
}

}  // namespace

std::string render_console(const TelemetryResults& r, bool gpu_table) {
  std::string out;
  if (r.server) out += server_panels(*r.server, r.families) + cross_check_table(r.checks);
  if (r.gpu && gpu_table) out += gpu_tables(*r.gpu);
  if (r.gpu) out += efficiency_table(r.extra_metrics);
  for (const auto& n : r.notes) out += n + "\n";
  return out;
}

ordered_json telemetry_data_json(const TelemetryResults& r) {
  if (!r.gpu) return nullptr;
  const GpuReport& g = *r.gpu;
  ordered_json j;
  ordered_json summary;
  summary["endpoints_configured"] = g.endpoints_configured;
  summary["endpoints_successful"] = g.endpoints_successful;
  if (g.start_wall_ns) summary["start_time"] = exporter::iso_local_time(g.start_wall_ns);
  if (g.end_wall_ns) summary["end_time"] = exporter::iso_local_time(g.end_wall_ns);
  j["summary"] = summary;
  ordered_json endpoints = ordered_json::object();
  for (const GpuSummary& s : g.gpus) {
    ordered_json gj;
    gj["gpu_index"] = s.id.gpu_index;
    gj["gpu_name"] = s.id.model_name;
    gj["gpu_uuid"] = s.id.uuid;
    if (!s.id.hostname.empty()) gj["hostname"] = s.id.hostname;
    if (!s.id.namespace_.empty()) gj["namespace"] = s.id.namespace_;
    if (!s.id.pod_name.empty()) gj["pod_name"] = s.id.pod_name;
    ordered_json metrics = ordered_json::object();
    for (const GpuMetricStats& m : s.metrics) {
      ordered_json mj;
      mj["unit"] = m.def->unit;
      if (m.gauge) {
        mj["avg"] = m.gauge->avg;
        mj["min"] = m.gauge->min;
        mj["max"] = m.gauge->max;
        mj["std"] = m.gauge->std;
        for (size_t i = 0; i < 9; ++i) mj[kPctNames[i]] = m.gauge->p[i];
      } else {
        mj["avg"] = *m.counter_delta;
      }
      metrics[m.def->field] = std::move(mj);
    }
    gj["metrics"] = std::move(metrics);
    endpoints[endpoint_display(s.source)]["gpus"]["gpu_" + std::to_string(s.id.gpu_index)] =
        std::move(gj);
  }
  j["endpoints"] = std::move(endpoints);
  return j;
}

ordered_json cross_check_json(const TelemetryResults& r) {
  if (r.checks.empty()) return nullptr;
  ordered_json a = ordered_json::array();
  for (const CrossCheck& c : r.checks) {
    ordered_json j;
    j["quantity"] = c.quantity;
    j["server_family"] = display_name(c.family);
    j["server_metric"] = c.server_metric;
    j["server"] = c.server;
    j["client"] = c.client;
    j["difference"] = c.difference();
    if (auto rel = c.relative()) j["relative_difference"] = *rel;
    if (c.estimate) j["server_is_bucket_estimate"] = true;
    a.push_back(std::move(j));
  }
  return a;
}

std::string gpu_csv_section(const TelemetryResults& r) {
  if (!r.gpu || r.gpu->gpus.empty()) return {};
  bool host = false, ns = false, pod = false;
  for (const GpuSummary& g : r.gpu->gpus) {
    host = host || !g.id.hostname.empty();
    ns = ns || !g.id.namespace_.empty();
    pod = pod || !g.id.pod_name.empty();
  }
  auto cell = [](const std::string& s) {
    if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
    std::string q = "\"";
    for (char c : s) {
      if (c == '"') q += '"';
      q += c;
    }
    return q + "\"";
  };
  auto f2 = [](double v) { return std::isfinite(v) ? fmt::format("{:.2f}", v) : std::string(); };
  std::string out = "\r\n\r\n";
  out +=
      "Endpoint,GPU_Index,GPU_Name,GPU_UUID,Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,"
      "p95,p99,std";
  if (host) out += ",Hostname";
  if (ns) out += ",Namespace";
  if (pod) out += ",Pod Name";
  out += "\r\n";
  for (const GpuSummary& g : r.gpu->gpus) {
    for (const GpuMetricStats& m : g.metrics) {
      auto field = [&](const std::string& v) {
        out += ',';
        out += v;
      };
      out += cell(endpoint_display(g.source));
      field(std::to_string(g.id.gpu_index));
      field(cell(g.id.model_name));
      field(cell(g.id.uuid));
      field(cell(m.def->display + " (" + m.def->unit + ")"));
      if (m.gauge) {
        const GaugeStats& s = *m.gauge;
        for (double v : {s.avg, s.min, s.max, s.sum}) field(f2(v));
        for (double p : s.p) field(f2(p));
        field(f2(s.std));
      } else {
        field(f2(*m.counter_delta));
        out.append(13, ',');
      }
      if (host) field(cell(g.id.hostname));
      if (ns) field(cell(g.id.namespace_));
      if (pod) field(cell(g.id.pod_name));
      out += "\r\n";
    }
  }
  return out;
}

}  // namespace aiperf::telemetry
