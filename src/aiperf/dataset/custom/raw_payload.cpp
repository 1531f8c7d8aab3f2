// raw_payload lines and inputs_json files (spec §4.5 "other loaders"): request bodies replayed
// verbatim. A raw_payload line is a whole chat request (it must carry a `messages` list, as
// AIPerf checks, so a stray line fails at load time instead of as a server 4xx mid-run);
// inputs_json is AIPerf's own inputs.json, `{"data": [{"session_id", "payloads": [...]}]}`.
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

std::string parse_raw_payload_line(std::string_view line, const SourcePos& pos) {
  dom::object obj = parse_object(line, pos, "a raw_payload request body");
  dom::element messages;
  if (obj.at_key("messages").get(messages)) {
    fail(pos, "messages",
         "missing: a raw_payload line is a chat request body with a messages list");
  }
  if (!messages.is_array()) {
    fail(pos, "messages", "expected a list of messages (got " + describe(messages) + ")");
  }
  return simdjson::minify(obj);
}

namespace {

using OJson = nlohmann::ordered_json;

std::string kind_of(const OJson& j) {
  switch (j.type()) {
    case OJson::value_t::object:
      return "an object";
    case OJson::value_t::array:
      return "an array";
    case OJson::value_t::string: {
      std::string s = j.get<std::string>();
      if (s.size() > 40) s = s.substr(0, 40) + "...";
      return "the string \"" + s + "\"";
    }
    case OJson::value_t::null:
      return "null";
    case OJson::value_t::boolean:
      return j.get<bool>() ? "true" : "false";
    default:
      return "the number " + j.dump();
  }
}

/// 1-based line of each element of the top-level object's "data" array, by a scan that tracks
/// strings and nesting (nlohmann keeps no source positions). Used for messages only.
std::vector<int64_t> data_element_lines(std::string_view text) {
  std::vector<int64_t> lines;
  int64_t line = 1;
  int depth = 0;
  bool in_str = false, esc = false;
  std::string key, str;
  bool in_data = false, expect = false;
  for (char c : text) {
    if (c == '\n') ++line;
    if (in_str) {
      if (esc) {
        esc = false;
      } else if (c == '\\') {
        esc = true;
      } else if (c == '"') {
        in_str = false;
      } else {
        str += c;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    if (in_data && depth == 2 && expect && c != ']') {
      lines.push_back(line);
      expect = false;
    }
    switch (c) {
      case '"':
        in_str = true;
        str.clear();
        break;
      case ':':
        if (depth == 1) key = str;
        break;
      case '{':
      case '[':
        if (depth == 1 && c == '[' && key == "data") {
          in_data = true;
          expect = true;
        }
        ++depth;
        break;
      case '}':
      case ']':
        --depth;
        if (depth == 1) in_data = false;
        break;
      case ',':
        if (in_data && depth == 2) expect = true;
        break;
      default:
        break;
    }
  }
  return lines;
}

}  // namespace

std::vector<InputsJsonSession> parse_inputs_json(std::string_view text, std::string_view file) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  OJson doc;
  try {
    doc = OJson::parse(text);
  } catch (const OJson::parse_error& e) {
    int64_t line = 1;
    for (size_t i = 0; i < std::min<size_t>(e.byte, text.size()); ++i) line += text[i] == '\n';
    fail(SourcePos{file, line}, "",
         std::string("expected an inputs.json document {\"data\": [...]} (") + e.what() + ")");
  } catch (const OJson::exception& e) {  // e.g. an integer too large for 64 bits
    fail(SourcePos{file, 1}, "",
         std::string("expected an inputs.json document {\"data\": [...]} (") + e.what() + ")");
  }
  const SourcePos top{file, 1};
  if (!doc.is_object()) {
    fail(top, "", "expected an inputs.json document {\"data\": [...]} (got " + kind_of(doc) + ")");
  }
  auto data = doc.find("data");
  if (data == doc.end()) {
    fail(top, "data", "missing: expected {\"data\": [{\"session_id\": ..., \"payloads\": [...]}]}");
  }
  if (!data->is_array()) {
    fail(top, "data",
         "expected a list of {\"session_id\", \"payloads\"} objects (got " + kind_of(*data) + ")");
  }
  const std::vector<int64_t> lines = data_element_lines(text);
  std::vector<InputsJsonSession> out;
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < data->size(); ++i) {
    const OJson& e = (*data)[i];
    const SourcePos pos{file, i < lines.size() ? lines[i] : 1};
    const std::string where = "data[" + std::to_string(i) + "]";
    if (!e.is_object()) {
      fail(pos, where,
           "expected an object {\"session_id\", \"payloads\"} (got " + kind_of(e) + ")");
    }
    auto sid = e.find("session_id");
    if (sid == e.end()) fail(pos, where + ".session_id", "missing: expected a string");
    if (!sid->is_string()) {
      fail(pos, where + ".session_id", "expected a string (got " + kind_of(*sid) + ")");
    }
    auto payloads = e.find("payloads");
    if (payloads == e.end()) {
      fail(pos, where + ".payloads", "missing: expected a list of request bodies");
    }
    if (!payloads->is_array() || payloads->empty()) {
      fail(pos, where + ".payloads",
           "expected a non-empty list of request bodies (got " +
               (payloads->is_array() ? std::string("an empty list") : kind_of(*payloads)) + ")");
    }
    InputsJsonSession s;
    s.session_id = sid->get<std::string>();
    if (!seen.insert(s.session_id).second) {
      fail(pos, where + ".session_id",
           "duplicate session_id '" + s.session_id +
               "' (already declared earlier in the file); each session_id must be unique");
    }
    for (size_t k = 0; k < payloads->size(); ++k) {
      const OJson& p = (*payloads)[k];
      if (!p.is_object()) {
        fail(pos, where + ".payloads[" + std::to_string(k) + "]",
             "expected a request body object (got " + kind_of(p) + ")");
      }
      s.payloads.push_back(p.dump(-1, ' ', false, OJson::error_handler_t::replace));
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace aiperf::dataset::custom
