// The capacity search as a study (docs/study.md): each probe is a full run in
// search/<parameter>_<load>/, judged by its goodput fraction; search/
// profile_export_aiperf_search.json records every probe and why the search stopped.
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "aiperf/endpoint/endpoint.h"
#include "aiperf/study/runner.h"

namespace aiperf::study {
namespace {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

SearchSpec spec_of(const config::StudyConfig& s) {
  SearchSpec spec;
  spec.integer = s.search == config::SearchParameter::kConcurrency;
  spec.start = s.search_start.value_or(1.0);
  spec.max = s.search_max.value_or(spec.integer ? 4096.0 : 100000.0);
  spec.resolution = s.search_resolution;
  spec.target = s.search_target;
  spec.max_probes = s.search_max_probes;
  return spec;
}

ordered_json load_json(const SearchSpec& spec, std::optional<double> load) {
  if (!load) return nullptr;
  return spec.integer ? ordered_json(int64_t(std::llround(*load))) : ordered_json(*load);
}

ordered_json num(std::optional<double> v) {
  return v && std::isfinite(*v) ? ordered_json(*v) : ordered_json(nullptr);
}

std::string render_search_json(const StudyPlan& plan, const SearchSpec& spec,
                               const SearchOutcome& o, const std::vector<RunResult>& runs) {
  ordered_json j;
  j["schema_version"] = "1.0";
  j["aiperf_version"] = std::string(endpoint::kAiperfVersion);
  j["parameter"] = config::to_string(plan.settings().search);
  j["capacity"] = load_json(spec, o.capacity);
  j["target"] = spec.target;
  ordered_json slo = ordered_json::object();
  for (const auto& [tag, threshold] : plan.base.goodput) slo[tag] = threshold;
  j["slo"] = slo;
  j["knee"] = {{"last_pass", load_json(spec, o.capacity)},
               {"first_fail", load_json(spec, o.first_fail)}};
  j["resolution"] = search_resolution(spec, o.capacity.value_or(spec.start));
  j["start"] = load_json(spec, spec.start);
  j["max"] = load_json(spec, spec.max);
  j["stop_reason"] = o.stop_reason;
  j["interrupted"] = o.interrupted;
  ordered_json probes = ordered_json::array();
  for (size_t i = 0; i < o.probes.size(); ++i) {
    const SearchProbe& p = o.probes[i];
    ordered_json e;
    e["index"] = i + 1;
    e["load"] = load_json(spec, p.load);
    e["goodput_fraction"] = p.fraction;
    e["verdict"] = p.pass ? "pass" : "fail";
    e["phase"] = p.phase;
    if (i < runs.size()) {
      const RunResult& r = runs[i];
      e["artifact_dir"] = r.artifact_dir;
      e["request_throughput"] = num(r.summary.value("request_throughput", "avg"));
      e["goodput"] = num(r.summary.value("goodput", "avg"));
      ordered_json m = ordered_json::object();
      for (const auto& [tag, threshold] : plan.base.goodput) {
        m[tag] = num(r.summary.value(tag, "avg"));
      }
      e["slo_metrics_avg"] = m;
      if (!r.success) e["error"] = r.error;
    }
    probes.push_back(e);
  }
  j["probes"] = probes;
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

int run_capacity_search(const StudyPlan& plan, PointRunner& runner, const StudyOptions&) {
  const config::StudyConfig& s = plan.settings();
  const SearchSpec spec = spec_of(s);
  const std::string path = spec.integer ? "phases.profiling.concurrency" : "phases.profiling.rate";
  const fs::path dir = fs::path(plan.base_dir) / "search";
  std::vector<RunResult> runs;
  int setup_rc = 0;
  ProbeFn probe = [&](double load) -> std::optional<double> {
    if (!runs.empty() && !runner.cooldown(s.parameter_sweep_cooldown_s)) return std::nullopt;
    Variation var;
    var.index = int(runs.size());
    config::SweepValue v;
    v.number = load;
    v.integer = spec.integer;
    v.text = spec.integer ? std::to_string(int64_t(std::llround(load))) : python_float(load);
    var.values = {{path, v}};
    var.label = path + "=" + format_value(v);
    var.dir_name = dir_name_of(var.values);
    config::Config cfg;
    try {
      cfg = plan.build_point(var.values);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      setup_rc = kExitUsage;
      return std::nullopt;
    }
    RunResult r = runner.run(std::move(cfg), var, 0, (dir / var.dir_name).string());
    runs.push_back(r);
    if (runner.setup_failed() || runner.interrupted()) return std::nullopt;
    // A run whose every request failed met no SLO: fraction 0.
    const double f = r.success ? r.summary.value("good_request_fraction", "avg").value_or(0) : 0;
    std::fprintf(stderr, "aiperf: study: %s: goodput fraction %.4f (%s target %.4g)\n",
                 var.label.c_str(), f, f >= spec.target ? "meets" : "misses", spec.target);
    return f;
  };
  SearchOutcome o = run_search(spec, probe);
  if (runner.setup_failed()) setup_rc = runner.setup_rc();
  // A probe cut short by Ctrl-C is not a measurement.
  if (runs.size() > o.probes.size()) runs.resize(o.probes.size());
  std::vector<std::pair<std::string, std::string>> files;
  if (!o.probes.empty()) {
    try {
      files.emplace_back("Search JSON",
                         write_text(dir.string(), "profile_export_aiperf_search.json",
                                    render_search_json(plan, spec, o, runs)));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "aiperf: error: %s\n", e.what());
      return kExitFailed;
    }
  }
  print_search_summary(o, plan, runs);
  print_files(files);
  if (setup_rc) return setup_rc;
  if (o.interrupted || runner.interrupted()) return kExitInterrupted;
  return kExitOk;
}

}  // namespace aiperf::study
