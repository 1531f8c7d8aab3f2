// Private: trace rewriting of spec §8.4 (--synthesis-* flags), over parsed trace rows.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

struct SynthesisParams {
  double speedup_ratio = 1.0;
  double prefix_len_multiplier = 1.0;
  int64_t prefix_root_multiplier = 1;
  double prompt_len_multiplier = 1.0;
  double output_len_multiplier = 1.0;
  std::optional<int64_t> max_isl;
  std::optional<int64_t> max_osl;
  static SynthesisParams from(const config::Config& cfg);
  /// Any multiplier differs from its default (then the rewrite of step 2-4 runs).
  bool active() const;
};

/// Rewrites `rows` in place (spec §8.4 steps 2-5): shared-prefix scaling, prompt scaling, prefix
/// root fan-out (random tree per row from `rng`), timestamp speed-up, output scaling and caps.
/// Rows over max_isl must already be removed. A row whose hash ids all count as shared keeps
/// its last block as prompt (so the prompt part is never negative).
void synthesize(std::vector<TraceRow>& rows, int64_t block_size, const SynthesisParams& p,
                Rng& rng);

}  // namespace aiperf::dataset::custom
