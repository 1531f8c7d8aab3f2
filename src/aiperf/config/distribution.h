// AIPerf's sampling distributions for sequence lengths (its config files' `isl` / `osl`, spec
// §9.6): fixed, normal, log-normal (mean and median), a weighted mixture of peaks, and an
// empirical list of weighted values, each optionally clamped to [min, max]. The shape is read
// from the keys, as AIPerf reads it (scalar → fixed; peaks → multimodal; points → empirical;
// median → log-normal; stddev or mean → normal; value → fixed). On the command line they come in
// as JSON through --isl-distribution / --osl-distribution (our extension; config files map their
// non-normal `isl` / `osl` there).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/common/rng.h"

namespace aiperf::config {

struct Distribution {
  enum class Kind { kFixed, kNormal, kLogNormal, kMultimodal, kEmpirical };
  Kind kind = Kind::kFixed;
  double value = 0;                                    // fixed
  double mean = 0, stddev = 0;                         // normal; log-normal's mean
  double median = 0;                                   // log-normal
  std::vector<std::pair<double, Distribution>> peaks;  // (weight, peak), >= 2
  std::vector<std::pair<double, double>> points;       // (value, weight), >= 1
  std::optional<double> min, max;                      // inclusive clamps

  /// One draw (clamped): normal draws again while negative (spec §4.1), log-normal is
  /// exp(N(ln median, sqrt(2 ln(mean/median)))), a mixture picks a peak by weight.
  double sample(Rng& rng) const;
  /// A length: max(1, ceil(sample)).
  int64_t sample_length(Rng& rng) const;
  /// The analytic mean (unclamped), for displays and the summary's input_config.
  double expected_value() const;
  /// The JSON it was read from, in canonical form (the effective config writes it back).
  nlohmann::ordered_json to_json() const;
  bool operator==(const Distribution&) const = default;  // Config's equality (tests)
};

/// Reads a distribution from JSON text (AIPerf's keys); throws ConfigError naming `flag` and
/// what is wrong (unknown key, median > mean, fewer than two peaks, min > max, ...).
Distribution parse_distribution(std::string_view flag, const std::string& json_text);

}  // namespace aiperf::config
