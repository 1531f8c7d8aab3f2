#include "aiperf/cluster/record_codec.h"

#include <gtest/gtest.h>

#include "aiperf/cluster/wire.h"

namespace aiperf::cluster {
namespace {

record::ProcessedRecord full_record() {
  record::ProcessedRecord r;
  r.credit_index = 123456789;
  r.phase = record::Phase::kProfiling;
  r.conversation_index = 42;
  r.turn_index = 3;
  r.worker_id = 7;
  r.x_request_id = "req-uuid";
  r.x_correlation_id = "corr-uuid";
  r.conversation_id = "conv-1";
  r.scheduled_ns = 1'000'000'000;
  r.credit_ns = 1'000'000'100;
  r.start_ns = 1'000'000'200;
  r.ack_ns = 1'000'500'000;
  r.end_ns = 1'009'000'000;
  r.start_wall_ns = 1'700'000'000'000'000'000;
  r.content_ts = {1'001'000'000, 1'002'000'000, 1'002'000'000, 1'008'999'999};
  r.first_output_ts = 1'001'000'000;
  r.input_tokens = 100;
  r.output_tokens = 16;
  r.reasoning_tokens = std::nullopt;
  r.requested_osl = 16;
  r.num_images = 2;
  record::Usage u;
  u.prompt_tokens = 100;
  u.completion_tokens = 16;
  u.total_tokens = 116;
  u.prompt_cache_read_tokens = 64;
  u.prompt_audio_seconds = 1.25;
  r.usage = u;
  record::ErrorInfo e;
  e.code = 503;
  e.type = "Service Unavailable";
  e.message = "try later";
  e.kind = record::ErrorKind::kStatus;
  r.error = e;
  r.first_chunk_tokens = 2;
  r.sent_ns = 1'000'000'300;
  r.connection_reused = true;
  r.bytes_sent = 512;
  r.bytes_received = 4096;
  r.trace.connect_start_ns = 1'000'000'201;
  r.trace.connect_end_ns = 1'000'000'250;
  r.trace.send_start_ns = 1'000'000'260;
  r.trace.first_byte_ns = 1'000'400'000;
  r.trace.write_calls = 1;
  r.trace.body_reads = 3;
  r.trace.writes = {{1'000'000'300, 512}};
  r.trace.reads = {{1'000'400'000, 100}, {1'001'000'000, 200}};
  r.cancel_ns = 1'008'000'000;
  r.payload = "{\"model\":\"m\"}";
  r.raw_responses = {{1'001'000'000, "data: a"}, {1'002'000'000, "data: [DONE]"}};
  r.http_status = 503;
  return r;
}

void expect_equal(const record::ProcessedRecord& a, const record::ProcessedRecord& b) {
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
  EXPECT_EQ(a.num_images, b.num_images);
  ASSERT_EQ(a.usage.has_value(), b.usage.has_value());
  if (a.usage) {
    EXPECT_EQ(a.usage->prompt_tokens, b.usage->prompt_tokens);
    EXPECT_EQ(a.usage->completion_tokens, b.usage->completion_tokens);
    EXPECT_EQ(a.usage->total_tokens, b.usage->total_tokens);
    EXPECT_EQ(a.usage->prompt_cache_read_tokens, b.usage->prompt_cache_read_tokens);
    EXPECT_EQ(a.usage->tool_use_prompt_tokens, b.usage->tool_use_prompt_tokens);
    EXPECT_EQ(a.usage->prompt_audio_seconds, b.usage->prompt_audio_seconds);
  }
  ASSERT_EQ(a.error.has_value(), b.error.has_value());
  if (a.error) {
    EXPECT_EQ(a.error->code, b.error->code);
    EXPECT_EQ(a.error->type, b.error->type);
    EXPECT_EQ(a.error->message, b.error->message);
    EXPECT_EQ(a.error->kind, b.error->kind);
  }
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
  EXPECT_EQ(a.payload, b.payload);
  EXPECT_EQ(a.raw_responses, b.raw_responses);
  EXPECT_EQ(a.http_status, b.http_status);
}

TEST(RecordCodec, RoundTripsEveryField) {
  record::ProcessedRecord a = full_record();
  record::ProcessedRecord empty;
  std::string bytes;
  encode_record(a, bytes);
  encode_record(empty, bytes);
  RecordDecoder d(bytes);
  record::ProcessedRecord b;
  ASSERT_TRUE(d.next(b));
  expect_equal(a, b);
  ASSERT_TRUE(d.next(b));
  expect_equal(empty, b);
  bool bad = true;
  EXPECT_FALSE(d.next(b, &bad));
  EXPECT_FALSE(bad);
}

TEST(RecordCodec, TruncatedOrCorruptInputIsRefusedNotRead) {
  std::string bytes;
  encode_record(full_record(), bytes);
  for (size_t cut = 0; cut < bytes.size(); cut += 3) {
    RecordDecoder d(std::string_view(bytes).substr(0, cut));
    record::ProcessedRecord r;
    bool bad = false;
    EXPECT_FALSE(d.next(r, &bad));
    EXPECT_EQ(bad, cut > 0);
  }
  std::string wrong = bytes;
  wrong[0] = 9;  // unknown version
  RecordDecoder d(wrong);
  record::ProcessedRecord r;
  bool bad = false;
  EXPECT_FALSE(d.next(r, &bad));
  EXPECT_TRUE(bad);
}

TEST(RecordCodec, ShiftMovesEveryInstantButNotTheUnset) {
  record::ProcessedRecord r = full_record();
  r.ack_ns = 0;
  shift_clock(r, -1000, 50);
  EXPECT_EQ(r.scheduled_ns, 1'000'000'000 - 1000);
  EXPECT_EQ(r.ack_ns, 0);
  EXPECT_EQ(r.content_ts.front(), 1'001'000'000 - 1000);
  EXPECT_EQ(r.raw_responses.back().first, 1'002'000'000 - 1000);
  EXPECT_EQ(r.sent_ns, 1'000'000'300 - 1000);
  EXPECT_EQ(r.trace.first_byte_ns, 1'000'400'000 - 1000);
  EXPECT_EQ(r.trace.tls_start_ns, 0);
  EXPECT_EQ(r.trace.reads.back().first, 1'001'000'000 - 1000);
  EXPECT_EQ(r.cancel_ns, 1'008'000'000 - 1000);
  EXPECT_EQ(r.start_wall_ns, 1'700'000'000'000'000'050);
}

TEST(Wire, ReaderNeverReadsPastItsInput) {
  std::string s;
  ByteWriter w(s);
  w.u64(300);
  w.i64(-5);
  w.f64(2.5);
  w.str("hello");
  ByteReader r(s);
  EXPECT_EQ(r.u64(), 300u);
  EXPECT_EQ(r.i64(), -5);
  EXPECT_EQ(r.f64(), 2.5);
  EXPECT_EQ(r.str(), "hello");
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(r.at_end());
  EXPECT_EQ(r.u64(), 0u);
  EXPECT_FALSE(r.ok());
  ByteReader huge("\xff\xff\xff\xff\x0f");  // a string length far beyond the input
  EXPECT_EQ(huge.str(), "");
  EXPECT_FALSE(huge.ok());
}

}  // namespace
}  // namespace aiperf::cluster
