// profile_export.jsonl's lines rendered in idle time (export/line_spool.h): the compact form
// gives back every field a line reads, the lines come out in order through memory and the spill
// file, a write error stops the rendering and is reported, and a deferred writer writes the
// same file as one that renders as records arrive.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

#include "aiperf/common/cpu_affinity.h"
#include "aiperf/export/export.h"
#include "aiperf/export/line_spool.h"
#include "test_util.h"

namespace aiperf::exporter {
namespace {

using detail::LineSpool;
using metrics::test::compute;
using metrics::test::context;
using metrics::test::make_error;
using metrics::test::make_record;

/// Records of every shape a line has: streaming with inter-chunk latencies, errors with and
/// without a code, cancelled, with a stream token split, warmup.
std::vector<record::ProcessedRecord> varied_records() {
  std::vector<record::ProcessedRecord> out;
  for (int i = 0; i < 40; ++i) {
    const int64_t t = int64_t(i) * 1'000'000;
    record::ProcessedRecord r;
    if (i % 5 == 3) {
      r = make_error(t, 500 + i, "Internal Server Error", "boom \"quoted\"\n" + std::to_string(i));
      if (i % 10 == 3) r.error->code.reset();
    } else {
      r = make_record(t, {t + 100'000, t + 250'000, t + 400'000 + i}, 3 + i, 17 * i);
    }
    r.credit_index = uint64_t(i);
    r.turn_index = uint32_t(i % 3);
    r.worker_id = uint16_t(i % 4);
    r.x_request_id = "req-" + std::to_string(i);
    r.x_correlation_id = "corr-" + std::to_string(i * 7);
    r.conversation_id = "session_" + std::to_string(i / 3);
    r.credit_ns = i % 4 == 0 ? 0 : t - 50;
    r.ack_ns = i % 6 == 0 ? 0 : t + 90'000;
    if (i % 7 == 5) r.raw_responses = {{t + 10, "a"}, {t + 450'000, "b"}};
    if (i % 9 == 4) {
      r.error = record::ErrorInfo{499, "Cancelled", "cancelled", record::ErrorKind::kCancelled};
      r.cancel_ns = t + 300'000;
    }
    if (i % 4 == 1) r.token_split = record::ProcessedRecord::TokenSplit::kStream;
    if (i == 11) r.phase = record::Phase::kWarmup;
    out.push_back(std::move(r));
  }
  return out;
}

TEST(LineSpool, TheCompactFormGivesBackEveryFieldALineReads) {
  const auto ctx = context(true);
  std::string buf;
  record::ProcessedRecord back;
  metrics::RecordValues back_values;
  for (const auto& r : varied_records()) {
    const auto values = compute(r, ctx);
    buf.clear();
    LineSpool::encode(buf, r, values);
    EXPECT_EQ(LineSpool::decode(buf.data(), back, back_values), buf.data() + buf.size());
    EXPECT_EQ(JsonlWriter::render_line(back, back_values, ctx),
              JsonlWriter::render_line(r, values, ctx))
        << "record " << r.credit_index;
    EXPECT_EQ(back_values.valid, values.valid);
  }
}

// Both ways of writing the spill file: with O_DIRECT (chunks padded to whole blocks from an
// aligned copy, where the file system takes it) and through the page cache.
class LineSpoolSpill : public ::testing::TestWithParam<bool> {};

TEST_P(LineSpoolSpill, RendersEveryRecordInOrderThroughMemoryAndTheSpillFile) {
  const bool direct = GetParam();
  const auto ctx = context(false);
  const std::string dir =
      ::testing::TempDir() + "/aiperf_line_spool" + (direct ? "_direct" : "_buffered");
  std::filesystem::create_directories(dir);
  std::vector<uint64_t> seen;
  // Chunks of 2 KB, 4 KB in memory: most chunks go through the file.
  auto spool = LineSpool::make(
      dir,
      [&](const record::ProcessedRecord& r, const metrics::RecordValues&) {
        seen.push_back(r.credit_index);
      },
      2048, 4096, direct);
  ASSERT_NE(spool, nullptr) << "no spill file in " << dir;
  if (!direct) {
    EXPECT_FALSE(spool->direct());
  } else if (!spool->direct()) {
    std::printf("(O_DIRECT refused in %s)\n", dir.c_str());
  }
  auto r = make_record(0, {100}, 3, 5);
  const auto values = compute(r, ctx);
  constexpr uint64_t kRecords = 5000;
  for (uint64_t i = 0; i < kRecords; ++i) {
    r.credit_index = i;
    r.x_request_id.assign(i % 97, 'x');  // entries of many lengths: chunks end anywhere
    spool->push(r, values);
    if (i % 1000 == 999) spool->hand_over();
  }
  spool->finish();
  ASSERT_EQ(seen.size(), kRecords);
  for (uint64_t i = 0; i < kRecords; ++i) ASSERT_EQ(seen[i], i);
  EXPECT_GT(spool->spilled_chunks(), 0);
  // Nothing is left beside the lines: the spill file has no name.
  for (const auto& e : std::filesystem::directory_iterator(dir)) ADD_FAILURE() << e.path();
}

INSTANTIATE_TEST_SUITE_P(DirectAndBuffered, LineSpoolSpill, ::testing::Bool());

// The renderer works while records still come (here at normal priority: a SCHED_IDLE thread
// may wait as long as other processes keep both cores busy).
TEST(LineSpool, TheRendererWritesLinesBeforeTheEnd) {
  const auto ctx = context(false);
  affinity::set_role_tuning(false);
  std::atomic<int> rendered{0};
  auto spool = LineSpool::make(
      ::testing::TempDir(),
      [&](const record::ProcessedRecord&, const metrics::RecordValues&) { ++rendered; }, 2048,
      1 << 20);
  ASSERT_NE(spool, nullptr);
  auto r = make_record(0, {100}, 3, 5);
  const auto values = compute(r, ctx);
  for (int i = 0; i < 100; ++i) spool->push(r, values);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (rendered.load() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_GT(rendered.load(), 0);
  spool->finish();
  EXPECT_EQ(rendered.load(), 100);
  affinity::set_role_tuning(true);
}

TEST(LineSpool, AWriteErrorEndsTheRenderingAndIsReported) {
  const auto ctx = context(false);
  int rendered = 0;
  auto spool = LineSpool::make(
      ::testing::TempDir(),
      [&](const record::ProcessedRecord&, const metrics::RecordValues&) {
        if (++rendered == 10) throw std::runtime_error("cannot write x.jsonl: No space left");
      },
      1024, 1 << 20);
  ASSERT_NE(spool, nullptr);
  auto r = make_record(0, {100}, 3, 5);
  const auto values = compute(r, ctx);
  for (int i = 0; i < 200; ++i) {
    try {
      spool->push(r, values);
    } catch (const std::runtime_error& e) {  // a later chunk may find the error already
      EXPECT_STREQ(e.what(), "cannot write x.jsonl: No space left");
    }
  }
  EXPECT_THROW(
      {
        try {
          spool->finish();
        } catch (const std::runtime_error& e) {
          EXPECT_STREQ(e.what(), "cannot write x.jsonl: No space left");
          throw;
        }
      },
      std::runtime_error);
  EXPECT_EQ(rendered, 10);  // nothing after the failed one
}

TEST(Jsonl, ADeferredWriterWritesTheSameFileAsAnImmediateOne) {
  const auto ctx = context(true);
  const std::string dir = ::testing::TempDir() + "/aiperf_jsonl_deferred";
  std::filesystem::remove_all(dir);
  const auto records = varied_records();
  auto write = [&](const std::string& name, bool deferred) {
    const std::string path = dir + "/" + name;
    JsonlWriter w(path, ctx, deferred);
    EXPECT_EQ(w.deferred(), deferred);
    for (int round = 0; round < 50; ++round) {  // ~2,000 lines; flush() hands over a chunk
      for (const auto& r : records) w.write(r, compute(r, ctx));
      if (round % 10 == 0) w.flush();
    }
    w.close();
    EXPECT_EQ(w.lines_written(), 50 * int64_t(records.size() - 1));  // one warmup record
    return metrics::test::read_all(path);
  };
  const std::string deferred = write("deferred.jsonl", true);
  EXPECT_FALSE(deferred.empty());
  EXPECT_EQ(deferred, write("immediate.jsonl", false));
}

TEST(Jsonl, LinesWithTraceDataAreRenderedAsRecordsArrive) {
  auto ctx = context(false);
  ctx.export_http_trace = true;
  const std::string path = ::testing::TempDir() + "/aiperf_jsonl_trace/profile_export.jsonl";
  JsonlWriter w(path, ctx, true);
  EXPECT_FALSE(w.deferred());
  w.close();
}

}  // namespace
}  // namespace aiperf::exporter
