// The just-in-time renderer (run/session_feed.h) and PhaseState taking sessions from it.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "aiperf/common/clock.h"
#include "aiperf/run/session_feed.h"

namespace aiperf::run {
namespace {

/// Conversation i has one turn whose text is "c<i>"; conversation 13 cannot be built.
class FakeSource : public dataset::ConversationSource {
 public:
  explicit FakeSource(size_t n) : n_(n) {}
  size_t size() const override { return n_; }
  uint32_t turns(size_t) const override { return 1; }
  std::vector<uint32_t> turn_counts() const override { return {}; }
  size_t memory_bytes() const override { return 0; }
  class C : public Cursor {
   public:
    explicit C(const FakeSource& s) : s_(s) {}
    dataset::Conversation read(size_t i) override {
      ++s_.reads;
      if (i == 13 && s_.fail_13) throw std::runtime_error("cannot build 13");
      dataset::Conversation c;
      // (appended, not concatenated: GCC 12 warns falsely on "s" + std::to_string(i))
      c.session_id.assign("s").append(std::to_string(i));
      c.turns.resize(1);
      c.turns[0].text.assign("c").append(std::to_string(i));
      c.turns[0].max_tokens = int64_t(i);
      return c;
    }

   private:
    const FakeSource& s_;
  };
  std::unique_ptr<Cursor> open() const override { return std::make_unique<C>(*this); }
  mutable std::atomic<int> reads{0};
  bool fail_13 = false;

