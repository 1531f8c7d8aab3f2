// libFuzzer target: a config file (YAML) through the whole file path of `aiperf profile -f`:
// YAML, ${VAR}, the envelope and study keys, shorthands, sweep expansion, {{ }} rendering and
// the mapping onto option rows. Anything may be refused with aiperf::ConfigError; nothing may
// crash, hang or throw anything else.
#include <cstddef>
#include <cstdint>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/config/config_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 64 * 1024) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    const auto file = aiperf::config::load_config_text(text, "fuzz.yaml");
    const auto variations = aiperf::config::expand_variations(file);
    size_t n = 0;
    for (const auto& v : variations) {
      if (++n > 8) break;
      (void)aiperf::config::file_options(file, v);
    }
  } catch (const aiperf::ConfigError&) {
  }
  return 0;
}
