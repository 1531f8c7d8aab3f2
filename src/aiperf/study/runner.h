// The study runner's parts shared by its files (runner.cpp: repeated runs and sweeps;
// search_runner.cpp: the capacity search; console.cpp: what the study prints). Private.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "aiperf/study/aggregate.h"
#include "aiperf/study/run_result.h"
#include "aiperf/study/search.h"
#include "aiperf/study/study.h"
#include "aiperf/study/sweep.h"

namespace aiperf::study {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInterrupted = 130;

/// Runs one point; owns the Ctrl-C bookkeeping of the study.
class PointRunner {
 public:
  PointRunner(const StudyPlan& plan, const StudyOptions& opts);
  /// Runs `cfg` in `dir` as run `trial` of `var`. A run that could not start (a rejected
  /// configuration or input, an unreachable server) sets setup_failed() and the exit code.
  RunResult run(config::Config cfg, const Variation& var, int trial, const std::string& dir);
  /// Ctrl-C since the study started.
  bool interrupted() const;
  /// Sleeps `seconds`, waking early on Ctrl-C; false when interrupted.
  bool cooldown(double seconds) const;
  bool setup_failed() const { return setup_rc_ != 0; }
  int setup_rc() const { return setup_rc_; }
  int runs_started() const { return started_; }

 private:
  const StudyPlan& plan_;
  StudyOptions opts_;
  int sig0_ = 0;
  std::string sweep_id_;  // one UUID for every run of the study (run_info.sweep_id)
  int setup_rc_ = 0;
  int started_ = 0;
  bool run_interrupted_ = false;
};

/// "run_0001" for trial 0.
std::string run_label(int trial);

/// The capacity search (search_runner.cpp).
int run_capacity_search(const StudyPlan& plan, PointRunner& runner, const StudyOptions& opts);

// console.cpp: summaries on stdout, AIPerf's wording where it has one.
void print_confidence_summary(const AggregateResult& a);
void print_sweep_summary(const SweepAggregate& a);
void print_search_summary(const SearchOutcome& o, const StudyPlan& plan,
                          const std::vector<RunResult>& probes);
void print_files(const std::vector<std::pair<std::string, std::string>>& files);

}  // namespace aiperf::study
