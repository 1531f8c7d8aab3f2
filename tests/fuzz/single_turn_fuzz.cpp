// libFuzzer target: one single_turn / random_pool / multi_turn line (byte 0 picks which).
// Parse or one-line InputError; a parsed turn has at least one modality and never both
// timestamp and delay.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/records.h"

using namespace aiperf::dataset::custom;

namespace {
void check_turn(const TurnRecord& t) {
  if (t.texts.empty() && t.media.empty()) __builtin_trap();
  if (t.timestamp_ms && t.delay_ms) __builtin_trap();
  if (t.output_length && *t.output_length <= 0) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 3;
  std::string line(reinterpret_cast<const char*>(data + 1), size - 1);
  std::map<std::string, int64_t> unknown;
  try {
    if (mode == 2) {
      MultiTurnRecord rec;
      parse_multi_turn_line(line, SourcePos{"f.jsonl", 1}, rec, &unknown);
      if (rec.turns.empty()) __builtin_trap();
      for (const auto& t : rec.turns) check_turn(t);
    } else {
      TurnRecord t;
      parse_turn_object(line, SourcePos{"f.jsonl", 1},
                        mode == 0 ? TurnShape::kSingleTurn : TurnShape::kRandomPool, t, &unknown);
      check_turn(t);
      if (mode == 1 && (t.timestamp_ms || t.delay_ms)) __builtin_trap();
    }
  } catch (const aiperf::InputError& e) {
    std::string m = e.what();
    if (m.rfind("f.jsonl:1: ", 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}
