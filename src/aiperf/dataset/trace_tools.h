// Trace tools behind `aiperf analyze-trace` (spec §8.3), `aiperf synthesize` (spec §8.4) and
// `aiperf validate mooncake-trace` (spec §8.5):
// statistics over a mooncake-style JSONL trace, and the --synthesis-* rewrite written back as
// JSONL. Both stream the file once through the mooncake_trace parser (same errors).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/config/config.h"

namespace aiperf::dataset {

/// Population statistics with linear-interpolated percentiles.
struct MetricStats {
  double mean = 0, std_dev = 0, min = 0, p25 = 0, median = 0, p75 = 0, max = 0;
  static MetricStats of(std::vector<double> values);
};

struct TraceAnalysis {
  int64_t total_requests = 0;
  int64_t unique_prefixes = 0;    // distinct hash_ids[:i], i >= 1, over all traces
  int64_t num_prefix_groups = 0;  // distinct first blocks seen in more than one trace
  double cache_hit_rate = 0;      // mean theoretical hit rate (infinite cache, trace order)
  double prefix_reuse_ratio = 0;  // sum(counts of prefixes seen > 1) / sum(all prefix counts)
  int64_t min_isl = 0, max_isl = 0, min_osl = 0, max_osl = 0;
  double avg_isl = 0, avg_osl = 0;
  MetricStats isl_stats, osl_stats, context_length_stats, unique_prompt_length_stats,
      hit_rate_stats;
};

/// Throws InputError (file:line, field) for a bad line.
TraceAnalysis analyze_trace(const std::string& path, int64_t block_size);

/// The --output-file JSON of analyze-trace (AIPerf's keys).
nlohmann::ordered_json to_json(const TraceAnalysis& a);

/// The console report ("Trace Analysis Report" and the "Trace Statistics" table).
std::string format_report(const TraceAnalysis& a);

struct SynthesisOutcome {
  int64_t written = 0;
  int64_t skipped_over_max_isl = 0;
};

/// Reads mooncake trace `in`, drops rows over cfg.synthesis_max_isl, applies the
/// cfg.synthesis_* rewrite (block size cfg.isl_block_size or 512, seed cfg.random_seed) and
/// writes the rows as mooncake JSONL to `out`. Throws InputError / std::runtime_error.
SynthesisOutcome synthesize_trace_file(const std::string& in, const std::string& out,
                                       const config::Config& cfg);

struct TraceValidation {
  int64_t rows = 0;                 // non-blank lines read (all of them unless stopped early)
  std::vector<std::string> errors;  // "Line N: what", at most max_errors
};

/// Checks every line of a mooncake JSONL trace against the mooncake_trace record rules (the
/// loader's own parser); stops after `max_errors` bad lines, as AIPerf does. Throws InputError
/// when the file cannot be read.
TraceValidation validate_mooncake_trace(const std::string& path, size_t max_errors = 10);

}  // namespace aiperf::dataset
