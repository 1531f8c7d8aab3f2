// Time slices of gauges, counters and histograms (series_stats.h "time slices").
#include <algorithm>
#include <cmath>

#include "aiperf/telemetry/series_stats.h"

namespace aiperf::telemetry {

namespace {

/// One step of a cumulative series: the increase from the previous point of the sequence (a
/// decrease is a restart from zero).
double step(double prev, double cur, bool reset) {
  return reset ? cur : cur - prev;
}

/// The sequence a cumulative series is read along: the baseline, then the in-window points.
/// `t` holds the times; index 0 is the baseline. Empty when no point lies in the window.
struct Sequence {
  std::vector<int64_t> t;
  std::vector<size_t> src;  // index into the source points; npos for a synthetic zero
  static constexpr size_t kZero = static_cast<size_t>(-1);
};

template <typename TimeAt>
Sequence sequence_of(size_t n, TimeAt t_at, const Window& w, bool born_late) {
  Sequence s;
  std::optional<size_t> ref;
  std::vector<size_t> in;
  for (size_t i = 0; i < n; ++i) {
    int64_t t = t_at(i);
    if (t < w.start_ns) {
      ref = i;
    } else if (t <= w.end_ns) {
      in.push_back(i);
    }
  }
  if (in.empty()) return s;
  if (ref) {
    s.src.push_back(*ref);
    s.t.push_back(t_at(*ref));
  } else if (born_late) {
    s.src.push_back(Sequence::kZero);
    s.t.push_back(w.start_ns - 1);
  }
  for (size_t i : in) {
    s.src.push_back(i);
    s.t.push_back(t_at(i));
  }
  return s;
}

/// Index in `s` of the value at boundary `b`: the last point at or before it, at least 0.
size_t index_at(const Sequence& s, int64_t b) {
  auto it = std::upper_bound(s.t.begin(), s.t.end(), b);
  return it == s.t.begin() ? 0 : size_t(it - s.t.begin()) - 1;
}

/// Calls f(slice index, i0, i1): the sequence indices at the slice's start and end.
template <typename F>
void for_each_span(const Sequence& s, const std::vector<Slice>& slices, F f) {
  for (size_t j = 0; j < slices.size(); ++j) {
    size_t i0 = j == 0 ? 0 : index_at(s, slices[j].start_ns);
    size_t i1 = std::max(i0, index_at(s, slices[j].end_ns));
    f(j, i0, i1);
  }
}

double length_s(const Slice& sl) {
  return double(sl.end_ns - sl.start_ns) / 1e9;
}

}  // namespace

std::vector<Slice> window_slices(const Window& w, double slice_s) {
  std::vector<Slice> out;
  const auto len = static_cast<int64_t>(slice_s * 1e9);
  if (len <= 0 || w.end_ns <= w.start_ns) return out;
  for (int64_t s = w.start_ns; s < w.end_ns; s += len) {
    Slice sl;
    sl.start_ns = s;
    sl.end_ns = std::min(s + len, w.end_ns);
    sl.complete = s + len <= w.end_ns;
    out.push_back(sl);
  }
  return out;
}

std::vector<GaugeSlice> gauge_slices(const std::vector<Point>& points,
                                     const std::vector<Slice>& slices) {
  std::vector<GaugeSlice> out;
  for (size_t j = 0; j < slices.size(); ++j) {
    const Slice& sl = slices[j];
    const bool last = j + 1 == slices.size();
    GaugeSlice g;
    g.slice = sl;
    size_t n = 0;
    double sum = 0;
    for (const Point& p : points) {
      bool inside = p.t_ns >= sl.start_ns && (p.t_ns < sl.end_ns || (last && p.t_ns == sl.end_ns));
      if (!inside || !std::isfinite(p.v)) continue;
      g.min = n == 0 ? p.v : std::min(g.min, p.v);
      g.max = n == 0 ? p.v : std::max(g.max, p.v);
      sum += p.v;
      ++n;
    }
    if (n == 0) continue;
    g.avg = sum / double(n);
    out.push_back(g);
  }
  return out;
}

std::vector<CounterSlice> counter_slices(const std::vector<Point>& points, const Window& w,
                                         const std::vector<Slice>& slices,
                                         bool born_after_first_scrape) {
  std::vector<Point> pts;
  for (const Point& p : points) {
    if (std::isfinite(p.v)) pts.push_back(p);
  }
  Sequence s = sequence_of(
      pts.size(), [&](size_t i) { return pts[i].t_ns; }, w, born_after_first_scrape);
  std::vector<CounterSlice> out;
  if (s.t.empty()) return out;
  auto value = [&](size_t k) { return s.src[k] == Sequence::kZero ? 0.0 : pts[s.src[k]].v; };
  for_each_span(s, slices, [&](size_t j, size_t i0, size_t i1) {
    CounterSlice c;
    c.slice = slices[j];
    for (size_t k = i0 + 1; k <= i1; ++k) {
      c.total += step(value(k - 1), value(k), value(k) < value(k - 1));
    }
    double len = length_s(c.slice);
    c.rate = len > 0 ? c.total / len : 0.0;
    out.push_back(c);
  });
  return out;
}

std::vector<HistogramSlice> histogram_slices(const HistogramSeriesData& h, const Window& w,
                                             const std::vector<Slice>& slices) {
  std::vector<size_t> usable;
  for (size_t i = 0; i < h.t_ns.size(); ++i) {
    if (std::isfinite(h.count[i])) usable.push_back(i);
  }
  Sequence s = sequence_of(
      usable.size(), [&](size_t k) { return h.t_ns[usable[k]]; }, w, h.born_after_first_scrape);
  std::vector<HistogramSlice> out;
  if (s.t.empty()) return out;
  const size_t nb = h.bounds.size();
  auto row = [&](size_t k) -> long {
    return s.src[k] == Sequence::kZero ? -1 : long(usable[s.src[k]]);
  };
  auto count_at = [&](size_t k) { return row(k) < 0 ? 0.0 : h.count[size_t(row(k))]; };
  auto sum_at = [&](size_t k) {
    double x = row(k) < 0 ? 0.0 : h.sum[size_t(row(k))];
    return std::isfinite(x) ? x : 0.0;
  };
  auto cell = [&](size_t k, size_t b) {
    if (row(k) < 0) return 0.0;
    const auto& r = h.cumul[size_t(row(k))];
    double x = b < r.size() ? r[b] : 0.0;
    return std::isfinite(x) ? x : 0.0;
  };
  for_each_span(s, slices, [&](size_t j, size_t i0, size_t i1) {
    HistogramSlice hs;
    hs.slice = slices[j];
    hs.bucket_deltas.assign(nb, 0.0);
    for (size_t k = i0 + 1; k <= i1; ++k) {
      const bool reset = count_at(k) < count_at(k - 1);
      hs.count += step(count_at(k - 1), count_at(k), reset);
      hs.sum += step(sum_at(k - 1), sum_at(k), reset);
      for (size_t b = 0; b < nb; ++b)
        hs.bucket_deltas[b] += step(cell(k - 1, b), cell(k, b), reset);
    }
    hs.avg = hs.count > 0 ? hs.sum / hs.count : 0.0;
    out.push_back(std::move(hs));
  });
  return out;
}

std::optional<RateSpread> rate_spread(const std::vector<CounterSlice>& slices) {
  std::vector<double> r;
  for (const CounterSlice& c : slices) {
    if (c.slice.complete) r.push_back(c.rate);
  }
  if (r.empty()) return std::nullopt;
  RateSpread s;
  double sum = 0;
  for (double x : r) sum += x;
  s.avg = sum / double(r.size());
  s.min = *std::min_element(r.begin(), r.end());
  s.max = *std::max_element(r.begin(), r.end());
  if (r.size() > 1) {
    double ss = 0;
    for (double x : r) ss += (x - s.avg) * (x - s.avg);
    s.std = std::sqrt(ss / double(r.size() - 1));
  }
  return s;
}

}  // namespace aiperf::telemetry
