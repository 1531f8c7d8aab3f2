// bailian_trace rows (spec §4.5): Alibaba Bailian/Qwen traces, JSONL; `timestamp` in SECONDS
// (converted to ms here), hash_ids of 16-token blocks, sessions by parent_chat_id.
#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

void parse_bailian_line(std::string_view line, const SourcePos& pos, TraceRow& out,
                        std::map<std::string, int64_t>* unknown) {
  out.clear();
  out.line = pos.line;
  dom::object obj = parse_object(line, pos, "a bailian_trace record");
  bool have_chat = false;
  for (auto [key, v] : obj) {
    if (v.is_null()) continue;
    if (key == "chat_id") {
      out.chat_id = int_of(v, pos, "chat_id");
      have_chat = true;
    } else if (key == "parent_chat_id") {
      out.parent_chat_id = int_of(v, pos, "parent_chat_id");
    } else if (key == "timestamp") {
      double s = number_of(v, pos, "timestamp", "a number of seconds >= 0");
      if (s < 0)
        fail(pos, "timestamp", "expected a number of seconds >= 0 (got " + num_text(s) + ")");
      out.timestamp_ms = s * 1000.0;
    } else if (key == "input_length") {
      int64_t n = int_of(v, pos, "input_length", "an integer > 0");
      if (n <= 0)
        fail(pos, "input_length", "expected an integer > 0 (got " + std::to_string(n) + ")");
      out.input_length = n;
    } else if (key == "output_length") {
      int64_t n = int_of(v, pos, "output_length", "an integer >= 0");
      if (n < 0)
        fail(pos, "output_length", "expected an integer >= 0 (got " + std::to_string(n) + ")");
      out.output_length = n;
    } else if (key == "type") {
      out.request_type = str_of(v, pos, "type");
    } else if (key == "turn") {
      out.turn = int_of(v, pos, "turn", "an integer >= 1");
      if (out.turn < 1)
        fail(pos, "turn", "expected an integer >= 1 (got " + std::to_string(out.turn) + ")");
    } else if (key == "hash_ids") {
      dom::array arr;
      if (v.get_array().get(arr)) {
        fail(pos, "hash_ids", "expected a list of integers (got " + describe(v) + ")");
      }
      for (dom::element e : arr)
        out.hash_ids.push_back(int_of(e, pos, "hash_ids", "a list of integers"));
    } else if (unknown) {
      ++(*unknown)[std::string(key)];
    }
  }
  if (!have_chat) fail(pos, "chat_id", "missing (expected an integer)");
  if (!out.input_length) fail(pos, "input_length", "missing (expected an integer > 0)");
}

}  // namespace aiperf::dataset::custom
