// server_metrics_export.json and .csv (spec §7.2; AIPerf's export schema 1.0).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <numeric>
#include <set>

#include "aiperf/telemetry/server_metrics_parquet.h"
#include "aiperf/telemetry/telemetry.h"

namespace aiperf::telemetry {

namespace {

using nlohmann::ordered_json;

constexpr const char* kSchemaVersion = "1.0";
constexpr const char* kPctNames[] = {"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"};

ordered_json labels_json(const LabelList& l) {
  ordered_json j = ordered_json::object();
  for (const auto& [k, v] : l) j[k] = v;
  return j;
}

ordered_json stats_json(const SeriesResult& s) {
  ordered_json st = ordered_json::object();
  if (s.gauge) {
    const GaugeStats& g = *s.gauge;
    st["avg"] = g.avg;
    st["min"] = g.min;
    st["max"] = g.max;
    st["std"] = g.std;
    for (size_t i = 0; i < 9; ++i) st[kPctNames[i]] = g.p[i];
  } else if (s.counter) {
    st["total"] = s.counter->total;
    st["rate"] = s.counter->rate;
    if (s.rate_spread) {
      st["rate_avg"] = s.rate_spread->avg;
      st["rate_min"] = s.rate_spread->min;
      st["rate_max"] = s.rate_spread->max;
      st["rate_std"] = s.rate_spread->std;
    }
  } else if (s.histogram) {
    const HistogramStats& h = *s.histogram;
    st["count"] = int64_t(std::llround(h.count));
    if (h.count > 0) {
      st["sum"] = h.sum;
      st["avg"] = h.avg;
      if (h.count_rate) st["count_rate"] = *h.count_rate;
      if (h.sum_rate) st["sum_rate"] = *h.sum_rate;
      if (h.p_estimate) {
        for (size_t i = 0; i < 9; ++i)
          st[std::string(kPctNames[i]) + "_estimate"] = (*h.p_estimate)[i];
      }
    }
  }
  return st;
}

ordered_json buckets_json(const std::vector<std::string>& les, const std::vector<double>& d) {
  ordered_json b = ordered_json::object();
  for (size_t i = 0; i < les.size() && i < d.size(); ++i) b[les[i]] = int64_t(std::llround(d[i]));
  return b;
}

/// A series' "timeslices" (spec §7.2, AIPerf's fields; is_complete only on the partial one);
/// times in epoch ns. Null when the run had no --slice-duration or no slice has data.
ordered_json timeslices_json(const SeriesResult& s, const ServerMetricsReport& rep) {
  auto head = [&](const Slice& sl) {
    ordered_json j;
    j["start_ns"] = rep.start_wall_ns + (sl.start_ns - rep.window_mono_start_ns);
    j["end_ns"] = rep.start_wall_ns + (sl.end_ns - rep.window_mono_start_ns);
    return j;
  };
  auto tail = [](ordered_json& j, const Slice& sl) {
    if (!sl.complete) j["is_complete"] = false;
  };
  ordered_json a = ordered_json::array();
  for (const GaugeSlice& g : s.gauge_slices) {
    ordered_json j = head(g.slice);
    j["avg"] = g.avg;
    j["min"] = g.min;
    j["max"] = g.max;
    tail(j, g.slice);
    a.push_back(std::move(j));
  }
  for (const CounterSlice& c : s.counter_slices) {
    ordered_json j = head(c.slice);
    j["total"] = c.total;
    j["rate"] = c.rate;
    tail(j, c.slice);
    a.push_back(std::move(j));
  }
  for (const HistogramSlice& h : s.histogram_slices) {
    ordered_json j = head(h.slice);
    j["count"] = int64_t(std::llround(h.count));
    j["sum"] = h.sum;
    j["avg"] = h.avg;
    j["buckets"] = buckets_json(s.bucket_les, h.bucket_deltas);
    tail(j, h.slice);
    a.push_back(std::move(j));
  }
  return a.empty() ? ordered_json() : a;
}

ordered_json endpoint_info_json(const EndpointInfo& e) {
  ordered_json j;
  j["total_fetches"] = e.total_fetches;
  j["first_fetch_ns"] = e.first_fetch_wall_ns;
  j["last_fetch_ns"] = e.last_fetch_wall_ns;
  uint64_t ok = e.total_fetches - e.failed_fetches;
  j["avg_fetch_latency_ms"] = ok ? e.latency_sum_ms / double(ok) : 0.0;
  j["unique_updates"] = e.unique_updates;
  if (!e.update_wall_ns.empty()) {
    j["first_update_ns"] = e.update_wall_ns.front();
    j["last_update_ns"] = e.update_wall_ns.back();
    j["duration_seconds"] = double(e.update_wall_ns.back() - e.update_wall_ns.front()) / 1e9;
    std::vector<double> gaps;
    for (size_t i = 1; i < e.update_wall_ns.size(); ++i) {
      gaps.push_back(double(e.update_wall_ns[i] - e.update_wall_ns[i - 1]) / 1e6);
    }
    if (!gaps.empty()) {
      j["avg_update_interval_ms"] = std::accumulate(gaps.begin(), gaps.end(), 0.0) / gaps.size();
    }
    if (gaps.size() >= 2) {
      std::sort(gaps.begin(), gaps.end());
      j["median_update_interval_ms"] = percentile_linear(gaps, 50);
    }
  }
  if (e.failed_fetches) {
    j["failed_fetches"] = e.failed_fetches;
    j["last_error"] = e.last_error;
  }
  return j;
}

// ------------------------------------------------------------------------------ CSV helpers

std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

void csv_row(std::string& out, const std::vector<std::string>& cells) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += csv_cell(cells[i]);
  }
  out += "\r\n";
}

