// Readers of the small artifacts: the summary JSON (spec §6.3), the time slices (§6.6), the
// aggregate of repeated runs (§8.1) and the GPU telemetry samples (§7.1).
#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "aiperf/common/error.h"
#include "aiperf/report/run_data.h"

namespace aiperf::report {

namespace {

using nlohmann::json;

json parse_json_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path + ": cannot open");
  try {
    return json::parse(f);
  } catch (const json::exception& e) {
    std::string what = e.what();
    if (auto p = what.find("] "); p != std::string::npos) what = what.substr(p + 2);
    throw InputError(path + ": not valid JSON (" + what + ")");
  }
}

/// `{"unit": ..., "avg": ..., ...}` -> MetricStats; nullopt when `v` is not such a block.
std::optional<MetricStats> metric_block(const json& v) {
  if (!v.is_object() || !v.contains("unit")) return std::nullopt;
  MetricStats m;
  if (v["unit"].is_string()) m.unit = v["unit"].get<std::string>();
  for (const auto& [k, x] : v.items()) {
    if (x.is_number()) m.stats[k] = x.get<double>();
  }
  if (m.stats.empty()) return std::nullopt;
  return m;
}

/// The first value under key `key` anywhere in `j` (depth-first), for settings whose place
/// in input_config differs between AIPerf versions.
const json* find_key(const json& j, std::string_view key, int depth = 0) {
  if (depth > 8) return nullptr;
  if (j.is_object()) {
    for (const auto& [k, v] : j.items()) {
      if (k == key) return &v;
    }
    for (const auto& [k, v] : j.items()) {
      if (const json* r = find_key(v, key, depth + 1)) return r;
    }
  } else if (j.is_array()) {
    for (const auto& v : j) {
      if (const json* r = find_key(v, key, depth + 1)) return r;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<double> MetricStats::get(std::string_view stat) const {
  auto it = stats.find(std::string(stat));
  if (it == stats.end()) return std::nullopt;
  return it->second;
}

const MetricStats* Summary::metric(std::string_view tag) const {
  auto it = metrics.find(std::string(tag));
  return it == metrics.end() ? nullptr : &it->second;
}

std::optional<double> Summary::value(std::string_view tag, std::string_view stat) const {
  const MetricStats* m = metric(tag);
  return m ? m->get(stat) : std::nullopt;
}

const std::vector<double>* RequestColumns::column(std::string_view tag) const {
  auto it = metrics.find(std::string(tag));
  return it == metrics.end() ? nullptr : &it->second;
}

Summary read_summary(const std::string& path) {
  Summary s;
  s.doc = parse_json_file(path);
  if (!s.doc.is_object()) throw InputError(path + ": expected a JSON object (an AIPerf summary)");
  for (const auto& [k, v] : s.doc.items()) {
    if (auto m = metric_block(v)) s.metrics.emplace(k, std::move(*m));
  }
  if (s.metrics.empty()) {
    throw InputError(path + ": no metrics in it (is it a profile_export_aiperf.json?)");
  }
  return s;
}

Timeslices read_timeslices(const std::string& path) {
  json doc = parse_json_file(path);
  if (!doc.is_object() || !doc.contains("timeslices") || !doc["timeslices"].is_array()) {
    throw InputError(path + ": no \"timeslices\" list in it");
  }
  Timeslices t;
  std::vector<std::pair<int64_t, std::map<std::string, MetricStats>>> rows;
  int64_t next = 0;
  for (const auto& s : doc["timeslices"]) {
    std::map<std::string, MetricStats> m;
    int64_t index = next++;
    for (const auto& [k, v] : s.items()) {
      if (k == "timeslice_index" && v.is_number_integer()) index = v.get<int64_t>();
      if (auto b = metric_block(v)) m.emplace(k, std::move(*b));
    }
    rows.emplace_back(index, std::move(m));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& r : rows) t.slices.push_back(std::move(r.second));
  if (doc.contains("input_config")) {
    if (const json* d = find_key(doc["input_config"], "slice_duration"); d && d->is_number()) {
      t.slice_duration_s = d->get<double>();
    }
  }
  return t;
}

Aggregate read_aggregate(const std::string& path) {
  json doc = parse_json_file(path);
  if (!doc.is_object() || !doc.contains("metrics") || !doc["metrics"].is_object()) {
    throw InputError(path + ": no \"metrics\" object in it (is it an aggregate file?)");
  }
  Aggregate a;
  if (doc.contains("metadata") && doc["metadata"].is_object()) {
    const json& md = doc["metadata"];
    a.num_runs = md.value("num_successful_runs", md.value("num_profile_runs", 0));
    a.confidence_level = md.value("confidence_level", 0.95);
  }
  for (const auto& item : doc["metrics"].items()) {
    const std::string& k = item.key();
    const json& v = item.value();
    if (!v.is_object()) continue;
    AggregateStat s;
    auto num = [&](const char* key, double& out) {
      if (v.contains(key) && v[key].is_number()) out = v[key].get<double>();
    };
    num("mean", s.mean);
    num("std", s.std);
    s.ci_low = s.ci_high = s.mean;
    num("ci_low", s.ci_low);
    num("ci_high", s.ci_high);
    if (v.contains("unit") && v["unit"].is_string()) s.unit = v["unit"].get<std::string>();
    a.metrics.emplace(k, s);
  }
  return a;
}

GpuSeries read_gpu_telemetry(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw InputError(path + ": cannot open");
  struct Sample {
    int64_t ts;
    std::string gpu;
    std::vector<std::pair<std::string, double>> values;
  };
  std::vector<Sample> samples;
  std::string line;
  int64_t lineno = 0;
  while (std::getline(f, line)) {
    ++lineno;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw InputError(path + ":" + std::to_string(lineno) + ": not valid JSON");
    }
    Sample s;
    s.ts = j.value("timestamp_ns", int64_t(0));
    s.gpu = j.value("gpu_uuid", std::string()) + "#" + std::to_string(j.value("gpu_index", 0)) +
            "@" + j.value("dcgm_url", std::string());
    if (j.contains("telemetry_data") && j["telemetry_data"].is_object()) {
      for (const auto& [k, v] : j["telemetry_data"].items()) {
        if (v.is_number()) s.values.emplace_back(k, v.get<double>());
      }
    }
    if (s.ts > 0) samples.push_back(std::move(s));
  }
  std::sort(samples.begin(), samples.end(),
            [](const Sample& a, const Sample& b) { return a.ts < b.ts; });
  GpuSeries g;
  std::map<std::string, int> gpus;
  // Samples of one scrape round share (nearly) one instant: group those within 50 ms.
  constexpr int64_t kRoundNs = 50'000'000;
  size_t i = 0;
  while (i < samples.size()) {
    size_t j = i;
    std::map<std::string, std::pair<double, int>> acc;
    while (j < samples.size() && samples[j].ts - samples[i].ts < kRoundNs) {
      gpus[samples[j].gpu] = 1;
      for (const auto& [k, v] : samples[j].values) {
        if (!std::isfinite(v)) continue;
        acc[k].first += v;
        acc[k].second += 1;
      }
      ++j;
    }
    const size_t row = g.ts_ns.size();
    g.ts_ns.push_back(samples[i].ts);
    for (const auto& [k, sum_n] : acc) {
      auto& col = g.fields[k];
      col.resize(row, std::nan(""));
      col.push_back(sum_n.first / sum_n.second);
    }
    for (auto& [k, col] : g.fields) col.resize(row + 1, std::nan(""));
    i = j;
  }
  g.num_gpus = int(gpus.size());
  return g;
}

}  // namespace aiperf::report
