// What a study prints after its runs: the aggregate across runs, the sweep's points with their
// frontiers, the capacity search's probes. Tables in the style of the run's console report.
#include <cmath>
#include <cstdio>

#include "aiperf/export/export.h"
#include "aiperf/study/runner.h"

namespace aiperf::study {
namespace {

using exporter::TextTable;

std::string cell(std::optional<double> v, int decimals = 2) {
  if (!v || !std::isfinite(*v)) return "N/A";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, *v);
  return buf;
}

std::string percent(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f%%", v * 100);
  return buf;
}

void print(const std::string& text) {
  std::fputs(text.c_str(), stdout);
  std::fflush(stdout);
}

}  // namespace

void print_confidence_summary(const AggregateResult& a) {
  const double level = a.metadata.value("confidence_level", 0.95);
  TextTable t;
  t.title = std::string(exporter::kConsoleTitle) + " | Aggregate of " +
            std::to_string(a.num_successful_runs) + " of " + std::to_string(a.num_runs) +
            " runs (" + cell(level * 100, 0) + "% confidence)";
  t.columns = {
      {"Metric", TextTable::Justify::kLeft}, {"mean"}, {"std"}, {"cv"}, {"ci_low"}, {"ci_high"}};
  for (const char* tag : {"request_throughput", "time_to_first_token", "inter_token_latency",
                          "request_latency", "output_token_throughput"}) {
    for (const char* stat : {"avg", "p99"}) {
      const ConfidenceMetric* m = a.find(std::string(tag) + "_" + stat);
      if (!m) continue;
      const ConfidenceStats& s = m->stats;
      t.rows.push_back({m->key + " (" + m->unit + ")", cell(s.mean), cell(s.std),
                        std::isfinite(s.cv) ? percent(s.cv) : "N/A", cell(s.ci_low),
                        cell(s.ci_high)});
    }
  }
  if (!t.rows.empty()) print(std::string("\n").append(t.render()));
}

void print_sweep_summary(const SweepAggregate& a) {
  auto on_front = [](const nlohmann::ordered_json& front, const nlohmann::ordered_json& p) {
    for (const auto& f : front) {
      if (f == p) return true;
    }
    return false;
  };
  TextTable t;
  t.title = std::string(exporter::kConsoleTitle) + " | Sweep of " +
            std::to_string(a.combinations.size()) + " points";
  for (const auto& name : a.parameter_names) t.columns.push_back({name});
  for (const char* h : {"Request Throughput (req/s)", "TTFT p99 (ms)", "ITL avg (ms)",
                        "Output TPS/User (tok/s)", "Pareto"}) {
    t.columns.push_back({h});
  }
  for (const auto& c : a.combinations) {
    std::vector<std::string> row;
    for (const auto& name : a.parameter_names) row.push_back(python_str(c.parameters[name]));
    auto mean = [&](const char* key) -> std::optional<double> {
      const ConfidenceMetric* m = c.find(key);
      return m ? std::optional<double>(m->stats.mean) : std::nullopt;
    };
    row.push_back(cell(mean("request_throughput_avg")));
    row.push_back(cell(mean("time_to_first_token_p99")));
    row.push_back(cell(mean("inter_token_latency_avg")));
    row.push_back(cell(mean("output_token_throughput_per_user_avg")));
    std::string marks;
    if (on_front(a.pareto_optimal, c.parameters)) marks += "latency";
    if (on_front(a.pareto_optimal_interactivity, c.parameters)) {
      marks += marks.empty() ? "interactivity" : ", interactivity";
    }
    row.push_back(marks.empty() ? "-" : marks);
    t.rows.push_back(std::move(row));
  }
  std::string text = std::string("\n").append(t.render());
  for (const auto& [name, best] : a.best_configurations.items()) {
    std::string params;
    for (const auto& [k, v] : best["parameters"].items()) {
      params += (params.empty() ? "" : ", ") + k + "=" + python_str(v);
    }
    text += name + ": " + params + " (" +
            cell(best["metric"].is_number() ? std::optional<double>(best["metric"].get<double>())
                                            : std::nullopt) +
            " " + best["unit"].get<std::string>() + ")\n";
  }
  print(text);
}

void print_search_summary(const SearchOutcome& o, const StudyPlan& plan,
                          const std::vector<RunResult>& runs) {
  const bool conc = plan.settings().search == config::SearchParameter::kConcurrency;
  TextTable t;
  t.title = std::string(exporter::kConsoleTitle) + " | Capacity search (" +
            std::string(config::to_string(plan.settings().search)) + ")";
  t.columns = {{"#"},
               {conc ? "Concurrency" : "Request Rate (req/s)"},
               {"Goodput Fraction"},
               {"Verdict", TextTable::Justify::kLeft},
               {"Phase", TextTable::Justify::kLeft},
               {"Request Throughput (req/s)"}};
  for (size_t i = 0; i < o.probes.size(); ++i) {
    const SearchProbe& p = o.probes[i];
    t.rows.push_back(
        {std::to_string(i + 1), cell(p.load, conc ? 0 : 2), cell(p.fraction, 4),
         p.pass ? "pass" : "fail", p.phase,
         i < runs.size() ? cell(runs[i].summary.value("request_throughput", "avg")) : "N/A"});
  }
  std::string slo;
  for (const auto& [tag, v] : plan.base.goodput) {
    slo += (slo.empty() ? "" : " ") + tag + ":" + cell(v, 2);
  }
  std::string text = std::string("\n").append(t.render());
  char buf[512];
  if (o.capacity) {
    std::snprintf(
        buf, sizeof buf, "Capacity: %s %s keeps >= %.4g of requests within the SLOs (%s)\n",
        cell(*o.capacity, conc ? 0 : 2).c_str(), conc ? "concurrent requests" : "requests/sec",
        plan.settings().search_target, slo.c_str());
  } else {
    std::snprintf(buf, sizeof buf, "Capacity: none found (no probe kept >= %.4g within %s)\n",
                  plan.settings().search_target, slo.c_str());
  }
  text += buf;
  if (o.capacity && o.first_fail) {
    text += "Knee: between " + cell(*o.capacity, conc ? 0 : 2) + " (meets) and " +
            cell(*o.first_fail, conc ? 0 : 2) + " (misses)\n";
  }
  text += "Stopped: " + o.stop_reason + "\n";
  print(text);
}

void print_files(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string text;
  for (const auto& [label, path] : files) text += label + ": " + path + "\n";
  if (!text.empty()) print(text);
}

}  // namespace aiperf::study