std::string f4(std::optional<double> v) {
  return v && std::isfinite(*v) ? fmt::format("{:.4f}", *v) : std::string();
}

struct CsvRow {
  const ServerMetric* metric;
  const SeriesResult* series;
  bool info() const {
    const std::string& n = metric->name;
    return n.size() > 5 && n.compare(n.size() - 5, 5, "_info") == 0;
  }
};

/// AIPerf's label column order: labels grouped into families of co-occurring names (union-find),
/// inside each family the labels unique to one label set first, then the shared ones.
std::vector<std::string> label_order(const std::vector<CsvRow>& rows) {
  std::vector<std::set<std::string>> sets;
  for (const CsvRow& r : rows) {
    if (r.info() || r.series->labels.empty()) continue;
    std::set<std::string> s;
    for (const auto& [k, v] : r.series->labels) s.insert(k);
    sets.push_back(std::move(s));
  }
  std::map<std::string, std::string> parent;
  std::function<std::string(const std::string&)> find = [&](const std::string& x) {
    auto it = parent.find(x);
    if (it == parent.end()) {
      parent[x] = x;
      return x;
    }
    return it->second == x ? x : find(it->second);
  };
  std::set<std::string> all;
  for (const auto& s : sets) {
    std::string prev;
    for (const auto& l : s) {
      all.insert(l);
      if (!prev.empty()) parent[find(l)] = find(prev);
      prev = l;
    }
  }
  std::map<std::string, std::set<std::string>> families;
  for (const auto& l : all) families[find(l)].insert(l);
  std::vector<std::set<std::string>> fams;
  for (auto& [root, members] : families) fams.push_back(members);
  std::sort(fams.begin(), fams.end(),
            [](const auto& a, const auto& b) { return *a.begin() < *b.begin(); });
  auto shared = [&](const std::string& l) {
    int n = 0;
    for (const auto& s : sets) n += s.count(l) ? 1 : 0;
    return n > 1;
  };
  std::vector<std::string> order;
  for (const auto& f : fams) {
    for (const auto& l : f) {
      if (!shared(l)) order.push_back(l);
    }
    for (const auto& l : f) {
      if (shared(l)) order.push_back(l);
    }
  }
  return order;
}

std::string label_value(const LabelList& l, const std::string& k) {
  for (const auto& [a, b] : l) {
    if (a == k) return b;
  }
  return {};
}

