// `aiperf compare`: key metrics of several runs side by side, the change against the first,
// whether the change is outside the run-to-run noise, and which changes are regressions.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "aiperf/metrics/metrics.h"
#include "aiperf/report/report.h"
#include "aiperf/report/series_math.h"

namespace aiperf::report {

namespace {

constexpr const char* kRows[][2] = {{"time_to_first_token", "avg"},
                                    {"time_to_first_token", "p50"},
                                    {"time_to_first_token", "p99"},
                                    {"time_to_second_token", "avg"},
                                    {"inter_token_latency", "avg"},
                                    {"inter_token_latency", "p99"},
                                    {"request_latency", "avg"},
                                    {"request_latency", "p50"},
                                    {"request_latency", "p99"},
                                    {"output_token_throughput_per_user", "avg"},
                                    {"output_token_throughput", "avg"},
                                    {"request_throughput", "avg"},
                                    {"goodput", "avg"}};

struct SideValue {
  std::optional<double> mean, lo, hi;
};

SideValue side_value(const CompareSide& side, const std::string& tag, const std::string& stat,
                     double level) {
  std::vector<double> v;
  for (const auto& r : side.runs) {
    if (auto x = r.summary.value(tag, stat); x && std::isfinite(*x)) v.push_back(*x);
  }
  SideValue out;
  if (v.empty()) return out;
  const double n = double(v.size());
  double mean = 0;
  for (double x : v) mean += x / n;
  out.mean = mean;
  if (v.size() >= 2) {
    double var = 0;
    for (double x : v) var += (x - mean) * (x - mean) / (n - 1);
    const double half = detail::t_critical(level, int(v.size()) - 1) * std::sqrt(var / n);
    out.lo = mean - half;
    out.hi = mean + half;
  }
  return out;
}

std::string pad(const std::string& s, size_t w, bool right) {
  // Width in code points (the arrows are multi-byte).
  size_t cps = 0;
  for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
  if (cps >= w) return s;
  return right ? std::string(w - cps, ' ') + s : s + std::string(w - cps, ' ');
}

}  // namespace

Comparison compare_sides(const std::vector<CompareSide>& sides,
                         std::optional<double> threshold_pct) {
  Comparison c;
  c.threshold_pct = threshold_pct;
  for (const auto& s : sides) {
    c.run_names.push_back(s.name);
    c.repeats.push_back(int(s.runs.size()));
    for (const auto& r : s.runs) {
      if (r.aggregate) c.confidence_level = r.aggregate->confidence_level;
    }
  }
  for (const auto& km : kRows) {
    CompareRow row;
    row.tag = km[0];
    row.stat = km[1];
    const auto* info = metrics::find_metric(row.tag);
    row.header = info ? std::string(info->header) : row.tag;
    row.larger_is_better = info && info->has(metrics::kLargerIsBetter);
    bool base_present = false;
    for (size_t i = 0; i < sides.size(); ++i) {
      SideValue v = side_value(sides[i], row.tag, row.stat, c.confidence_level);
      if (row.unit.empty()) {
        for (const auto& r : sides[i].runs) {
          if (const MetricStats* m = r.summary.metric(row.tag)) row.unit = m->unit;
        }
      }
      row.values.push_back(v.mean);
      row.ci_low.push_back(v.lo);
      row.ci_high.push_back(v.hi);
      if (i == 0) base_present = v.mean.has_value();
    }
    if (!base_present) continue;
    const double base = *row.values[0];
    for (size_t i = 0; i < sides.size(); ++i) {
      std::optional<double> pct;
      if (i > 0 && row.values[i] && base != 0)
        pct = (*row.values[i] - base) / std::fabs(base) * 100;
      row.change_pct.push_back(pct);
      std::string noise;
      if (i > 0 && row.ci_low[0] && row.ci_low[i]) {
        const bool overlap = *row.ci_low[i] <= *row.ci_high[0] && *row.ci_low[0] <= *row.ci_high[i];
        noise = overlap ? "within" : "outside";
      }
      row.noise.push_back(noise);
      bool worse = pct && (row.larger_is_better ? -*pct : *pct) > threshold_pct.value_or(0);
      bool reg = i > 0 && threshold_pct && worse && noise != "within";
      row.regression.push_back(reg);
      c.any_regression = c.any_regression || reg;
    }
    c.rows.push_back(std::move(row));
  }
  return c;
}

std::string render_comparison_text(const Comparison& c) {
  std::vector<std::vector<std::string>> t;
  std::vector<std::string> head = {"Metric"};
  for (size_t i = 0; i < c.run_names.size(); ++i) {
    std::string n = c.run_names[i] + (c.repeats[i] > 1 ? fmt::format(" (x{})", c.repeats[i]) : "");
    head.push_back(i == 0 ? n + " [baseline]" : n);
    if (i > 0) {
      head.push_back("change");
      head.push_back("noise");
    }
  }
  t.push_back(head);
  for (const auto& r : c.rows) {
    std::vector<std::string> line = {r.header + " " + r.stat +
                                     (r.unit.empty() ? "" : " (" + r.unit + ")") +
                                     (r.larger_is_better ? " ↑" : " ↓")};
    for (size_t i = 0; i < r.values.size(); ++i) {
      line.push_back(r.values[i] ? detail::grouped2(*r.values[i]) : "N/A");
      if (i == 0) continue;
      line.push_back((r.change_pct[i] ? fmt::format("{:+.1f}%", *r.change_pct[i]) : "N/A") +
                     (r.regression[i] ? " !" : ""));
      line.push_back(r.noise[i].empty() ? "unknown" : r.noise[i]);
    }
    t.push_back(line);
  }
  std::vector<size_t> w(head.size(), 0);
  for (const auto& row : t) {
    for (size_t k = 0; k < row.size(); ++k) {
      size_t cps = 0;
      for (unsigned char ch : row[k]) cps += (ch & 0xC0) != 0x80;
      w[k] = std::max(w[k], cps);
    }
  }
  std::string out = "aiperf (C++) | Run Comparison\n";
  size_t total = 0;
  for (size_t k = 0; k < w.size(); ++k) total += w[k] + (k ? 2 : 0);
  for (size_t r = 0; r < t.size(); ++r) {
    for (size_t k = 0; k < t[r].size(); ++k) out += (k ? "  " : "") + pad(t[r][k], w[k], k > 0);
    out += "\n";
    if (r == 0) out += std::string(total, '-') + "\n";
  }
  bool repeats = std::all_of(c.repeats.begin(), c.repeats.end(), [](int n) { return n > 1; });
  out += repeats ? fmt::format(
                       "noise: {:.0f}% confidence intervals of the repeated runs; "
                       "'outside' = they do not overlap\n",
                       c.confidence_level * 100)
                 : "noise: unknown (compare studies with --num-profile-runs > 1 to get "
                   "confidence intervals)\n";
  out += "↑ larger is better, ↓ smaller is better";
  if (c.threshold_pct) {
    out += fmt::format("; ! = regression past {:g}%", *c.threshold_pct);
  }
  return out + "\n";
}

}  // namespace aiperf::report
