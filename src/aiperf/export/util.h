// Private helpers of the export stage.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace aiperf::exporter::detail {

/// Writes `content` to `path` (truncating); throws std::runtime_error naming the path.
void write_file(const std::string& path, std::string_view content);
/// Python f"{v:.2f}".
std::string fixed2(double v);
/// Python f"{v:,.2f}".
std::string grouped2(double v);
/// Python f"{n:,}".
std::string grouped_int(int64_t n);
/// csv.QUOTE_MINIMAL: `s` quoted when it holds the delimiter, a quote or a line break.
std::string csv_field(const std::string& s);
/// Number of terminal columns `s` takes (UTF-8 code points; all our text is narrow).
size_t display_width(std::string_view s);

}  // namespace aiperf::exporter::detail
