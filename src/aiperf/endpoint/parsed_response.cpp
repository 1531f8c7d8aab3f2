// ParsedResponse's reset, in a file of its own so that the response parser (openai_parse.cpp)
// links without the endpoint registry (tests/fuzz/openai_response_fuzz.cpp).
#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {

void ParsedResponse::clear() {
  kind = DataKind::kNone;
  content.clear();
  reasoning.clear();
  tool_call_text.clear();
  finish_reason.clear();
  final_text = false;
  items = 0;
  video.id.clear();
  video.status.clear();
  video.url.clear();
  video.inference_time_s.reset();
  video.peak_memory_mb.reset();
  video.error_message.clear();
  has_usage = false;
  usage = record::Usage{};
  has_error = false;
  error.code.reset();
  error.type.clear();
  error.message.clear();
  text_at = 0;
  text_len = 0;
}

bool reparse_in_place(ParsedResponse& p, size_t prev_len, std::string_view msg,
                      size_t shared_prefix, size_t shared_suffix) {
  if (p.text_len == 0 || p.has_usage || p.has_error || p.final_text) return false;
  // The span is content's for kText, reasoning's for kReasoning without content.
  if (p.kind != DataKind::kText && (p.kind != DataKind::kReasoning || !p.content.empty()))
    return false;
  const size_t pre = shared_prefix, suf = shared_suffix;
  if (pre + suf > prev_len || pre + suf > msg.size()) return false;
  if (pre + suf == prev_len && prev_len == msg.size()) return true;  // the same message again
  // The opening quote (at text_at - 1) in the shared prefix, the closing one (at text_at +
  // text_len) in the shared suffix: everything that changed lies inside the string.
  const size_t at = p.text_at;
  if (at == 0 || pre < at || prev_len - suf > size_t(at) + p.text_len) return false;
  const size_t len = p.text_len + msg.size() - prev_len;  // the new string's length
  if (len == 0 || len > UINT32_MAX || at + len > msg.size()) return false;
  const size_t mid_end = msg.size() - suf;
  for (size_t i = pre; i < mid_end; ++i) {
    const auto c = static_cast<unsigned char>(msg[i]);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') return false;
  }
  // Kept bytes on each side of the new ones end / begin a character.
  if (pre > at && static_cast<unsigned char>(msg[pre - 1]) >= 0x80) return false;
  if (mid_end < at + len && static_cast<unsigned char>(msg[mid_end]) >= 0x80) return false;
  std::string& text = p.kind == DataKind::kText ? p.content : p.reasoning;
  text.assign(msg.data() + at, len);
  p.text_len = static_cast<uint32_t>(len);
  return true;
}

}  // namespace aiperf::endpoint
