#include "aiperf/schedule/shaping.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace aiperf::schedule {

// ---- Poisson ramp trajectory -------------------------------------------------------------------

std::vector<std::pair<double, double>> poisson_ramp_events(double start, double target,
                                                           double duration_s, Rng& rng) {
  std::vector<std::pair<double, double>> out;
  const double range = std::fabs(target - start);
  if (range == 0 || !(duration_s > 0)) return out;
  const double dir = target > start ? 1.0 : -1.0;
  std::vector<double> gaps;
  double total = 0;
  while (total < duration_s) {
    gaps.push_back(rng.exponential(range / duration_s));
    total += gaps.back();
  }
  const double scale = duration_s / total;
  const double step = range / double(gaps.size());
  double t = 0;
  for (size_t i = 0; i < gaps.size(); ++i) {
    t += gaps[i] * scale;
    const bool last = i + 1 == gaps.size();
    out.emplace_back(last ? duration_s : t, last ? target : start + step * double(i + 1) * dir);
  }
  return out;
}

// ---- StepRamp ---------------------------------------------------------------------------------

StepRamp::StepRamp(int64_t target, int64_t duration_ns)
    : target_(std::max<int64_t>(target, 1)), duration_ns_(std::max<int64_t>(duration_ns, 0)) {}

StepRamp::StepRamp(int64_t target, int64_t duration_ns, config::RampType type,
                   const RngManager* rngs)
    : StepRamp(target, duration_ns) {
  type_ = type;
  if (type_ != config::RampType::kPoisson || target_ <= 1) return;
  if (!rngs) throw std::invalid_argument("StepRamp: a Poisson ramp needs the run's RNG");
  Rng rng = rngs->derive(kPoissonRampStream);
  times_.reserve(size_t(target_ - 1));
  for (const auto& [t, value] :
       poisson_ramp_events(1.0, double(target_), double(duration_ns_) / 1e9, rng)) {
    const int64_t reached = std::min<int64_t>(int64_t(value + 1e-9), target_);
    const int64_t at = std::llround(t * 1e9);
    while (int64_t(times_.size()) + 1 < reached) times_.push_back(at);
  }
  while (int64_t(times_.size()) + 1 < target_) times_.push_back(duration_ns_);
}

int64_t StepRamp::step_time_ns(int64_t v) const {
  if (v <= 1 || target_ <= 1) return 0;
  v = std::min(v, target_);
  const long double progress = (long double)(v - 1) / (long double)(target_ - 1);
  switch (type_) {
    case config::RampType::kPoisson:
      return times_[size_t(v - 2)];
    case config::RampType::kExponential:
      return int64_t(std::llround((long double)duration_ns_ * std::sqrt(progress)));
    case config::RampType::kLinear:
    default:
      return int64_t(std::llround((long double)duration_ns_ * progress));
  }
}

int64_t StepRamp::value_at(int64_t elapsed_ns) const {
  if (target_ <= 1 || elapsed_ns >= duration_ns_) return target_;
  if (elapsed_ns < 0) return 1;
  if (type_ == config::RampType::kPoisson) {
    return 1 + int64_t(std::upper_bound(times_.begin(), times_.end(), elapsed_ns) - times_.begin());
  }
  // First guess from the inverse curve, then settle against the rounded step times.
  long double frac = (long double)elapsed_ns / (long double)duration_ns_;
  if (type_ == config::RampType::kExponential) frac *= frac;
  const long double guess = 1.0L + frac * (long double)(target_ - 1);
  int64_t v = std::clamp<int64_t>(int64_t(guess), 1, target_);
  while (v < target_ && step_time_ns(v + 1) <= elapsed_ns) ++v;
  while (v > 1 && step_time_ns(v) > elapsed_ns) --v;
  return v;
}

std::optional<std::pair<int64_t, int64_t>> StepRamp::next_step(int64_t elapsed_ns) const {
  int64_t v = value_at(elapsed_ns);
  if (v >= target_) return std::nullopt;
  return std::make_pair(step_time_ns(v + 1), v + 1);
}

// ---- RateSchedule -----------------------------------------------------------------------------

RateSchedule RateSchedule::constant(double rate) {
  RateSchedule s;
  s.pieces_.push_back({0, rate});
  return s;
}

