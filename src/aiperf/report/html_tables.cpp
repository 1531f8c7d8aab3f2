// The HTML report's static parts: summary tables, client-health verdicts, error tables, the
// comparison table and the configuration, rendered here so they show without any script.
#include "aiperf/report/html_parts.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "aiperf/metrics/metrics.h"
#include "aiperf/report/series_math.h"

namespace aiperf::report::detail {

namespace {

constexpr const char* kKeyMetrics[][2] = {{"time_to_first_token", "avg"},
                                          {"time_to_first_token", "p99"},
                                          {"inter_token_latency", "avg"},
                                          {"inter_token_latency", "p99"},
                                          {"request_latency", "avg"},
                                          {"request_latency", "p99"},
                                          {"output_token_throughput_per_user", "avg"},
                                          {"output_token_throughput", "avg"},
                                          {"request_throughput", "avg"},
                                          {"request_count", "avg"},
                                          {"error_request_count", "avg"}};

std::string header_unit(const std::string& tag, const std::string& unit) {
  const auto* info = metrics::find_metric(tag);
  std::string h = info ? std::string(info->header) : tag;
  return unit.empty() || unit == "requests" || unit == "count" ? h : h + " (" + unit + ")";
}

std::string cell(std::optional<double> v) {
  return v && std::isfinite(*v) ? detail::grouped2(*v) : "N/A";
}

}  // namespace

std::string esc(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string run_summary_table(const RunData& run) {
  struct Row {
    int order;
    std::string tag;
    const MetricStats* m;
  };
  std::vector<Row> rows;
  for (const auto& info : metrics::catalog()) {
    if (info.group != metrics::ConsoleGroup::kDefault || info.has(metrics::kInternal) ||
        info.has(metrics::kExperimental) || info.has(metrics::kErrorOnly)) {
      continue;
    }
    if (const MetricStats* m = run.summary.metric(info.tag)) {
      rows.push_back(
          {info.display_order < 0 ? 1 << 20 : info.display_order, std::string(info.tag), m});
    }
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.order < b.order; });
  std::string h = "<table class=\"metrics\"><thead><tr><th>Metric</th>";
  const char* stats[] = {"avg", "min", "max", "p99", "p90", "p50", "std"};
  for (const char* s : stats) h += fmt::format("<th>{}</th>", s);
  h += "</tr></thead><tbody>";
  for (const auto& r : rows) {
    h += "<tr><td>" + esc(header_unit(r.tag, r.m->unit)) + "</td>";
    const bool single = !r.m->get("p50");  // a derived value: only "avg" is meaningful
    for (const char* s : stats) {
      h += "<td>" + (single && std::string(s) != "avg" ? std::string() : cell(r.m->get(s))) +
           "</td>";
    }
    h += "</tr>";
  }
  return h + "</tbody></table>";
}

std::string runs_table(const std::vector<RunData>& runs) {
  std::string h = "<table class=\"metrics\"><thead><tr><th>Metric</th>";
  for (const auto& r : runs) h += "<th>" + esc(r.info.name) + "</th>";
  h += "</tr></thead><tbody><tr><td>Concurrency</td>";
  for (const auto& r : runs) {
    h += "<td>" + (r.info.concurrency ? fmt::format("{:g}", *r.info.concurrency) : "") + "</td>";
  }
  h += "</tr>";
  for (const auto& km : kKeyMetrics) {
    bool any = false;
    std::string unit;
    for (const auto& r : runs) {
      if (const MetricStats* m = r.summary.metric(km[0])) {
        any = any || m->get(km[1]).has_value();
        unit = m->unit;
      }
    }
    if (!any) continue;
    std::string name = header_unit(km[0], unit);
    if (std::string(km[1]) != "avg") name += " " + std::string(km[1]);
    h += "<tr><td>" + esc(name) + "</td>";
    for (const auto& r : runs) h += "<td>" + cell(r.summary.value(km[0], km[1])) + "</td>";
    h += "</tr>";
  }
  return h + "</tbody></table>";
}

std::string health_box(const RunData& run) {
  const auto& d = run.summary.doc;
  if (!d.contains("client_health") || !d["client_health"].is_object()) {
    return "<div class=\"health unknown\"><b>" + esc(run.info.name) +
           "</b>: no client-health record in this run</div>";
  }
  const auto& h = d["client_health"];
  const bool bad = h.value("client_bottleneck", false);
  std::string reason =
      h.contains("reason") && h["reason"].is_string() ? h["reason"].get<std::string>() : "";
  if (reason.empty()) reason = bad ? "the client was the bottleneck" : "the client kept up";
  // The reason states the verdict with its measurements; the badge makes it visible at a glance
  // (a bottlenecked client means these numbers understate the server).
  return fmt::format("<div class=\"health {}\"><b>{}</b> <span class=\"badge\">{}</span> {}</div>",
                     bad ? "bad" : "good", esc(run.info.name), bad ? "CLIENT BOTTLENECK" : "OK",
                     esc(reason));
}

std::string errors_table(const RunData& run) {
  const auto& d = run.summary.doc;
  if (!d.contains("error_summary") || !d["error_summary"].is_array() ||
      d["error_summary"].empty()) {
    return "";
  }
  std::string h =
      "<table class=\"errors\"><thead><tr><th>Code</th><th>Type</th><th>Message</th>"
      "<th>Count</th></tr></thead><tbody>";
  for (const auto& e : d["error_summary"]) {
    const auto& det = e.contains("error_details") ? e["error_details"] : e;
    std::string code = det.contains("code") && !det["code"].is_null() ? det["code"].dump() : "";
    h += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", esc(code),
                     esc(det.value("type", "")), esc(det.value("message", "")),
                     e.value("count", int64_t(0)));
  }
  return h + "</tbody></table>";
}

