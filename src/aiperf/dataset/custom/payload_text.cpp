// The tokenizable text of a request body, for the ISL of raw turns (mooncake `messages` /
// `payload`, raw_payload, inputs_json, sagemaker_data_capture). AIPerf counts input tokens from
// the body it sent (its endpoints' extract_payload_inputs): one walk over the body collects the
// text items, which are joined with a space and tokenized. Done once at load time.
#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

namespace {

struct Texts {
  std::string joined;
  bool any = false;
  void add(std::string_view s) {
    if (any) joined += ' ';
    joined += s;
    any = true;
  }
};

/// `messages` / Responses `input`: a list holding at least one object with a role. String
/// contents count whole; list contents count their {"type": "text", "text": ...} parts.
bool add_items(dom::element items, Texts& out) {
  dom::array arr;
  if (items.get_array().get(arr) || arr.size() == 0) return false;
  bool chat_shape = false;
  for (dom::element item : arr) {
    dom::element role;
    if (item.is_object() && !item.at_key("role").get(role)) chat_shape = true;
  }
  if (!chat_shape) return false;
  for (dom::element item : arr) {
    dom::element content;
    if (!item.is_object() || item.at_key("content").get(content)) continue;
    std::string_view s;
    if (!content.get_string().get(s)) {
      out.add(s);
      continue;
    }
    dom::array parts;
    if (content.get_array().get(parts)) continue;
    for (dom::element part : parts) {
      std::string_view type, text;
      if (part.is_object() && !part.at_key("type").get_string().get(type) && type == "text" &&
          !part.at_key("text").get_string().get(text)) {
        out.add(text);
      }
    }
  }
  return true;
}

/// A string, or a list made only of strings (added item by item). false otherwise.
bool add_strings(dom::element v, Texts& out) {
  std::string_view s;
  if (!v.get_string().get(s)) {
    out.add(s);
    return true;
  }
  dom::array arr;
  if (v.get_array().get(arr)) return false;
  for (dom::element e : arr) {
    if (!e.is_string()) return false;
  }
  for (dom::element e : arr) out.add(std::string_view(e));
  return true;
}

}  // namespace

std::string payload_input_text(std::string_view json) {
  thread_local dom::parser parser;
  dom::element root;
  dom::object body;
  if (parser.parse(json.data(), json.size()).get(root) || root.get_object().get(body)) return {};
  Texts out;
  dom::element v;
  bool items_found = false;  // both arrays are walked when both are chat-shaped, as AIPerf does
  for (const char* items : {"messages", "input"}) {
    if (!body.at_key(items).get(v) && add_items(v, out)) items_found = true;
  }
  if (items_found) return out.joined;
  if (!body.at_key("prompt").get(v) && add_strings(v, out)) return out.joined;
  if (!body.at_key("input").get(v) && add_strings(v, out)) return out.joined;
  dom::element query, passages;
  std::string_view q;
  dom::array ps;
  if (!body.at_key("query").get(query) && !query.get_string().get(q) &&
      !body.at_key("passages").get(passages) && !passages.get_array().get(ps)) {
    out.add(q);
    for (dom::element p : ps) {
      std::string_view s;
      if (!p.get_string().get(s) || (p.is_object() && !p.at_key("text").get_string().get(s))) {
        out.add(s);
      }
    }
    return out.joined;
  }
  std::string_view hf;
  if (!body.at_key("inputs").get(v) && !v.get_string().get(hf)) out.add(hf);
  return out.joined;
}

}  // namespace aiperf::dataset::custom
