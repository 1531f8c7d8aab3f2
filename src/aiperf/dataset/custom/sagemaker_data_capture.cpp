// sagemaker_data_capture lines (spec §4.5): Amazon SageMaker real-time endpoint data capture.
// Each line holds the captured request (and usually response) of one call, JSON or BASE64
// encoded inside captureData, and its ISO 8601 inferenceTime. Only OpenAI-compatible chat
// requests (with `messages`) can be replayed.
#include <cctype>
#include <charconv>
#include <chrono>

#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

namespace {

/// Python's base64.b64decode (non-validating): characters outside the alphabet are dropped,
/// then the length with padding must be a multiple of 4.
std::optional<std::string> base64_decode(std::string_view in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t symbols = 0, pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    const int v = value(c);
    if (v < 0) continue;
    if (pad) return std::nullopt;  // data after padding
    ++symbols;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xFF));
    }
  }
  if (symbols % 4 == 1) return std::nullopt;
  if (symbols % 4 != 0 && (symbols + pad) % 4 != 0) return std::nullopt;  // incorrect padding
  return out;
}

/// Decoded captureData entry: the JSON text of the captured body, or nullopt when the entry has
/// no data or an encoding other than JSON/BASE64 (CSV).
std::optional<std::string> decode_entry(dom::element entry, const SourcePos& pos,
                                        const std::string& field) {
  dom::object obj;
  if (entry.get_object().get(obj)) {
    fail(pos, field, "expected an object {\"data\", \"encoding\"} (got " + describe(entry) + ")");
  }
  dom::element data;
  if (obj.at_key("data").get(data) || data.is_null()) return std::nullopt;
  std::string encoding = "BASE64";
  dom::element enc;
  if (!obj.at_key("encoding").get(enc) && !enc.is_null()) {
    encoding = str_of(enc, pos, field + ".encoding");
  }
  if (encoding != "JSON" && encoding != "BASE64") return std::nullopt;
  std::string text = str_of(data, pos, field + ".data");
  if (encoding == "JSON") return text;
  auto bytes = base64_decode(text);
  if (!bytes) fail(pos, field + ".data", "expected BASE64 text (the encoding says BASE64)");
  return bytes;
}

int64_t two(std::string_view s, size_t at) {
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

bool digits(std::string_view s, size_t at, size_t n) {
  if (at + n > s.size()) return false;
  for (size_t i = at; i < at + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

}  // namespace

std::optional<double> parse_iso8601_ms(std::string_view s) {
  // YYYY-MM-DD
  if (!digits(s, 0, 4) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2)) {
    return std::nullopt;
  }
  const int y = int(two(s, 0) * 100 + two(s, 2));
  const unsigned mo = unsigned(two(s, 5)), d = unsigned(two(s, 8));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{mo},
                                        std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  double ms = double(std::chrono::sys_days{ymd}.time_since_epoch().count()) * 86'400'000.0;
  size_t i = 10;
  if (i == s.size()) return ms;
  if (s[i] != 'T' && s[i] != ' ') return std::nullopt;
  ++i;
  // HH[:MM[:SS[.fff...]]]
  if (!digits(s, i, 2)) return std::nullopt;
  int64_t hh = two(s, i), mm = 0, ss = 0;
  double frac = 0;
  i += 2;
  if (i < s.size() && s[i] == ':') {
    if (!digits(s, i + 1, 2)) return std::nullopt;
    mm = two(s, i + 1);
    i += 3;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2)) return std::nullopt;
      ss = two(s, i + 1);
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        size_t j = i + 1;
        double scale = 0.1;
        while (j < s.size() && std::isdigit(static_cast<unsigned char>(s[j]))) {
          if (j - i <= 6) frac += (s[j] - '0') * scale;  // Python keeps microseconds
          scale /= 10;
          ++j;
        }
        if (j == i + 1) return std::nullopt;
        i = j;
      }
    }
  }
  if (hh > 23 || mm > 59 || ss > 59) return std::nullopt;
  ms += double((hh * 60 + mm) * 60 + ss) * 1000.0 + frac * 1000.0;
  if (i == s.size()) return ms;
  if (s[i] == 'Z' && i + 1 == s.size()) return ms;
  if (s[i] != '+' && s[i] != '-') return std::nullopt;
  const int sign = s[i] == '+' ? 1 : -1;
  ++i;
  if (!digits(s, i, 2)) return std::nullopt;
  int64_t oh = two(s, i), om = 0, os = 0;
  i += 2;
  if (i < s.size() && s[i] == ':') ++i;
  if (digits(s, i, 2)) {
    om = two(s, i);
    i += 2;
    if (i < s.size() && s[i] == ':') ++i;
    if (digits(s, i, 2)) {
      os = two(s, i);
      i += 2;
    }
  }
  if (i != s.size() || oh > 23 || om > 59 || os > 59) return std::nullopt;
  return ms - double(sign) * double((oh * 60 + om) * 60 + os) * 1000.0;
}

