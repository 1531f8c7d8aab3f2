// Comparing two ProcessedRecords field by field (tests of the record processor's reuse and of
// the scale-out record codec).
#pragma once
#include <gtest/gtest.h>

#include "aiperf/record/processed_record.h"

namespace aiperf::record {

/// Every field of two records equal (EXPECT_EQ each; a field added to ProcessedRecord belongs
/// here too: ProcessedRecordTest.ClearResetsEveryField's size guard says so).
inline void expect_same_record(const ProcessedRecord& a, const ProcessedRecord& b) {
  EXPECT_EQ(a.credit_index, b.credit_index);
  EXPECT_EQ(a.phase, b.phase);
  EXPECT_EQ(a.conversation_index, b.conversation_index);
  EXPECT_EQ(a.turn_index, b.turn_index);
  EXPECT_EQ(a.worker_id, b.worker_id);
  EXPECT_EQ(a.x_request_id, b.x_request_id);
  EXPECT_EQ(a.x_correlation_id, b.x_correlation_id);
  EXPECT_EQ(a.conversation_id, b.conversation_id);
  EXPECT_EQ(a.scheduled_ns, b.scheduled_ns);
  EXPECT_EQ(a.credit_ns, b.credit_ns);
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.ack_ns, b.ack_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.start_wall_ns, b.start_wall_ns);
  EXPECT_EQ(a.content_ts, b.content_ts);
  EXPECT_EQ(a.first_output_ts, b.first_output_ts);
  EXPECT_EQ(a.input_tokens, b.input_tokens);
  EXPECT_EQ(a.output_tokens, b.output_tokens);
  EXPECT_EQ(a.reasoning_tokens, b.reasoning_tokens);
  EXPECT_EQ(a.requested_osl, b.requested_osl);
  EXPECT_EQ(a.token_split, b.token_split);
  EXPECT_EQ(a.num_images, b.num_images);
  ASSERT_EQ(a.usage.has_value(), b.usage.has_value());
  if (a.usage) {
    const Usage &u = *a.usage, &v = *b.usage;
    EXPECT_EQ(u.prompt_tokens, v.prompt_tokens);
    EXPECT_EQ(u.completion_tokens, v.completion_tokens);
    EXPECT_EQ(u.total_tokens, v.total_tokens);
    EXPECT_EQ(u.reasoning_tokens, v.reasoning_tokens);
    EXPECT_EQ(u.prompt_cache_read_tokens, v.prompt_cache_read_tokens);
    EXPECT_EQ(u.prompt_cache_write_tokens, v.prompt_cache_write_tokens);
    EXPECT_EQ(u.prompt_cache_miss_tokens, v.prompt_cache_miss_tokens);
    EXPECT_EQ(u.prompt_audio_tokens, v.prompt_audio_tokens);
    EXPECT_EQ(u.completion_audio_tokens, v.completion_audio_tokens);
    EXPECT_EQ(u.accepted_prediction_tokens, v.accepted_prediction_tokens);
    EXPECT_EQ(u.rejected_prediction_tokens, v.rejected_prediction_tokens);
    EXPECT_EQ(u.tool_use_prompt_tokens, v.tool_use_prompt_tokens);
    EXPECT_EQ(u.prompt_audio_seconds, v.prompt_audio_seconds);
  }
  EXPECT_EQ(a.video_inference_time_s, b.video_inference_time_s);
  EXPECT_EQ(a.video_peak_memory_mb, b.video_peak_memory_mb);
  EXPECT_EQ(a.first_chunk_tokens, b.first_chunk_tokens);
  EXPECT_EQ(a.sent_ns, b.sent_ns);
  EXPECT_EQ(a.connection_reused, b.connection_reused);
  EXPECT_EQ(a.bytes_sent, b.bytes_sent);
  EXPECT_EQ(a.bytes_received, b.bytes_received);
  EXPECT_EQ(a.trace.connect_start_ns, b.trace.connect_start_ns);
  EXPECT_EQ(a.trace.connect_end_ns, b.trace.connect_end_ns);
  EXPECT_EQ(a.trace.tls_start_ns, b.trace.tls_start_ns);
  EXPECT_EQ(a.trace.tls_end_ns, b.trace.tls_end_ns);
  EXPECT_EQ(a.trace.send_start_ns, b.trace.send_start_ns);
  EXPECT_EQ(a.trace.first_byte_ns, b.trace.first_byte_ns);
  EXPECT_EQ(a.trace.write_calls, b.trace.write_calls);
  EXPECT_EQ(a.trace.body_reads, b.trace.body_reads);
  EXPECT_EQ(a.trace.writes, b.trace.writes);
  EXPECT_EQ(a.trace.reads, b.trace.reads);
  EXPECT_EQ(a.cancel_ns, b.cancel_ns);
  ASSERT_EQ(a.error.has_value(), b.error.has_value());
  if (a.error) {
    EXPECT_EQ(a.error->code, b.error->code);
    EXPECT_EQ(a.error->type, b.error->type);
    EXPECT_EQ(a.error->message, b.error->message);
    EXPECT_EQ(a.error->kind, b.error->kind);
  }
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.raw_responses, b.raw_responses);
  EXPECT_EQ(a.http_status, b.http_status);
}

}  // namespace aiperf::record
