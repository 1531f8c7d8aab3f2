#include "aiperf/schedule/arrival.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/schedule/schedule.h"

namespace aiperf::schedule {

namespace {

void check_rate(double rate_per_s) {
  if (!(rate_per_s > 0.0) || !std::isfinite(rate_per_s)) {
    throw std::invalid_argument("arrival rate must be a finite number > 0, got " +
                                std::to_string(rate_per_s));
  }
}

}  // namespace

int64_t IntervalGenerator::next_ns() {
  return std::llround(next_s() * 1e9);
}

void IntervalGenerator::set_rate(double rate_per_s) {
  if (pattern() != config::ArrivalPattern::kConcurrencyBurst) check_rate(rate_per_s);
  rate_.store(rate_per_s, std::memory_order_relaxed);
}

ConstantIntervals::ConstantIntervals(double rate_per_s) : IntervalGenerator(rate_per_s) {
  check_rate(rate_per_s);
}

PoissonIntervals::PoissonIntervals(double rate_per_s, Rng rng)
    : IntervalGenerator(rate_per_s), rng_(rng) {
  check_rate(rate_per_s);
}

GammaIntervals::GammaIntervals(double rate_per_s, double smoothness, Rng rng)
    : IntervalGenerator(rate_per_s), smoothness_(smoothness), rng_(rng) {
  check_rate(rate_per_s);
  if (!(smoothness > 0.0) || !std::isfinite(smoothness)) {
    throw std::invalid_argument("gamma smoothness must be a finite number > 0");
  }
}

double GammaIntervals::next_s() {
  return rng_.gamma(smoothness_, 1.0 / (rate() * smoothness_));
}

std::unique_ptr<IntervalGenerator> make_interval_generator(config::ArrivalPattern pattern,
                                                           double rate_per_s, double smoothness,
                                                           const RngManager& rngs) {
  using config::ArrivalPattern;
  if (pattern == ArrivalPattern::kConcurrencyBurst) {
    return std::make_unique<ConcurrencyBurstIntervals>();
  }
  if (!(rate_per_s > 0.0) || !std::isfinite(rate_per_s)) {
    throw ConfigError("--request-rate must be a number > 0 (got " + std::to_string(rate_per_s) +
                      ")");
  }
  switch (pattern) {
    case ArrivalPattern::kConstant:
      return std::make_unique<ConstantIntervals>(rate_per_s);
    case ArrivalPattern::kPoisson:
      return std::make_unique<PoissonIntervals>(rate_per_s, rngs.derive(kPoissonStream));
    case ArrivalPattern::kGamma:
      if (!(smoothness > 0.0) || !std::isfinite(smoothness)) {
        throw ConfigError("--arrival-smoothness must be a number > 0 (got " +
                          std::to_string(smoothness) + ")");
      }
      return std::make_unique<GammaIntervals>(rate_per_s, smoothness, rngs.derive(kGammaStream));
    case ArrivalPattern::kConcurrencyBurst:
      break;
  }
  return std::make_unique<ConcurrencyBurstIntervals>();
}

std::unique_ptr<IntervalGenerator> make_interval_generator(const config::Config& cfg,
                                                           const RngManager& rngs) {
  if (!cfg.request_rate) {
    return make_interval_generator(config::ArrivalPattern::kConcurrencyBurst, 0.0, 1.0, rngs);
  }
  return make_interval_generator(cfg.arrival_pattern, *cfg.request_rate, cfg.arrival_smoothness,
                                 rngs);
}

std::unique_ptr<IntervalGenerator> make_interval_generator(const PhaseSpec& spec,
                                                           const RngManager& rngs) {
  if (spec.mode == config::TimingMode::kConcurrency) {
    return make_interval_generator(config::ArrivalPattern::kConcurrencyBurst, 0.0, 1.0, rngs);
  }
  return make_interval_generator(spec.arrival, spec.rate, spec.smoothness, rngs);
}

const std::vector<ArrivalPatternInfo>& arrival_patterns() {
  using config::ArrivalPattern;
  static const std::vector<ArrivalPatternInfo> kTable = {
      {"constant", ArrivalPattern::kConstant, "fixed gap of 1/rate seconds"},
      {"poisson", ArrivalPattern::kPoisson, "exponential gaps with mean 1/rate (Poisson process)"},
      {"gamma", ArrivalPattern::kGamma,
       "gamma gaps, shape = --arrival-smoothness, mean 1/rate (1 = poisson, <1 burstier)"},
      {"concurrency_burst", ArrivalPattern::kConcurrencyBurst,
       "no gap: send whenever a concurrency slot is free"},
  };
  return kTable;
}

std::optional<config::ArrivalPattern> parse_arrival_pattern(std::string_view name) {
  for (const auto& info : arrival_patterns()) {
    if (info.name == name) return info.pattern;
  }
  return std::nullopt;
}

}  // namespace aiperf::schedule
