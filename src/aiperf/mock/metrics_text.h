// Text building shared by the mock's per-family renderers (metrics_render*.cpp). Private to the
// mock stage.
#pragma once
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>

#include "aiperf/mock/server_metrics.h"

namespace aiperf::mock::detail {

inline constexpr auto kR = std::memory_order_relaxed;

/// Text builder with the conventions of one exporter library.
class Text {
 public:
  explicit Text(std::string* out) : out_(*out) {}
  bool python = true;          // prometheus_client: floats always with a dot ("1.0")
  bool blank_between = false;  // metrics-exporter-prometheus (TGI): a blank line between families
  bool help = true;

  void family(std::string_view name, std::string_view type, std::string_view text) {
    if (blank_between && !out_.empty()) out_ += '\n';
    if (help) fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n", name, text);
    fmt::format_to(std::back_inserter(out_), "# TYPE {} {}\n", name, type);
  }
  std::string num(double v) const {
    if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
    std::string s = fmt::format("{}", v);
    if (python && s.find_first_of(".en") == std::string::npos) s += ".0";
    return s;
  }
  void sample(std::string_view name, std::string_view labels, double v) {
    if (labels.empty()) {
      fmt::format_to(std::back_inserter(out_), "{} {}\n", name, num(v));
    } else {
      fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, num(v));
    }
  }
  /// A whole histogram family. `factor` scales bounds and sum for display (ms for Triton).
  void histogram(std::string_view name, std::string_view help_text, std::string_view labels,
                 const MultiHistogram::View& v, bool le_first, double factor = 1.0) {
    family(name, "histogram", help_text);
    histogram_series(name, labels, v, le_first, factor);
  }
  /// One label set of a histogram family whose HELP/TYPE were written already.
  void histogram_series(std::string_view name, std::string_view labels,
                        const MultiHistogram::View& v, bool le_first, double factor = 1.0) {
    std::string bucket = std::string(name) + "_bucket";
    for (size_t i = 0; i <= v.bounds.size(); ++i) {
      std::string le = i < v.bounds.size() ? num(v.bounds[i] * factor) : "+Inf";
      std::string l = labels.empty() ? fmt::format("le=\"{}\"", le)
                      : le_first     ? fmt::format("le=\"{}\",{}", le, labels)
                                     : fmt::format("{},le=\"{}\"", labels, le);
      sample(bucket, l, double(v.cumulative[i]));
    }
    sample(std::string(name) + "_count", labels, double(v.cumulative.back()));
    sample(std::string(name) + "_sum", labels, v.sum * factor);
  }
  /// prometheus_client's text output of a counter: the _total family, then _created as a gauge.
  void py_counter(std::string_view base, std::string_view text, std::string_view labels, double v,
                  double created_s) {
    family(std::string(base) + "_total", "counter", text);
    sample(std::string(base) + "_total", labels, v);
    family(std::string(base) + "_created", "gauge", text);
    sample(std::string(base) + "_created", labels, created_s);
  }

 private:
  std::string& out_;
};

inline double kv_ratio(const ServerMetrics& m) {
  double used = double(std::max<int64_t>(0, m.kv_tokens_in_use.load(kR)));
  return std::min(1.0, used / double(ServerMetrics::kKvCacheTokens));
}

inline MultiHistogram::View chat_and_completions(
    const std::array<std::unique_ptr<MultiHistogram>, 2>& hs, size_t view) {
  return MultiHistogram::view({hs[0].get(), hs[1].get()}, view);
}

}  // namespace aiperf::mock::detail
