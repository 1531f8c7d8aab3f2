// Single-run plot types (spec §8.2): scatter, scatter_with_percentiles, request_timeline, area,
// dual_axis, histogram (time slices, or the distribution of a per-request metric),
// timeslice and percentile_bands.
#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "aiperf/metrics/metrics.h"
#include "aiperf/report/report.h"
#include "aiperf/report/series_math.h"

namespace aiperf::report {

namespace {

using detail::RequestView;

/// Why a preset cannot be drawn for this run (it is skipped and reported, not an error).
struct Skip {
  std::string why;
};

std::string unit_of(const RunData& run, const std::string& tag) {
  if (const MetricStats* m = run.summary.metric(tag)) return m->unit;
  if (const auto* info = metrics::find_metric(tag)) return std::string(info->display_unit);
  return "";
}

std::string header_of(const std::string& tag) {
  if (const auto* info = metrics::find_metric(tag)) return std::string(info->header);
  std::string h = tag;
  bool up = true;
  for (char& c : h) {
    if (c == '_') {
      c = ' ';
      up = true;
    } else if (up) {
      c = char(std::toupper(static_cast<unsigned char>(c)));
      up = false;
    }
  }
  return h;
}

std::string axis_label(const RunData& run, const std::string& name) {
  if (name == "request_number") return "Request Number";
  if (name == "timestamp" || name == "timestamp_s") return "Time (s)";
  if (name == "throughput_tokens_per_sec") return "Output Token Throughput (tokens/sec)";
  if (name == "active_requests") return "Requests In Flight";
  if (name == "gpu_utilization") return "GPU Utilization (%)";
  std::string unit = unit_of(run, name);
  return unit.empty() || unit == "requests" ? header_of(name) : header_of(name) + " (" + unit + ")";
}

/// The tag whose header is `header` (time-slice presets name metrics by header).
std::string tag_of_header(const std::string& header) {
  for (const auto& m : metrics::catalog()) {
    if (m.header == header) return std::string(m.tag);
  }
  return header;
}

const RequestView& requests_or_skip(const std::optional<RequestView>& v) {
  if (!v || v->order.empty()) {
    throw Skip{"no per-request records (profile_export.jsonl) in this run"};
  }
  return *v;
}

std::vector<double> column_or_skip(const RequestView& v, const std::string& name) {
  std::vector<double> c = v.column(name);
  if (c.empty()) throw Skip{"the records have no '" + name + "' values"};
  return c;
}

Figure base(const PlotSpec& s, const RunData& run) {
  Figure f;
  f.name = s.name;
  f.title = s.title.empty() ? s.name : s.title;
  if (s.x) f.x_label = s.x_label.empty() ? axis_label(run, s.x->name) : s.x_label;
  if (s.y) f.y_label = s.y_label.empty() ? axis_label(run, s.y->name) : s.y_label;
  f.x_from_zero = s.autoscale != "x" && s.autoscale != "both";
  f.y_from_zero = s.autoscale != "y" && s.autoscale != "both";
  return f;
}

/// Points whose x and y are both finite.
Series points(const std::vector<double>& x, const std::vector<double>& y, std::string name) {
  Series s;
  s.name = std::move(name);
  for (size_t i = 0; i < x.size() && i < y.size(); ++i) {
    if (std::isfinite(x[i]) && std::isfinite(y[i])) {
      s.x.push_back(x[i]);
      s.y.push_back(y[i]);
    }
  }
  return s;
}

Figure scatter(const PlotSpec& s, const RunData& run, const std::optional<RequestView>& view,
               bool with_percentiles) {
  const RequestView& v = requests_or_skip(view);
  Figure f = base(s, run);
  auto x = column_or_skip(v, s.x ? s.x->name : "request_number");
  auto y = column_or_skip(v, s.y->name);
  Series pts = points(x, y, header_of(s.y->name));
  if (pts.x.empty()) throw Skip{"no request has a value of " + s.y->name};
  pts.size = s.primary_style ? s.primary_style->marker_size / 8.0 : 1.0;
  if (with_percentiles) pts.opacity = 0.35;
  f.series.push_back(std::move(pts));
  if (with_percentiles) {
    const std::vector<double> qs = {50, 90, 99};
    auto b = detail::bucket_percentiles(x, y, qs, 50, 5);
    const char* names[] = {"p50", "p90", "p99"};
    for (size_t k = 0; k < qs.size(); ++k) {
      Series line;
      line.name = names[k];
      line.kind = SeriesKind::kLines;
      line.x = b.x;
      line.y = b.y[k];
      line.color = int(k) + 1;
      line.size = 1.5;
      f.series.push_back(std::move(line));
    }
  }
  return f;
}

Figure request_timeline(const PlotSpec& s, const RunData& run,
                        const std::optional<RequestView>& view) {
  const RequestView& v = requests_or_skip(view);
  Figure f = base(s, run);
  f.x_label = s.x_label.empty() ? "Time (seconds)" : s.x_label;
  auto y = column_or_skip(v, s.y->name);
  auto ttft = v.column("time_to_first_token");
  auto start = v.start_s(), end = v.end_s();
  Series prefill, gen;
  prefill.name = "Time to First Token";
  prefill.kind = gen.kind = SeriesKind::kSegments;
  gen.name = "Generation";
  prefill.color = 1;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!std::isfinite(y[i])) continue;
    double first = ttft.empty() || !std::isfinite(ttft[i]) ? start[i] : start[i] + ttft[i] / 1e3;
    if (first > end[i]) continue;  // AIPerf drops requests whose TTFT exceeds their duration
    prefill.x.push_back(start[i]);
    prefill.x_end.push_back(first);
    prefill.y.push_back(y[i]);
    gen.x.push_back(first);
    gen.x_end.push_back(end[i]);
    gen.y.push_back(y[i]);
  }
  if (gen.x.empty()) throw Skip{"no request has a value of " + s.y->name};
  f.series.push_back(std::move(gen));
  f.series.push_back(std::move(prefill));
  return f;
}

