// libFuzzer target: a plot configuration YAML (report/plot_config.cpp). Oracle: it parses, or
// throws aiperf::ConfigError with one line starting with the file name; never crashes, never
// another exception. A parsed config names only known plot types.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/report/plot_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;  // deep nesting is yaml-cpp's recursion, not ours
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto cfg = aiperf::report::parse_plot_config(text, "f.yaml");
    for (const auto* list : {&cfg.single_run, &cfg.multi_run}) {
      for (const auto& s : *list) {
        if (std::find(std::begin(aiperf::report::kPlotTypes), std::end(aiperf::report::kPlotTypes),
                      s.type) == std::end(aiperf::report::kPlotTypes)) {
          __builtin_trap();
        }
      }
    }
  } catch (const aiperf::ConfigError& e) {
    std::string m = e.what();
    if (m.rfind("f.yaml", 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
  }
  return 0;
}
