// Derived per-request series for plotting: relative time axes, dispersed throughput, requests
// in flight, bucketed percentiles and histograms. Drawing aids only; the reported statistics
// always come from the run's summary.
#include "aiperf/report/series_math.h"

#include <algorithm>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>

namespace aiperf::report::detail {

namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

/// Sums +/- deltas at instants into a step function (events sorted by time).
StepSeries integrate(std::vector<std::pair<double, double>>& ev) {
  std::sort(ev.begin(), ev.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  StepSeries s;
  double level = 0;
  size_t i = 0;
  while (i < ev.size()) {
    const double t = ev[i].first;
    while (i < ev.size() && ev[i].first == t) level += ev[i++].second;
    if (std::fabs(level) < 1e-9) level = 0;
    s.x.push_back(t);
    s.y.push_back(level);
  }
  return s;
}

}  // namespace

RequestView::RequestView(const RequestColumns& c) : cols(&c), order(c.size()) {
  std::iota(order.begin(), order.end(), size_t(0));
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return c.start_ns[a] < c.start_ns[b]; });
  t0_ns = order.empty() ? 0 : c.start_ns[order.front()];
}

std::vector<double> RequestView::start_s() const {
  std::vector<double> out(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    out[i] = double(cols->start_ns[order[i]] - t0_ns) / 1e9;
  }
  return out;
}

std::vector<double> RequestView::end_s() const {
  std::vector<double> out(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    out[i] = double(cols->end_ns[order[i]] - t0_ns) / 1e9;
  }
  return out;
}

std::vector<double> RequestView::column(const std::string& name) const {
  if (name == "request_number") {
    std::vector<double> out(order.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = double(i);
    return out;
  }
  if (name == "timestamp" || name == "timestamp_s") return start_s();
  if (name == "request_start_ns" || name == "request_end_ns") {
    const auto& src = name == "request_start_ns" ? cols->start_ns : cols->end_ns;
    std::vector<double> out(order.size());
    for (size_t i = 0; i < out.size(); ++i) out[i] = double(src[order[i]]);
    return out;
  }
  const std::vector<double>* c = cols->column(name);
  if (c == nullptr) return {};
  std::vector<double> out(order.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = (*c)[order[i]];
  return out;
}

StepSeries dispersed_throughput(const RequestView& v) {
  const auto* osl = v.cols->column("output_sequence_length");
  const auto* ttft = v.cols->column("time_to_first_token");
  std::vector<std::pair<double, double>> ev;
  if (osl == nullptr) return {};
  ev.reserve(v.order.size() * 2);
  for (size_t i : v.order) {
    const double tokens = (*osl)[i];
    if (!std::isfinite(tokens) || tokens <= 0 || v.cols->error[i]) continue;
    const double start = double(v.cols->start_ns[i] - v.t0_ns) / 1e9;
    const double end = double(v.cols->end_ns[i] - v.t0_ns) / 1e9;
    double first = start;
    if (ttft && std::isfinite((*ttft)[i])) first = start + (*ttft)[i] / 1e3;  // ms -> s
    if (end <= first) continue;
    const double rate = tokens / (end - first);
    ev.emplace_back(first, rate);
    ev.emplace_back(end, -rate);
  }
  return integrate(ev);
}

StepSeries active_requests(const RequestView& v) {
  std::vector<std::pair<double, double>> ev;
  ev.reserve(v.order.size() * 2);
  for (size_t i : v.order) {
    ev.emplace_back(double(v.cols->start_ns[i] - v.t0_ns) / 1e9, 1.0);
    ev.emplace_back(double(v.cols->end_ns[i] - v.t0_ns) / 1e9, -1.0);
  }
  return integrate(ev);
}

double percentile(std::vector<double>& v, double q) {
  if (v.empty()) return kNan;
  std::sort(v.begin(), v.end());
  const double pos = q / 100.0 * double(v.size() - 1);
  const size_t lo = size_t(std::floor(pos));
  const size_t hi = std::min(v.size() - 1, lo + 1);
  return v[lo] + (v[hi] - v[lo]) * (pos - double(lo));
}

Bucketed bucket_percentiles(const std::vector<double>& x, const std::vector<double>& y,
                            const std::vector<double>& qs, size_t buckets, size_t min_count) {
  Bucketed out;
  out.y.resize(qs.size());
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (size_t i = 0; i < x.size(); ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      lo = std::min(lo, x[i]);
      hi = std::max(hi, x[i]);
    }
  }
  if (!(hi >= lo) || buckets == 0) return out;
  const double w = hi > lo ? (hi - lo) / double(buckets) : 1.0;
  std::vector<std::vector<double>> bins(buckets);
  for (size_t i = 0; i < x.size(); ++i) {
    if (!std::isfinite(x[i]) || !std::isfinite(y[i])) continue;
    bins[std::min(buckets - 1, size_t((x[i] - lo) / w))].push_back(y[i]);
  }
  for (size_t b = 0; b < buckets; ++b) {
    if (bins[b].size() < std::max<size_t>(1, min_count)) continue;
    out.x.push_back(lo + (double(b) + 0.5) * w);
    for (size_t k = 0; k < qs.size(); ++k) out.y[k].push_back(percentile(bins[b], qs[k]));
  }
  return out;
}

Histogram histogram(const std::vector<double>& v, size_t max_bins) {
  Histogram h;
  std::vector<double> f;
  for (double x : v) {
    if (std::isfinite(x)) f.push_back(x);
  }
  if (f.empty()) return h;
  std::sort(f.begin(), f.end());
  const double lo = f.front(), hi = f.back();
  // Freedman–Diaconis width, bounded to [10, max_bins] bins.
  std::vector<double> tmp = f;
  const double iqr = percentile(tmp, 75) - percentile(tmp, 25);
  double width = iqr > 0 ? 2 * iqr / std::cbrt(double(f.size())) : 0;
  size_t bins = width > 0 ? size_t(std::ceil((hi - lo) / width)) : 10;
  bins = std::clamp<size_t>(bins, 10, std::max<size_t>(10, max_bins));
  width = hi > lo ? (hi - lo) / double(bins) : 1.0;
  h.width = width;
  h.count.assign(bins, 0);
  for (double x : f) h.count[std::min(bins - 1, size_t((x - lo) / width))] += 1;
  for (size_t b = 0; b < bins; ++b) h.centre.push_back(lo + (double(b) + 0.5) * width);
  return h;
}

std::string grouped2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  std::string s = buf;
  if (!std::isfinite(v)) return s;
  const size_t start = s[0] == '-' ? 1 : 0;
  const size_t end = s.find('.');
  std::string out = s.substr(0, start);
  for (size_t i = start; i < end; ++i) {
    if (i > start && (end - i) % 3 == 0) out += ',';
    out += s[i];
  }
  return out + s.substr(end);
}

double t_critical(double level, int df) {
  if (df < 1 || !(level > 0 && level < 1)) return kNan;
  boost::math::students_t dist(df);
  return boost::math::quantile(dist, 1 - (1 - level) / 2);
}

}  // namespace aiperf::report::detail
