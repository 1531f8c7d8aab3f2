// libFuzzer target: the verbatim-replay formats, routed by the first byte (mod 5): 0 a
// raw_payload line, 1 a sagemaker_data_capture line, 2 an inputs_json document, 3 the ISL text
// of a body (payload_input_text), 4 an ISO 8601 time. Oracle: each parser either returns or
// throws aiperf::InputError whose message is one line naming "<file>:<line>: "; never crashes,
// never another exception; what it returns keeps the format's invariants.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/records.h"

using namespace aiperf::dataset::custom;

namespace {
void check_message(const aiperf::InputError& e, const char* prefix) {
  std::string m = e.what();
  if (m.rfind(prefix, 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const int mode = data[0] % 5;
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    switch (mode) {
      case 0: {
        std::string body = parse_raw_payload_line(text, SourcePos{"f.jsonl", 3});
        if (body.empty() || body.front() != '{') __builtin_trap();
        break;
      }
      case 1: {
        SageMakerRecord r;
        parse_sagemaker_line(text, SourcePos{"f.jsonl", 3}, r);
        if (r.messages_json.empty() || r.messages_json.front() != '[') __builtin_trap();
        if (!std::isfinite(r.timestamp_ms)) __builtin_trap();
        break;
      }
      case 2: {
        auto sessions = parse_inputs_json(text, "f.json");
        for (const auto& s : sessions) {
          if (s.payloads.empty()) __builtin_trap();
          for (const auto& p : s.payloads) {
            if (p.empty() || p.front() != '{') __builtin_trap();
          }
        }
        break;
      }
      case 3:
        (void)payload_input_text(text);
        break;
      default: {
        auto ms = parse_iso8601_ms(text);
        if (ms && !std::isfinite(*ms)) __builtin_trap();
        break;
      }
    }
  } catch (const aiperf::InputError& e) {
    check_message(e, mode == 2 ? "f.json:" : "f.jsonl:3: ");
  }
  return 0;
}
