// Arrival patterns of the request-rate family (spec §3.4): each yields the gap between two
// consecutive credit target times. The rate scheduler adds the gaps to an absolute target on the
// monotonic clock, so gaps never accumulate rounding or sleep error.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"

namespace aiperf::schedule {

struct PhaseSpec;  // schedule.h

/// One arrival pattern's interval sampler. next_*() is called by one thread (the scheduler);
/// set_rate() may be called from any thread (a ramp) and takes effect from the next draw.
class IntervalGenerator {
 public:
  virtual ~IntervalGenerator() = default;
  /// The next gap in seconds (>= 0).
  virtual double next_s() = 0;
  /// The next gap in nanoseconds (next_s() rounded to the nearest ns).
  int64_t next_ns();
  /// Requests per second; > 0 (ignored by concurrency_burst). Throws std::invalid_argument
  /// otherwise.
  void set_rate(double rate_per_s);
  double rate() const { return rate_.load(std::memory_order_relaxed); }
  virtual config::ArrivalPattern pattern() const = 0;

 protected:
  explicit IntervalGenerator(double rate_per_s) : rate_(rate_per_s) {}
  std::atomic<double> rate_;
};

/// Gap = exactly 1/rate.
class ConstantIntervals final : public IntervalGenerator {
 public:
  explicit ConstantIntervals(double rate_per_s);
  double next_s() override { return 1.0 / rate(); }
  config::ArrivalPattern pattern() const override { return config::ArrivalPattern::kConstant; }
};

/// Gap ~ Exponential(rate): a Poisson process, mean 1/rate, CV 1.
class PoissonIntervals final : public IntervalGenerator {
 public:
  PoissonIntervals(double rate_per_s, Rng rng);
  double next_s() override { return rng_.exponential(rate()); }
  config::ArrivalPattern pattern() const override { return config::ArrivalPattern::kPoisson; }

 private:
  Rng rng_;
};

/// Gap ~ Gamma(shape = smoothness, scale = 1/(rate * smoothness)): mean 1/rate, CV
/// 1/sqrt(smoothness). Smoothness 1 is Poisson; < 1 burstier; > 1 more regular (vLLM's
/// --burstiness convention).
class GammaIntervals final : public IntervalGenerator {
 public:
  GammaIntervals(double rate_per_s, double smoothness, Rng rng);
  double next_s() override;
  double smoothness() const { return smoothness_; }
  config::ArrivalPattern pattern() const override { return config::ArrivalPattern::kGamma; }

 private:
  double smoothness_;
  Rng rng_;
};

/// Gap 0: throughput is limited only by session slots (concurrency-only mode).
class ConcurrencyBurstIntervals final : public IntervalGenerator {
 public:
  ConcurrencyBurstIntervals() : IntervalGenerator(0.0) {}
  double next_s() override { return 0.0; }
  config::ArrivalPattern pattern() const override {
    return config::ArrivalPattern::kConcurrencyBurst;
  }
};

/// RNG stream identifiers (spec §4.1).
inline constexpr std::string_view kPoissonStream = "timing.request.poisson_interval";
inline constexpr std::string_view kGammaStream = "timing.request.gamma_interval";

/// Build a generator for `pattern`. Poisson draws from stream kPoissonStream, gamma from
/// kGammaStream; constant and concurrency_burst draw nothing. Throws ConfigError (one line
/// naming the flag) when rate <= 0 for a rate pattern or smoothness <= 0 for gamma.
std::unique_ptr<IntervalGenerator> make_interval_generator(config::ArrivalPattern pattern,
                                                           double rate_per_s, double smoothness,
                                                           const RngManager& rngs);

/// From the run config: concurrency mode (no --request-rate) -> concurrency_burst; otherwise
/// --arrival-pattern at --request-rate (with --arrival-smoothness for gamma).
std::unique_ptr<IntervalGenerator> make_interval_generator(const config::Config& cfg,
                                                           const RngManager& rngs);

/// For one phase: concurrency mode -> concurrency_burst; request-rate mode -> spec.arrival at
/// spec.rate (spec.smoothness for gamma).
std::unique_ptr<IntervalGenerator> make_interval_generator(const PhaseSpec& spec,
                                                           const RngManager& rngs);

/// The registry table of arrival patterns (DESIGN §5), for `aiperf plugins` and help text.
struct ArrivalPatternInfo {
  std::string_view name;  // CLI name
  config::ArrivalPattern pattern;
  std::string_view description;
};
const std::vector<ArrivalPatternInfo>& arrival_patterns();
/// Look a CLI name up in arrival_patterns(); nullopt if unknown.
std::optional<config::ArrivalPattern> parse_arrival_pattern(std::string_view name);

}  // namespace aiperf::schedule
