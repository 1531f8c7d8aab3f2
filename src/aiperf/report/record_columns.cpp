// report::RecordColumnsBuilder (run_data.h): the columns read_records() would read back, built
// record by record while a run writes profile_export.jsonl. Apart from records_reader.cpp so
// that the reader's fuzz target needs no metric catalog.
#include <cmath>

#include "aiperf/report/run_data.h"

namespace aiperf::report {

void RecordColumnsBuilder::start(const RecordsOptions& opts) {
  active_ = true;
  cols_ = RequestColumns{};
  wanted_.assign(metrics::kNumMetrics, opts.tags.empty() ? 1 : 0);
  column_.assign(metrics::kNumMetrics, nullptr);
  for (const metrics::MetricInfo& m : metrics::catalog()) {
    for (const auto& t : opts.tags)
      if (t == m.tag) wanted_[metrics::index_of(m.id)] = 1;
  }
}

void RecordColumnsBuilder::add(int64_t start_wall_ns, int64_t end_wall_ns, bool error,
                               const std::vector<std::pair<metrics::MetricId, double>>& values) {
  // As read_records() takes a line: its end, else its start; NaN where it lacks a metric.
  cols_.start_ns.push_back(start_wall_ns);
  cols_.end_ns.push_back(end_wall_ns > 0 ? end_wall_ns : start_wall_ns);
  cols_.error.push_back(error ? 1 : 0);
  const size_t n = cols_.start_ns.size();
  for (const auto& [id, x] : values) {
    const size_t i = metrics::index_of(id);
    if (!wanted_[i] || std::isnan(x)) continue;
    std::vector<double>*& col = column_[i];
    if (col == nullptr) col = &cols_.metrics[std::string(metrics::metric_info(id).tag)];
    col->resize(n - 1, std::nan(""));
    col->push_back(x);
  }
}

RequestColumns& RecordColumnsBuilder::columns() {
  for (auto& [tag, col] : cols_.metrics) col.resize(cols_.size(), std::nan(""));
  return cols_;
}

}  // namespace aiperf::report
