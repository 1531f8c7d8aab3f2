// Cross-option rules of the Multi-Run flags (spec §1.4, §8.1) and of our capacity search, run
// before the other resolve() steps. Messages quote AIPerf's where it has one.
#include <cmath>
#include <vector>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"

namespace aiperf::config::detail {
namespace {

std::string typed(const ParseState& st, std::string_view primary) {
  for (const auto& [p, t] : st.typed) {
    if (p == primary) return t;
  }
  return std::string(primary);
}

/// --concurrency-start/-end/-step: the range becomes the --concurrency sweep list.
void resolve_concurrency_range(ParseState& st) {
  StudyConfig& s = st.cfg.study;
  if (!s.concurrency_start && !s.concurrency_end && !s.concurrency_step) return;
  if (!s.concurrency_start || !s.concurrency_end) {
    throw ConfigError(
        "--concurrency-start and --concurrency-end must be given together "
        "(--concurrency-step is optional, default 1)");
  }
  if (st.given("--concurrency")) {
    throw ConfigError("--concurrency-start/-end/-step and " + typed(st, "--concurrency") +
                      " cannot be used together; pass one form of the concurrency sweep");
  }
  const int64_t start = *s.concurrency_start, end = *s.concurrency_end;
  const int64_t step = s.concurrency_step.value_or(1);
  if (end < start) {
    throw ConfigError("--concurrency-end (" + std::to_string(end) +
                      ") must be >= --concurrency-start (" + std::to_string(start) + ")");
  }
  if ((end - start) / step + 1 > 1000) {
    throw ConfigError("--concurrency-start/-end/-step make " +
                      std::to_string((end - start) / step + 1) +
                      " points; at most 1000 (use a larger --concurrency-step)");
  }
  st.cfg.concurrency = start;
  if (start + step > end) return;  // one point: a plain run
  SweepParameter p;
  p.path = "phases.profiling.concurrency";
  p.flag = "--concurrency";
  for (int64_t c = start; c <= end; c += step) {
    p.values.push_back({std::to_string(c), double(c), true});
  }
  s.sweep.insert(s.sweep.begin(), std::move(p));
}

void check_zip(const ParseState& st) {
  const StudyConfig& s = st.cfg.study;
  if (s.sweep_type != SweepType::kZip || s.sweep.size() < 2) return;
  std::string lengths;
  bool equal = true;
  for (const auto& p : s.sweep) {
    lengths +=
        (lengths.empty() ? "" : ", ") + typed(st, p.flag) + ": " + std::to_string(p.values.size());
    equal = equal && p.values.size() == s.sweep.front().values.size();
  }
  if (!equal) {
    throw ConfigError("--sweep-type zip: zip sweep parameters must all have equal length; got " +
                      lengths + " values");
  }
}

void check_convergence(ParseState& st) {
  StudyConfig& s = st.cfg.study;
  if (!s.convergence_metric) {
    for (const char* f : {"--convergence-stat", "--convergence-threshold", "--convergence-mode"}) {
      if (st.given(f)) {
        st.cfg.warnings.push_back(typed(st, f) +
                                  " has no effect without --convergence-metric; ignored");
      }
    }
    return;
  }
  if (s.num_profile_runs <= 1) {
    throw ConfigError(
        "--convergence-metric requires --num-profile-runs > 1. Set --num-profile-runs to at "
        "least 2 to enable adaptive convergence.");
  }
  if (s.convergence_mode == ConvergenceMode::kDistribution &&
      st.cfg.export_level == ExportLevel::kSummary) {
    throw ConfigError(
        "--convergence-mode distribution requires per-request JSONL data, but --export-level is "
        "set to 'summary'. Use --export-level records or --export-level raw.");
  }
}

void check_search(ParseState& st) {
  StudyConfig& s = st.cfg.study;
  if (s.search == SearchParameter::kNone) {
    for (const char* f : {"--search-target", "--search-resolution", "--search-start",
                          "--search-max", "--search-max-probes"}) {
      if (st.given(f)) {
        throw ConfigError(typed(st, f) +
                          " applies to a capacity search; pass --search concurrency|request-rate "
                          "or drop it");
      }
    }
    return;
  }
  const std::string search = typed(st, "--search");
  if (st.cfg.goodput.empty()) {
    throw ConfigError(search +
                      " needs --goodput SLOs (e.g. --goodput \"inter_token_latency:10\"): a load "
                      "passes when the share of requests meeting them is >= --search-target");
  }
  if (s.is_sweep()) {
    throw ConfigError(search +
                      " varies the load itself; it cannot be combined with a parameter "
                      "sweep (" +
                      typed(st, s.sweep.front().flag) + " with several values)");
  }
  if (s.num_profile_runs > 1) {
    throw ConfigError(search + " runs one probe per load; drop " + typed(st, "--num-profile-runs"));
  }
  const bool conc = s.search == SearchParameter::kConcurrency;
  const char* varied = conc ? "--concurrency" : "--request-rate";
  if (st.given(varied)) {
    throw ConfigError(search + " " + to_string(s.search) + " chooses " + varied + " itself; drop " +
                      typed(st, varied));
  }
  std::vector<const char*> clashes = {"--user-centric-rate", "--fixed-schedule"};
  if (conc) clashes.push_back("--request-rate");
  for (const char* f : clashes) {
    if (st.given(f)) {
      throw ConfigError(search + " " + to_string(s.search) + " cannot be used with " +
                        typed(st, f) + "; drop one of them");
    }
  }
  const double start = s.search_start.value_or(1.0);
  if (conc && start != std::floor(start)) {
    throw ConfigError(typed(st, "--search-start") +
                      ": must be a whole number of concurrent requests with --search "
                      "concurrency");
  }
  if (conc && s.search_resolution && *s.search_resolution < 1) {
    throw ConfigError(typed(st, "--search-resolution") +
                      ": must be >= 1 with --search concurrency (whole requests)");
  }
  if (s.search_max && *s.search_max < start) {
    throw ConfigError(typed(st, "--search-max") + " must be >= --search-start (" +
                      std::to_string(start) + ")");
  }
}

void warn_unused(ParseState& st) {
  const StudyConfig& s = st.cfg.study;
  auto warn = [&](const char* f, const char* why) {
    if (st.given(f)) st.cfg.warnings.push_back(typed(st, f) + " " + why + "; ignored");
  };
  if (s.num_profile_runs <= 1) {
    for (const char* f : {"--profile-run-cooldown-seconds", "--vary-seed-per-trial",
                          "--profile-run-disable-warmup-after-first",
                          "--no-profile-run-disable-warmup-after-first"}) {
      warn(f, "only applies with --num-profile-runs > 1");
    }
  }
  if (!s.is_sweep()) {
    for (const char* f : {"--parameter-sweep-cooldown-seconds", "--parameter-sweep-same-seed",
                          "--parameter-sweep-mode", "--sweep-type"}) {
      // A config file's `sweep:` settings belong to the file's own sweep (its variations are
      // expanded before the options are read, so the options hold no list).
      if (st.cfg.config_file_study || typed(st, f).rfind("sweep.", 0) == 0) continue;
      warn(f, "only applies to a parameter sweep (a list-valued flag such as --concurrency 1,2,4)");
    }
  }
}

}  // namespace

void resolve_study(ParseState& st) {
  if (st.study_point) {
    st.cfg.study = StudyConfig{};  // one point of a study is a plain run
    return;
  }
  for (const auto& [p, t] : st.typed) {
    if ((p == "--set-consistent-seed" && st.given("--no-set-consistent-seed")) ||
        (p == "--vary-seed-per-trial" && st.given("--no-vary-seed-per-trial")) ||
        (p == "--parameter-sweep-same-seed" && st.given("--no-parameter-sweep-same-seed")) ||
        (p == "--profile-run-disable-warmup-after-first" &&
         st.given("--no-profile-run-disable-warmup-after-first"))) {
      throw ConfigError(t + " and its --no- form cannot be used together; pass one");
    }
  }
  resolve_concurrency_range(st);
  check_zip(st);
  check_convergence(st);
  check_search(st);
  warn_unused(st);
  StudyConfig& s = st.cfg.study;
  // Every run of a study sends the same workload unless asked otherwise (spec §8.1).
  if (s.active() && s.set_consistent_seed && !st.cfg.random_seed) st.cfg.random_seed = 42;
}

}  // namespace aiperf::config::detail
