// A JSON string literal from any bytes (the per-record files, telemetry exports, request
// bodies).
#pragma once
#include <string>
#include <string_view>

namespace aiperf {

/// Appends `s` as a JSON string literal: '"', '\\' and control characters escaped (\b \t \n
/// \f \r by name, others as \u00xx), valid UTF-8 and DEL copied as they are, each byte of an
/// invalid sequence replaced by U+FFFD. For valid UTF-8 these are nlohmann::json::dump's bytes
/// (ensure_ascii off). Returns false when something was replaced.
bool append_json_string(std::string& out, std::string_view s);

}  // namespace aiperf