RateSchedule RateSchedule::ramp(double target, double duration_s, double interval_s,
                                config::RampType type, const RngManager* rngs) {
  RateSchedule s;
  const int64_t d = std::llround(duration_s * 1e9);
  const int64_t step = std::max<int64_t>(std::llround(interval_s * 1e9), 1);
  const double start = target * (interval_s / duration_s);
  std::vector<std::pair<double, double>> events;  // Poisson: (time s, rate)
  if (type == config::RampType::kPoisson) {
    if (!rngs) throw std::invalid_argument("RateSchedule::ramp: a Poisson ramp needs the RNG");
    Rng rng = rngs->derive(kPoissonRampStream);
    events = poisson_ramp_events(start, target, duration_s, rng);
  }
  const auto rate_at = [&](int64_t t) {
    const double frac = double(t) / double(d);
    switch (type) {
      case config::RampType::kExponential:
        return start + (target - start) * frac * frac;
      case config::RampType::kPoisson: {
        auto it = std::upper_bound(events.begin(), events.end(), double(t) / 1e9,
                                   [](double x, const auto& e) { return x < e.first; });
        return it == events.begin() ? start : std::prev(it)->second;
      }
      case config::RampType::kLinear:
      default:
        return start + (target - start) * frac;
    }
  };
  s.pieces_.push_back({0, start});
  for (int64_t t = step;; t += step) {
    if (t >= d) {
      s.pieces_.push_back({t, target});
      break;
    }
    s.pieces_.push_back({t, rate_at(t)});
  }
  return s;
}

RateSchedule RateSchedule::series(const std::vector<config::Config::RateSegment>& segments) {
  RateSchedule s;
  long double t = 0;
  for (const auto& seg : segments) {
    s.pieces_.push_back({int64_t(std::llround(t)), seg.rate});
    t += (long double)seg.duration_s * 1e9L;
  }
  if (s.pieces_.empty()) s.pieces_.push_back({0, 0.0});
  return s;
}

RateSchedule RateSchedule::points(const std::vector<config::Config::RatePoint>& points,
                                  double before, std::optional<RateSchedule> ramp, double ramp_s,
                                  double interval_s) {
  RateSchedule s;
  const int64_t start = ramp ? std::llround(ramp_s * 1e9) : 0;
  if (ramp) {
    for (const Piece& p : ramp->pieces_) {
      if (p.start_ns < start) s.pieces_.push_back(p);
    }
  } else if (points.empty()) {
    s.pieces_.push_back({0, before});
  }
  const auto value_at = [&](double t) {
    if (t <= points.front().time_s) return points.front().qps;
    if (t >= points.back().time_s) return points.back().qps;
    auto r =
        std::upper_bound(points.begin(), points.end(), t,
                         [](double x, const config::Config::RatePoint& p) { return x < p.time_s; });
    auto l = std::prev(r);
    return l->qps + (r->qps - l->qps) * (t - l->time_s) / (r->time_s - l->time_s);
  };
  if (points.empty()) return s;
  const int64_t step = std::max<int64_t>(std::llround(interval_s * 1e9), 1);
  const int64_t end = std::llround(points.back().time_s * 1e9);
  for (int64_t t = 0;; t += step) {
    if (t >= end) {
      s.pieces_.push_back({start + t, points.back().qps});
      break;
    }
    s.pieces_.push_back({start + t, value_at(double(t) / 1e9)});
  }
  return s;
}

double RateSchedule::rate_at(int64_t elapsed_ns) const {
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), elapsed_ns,
                             [](int64_t t, const Piece& p) { return t < p.start_ns; });
  if (it == pieces_.begin()) return pieces_.front().rate;
  return std::prev(it)->rate;
}

int64_t RateSchedule::advance(int64_t from_ns, double work) const {
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  if (work <= 0) return from_ns;
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), from_ns,
                             [](int64_t t, const Piece& p) { return t < p.start_ns; });
  size_t i = it == pieces_.begin() ? 0 : size_t(std::prev(it) - pieces_.begin());
  long double t = (long double)from_ns;
  long double left = work;
  for (; i < pieces_.size(); ++i) {
    const double rate = pieces_[i].rate;
    const bool last = i + 1 == pieces_.size();
    if (last) {
      if (rate <= 0) return kNever;
      long double end = t + left / rate * 1e9L;
      return end >= (long double)kNever ? kNever : int64_t(std::llround(end));
    }
    const long double end = (long double)pieces_[i + 1].start_ns;
    const long double cap = rate * (end - t) / 1e9L;
    if (rate > 0 && left <= cap) return int64_t(std::llround(t + left / rate * 1e9L));
    left -= cap;
    t = end;
  }
  return kNever;
}

// ---- CancellationPolicy -----------------------------------------------------------------------

CancellationPolicy::CancellationPolicy(double rate_pct, double delay_s, const RngManager& rngs)
    : p_(rate_pct / 100.0),
      delay_ns_(std::llround(delay_s * 1e9)),
      rng_(rngs.derive(kCancellationStream)) {}

std::optional<int64_t> CancellationPolicy::draw(record::Phase phase, uint64_t index) {
  if (!rng_ || phase == record::Phase::kWarmup) return std::nullopt;
  for (; drawn_ < index; ++drawn_) rng_->uniform01();
  ++drawn_;
  if (rng_->uniform01() < p_) return delay_ns_;
  return std::nullopt;
}

}  // namespace aiperf::schedule
