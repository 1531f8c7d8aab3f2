// The self-contained HTML report: one file with inline styles, the figure data as JSON, uPlot
// and our chart script. A Content-Security-Policy of default-src 'none' makes the browser refuse
// any request the page might try, so "opens offline, fetches nothing" is enforced, not hoped.
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "aiperf/report/html_parts.h"

extern "C" {
extern const char aiperf_asset_uplot_js[], aiperf_asset_uplot_css[];
extern const char aiperf_asset_report_js[], aiperf_asset_report_css[];
extern const unsigned long long aiperf_asset_uplot_js_size, aiperf_asset_uplot_css_size;
extern const unsigned long long aiperf_asset_report_js_size, aiperf_asset_report_css_size;
}

namespace aiperf::report {

namespace detail {

std::string_view asset_uplot_js() {
  return {aiperf_asset_uplot_js, size_t(aiperf_asset_uplot_js_size)};
}
std::string_view asset_uplot_css() {
  return {aiperf_asset_uplot_css, size_t(aiperf_asset_uplot_css_size)};
}
std::string_view asset_report_js() {
  return {aiperf_asset_report_js, size_t(aiperf_asset_report_js_size)};
}
std::string_view asset_report_css() {
  return {aiperf_asset_report_css, size_t(aiperf_asset_report_css_size)};
}

namespace {

void json_str(std::string& o, std::string_view s) {
  o += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        o += "\\\"";
        break;
      case '\\':
        o += "\\\\";
        break;
      case '\n':
        o += "\\n";
        break;
      case '<':
        o += "\\u003c";
        break;  // never "</script>" inside the data block
      case '>':
        o += "\\u003e";
        break;
      case '&':
        o += "\\u0026";
        break;
      default:
        if (c < 0x20) {
          o += fmt::format("\\u{:04x}", c);
        } else {
          o += char(c);
        }
    }
  }
  o += '"';
}

void json_nums(std::string& o, const char* key, const std::vector<double>& v) {
  if (v.empty()) return;
  o += ",\"";
  o += key;
  o += "\":[";
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) o += ',';
    if (std::isfinite(v[i])) {
      o += fmt::format("{:.6g}", v[i]);
    } else {
      o += "null";
    }
  }
  o += ']';
}

const char* kind_name(SeriesKind k) {
  switch (k) {
    case SeriesKind::kPoints:
      return "points";
    case SeriesKind::kLines:
      return "lines";
    case SeriesKind::kSteps:
      return "steps";
    case SeriesKind::kArea:
      return "area";
    case SeriesKind::kBars:
      return "bars";
    case SeriesKind::kSegments:
      return "segments";
    case SeriesKind::kBand:
      return "band";
  }
  return "points";
}

void series_json(std::string& o, const Series& s, const Theme& theme) {
  o += "{\"name\":";
  json_str(o, s.name);
  o += fmt::format(
      ",\"kind\":\"{}\",\"color\":\"{}\",\"y2\":{},\"opacity\":{:g},\"size\":{:g},"
      "\"bar_width\":{:g}",
      kind_name(s.kind), theme.color(s.color), s.y2 ? "true" : "false", s.opacity, s.size,
      s.bar_width);
  json_nums(o, "x", s.x);
  json_nums(o, "y", s.y);
  json_nums(o, "x_end", s.x_end);
  json_nums(o, "y_lo", s.y_lo);
  json_nums(o, "y_hi", s.y_hi);
  json_nums(o, "x_lo", s.x_lo);
  json_nums(o, "x_hi", s.x_hi);
  if (!s.labels.empty()) {
    o += ",\"labels\":[";
    for (size_t i = 0; i < s.labels.size(); ++i) {
      if (i) o += ',';
      json_str(o, s.labels[i]);
    }
    o += ']';
  }
  o += '}';
}

}  // namespace

std::string figures_json(const std::vector<Figure>& figures, const Theme& theme,
                         const std::string& section) {
  std::string o = "[";
  for (size_t i = 0; i < figures.size(); ++i) {
    const Figure& f = figures[i];
    if (i) o += ',';
    o += "{\"section\":";
    json_str(o, section);
    for (auto [k, v] : {std::pair{"name", &f.name},
                        {"title", &f.title},
                        {"x_label", &f.x_label},
                        {"y_label", &f.y_label},
                        {"y2_label", &f.y2_label},
                        {"note", &f.note}}) {
      o += fmt::format(",\"{}\":", k);
      json_str(o, *v);
    }
    o += fmt::format(",\"x_zero\":{},\"y_zero\":{},\"hlines\":[", f.x_from_zero ? "true" : "false",
                     f.y_from_zero ? "true" : "false");
    for (size_t h = 0; h < f.hlines.size(); ++h) {
      o += fmt::format("{}{{\"y\":{:.6g},\"color\":\"{}\",\"label\":", h ? "," : "", f.hlines[h].y,
                       theme.color(f.hlines[h].color));
      json_str(o, f.hlines[h].label);
      o += '}';
    }
    o += "],\"series\":[";
    for (size_t s = 0; s < f.series.size(); ++s) {
      if (s) o += ',';
      series_json(o, f.series[s], theme);
    }
    o += "]}";
  }
  return o + "]";
}

}  // namespace detail

