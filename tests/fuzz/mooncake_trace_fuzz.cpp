// libFuzzer target: one mooncake_trace line. Oracle: the parser either fills the row or throws
// aiperf::InputError whose message is one line starting with "<file>:<line>: "; never crashes,
// never another exception. A parsed row satisfies the format's invariants.
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
    parse_mooncake_line(line, SourcePos{"f.jsonl", 7}, row, nullptr);
  } catch (const aiperf::InputError& e) {
    std::string m = e.what();
    if (m.rfind("f.jsonl:7: ", 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
    return 0;
  }
  int modes = bool(row.input_length) + !row.text_input.empty() + !row.messages_json.empty() +
              !row.payload_json.empty();
  // text_input may legitimately be "" (then it counts as given but empty): at most one mode.
  if (modes > 1) __builtin_trap();
  if (!row.hash_ids.empty() && !row.input_length) __builtin_trap();
  if (row.timestamp_ms && (*row.timestamp_ms < 0 || row.delay_ms)) __builtin_trap();
  if (row.input_length && *row.input_length <= 0) __builtin_trap();
  return 0;
}
