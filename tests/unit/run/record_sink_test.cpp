#include <gtest/gtest.h>

#include "aiperf/worker/worker.h"

namespace aiperf::worker {
namespace {

using record::RequestRecord;

std::unique_ptr<RequestRecord> used_record(size_t data_bytes) {
  auto r = std::make_unique<RequestRecord>();
  r->credit_index = 42;
  r->x_request_id = "0a1b2c3d-0000-4000-8000-000000000001";
  r->x_correlation_id = "0a1b2c3d-0000-4000-8000-000000000002";
  r->start_ns = 5;
  r->http_status = 200;
  r->data.assign(data_bytes, 'x');
  r->events.resize(3);
  r->error = record::ErrorKind::kStatus;
  r->error_message = "boom";
  return r;
}

TEST(RecordSink, RecordsComeBackEmptyWithTheirBuffers) {
  RecordSink sink;
  std::vector<std::unique_ptr<RequestRecord>> done;
  done.push_back(used_record(100));
  const char* id_buffer = done[0]->x_request_id.data();
  const size_t data_cap = done[0]->data.capacity();
  sink.give_back(done);
  EXPECT_TRUE(done.empty());
  std::vector<std::unique_ptr<RequestRecord>> got;
  sink.take_spare(got, 10);
  ASSERT_EQ(got.size(), 1u);
  const RequestRecord& r = *got[0];
  EXPECT_EQ(r.credit_index, 0u);
  EXPECT_EQ(r.start_ns, 0);
  EXPECT_EQ(r.http_status, 0);
  EXPECT_EQ(r.error, record::ErrorKind::kNone);
  EXPECT_TRUE(r.x_request_id.empty());
  EXPECT_TRUE(r.error_message.empty());
  EXPECT_TRUE(r.data.empty());
  EXPECT_TRUE(r.events.empty());
  // Kept for the next request: no allocation to write a uuid or a small answer again.
  EXPECT_EQ(r.x_request_id.data(), id_buffer);
  EXPECT_EQ(r.data.capacity(), data_cap);
  got.clear();
  sink.take_spare(got, 10);
  EXPECT_TRUE(got.empty());
}

TEST(RecordSink, KeepsAtMostKMaxSpareAndNoLargeRecords) {
  RecordSink sink;
  std::vector<std::unique_ptr<RequestRecord>> done;
  done.push_back(used_record(RecordSink::kMaxSpareBytes + 1));  // a long answer: freed
  auto traced = used_record(10);  // many traced chunks (--export-http-trace): freed too
  traced->trace.reads.resize(RecordSink::kMaxSpareBytes / sizeof(traced->trace.reads[0]) + 1);
  done.push_back(std::move(traced));
  for (size_t i = 0; i < RecordSink::kMaxSpare + 10; ++i) done.push_back(used_record(10));
  sink.give_back(done);
  std::vector<std::unique_ptr<RequestRecord>> got;
  sink.take_spare(got, RecordSink::kMaxSpare * 2);
  EXPECT_EQ(got.size(), RecordSink::kMaxSpare);
  for (const auto& r : got) {
    ASSERT_TRUE(r);
    EXPECT_LE(r->buffer_bytes(), RecordSink::kMaxSpareBytes);
  }
  // Taken in slices as asked.
  sink.give_back(got);
  std::vector<std::unique_ptr<RequestRecord>> some;
  sink.take_spare(some, 7);
  EXPECT_EQ(some.size(), 7u);
}

}  // namespace
}  // namespace aiperf::worker
