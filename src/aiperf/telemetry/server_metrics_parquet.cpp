// server_metrics_export.parquet rows and metadata (server_metrics_parquet.h).
#include "aiperf/telemetry/server_metrics_parquet.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aiperf/telemetry/server_metrics.h"

namespace aiperf::telemetry {
namespace {

using Stores = std::vector<std::pair<std::string, const EndpointStore*>>;

/// Scrape indices [first, last] inside the window; first > last when none.
struct ScrapeSpan {
  uint32_t first = 1, last = 0;
};

ScrapeSpan scrape_span(const EndpointStore& store, const Window& w) {
  const auto& t = store.scrape_mono_ns();
  ScrapeSpan s;
  s.first = uint32_t(std::lower_bound(t.begin(), t.end(), w.start_ns) - t.begin());
  const auto end = std::upper_bound(t.begin(), t.end(), w.end_ns) - t.begin();
  if (end == 0 || uint32_t(end - 1) < s.first) return ScrapeSpan{};
  s.last = uint32_t(end - 1);
  return s;
}

/// The scrape of the last run of `s` that started before scrape `k` (its value's last scrape
/// before k), or -1.
int64_t reference_scrape(const StoredSeries& s, uint32_t k) {
  auto it = std::lower_bound(s.runs.begin(), s.runs.end(), k,
                             [](const StoredSeries::Run& r, uint32_t v) { return r.first < v; });
  if (it == s.runs.begin()) return -1;
  --it;
  return std::min<int64_t>(int64_t(it->first) + it->count - 1, int64_t(k) - 1);
}

/// Running increase of one cumulative component: a decrease (or, for histogram parts, a
/// restart of _count) restarts from zero.
struct Increase {
  double prev = 0, total = 0;
  void add(double v, bool restart) {
    total += restart ? v : std::max(0.0, v - prev);
    prev = v;
  }
};

class RowWriter {
 public:
  RowWriter(ParquetWriter& w, const std::vector<std::string>& label_columns)
      : w_(w), labels_(label_columns) {
    value_col_ = parquet_fixed_columns().size() + labels_.size();
  }

  /// Starts a row with the fixed and label columns.
  void begin(const std::string& url, const FamilyInfo& f, const LabelList& labels, int64_t ts) {
    w_.set_string(0, url);
    w_.set_string(1, f.name);
    w_.set_string(2, to_string(f.type));
    const std::string unit = infer_unit(f.name);
    if (!unit.empty()) w_.set_string(3, unit);
    if (!f.help.empty()) w_.set_string(4, f.help);
    w_.set_int64(5, ts);
    for (const auto& [k, v] : labels) {
      auto it = std::lower_bound(labels_.begin(), labels_.end(), k);
      if (it != labels_.end() && *it == k) w_.set_string(6 + size_t(it - labels_.begin()), v);
    }
  }
  void scalar(double v) {
    w_.set_double(value_col_, v);
    w_.end_row();
  }
  void bucket(double sum, double count, const std::string& le, double bucket_count) {
    w_.set_double(value_col_ + 1, sum);
    w_.set_double(value_col_ + 2, count);
    w_.set_string(value_col_ + 3, le);
    w_.set_double(value_col_ + 4, bucket_count);
    w_.end_row();
  }

