#include "aiperf/study/sweep.h"

#include <algorithm>
#include <cmath>
#include <map>

namespace aiperf::study {
namespace {

using nlohmann::ordered_json;

/// Display names of the parameters: the leaf, unless two parameters share it (then the path).
std::map<std::string, std::string> display_names(const std::vector<Variation>& vars) {
  std::vector<std::string> paths;
  for (const auto& v : vars) {
    for (const auto& pv : v.values) {
      if (std::find(paths.begin(), paths.end(), pv.path) == paths.end()) paths.push_back(pv.path);
    }
  }
  std::map<std::string, int> leaf_count;
  for (const auto& p : paths) ++leaf_count[leaf_of(p)];
  std::map<std::string, std::string> out;
  for (const auto& p : paths) out[p] = leaf_count[leaf_of(p)] == 1 ? leaf_of(p) : p;
  return out;
}

/// Python's sorted(params.items()) order key (numbers by value, text values by their text).
std::vector<std::pair<std::string, ordered_json>> sort_key(const ordered_json& params) {
  std::vector<std::pair<std::string, ordered_json>> k;
  for (const auto& [name, v] : params.items()) k.emplace_back(name, v);
  std::sort(k.begin(), k.end());
  return k;
}

/// Marks the frontier of `objectives` (flattened keys) over the combinations that all have
/// them; empty when any combination lacks one.
ordered_json frontier(const std::vector<Combination>& combos,
                      const std::vector<std::pair<std::string, bool>>& objectives) {
  std::vector<std::vector<double>> values;
  std::vector<bool> maximize;
  for (const auto& o : objectives) maximize.push_back(o.second);
  for (const auto& c : combos) {
    std::vector<double> row;
    for (const auto& o : objectives) {
      const ConfidenceMetric* m = c.find(o.first);
      if (!m || !std::isfinite(m->stats.mean)) return ordered_json::array();
      row.push_back(m->stats.mean);
    }
    values.push_back(std::move(row));
  }
  std::vector<const ordered_json*> front;
  for (size_t i : pareto_front(values, maximize)) front.push_back(&combos[i].parameters);
  std::sort(front.begin(), front.end(), [](const ordered_json* a, const ordered_json* b) {
    return sort_key(*a) < sort_key(*b);
  });
  ordered_json out = ordered_json::array();
  for (const auto* p : front) out.push_back(*p);
  return out;
}

/// time_to_first_token_p99 when every combination has it, else request_latency_p99.
std::string latency_key(const std::vector<Combination>& combos) {
  for (const char* key : {"time_to_first_token_p99", "request_latency_p99"}) {
    if (std::all_of(combos.begin(), combos.end(),
                    [&](const Combination& c) { return c.find(key) != nullptr; })) {
      return key;
    }
  }
  return "";
}

ordered_json best_configurations(const std::vector<Combination>& combos) {
  ordered_json best = ordered_json::object();
  if (combos.empty()) return best;
  auto pick = [&](const std::string& key, bool maximize, const char* name, const char* unit) {
    const Combination* choice = nullptr;
    for (const auto& c : combos) {
      const ConfidenceMetric* m = c.find(key);
      if (!m) return;  // every combination must have it
      const ConfidenceMetric* cur = choice ? choice->find(key) : nullptr;
      if (!cur || (maximize ? m->stats.mean > cur->stats.mean : m->stats.mean < cur->stats.mean)) {
        choice = &c;
      }
    }
    const ConfidenceMetric* m = choice->find(key);
    best[name] = {{"parameters", choice->parameters},
                  {"metric", std::isfinite(m->stats.mean) ? ordered_json(m->stats.mean)
                                                          : ordered_json(nullptr)},
                  {"unit", m->unit.empty() ? unit : m->unit}};
  };
  pick("request_throughput_avg", true, "best_throughput", "requests/sec");
  if (std::string lat = latency_key(combos); !lat.empty()) {
    pick(lat, false, "best_latency_p99", "ms");
  }
  return best;
}

std::string sanitize_segment(std::string s) {
  for (const std::string bad : {"/", "\\", ".."}) {
    for (size_t at; (at = s.find(bad)) != std::string::npos;) s.erase(at, bad.size());
  }
  s.erase(std::remove_if(s.begin(), s.end(),
                         [](char c) {
                           return std::string_view("<>:\"|?*").find(c) != std::string_view::npos;
                         }),
          s.end());
  return s.find_first_not_of('.') == std::string::npos ? std::string() : s;
}

}  // namespace

std::string leaf_of(const std::string& path) {
  size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string format_value(const config::SweepValue& v) {
  if (std::isnan(v.number)) return v.text;  // a config file's text value (speed_bench_coding)
  if (v.integer) return std::to_string(static_cast<long long>(std::llround(v.number)));
  return python_float(v.number);
}

ordered_json json_value(const config::SweepValue& v) {
  if (std::isnan(v.number)) return ordered_json(v.text);
  if (v.integer) return ordered_json(static_cast<int64_t>(std::llround(v.number)));
  return ordered_json(v.number);
}

std::string dir_name_of(const std::vector<PointValue>& values) {
  std::string out;
  for (const auto& pv : values) {
    out += (out.empty() ? "" : "__") + leaf_of(pv.path) + "_" + format_value(pv.value);
  }
  return sanitize_segment(out);
}

std::vector<Variation> expand_sweep(const config::StudyConfig& s) {
  if (!s.is_sweep()) return {Variation{}};
  std::vector<const config::SweepParameter*> params;
  for (const auto& p : s.sweep) params.push_back(&p);
  std::stable_sort(params.begin(), params.end(),
                   [](const auto* a, const auto* b) { return a->path < b->path; });
  std::vector<std::vector<size_t>> combos;
  if (s.sweep_type == config::SweepType::kZip) {
    size_t n = params.front()->values.size();
    for (const auto* p : params) n = std::min(n, p->values.size());
    for (size_t i = 0; i < n; ++i) combos.emplace_back(params.size(), i);
  } else {
    std::vector<size_t> at(params.size(), 0);
    for (;;) {
      combos.push_back(at);
      size_t k = params.size();
      while (k > 0 && ++at[k - 1] == params[k - 1]->values.size()) at[--k] = 0;
      if (k == 0) break;
    }
  }
  std::vector<Variation> out;
  for (size_t idx = 0; idx < combos.size(); ++idx) {
    Variation v;
    v.index = int(idx);
    v.label.clear();
    for (size_t k = 0; k < params.size(); ++k) {
      PointValue pv{params[k]->path, params[k]->values[combos[idx][k]]};
      v.label += (v.label.empty() ? "" : ", ") + pv.path + "=" + format_value(pv.value);
      v.values.push_back(std::move(pv));
    }
    v.dir_name = dir_name_of(v.values);
    if (v.dir_name.empty()) v.dir_name = "variation_" + std::to_string(idx);
    out.push_back(std::move(v));
  }
  return out;
}

const ConfidenceMetric* Combination::find(std::string_view key) const {
  for (const auto& m : metrics) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

std::vector<size_t> pareto_front(const std::vector<std::vector<double>>& values,
                                 const std::vector<bool>& maximize) {
  auto dominates = [&](const std::vector<double>& a, const std::vector<double>& b) {
    size_t better_or_equal = 0, strictly = 0;
    for (size_t k = 0; k < maximize.size(); ++k) {
      const bool better = maximize[k] ? a[k] > b[k] : a[k] < b[k];
      if (better) ++strictly;
      if (better || a[k] == b[k]) ++better_or_equal;
    }
    return better_or_equal == maximize.size() && strictly > 0;
  };
  std::vector<size_t> front;
  for (size_t i = 0; i < values.size(); ++i) {
    bool dominated = false;
    for (size_t j = 0; j < values.size() && !dominated; ++j) {
      dominated = j != i && dominates(values[j], values[i]);
    }
    if (!dominated) front.push_back(i);
  }
  return front;
}

SweepAggregate aggregate_sweep(const std::vector<RunResult>& results,
                               const std::vector<Variation>& variations,
                               const config::StudyConfig& settings) {
  SweepAggregate a;
  const auto names = display_names(variations);
  ordered_json sweep_parameters = ordered_json::array();
  std::map<std::string, size_t> param_index;
  size_t max_trials = 0;
  for (const auto& var : variations) {
    std::vector<RunResult> group;
    for (const auto& r : results) {
      if (r.variation_index == var.index) group.push_back(r);
    }
    if (group.empty()) continue;
    max_trials = std::max(max_trials, group.size());
    Combination c;
    c.parameters = ordered_json::object();
    for (const auto& pv : var.values) {
      const std::string& name = names.at(pv.path);
      c.parameters[name] = json_value(pv.value);
      auto [it, fresh] = param_index.emplace(name, sweep_parameters.size());
      if (fresh) {
        sweep_parameters.push_back({{"name", name}, {"values", ordered_json::array()}});
        a.parameter_names.push_back(name);
      }
      ordered_json& vals = sweep_parameters[it->second]["values"];
      if (std::find(vals.begin(), vals.end(), json_value(pv.value)) == vals.end()) {
        vals.push_back(json_value(pv.value));
      }
    }
    c.metrics = aggregate_confidence(group, settings.confidence_level).metrics;
    if (c.metrics.empty()) continue;  // no successful trial at this point
    a.combinations.push_back(std::move(c));
  }
  for (const auto& r : results) {
    ++a.num_runs;
    if (r.success) {
      ++a.num_successful_runs;
    } else {
      a.failed_runs.push_back(
          {{"label", r.label}, {"error", r.error}, {"variation_label", r.variation_label}});
    }
  }
  a.metadata["sweep_parameters"] = sweep_parameters;
  a.metadata["num_combinations"] = variations.size();
  a.metadata["sweep_mode"] = config::to_string(settings.parameter_sweep_mode);
  a.metadata["confidence_level"] = settings.confidence_level;
  a.metadata["num_trials_per_value"] = max_trials;
  a.metadata["aggregation_type"] = "sweep";
  a.best_configurations = best_configurations(a.combinations);
  if (std::string lat = latency_key(a.combinations); !lat.empty()) {
    a.pareto_optimal = frontier(a.combinations, {{"request_throughput_avg", true}, {lat, false}});
  }
  a.pareto_optimal_interactivity = frontier(
      a.combinations,
      {{"output_token_throughput_avg", true}, {"output_token_throughput_per_user_avg", true}});
  return a;
}

std::string render_sweep_json(const SweepAggregate& a) {
  ordered_json j;
  j["aggregation_type"] = "sweep";
  j["num_profile_runs"] = a.num_runs;
  j["num_successful_runs"] = a.num_successful_runs;
  j["failed_runs"] = a.failed_runs;
  j["metadata"] = a.metadata;
  ordered_json combos = ordered_json::array();
  auto num = [](double v) { return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr); };
  for (const auto& c : a.combinations) {
    ordered_json metrics = ordered_json::object();
    for (const auto& m : c.metrics) {
      const ConfidenceStats& s = m.stats;
      metrics[m.key] = {{"mean", num(s.mean)},       {"std", num(s.std)}, {"min", num(s.min)},
                        {"max", num(s.max)},         {"cv", num(s.cv)},   {"ci_low", num(s.ci_low)},
                        {"ci_high", num(s.ci_high)}, {"unit", m.unit}};
    }
    combos.push_back({{"parameters", c.parameters}, {"metrics", metrics}});
  }
  j["per_combination_metrics"] = combos;
  j["best_configurations"] = a.best_configurations;
  j["pareto_optimal"] = a.pareto_optimal;
  j["pareto_optimal_interactivity"] = a.pareto_optimal_interactivity;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace aiperf::study
