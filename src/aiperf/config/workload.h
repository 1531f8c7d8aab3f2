// Workload helpers of the config stage (spec §1.4, §4.4, §4.5): the --seq-dist grammar and the
// small look into --input-file that decides the dataset type and the trace auto-promotion to
// fixed schedule. Cold path; used by cli_options.cpp and by the dataset stage.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/config.h"

namespace aiperf::config {

/// One (ISL, OSL) pair of --seq-dist with its probability in percent.
struct SeqDistPair {
  int64_t isl = 0;
  double isl_stddev = 0.0;
  int64_t osl = 0;
  double osl_stddev = 0.0;
  double prob_percent = 0.0;
};

/// Parses --seq-dist in its three syntaxes (spec §4.4): "ISL[|STD],OSL[|STD]:PROB;...",
/// "[(ISL,OSL):PROB,...]" and a JSON object {"pairs":[{"isl","osl","prob",...}]}. ISL/OSL > 0,
/// prob in [0,100] summing to 100 (tolerance 1e-6), stddevs >= 0. Throws ConfigError naming `flag`.
std::vector<SeqDistPair> parse_seq_dist(std::string_view flag, std::string_view text);

/// The CLI names of the custom dataset types ("single_turn", ...).
const char* to_string(CustomDatasetType t);
const char* to_string(SamplingStrategy s);

/// True for the trace formats (AIPerf's is_trace plugin metadata): mooncake, bailian, burst_gpt,
/// sagemaker_data_capture.
bool is_trace_type(CustomDatasetType t);

/// Guesses the format of `path` as AIPerf's loaders' can_load do (docs/datasets.md): a `.json`
/// inputs file is inputs_json; a directory is raw_payload, sagemaker_data_capture or
/// random_pool; otherwise the first non-empty record decides (a CSV header with "Timestamp" and
/// "Request tokens" is burst_gpt_trace; JSON with captureData + eventMetadata
/// sagemaker_data_capture, "turns" multi_turn, "chat_id" bailian_trace, a messages list
/// raw_payload, an input mode mooncake_trace, a text or media field single_turn). A record both
/// mooncake_trace and raw_payload accept is AIPerf's "Multiple loaders" error. Throws
/// ConfigError naming --input-file when it cannot be read or guessed.
CustomDatasetType detect_custom_dataset_type(const std::string& path);

/// True when the first non-empty record of a trace file has a non-null timestamp (JSONL
/// "timestamp" key; for burst_gpt_trace, a data row under the header). Throws ConfigError naming
/// --input-file when the file cannot be read.
bool first_record_has_timestamp(const std::string& path, CustomDatasetType type);

}  // namespace aiperf::config
