// Early stop of repeated runs (spec §8.1 "adaptive convergence"): after each run of a point,
// AIPerf's criteria decide whether the chosen metric has settled. Private to the study stage.
#pragma once
#include <string>
#include <vector>

#include "aiperf/config/study_config.h"
#include "aiperf/study/run_result.h"

namespace aiperf::study {

/// Runs a point makes at least before a criterion is consulted (AIPerf's default min_runs).
inline constexpr int kConvergenceMinRuns = 2;

/// The threshold of a mode when --convergence-threshold is not given: ci_width 0.10, cv 0.05,
/// distribution 0.05 (KS p-value).
double default_threshold(config::ConvergenceMode mode);

/// Whether `history` (every run of one point so far, in order) has converged:
///   ci_width: 2·t·se / |mean| of the metric's stat over the successful runs < threshold;
///   cv: sample std / |mean| < threshold;
///   distribution: the KS p-value of the last successful run's per-request values against the
///   earlier ones' pooled > threshold.
/// False with fewer than kConvergenceMinRuns usable runs, a zero mean or missing data. `why`
/// (optional) gets a one-line account of the decision.
bool is_converged(const config::StudyConfig& s, const std::vector<RunResult>& history,
                  std::string* why = nullptr);

/// AIPerf's AdaptiveStrategy.should_continue: below --num-profile-runs runs and not converged.
bool should_continue(const config::StudyConfig& s, const std::vector<RunResult>& history,
                     std::string* why = nullptr);

}  // namespace aiperf::study
