// Reading a run's outputs back (AIPerf reads the same files): the summary JSON for run-level
// statistics, the per-record JSONL for pooled values and the KS test.
#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "aiperf/study/run_result.h"

namespace aiperf::study {
namespace {

/// The "metrics" object of one valid profiling record, else null.
const nlohmann::json* record_metrics(const nlohmann::json& rec) {
  if (!rec.is_object()) return nullptr;
  auto md = rec.find("metadata");
  if (md == rec.end() || !md->is_object()) return nullptr;
  auto phase = md->find("benchmark_phase");
  if (phase == md->end() || *phase != "profiling") return nullptr;
  auto err = rec.find("error");
  if (err != rec.end() && !err->is_null()) return nullptr;
  auto m = rec.find("metrics");
  return m != rec.end() && m->is_object() ? &*m : nullptr;
}

/// Calls f(tag, value) for every numeric metric value of every valid profiling record.
template <class F>
void for_each_record_value(const std::string& path, F&& f) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json rec = nlohmann::json::parse(line, nullptr, false);
    if (rec.is_discarded()) continue;  // a malformed line is skipped, as AIPerf does
    const nlohmann::json* metrics = record_metrics(rec);
    if (!metrics) continue;
    for (const auto& [tag, entry] : metrics->items()) {
      if (!entry.is_object()) continue;
      auto v = entry.find("value");
      if (v == entry.end() || !v->is_number()) continue;
      f(tag, v->template get<double>());
    }
  }
}

}  // namespace

std::optional<double> SummaryMetric::stat(std::string_view key) const {
  for (size_t i = 0; i < kStatKeys.size(); ++i) {
    if (kStatKeys[i] == key) return stats[i];
  }
  return std::nullopt;
}

const SummaryMetric* RunSummary::find(std::string_view tag) const {
  for (const auto& m : metrics) {
    if (m.tag == tag) return &m;
  }
  return nullptr;
}

std::optional<double> RunSummary::value(std::string_view tag, std::string_view stat) const {
  const SummaryMetric* m = find(tag);
  return m ? m->stat(stat) : std::nullopt;
}

RunSummary load_run_summary(const std::string& path) {
  RunSummary out;
  std::ifstream in(path);
  if (!in) return out;
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(in, nullptr, false);
  if (!j.is_object()) return out;
  for (const auto& [key, val] : j.items()) {
    if (!val.is_object() || !val.contains("unit")) continue;
    SummaryMetric m;
    m.tag = key;
    m.unit = val["unit"].is_string() ? val["unit"].get<std::string>() : std::string();
    for (size_t i = 0; i < kStatKeys.size(); ++i) {
      auto it = val.find(std::string(kStatKeys[i]));
      if (it != val.end() && it->is_number()) m.stats[i] = it->get<double>();
    }
    out.metrics.push_back(std::move(m));
  }
  return out;
}

std::vector<std::pair<std::string, std::vector<double>>> load_record_metrics(
    const std::string& path) {
  std::vector<std::pair<std::string, std::vector<double>>> out;
  std::map<std::string, size_t> index;
  for_each_record_value(path, [&](const std::string& tag, double v) {
    auto [it, fresh] = index.emplace(tag, out.size());
    if (fresh) out.emplace_back(tag, std::vector<double>{});
    out[it->second].second.push_back(v);
  });
  return out;
}

std::vector<double> load_record_metric(const std::string& path, std::string_view tag) {
  std::vector<double> out;
  for_each_record_value(path, [&](const std::string& t, double v) {
    if (t == tag) out.push_back(v);
  });
  return out;
}

}  // namespace aiperf::study