/// One section of the CSV: header (stat columns, one column per label, description, buckets)
/// and its rows, sorted as AIPerf sorts them (label fill pattern, metric, endpoint, labels).
void write_section(std::string& out, std::vector<CsvRow>& rows,
                   const std::vector<std::string>& keys, bool* first_section) {
  if (rows.empty()) return;
  if (!*first_section) out += "\r\n";
  *first_section = false;
  std::vector<std::string> order = label_order(rows);
  std::vector<std::string> header = {"Endpoint", "Type", "Metric", "Unit"};
  header.insert(header.end(), keys.begin(), keys.end());
  header.insert(header.end(), order.begin(), order.end());
  header.push_back("Description");
  const bool hist = rows.front().series->histogram.has_value();
  if (hist) header.push_back("buckets");
  csv_row(out, header);
  auto key_of = [&](const CsvRow& r) {
    std::string pattern;
    for (const auto& l : order) pattern += label_value(r.series->labels, l).empty() ? '0' : '1';
    std::string labels;
    for (const auto& [k, v] : r.series->labels) labels += k + "=" + v + ",";
    return std::make_tuple(pattern, r.metric->name, endpoint_display(r.series->endpoint_url),
                           labels);
  };
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const CsvRow& a, const CsvRow& b) { return key_of(a) < key_of(b); });
  for (const CsvRow& r : rows) {
    const SeriesResult& s = *r.series;
    std::vector<std::string> row = {endpoint_display(s.endpoint_url), to_string(r.metric->type),
                                    r.metric->name, r.metric->unit};
    ordered_json st = stats_json(s);
    for (const auto& k : keys) {
      if (!st.contains(k)) {
        row.emplace_back();
      } else if (st[k].is_number_integer()) {
        row.push_back(std::to_string(st[k].get<int64_t>()));
      } else {
        row.push_back(f4(st[k].get<double>()));
      }
    }
    for (const auto& l : order) row.push_back(label_value(s.labels, l));
    row.push_back(r.metric->description);
    if (hist) {
      std::string b;
      for (size_t i = 0; i < s.bucket_les.size(); ++i) {
        if (i) b += ';';
        b += s.bucket_les[i] + "=" +
             std::to_string(int64_t(std::llround(s.histogram->bucket_deltas[i])));
      }
      row.push_back(b);
    }
    csv_row(out, row);
  }
}

}  // namespace

