// ProcessedRecords on the wire (a rank ships its records to rank 0, which aggregates every
// record of the run exactly as one process would). The encoding carries every field of
// record::ProcessedRecord; record_codec.cpp fails to compile when the struct changes size, so a
// new field cannot be silently left behind.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/record/processed_record.h"

namespace aiperf::cluster {

/// Appends `r` to `out`.
void encode_record(const record::ProcessedRecord& r, std::string& out);

/// Decodes records from `in` one after another: returns false (and leaves `r` unspecified)
/// when `in` is exhausted or malformed; `*malformed` tells which.
class RecordDecoder {
 public:
  explicit RecordDecoder(std::string_view in) : in_(in) {}
  bool next(record::ProcessedRecord& r, bool* malformed = nullptr);

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

/// Moves a record of another rank onto this rank's clocks: every CLOCK_MONOTONIC instant is
/// shifted by `mono_delta_ns`, the epoch start by `wall_delta_ns` (unset instants stay 0).
void shift_clock(record::ProcessedRecord& r, int64_t mono_delta_ns, int64_t wall_delta_ns);

}  // namespace aiperf::cluster