Series step_series(const detail::StepSeries& st, std::string name, SeriesKind kind) {
  Series s;
  s.name = std::move(name);
  s.kind = kind;
  s.x = st.x;
  s.y = st.y;
  return s;
}

detail::StepSeries time_series(const RequestView& v, const std::string& name) {
  if (name == "active_requests") return detail::active_requests(v);
  if (name == "throughput_tokens_per_sec") return detail::dispersed_throughput(v);
  throw Skip{"'" + name +
             "' is not a time series (use throughput_tokens_per_sec or active_requests)"};
}

Figure area(const PlotSpec& s, const RunData& run, const std::optional<RequestView>& view) {
  const RequestView& v = requests_or_skip(view);
  Figure f = base(s, run);
  auto st = time_series(v, s.y->name);
  if (st.x.empty()) throw Skip{"no request produced output tokens"};
  f.series.push_back(step_series(st, header_of(s.y->name), SeriesKind::kArea));
  f.series.back().name = s.y->name == "active_requests" ? "Requests In Flight" : "Output Tokens/s";
  return f;
}

Figure dual_axis(const PlotSpec& s, const RunData& run, const std::optional<RequestView>& view) {
  if (!run.gpu || run.gpu->ts_ns.empty()) throw Skip{"no GPU telemetry in this run"};
  const std::string field = s.y2 ? s.y2->name : "gpu_utilization";
  auto it = run.gpu->fields.find(field);
  if (it == run.gpu->fields.end()) throw Skip{"the GPU telemetry has no '" + field + "' field"};
  const RequestView& v = requests_or_skip(view);
  Figure f = base(s, run);
  f.y2_label = s.y2 ? axis_label(run, field) : "";
  Series primary = step_series(time_series(v, s.y->name), "Output Tokens/s", SeriesKind::kSteps);
  Series gpu;
  gpu.name = header_of(field);
  gpu.kind = s.secondary_style && s.secondary_style->fill == "tozeroy" ? SeriesKind::kArea
                                                                       : SeriesKind::kLines;
  gpu.y2 = true;
  gpu.color = 1;
  gpu.opacity = s.secondary_style ? s.secondary_style->fill_opacity : 0.3;
  for (size_t i = 0; i < run.gpu->ts_ns.size(); ++i) {
    if (!std::isfinite(it->second[i])) continue;
    gpu.x.push_back(double(run.gpu->ts_ns[i] - v.t0_ns) / 1e9);
    gpu.y.push_back(it->second[i]);
  }
  f.series.push_back(std::move(gpu));
  f.series.push_back(std::move(primary));
  return f;
}