void parse_sagemaker_line(std::string_view line, const SourcePos& pos, SageMakerRecord& out) {
  out = SageMakerRecord{};
  out.line = pos.line;
  dom::object obj = parse_object(line, pos, "a SageMaker data capture record");
  dom::element meta, capture;
  if (obj.at_key("eventMetadata").get(meta) || !meta.is_object()) {
    fail(pos, "eventMetadata", "expected an object with \"inferenceTime\" (an ISO 8601 time)");
  }
  dom::element when;
  if (meta.at_key("inferenceTime").get(when)) {
    fail(pos, "eventMetadata.inferenceTime", "missing: expected an ISO 8601 time");
  }
  const std::string iso = str_of(when, pos, "eventMetadata.inferenceTime");
  auto ms = parse_iso8601_ms(iso);
  if (!ms) {
    fail(pos, "eventMetadata.inferenceTime",
         "expected an ISO 8601 time like 2026-04-29T00:03:18Z (got \"" + iso + "\")");
  }
  out.timestamp_ms = *ms;
  if (obj.at_key("captureData").get(capture) || !capture.is_object()) {
    fail(pos, "captureData", "expected an object with \"endpointInput\"");
  }
  dom::element input_entry;
  if (capture.at_key("endpointInput").get(input_entry)) {
    fail(pos, "captureData.endpointInput", "missing: expected the captured request");
  }
  auto input_text = decode_entry(input_entry, pos, "captureData.endpointInput");
  // The captured bodies are parsed with their own parser: `obj` lives in the shared one.
  thread_local dom::parser inner;
  dom::element input;
  dom::object input_obj;
  dom::element messages;
  if (!input_text || inner.parse(*input_text).get(input) || input.get_object().get(input_obj) ||
      input_obj.at_key("messages").get(messages)) {
    fail(pos, "captureData.endpointInput",
         "expected a JSON or BASE64 chat request with a \"messages\" list (only OpenAI-compatible "
         "chat endpoints are supported)");
  }
  dom::array msgs;
  if (messages.get_array().get(msgs)) {
    fail(pos, "messages", "expected a list of message objects (got " + describe(messages) + ")");
  }
  for (dom::element m : msgs) {
    if (!m.is_object()) {
      fail(pos, "messages", "expected a list of message objects (got an item " + describe(m) + ")");
    }
  }
  out.messages_json = raw_of(messages);
  dom::element v;
  for (const char* key : {"max_tokens", "max_completion_tokens"}) {
    if (!input_obj.at_key(key).get(v) && !v.is_null()) {
      out.max_tokens = int_of(v, pos, key, "an integer");
      break;
    }
  }
  if (!input_obj.at_key("tools").get(v) && !v.is_null()) {
    dom::array tools;
    if (v.get_array().get(tools)) {
      fail(pos, "tools", "expected a list of tool objects (got " + describe(v) + ")");
    }
    for (dom::element t : tools) {
      if (!t.is_object()) fail(pos, "tools", "expected a list of tool objects");
    }
    out.tools_json = raw_of(v);
  }
  dom::element output_entry;
  if (!capture.at_key("endpointOutput").get(output_entry) && !output_entry.is_null()) {
    auto output_text = decode_entry(output_entry, pos, "captureData.endpointOutput");
    dom::element output, usage, prompt;
    if (output_text) {
      if (inner.parse(*output_text).get(output)) {
        fail(pos, "captureData.endpointOutput", "expected the captured response as JSON");
      }
      if (output.is_object() && !output.at_key("usage").get(usage) && usage.is_object() &&
          !usage.at_key("prompt_tokens").get(prompt) && !prompt.is_null()) {
        out.prompt_tokens = int_of(prompt, pos, "usage.prompt_tokens", "an integer");
      }
    }
  }
}

}  // namespace aiperf::dataset::custom
