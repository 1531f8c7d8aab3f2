// Typed reads of YamlNode values with AIPerf's (pydantic's lax) coercions and one-line errors
// "<key path>: <problem> at <file>:<line>". Private to the config stage (config_file.cpp,
// study_spec.cpp, yaml_bindings*.cpp).
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/yaml_tree.h"

namespace aiperf::config::detail {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }

  /// Throws ConfigError "<path>: <msg> at <file>:<line>" (no " at" when line is 0).
  [[noreturn]] void fail(const std::string& path, const YamlNode& at, const std::string& msg) const;
  std::string where(const YamlNode& at) const;  // " at file:line" or ""

  /// Child path: "a.b" + "c" -> "a.b.c"; index: "a.b" + 2 -> "a.b[2]".
  static std::string child(const std::string& path, std::string_view key);
  static std::string index(const std::string& path, size_t i);

  void expect_map(const std::string& path, const YamlNode& n) const;
  /// Every key of the mapping `n` must be one of `allowed` (snake_case; camelCase accepted).
  /// The error lists the nearest name.
  void check_keys(const std::string& path, const YamlNode& n,
                  const std::vector<std::string_view>& allowed) const;

  std::string text(const std::string& path, const YamlNode& n) const;  // any scalar
  bool boolean(const std::string& path, const YamlNode& n) const;
  double number(const std::string& path, const YamlNode& n) const;
  /// Integral text ("8", "8.0" -> "8"); rejects fractions and non-numbers.
  std::string integer_text(const std::string& path, const YamlNode& n) const;
  /// Number text as written ("0.5", "10"), checked to be a number.
  std::string number_text(const std::string& path, const YamlNode& n) const;
  /// A duration: seconds as a number, or "30s", "5m", "2h", "1.5 hours"-style text, or
  /// "inf" when `allow_inf`. Returns the seconds as text ("300", "inf").
  std::string duration_text(const std::string& path, const YamlNode& n, bool allow_inf) const;
  /// One of `choices` (exact); the error names them.
  std::string choice(const std::string& path, const YamlNode& n,
                     const std::vector<std::string_view>& choices) const;
  /// A string or a list of strings (comma-free items).
  std::vector<std::string> string_list(const std::string& path, const YamlNode& n) const;

  /// A key for a feature this build lacks: accepted only at the value that means "off" (the
  /// schema default), refused otherwise. `off` is compared after type coercion; "null" matches
  /// null, "[]"/"{}" empty lists/maps.
  void only_default(const std::string& path, const YamlNode& n, std::string_view off,
                    std::string_view what) const;

 private:
  std::string file_;
};

/// Text of a number the way Python's str() writes it for ints and the way YAML wrote floats.
std::string trim_number(double v);

}  // namespace aiperf::config::detail
