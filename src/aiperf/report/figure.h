// The figure model shared by the two renderers: gnuplot (PNG/SVG files) and the HTML report
// (uPlot in the browser). A plot type turns run data into Figures; renderers only draw them.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace aiperf::report {

enum class SeriesKind {
  kPoints,    // markers at (x, y); optional error bars y_lo..y_hi, x_lo..x_hi; optional labels
  kLines,     // polyline through (x, y) in order (NaN breaks the line)
  kSteps,     // step function: y holds from x[i] to x[i+1]
  kArea,      // step function filled down to zero
  kBars,      // bars centred on x, width `bar_width` in x units; optional error bars
  kSegments,  // one segment per entry: (x, y) -> (x_end, y)
  kBand,      // filled band between y_lo and y_hi along x (y unused)
};

struct Series {
  std::string name;  // legend text; empty = not in the legend
  SeriesKind kind = SeriesKind::kPoints;
  std::vector<double> x, y;
  std::vector<double> x_end;        // kSegments
  std::vector<double> y_lo, y_hi;   // error bars, or band bounds
  std::vector<double> x_lo, x_hi;   // horizontal error bars
  std::vector<std::string> labels;  // text at each point (kPoints), empty = none
  int color = 0;                    // palette index
  bool y2 = false;                  // drawn against the secondary y axis
  double bar_width = 0;             // kBars
  double opacity = 1.0;
  double size = 1.0;  // marker size / line width multiplier
  size_t size_points() const { return x.size(); }
};

/// A horizontal reference line (e.g. the run average on a time-slice chart).
struct RefLine {
  double y = 0;
  std::string label;
  int color = 0;
};

struct Figure {
  std::string name;  // file stem: the preset's name (e.g. "ttft_over_time")
  std::string title;
  std::string x_label, y_label, y2_label;
  std::vector<Series> series;
  std::vector<RefLine> hlines;
  bool x_from_zero = true;  // axis ranges include zero (AIPerf's default "tozero")
  bool y_from_zero = true;
  bool x_log = false;
  std::string note;  // one caption line under the chart (e.g. downsampling), may be empty
  bool has_y2() const;
  size_t total_points() const;
};

/// Theme colours (AIPerf's light: seaborn "deep" on white; dark: NVIDIA green and gold, then
/// seaborn "bright", on near-black).
struct Theme {
  bool dark = false;
  const char* background() const { return dark ? "#111111" : "#ffffff"; }
  const char* text() const { return dark ? "#e6e6e6" : "#222222"; }
  const char* grid() const { return dark ? "#333333" : "#e5e5e5"; }
  const char* border() const { return dark ? "#666666" : "#999999"; }
  /// Palette colour `i` (cycles).
  const char* color(int i) const;
};

/// Reduces every series to at most `max_points` entries for drawing: per x bucket the
/// points with the smallest and largest y are kept (so spikes and outliers stay visible), plus
/// an even stride through the rest. Statistics are never computed from the result.
void thin_figure(Figure& f, size_t max_points);

/// Indices of the points of (x, y) kept by the reduction above, ascending.
std::vector<size_t> thin_indices(const std::vector<double>& x, const std::vector<double>& y,
                                 size_t max_points);

}  // namespace aiperf::report