namespace {

using detail::esc;

std::string page_title(const std::vector<RunData>& runs, const HtmlOptions& opts) {
  if (!opts.title.empty()) return opts.title;
  if (runs.size() == 1) return "AIPerf report: " + runs.front().info.name;
  return fmt::format("AIPerf report: {} runs", runs.size());
}

std::string now_text() {
  std::time_t t = std::time(nullptr);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
  return buf;
}

std::vector<Figure> thinned(const std::vector<Figure>& figs, size_t max_points) {
  std::vector<Figure> out = figs;
  for (auto& f : out) {
    const size_t before = f.total_points();
    thin_figure(f, max_points);
    const size_t after = f.total_points();
    if (after < before) {
      f.note += fmt::format(
          "{}drawn: {} of {} points (per-interval extremes kept; statistics use "
          "every request)",
          f.note.empty() ? "" : " · ", after, before);
    }
  }
  return out;
}

std::string body(const std::vector<RunData>& runs, const FigureSet& set, const HtmlOptions& opts) {
  std::string h = "<header><h1>" + esc(page_title(runs, opts)) + "</h1><p class=\"sub\">" +
                  fmt::format("{} run{} · generated {} by aiperf", runs.size(),
                              runs.size() == 1 ? "" : "s", now_text()) +
                  "</p></header><main>";
  if (opts.comparison) {
    h += "<section><h2>Comparison</h2>" + detail::comparison_table(*opts.comparison) + "</section>";
  }
  h += "<section><h2>Summary</h2>";
  h += runs.size() == 1 ? detail::run_summary_table(runs.front()) : detail::runs_table(runs);
  h += "</section><section><h2>Client health</h2>";
  for (const auto& r : runs) h += detail::health_box(r);
  h += "</section>";
  std::string errs;
  for (const auto& r : runs) {
    std::string t = detail::errors_table(r);
    if (!t.empty()) errs += "<h3>" + esc(r.info.name) + "</h3>" + t;
  }
  if (!errs.empty()) h += "<section><h2>Errors</h2>" + errs + "</section>";
  h += "<section><h2>Charts</h2><p class=\"hint\">Drag to zoom (x and y), double-click to reset, "
       "hover for values.</p><div id=\"charts\"></div>";
  for (const auto& n : opts.notes) h += "<p class=\"note\">" + esc(n) + "</p>";
  for (const auto& s : set.skipped) h += "<p class=\"note\">Not drawn: " + esc(s) + "</p>";
  h += "</section><section><h2>Configuration</h2>";
  for (const auto& r : runs) h += detail::config_block(r);
  return h + "</section></main>";
}

}  // namespace

std::string render_html_report(const std::vector<RunData>& runs, const FigureSet& set,
                               const HtmlOptions& opts) {
  std::string data = "{\"theme\":\"" + std::string(opts.theme.dark ? "dark" : "light") +
                     "\",\"live\":" + (opts.live_reload ? "true" : "false") +
                     ",\"version\":" + std::to_string(opts.version) + ",\"charts\":";
  std::vector<Figure> figs = thinned(set.figures, opts.max_points);
  std::string charts =
      detail::figures_json(figs, opts.theme, runs.size() > 1 ? "Plots of the runs" : "Plots");
  if (runs.size() > 1 || opts.comparison) {
    std::vector<const RunData*> ptrs;
    for (const auto& r : runs) ptrs.push_back(&r);
    auto overlay = thinned(overlay_figures(ptrs), opts.max_points);
    if (!overlay.empty()) {
      std::string more = detail::figures_json(overlay, opts.theme, "Runs overlaid");
      charts =
          charts.size() > 2 ? charts.substr(0, charts.size() - 1) + "," + more.substr(1) : more;
    }
  }
  data += charts + "}";
  // The policy allows only what is inline; a served page may also ask its server for updates.
  const std::string csp = std::string(
                              "default-src 'none'; script-src 'unsafe-inline'; "
                              "style-src 'unsafe-inline'; img-src data:") +
                          (opts.live_reload ? "; connect-src 'self'" : "");
  std::string out;
  out.reserve(data.size() + 200000);
  out += "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n";
  out += "<meta http-equiv=\"Content-Security-Policy\" content=\"" + csp + "\">\n";
  out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  out += "<title>" + esc(page_title(runs, opts)) + "</title>\n<style>";
  out += detail::asset_uplot_css();
  out += "</style>\n<style>";
  out += detail::asset_report_css();
  out +=
      "</style></head>\n<body class=\"" + std::string(opts.theme.dark ? "dark" : "light") + "\">\n";
  out += body(runs, set, opts);
  out += "\n<script id=\"report-data\" type=\"application/json\">" + data + "</script>\n<script>";
  out += detail::asset_uplot_js();
  out += "</script>\n<script>";
  out += detail::asset_report_js();
  out += "</script>\n</body></html>\n";
  return out;
}

void write_html_report(const std::string& path, const std::vector<RunData>& runs,
                       const FigureSet& set, const HtmlOptions& opts) {
  std::error_code ec;
  auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::string html = render_html_report(runs, set, opts);
  std::string tmp = path + ".tmp";
  {
    std::ofstream f(tmp, std::ios::binary);
    f.write(html.data(), std::streamsize(html.size()));
    if (!f.flush()) throw std::runtime_error("cannot write " + path);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw std::runtime_error("cannot write " + path + ": " + ec.message());
}

}  // namespace aiperf::report
