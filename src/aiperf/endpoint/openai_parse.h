// Private: the OpenAI-shaped response parser shared by chat and completions (simdjson
// on-demand, one pass over the top-level object, thread-local parser and padded buffer).
#pragma once
#include <string_view>

#include "aiperf/endpoint/endpoint.h"
#include "aiperf/endpoint/json_scan.h"

namespace aiperf::endpoint::detail {

enum class OpenAiApi : uint8_t { kChat, kCompletions };

/// Parses one message payload; see Endpoint::parse.
bool parse_openai(std::string_view payload, OpenAiApi api, ParsedResponse& out);

}  // namespace aiperf::endpoint::detail
