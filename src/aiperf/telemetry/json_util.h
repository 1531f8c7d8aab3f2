// Appending JSON by hand for the per-scrape JSONL lines (thousands of values every 333 ms; a
// DOM per line would cost more than the scrape). Private to the telemetry stage.
#pragma once
#include <string>
#include <string_view>

namespace aiperf::telemetry::detail {

/// `s` as a JSON string literal: the export stage's escaping (invalid UTF-8 -> U+FFFD).
void append_json_string(std::string& out, std::string_view s);
/// Shortest round-trip form, ".0" added to whole numbers (Python's repr); non-finite -> null.
void append_json_number(std::string& out, double v);

}  // namespace aiperf::telemetry::detail
