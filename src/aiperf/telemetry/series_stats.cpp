// Window statistics of gauges, counters and histograms (series_stats.h).
#include "aiperf/telemetry/series_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>

namespace aiperf::telemetry {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool in_window(int64_t t, const Window& w) {
  return t >= w.start_ns && t <= w.end_ns;
}

/// Index of the reference point (last with t < start) and of the in-window points [first, last];
/// first > last when none is inside.
struct Span {
  std::optional<size_t> ref;
  size_t first = 1, last = 0;
  bool empty() const { return first > last; }
};

template <typename TimeAt>
Span span_of(size_t n, TimeAt t_at, const Window& w) {
  Span s;
  for (size_t i = 0; i < n; ++i) {
    int64_t t = t_at(i);
    if (t < w.start_ns) {
      s.ref = i;
    } else if (in_window(t, w)) {
      if (s.first > s.last) s.first = i;
      s.last = i;
    }
  }
  if (s.empty()) s.first = 1, s.last = 0;
  return s;
}

/// Increase of one cumulative component over points idx[0..n): a decrease is a restart from 0,
/// or, when `reset_at` is given, only where it says so.
double increase(const std::vector<double>& v, const std::vector<size_t>& idx,
                const std::vector<bool>* reset_at, int* resets) {
  double total = 0;
  for (size_t k = 1; k < idx.size(); ++k) {
    double a = v[idx[k - 1]], b = v[idx[k]];
    bool reset = reset_at ? (*reset_at)[k] : b < a;
    if (reset) {
      if (resets) ++*resets;
      total += b;
    } else {
      total += b - a;
    }
  }
  return total;
}

/// Bucket means from the scrape intervals in which all new observations fell into one bucket
/// (their exact sum is then that bucket's): AIPerf's first step, without its fitting.
void learn_bucket_means(const HistogramSeriesData& h, const std::vector<size_t>& idx,
                        const std::vector<bool>& reset_at, HistogramStats* r) {
  const size_t nb = h.bounds.size();
  std::vector<double> sum(nb, 0.0), cnt(nb, 0.0);
  auto cell = [&](size_t k, size_t b) {
    double x = b < h.cumul[k].size() ? h.cumul[k][b] : kNaN;
    return std::isfinite(x) ? x : 0.0;
  };
  for (size_t k = 1; k < idx.size(); ++k) {
    if (reset_at[k]) continue;
    size_t a = idx[k - 1], c = idx[k];
    double dc = h.count[c] - h.count[a];
    double ds = (std::isfinite(h.sum[c]) && std::isfinite(h.sum[a])) ? h.sum[c] - h.sum[a] : kNaN;
    if (!(dc > 0) || !std::isfinite(ds)) continue;
    int only = -1;
    for (size_t b = 0; b < nb; ++b) {
      double inc =
          (cell(c, b) - (b ? cell(c, b - 1) : 0.0)) - (cell(a, b) - (b ? cell(a, b - 1) : 0.0));
      if (inc > 0) {
        if (only >= 0) {
          only = -2;
          break;
        }
        only = int(b);
      }
    }
    if (only < 0) continue;
    sum[size_t(only)] += ds;
    cnt[size_t(only)] += dc;
  }
  r->bucket_means.assign(nb, kNaN);
  for (size_t b = 0; b < nb; ++b) {
    if (cnt[b] > 0) r->bucket_means[b] = sum[b] / cnt[b];
  }
}

}  // namespace