std::string render_server_metrics_json(const ServerMetricsReport& rep,
                                       const std::vector<CrossCheck>& checks,
                                       const ExportInfo& info) {
  ordered_json j;
  j["schema_version"] = kSchemaVersion;
  if (!info.aiperf_version.empty()) j["aiperf_version"] = info.aiperf_version;
  if (!info.benchmark_id.empty()) j["benchmark_id"] = info.benchmark_id;
  ordered_json summary;
  summary["endpoints_configured"] = rep.endpoints_configured;
  summary["endpoints_successful"] = rep.endpoints_successful;
  if (rep.start_wall_ns) summary["start_time"] = exporter::iso_local_time(rep.start_wall_ns);
  if (rep.end_wall_ns) summary["end_time"] = exporter::iso_local_time(rep.end_wall_ns);
  if (!rep.endpoint_info.empty()) {
    ordered_json ei;
    for (const auto& [url, e] : rep.endpoint_info) ei[url] = endpoint_info_json(e);
    summary["endpoint_info"] = ei;
  }
  j["summary"] = summary;
  ordered_json metrics = ordered_json::object();
  for (const ServerMetric& m : rep.metrics) {
    ordered_json mj;
    mj["type"] = to_string(m.type);
    mj["description"] = m.description;
    if (!m.unit.empty()) mj["unit"] = m.unit;
    ordered_json series = ordered_json::array();
    for (const SeriesResult& s : m.series) {
      ordered_json sj;
      sj["endpoint_url"] = s.endpoint_url;
      if (!s.labels.empty()) sj["labels"] = labels_json(s.labels);
      sj["stats"] = stats_json(s);
      if (s.histogram) sj["buckets"] = buckets_json(s.bucket_les, s.histogram->bucket_deltas);
      ordered_json slices = timeslices_json(s, rep);
      if (!slices.is_null()) sj["timeslices"] = std::move(slices);
      series.push_back(std::move(sj));
    }
    mj["series"] = std::move(series);
    metrics[m.name] = std::move(mj);
  }
  j["metrics"] = std::move(metrics);
  if (!checks.empty()) {
    TelemetryResults tmp;
    tmp.checks = checks;
    j["cross_checks"] = cross_check_json(tmp);
  }
  if (!info.input_config.is_null())
    j["input_config"] = ordered_json::parse(info.input_config.dump());
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string render_server_metrics_csv(const ServerMetricsReport& rep, const ExportInfo& info) {
  std::string out;
  out += "# aiperf server metrics export (CSV)\n";
  out += "# aiperf_version: " + info.aiperf_version + "\n";
  out += std::string("# schema_version: ") + kSchemaVersion + "\n";
  out += "# benchmark_id: " + info.benchmark_id + "\n";
  out += "# the JSON export carries the same benchmark_id and version\n#\n";
  static const std::vector<std::string> kGauge = {"avg", "min", "max", "std", "p1",  "p5", "p10",
                                                  "p25", "p50", "p75", "p90", "p95", "p99"};
  static const std::vector<std::string> kCounter = {"total",    "rate",     "rate_avg",
                                                    "rate_min", "rate_max", "rate_std"};
  static const std::vector<std::string> kHist = {
      "count",        "count_rate",   "sum",          "sum_rate",     "avg",
      "p1_estimate",  "p5_estimate",  "p10_estimate", "p25_estimate", "p50_estimate",
      "p75_estimate", "p90_estimate", "p95_estimate", "p99_estimate"};
  std::vector<CsvRow> gauges, counters, hists, infos;
  for (const ServerMetric& m : rep.metrics) {
    for (const SeriesResult& s : m.series) {
      CsvRow r{&m, &s};
      if (s.histogram) {
        hists.push_back(r);
      } else if (s.counter) {
        counters.push_back(r);
      } else if (r.info()) {
        infos.push_back(r);
      } else {
        gauges.push_back(r);
      }
    }
  }
  bool first_section = true;
  write_section(out, gauges, kGauge, &first_section);
  write_section(out, counters, kCounter, &first_section);
  write_section(out, hists, kHist, &first_section);
  if (!infos.empty()) {
    if (!first_section) out += "\r\n";
    csv_row(out, {"Endpoint", "Metric", "Key", "Value", "Description"});
    std::stable_sort(infos.begin(), infos.end(), [](const CsvRow& a, const CsvRow& b) {
      return std::tie(a.metric->name, a.series->endpoint_url) <
             std::tie(b.metric->name, b.series->endpoint_url);
    });
    for (const CsvRow& r : infos) {
      for (const auto& [k, v] : r.series->labels) {
        csv_row(out, {endpoint_display(r.series->endpoint_url), r.metric->name, k, v,
                      r.metric->description});
      }
    }
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> TelemetrySession::write_exports(
    const TelemetryResults& r, const ExportInfo& info) const {
  std::vector<std::pair<std::string, std::string>> files;
  auto write = [&](const std::string& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary);
    if (!f || !f.write(content.data(), std::streamsize(content.size()))) {
      throw std::runtime_error("cannot write " + path);
    }
  };
  if (r.server && !r.server->endpoints_successful.empty()) {
    if (opts_.json) {
      write(paths_.server_metrics_json, render_server_metrics_json(*r.server, r.checks, info));
      files.emplace_back("Server Metrics JSON", paths_.server_metrics_json);
    }
    if (opts_.csv) {
      write(paths_.server_metrics_csv, render_server_metrics_csv(*r.server, info));
      files.emplace_back("Server Metrics CSV", paths_.server_metrics_csv);
    }
    if (opts_.parquet && server_) {
      ServerMetricsParquetInfo pi;
      pi.aiperf_version = info.aiperf_version;
      pi.benchmark_id = info.benchmark_id;
      pi.input_config_json = info.input_config.is_null() ? "{}" : info.input_config.dump();
      pi.model_names = info.model_names;
      pi.concurrency = info.concurrency;
      pi.request_rate = info.request_rate;
      pi.start_wall_ns = start_wall_;
      pi.end_wall_ns = end_wall_;
      if (write_server_metrics_parquet(paths_.server_metrics_parquet, server_->stores(),
                                       Window{start_mono_, end_mono_}, pi) > 0) {
        files.emplace_back("Server Metrics Parquet", paths_.server_metrics_parquet);
      }
    }
  }
  return files;
}

std::vector<std::pair<std::string, std::string>> TelemetrySession::streamed_files() const {
  std::vector<std::pair<std::string, std::string>> files;
  if (server_) {
    if (auto p = server_->jsonl_path()) files.emplace_back("Server Metrics JSONL", *p);
  }
  if (gpu_) {
    if (auto p = gpu_->jsonl_path()) files.emplace_back("GPU Telemetry JSONL", *p);
  }
  return files;
}

}  // namespace aiperf::telemetry
