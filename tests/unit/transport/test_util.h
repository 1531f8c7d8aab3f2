// Helpers shared by the transport unit tests.
#pragma once
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aiperf/record/request_record.h"

namespace aiperf::transport::test {

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::filesystem::path sse_dir() {
  return std::filesystem::path(AIPERF_TEST_DATA_DIR) / "sse";
}

/// Every recorded or derived .sse stream under tests/data/sse, sorted.
inline std::vector<std::filesystem::path> sse_fixtures() {
  std::vector<std::filesystem::path> out;
  for (auto& e : std::filesystem::recursive_directory_iterator(sse_dir()))
    if (e.path().extension() == ".sse") out.push_back(e.path());
  std::sort(out.begin(), out.end());
  return out;
}

/// An emitted event as comparable values.
struct Ev {
  std::string data;
  bool error = false;
  int64_t ts = 0;
  bool operator==(const Ev& o) const { return data == o.data && error == o.error; }
};

inline std::vector<Ev> events_of(const record::RequestRecord& rec) {
  std::vector<Ev> out;
  record::EventPayloads payloads(rec);
  for (auto& e : rec.events)
    out.push_back({std::string(payloads.next()), e.is_error_event, e.ts_ns});
  return out;
}

inline std::ostream& operator<<(std::ostream& os, const Ev& e) {
  return os << "{" << (e.error ? "error " : "") << "ts=" << e.ts << " '" << e.data << "'}";
}

}  // namespace aiperf::transport::test
