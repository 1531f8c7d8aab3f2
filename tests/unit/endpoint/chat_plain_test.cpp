// Chat bodies written straight out (detail::chat_body_plain) against the JSON tree's bytes
// (detail::chat_body_tree) over every combination of what the usual request can carry, and
// the requests it must leave to the tree.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/endpoint/body_util.h"
#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint::detail {
namespace {

struct Case {
  dataset::Conversation conv;
  dataset::Turn turn;
  std::shared_ptr<const Json> extra = parse_extra_inputs("{}");
  RenderContext ctx;
  Case() {
    turn.text = "hello";
    ctx.conversation = &conv;
    ctx.turn = &turn;
    ctx.default_model = "m";
    ctx.extra_inputs = extra.get();
  }
};

/// Plain and tree agree, and the plain path took the case.
void expect_same(const RenderContext& ctx, const std::string& what) {
  std::string plain;
  ASSERT_TRUE(chat_body_plain(ctx, plain)) << what;
  EXPECT_EQ(plain, chat_body_tree(ctx)) << what;
  EXPECT_EQ(create("chat")->render_body(ctx), plain) << what;
}

TEST(ChatPlain, EveryCombinationOfTheUsualRequestIsTheTreesBytes) {
  const std::vector<std::optional<std::string>> systems = {std::nullopt, "", "be brief \"now\""};
  const std::vector<std::optional<int64_t>> maxes = {std::nullopt, 0, 7,
                                                     std::numeric_limits<int64_t>::max()};
  int n = 0;
  for (int bits = 0; bits < 16; ++bits) {
    for (const auto& sys : systems) {
      for (const auto& user_ctx : systems) {
        for (const std::string role : {"user", "", "assistant"}) {
          for (const auto& max : maxes) {
            for (int text = 0; text < 3; ++text) {
              Case c;
              c.ctx.streaming = bits & 1;
              c.ctx.use_legacy_max_tokens = bits & 2;
              c.ctx.use_server_token_count = bits & 4;
              c.ctx.warmup = bits & 8;
              c.conv.system_message = sys;
              c.conv.user_context_message = user_ctx;
              c.turn.role = role;
              c.turn.max_tokens = max;
              if (text == 1) c.turn.texts = {"one text item\n\twith \\ escapes \x01"};
              if (text == 2) c.turn.text = "caf\xc3\xa9 \xe2\x80\xa8 \xf0\x9f\x98\x80 \x7f";
              c.turn.model = (bits & 1) ? "" : "served/\"model\"";
              expect_same(c.ctx, "case " + std::to_string(n++));
            }
          }
        }
      }
    }
  }
}

TEST(ChatPlain, RandomTextsAreTheTreesBytes) {
  Rng rng(7);
  const std::vector<std::string> alphabet = {"a",
                                             " ",
                                             "\"",
                                             "\\",
                                             "\n",
                                             "\x1f",
                                             "\x7f",
                                             "/",
                                             "\xc3\xa9",
                                             "\xe2\x82\xac",
                                             "\xf0\x9f\x98\x80"};
  for (int i = 0; i < 2000; ++i) {
    Case c;
    c.turn.text.clear();
    const int64_t len = rng.randrange(81);
    for (int64_t k = 0; k < len; ++k)
      c.turn.text += alphabet[size_t(rng.randrange(int64_t(alphabet.size())))];
    c.turn.max_tokens = 1 + rng.randrange(4096);
    expect_same(c.ctx, c.turn.text);
  }
}

TEST(ChatPlain, EverythingElseIsLeftToTheTree) {
  const auto refused = [](const std::function<void(Case&)>& change, const char* what) {
    Case c;
    std::vector<dataset::Turn> history(1);
    history[0].text = "earlier";
    change(c);
    if (std::string(what) == "history") c.ctx.history = history;
    std::string plain;
    EXPECT_FALSE(chat_body_plain(c.ctx, plain)) << what;
    EXPECT_EQ(create("chat")->render_body(c.ctx), chat_body_tree(c.ctx)) << what;
  };
  refused([](Case&) {}, "history");
  refused([](Case& c) { c.turn.messages_json = R"([{"role":"user","content":"x"}])"; },
          "raw messages");
  refused(
      [](Case& c) {
        c.turn.messages_json = R"([{"role":"user","content":"x"}])";
        c.turn.tools_json = R"([{"type":"function"}])";
      },
      "tools");
  refused([](Case& c) { c.turn.extra_json = R"({"temperature":0})"; }, "turn extra");
  refused([](Case& c) { c.turn.texts = {"a", "b"}; }, "several texts");
  refused([](Case& c) { c.turn.role = "system"; }, "system turn");
  refused(
      [](Case& c) {
        c.turn.media.push_back({dataset::MediaItem::Kind::kImage, "", "data:image/png;base64,AA"});
      },
      "media");
  refused(
      [](Case& c) {
        c.extra = parse_extra_inputs(R"({"stream":true,"top_p":1})");
        c.ctx.extra_inputs = c.extra.get();
      },
      "extra inputs");
  refused([](Case& c) { c.turn.text = "bad \xff byte"; }, "invalid UTF-8 text");
  refused([](Case& c) { c.conv.system_message = "cut \xc3"; }, "invalid UTF-8 system message");
}

TEST(ChatPlain, NoExtraInputsAtAllIsTheUsualRequest) {
  Case c;
  c.ctx.extra_inputs = nullptr;
  expect_same(c.ctx, "no extra inputs");
  EXPECT_EQ(create("chat")->render_body(c.ctx),
            R"({"messages":[{"role":"user","content":"hello"}],"model":"m","stream":false})");
}

}  // namespace
}  // namespace aiperf::endpoint::detail
