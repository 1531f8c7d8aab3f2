// Trace replay schedule math (spec §3.6): schedule zero from auto-offset / start offset, stable
// ordering by first timestamp, ns offsets, and the missing-timestamp error.
#include "aiperf/schedule/fixed_schedule.h"

#include <gtest/gtest.h>

#include <memory>

#include "aiperf/common/error.h"

namespace aiperf::schedule {
namespace {

dataset::Dataset trace(std::vector<std::vector<std::optional<int64_t>>> convs) {
  dataset::Dataset ds;
  int i = 0;
  for (auto& turns : convs) {
    dataset::Conversation c;
    c.session_id = std::to_string(i++);
    c.session_id.insert(c.session_id.begin(), 's');  // not "s" + ...: GCC 12 -Wrestrict noise
    for (auto ts : turns) {
      dataset::Turn t;
      t.timestamp_ms = ts;
      c.turns.push_back(t);
    }
    ds.conversations.push_back(c);
  }
  return ds;
}

TEST(FixedSchedule, AutoOffsetStartsAtEarliestTimestamp) {
  auto ds = trace({{5000}, {1000, 1500}, {3000}, {1000}});
  FixedSchedule fs = build_fixed_schedule(ds, true, std::nullopt);
  EXPECT_DOUBLE_EQ(fs.zero_ms, 1000.0);
  ASSERT_EQ(fs.entries.size(), 4u);
  // Sorted by first timestamp; equal timestamps keep dataset order.
  EXPECT_EQ(fs.entries[0].conversation, 1u);
  EXPECT_EQ(fs.entries[1].conversation, 3u);
  EXPECT_EQ(fs.entries[2].conversation, 2u);
  EXPECT_EQ(fs.entries[3].conversation, 0u);
  EXPECT_EQ(fs.entries[0].offset_ns, 0);
  EXPECT_EQ(fs.entries[2].offset_ns, 2'000'000'000);
  EXPECT_EQ(fs.entries[3].offset_ns, 4'000'000'000);
  EXPECT_EQ(fs.total_turns, 5u);
}

TEST(FixedSchedule, StartOffsetIsZeroWithoutAutoOffset) {
  auto ds = trace({{2500}, {4000}});
  FixedSchedule fs = build_fixed_schedule(ds, false, 2000);
  EXPECT_DOUBLE_EQ(fs.zero_ms, 2000.0);
  EXPECT_EQ(fs.entries[0].offset_ns, 500'000'000);
  EXPECT_EQ(fs.entries[1].offset_ns, 2'000'000'000);
}

TEST(FixedSchedule, AbsoluteTraceTimeWithoutAnyOffset) {
  auto ds = trace({{250}, {100}});
  FixedSchedule fs = build_fixed_schedule(ds, false, std::nullopt);
  EXPECT_DOUBLE_EQ(fs.zero_ms, 0.0);
  EXPECT_EQ(fs.entries[0].offset_ns, 100'000'000);
  EXPECT_EQ(fs.entries[1].offset_ns, 250'000'000);
}

TEST(FixedSchedule, OffsetArithmetic) {
  EXPECT_EQ(trace_offset_ns(1000.5, 1000.0), 500'000);
  EXPECT_EQ(trace_offset_ns(999.0, 1000.0), -1'000'000);
  EXPECT_EQ(trace_offset_ns(1'700'000'000'123.0, 1'700'000'000'000.0), 123'000'000);
}

TEST(FixedSchedule, MissingFirstTimestampIsAnError) {
  auto ds = trace({{100}, {std::nullopt, 200}});
  try {
    build_fixed_schedule(ds, true, std::nullopt);
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "First turn of s1 missing timestamp_ms");
  }
  dataset::Dataset empty;
  EXPECT_THROW(build_fixed_schedule(empty, true, std::nullopt), InputError);
}

/// A just-in-time source with only timestamps (trace columns): the schedule is built from them
/// without the prompts.
class TimestampSource final : public dataset::ConversationSource {
 public:
  explicit TimestampSource(std::vector<std::optional<int64_t>> ts) : ts_(std::move(ts)) {}
  size_t size() const override { return ts_.size(); }
  uint32_t turns(size_t) const override { return 1; }
  std::unique_ptr<Cursor> open() const override { return nullptr; }
  size_t memory_bytes() const override { return 0; }
  std::vector<uint32_t> turn_counts() const override { return {}; }
  std::optional<int64_t> first_timestamp_ms(size_t i) const override { return ts_[i]; }

 private:
  std::vector<std::optional<int64_t>> ts_;
};

TEST(FixedSchedule, AJustInTimeSourceGivesTheScheduleOfTheHeldDataset) {
  const std::vector<std::optional<int64_t>> ts = {5000, 1000, 3000, 1000, 7000};
  std::vector<std::vector<std::optional<int64_t>>> convs;
  for (auto t : ts) convs.push_back({t});
  for (bool auto_offset : {true, false}) {
    dataset::Dataset held = trace(convs);
    dataset::Dataset jit;
    jit.source = std::make_shared<TimestampSource>(ts);
    FixedSchedule a = build_fixed_schedule(held, auto_offset, 500);
    FixedSchedule b = build_fixed_schedule(jit, auto_offset, 500);
    EXPECT_DOUBLE_EQ(a.zero_ms, b.zero_ms);
    EXPECT_EQ(a.total_turns, b.total_turns);
    ASSERT_EQ(a.entries.size(), b.entries.size());
    for (size_t i = 0; i < a.entries.size(); ++i) {
      EXPECT_EQ(a.entries[i].conversation, b.entries[i].conversation) << i;
      EXPECT_EQ(a.entries[i].offset_ns, b.entries[i].offset_ns) << i;
    }
  }
  dataset::Dataset missing;
  missing.source = std::make_shared<TimestampSource>(std::vector<std::optional<int64_t>>{1, {}});
  EXPECT_THROW(build_fixed_schedule(missing, true, std::nullopt), InputError);
}

}  // namespace
}  // namespace aiperf::schedule
