// Helpers of the telemetry unit tests: fixture files and parsing shortcuts.
#pragma once
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "aiperf/telemetry/prom_parser.h"

namespace aiperf::telemetry::test {

/// Sets an environment variable for the scope (the fake GPU libraries read theirs).
struct EnvGuard {
  const char* name;
  EnvGuard(const char* n, const char* v) : name(n) { setenv(n, v, 1); }
  ~EnvGuard() { unsetenv(name); }
};

inline std::string read_data(const std::string& rel) {
  std::ifstream f(std::string(AIPERF_TEST_DATA_DIR) + "/" + rel, std::ios::binary);
  if (!f) throw std::runtime_error("missing test data " + rel);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// A fixture body: its "# SOURCE:" first line dropped when `strip_source` (OpenMetrics allows no
/// other comments).
inline std::string fixture(const std::string& name, bool strip_source = false) {
  std::string s = read_data("metrics/" + name);
  if (strip_source && s.rfind("# SOURCE:", 0) == 0) s = s.substr(s.find('\n') + 1);
  return s;
}

inline bool parse_text(const std::string& body, Exposition* x, ParseError* e = nullptr) {
  ParseError tmp;
  return parse_exposition(body, ExpositionFormat::kText, x, e ? e : &tmp);
}

inline bool parse_om(const std::string& body, Exposition* x, ParseError* e = nullptr) {
  ParseError tmp;
  return parse_exposition(body, ExpositionFormat::kOpenMetrics, x, e ? e : &tmp);
}

/// The family named `name`, or nullptr.
inline const Family* family(const Exposition& x, std::string_view name) {
  for (const auto& f : x.families()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

/// The first sample whose series key (name{labels} as written) contains `needle`.
inline const Sample* sample(const Exposition& x, std::string_view needle) {
  for (const auto& s : x.samples()) {
    if (s.series_key.find(needle) != std::string_view::npos) return &s;
  }
  return nullptr;
}

}  // namespace aiperf::telemetry::test
