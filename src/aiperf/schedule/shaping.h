// Load shaping (spec §3.2, §3.5, §3.10), as pure logic unit-tested without sockets: the step
// ramps of the session and prefill limits, the request rate over time (rate ramp and our
// --request-rate-series), the prefill slots with their queue of waiting requests, and the
// cancellation draw. The worker stage applies them (worker/shaping_driver.h).
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/record/request_record.h"

namespace aiperf::schedule {

/// AIPerf's Poisson ramp trajectory (spec §3.5): exponential gaps at rate |target − start| /
/// duration drawn until they pass `duration_s`, then scaled to end exactly there; event i
/// sets start + (i+1)·(target − start)/n (the last exactly target). Returns (time s, value).
std::vector<std::pair<double, double>> poisson_ramp_events(double start, double target,
                                                           double duration_s, Rng& rng);
inline constexpr std::string_view kPoissonRampStream = "timing.ramp.poisson";

/// A limit raised from 1 to `target` in steps of +1 over `duration_ns` (AIPerf's discrete
/// ramper, spec §3.5). Linear: the step to v happens at duration·(v−1)/(target−1) after the
/// start. Exponential (ease-in): at duration·((v−1)/(target−1))^(1/2). Poisson: at the first
/// event of poisson_ramp_events() whose value reaches v (the limit is the integer part). A
/// target of 1 (or less) needs no step.
class StepRamp {
 public:
  StepRamp(int64_t target, int64_t duration_ns);  // linear
  /// `rngs` is needed for a Poisson ramp (stream kPoissonRampStream).
  StepRamp(int64_t target, int64_t duration_ns, config::RampType type, const RngManager* rngs);
  int64_t target() const { return target_; }
  /// Time of the step to `v` (2 <= v <= target), ns after the start; 0 for v <= 1.
  int64_t step_time_ns(int64_t v) const;
  /// The limit in force `elapsed_ns` after the start (1..target).
  int64_t value_at(int64_t elapsed_ns) const;
  /// The first step after `elapsed_ns`: (time, value); nullopt when the target is reached.
  std::optional<std::pair<int64_t, int64_t>> next_step(int64_t elapsed_ns) const;

 private:
  int64_t target_;
  int64_t duration_ns_;
  config::RampType type_ = config::RampType::kLinear;
  std::vector<int64_t> times_;  // Poisson: times_[v − 2] = step time to v (non-decreasing)
};

/// The request rate as a piecewise-constant function of the time since the phase start: a
/// constant rate, AIPerf's rate ramp (spec §3.5: start at target·interval/duration, set every
/// `interval` to start + (target − start)·t/duration, the target from t >= duration), or a
/// --request-rate-series (the last rate holds after the series).
///
/// Arrivals: a rate pattern draws unit-mean gaps and advance() turns each into time by the
/// integral of the rate (time rescaling), so a gap spans a rate change correctly. AIPerf instead
/// draws each gap at the rate in force when it is drawn, which at a ramp's low start rate can
/// mean one long first gap (docs/differences.md).
class RateSchedule {
 public:
  static RateSchedule constant(double rate);
  /// The rate ramp, sampled every `interval_s`: linear start + (target − start)·t/D,
  /// exponential start + (target − start)·(t/D)^2, or the Poisson trajectory's step function
  /// (`rngs` needed, stream kPoissonRampStream); the target from t >= D.
  static RateSchedule ramp(double target, double duration_s, double interval_s = 0.1,
                           config::RampType type = config::RampType::kLinear,
                           const RngManager* rngs = nullptr);
  static RateSchedule series(const std::vector<config::Config::RateSegment>& segments);
  /// AIPerf's piecewise-linear series (RateSeriesController): `before` (the phase's rate, or
  /// the rate ramp `ramp` to it) until the series starts at the ramp's end, then every
  /// `interval_s` the rate interpolated between the points at the time since that start (the
  /// first point's rate before it, the last's after it).
  static RateSchedule points(const std::vector<config::Config::RatePoint>& points, double before,
                             std::optional<RateSchedule> ramp, double ramp_s,
                             double interval_s = 0.1);

