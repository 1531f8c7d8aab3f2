// A request after the record processor parsed its responses and counted its tokens: the input
// of every per-request metric (metrics/) and of the per-record exports (export/).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/record/request_record.h"

namespace aiperf::record {

/// Server-reported usage (spec §2.5, from the last response with a non-empty `usage`).
struct Usage {
  std::optional<int64_t> prompt_tokens, completion_tokens, total_tokens, reasoning_tokens;
  std::optional<int64_t> prompt_cache_read_tokens, prompt_cache_write_tokens,
      prompt_cache_miss_tokens;
  std::optional<int64_t> prompt_audio_tokens, completion_audio_tokens;
  std::optional<int64_t> accepted_prediction_tokens, rejected_prediction_tokens;
  std::optional<int64_t> tool_use_prompt_tokens;
  std::optional<double> prompt_audio_seconds;
};

/// An error as exported (spec §6.5 "error"): {code, type, message}.
struct ErrorInfo {
  std::optional<int> code;  // HTTP status, 499 for cancellation, null for transport errors
  std::string type;         // e.g. "Internal Server Error", "ConnectionRefusedError"
  std::string message;
  ErrorKind kind = ErrorKind::kNone;
};

struct ProcessedRecord {
  // identity
  uint64_t credit_index = 0;
  Phase phase = Phase::kProfiling;
  uint32_t conversation_index = 0;
  uint32_t turn_index = 0;
  uint16_t worker_id = 0;
  std::string x_request_id;
  std::string x_correlation_id;
  std::string conversation_id;

  // timing, CLOCK_MONOTONIC ns; start_wall_ns converts (wall = start_wall + (t - start))
  int64_t scheduled_ns = 0;
  int64_t credit_ns = 0;
  int64_t start_ns = 0;
  int64_t ack_ns = 0;
  int64_t end_ns = 0;
  int64_t start_wall_ns = 0;

  /// Timestamps of the content responses (responses whose parsed data is non-null: role-only
  /// deltas, usage-only chunks and [DONE] excluded), in arrival order.
  std::vector<int64_t> content_ts;
  /// Timestamp of the first content response carrying non-reasoning output (TTFO), or 0.
  int64_t first_output_ts = 0;

  // token counts (spec §2.6); nullopt = not available
  std::optional<int64_t> input_tokens;
  std::optional<int64_t> output_tokens;  // non-reasoning
  std::optional<int64_t> reasoning_tokens;
  std::optional<int64_t> requested_osl;  // the turn's max_tokens, if sent
  /// With --use-server-token-count: how completion_tokens was split into reasoning and output.
  /// kUsage: by the server's usage (its reasoning count, or none); kStream: the usage gave no
  /// reasoning count but the stream carried reasoning text, so completion_tokens was split in
  /// proportion to the tokens of the reasoning and output texts (exported as
  /// "token_split": "stream").
  enum class TokenSplit : uint8_t { kUsage, kStream };
  TokenSplit token_split = TokenSplit::kUsage;
  /// Image items over every turn sent with this request (history and the current turn).
  int64_t num_images = 0;
  std::optional<Usage> usage;
  /// video_generation: the finished job's inference_time_s and peak_memory_mb, when reported.
  std::optional<double> video_inference_time_s;
  std::optional<double> video_peak_memory_mb;

  /// Output tokens (content + reasoning) of the first content response: its usage when it
  /// carries one, else the tokenizer on its text; nullopt when unknown. Per-token ITL.
  std::optional<int64_t> first_chunk_tokens;

  // Transport (HTTP trace metrics, spec §2.5; trace_data in the JSONL).
  int64_t sent_ns = 0;  // request fully written
  bool connection_reused = false;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  HttpTrace trace;
  int64_t cancel_ns = 0;  // a --request-cancellation fired at this instant

  /// Valid = no error and >= 1 content response with timestamps in order (spec §2.1).
  bool valid() const { return !error.has_value(); }
  std::optional<ErrorInfo> error;

  // For --export-level raw: the exact request body sent and the raw response messages.
  std::string payload;
  std::vector<std::pair<int64_t, std::string>> raw_responses;
  int http_status = 0;

  /// Back to a default record, keeping the buffers of its strings and vectors (a record filled
  /// again and again allocates nothing once warm). Field by field: assigning a default record
  /// cost as much as the allocations it saves. A field added above must be reset here too
  /// (ProcessedRecordTest.ClearResetsEveryField fails until it is).
  void clear() {
    credit_index = 0;
    phase = Phase::kProfiling;
    conversation_index = 0;
    turn_index = 0;
    worker_id = 0;
    x_request_id.clear();
    x_correlation_id.clear();
    conversation_id.clear();
    scheduled_ns = credit_ns = start_ns = ack_ns = end_ns = start_wall_ns = 0;
    content_ts.clear();
    first_output_ts = 0;
    input_tokens.reset();
    output_tokens.reset();
    reasoning_tokens.reset();
    requested_osl.reset();
    token_split = TokenSplit::kUsage;
    num_images = 0;
    usage.reset();
    video_inference_time_s.reset();
    video_peak_memory_mb.reset();
    first_chunk_tokens.reset();
    sent_ns = 0;
    connection_reused = false;
    bytes_sent = bytes_received = 0;
    trace.clear();
    cancel_ns = 0;
    error.reset();
    payload.clear();
    raw_responses.clear();
    http_status = 0;
  }
};

}  // namespace aiperf::record
