// burst_gpt_trace rows (spec §4.5): CSV with a header naming Timestamp (SECONDS, converted to
// ms here), Request tokens, Response tokens; other columns (Model, Total tokens, Log Type, and
// BurstGPT_3's Session ID, Elapsed time) are ignored.
#include <charconv>
#include <cmath>

#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '"'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '"')) s.remove_suffix(1);
  return s;
}

/// Splits on commas (BurstGPT has no quoted commas); calls f(index, field).
template <class F>
int split(std::string_view line, F&& f) {
  int i = 0;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    std::string_view field = line.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    f(i++, trim(field));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return i;
}

bool to_double(std::string_view s, double& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

BurstGptColumns parse_burst_gpt_header(std::string_view line, const SourcePos& pos) {
  BurstGptColumns c;
  c.count = split(line, [&](int i, std::string_view name) {
    if (name == "Timestamp") c.timestamp = i;
    if (name == "Request tokens") c.request_tokens = i;
    if (name == "Response tokens") c.response_tokens = i;
  });
  const char* missing = c.timestamp < 0         ? "Timestamp"
                        : c.request_tokens < 0  ? "Request tokens"
                        : c.response_tokens < 0 ? "Response tokens"
                                                : nullptr;
  if (missing) {
    fail(pos, "header",
         std::string("missing column '") + missing +
             "' (expected a CSV header with Timestamp, Request tokens, Response tokens)");
  }
  return c;
}

bool parse_burst_gpt_row(std::string_view line, const SourcePos& pos, const BurstGptColumns& cols,
                         BurstGptRow& out, std::string* why) {
  std::string_view ts, req, resp;
  int n = split(line, [&](int i, std::string_view v) {
    if (i == cols.timestamp) ts = v;
    if (i == cols.request_tokens) req = v;
    if (i == cols.response_tokens) resp = v;
  });
  if (n != cols.count) {
    fail(pos, "",
         "expected " + std::to_string(cols.count) +
             " comma-separated columns as in the "
             "header (got " +
             std::to_string(n) + ")");
  }
  double t, a, b;
  if (!to_double(ts, t) || t < 0) {
    if (why) *why = "Timestamp";
    return false;
  }
  constexpr double kMaxTokens = 1e15;  // beyond any real request; keeps the int64 cast defined
  if (!to_double(req, a) || a != std::floor(a) || a < 0 || a > kMaxTokens) {
    if (why) *why = "Request tokens";
    return false;
  }
  if (!to_double(resp, b) || b != std::floor(b) || b < 0 || b > kMaxTokens) {
    if (why) *why = "Response tokens";
    return false;
  }
  out.timestamp_ms = t * 1000.0;
  out.request_tokens = int64_t(a);
  out.response_tokens = int64_t(b);
  return true;
}

}  // namespace aiperf::dataset::custom