Figure slices(const PlotSpec& s, const RunData& run, bool bars) {
  if (!run.timeslices || run.timeslices->slices.empty()) {
    throw Skip{"no time slices in this run (profile with --slice-duration)"};
  }
  const std::string tag = tag_of_header(s.y->name);
  const std::string stat = s.y->stat.empty() ? "avg" : s.y->stat;
  Figure f = base(s, run);
  const double d = s.use_slice_duration ? run.timeslices->slice_duration_s : 0;
  f.x_label = s.x_label.empty() ? (d > 0 ? "Time (s)" : "Timeslice") : s.x_label;
  Series ser;
  ser.name = s.y->name + " (" + stat + ")";
  ser.kind = bars ? SeriesKind::kBars : SeriesKind::kLines;
  ser.bar_width = d > 0 ? d * 0.8 : 0.8;
  std::string unit;
  for (size_t i = 0; i < run.timeslices->slices.size(); ++i) {
    auto m = run.timeslices->slices[i].find(tag);
    if (m == run.timeslices->slices[i].end()) continue;
    auto val = m->second.get(stat);
    if (!val) continue;
    unit = m->second.unit;
    ser.x.push_back(d > 0 ? (double(i) + 0.5) * d : double(i));
    ser.y.push_back(*val);
    const double sd = m->second.get("std").value_or(0.0);
    ser.y_lo.push_back(*val - sd);
    ser.y_hi.push_back(*val + sd);
  }
  if (ser.x.empty()) throw Skip{"the time slices have no '" + s.y->name + "' values"};
  if (s.y_label.empty()) f.y_label = unit.empty() ? s.y->name : s.y->name + " (" + unit + ")";
  f.series.push_back(std::move(ser));
  const MetricStats* total = run.summary.metric(tag);
  if (total && total->get("p50") && total->get("avg")) {  // a distribution, not a single value
    f.hlines.push_back({*total->get("avg"),
                        fmt::format("Run Average: {:.2f} {}", *total->get("avg"), total->unit), 3});
  }
  return f;
}

Figure distribution(const PlotSpec& s, const RunData& run, const std::optional<RequestView>& view) {
  const RequestView& v = requests_or_skip(view);
  Figure f = base(s, run);
  auto y = column_or_skip(v, s.y->name);
  auto h = detail::histogram(y, 60);
  if (h.count.empty()) throw Skip{"no request has a value of " + s.y->name};
  f.x_label = s.x_label.empty() ? axis_label(run, s.y->name) : s.x_label;
  f.y_label = s.y_label.empty() ? "Requests" : s.y_label;
  f.x_from_zero = false;
  Series bars;
  bars.name = header_of(s.y->name);
  bars.kind = SeriesKind::kBars;
  bars.x = h.centre;
  bars.y = h.count;
  bars.bar_width = h.width;
  f.series.push_back(std::move(bars));
  if (const MetricStats* m = run.summary.metric(s.y->name)) {
    auto p = [&](const char* k) { return m->get(k).value_or(std::nan("")); };
    f.note = fmt::format("p50 {:.2f}, p90 {:.2f}, p99 {:.2f} {} (from the run summary)", p("p50"),
                         p("p90"), p("p99"), m->unit);
  }
  return f;
}

Figure percentile_bands(const PlotSpec& s, const RunData& run,
                        const std::optional<RequestView>& view) {
  const RequestView& v = requests_or_skip(view);
  Figure f = base(s, run);
  auto x = column_or_skip(v, s.x ? s.x->name : "timestamp_s");
  auto y = column_or_skip(v, s.y->name);
  auto b = detail::bucket_percentiles(x, y, {5, 25, 50, 75, 95}, 60, 3);
  if (b.x.empty()) throw Skip{"no request has a value of " + s.y->name};
  auto band = [&](int lo, int hi, const char* name, double op) {
    Series bs;
    bs.name = name;
    bs.kind = SeriesKind::kBand;
    bs.x = b.x;
    bs.y_lo = b.y[lo];
    bs.y_hi = b.y[hi];
    bs.opacity = op;
    return bs;
  };
  f.series.push_back(band(0, 4, "p5-p95", 0.2));
  f.series.push_back(band(1, 3, "p25-p75", 0.35));
  Series mid;
  mid.name = "p50";
  mid.kind = SeriesKind::kLines;
  mid.x = b.x;
  mid.y = b.y[2];
  mid.size = 1.5;
  f.series.push_back(std::move(mid));
  return f;
}

Figure build_one(const PlotSpec& s, const RunData& run, const std::optional<RequestView>& view) {
  if (!s.y) throw Skip{"no y metric"};
  const bool from_slices = s.y->source == Source::kTimeslices;
  if (s.type == "scatter") return scatter(s, run, view, false);
  if (s.type == "scatter_with_percentiles") return scatter(s, run, view, true);
  if (s.type == "request_timeline") return request_timeline(s, run, view);
  if (s.type == "area") return area(s, run, view);
  if (s.type == "dual_axis") return dual_axis(s, run, view);
  if (s.type == "histogram") return from_slices ? slices(s, run, true) : distribution(s, run, view);
  if (s.type == "timeslice") return slices(s, run, false);
  if (s.type == "percentile_bands") return percentile_bands(s, run, view);
  throw Skip{"type '" + s.type + "' needs several runs"};
}

}  // namespace

FigureSet build_single_run_figures(const RunData& run, const std::vector<PlotSpec>& specs) {
  FigureSet set;
  std::optional<RequestView> view;
  if (run.requests) view.emplace(*run.requests);
  for (const auto& s : specs) {
    try {
      set.figures.push_back(build_one(s, run, view));
    } catch (const Skip& k) {
      set.skipped.push_back(s.name + ": " + k.why);
    }
  }
  return set;
}

}  // namespace aiperf::report
