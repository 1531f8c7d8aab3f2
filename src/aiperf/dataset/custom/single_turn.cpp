// single_turn records (spec §4.5): one request per JSONL line; the same object shape is a
// multi_turn turn and a random_pool entry.
#include "aiperf/dataset/custom/json_util.h"
#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {
namespace {

/// `text`/`image`/... (one string) or `texts`/`images`/... (strings, or {name, contents}).
void modality(dom::element e, const SourcePos& pos, std::string_view field, bool plural,
              std::string_view default_name,
              std::vector<std::pair<std::string, std::string>>& out) {
  if (!plural) {
    out.emplace_back(std::string(default_name), str_of(e, pos, field));
    return;
  }
  dom::array arr;
  if (e.get_array().get(arr)) {
    fail(pos, field,
         "expected a list of strings or of {\"name\", \"contents\"} objects (got " + describe(e) +
             ")");
  }
  for (dom::element item : arr) {
    std::string_view s;
    if (!item.get_string().get(s)) {
      out.emplace_back(std::string(default_name), std::string(s));
      continue;
    }
    dom::object o;
    if (item.get_object().get(o)) {
      fail(pos, field,
           "expected each item to be a string or {\"name\", \"contents\"} (got " + describe(item) +
               ")");
    }
    std::string name(default_name);
    dom::element contents;
    bool have_contents = false;
    for (auto [k, v] : o) {
      if (k == "name") {
        name = str_of(v, pos, std::string(field) + ".name");
      } else if (k == "contents") {
        contents = v;
        have_contents = true;
      } else {
        fail(pos, field, "unexpected key '" + std::string(k) + "' (expected name, contents)");
      }
    }
    if (!have_contents) fail(pos, std::string(field) + ".contents", "missing (expected a list)");
    dom::array ca;
    if (contents.get_array().get(ca)) {
      fail(pos, std::string(field) + ".contents",
           "expected a list of strings (got " + describe(contents) + ")");
    }
    for (dom::element c : ca)
      out.emplace_back(name, str_of(c, pos, std::string(field) + ".contents"));
  }
}

}  // namespace

void parse_turn_object(std::string_view json, const SourcePos& pos, TurnShape shape,
                       TurnRecord& out, std::map<std::string, int64_t>* unknown) {
  out.clear();
  dom::object obj =
      parse_object(json, pos, shape == TurnShape::kMultiTurnTurn ? "a turn" : "a record");
  enum { kText, kImage, kAudio, kVideo };
  static constexpr const char* kSingular[] = {"text", "image", "audio", "video"};
  static constexpr const char* kPlural[] = {"texts", "images", "audios", "videos"};
  static constexpr const char* kDefaultName[] = {"text", "image_url", "input_audio", "video_url"};
  bool seen_single[4] = {}, seen_plural[4] = {};
  std::vector<std::pair<std::string, std::string>> items[4];
  bool any_modality = false;
  for (auto [key, value] : obj) {
    bool matched = false;
    for (int m = 0; m < 4; ++m) {
      const bool single = key == kSingular[m], plural = key == kPlural[m];
      if (!single && !plural) continue;
      matched = true;
      if (value.is_null()) break;  // null means "not given"
      (single ? seen_single : seen_plural)[m] = true;
      if (seen_single[m] && seen_plural[m]) {
        fail(pos, kPlural[m],
             std::string(kSingular[m]) + " and " + kPlural[m] + " cannot be set together");
      }
      modality(value, pos, key, plural, kDefaultName[m], items[m]);
      any_modality |= !items[m].empty();  // an empty list gives nothing to send
      break;
    }
    if (matched) continue;
    const bool timing_ok = shape != TurnShape::kRandomPool;
    if (key == "timestamp" && timing_ok) {
      if (value.is_null()) continue;
      double t = number_of(value, pos, "timestamp", "a number of milliseconds >= 0");
      if (t < 0)
        fail(pos, "timestamp", "expected a number of milliseconds >= 0 (got " + num_text(t) + ")");
      out.timestamp_ms = t;
    } else if (key == "delay" && timing_ok) {
      if (value.is_null()) continue;
      double d = number_of(value, pos, "delay", "a number of milliseconds >= 0");
      if (d < 0)
        fail(pos, "delay", "expected a number of milliseconds >= 0 (got " + num_text(d) + ")");
      out.delay_ms = d;
    } else if (key == "role" && timing_ok) {
      if (!value.is_null()) out.role = str_of(value, pos, "role");
    } else if (key == "session_id" && shape == TurnShape::kSingleTurn) {
      if (!value.is_null()) out.session_id = str_of(value, pos, "session_id");
    } else if (key == "output_length" && timing_ok) {
      if (value.is_null()) continue;
      int64_t n = int_of(value, pos, "output_length", "an integer > 0");
      if (n <= 0)
        fail(pos, "output_length", "expected an integer > 0 (got " + std::to_string(n) + ")");
      out.output_length = n;
    } else if (key == "extra" && timing_ok) {
      if (value.is_null()) continue;
      if (!value.is_object())
        fail(pos, "extra", "expected an object (got " + describe(value) + ")");
      out.extra_json = raw_of(value);
    } else if (key == "image_uuids") {
      // AIPerf uses these for multimodal cache keys; the request does not carry them.
    } else if (!timing_ok && (key == "timestamp" || key == "delay" || key == "output_length" ||
                              key == "session_id" || key == "role" || key == "extra")) {
      fail(pos, key,
           "not supported in random_pool entries (only text/texts, image/images, "
           "audio/audios, video/videos)");
    } else if (unknown) {
      ++(*unknown)[std::string(key)];
    }
  }
  if (out.timestamp_ms && out.delay_ms) {
    fail(pos, "timestamp", "timestamp and delay cannot be set together");
  }
  if (!any_modality) {
    fail(pos, "",
         "At least one modality must be provided (text, texts, image, images, audio, "
         "audios, video or videos)");
  }
  for (auto& [name, content] : items[kText]) {
    out.texts.push_back(std::move(content));
    out.text_names.push_back(std::move(name));
  }
  static constexpr MediaItem::Kind kKinds[] = {MediaItem::Kind::kImage, MediaItem::Kind::kImage,
                                               MediaItem::Kind::kAudio, MediaItem::Kind::kVideo};
  for (int m = kImage; m <= kVideo; ++m) {
    for (auto& [name, content] : items[m]) {
      out.media.push_back(MediaItem{kKinds[m], std::move(name), std::move(content)});
    }
  }
}

}  // namespace aiperf::dataset::custom
