#include "aiperf/study/search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace aiperf::study {
namespace {

std::string load_text(const SearchSpec& spec, double load) {
  char buf[64];
  if (spec.integer) {
    std::snprintf(buf, sizeof buf, "%.0f", load);
  } else {
    std::snprintf(buf, sizeof buf, "%.4g", load);
  }
  return buf;
}

}  // namespace

double search_resolution(const SearchSpec& spec, double lo) {
  if (spec.resolution) return *spec.resolution;
  return spec.integer ? 1.0 : std::max(0.05 * lo, 1e-6);
}

SearchOutcome run_search(const SearchSpec& spec, const ProbeFn& probe) {
  SearchOutcome out;
  // Returns false when the probe budget is spent or the probe asked to stop.
  auto measure = [&](double load, const char* phase, bool& pass) {
    if (int(out.probes.size()) >= spec.max_probes) {
      out.stop_reason =
          "probe budget spent (--search-max-probes " + std::to_string(spec.max_probes) + ")";
      return false;
    }
    std::optional<double> f = probe(load);
    if (!f) {
      out.interrupted = true;
      out.stop_reason = "interrupted";
      return false;
    }
    pass = *f >= spec.target;
    out.probes.push_back({load, *f, pass, phase});
    return true;
  };
  // Bracketing: double until a probe misses the target or the maximum load passes.
  double load = spec.integer ? std::round(spec.start) : spec.start;
  std::optional<double> lo, hi;
  for (;;) {
    bool pass = false;
    if (!measure(load, "bracket", pass)) break;
    if (!pass) {
      hi = load;
      break;
    }
    lo = load;
    if (load >= spec.max) {
      out.stop_reason = "the largest load (--search-max " + load_text(spec, spec.max) +
                        ") still meets the target";
      break;
    }
    double next = std::min(load * 2, spec.max);
    if (spec.integer) next = std::max(std::floor(next), load + 1);
    load = next;
  }
  if (hi && !lo) {
    out.stop_reason = "the first load (" + load_text(spec, load) +
                      ") already misses the target; lower --search-start";
  }
  // Bisection between the largest passing and the smallest failing load.
  while (lo && hi && out.stop_reason.empty()) {
    const double res = search_resolution(spec, *lo);
    double mid = (*lo + *hi) / 2;
    if (spec.integer) mid = std::floor(mid);
    if (*hi - *lo <= res || mid <= *lo || mid >= *hi) {
      out.stop_reason = "resolution reached: " + load_text(spec, *lo) + " meets the target, " +
                        load_text(spec, *hi) + " misses it";
      break;
    }
    bool pass = false;
    if (!measure(mid, "bisect", pass)) break;
    (pass ? lo : hi) = mid;
  }
  out.capacity = lo;
  out.first_fail = hi;
  return out;
}

}  // namespace aiperf::study
