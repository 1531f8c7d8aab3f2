#include "aiperf/study/convergence.h"

#include <cmath>
#include <cstdio>

#include "aiperf/study/statistics.h"

namespace aiperf::study {
namespace {

std::vector<double> stat_values(const config::StudyConfig& s,
                                const std::vector<RunResult>& history) {
  std::vector<double> values;
  for (const auto& r : history) {
    if (!r.success) continue;
    if (auto v = r.summary.value(*s.convergence_metric, s.convergence_stat)) values.push_back(*v);
  }
  return values;
}

std::string describe(const char* what, double value, double threshold, bool ok) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s %.4g %s %.4g", what, value, ok ? "<" : ">=", threshold);
  return buf;
}

}  // namespace

double default_threshold(config::ConvergenceMode mode) {
  return mode == config::ConvergenceMode::kCiWidth ? 0.10 : 0.05;
}

bool is_converged(const config::StudyConfig& s, const std::vector<RunResult>& history,
                  std::string* why) {
  if (!s.convergence_metric) return false;
  const double thr = s.convergence_threshold.value_or(default_threshold(s.convergence_mode));
  std::string note;
  bool ok = false;
  if (s.convergence_mode == config::ConvergenceMode::kDistribution) {
    std::vector<const RunResult*> usable;
    for (const auto& r : history) {
      if (r.success && !r.records_jsonl.empty()) usable.push_back(&r);
    }
    if (usable.size() < size_t(kConvergenceMinRuns)) return false;
    std::vector<double> a,
        b = load_record_metric(usable.back()->records_jsonl, *s.convergence_metric);
    for (size_t i = 0; i + 1 < usable.size(); ++i) {
      auto v = load_record_metric(usable[i]->records_jsonl, *s.convergence_metric);
      a.insert(a.end(), v.begin(), v.end());
    }
    if (a.size() < 2 || b.size() < 2) return false;
    const double p = ks_2samp(a, b).pvalue;
    ok = p > thr;
    char buf[160];
    std::snprintf(buf, sizeof buf, "KS p-value %.4g %s %.4g", p, ok ? ">" : "<=", thr);
    note = buf;
  } else {
    std::vector<double> values = stat_values(s, history);
    if (values.size() < size_t(kConvergenceMinRuns)) return false;
    double mean = 0;
    for (double v : values) mean += v;
    mean /= double(values.size());
    if (mean == 0) return false;
    const double sd = sample_std(values);
    if (s.convergence_mode == config::ConvergenceMode::kCv) {
      const double cv = sd / std::fabs(mean);
      ok = cv < thr;
      note = describe("cv", cv, thr, ok);
    } else {
      const double se = sd / std::sqrt(double(values.size()));
      const double t = t_critical(s.confidence_level, int64_t(values.size()) - 1);
      const double ratio = 2 * t * se / std::fabs(mean);
      ok = ratio < thr;
      note = describe("CI width / mean", ratio, thr, ok);
    }
  }
  if (why) *why = note;
  return ok;
}

bool should_continue(const config::StudyConfig& s, const std::vector<RunResult>& history,
                     std::string* why) {
  const int n = int(history.size());
  if (n >= s.num_profile_runs) return false;
  if (!s.convergence_metric || n < kConvergenceMinRuns) return true;
  return !is_converged(s, history, why);
}

}  // namespace aiperf::study