double percentile_linear(const std::vector<double>& sorted, double q) {
  if (sorted.size() == 1) return sorted[0];
  double pos = q / 100.0 * double(sorted.size() - 1);
  size_t lo = size_t(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = pos - double(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

std::optional<GaugeStats> gauge_stats(const std::vector<Point>& points, const Window& w) {
  std::vector<double> v;
  v.reserve(points.size());
  for (const Point& p : points) {
    if (in_window(p.t_ns, w) && std::isfinite(p.v)) v.push_back(p.v);
  }
  if (v.empty()) return std::nullopt;
  GaugeStats g;
  g.count = v.size();
  double sum = 0;
  for (double x : v) sum += x;
  g.sum = sum;
  g.avg = sum / double(v.size());
  if (v.size() > 1) {
    double ss = 0;
    for (double x : v) ss += (x - g.avg) * (x - g.avg);
    g.std = std::sqrt(ss / double(v.size() - 1));
  }
  std::sort(v.begin(), v.end());
  g.min = v.front();
  g.max = v.back();
  for (size_t i = 0; i < kPercentiles.size(); ++i) g.p[i] = percentile_linear(v, kPercentiles[i]);
  return g;
}

std::optional<CounterStats> counter_stats(const std::vector<Point>& points, const Window& w,
                                          bool born_after_first_scrape) {
  std::vector<Point> pts;
  pts.reserve(points.size());
  for (const Point& p : points) {
    if (std::isfinite(p.v)) pts.push_back(p);
  }
  Span s = span_of(
      pts.size(), [&](size_t i) { return pts[i].t_ns; }, w);
  if (s.empty()) return std::nullopt;
  std::vector<double> v;
  std::vector<size_t> idx;
  int64_t t0;
  if (s.ref) {
    idx.push_back(*s.ref);
    t0 = pts[*s.ref].t_ns;
  } else {
    t0 = pts[s.first].t_ns;
  }
  for (size_t i = s.first; i <= s.last; ++i) idx.push_back(i);
  for (const Point& p : pts) v.push_back(p.v);
  CounterStats c;
  c.total = increase(v, idx, nullptr, &c.resets);
  if (!s.ref && born_after_first_scrape) c.total += std::max(0.0, pts[s.first].v);
  c.duration_s = double(pts[s.last].t_ns - t0) / 1e9;
  c.rate = c.duration_s > 0 ? c.total / c.duration_s : 0.0;
  return c;
}

std::optional<HistogramStats> histogram_stats(const HistogramSeriesData& h, const Window& w) {
  const size_t n = h.t_ns.size();
  // Scrapes where the histogram is complete enough to use: _count present.
  std::vector<size_t> usable;
  for (size_t i = 0; i < n; ++i) {
    if (std::isfinite(h.count[i])) usable.push_back(i);
  }
  Span s = span_of(
      usable.size(), [&](size_t k) { return h.t_ns[usable[k]]; }, w);
  if (s.empty()) return std::nullopt;
  std::vector<size_t> idx;
  if (s.ref) idx.push_back(usable[*s.ref]);
  for (size_t k = s.first; k <= s.last; ++k) idx.push_back(usable[k]);
  const bool from_zero = !s.ref && h.born_after_first_scrape;

  HistogramStats r;
  std::vector<bool> reset_at(idx.size(), false);
  for (size_t k = 1; k < idx.size(); ++k) {
    reset_at[k] = h.count[idx[k]] < h.count[idx[k - 1]];
    if (reset_at[k]) ++r.resets;
  }
  r.count = increase(h.count, idx, &reset_at, nullptr) + (from_zero ? h.count[idx[0]] : 0.0);
  std::vector<double> sums(n, 0.0);
  for (size_t i = 0; i < n; ++i) sums[i] = std::isfinite(h.sum[i]) ? h.sum[i] : 0.0;
  r.sum = increase(sums, idx, &reset_at, nullptr) + (from_zero ? sums[idx[0]] : 0.0);
  r.bucket_deltas.assign(h.bounds.size(), 0.0);
  for (size_t b = 0; b < h.bounds.size(); ++b) {
    std::vector<double> col(n, 0.0);
    for (size_t i = 0; i < n; ++i) {
      double x = b < h.cumul[i].size() ? h.cumul[i][b] : kNaN;
      col[i] = std::isfinite(x) ? x : 0.0;  // a bucket missing at the reference counts from 0
    }
    r.bucket_deltas[b] = increase(col, idx, &reset_at, nullptr) + (from_zero ? col[idx[0]] : 0.0);
  }
  learn_bucket_means(h, idx, reset_at, &r);
  int64_t t0 = h.t_ns[idx.front()], t1 = h.t_ns[idx.back()];
  double dur = double(t1 - t0) / 1e9;
  if (r.count > 0) {
    r.avg = r.sum / r.count;
    if (dur > 0) {
      r.count_rate = r.count / dur;
      r.sum_rate = r.sum / dur;
    }
    std::array<double, 9> p{};
    bool ok = !h.bounds.empty();
    for (size_t i = 0; ok && i < kPercentiles.size(); ++i) {
      p[i] = estimate_quantile(h.bounds, r.bucket_deltas, r.sum, kPercentiles[i] / 100.0,
                               &r.bucket_means);
      ok = std::isfinite(p[i]);
    }
    if (ok) r.p_estimate = p;
  }
  return r;
}

double estimate_quantile(const std::vector<double>& bounds, const std::vector<double>& cumul,
                         double total_sum, double q, const std::vector<double>* bucket_means) {
  const size_t nb = std::min(bounds.size(), cumul.size());
  if (nb == 0) return kNaN;
  const double total = cumul[nb - 1];
  if (!(total > 0)) return kNaN;
  auto mean_of = [&](size_t b) {
    return bucket_means && b < bucket_means->size() ? (*bucket_means)[b] : kNaN;
  };
  auto lower_of = [&](size_t b) { return b == 0 ? std::min(0.0, bounds[0]) : bounds[b - 1]; };
  q = std::clamp(q, 0.0, 1.0);
  const double rank = q * total;
  size_t b = 0;
  while (b < nb && cumul[b] < rank) ++b;
  if (b >= nb) b = nb - 1;
  const double below = b == 0 ? 0.0 : cumul[b - 1];
  const double in = cumul[b] - below;
  if (!std::isinf(bounds[b])) {
    double upper = bounds[b];
    double lower = lower_of(b);
    if (b == 0 && upper <= 0) return upper;
    if (in <= 0) return upper;
    double frac = (rank - below) / in;
    double m = mean_of(b);
    if (std::isfinite(m) && m >= lower && m <= upper) {
      double w = std::min(m - lower, upper - m);
      return m - w + 2.0 * w * frac;
    }
    return lower + (upper - lower) * frac;
  }
  // The rank lies in the +Inf bucket.
  if (b == 0) return kNaN;  // no finite bound at all
  const double last = bounds[b - 1];
  double mean = mean_of(b);
  if (!std::isfinite(mean)) {
    double finite_sum = 0;
    for (size_t i = 0; i < b; ++i) {
      double cnt = cumul[i] - (i == 0 ? 0.0 : cumul[i - 1]);
      double m = mean_of(i);
      finite_sum += cnt * (std::isfinite(m) ? m : (lower_of(i) + bounds[i]) / 2.0);
    }
    mean = in > 0 && std::isfinite(total_sum) ? (total_sum - finite_sum) / in : kNaN;
  }
  if (!(mean > last)) return last;
  double hi = 2.0 * mean - last;
  return last + (hi - last) * (rank - below) / in;
}

std::string infer_unit(const std::string& name) {
  struct Rule {
    std::string_view suffix;
    const char* unit;
  };
  // Longest suffixes first so that "_tokens_total" wins over "_total".
  static const Rule kRules[] = {
      {"_error_count_total", "errors"},
      {"_seconds_total", "seconds"},
      {"_tokens_total", "tokens"},
      {"_requests_total", "requests"},
      {"_errors_total", "errors"},
      {"_blocks_total", "blocks"},
      {"_bytes_total", "bytes"},
      {"_error_count", "errors"},
      {"_block_count", "blocks"},
      {"_milliseconds", "milliseconds"},
      {"_nanoseconds", "nanoseconds"},
      {"_kilobytes", "kilobytes"},
      {"_megabytes", "megabytes"},
      {"_gigabytes", "gigabytes"},
      {"_ms_total", "milliseconds"},
      {"_ns_total", "nanoseconds"},
      {"_us_total", "microseconds"},
      {"_seconds", "seconds"},
      {"_requests", "requests"},
      {"_celsius", "celsius"},
      {"_percent", "percent"},
      {"_tokens", "tokens"},
      {"_errors", "errors"},
      {"_blocks", "blocks"},
      {"_joules", "joule"},
      {"_watts", "watt"},
      {"_bytes", "bytes"},
      {"_ratio", "ratio"},
      {"_total", "count"},
      {"_count", "count"},
      {"_reqs", "requests"},
      {"_perc", "percent"},
      {"_gb_s", "gb/s"},
      {"_ms", "milliseconds"},
      {"_ns", "nanoseconds"},
      {"_us", "microseconds"},
  };
  std::string_view n = name;
  for (const Rule& r : kRules) {
    if (n.size() > r.suffix.size() && n.substr(n.size() - r.suffix.size()) == r.suffix) {
      return r.unit;
    }
  }
  if (n.size() >= 15 && n.substr(n.size() - 15) == "request_success") return "requests";
  return "";
}

}  // namespace aiperf::telemetry
