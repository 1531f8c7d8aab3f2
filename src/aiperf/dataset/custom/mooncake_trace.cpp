// mooncake_trace rows (spec §4.5): JSONL, exactly one input mode per line (input_length with
// optional hash_ids, text_input, messages, payload); timestamps and delays in milliseconds.
#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {
namespace {

double millis(dom::element v, const SourcePos& pos, std::string_view field) {
  double t = number_of(v, pos, field, "a number of milliseconds >= 0");
  if (t < 0) fail(pos, field, "expected a number of milliseconds >= 0 (got " + num_text(t) + ")");
  return t;
}

void hash_ids(dom::element v, const SourcePos& pos, std::vector<int64_t>& out) {
  dom::array arr;
  if (v.get_array().get(arr)) {
    fail(pos, "hash_ids", "expected a list of integers (got " + describe(v) + ")");
  }
  for (dom::element e : arr) out.push_back(int_of(e, pos, "hash_ids", "a list of integers"));
}

}  // namespace

void parse_mooncake_line(std::string_view line, const SourcePos& pos, TraceRow& out,
                         std::map<std::string, int64_t>* unknown) {
  out.clear();
  out.line = pos.line;
  dom::object obj = parse_object(line, pos, "a mooncake_trace record");
  std::string modes;
  auto mode = [&](const char* name) { modes += (modes.empty() ? "" : ", ") + std::string(name); };
  bool have_hash = false, have_tools = false, have_mode = false;
  for (auto [key, v] : obj) {
    if (v.is_null()) continue;  // null means "not given" (pydantic Optional)
    if (key == "input_length") {
      int64_t n = int_of(v, pos, "input_length", "an integer > 0");
      if (n <= 0)
        fail(pos, "input_length", "expected an integer > 0 (got " + std::to_string(n) + ")");
      out.input_length = n;
      mode("input_length");
    } else if (key == "text_input") {
      out.text_input = str_of(v, pos, "text_input");
      mode("text_input");
    } else if (key == "messages") {
      dom::array arr;
      if (v.get_array().get(arr)) {
        fail(pos, "messages",
             "expected a list of {\"role\", \"content\"} objects (got " + describe(v) + ")");
      }
      size_t n = 0;
      for (dom::element m : arr) {
        dom::object mo;
        dom::element role;
        if (m.get_object().get(mo) || mo.at_key("role").get(role) || !role.is_string()) {
          fail(pos, "messages", "expected each message to be an object with a string \"role\"");
        }
        ++n;
      }
      if (n == 0) fail(pos, "messages", "expected at least one message (got an empty list)");
      out.messages_json = raw_of(v);
      mode("messages");
    } else if (key == "payload") {
      if (!v.is_object()) fail(pos, "payload", "expected an object (got " + describe(v) + ")");
      out.payload_json = raw_of(v);
      mode("payload");
    } else if (key == "output_length") {
      int64_t n = int_of(v, pos, "output_length", "an integer >= 0");
      if (n < 0)
        fail(pos, "output_length", "expected an integer >= 0 (got " + std::to_string(n) + ")");
      out.output_length = n;
    } else if (key == "hash_ids") {
      hash_ids(v, pos, out.hash_ids);
      have_hash = true;
    } else if (key == "timestamp") {
      out.timestamp_ms = millis(v, pos, "timestamp");
    } else if (key == "delay") {
      out.delay_ms = millis(v, pos, "delay");
    } else if (key == "session_id") {
      out.session_id = str_of(v, pos, "session_id");
    } else if (key == "tools") {
      if (!v.is_array()) fail(pos, "tools", "expected a list (got " + describe(v) + ")");
      out.tools_json = raw_of(v);
      have_tools = true;
    } else if (key == "extra") {
      if (!v.is_object()) fail(pos, "extra", "expected an object (got " + describe(v) + ")");
      out.extra_json = raw_of(v);
    } else if (key == "message_mode") {
      std::string m = str_of(v, pos, "message_mode");
      if (m != "history" && m != "delta") {
        fail(pos, "message_mode", "expected \"history\" or \"delta\" (got \"" + m + "\")");
      }
      out.message_mode_delta = m == "delta";
      have_mode = true;
    } else if (unknown) {
      ++(*unknown)[std::string(key)];
    }
  }
  if (modes.empty()) {
    fail(pos, "input_length",
         "missing: exactly one of input_length, text_input, messages, payload is required");
  }
  if (modes.find(',') != std::string::npos) {
    fail(pos, "",
         "exactly one of input_length, text_input, messages, payload may be set (got " + modes +
             ")");
  }
  if (have_hash && !out.input_length) {
    fail(pos, "hash_ids", "only allowed together with input_length");
  }
  if (have_tools && out.messages_json.empty()) {
    fail(pos, "tools", "only allowed together with messages");
  }
  if (have_mode && out.message_mode_delta && out.messages_json.empty()) {
    fail(pos, "message_mode", "\"delta\" is only valid with messages");
  }
  if (out.timestamp_ms && out.delay_ms) {
    fail(pos, "timestamp", "timestamp and delay cannot be set together");
  }
}

}  // namespace aiperf::dataset::custom
