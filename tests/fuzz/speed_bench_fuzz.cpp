// libFuzzer target: one SPEED-Bench line (parse_speed_bench_line). Oracle: it parses or throws
// aiperf::InputError with one line naming "f.jsonl:1: "; a parsed row has a 32-character
// question_id, a non-empty category and at least one message, each with a role and content
// that are not blank and content that is not the public files' placeholder.
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/records.h"

using namespace aiperf::dataset::custom;

namespace {
bool blank(const std::string& s) {
  return s.find_first_not_of(" \t\n\r\f\v") == std::string::npos;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string line(reinterpret_cast<const char*>(data), size);
  std::map<std::string, int64_t> unknown;
  try {
    SpeedBenchRow row;
    parse_speed_bench_line(line, SourcePos{"f.jsonl", 1}, row, &unknown);
    size_t chars = 0;
    for (char c : row.question_id) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    if (chars != 32 || row.category.empty() || row.messages.empty()) __builtin_trap();
    for (const auto& m : row.messages) {
      if (blank(m.role) || blank(m.content)) __builtin_trap();
      if (m.content ==
          "FULL BENCHMARK DATA SHOULD BE FETCHED FROM THE SOURCE USING SPECDEC_BENCH") {
        __builtin_trap();
      }
    }
  } catch (const aiperf::InputError& e) {
    std::string m = e.what();
    if (m.rfind("f.jsonl:1: ", 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}
