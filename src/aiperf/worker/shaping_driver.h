// Applies a phase's ramps and prefill limit over time (spec §3.5, §3.2): one thread per shaped
// phase that steps the session limit (in concurrency mode it also starts the extra closed-loop
// session each step allows, on the least-loaded worker), steps the prefill limit and hands the
// waiters that now fit to their workers, and at the end of --benchmark-duration drops the
// credits still waiting for a prefill slot (they were never sent). The step times come from
// schedule::StepRamp (pure logic).
#pragma once
#include <optional>
#include <vector>

#include "aiperf/schedule/schedule.h"
#include "aiperf/schedule/shaping.h"
#include "aiperf/worker/phase_driver.h"

namespace aiperf::worker {

class ShapingDriver final : public PhaseDriver {
 public:
  /// `closed_loop`: concurrency mode, where a raised session limit must start a session.
  /// `rngs`: the run's RNG (a Poisson ramp draws its step times from it).
  ShapingDriver(schedule::PhaseState& phase, std::vector<Worker*> workers, bool closed_loop,
                const RngManager& rngs);
  ~ShapingDriver() override;
  /// True when `spec` needs a driver (a ramp or a prefill limit).
  static bool needed(const schedule::PhaseSpec& spec);

 private:
  void run() override;
  /// Applies the steps due at `elapsed_ns`; returns the next elapsed time something is due.
  int64_t apply(int64_t elapsed_ns);

  bool closed_loop_;
  std::optional<schedule::StepRamp> sessions_;
  std::optional<schedule::StepRamp> prefill_;
  int64_t session_limit_ = 0;  // applied
  int64_t prefill_limit_ = 0;  // applied
  size_t rr_ = 0;
};

}  // namespace aiperf::worker
