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
}

}  // namespace aiperf::endpoint
