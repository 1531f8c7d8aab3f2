#include "aiperf/transport/sse_framer.h"

#include <gtest/gtest.h>

#include "test_util.h"

namespace aiperf::transport {
namespace {

using test::Ev;
using test::events_of;

/// Frames `bytes` delivered as reads ending at each of `cuts` (then the rest); read k is
/// stamped k+1, and the end of body is stamped 1000.
std::vector<Ev> frame(const std::string& bytes, const std::vector<size_t>& cuts,
                      SseFramer* framer_out = nullptr) {
  SseFramer f;
  record::RequestRecord rec;
  size_t pos = 0;
  int64_t ts = 1;
  for (size_t c : cuts) {
    f.feed(bytes.data() + pos, c - pos, ts++, rec);
    pos = c;
  }
  f.feed(bytes.data() + pos, bytes.size() - pos, ts, rec);
  f.finish(1000, rec);
  if (framer_out) *framer_out = f;
  for (auto& e : rec.events) {
    EXPECT_LE(size_t(e.offset) + e.len, rec.data.size());
  }
  return events_of(rec);
}

std::vector<Ev> frame_bytewise(const std::string& bytes) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < bytes.size(); ++i) cuts.push_back(i);
  return frame(bytes, cuts);
}

TEST(SseFramer, EveryFixtureSameEventsAtEverySplitAndBytewise) {
  auto files = test::sse_fixtures();
  ASSERT_GE(files.size(), 30u);
  for (auto& path : files) {
    SCOPED_TRACE(path.string());
    std::string bytes = test::read_file(path);
    ASSERT_FALSE(bytes.empty());
    std::vector<Ev> ref = frame(bytes, {});
    for (size_t k = 0; k <= bytes.size(); ++k) {
      std::vector<Ev> got = frame(bytes, {k});
      ASSERT_EQ(got, ref) << "split at " << k;
      // An event is stamped by the read that completed it: never earlier than the read that
      // held its first byte, so with one split the stamps are non-decreasing.
      for (size_t i = 1; i < got.size(); ++i) ASSERT_LE(got[i - 1].ts, got[i].ts);
    }
    ASSERT_EQ(frame_bytewise(bytes), ref);
  }
}

TEST(SseFramer, RecordedOpenAiStreamsOneEventPerDataLineEndingWithDone) {
  for (auto& path : test::sse_fixtures()) {
    if (path.parent_path().filename() != "openai_python_recorded") continue;
    SCOPED_TRACE(path.string());
    std::string bytes = test::read_file(path);
    size_t data_lines = 0;
    for (size_t p = bytes.find("data: "); p != std::string::npos; p = bytes.find("data: ", p + 1))
      if (p == 0 || bytes[p - 1] == '\n') ++data_lines;
    auto ev = frame(bytes, {});
    ASSERT_EQ(ev.size(), data_lines);
    EXPECT_EQ(ev.back().data, "[DONE]");
    for (size_t i = 0; i + 1 < ev.size(); ++i) {
      EXPECT_EQ(ev[i].data.front(), '{');
      EXPECT_EQ(ev[i].data.back(), '}');
      EXPECT_FALSE(ev[i].error);
    }
  }
}

TEST(SseFramer, DerivedFramingsMatchTheOriginalRecording) {
  auto dir = test::sse_dir();
  auto ref = frame(test::read_file(dir / "openai_python_recorded/4cc50a6135d25457.sse"), {});
  ASSERT_EQ(ref.size(), 5u);
  for (const char* name : {"openai_4cc50a_crlf.sse", "openai_4cc50a_data_nospace.sse",
                           "openai_4cc50a_mixed_lf_crlf.sse"}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(frame(test::read_file(dir / "derived_edge_cases" / name), {}), ref);
  }
  // Keep-alive comments add no events.
  auto ka =
      frame(test::read_file(dir / "derived_edge_cases/openai_4cc50a_keepalive_comments.sse"), {});
  ASSERT_GE(ka.size(), 4u);
  for (size_t i = 0; i < ka.size(); ++i) EXPECT_EQ(ka[i], ref[i]);
}