 private:
  ParquetWriter& w_;
  const std::vector<std::string>& labels_;
  size_t value_col_ = 0;
};

void scalar_rows(RowWriter& rw, const std::string& url, const EndpointStore& store,
                 const StoredSeries& s, ScrapeSpan span) {
  const FamilyInfo& f = store.families()[s.family];
  const auto& wall = store.scrape_wall_ns();
  const bool counter = f.type == MetricType::kCounter;
  Increase inc;
  bool have_ref = false;
  if (counter) {
    const int64_t ref = reference_scrape(s, span.first);
    if (ref >= 0) {
      inc.prev = store.value_at(s, uint32_t(ref));
      have_ref = true;
    } else if (s.born_late) {
      have_ref = true;  // created during the run: it started from zero
    }
  }
  for (uint32_t k = span.first; k <= span.last; ++k) {
    const double v = store.value_at(s, k);
    if (std::isnan(v)) continue;
    if (counter && !have_ref) {
      inc.prev = v;  // no earlier reading: the first one in the window is the reference
      have_ref = true;
    }
    if (counter) inc.add(v, v < inc.prev);
    rw.begin(url, f, s.labels, wall[k]);
    rw.scalar(counter ? inc.total : v);
  }
}

void histogram_rows(RowWriter& rw, const std::string& url, const EndpointStore& store,
                    HistogramParts& h, ScrapeSpan span) {
  const FamilyInfo& f = store.families()[h.family];
  const HistogramSeriesData d = histogram_data(store, h);  // buckets now sorted by bound
  std::vector<std::string> les;
  for (const StoredSeries* b : h.buckets) les.push_back(b->le);
  const auto& mono = store.scrape_mono_ns();
  const auto& wall = store.scrape_wall_ns();
  const uint32_t k0 = uint32_t(mono.size() - d.t_ns.size());  // scrape of d's first entry
  auto cell = [](double x) { return std::isfinite(x) ? x : 0.0; };
  std::vector<Increase> parts(les.size() + 2);  // buckets, sum, count
  auto set_prev = [&](size_t i) {
    for (size_t b = 0; b < les.size(); ++b) parts[b].prev = cell(d.cumul[i][b]);
    parts[les.size()].prev = cell(d.sum[i]);
    parts[les.size() + 1].prev = cell(d.count[i]);
  };
  bool have_ref = d.born_after_first_scrape;  // created during the run: from zero
  for (int64_t i = int64_t(span.first) - int64_t(k0) - 1; i >= 0; --i) {
    if (std::isfinite(d.count[size_t(i)])) {
      set_prev(size_t(i));
      have_ref = true;
      break;
    }
  }
  for (uint32_t k = std::max(span.first, k0); k <= span.last; ++k) {
    const size_t i = k - k0;
    if (!std::isfinite(d.count[i])) continue;
    if (!have_ref) {
      set_prev(i);
      have_ref = true;
    }
    const bool restart = d.count[i] < parts[les.size() + 1].prev;
    for (size_t b = 0; b < les.size(); ++b) parts[b].add(cell(d.cumul[i][b]), restart);
    parts[les.size()].add(cell(d.sum[i]), restart);
    parts[les.size() + 1].add(d.count[i], restart);
    for (size_t b = 0; b < les.size(); ++b) {
      rw.begin(url, f, h.labels, wall[k]);
      rw.bucket(parts[les.size()].total, parts[les.size() + 1].total, les[b], parts[b].total);
    }
  }
}

std::vector<std::string> label_columns(const Stores& stores) {
  std::set<std::string> names;
  for (const auto& [url, store] : stores) {
    for (const StoredSeries& s : store->series()) {
      for (const auto& kv : s.labels) names.insert(kv.first);
    }
  }
  for (const auto& n : parquet_fixed_columns()) names.erase(n);
  for (const auto& n : parquet_value_columns()) names.erase(n);
  return {names.begin(), names.end()};
}

/// Python's str() of a float (shortest round trip, ".0" on integral values).
std::string py_float(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string utc_now_iso() {
  const auto now = std::chrono::system_clock::now();
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch());
  const std::time_t secs = std::time_t(us.count() / 1'000'000);
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:06d}+00:00", fmt::gmtime(secs),
                     us.count() % 1'000'000);
}

