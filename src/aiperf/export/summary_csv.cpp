// profile_export_aiperf.csv (spec §6.4): Python csv.writer conventions (\r\n line ends,
// minimal quoting), request-metrics section then system-metrics section, each sorted by tag.
#include <algorithm>
#include <cmath>

#include "aiperf/export/export.h"
#include "aiperf/export/util.h"

namespace aiperf::exporter {
namespace {

using metrics::MetricResult;

void row(std::string& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += detail::csv_field(fields[i]);
  }
  out += "\r\n";
}

std::string metric_name(const MetricResult& r) {
  std::string name(r.header());
  const std::string unit(r.unit());
  if (!unit.empty() && unit != "count" && unit != "requests") name += " (" + unit + ")";
  return name;
}

// Every value AIPerf writes here is a float (MetricResult.avg is a float field, and record
// statistics come from float64 arrays), so always two decimals: "Request Count,50.00".
std::string number(double v) {
  return std::isfinite(v) ? detail::fixed2(v) : std::string();
}

}  // namespace

std::string render_summary_csv(const metrics::Results& results, const metrics::RunContext& ctx) {
  std::vector<const MetricResult*> request, system;
  for (const auto& r : results.metrics) {
    if (!exported_in_summary(*r.info, ctx)) continue;
    (r.distribution ? request : system).push_back(&r);
  }
  auto by_tag = [](const MetricResult* a, const MetricResult* b) { return a->tag() < b->tag(); };
  std::sort(request.begin(), request.end(), by_tag);
  std::sort(system.begin(), system.end(), by_tag);

  std::string out;
  if (!request.empty()) {
    std::vector<std::string> header{"Metric", "avg", "min", "max", "sum"};
    for (auto k : metrics::kPercentileKeys) header.emplace_back(k);
    header.emplace_back("std");
    row(out, header);
    for (const auto* r : request) {
      const auto& s = r->stats;
      std::vector<std::string> f{metric_name(*r), number(s.avg), number(s.min), number(s.max),
                                 number(s.sum)};
      for (double p : s.p) f.push_back(number(p));
      f.push_back(number(s.std));
      row(out, f);
    }
    if (!system.empty()) out += "\r\n";
  }
  if (!system.empty()) {
    row(out, {"Metric", "Value"});
    for (const auto* r : system) row(out, {metric_name(*r), number(r->value)});
  }
  return out;
}

void write_summary_csv(const std::string& path, const metrics::Results& results,
                       const metrics::RunContext& ctx) {
  detail::write_file(path, render_summary_csv(results, ctx));
}

}  // namespace aiperf::exporter