TEST(SseFramer, RepairsRawNewlineInsideJson) {
  auto ev = frame(
      test::read_file(test::sse_dir() / "derived_edge_cases/raw_newline_inside_json_value.sse"),
      {});
  ASSERT_EQ(ev.size(), 5u);
  EXPECT_NE(ev[1].data.find(R"("content":"\n{\""},"logprobs")"), std::string::npos) << ev[1];
  EXPECT_EQ(ev[1].data.back(), '}');
  EXPECT_EQ(ev[4].data, "[DONE]");
}

TEST(SseFramer, RepairSpansSeveralLinesAndStopsAtDataLine) {
  auto ev = frame("data: {\"a\":\"x\ny\nz\"}\n\ndata: {\n\ndata: {\ndata: 1}\n\n", {});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].data, R"({"a":"x\ny\nz"})");
  EXPECT_EQ(ev[1].data, "{");
  EXPECT_EQ(ev[2].data, "{\n1}");
}

TEST(SseFramer, EventErrorWithComment) {
  SseFramer f;
  auto ev = frame(
      test::read_file(test::sse_dir() / "derived_edge_cases/event_error_with_comment.sse"), {}, &f);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_FALSE(ev[0].error);
  EXPECT_TRUE(ev[1].error);
  EXPECT_EQ(ev[1].data, "{}");
  EXPECT_TRUE(f.saw_error_event());
  EXPECT_EQ(f.error_comment(), "Rate limit exceeded");
}

TEST(SseFramer, ErrorEventWithoutDataIsEmitted) {
  SseFramer f;
  auto ev = frame("event: error\n: boom\n\ndata: x\n\n", {}, &f);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_TRUE(ev[0].error);
  EXPECT_EQ(ev[0].data, "");
  EXPECT_FALSE(ev[1].error);
  EXPECT_EQ(f.error_comment(), "boom");
  // Field names and values are case-sensitive: `event: ERROR` is not an error event.
  SseFramer g;
  EXPECT_EQ(frame("event: ERROR\ndata: x\n\n", {}, &g).at(0).error, false);
  EXPECT_FALSE(g.saw_error_event());
}

TEST(SseFramer, NonStandardErrorFieldIsDropped) {
  auto ev = frame(
      test::read_file(test::sse_dir() / "derived_edge_cases/llamacpp_style_error_field.sse"), {});
  ASSERT_EQ(ev.size(), 1u);
}

TEST(SseFramer, MultipleDataLinesJoinedWithNewline) {
  auto dir = test::sse_dir() / "openai_python_sse_decoder_cases";
  auto ev = frame(test::read_file(dir / "test_multiple_data_lines.sse"), {});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "{\n\"foo\":\ntrue}");
  ev = frame(test::read_file(dir / "test_multiple_data_lines_with_empty_line.sse"), {});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "{\n\"foo\":\n\n\ntrue}");
  EXPECT_TRUE(frame(test::read_file(dir / "test_event_missing_data.sse"), {}).empty());
  EXPECT_TRUE(frame(test::read_file(dir / "test_multiple_events.sse"), {}).empty());
  ev = frame(test::read_file(dir / "test_multiple_events_with_data.sse"), {});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].data, "{\"bar\":false}");
  ev = frame(test::read_file(dir / "test_data_json_escaped_double_new_line.sse"), {});
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, R"({"foo": "my long\n\ncontent"})");
}

TEST(SseFramer, LineEndsLfCrCrlf) {
  std::vector<Ev> want{{"a\nb"}, {"c"}};
  EXPECT_EQ(frame("data: a\ndata: b\n\ndata: c\n\n", {}), want);
  EXPECT_EQ(frame("data: a\rdata: b\r\rdata: c\r\r", {}), want);
  EXPECT_EQ(frame("data: a\r\ndata: b\r\n\r\ndata: c\r\n\r\n", {}), want);
  EXPECT_EQ(frame("data: a\rdata: b\n\r\ndata: c\r\r\n", {}), want);
}

