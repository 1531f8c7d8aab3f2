// libFuzzer target: arbitrary bytes as a Parquet file. Every top-level column is read; the only
// acceptable failure is a one-line InputError naming the file, and a column read must give one
// value per row.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/common/error.h"
#include "aiperf/dataset/public/parquet.h"

using aiperf::dataset::parquet::File;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    File f = File::parse("f.parquet", bytes);
    for (const std::string& c : f.columns()) {
      try {
        if (f.read_column(c).size() != size_t(f.num_rows())) __builtin_trap();
      } catch (const aiperf::InputError& e) {
        std::string_view m = e.what();
        if (m.rfind("f.parquet: ", 0) != 0 || m.find('\n') != std::string_view::npos) {
          __builtin_trap();
        }
      }
    }
  } catch (const aiperf::InputError& e) {
    std::string_view m = e.what();
    if (m.rfind("f.parquet: ", 0) != 0 || m.find('\n') != std::string_view::npos) __builtin_trap();
  }
  return 0;
}
