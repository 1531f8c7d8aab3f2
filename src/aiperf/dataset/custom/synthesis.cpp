#include "aiperf/dataset/custom/synthesis.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace aiperf::dataset::custom {

SynthesisParams SynthesisParams::from(const config::Config& cfg) {
  SynthesisParams p;
  p.speedup_ratio = cfg.synthesis_speedup_ratio;
  p.prefix_len_multiplier = cfg.synthesis_prefix_len_multiplier;
  p.prefix_root_multiplier = cfg.synthesis_prefix_root_multiplier;
  p.prompt_len_multiplier = cfg.synthesis_prompt_len_multiplier;
  p.output_len_multiplier = cfg.synthesis_output_len_multiplier;
  p.max_isl = cfg.synthesis_max_isl;
  p.max_osl = cfg.synthesis_max_osl;
  return p;
}

bool SynthesisParams::active() const {
  return speedup_ratio != 1.0 || prefix_len_multiplier != 1.0 || prefix_root_multiplier != 1 ||
         prompt_len_multiplier != 1.0 || output_len_multiplier != 1.0;
}

void synthesize(std::vector<TraceRow>& rows, int64_t B, const SynthesisParams& p, Rng& rng) {
  if (p.active()) {
    std::unordered_map<int64_t, int64_t> counts;
    for (const auto& r : rows) {
      for (int64_t h : r.hash_ids) ++counts[h];
    }
    int64_t max_shared = 0;
    for (const auto& [h, n] : counts) {
      if (n > 1) max_shared = std::max(max_shared, h);
    }
    const int64_t m = p.prefix_len_multiplier > 1 ? int64_t(p.prefix_len_multiplier) : 1;
    int64_t next_free = (max_shared + 1) * m;
    int64_t max_id = 0;
    for (auto& r : rows) {
      if (r.hash_ids.empty() || !r.input_length) continue;
      size_t core = 0;
      while (core < r.hash_ids.size() && counts[r.hash_ids[core]] > 1) ++core;
      int64_t prompt_len = *r.input_length - int64_t(core) * B;
      while (prompt_len < 0 && core > 0) {
        --core;
        prompt_len += B;
      }
      std::vector<int64_t> ids;
      if (p.prefix_len_multiplier > 1) {
        for (size_t i = 0; i < core; ++i) {
          for (int64_t j = 0; j < m; ++j) ids.push_back(r.hash_ids[i] * m + j);
        }
        const size_t want = size_t(std::ceil(double(core) * p.prefix_len_multiplier));
        while (ids.size() < want) ids.push_back(next_free++);
      } else if (p.prefix_len_multiplier < 1) {
        if (core > 0) {
          size_t keep = std::max<size_t>(1, size_t(double(core) * p.prefix_len_multiplier));
          ids.assign(r.hash_ids.begin(), r.hash_ids.begin() + ptrdiff_t(keep));
        }
      } else {
        ids.assign(r.hash_ids.begin(), r.hash_ids.begin() + ptrdiff_t(core));
      }
      const int64_t prefix_blocks = int64_t(ids.size());
      int64_t new_prompt = int64_t(double(prompt_len) * p.prompt_len_multiplier);
      if (prefix_blocks == 0) new_prompt = std::max<int64_t>(new_prompt, 1);
      for (int64_t k = 0; k < (new_prompt + B - 1) / B; ++k) ids.push_back(next_free++);
      r.input_length = prefix_blocks * B + new_prompt;
      r.hash_ids = std::move(ids);
      for (int64_t h : r.hash_ids) max_id = std::max(max_id, h);
    }
    if (p.prefix_root_multiplier > 1) {
      for (auto& r : rows) {
        const int64_t k = rng.randrange(p.prefix_root_multiplier);
        for (int64_t& h : r.hash_ids) h += k * (max_id + 1);
      }
    }
  }
  for (auto& r : rows) {
    if (p.max_isl && r.input_length && *r.input_length > *p.max_isl) {
      r.input_length = *p.max_isl;
      const size_t blocks = size_t((*p.max_isl + B - 1) / B);
      if (r.hash_ids.size() > blocks) r.hash_ids.resize(blocks);
    }
    if (p.speedup_ratio > 0 && p.speedup_ratio != 1.0 && r.timestamp_ms) {
      r.timestamp_ms = std::floor(*r.timestamp_ms / p.speedup_ratio);
    }
    if (r.output_length) {
      if (p.output_len_multiplier != 1.0) {
        r.output_length =
            std::max<int64_t>(1, std::llround(double(*r.output_length) * p.output_len_multiplier));
      }
      if (p.max_osl && *r.output_length > *p.max_osl) r.output_length = *p.max_osl;
    }
  }
}

}  // namespace aiperf::dataset::custom
