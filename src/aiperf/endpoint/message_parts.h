// Private: the `content` of a synthesized message, shared by the message-array APIs (chat,
// responses, messages). Only the part shapes differ between them (AIPerf's _render_*_part
// hooks); which parts appear, and in what order, is common (spec §5.4 "chat").
#pragma once
#include <string>
#include <string_view>

#include "aiperf/endpoint/body_util.h"

namespace aiperf::endpoint::detail {

/// How one API writes each kind of content part. A null function means the API cannot carry
/// that kind: a turn holding such an item fails with InputError naming `api`.
struct PartStyle {
  std::string_view api;  // "chat", "responses", "messages": for error messages
  Json (*text)(std::string_view text) = nullptr;
  Json (*image)(const std::string& url) = nullptr;
  Json (*audio)(const std::string& content) = nullptr;  // "<fmt>,<b64>" or a data:audio/ URL
  Json (*video)(const std::string& url) = nullptr;
};

/// OpenAI chat's parts: text, image_url, input_audio, video_url.
const PartStyle& chat_part_style();

/// `{"type":"input_audio","input_audio":{"data":b64,"format":fmt}}` from the dataset's
/// "<fmt>,<b64>" form or a "data:audio/<fmt>;base64,<b64>" URL (InputError otherwise).
Json input_audio_part(const std::string& content);

/// A plain string for exactly one text and no media; else a list of parts (texts, images,
/// audios, videos; empty items skipped). An empty part list degrades to "" (servers reject
/// `content: []`).
Json turn_content(const dataset::Turn& t, const PartStyle& style);

}  // namespace aiperf::endpoint::detail
