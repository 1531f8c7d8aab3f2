// libFuzzer target: a profile_export.jsonl read by `aiperf plot` (report/records_reader.cpp).
// Oracle: read_records returns columns of one length, or throws aiperf::InputError whose message
// is one line starting with the file name; never crashes, never another exception.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "aiperf/common/error.h"
#include "aiperf/report/run_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("records", 0);
  if (fd < 0) return 0;
  if (size && ::write(fd, data, size) != ssize_t(size)) {
    ::close(fd);
    return 0;
  }
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  try {
    aiperf::report::RequestColumns c = aiperf::report::read_records(path);
    for (const auto& [tag, col] : c.metrics) {
      if (col.size() != c.size()) __builtin_trap();
    }
    if (c.end_ns.size() != c.size() || c.error.size() != c.size()) __builtin_trap();
  } catch (const aiperf::InputError& e) {
    std::string m = e.what();
    if (m.rfind(path + ":", 0) != 0 || m.find('\n') != std::string::npos) __builtin_trap();
  }
  ::close(fd);
  return 0;
}