TEST(SseFramer, CrAtEndOfReadAndLfAtStartOfNextAreOneLineEnd) {
  // If the LF were a second line end, "a" would be dispatched alone before "b".
  std::string s = "data: a\r\ndata: b\r\n\r\n";
  std::vector<Ev> want{{"a\nb"}};
  EXPECT_EQ(frame(s, {8}), want);
  EXPECT_EQ(frame(s, {7, 8}), want);
  EXPECT_EQ(frame(s, {19}), want);
  // The event is complete at the CR of its blank line: stamped by that read, not the next one.
  auto ev = frame(s, {19});
  EXPECT_EQ(ev.at(0).ts, 1);
  // A CR-only stream with a lone LF-free next read still works.
  EXPECT_EQ(frame("data: a\rdata: b\r\r", {8}), want);
}

TEST(SseFramer, CommentsAndSpacesAfterColon) {
  auto ev = frame(":\n: ping\n\ndata:x\n\ndata:  two\n\ndata\n\nid: 7\nretry: 10\ndata: y\n\n", {});
  ASSERT_EQ(ev.size(), 4u);
  EXPECT_EQ(ev[0].data, "x");
  EXPECT_EQ(ev[1].data, " two");  // only one space is dropped
  EXPECT_EQ(ev[2].data, "");      // `data` without colon: empty value
  EXPECT_EQ(ev[3].data, "y");
  // Field names are case-sensitive.
  EXPECT_TRUE(frame("Data: x\n\n", {}).empty());
}

TEST(SseFramer, DoneSentinelIsKept) {
  auto ev = frame("data: {\"a\":1}\n\ndata: [DONE]\n\n", {});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].data, "[DONE]");
}

TEST(SseFramer, TrailingEventWithoutDelimiterIsEmittedAtFinish) {
  auto ev = frame("data: a\n\ndata: b", {});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].data, "b");
  EXPECT_EQ(ev[1].ts, 1000);
  ev = frame("data: a\n\ndata: b\n", {});
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[1].ts, 1000);
}

TEST(SseFramer, EventsStampedWithTheReadThatCompletedThem) {
  // Two events complete in read 1, the third is started in read 1 and completed in read 2.
  std::string s = "data: a\n\ndata: b\n\ndata: c\n\n";
  auto ev = frame(s, {20});
  ASSERT_EQ(ev.size(), 3u);
  EXPECT_EQ(ev[0].ts, 1);
  EXPECT_EQ(ev[1].ts, 1);
  EXPECT_EQ(ev[2].ts, 2);
}

TEST(SseFramer, ResetReusesForANewStream) {
  SseFramer f;
  record::RequestRecord rec;
  f.feed("data: partial", 13, 1, rec);
  f.reset();
  rec.reset();
  f.feed("data: x\n\n", 9, 2, rec);
  auto ev = events_of(rec);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].data, "x");
}

TEST(SseFramer, FrontAndBackCodingRoundTripsRandomNeighbours) {
  // Messages that share prefixes and suffixes of every length with their predecessor (the
  // coder compares eight bytes at a time, so lengths around multiples of 8 matter most).
  uint64_t state = 12345;
  auto rnd = [&state](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int round = 0; round < 200; ++round) {
    std::string prev = "{\"a\":\"";
    prev.append(rnd(40), 'x').append("\"}");
    std::string wire;
    std::vector<std::string> want;
    for (int i = 0; i < 30; ++i) {
      std::string msg = prev;
      const size_t at = rnd(msg.size() + 1);
      const size_t cut = rnd(msg.size() - at + 1);
      std::string mid(rnd(12), 'y');
      for (char& c : mid) c = char('a' + rnd(26));
      msg.replace(at, cut, mid);
      if (msg.empty()) msg.push_back('z');
      want.push_back(msg);
      wire.append("data: ").append(msg).append("\n\n");
      prev = msg;
    }
    std::vector<size_t> cuts;
    for (size_t c = rnd(50) + 1; c < wire.size(); c += rnd(300) + 1) cuts.push_back(c);
    auto ev = frame(wire, cuts);
    ASSERT_EQ(ev.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) EXPECT_EQ(ev[i].data, want[i]) << "round " << round;
  }
}

}  // namespace
}  // namespace aiperf::transport
