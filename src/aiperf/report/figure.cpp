// Figure helpers: palette and the drawing-only reduction of long series.
#include "aiperf/report/figure.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace aiperf::report {

namespace {

constexpr const char* kLight[] = {"#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3",
                                  "#937860", "#da8bc3", "#8c8c8c", "#ccb974", "#64b5cd"};
constexpr const char* kDark[] = {"#76b900", "#f4c430", "#023eff", "#ff7c00", "#1ac938",
                                 "#e8000b", "#8b2be2", "#9f4800", "#f14cc1", "#00d7ff"};

template <typename T>
void keep(std::vector<T>& v, const std::vector<size_t>& idx) {
  if (v.empty()) return;
  std::vector<T> out;
  out.reserve(idx.size());
  for (size_t i : idx) out.push_back(v[i]);
  v.swap(out);
}

}  // namespace

const char* Theme::color(int i) const {
  const int n = 10;
  i = ((i % n) + n) % n;
  return dark ? kDark[i] : kLight[i];
}

bool Figure::has_y2() const {
  for (const auto& s : series) {
    if (s.y2) return true;
  }
  return false;
}

size_t Figure::total_points() const {
  size_t n = 0;
  for (const auto& s : series) n += s.x.size();
  return n;
}

std::vector<size_t> thin_indices(const std::vector<double>& x, const std::vector<double>& y,
                                 size_t max_points) {
  const size_t n = x.size();
  std::vector<size_t> out;
  if (n <= max_points || max_points < 4) {
    out.resize(n);
    for (size_t i = 0; i < n; ++i) out[i] = i;
    return out;
  }
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : x) {
    if (std::isfinite(v)) {
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
  }
  // Half the budget for per-bucket extremes, half for an even stride.
  const size_t buckets = std::max<size_t>(1, max_points / 4);
  const double width = hi > lo ? (hi - lo) / double(buckets) : 1.0;
  std::vector<size_t> lo_i(buckets, n), hi_i(buckets, n);
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(x[i]) || i >= y.size() || !std::isfinite(y[i])) continue;
    size_t b = std::min(buckets - 1, size_t((x[i] - lo) / width));
    if (lo_i[b] == n || y[i] < y[lo_i[b]]) lo_i[b] = i;
    if (hi_i[b] == n || y[i] > y[hi_i[b]]) hi_i[b] = i;
  }
  std::vector<char> take(n, 0);
  for (size_t b = 0; b < buckets; ++b) {
    if (lo_i[b] < n) take[lo_i[b]] = 1;
    if (hi_i[b] < n) take[hi_i[b]] = 1;
  }
  const size_t stride_budget = max_points - std::min(max_points, 2 * buckets);
  const double step = stride_budget ? double(n) / double(stride_budget) : double(n);
  for (double k = 0; k < double(n); k += step) take[size_t(k)] = 1;
  for (size_t i = 0; i < n; ++i) {
    if (take[i]) out.push_back(i);
  }
  return out;
}

void thin_figure(Figure& f, size_t max_points) {
  for (auto& s : f.series) {
    if (s.x.size() <= max_points) continue;
    // Lines and steps need every bucket's extremes in x order; the same reduction serves.
    auto idx = thin_indices(s.x, s.y.empty() ? s.y_hi : s.y, max_points);
    keep(s.x, idx);
    keep(s.y, idx);
    keep(s.x_end, idx);
    keep(s.y_lo, idx);
    keep(s.y_hi, idx);
    keep(s.x_lo, idx);
    keep(s.x_hi, idx);
    keep(s.labels, idx);
  }
}

}  // namespace aiperf::report
