// Runs drawn over each other: for TTFT, ITL and request latency, the median per time interval
// against seconds since each run's start, and the distribution as a CDF. Used by the HTML report
// of several runs and by `aiperf compare`.
#include <algorithm>
#include <cmath>

#include "aiperf/metrics/metrics.h"
#include "aiperf/report/report.h"
#include "aiperf/report/series_math.h"

namespace aiperf::report {

namespace {

constexpr const char* kOverlayTags[] = {"time_to_first_token", "inter_token_latency",
                                        "request_latency"};
constexpr size_t kCdfPoints = 400;

std::string unit_for(const std::vector<const RunData*>& runs, const std::string& tag) {
  for (const RunData* r : runs) {
    if (const MetricStats* m = r->summary.metric(tag)) return m->unit;
  }
  const auto* info = metrics::find_metric(tag);
  return info ? std::string(info->display_unit) : "";
}

Series cdf_series(std::vector<double> v, const std::string& name, int color) {
  Series s;
  s.name = name;
  s.kind = SeriesKind::kLines;
  s.color = color;
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return !std::isfinite(x); }), v.end());
  if (v.empty()) return s;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  const size_t k = std::min(n, kCdfPoints);
  for (size_t i = 0; i < k; ++i) {
    const size_t idx = k == 1 ? 0 : size_t(double(i) * double(n - 1) / double(k - 1));
    s.x.push_back(v[idx]);
    s.y.push_back(100.0 * double(idx + 1) / double(n));
  }
  return s;
}

}  // namespace

std::vector<Figure> overlay_figures(const std::vector<const RunData*>& runs) {
  std::vector<Figure> out;
  for (const char* tag : kOverlayTags) {
    const auto* info = metrics::find_metric(tag);
    const std::string header = info ? std::string(info->header) : tag;
    const std::string unit = unit_for(runs, tag);
    Figure time, cdf;
    time.name = std::string(tag) + "_over_time_overlay";
    time.title = header + ": median per interval, runs overlaid";
    time.x_label = "Time since the run's first request (s)";
    time.y_label = header + " (" + unit + ")";
    cdf.name = std::string(tag) + "_cdf_overlay";
    cdf.title = header + ": distribution (CDF), runs overlaid";
    cdf.x_label = header + " (" + unit + ")";
    cdf.y_label = "Requests at or below (%)";
    cdf.x_from_zero = false;
    int color = 0;
    for (const RunData* r : runs) {
      if (!r->requests || r->requests->size() == 0) {
        ++color;
        continue;
      }
      detail::RequestView v(*r->requests);
      std::vector<double> y = v.column(tag);
      if (y.empty()) {
        ++color;
        continue;
      }
      auto b = detail::bucket_percentiles(v.start_s(), y, {50}, 60, 1);
      Series line;
      line.name = r->info.name;
      line.kind = SeriesKind::kLines;
      line.color = color;
      line.x = b.x;
      line.y = b.y[0];
      if (!line.x.empty()) time.series.push_back(std::move(line));
      Series c = cdf_series(std::move(y), r->info.name, color);
      if (!c.x.empty()) cdf.series.push_back(std::move(c));
      ++color;
    }
    if (!time.series.empty()) out.push_back(std::move(time));
    if (!cdf.series.empty()) out.push_back(std::move(cdf));
  }
  return out;
}

}  // namespace aiperf::report