std::vector<std::pair<std::string, std::string>> metadata(const Stores& stores,
                                                          const ServerMetricsParquetInfo& info,
                                                          const std::vector<std::string>& labels) {
  std::vector<std::pair<std::string, std::string>> m;
  auto add = [&](std::string k, std::string v) { m.emplace_back("aiperf." + k, std::move(v)); };
  add("schema_version", "1.0");
  add("version", info.aiperf_version);
  add("benchmark_id", info.benchmark_id);
  add("export_timestamp_utc",
      info.export_timestamp_utc.empty() ? utc_now_iso() : info.export_timestamp_utc);
  add("exporter", "ServerMetricsParquetExporter");
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) add("hostname", host);
  add("time_filter_start_ns", std::to_string(info.start_wall_ns));
  add("time_filter_end_ns", std::to_string(info.end_wall_ns));
  const int64_t d = info.end_wall_ns - info.start_wall_ns;
  add("profiling_duration_ns", std::to_string(d));
  add("profiling_duration_seconds", py_float(double(d) / 1e9));
  add("input_config", info.input_config_json.empty() ? "{}" : info.input_config_json);
  add("model_names", nlohmann::json(info.model_names).dump());
  if (info.concurrency) add("concurrency", std::to_string(*info.concurrency));
  if (info.request_rate) add("request_rate", py_float(*info.request_rate));
  std::vector<std::string> urls;
  std::map<std::string, int> counts{{"gauge", 0}, {"counter", 0}, {"histogram", 0}};
  int total = 0;
  for (const auto& [url, store] : stores) {
    urls.push_back(url);
    for (const StoreItem& item : store_items(*store)) {
      ++total;
      const MetricType t =
          store->families()[item.scalar ? item.scalar->family : item.hist.family].type;
      if (t == MetricType::kGauge || t == MetricType::kCounter || t == MetricType::kHistogram) {
        ++counts[to_string(t)];
      }
    }
  }
  std::sort(urls.begin(), urls.end());
  add("endpoint_urls", nlohmann::json(urls).dump());
  add("endpoint_count", std::to_string(urls.size()));
  add("label_columns", nlohmann::json(labels).dump());
  add("label_count", std::to_string(labels.size()));
  add("metric_count", std::to_string(total));
  nlohmann::ordered_json c;
  for (const char* k : {"gauge", "counter", "histogram"}) c[k] = counts[k];
  add("metric_type_counts", c.dump());
  add("schema_note",
      "Label columns vary by endpoint/model. Use union_by_name=true for cross-file queries.");
  return m;
}

}  // namespace

const std::vector<std::string>& parquet_fixed_columns() {
  static const std::vector<std::string> k = {"endpoint_url", "metric_name", "metric_type",
                                             "unit",         "description", "timestamp_ns"};
  return k;
}

const std::vector<std::string>& parquet_value_columns() {
  static const std::vector<std::string> k = {"value", "sum", "count", "bucket_le", "bucket_count"};
  return k;
}

int64_t write_server_metrics_parquet(const std::string& path, const Stores& stores,
                                     const Window& window, const ServerMetricsParquetInfo& info,
                                     ParquetCodec codec, size_t rows_per_group) {
  const std::vector<std::string> labels = label_columns(stores);
  std::vector<ParquetColumn> cols;
  for (const auto& n : parquet_fixed_columns()) {
    const bool nullable = n == "unit" || n == "description";
    cols.push_back({n, n == "timestamp_ns" ? ParquetType::kInt64 : ParquetType::kString, nullable});
  }
  for (const auto& n : labels) cols.push_back({n, ParquetType::kString, true});
  for (const auto& n : parquet_value_columns()) {
    cols.push_back({n, n == "bucket_le" ? ParquetType::kString : ParquetType::kDouble, true});
  }
  ParquetWriter w(path, std::move(cols), codec, rows_per_group);
  RowWriter rw(w, labels);
  for (const auto& [url, store] : stores) {
    const ScrapeSpan span = scrape_span(*store, window);
    if (span.first > span.last) continue;
    for (StoreItem& item : store_items(*store)) {
      if (item.scalar) {
        scalar_rows(rw, url, *store, *item.scalar, span);
      } else if (item.hist.count && !item.hist.buckets.empty()) {
        histogram_rows(rw, url, *store, item.hist, span);
      }
    }
  }
  if (w.rows() == 0) {
    w.finish({}, "");
    std::error_code ec;
    std::filesystem::remove(path, ec);
    return 0;
  }
  w.finish(metadata(stores, info, labels), "aiperf version " + info.aiperf_version);
  return w.rows();
}

}  // namespace aiperf::telemetry
