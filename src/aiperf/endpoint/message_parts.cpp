// Message content parts (message_parts.h).
#include "aiperf/endpoint/message_parts.h"

#include <vector>

#include "aiperf/common/error.h"

namespace aiperf::endpoint::detail {

namespace {

Json chat_text(std::string_view text) {
  return Json{{"type", "text"}, {"text", std::string(text)}};
}
Json chat_image(const std::string& url) {
  return Json{{"type", "image_url"}, {"image_url", Json{{"url", url}}}};
}
Json chat_video(const std::string& url) {
  return Json{{"type", "video_url"}, {"video_url", Json{{"url", url}}}};
}

[[noreturn]] void unsupported(const PartStyle& style, std::string_view what) {
  throw InputError("--endpoint-type " + std::string(style.api) + " cannot send " +
                   std::string(what) + " content; use --endpoint-type chat for such turns, or " +
                   "remove the " + std::string(what) + " from the dataset");
}

}  // namespace

const PartStyle& chat_part_style() {
  static const PartStyle style{"chat", &chat_text, &chat_image, &input_audio_part, &chat_video};
  return style;
}

Json input_audio_part(const std::string& content) {
  const size_t comma = content.find(',');
  if (comma == std::string::npos) {
    throw InputError("audio content must be '<format>,<base64>' or a data:audio/ URL (got '" +
                     content.substr(0, 40) + "')");
  }
  std::string format;
  constexpr std::string_view kDataAudio = "data:audio/";
  if (std::string_view(content).starts_with(kDataAudio)) {
    std::string_view header = std::string_view(content).substr(0, comma).substr(kDataAudio.size());
    format = std::string(header.substr(0, header.find(';')));
    if (format.empty()) format = "wav";
  } else {
    format = content.substr(0, comma);
  }
  return Json{{"type", "input_audio"},
              {"input_audio", Json{{"data", content.substr(comma + 1)}, {"format", format}}}};
}

Json turn_content(const dataset::Turn& t, const PartStyle& style) {
  const std::vector<std::string_view> texts = text_items(t);
  if (texts.size() == 1 && t.media.empty()) return std::string(texts[0]);
  Json parts = Json::array();
  for (std::string_view text : texts) {
    if (!text.empty()) parts.push_back(style.text(text));
  }
  using Kind = dataset::MediaItem::Kind;
  for (Kind kind : {Kind::kImage, Kind::kAudio, Kind::kVideo}) {
    for (const dataset::MediaItem& m : t.media) {
      if (m.kind != kind || m.content.empty()) continue;
      switch (kind) {
        case Kind::kImage:
          if (!style.image) unsupported(style, "image");
          parts.push_back(style.image(m.content));
          break;
        case Kind::kAudio:
          if (!style.audio) unsupported(style, "audio");
          parts.push_back(style.audio(m.content));
          break;
        case Kind::kVideo:
          if (!style.video) unsupported(style, "video");
          parts.push_back(style.video(m.content));
          break;
      }
    }
  }
  if (parts.empty()) return std::string();
  return parts;
}

}  // namespace aiperf::endpoint::detail
