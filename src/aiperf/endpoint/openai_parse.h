// Private: the OpenAI-shaped response parser shared by chat and completions (simdjson
// on-demand, one pass over the top-level object, thread-local parser and padded buffer).
#pragma once
#include <string_view>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint::detail {

enum class OpenAiApi : uint8_t { kChat, kCompletions };

/// Parses one message payload; see Endpoint::parse.
bool parse_openai(std::string_view payload, OpenAiApi api, ParsedResponse& out);

/// Parses a JSON object text holding a usage dict (tests, tools). Returns false if not an
/// object or empty.
bool parse_usage_json(std::string_view json, record::Usage& out);

}  // namespace aiperf::endpoint::detail
