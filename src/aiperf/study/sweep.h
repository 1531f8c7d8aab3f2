// Parameter sweeps (spec §1.2, §8.1): expansion of the swept lists into points, the names of
// their directories, and the sweep aggregate (profile_export_aiperf_sweep.json / .csv) with the
// best points and the Pareto frontiers. Private to the study stage.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/study/aggregate.h"
#include "aiperf/study/study.h"

namespace aiperf::study {

/// AIPerf's expand_sweep for CLI lists: parameters ordered by dotted path; grid = Cartesian
/// product (the first path varies slowest), zip = element by element (lists of equal length,
/// checked by the config stage). No sweep: one "base" variation.
std::vector<Variation> expand_sweep(const config::StudyConfig& s);

/// Python str() of a swept value: "10" for integer flags, "5.0" / "2.5" for float flags.
std::string format_value(const config::SweepValue& v);
/// The JSON value: an integer or a float.
nlohmann::ordered_json json_value(const config::SweepValue& v);
/// "concurrency_10", multi-parameter points joined by "__" (leaf of each path; path-unsafe
/// characters removed).
std::string dir_name_of(const std::vector<PointValue>& values);
/// The last segment of a dotted path.
std::string leaf_of(const std::string& path);

/// One point's statistics in the sweep aggregate.
struct Combination {
  nlohmann::ordered_json parameters;      // display name -> value
  std::vector<ConfidenceMetric> metrics;  // flattened keys, like the confidence aggregate
  const ConfidenceMetric* find(std::string_view key) const;
};

struct SweepAggregate {
  int num_runs = 0;
  int num_successful_runs = 0;
  nlohmann::ordered_json failed_runs = nlohmann::ordered_json::array();
  nlohmann::ordered_json metadata = nlohmann::ordered_json::object();
  std::vector<std::string> parameter_names;  // display names, in sweep_parameters order
  std::vector<Combination> combinations;
  nlohmann::ordered_json best_configurations = nlohmann::ordered_json::object();
  nlohmann::ordered_json pareto_optimal = nlohmann::ordered_json::array();
  /// Our extension: the frontier of output token throughput vs per-user output speed
  /// (interactivity), both maximized.
  nlohmann::ordered_json pareto_optimal_interactivity = nlohmann::ordered_json::array();
};

/// Groups the results by point (variation order), reduces each point's trials to statistics
/// (one trial: the value with no spread), and computes best_configurations and the frontiers.
/// Points without a successful run are left out.
SweepAggregate aggregate_sweep(const std::vector<RunResult>& results,
                               const std::vector<Variation>& variations,
                               const config::StudyConfig& settings);

/// The indexes of the combinations no other combination dominates (better or equal on every
/// objective, strictly better on one). `values[i][k]` is combination i's value of objective k;
/// `maximize[k]` its direction.
std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& values,
                                 const std::vector<bool>& maximize);

std::string render_sweep_json(const SweepAggregate& a);
std::string render_sweep_csv(const SweepAggregate& a);

}  // namespace aiperf::study