  /// Requests per second in force at `elapsed_ns` (>= 0).
  double rate_at(int64_t elapsed_ns) const;
  /// The elapsed time t >= from_ns at which ∫ rate from from_ns to t equals `work` (a gap in
  /// units of requests); INT64_MAX when the rate stays 0 from some point on and never gets there.
  int64_t advance(int64_t from_ns, double work) const;
  /// True when the rate never changes.
  bool is_constant() const { return pieces_.size() <= 1; }

  struct Piece {
    int64_t start_ns;  // elapsed; the first piece starts at 0
    double rate;       // requests/s until the next piece (the last holds forever)
  };
  const std::vector<Piece>& pieces() const { return pieces_; }

 private:
  std::vector<Piece> pieces_;
};

/// Counting slots with a limit that may change, and the waiters in arrival order (spec §3.2 prefill
/// concurrency). Thread-safe. A waiter is handed its slot by release() or set_limit() and the
/// caller sends it; lowering the limit never takes a slot from its holder, later releases just
/// do not hand slots on until the count is below the limit (AIPerf's "debt").
template <class T>
class SlotQueue {
 public:
  explicit SlotQueue(int64_t limit) : limit_(limit) {}

  /// Takes a slot (true) or queues `v` (false: `v` was moved into the queue).
  bool acquire_or_queue(T& v) {
    std::lock_guard<std::mutex> lk(mu_);
    if (waiters_.empty() && in_use_ < limit_) {
      ++in_use_;
      return true;
    }
    waiters_.push_back(std::move(v));
    return false;
  }
  /// Gives one slot back; the oldest waiter takes it (returned: the caller sends it).
  std::optional<T> release() {
    std::lock_guard<std::mutex> lk(mu_);
    if (in_use_ > 0) --in_use_;
    if (waiters_.empty() || in_use_ >= limit_) return std::nullopt;
    ++in_use_;
    T v = std::move(waiters_.front());
    waiters_.pop_front();
    return v;
  }
  /// A new limit; returns the waiters that fit under it now, oldest first.
  std::vector<T> set_limit(int64_t limit) {
    std::lock_guard<std::mutex> lk(mu_);
    limit_ = limit;
    std::vector<T> out;
    while (!waiters_.empty() && in_use_ < limit_) {
      ++in_use_;
      out.push_back(std::move(waiters_.front()));
      waiters_.pop_front();
    }
    return out;
  }
  /// Removes every waiter (the phase stops sending); they hold no slot.
  std::vector<T> take_waiters() {
    std::lock_guard<std::mutex> lk(mu_);
    std::vector<T> out(std::make_move_iterator(waiters_.begin()),
                       std::make_move_iterator(waiters_.end()));
    waiters_.clear();
    return out;
  }
  int64_t in_use() const {
    std::lock_guard<std::mutex> lk(mu_);
    return in_use_;
  }
  int64_t limit() const {
    std::lock_guard<std::mutex> lk(mu_);
    return limit_;
  }
  size_t waiting() const {
    std::lock_guard<std::mutex> lk(mu_);
    return waiters_.size();
  }

 private:
  mutable std::mutex mu_;
  int64_t limit_;
  int64_t in_use_ = 0;
  std::deque<T> waiters_;
};

/// Request cancellation (spec §3.10): each profiling credit is cancelled with probability
/// rate/100, drawn from its own stream so that enabling it shifts no other random numbers.
/// Warmup credits are never cancelled. Not thread-safe (called under the phase's issue lock).
class CancellationPolicy {
 public:
  CancellationPolicy() = default;  // disabled
  CancellationPolicy(double rate_pct, double delay_s, const RngManager& rngs);
  bool enabled() const { return rng_.has_value(); }
  /// The delay (ns after the request is fully written) when this credit is to be cancelled.
  std::optional<int64_t> draw(record::Phase phase) { return draw(phase, drawn_); }
  /// The same for the credit numbered `index` in its phase (increasing from call to call): the
  /// draws of the indices skipped (other ranks' credits under scale-out) are made and dropped,
  /// so each credit gets the draw one process gives it.
  std::optional<int64_t> draw(record::Phase phase, uint64_t index);

 private:
  double p_ = 0;
  int64_t delay_ns_ = 0;
  std::optional<Rng> rng_;
  uint64_t drawn_ = 0;  // profiling draws made
};

inline constexpr std::string_view kCancellationStream = "timing.request.cancellation";

}  // namespace aiperf::schedule
