// SPEED-Bench rows (docs/datasets.md "SPEED-Bench"): {"question_id": 32 characters,
// "category": str, "messages": [{"role": str, "content": str}, ...]} per JSONL line, as the
// nvidia/SPEED-Bench preparation scripts write them (qualitative.jsonl, throughput_1k.jsonl...).
#include <algorithm>

#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {
namespace {

// The text the public dataset ships in place of the prompts (their license keeps them out).
constexpr std::string_view kPlaceholder =
    "FULL BENCHMARK DATA SHOULD BE FETCHED FROM THE SOURCE USING SPECDEC_BENCH";

/// Fields of the prepared files this reader does not use (tolerated without a warning).
bool auxiliary_field(std::string_view key) {
  for (std::string_view k : {"sub_category", "source", "src_id", "difficulty", "multiturn"}) {
    if (key == k) return true;
  }
  return false;
}

size_t code_points(std::string_view s) {
  return size_t(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

/// A non-blank string field of a message.
std::string message_text(dom::object m, std::string_view key, const SourcePos& pos,
                         const std::string& field) {
  dom::element v;
  if (m.at_key(key).get(v)) fail(pos, field, "missing (expected a non-empty string)");
  std::string s = str_of(v, pos, field);
  if (blank(s)) fail(pos, field, "must not be empty");
  return s;
}

void parse_messages(dom::element value, const SourcePos& pos, SpeedBenchRow& out,
                    std::map<std::string, int64_t>* unknown) {
  dom::array arr;
  if (value.get_array().get(arr)) {
    fail(pos, "messages",
         "expected a list of {role, content} objects (got " + describe(value) + ")");
  }
  size_t i = 0;
  for (dom::element e : arr) {
    const std::string at = "messages[" + std::to_string(i++) + "]";
    dom::object m;
    if (e.get_object().get(m)) {
      fail(pos, at, "expected an object with role and content (got " + describe(e) + ")");
    }
    SpeedBenchRow::Message msg;
    msg.role = message_text(m, "role", pos, at + ".role");
    msg.content = message_text(m, "content", pos, at + ".content");
    if (msg.content == kPlaceholder) {
      fail(pos, at + ".content",
           "is the placeholder of the public nvidia/SPEED-Bench files, not a prompt; fetch the "
           "full benchmark data from its sources with specdec_bench (or the SPEED-Bench "
           "preparation script) and pass the file it writes");
    }
    for (auto [key, v] : m) {
      (void)v;
      if (key != "role" && key != "content" && unknown)
        ++(*unknown)["messages[]." + std::string(key)];
    }
    out.messages.push_back(std::move(msg));
  }
  if (out.messages.empty())
    fail(pos, "messages", "expected at least one message (got an empty list)");
}

}  // namespace

void parse_speed_bench_line(std::string_view line, const SourcePos& pos, SpeedBenchRow& out,
                            std::map<std::string, int64_t>* unknown) {
  out.question_id.clear();
  out.category.clear();
  out.messages.clear();
  dom::object obj = parse_object(line, pos, "a SPEED-Bench row");
  bool have_id = false, have_category = false, have_messages = false;
  for (auto [key, value] : obj) {
    if (key == "question_id") {
      out.question_id = str_of(value, pos, "question_id");
      have_id = true;
    } else if (key == "category") {
      out.category = str_of(value, pos, "category");
      have_category = true;
    } else if (key == "messages") {
      out.messages.clear();
      parse_messages(value, pos, out, unknown);
      have_messages = true;
    } else if (unknown && !auxiliary_field(key)) {
      ++(*unknown)[std::string(key)];
    }
  }
  if (!have_id) fail(pos, "question_id", "missing (expected a 32-character string)");
  if (const size_t n = code_points(out.question_id); n != 32) {
    fail(pos, "question_id", "must be 32 characters (got " + std::to_string(n) + ")");
  }
  if (!have_category) fail(pos, "category", "missing (expected a non-empty string)");
  if (out.category.empty()) fail(pos, "category", "must not be empty");
  if (!have_messages) fail(pos, "messages", "missing (expected a list of {role, content} objects)");
}

}  // namespace aiperf::dataset::custom
