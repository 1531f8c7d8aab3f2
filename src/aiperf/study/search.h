// The capacity search (our extension; docs/study.md): the largest load whose goodput fraction
// stays >= a target, found by bracketing (doubling from a start load until a probe misses) and
// then bisection, assuming the fraction does not rise with the load. Pure logic: a probe is a
// function, so the algorithm is tested on synthetic response curves; the study runs each
// probe as a full run. Private to the study stage.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace aiperf::study {

struct SearchSpec {
  bool integer = true;  // concurrency: whole loads
  double start = 1;
  double max = 4096;
  /// Stop once the passing and the failing load are this close. Unset: 1 for integer loads,
  /// 5% of the passing load for real ones.
  std::optional<double> resolution;
  double target = 0.9;  // a probe passes when its goodput fraction >= target
  int max_probes = 20;
};

struct SearchProbe {
  double load = 0;
  double fraction = 0;  // goodput fraction measured
  bool pass = false;
  std::string phase;  // "bracket" or "bisect"
};

struct SearchOutcome {
  std::optional<double> capacity;    // largest load that passed
  std::optional<double> first_fail;  // smallest load that failed above it (the knee's far side)
  std::vector<SearchProbe> probes;
  std::string stop_reason;  // one line
  bool interrupted = false;
};

/// Measures one load: its goodput fraction, or nullopt to stop the search (Ctrl-C).
using ProbeFn = std::function<std::optional<double>(double load)>;

SearchOutcome run_search(const SearchSpec& spec, const ProbeFn& probe);

/// The resolution used at a passing load `lo`.
double search_resolution(const SearchSpec& spec, double lo);

}  // namespace aiperf::study
