#include "aiperf/cluster/record_codec.h"

#include <gtest/gtest.h>

#include "../record_compare.h"
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
  r.token_split = record::ProcessedRecord::TokenSplit::kStream;
  r.video_inference_time_s = 3.5;
  r.video_peak_memory_mb = 1024.0;
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
  record::expect_same_record(a, b);
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
