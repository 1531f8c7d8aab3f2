// detail::dump_compact writes exactly what nlohmann's compact dump (invalid UTF-8 replaced)
// writes, its strings written by append_json_string (invalid UTF-8 left to nlohmann).
#include <gtest/gtest.h>

#include <string>

#include "aiperf/common/json_string.h"
#include "aiperf/common/rng.h"
#include "aiperf/endpoint/body_util.h"

namespace aiperf::endpoint::detail {
namespace {

std::string reference(const Json& j) {
  return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

TEST(DumpCompact, EveryByteAtEveryPositionOfABlockAndAWord) {
  for (int c = 0; c < 0x100; ++c) {
    for (size_t at = 0; at < 41; ++at) {  // 16-byte blocks, an 8-byte word, then single bytes
      std::string s(41, 'a');
      s[at] = char(c);
      const Json j = {{"content", s}, {s, s}};
      ASSERT_EQ(dump_compact(j), reference(j)) << "char " << c << " at " << at;
    }
  }
}

TEST(DumpCompact, Utf8ValidAndInvalid) {
  for (const std::string s : {"caf\xc3\xa9 au lait, long enough for a word", "\xe2\x80\xa8 x",
                              "bad \xff byte in the middle of a longer text", "cut \xc3",
                              "\xf0\x9f\x98\x80", "\x7f del and \x1f unit separator"}) {
    const Json j = {{"messages", {{{"role", "user"}, {"content", s}}}}, {"k\xc3\xa9y", s}};
    EXPECT_EQ(dump_compact(j), reference(j)) << s;
  }
}

TEST(DumpCompact, AppendJsonStringSaysWhenItReplaced) {
  std::string out;
  EXPECT_TRUE(append_json_string(out, "caf\xc3\xa9 \"q\""));
  EXPECT_EQ(out, "\"caf\xc3\xa9 \\\"q\\\"\"");
  out.clear();
  EXPECT_FALSE(append_json_string(out, "bad \xff"));
  EXPECT_EQ(out, "\"bad \xef\xbf\xbd\"");
}

TEST(DumpCompact, BodiesOfEveryKindOfValue) {
  Json j = Json::object();
  j["model"] = "m";
  j["stream"] = true;
  j["max_completion_tokens"] = 128;
  j["temperature"] = 0.7;
  j["seed"] = -3;
  j["big"] = 18446744073709551615ULL;
  j["tiny"] = 1e-300;
  j["none"] = nullptr;
  j["empty_object"] = Json::object();
  j["empty_array"] = Json::array();
  j["nested"] = {{"a", {1, 2.5, "three", false, nullptr, Json::array({Json::object()})}}};
  j["quote\"key"] = "back\\slash \"quoted\" \t tab \n newline / slash";
  EXPECT_EQ(dump_compact(j), reference(j));
  EXPECT_EQ(dump_compact(Json("just a string")), reference(Json("just a string")));
  EXPECT_EQ(dump_compact(Json(42)), "42");
}

TEST(DumpCompact, RandomAsciiTexts) {
  Rng rng(7);
  for (int i = 0; i < 2000; ++i) {
    std::string s(size_t(rng.randrange(200)), ' ');
    for (char& c : s) {
      // Mostly prose, sometimes anything below 0x80.
      c = rng.randrange(10) == 0 ? char(rng.randrange(0x80)) : char('a' + rng.randrange(26));
    }
    const Json j = {{"prompt", s}, {"n", i}};
    ASSERT_EQ(dump_compact(j), reference(j)) << s;
  }
}

}  // namespace
}  // namespace aiperf::endpoint::detail