std::string config_block(const RunData& run) {
  const auto& d = run.summary.doc;
  std::string h =
      "<details><summary>" + esc(run.info.name) + " — " + esc(run.info.dir) + "</summary>";
  if (d.contains("run_info") && d["run_info"].contains("cli_command") &&
      d["run_info"]["cli_command"].is_string()) {
    h += "<p class=\"cmd\"><code>" + esc(d["run_info"]["cli_command"].get<std::string>()) +
         "</code></p>";
  }
  if (d.contains("input_config")) h += "<pre>" + esc(d["input_config"].dump(2)) + "</pre>";
  return h + "</details>";
}

std::string comparison_table(const Comparison& c) {
  std::string h = "<table class=\"metrics compare\"><thead><tr><th>Metric</th>";
  for (size_t i = 0; i < c.run_names.size(); ++i) {
    h += "<th>" + esc(c.run_names[i]) +
         (c.repeats[i] > 1 ? fmt::format(" (x{})", c.repeats[i]) : "") +
         (i == 0 ? " (baseline)" : "") + "</th>";
    if (i > 0) h += "<th>change</th><th>noise</th>";
  }
  h += "</tr></thead><tbody>";
  for (const auto& r : c.rows) {
    h += "<tr><td>" + esc(r.header + " " + r.stat + (r.unit.empty() ? "" : " (" + r.unit + ")")) +
         (r.larger_is_better ? " ↑" : " ↓") + "</td>";
    for (size_t i = 0; i < r.values.size(); ++i) {
      h += "<td>" + cell(r.values[i]) + "</td>";
      if (i == 0) continue;
      std::string cls = r.regression[i] ? "bad" : "";
      h += "<td class=\"" + cls + "\">" +
           (r.change_pct[i] ? fmt::format("{:+.1f}%", *r.change_pct[i]) : "N/A") + "</td>";
      h += "<td>" + esc(r.noise[i].empty() ? "unknown (no repeats)" : r.noise[i]) + "</td>";
    }
    h += "</tr>";
  }
  return h + "</tbody></table>";
}

}  // namespace aiperf::report::detail
