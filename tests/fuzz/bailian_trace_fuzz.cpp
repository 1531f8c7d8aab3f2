// libFuzzer target: one bailian_trace line; parse or one-line InputError, invariants on success.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/records.h"

using namespace aiperf::dataset::custom;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  TraceRow row;
  try {
    parse_bailian_line(line, SourcePos{"f.jsonl", 3}, row, nullptr);
  } catch (const aiperf::InputError& e) {
    std::string m = e.what();
    if (m.rfind("f.jsonl:3: ", 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  if (!row.input_length || *row.input_length <= 0 || row.turn < 1) __builtin_trap();
  if (row.timestamp_ms && *row.timestamp_ms < 0) __builtin_trap();
  return 0;
}
