// JSON appenders (json_util.h).
#include "aiperf/telemetry/json_util.h"

#include <charconv>
#include <cmath>

#include "aiperf/export/json_writer.h"

namespace aiperf::telemetry::detail {

void append_json_string(std::string& out, std::string_view s) {
  exporter::detail::append_json_string(out, s);
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  std::string_view s(buf, size_t(r.ptr - buf));
  out += s;
  if (s.find_first_of(".e") == std::string_view::npos) out += ".0";
}

}  // namespace aiperf::telemetry::detail