 private:
  size_t n_;
};

JustInTimeFeed::Options options(const FakeSource& src, size_t window = 8) {
  JustInTimeFeed::Options o;
  o.source = &src;
  o.render = [](const dataset::Conversation& c) { return "{\"p\":\"" + c.turns[0].text + "\"}"; };
  o.window = window;
  return o;
}

using Take = schedule::SessionFeed::Take;

TEST(JustInTimeFeed, TheWindowCoversSlotsOrATenthOfASecond) {
  EXPECT_EQ(feed_window(1, 0.0), 258u);          // a closed loop of one
  EXPECT_EQ(feed_window(64, 0.0), 384u);         // twice the slots and 256
  EXPECT_EQ(feed_window(1, 10'000.0), 1000u);    // 10k req/s: 100 ms
  EXPECT_EQ(feed_window(1, 1'000.0), 258u);      // slow rates keep the slots' figure
  EXPECT_EQ(feed_window(100'000, 0.0), 16384u);  // capped
  EXPECT_EQ(feed_window(1, 1e300), 16384u);
}

TEST(JustInTimeFeed, SamplerOrderWithABoundedWindow) {
  FakeSource src(5);
  JustInTimeFeed feed(options(src, 3), schedule::ConversationSampler(5));
  feed.start();
  feed.prefill(3, mono_ns() + 5'000'000'000);
  EXPECT_LE(src.reads.load(), 4);      // the window (plus the one being rendered)
  for (uint32_t i = 0; i < 12; ++i) {  // sequential sampling wraps around
    ASSERT_TRUE(feed.wait_ready(mono_ns() + 5'000'000'000));
    uint32_t conv = 99;
    std::shared_ptr<const dataset::PreparedConversation> p;
    ASSERT_EQ(feed.take(-1, &conv, &p), Take::kReady);
    EXPECT_EQ(conv, i % 5);
    EXPECT_EQ(p->first_body, "{\"p\":\"c" + std::to_string(i % 5) + "\"}");
    EXPECT_EQ(p->expected_events, i % 5 ? i % 5 + 4 : 0);
  }
  feed.stop();
  EXPECT_EQ(feed.rendered(), uint64_t(src.reads.load()));
}

// A full window is refilled once half of it was taken, not after every take: the renderer
// wakes once per half window. (The sleep cannot make this test fail when the feed is right:
// before the fourth take nothing may be rendered, however long one waits.)
TEST(JustInTimeFeed, AFullWindowIsRefilledFromHalf) {
  FakeSource src(100);
  JustInTimeFeed feed(options(src, 8), schedule::ConversationSampler(100));
  feed.start();
  feed.prefill(8, mono_ns() + 5'000'000'000);
  uint32_t conv = 0;
  std::shared_ptr<const dataset::PreparedConversation> p;
  for (uint32_t i = 0; i < 3; ++i) {
    ASSERT_EQ(feed.take(-1, &conv, &p), Take::kReady);
    EXPECT_EQ(conv, i);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(src.reads.load(), 8);  // 5 of 8 ready: above half, the renderer sleeps
  ASSERT_EQ(feed.take(-1, &conv, &p), Take::kReady);  // 4 of 8: refill
  feed.prefill(8, mono_ns() + 5'000'000'000);
  EXPECT_EQ(src.reads.load(), 12);
  for (uint32_t i = 4; i < 12; ++i) {
    ASSERT_EQ(feed.take(-1, &conv, &p), Take::kReady);
    EXPECT_EQ(conv, i);
  }
  feed.stop();
}

TEST(JustInTimeFeed, FixedOrderDropsSkippedSessionsAndEnds) {
  FakeSource src(10);
  JustInTimeFeed feed(options(src), std::vector<uint32_t>{4, 2, 7, 9});
  feed.start();
  feed.prefill(4, mono_ns() + 5'000'000'000);
  uint32_t conv = 0;
  std::shared_ptr<const dataset::PreparedConversation> p;
  ASSERT_EQ(feed.take(4, &conv, &p), Take::kReady);
  EXPECT_EQ(conv, 4u);
  ASSERT_EQ(feed.take(7, &conv, &p), Take::kReady);  // 2 was refused by a stop condition
  EXPECT_EQ(conv, 7u);
  EXPECT_EQ(p->conversation.session_id, "s7");
  ASSERT_EQ(feed.take(9, &conv, &p), Take::kReady);
  // The renderer marks the end after its last session: wait for it (no timing luck).
  EXPECT_FALSE(feed.wait_ready(mono_ns() + 5'000'000'000));
  EXPECT_EQ(feed.take(-1, &conv, &p), Take::kEnded);
}

TEST(JustInTimeFeed, ARenderingFailureEndsTheFeedWithItsReason) {
  FakeSource src(20);
  src.fail_13 = true;
  JustInTimeFeed feed(options(src, 64), schedule::ConversationSampler(20));
  feed.start();
  uint32_t conv = 0;
  std::shared_ptr<const dataset::PreparedConversation> p;
  for (int i = 0; i < 13; ++i) {
    ASSERT_TRUE(feed.wait_ready(mono_ns() + 5'000'000'000));
    ASSERT_EQ(feed.take(-1, &conv, &p), Take::kReady);
  }
  EXPECT_FALSE(feed.wait_ready(mono_ns() + 5'000'000'000));
  EXPECT_EQ(feed.take(-1, &conv, &p), Take::kEnded);
  EXPECT_NE(feed.error().find("cannot build 13"), std::string::npos);
}

TEST(JustInTimeFeed, PhaseStateTakesSessionsFromTheFeed) {
  FakeSource src(3);
  schedule::PhaseSpec spec;
  spec.request_count = 4;
  spec.concurrency = 10;
  schedule::PhaseState ps(spec, std::vector<uint32_t>{}, 1, schedule::ConversationSampler(3));
  JustInTimeFeed feed(options(src, 2), schedule::ConversationSampler(3));
  ps.set_feed(&feed);
  ps.start(mono_ns());
  // Not started yet: nothing ready, nothing taken, nothing counted.
  EXPECT_FALSE(ps.try_issue(mono_ns(), mono_ns()).has_value());
  EXPECT_TRUE(ps.feed_starved());
  EXPECT_EQ(ps.sent(), 0u);
  feed.start();
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(ps.wait_feed(mono_ns() + 5'000'000'000));
    auto c = ps.try_issue(mono_ns(), mono_ns());
    ASSERT_TRUE(c.has_value());
    EXPECT_FALSE(ps.feed_starved());
    EXPECT_EQ(c->conversation, i % 3);
    ASSERT_TRUE(c->prepared && c->body);
    EXPECT_EQ(*c->body, "{\"p\":\"c" + std::to_string(i % 3) + "\"}");
    EXPECT_EQ(c->body.get(), &c->prepared->first_body);  // no copy
  }
  EXPECT_TRUE(ps.sending_done());
  EXPECT_GE(feed.stalls(), 1u);
}

}  // namespace
}  // namespace aiperf::run
