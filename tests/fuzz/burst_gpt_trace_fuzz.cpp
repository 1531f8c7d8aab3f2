// libFuzzer target: a BurstGPT CSV (header line, then rows). Header or row errors are one-line
// InputErrors; unparsable values are reported as skipped; parsed rows are non-negative.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/records.h"

using namespace aiperf::dataset::custom;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  size_t nl = all.find('\n');
  std::string_view header = all.substr(0, nl);
  try {
    BurstGptColumns cols = parse_burst_gpt_header(header, SourcePos{"f.csv", 1});
    int64_t line_no = 1;
    while (nl != std::string_view::npos) {
      all = all.substr(nl + 1);
      nl = all.find('\n');
      std::string_view row = all.substr(0, nl);
      BurstGptRow r;
      std::string why;
      if (parse_burst_gpt_row(row, SourcePos{"f.csv", ++line_no}, cols, r, &why)) {
        if (r.timestamp_ms < 0 || r.request_tokens < 0 || r.response_tokens < 0) __builtin_trap();
      } else if (why.empty()) {
        __builtin_trap();
      }
    }
  } catch (const aiperf::InputError& e) {
    std::string m = e.what();
    if (m.rfind("f.csv:", 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}
