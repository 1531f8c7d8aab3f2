#include "aiperf/study/aggregate.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <stdexcept>

#include "aiperf/endpoint/endpoint.h"
#include "aiperf/metrics/metrics.h"

namespace aiperf::study {
namespace {

using nlohmann::ordered_json;

/// (key, unit) pairs of every flattened metric present in the successful runs, first-seen order.
std::vector<std::pair<std::string, std::string>> metric_keys(const std::vector<RunResult>& ok) {
  std::vector<std::pair<std::string, std::string>> keys;
  std::map<std::string, size_t> seen;
  for (const auto& run : ok) {
    for (const auto& m : run.summary.metrics) {
      for (size_t i = 0; i < kStatKeys.size(); ++i) {
        if (!m.stats[i]) continue;
        std::string key = m.tag + "_" + std::string(kStatKeys[i]);
        if (seen.emplace(key, keys.size()).second) keys.emplace_back(key, m.unit);
      }
    }
  }
  return keys;
}

ordered_json num(double v) {
  return std::isfinite(v) ? ordered_json(v) : ordered_json(nullptr);
}

ordered_json failed_json(const std::vector<std::pair<std::string, std::string>>& failed) {
  ordered_json list = ordered_json::array();
  for (const auto& [label, error] : failed) list.push_back({{"label", label}, {"error", error}});
  return list;
}

}  // namespace

const ConfidenceMetric* AggregateResult::find(std::string_view key) const {
  for (const auto& m : metrics) {
    if (m.key == key) return &m;
  }
  return nullptr;
}

AggregateResult aggregate_confidence(const std::vector<RunResult>& results,
                                     double confidence_level) {
  AggregateResult out;
  std::vector<RunResult> ok;
  ordered_json labels = ordered_json::array();
  for (const auto& r : results) {
    if (r.success) {
      ok.push_back(r);
      labels.push_back(r.label);
    } else {
      out.failed_runs.emplace_back(r.label, r.error);
    }
  }
  out.num_runs = int(results.size());
  out.num_successful_runs = int(ok.size());
  out.metadata["confidence_level"] = confidence_level;
  out.metadata["run_labels"] = labels;
  if (ok.empty()) return out;
  const bool single = ok.size() == 1;
  if (single) out.metadata["single_run"] = true;
  for (const auto& [key, unit] : metric_keys(ok)) {
    // key = tag + "_" + stat; the stat is the last underscore-separated part.
    const size_t cut = key.rfind('_');
    const std::string tag = key.substr(0, cut), stat = key.substr(cut + 1);
    std::vector<double> values;
    std::string first_unit;
    for (const auto& run : ok) {
      const SummaryMetric* m = run.summary.find(tag);
      if (!m) continue;
      auto v = m->stat(stat);
      if (!v || !std::isfinite(*v)) continue;
      values.push_back(*v);
      if (first_unit.empty()) first_unit = m->unit;
    }
    if (values.empty()) continue;
    ConfidenceMetric cm;
    cm.key = key;
    cm.unit = first_unit.empty() ? unit : first_unit;
    cm.stats =
        single ? single_run_stats(values.front()) : confidence_stats(values, confidence_level);
    out.metrics.push_back(std::move(cm));
  }
  return out;
}

std::string render_confidence_json(const AggregateResult& r) {
  ordered_json j;
  j["schema_version"] = "1.0";
  j["aiperf_version"] = std::string(endpoint::kAiperfVersion);
  ordered_json md;
  md["aggregation_type"] = r.aggregation_type;
  md["num_profile_runs"] = r.num_runs;
  md["num_successful_runs"] = r.num_successful_runs;
  md["failed_runs"] = failed_json(r.failed_runs);
  for (const auto& [k, v] : r.metadata.items()) md[k] = v;
  j["metadata"] = md;
  ordered_json metrics = ordered_json::object();
  for (const auto& m : r.metrics) {
    const ConfidenceStats& s = m.stats;
    metrics[m.key] = {
        {"mean", num(s.mean)},     {"std", num(s.std)},         {"min", num(s.min)},
        {"max", num(s.max)},       {"cv", num(s.cv)},           {"se", num(s.se)},
        {"ci_low", num(s.ci_low)}, {"ci_high", num(s.ci_high)}, {"t_critical", num(s.t_critical)},
        {"unit", m.unit}};
  }
  j["metrics"] = metrics;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string render_confidence_csv(const AggregateResult& r) {
  std::string out = csv_row({"metric", "mean", "std", "min", "max", "cv", "se", "ci_low", "ci_high",
                             "t_critical", "unit"});
  for (const auto& m : r.metrics) {
    const ConfidenceStats& s = m.stats;
    out += csv_row({m.key, fixed(s.mean, 2), fixed(s.std, 2), fixed(s.min, 2), fixed(s.max, 2),
                    fixed(s.cv, 4), fixed(s.se, 4), fixed(s.ci_low, 2), fixed(s.ci_high, 2),
                    fixed(s.t_critical, 4), m.unit});
  }
  out += "\r\n";
  out += csv_row({"Aggregation Type", r.aggregation_type});
  out += csv_row({"Total Runs", std::to_string(r.num_runs)});
  out += csv_row({"Successful Runs", std::to_string(r.num_successful_runs)});
  for (const auto& [k, v] : r.metadata.items()) {
    // Python's key.replace("_", " ").title()
    std::string title;
    bool start = true;
    for (char c : k) {
      char ch = c == '_' ? ' ' : c;
      bool alpha = std::isalpha(static_cast<unsigned char>(ch)) != 0;
      title += alpha ? char(start ? std::toupper(ch) : std::tolower(ch)) : ch;
      start = !alpha;
    }
    out += csv_row({title, python_str(v)});
  }
  return out;
}

namespace {

/// Per metric (first-seen order): each successful run's per-request values.
using PooledRuns =
    std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::vector<double>>>>>;

PooledRuns pool_records(const std::vector<RunResult>& results) {
  PooledRuns per_metric;
  std::map<std::string, size_t> index;
  for (const auto& run : results) {
    if (!run.success || run.records_jsonl.empty()) continue;
    for (auto& [tag, values] : load_record_metrics(run.records_jsonl)) {
      auto [it, fresh] = index.emplace(tag, per_metric.size());
      if (fresh) per_metric.push_back({tag, {}});
      per_metric[it->second].second.emplace_back(run.label, std::move(values));
    }
  }
  return per_metric;
}

double mean_of(const std::vector<double>& v) {
  double sum = 0;
  for (double x : v) sum += x;
  return v.empty() ? NAN : sum / double(v.size());
}

/// {"combined": {mean, std, p50, p90, p95, p99, count}, "per_run": [{label, mean, count}]}.
ordered_json collated_metric(const std::vector<std::pair<std::string, std::vector<double>>>& runs) {
  std::vector<double> all;
  ordered_json per_run = ordered_json::array();
  for (const auto& [label, values] : runs) {
    all.insert(all.end(), values.begin(), values.end());
    per_run.push_back({{"label", label}, {"mean", num(mean_of(values))}, {"count", values.size()}});
  }
  if (all.empty()) return nullptr;
  const double mean = mean_of(all);
  const double std = all.size() > 1 ? sample_std(all) : 0.0;
  std::sort(all.begin(), all.end());
  ordered_json combined = {{"mean", num(mean)},
                           {"std", num(std)},
                           {"p50", num(metrics::percentile_sorted(all, 50))},
                           {"p90", num(metrics::percentile_sorted(all, 90))},
                           {"p95", num(metrics::percentile_sorted(all, 95))},
                           {"p99", num(metrics::percentile_sorted(all, 99))},
                           {"count", all.size()}};
  return {{"combined", combined}, {"per_run", per_run}};
}

}  // namespace

std::string render_collated_json(const std::vector<RunResult>& results,
                                 const ordered_json& extra_metadata) {
  ordered_json labels = ordered_json::array();
  std::vector<std::pair<std::string, std::string>> failed;
  for (const auto& run : results) {
    if (run.success) {
      labels.push_back(run.label);
    } else {
      failed.emplace_back(run.label, run.error);
    }
  }
  ordered_json metrics = ordered_json::object();
  for (const auto& [tag, runs] : pool_records(results)) {
    ordered_json m = collated_metric(runs);
    if (!m.is_null()) metrics[tag] = std::move(m);
  }
  ordered_json j;
  j["schema_version"] = "1.0.0";
  j["aiperf_version"] = std::string(endpoint::kAiperfVersion);
  j["description"] =
      "Per-request metric values of every successful run pooled into one population per metric "
      "(combined mean, sample std and percentiles), with each run's own mean and count. The "
      "aggregate file instead summarizes the runs' summary statistics.";
  ordered_json md;
  md["aggregation_type"] = "detailed";
  md["num_profile_runs"] = results.size();
  md["num_successful_runs"] = labels.size();
  md["failed_runs"] = failed_json(failed);
  md["run_labels"] = labels;
  for (const auto& [k, v] : extra_metadata.items()) md[k] = v;
  j["metadata"] = md;
  j["metrics"] = metrics;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string python_float(double v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+02" (shortest round-trip digits)
  const size_t e = sci.find('e');
  std::string mant = sci.substr(0, e);
  const int exp = std::stoi(sci.substr(e + 1));
  const bool neg = mant[0] == '-';
  if (neg) mant.erase(0, 1);
  std::string digits;
  for (char c : mant) {
    if (c != '.') digits += c;
  }
  std::string out;
  if (exp >= -4 && exp < 16) {
    if (exp >= 0) {
      std::string intpart = digits.substr(0, std::min<size_t>(digits.size(), size_t(exp) + 1));
      intpart.append(size_t(exp) + 1 > digits.size() ? size_t(exp) + 1 - digits.size() : 0, '0');
      std::string frac = digits.size() > size_t(exp) + 1 ? digits.substr(size_t(exp) + 1) : "0";
      out = intpart + "." + frac;
    } else {
      out = "0." + std::string(size_t(-exp - 1), '0') + digits;
    }
  } else {
    out = digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    std::snprintf(eb, sizeof eb, "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    out += eb;
  }
  return neg ? "-" + out : out;
}

std::string python_str(const ordered_json& v, bool nested) {
  if (v.is_null()) return "None";
  if (v.is_boolean()) return v.get<bool>() ? "True" : "False";
  if (v.is_number_integer() || v.is_number_unsigned()) return v.dump();
  if (v.is_number_float()) return python_float(v.get<double>());
  if (v.is_string()) {
    if (!nested) return v.get<std::string>();
    std::string s = v.get<std::string>();
    std::string out = "'";
    for (char c : s) {
      if (c == '\'' || c == '\\') out += '\\';
      out += c;
    }
    return out + "'";
  }
  std::string out;
  if (v.is_array()) {
    out = "[";
    for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + python_str(v[i], true);
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (const auto& [k, val] : v.items()) {
    out += (first ? "'" : ", '") + k + "': " + python_str(val, true);
    first = false;
  }
  return out + "}";
}

std::string csv_row(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    const std::string& c = cells[i];
    if (c.find_first_of(",\"\r\n") == std::string::npos) {
      out += c;
      continue;
    }
    out += '"';
    for (char ch : c) {
      if (ch == '"') out += '"';
      out += ch;
    }
    out += '"';
  }
  return out + "\r\n";
}

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buf[512];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string write_text(const std::string& dir, const std::string& name,
                       const std::string& content) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  const std::string path = (std::filesystem::path(dir) / name).string();
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  if (!f || !(f << content) || !f.flush()) throw std::runtime_error("cannot write " + path);
  return path;
}

}  // namespace aiperf::study
