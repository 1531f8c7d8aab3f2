// reparse_in_place() against a full parse: whenever it reads a stream's next message from the
// previous one's parse, the result must be what parse() gives for that message, for any shared
// prefix and suffix lengths the record may carry (the framer's are maximal, but the rule must
// not depend on it). Recorded streams and random chunk streams whose texts hold quotes,
// backslashes, escapes, UTF-8 and empty strings.
#include <gtest/gtest.h>

#include <filesystem>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/config/config.h"
#include "aiperf/endpoint/endpoint.h"
#include "test_util.h"

namespace aiperf::endpoint {
namespace {

std::pair<size_t, size_t> maximal_shared(std::string_view a, std::string_view b) {
  size_t p = 0;
  while (p < a.size() && p < b.size() && a[p] == b[p]) ++p;
  size_t s = 0;
  while (s < a.size() - p && s < b.size() - p && a[a.size() - 1 - s] == b[b.size() - 1 - s]) ++s;
  return {p, s};
}

void expect_same(const ParsedResponse& fast, const ParsedResponse& full, const std::string& msg) {
  SCOPED_TRACE(msg);
  EXPECT_EQ(fast.kind, full.kind);
  EXPECT_EQ(fast.content, full.content);
  EXPECT_EQ(fast.reasoning, full.reasoning);
  EXPECT_EQ(fast.tool_call_text, full.tool_call_text);
  EXPECT_EQ(fast.finish_reason, full.finish_reason);
  EXPECT_EQ(fast.final_text, full.final_text);
  EXPECT_EQ(fast.has_usage, full.has_usage);
  EXPECT_EQ(fast.has_error, full.has_error);
  EXPECT_EQ(fast.text_at, full.text_at);
  EXPECT_EQ(fast.text_len, full.text_len);
}

/// Runs one stream the way the record processor does, for each way of shortening the maximal
/// shared lengths; returns how many messages were read in place.
size_t check_stream(const Endpoint& ep, const std::vector<std::string>& msgs) {
  size_t hits = 0;
  for (const auto& [cut_pre, cut_suf] :
       {std::pair<size_t, size_t>{0, 0}, {1, 0}, {0, 1}, {3, 5}, {40, 0}}) {
    ParsedResponse p;
    bool have = false;
    std::string prev;
    for (const std::string& m : msgs) {
      ParsedResponse full;
      const bool ok = ep.parse(m, full);
      auto [pre, suf] = maximal_shared(prev, m);
      pre -= std::min(pre, cut_pre);
      suf -= std::min(suf, cut_suf);
      if (have && reparse_in_place(p, prev.size(), m, pre, suf)) {
        ++hits;
        EXPECT_TRUE(ok) << m;
        expect_same(p, full, m);
      } else {
        have = ep.parse(m, p);
      }
      prev = m;
    }
  }
  return hits;
}

std::unique_ptr<Endpoint> make(config::EndpointType t) {
  config::Config cfg;
  cfg.models = {"m"};
  cfg.endpoint_type = t;
  return create(cfg);
}

TEST(ReparseInPlace, RecordedStreamsGiveWhatAFullParseGives) {
  auto chat = make(config::EndpointType::kChat);
  auto completions = make(config::EndpointType::kCompletions);
  size_t hits = 0, files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(
           std::filesystem::path(AIPERF_TEST_DATA_DIR) / "sse")) {
    if (e.path().extension() != ".sse") continue;
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<std::string> msgs;
    for (auto& ev : test::split_sse(ss.str()))
      if (!ev.is_error) msgs.push_back(ev.data);
    SCOPED_TRACE(e.path().filename().string());
    hits += check_stream(*chat, msgs);
    check_stream(*completions, msgs);
    ++files;
  }
  EXPECT_GT(files, 5u);
  EXPECT_GT(hits, 50u);  // the recorded chat streams are read in place
}

/// A random text: letters and spaces mostly, with quotes, backslashes, control characters,
/// two- and four-byte UTF-8 and empty strings now and then.
std::string random_text(std::mt19937& rng) {
  static const std::vector<std::string> pieces = {"a",
                                                  "b",
                                                  "Hello",
                                                  " ",
                                                  " the",
                                                  "\"",
                                                  "\\",
                                                  "\n",
                                                  "\t",
                                                  "\xC3\xA9",
                                                  "\xF0\x9F\x98\x80",
                                                  "x y",
                                                  "}",
                                                  "{",
                                                  ",",
                                                  ":",
                                                  "\xE2\x82\xAC",
                                                  "0",
                                                  "u00e9",
                                                  "/"};
  std::string s;
  const int n = std::uniform_int_distribution<int>(0, 6)(rng);
  for (int i = 0; i < n; ++i) s += pieces[rng() % pieces.size()];
  return s;
}

std::string chat_chunk(const std::string& field, const std::string& text, const char* finish,
                       bool usage) {
  nlohmann::ordered_json j = {{"id", "chatcmpl-1"},
                              {"object", "chat.completion.chunk"},
                              {"created", 1700000000},
                              {"model", "m"}};
  nlohmann::ordered_json delta = nlohmann::ordered_json::object();
  delta[field] = text;
  nlohmann::ordered_json choice = {{"index", 0}, {"delta", delta}, {"logprobs", nullptr}};
  choice["finish_reason"] = finish ? nlohmann::ordered_json(finish) : nullptr;
  j["choices"] = nlohmann::ordered_json::array({choice});
  if (usage) j["usage"] = {{"prompt_tokens", 3}, {"completion_tokens", 2}};
  // Some servers escape non-ASCII (ensure_ascii), most do not: both kinds.
  return j.dump(-1, ' ', text.size() % 3 == 0);
}

std::string completion_chunk(const std::string& text) {
  nlohmann::ordered_json j = {{"id", "cmpl-1"},
                              {"object", "text_completion"},
                              {"choices", {{{"index", 0}, {"text", text}}}}};
  return j.dump();
}

TEST(ReparseInPlace, RandomStreamsGiveWhatAFullParseGives) {
  auto chat = make(config::EndpointType::kChat);
  auto completions = make(config::EndpointType::kCompletions);
  std::mt19937 rng(7);
  size_t hits = 0;
  for (int stream = 0; stream < 400; ++stream) {
    std::vector<std::string> chat_msgs, completion_msgs;
    const std::string field = stream % 4 == 0   ? "reasoning_content"
                              : stream % 4 == 1 ? "reasoning"
                                                : "content";
    for (int i = 0; i < 30; ++i) {
      const std::string text = random_text(rng);
      const bool last = rng() % 10 == 0;
      chat_msgs.push_back(chat_chunk(field, text, last ? "stop" : nullptr, rng() % 15 == 0));
      completion_msgs.push_back(completion_chunk(text));
    }
    hits += check_stream(*chat, chat_msgs);
    hits += check_stream(*completions, completion_msgs);
  }
  EXPECT_GT(hits, 1000u);
}

TEST(ReparseInPlace, RefusesWhatItCannotProve) {
  auto chat = make(config::EndpointType::kChat);
  const std::string a = chat_chunk("content", "Hello", nullptr, false);
  ParsedResponse p;
  ASSERT_TRUE(chat->parse(a, p));
  ASSERT_GT(p.text_len, 0u);
  auto try_next = [&](const std::string& b) {
    ParsedResponse q = p;
    auto [pre, suf] = maximal_shared(a, b);
    return reparse_in_place(q, a.size(), b, pre, suf);
  };
  EXPECT_TRUE(try_next(chat_chunk("content", "Help", nullptr, false)));
  EXPECT_TRUE(try_next(a));                                                  // the same chunk again
  EXPECT_FALSE(try_next(chat_chunk("content", "He\"llo", nullptr, false)));  // an escape
  EXPECT_FALSE(try_next(chat_chunk("content", "H\xC3\xA9llo", nullptr, false)));  // UTF-8
  EXPECT_FALSE(try_next(chat_chunk("content", "", nullptr, false)));      // no text: another kind
  EXPECT_FALSE(try_next(chat_chunk("content", "Hello", "stop", false)));  // outside the text
  // Nothing shared, or lengths that do not fit the messages.
  ParsedResponse q = p;
  EXPECT_FALSE(reparse_in_place(q, a.size(), a, 0, 0));
  EXPECT_FALSE(reparse_in_place(q, a.size(), a, a.size(), a.size()));
  EXPECT_EQ(q.content, "Hello");
}

}  // namespace
}  // namespace aiperf::endpoint
