// Builders shared by the metrics/export unit tests.
#pragma once
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aiperf/metrics/metrics.h"
#include "aiperf/record/processed_record.h"

namespace aiperf::metrics::test {

inline constexpr int64_t kWall0 = 1'700'000'000'000'000'000;

/// A valid record that starts at monotonic `start` (wall kWall0 + start) and got content
/// responses at `content` (monotonic ns).
inline record::ProcessedRecord make_record(int64_t start, std::vector<int64_t> content,
                                           std::optional<int64_t> out = std::nullopt,
                                           std::optional<int64_t> in = std::nullopt) {
  record::ProcessedRecord r;
  r.start_ns = start;
  r.start_wall_ns = kWall0 + start;
  r.content_ts = std::move(content);
  r.end_ns = r.content_ts.empty() ? start : r.content_ts.back() + 10;
  r.output_tokens = out;
  r.input_tokens = in;
  return r;
}

inline record::ProcessedRecord make_error(int64_t start, int code, std::string type,
                                          std::string message) {
  record::ProcessedRecord r;
  r.start_ns = start;
  r.start_wall_ns = kWall0 + start;
  r.end_ns = start + 5;
  r.error =
      record::ErrorInfo{code, std::move(type), std::move(message), record::ErrorKind::kStatus};
  return r;
}

/// The whole file at `path` ("" when it cannot be read).
inline std::string read_all(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

inline RunContext context(bool streaming) {
  RunContext ctx;
  ctx.streaming = streaming;
  ctx.supports_audio = true;
  ctx.finalize();
  return ctx;
}

inline RecordValues compute(const record::ProcessedRecord& r, const RunContext& ctx) {
  RecordValues v;
  compute_record(r, ctx, v);
  return v;
}

}  // namespace aiperf::metrics::test
