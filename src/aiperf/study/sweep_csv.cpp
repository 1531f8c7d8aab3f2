// profile_export_aiperf_sweep.csv: AIPerf's sections (per-point table, Best Configurations,
// Pareto Optimal Points, Metadata) separated by blank rows, plus our interactivity frontier.
#include <algorithm>
#include <cctype>
#include <cmath>

#include "aiperf/study/sweep.h"

namespace aiperf::study {
namespace {

using nlohmann::ordered_json;

/// Missing and non-finite values are empty cells.
std::string cell(double v, int decimals) {
  return std::isfinite(v) ? fixed(v, decimals) : "";
}

std::vector<std::string> param_cells(const SweepAggregate& a, const ordered_json& params) {
  std::vector<std::string> row;
  for (const auto& name : a.parameter_names) {
    row.push_back(params.contains(name) ? python_str(params[name]) : "");
  }
  return row;
}

/// Python's "best_latency_p99".replace("_", " ").title() -> "Best Latency P99".
std::string title_case(const std::string& key) {
  std::string title;
  bool start = true;
  for (char ch : key) {
    const char c = ch == '_' ? ' ' : ch;
    title += start ? char(std::toupper(static_cast<unsigned char>(c))) : c;
    start = c == ' ';
  }
  return title;
}

/// One row per point: its parameters, then <key>_mean/_std/_min/_max/_cv for every key.
std::string point_table(const SweepAggregate& a) {
  if (a.combinations.empty()) return "";
  std::vector<std::string> keys;
  for (const auto& c : a.combinations) {
    for (const auto& m : c.metrics) keys.push_back(m.key);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  std::vector<std::string> header = a.parameter_names;
  for (const auto& k : keys) {
    for (const char* s : {"_mean", "_std", "_min", "_max", "_cv"}) header.push_back(k + s);
  }
  std::string out = csv_row(header);
  for (const auto& c : a.combinations) {
    std::vector<std::string> row = param_cells(a, c.parameters);
    for (const auto& k : keys) {
      const ConfidenceMetric* m = c.find(k);
      if (!m) {
        row.insert(row.end(), 5, "");
        continue;
      }
      const ConfidenceStats& s = m->stats;
      for (std::string v :
           {cell(s.mean, 2), cell(s.std, 2), cell(s.min, 2), cell(s.max, 2), cell(s.cv, 4)}) {
        row.push_back(std::move(v));
      }
    }
    out += csv_row(row);
  }
  return out;
}

std::string best_section(const SweepAggregate& a) {
  std::string out = "\r\n" + csv_row({"Best Configurations"});
  if (a.best_configurations.empty()) return out;
  std::vector<std::string> header = {"Configuration"};
  header.insert(header.end(), a.parameter_names.begin(), a.parameter_names.end());
  header.push_back("Metric");
  header.push_back("Unit");
  out += csv_row(header);
  for (const auto& [name, best] : a.best_configurations.items()) {
    std::vector<std::string> row = {title_case(name)};
    std::vector<std::string> params = param_cells(a, best["parameters"]);
    row.insert(row.end(), params.begin(), params.end());
    row.push_back(best["metric"].is_number() ? cell(best["metric"].get<double>(), 2) : "");
    row.push_back(best["unit"].get<std::string>());
    out += csv_row(row);
  }
  return out;
}

std::string front_section(const SweepAggregate& a, const char* title, const ordered_json& front) {
  std::string out = "\r\n" + csv_row({title});
  if (front.empty()) return out + csv_row({"None"});
  out += csv_row(a.parameter_names);
  for (const auto& p : front) out += csv_row(param_cells(a, p));
  return out;
}

std::string metadata_section(const SweepAggregate& a) {
  std::string names;
  for (const auto& n : a.parameter_names) names += (names.empty() ? "" : ", ") + n;
  return "\r\n" + csv_row({"Metadata"}) + csv_row({"Field", "Value"}) +
         csv_row({"Aggregation Type", "sweep"}) + csv_row({"Sweep Parameters", names}) +
         csv_row({"Number of Combinations", a.metadata["num_combinations"].dump()}) +
         csv_row({"Number of Profile Runs", std::to_string(a.num_runs)}) +
         csv_row({"Number of Successful Runs", std::to_string(a.num_successful_runs)});
}

}  // namespace

std::string render_sweep_csv(const SweepAggregate& a) {
  return point_table(a) + best_section(a) +
         front_section(a, "Pareto Optimal Points", a.pareto_optimal) +
         front_section(a, "Pareto Optimal Points (Throughput vs Interactivity)",
                       a.pareto_optimal_interactivity) +
         metadata_section(a);
}

}  // namespace aiperf::study
