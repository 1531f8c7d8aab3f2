// Study plans: the sweep expanded and every point's Config built and checked before anything
// runs (bad input exits 2 with one line, DESIGN §4).
#include <cstdio>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/study/aggregate.h"
#include "aiperf/study/study.h"
#include "aiperf/study/sweep.h"

namespace aiperf::study {

PointBuilder cli_point_builder(const config::Config& cfg) {
  return [cfg](const std::vector<PointValue>& values) {
    std::vector<std::pair<std::string, std::string>> v;
    for (const auto& pv : values) v.emplace_back(pv.path, pv.value.text);
    return config::parse_profile_point(cfg, v);
  };
}

StudyPlan make_study_plan(const config::Config& cfg, PointBuilder builder) {
  const config::StudyConfig& s = cfg.study;
  if (s.is_sweep() && cfg.timing_mode == config::TimingMode::kFixedSchedule) {
    const auto& p = s.sweep.front();
    std::string joined;
    for (const auto& v : p.values) joined += (joined.empty() ? "" : ",") + v.text;
    throw ConfigError("Parameter sweeps (e.g., " + p.flag + " " + joined +
                      ") cannot be used with --fixed-schedule mode (including the "
                      "auto-promotion of trace datasets with per-record timestamps): the trace "
                      "sets the timing. Use a single value, or pass --no-fixed-schedule to keep "
                      "your rate/concurrency mode and ignore the trace timestamps.");
  }
  (void)metrics::make_run_context(cfg);  // --goodput tags (AIPerf's messages)
  if (s.convergence_metric && !metrics::find_metric(*s.convergence_metric)) {
    throw ConfigError("--convergence-metric: unknown metric tag '" + *s.convergence_metric +
                      "' (e.g. time_to_first_token, request_latency, inter_token_latency)");
  }
  StudyPlan plan;
  plan.base = cfg;
  plan.base_dir = cfg.artifact_dir;
  plan.build_point = std::move(builder);
  plan.variations = expand_sweep(s);
  for (const auto& var : plan.variations) {
    try {
      plan.configs.push_back(plan.build_point(var.values));
    } catch (const ConfigError& e) {
      if (var.values.empty()) throw;
      throw ConfigError("sweep point " + var.label + ": " + e.what());
    }
  }
  if (plan.is_search()) {
    // The first probe's configuration, so a rule it breaks is reported before anything runs.
    const bool conc = s.search == config::SearchParameter::kConcurrency;
    config::SweepValue v;
    v.number = s.search_start.value_or(1.0);
    v.integer = conc;
    v.text = conc ? std::to_string(int64_t(v.number)) : python_float(v.number);
    plan.build_point({{conc ? "phases.profiling.concurrency" : "phases.profiling.rate", v}});
  }
  return plan;
}

int run_study_cli(const config::Config& cfg, const StudyOptions& opts) {
  StudyPlan plan;
  try {
    plan = make_study_plan(cfg, cli_point_builder(cfg));
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return 2;
  }
  return run_study(plan, opts);
}

}  // namespace aiperf::study
