// Lexical helpers of the exposition parser (prom_parser.cpp): character classes, Go-style
// float and integer reading, metric type names. Private to the telemetry stage; standard library
// only (the parser is fuzzed on its own).
#pragma once
#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <string_view>

#include "aiperf/telemetry/prom_parser.h"

namespace aiperf::telemetry::prom_lex {

// Character classes: bit 1 = may start a metric name, bit 2 = may continue one, bit 4 = may
// continue a label name (no ':').
inline constexpr auto kCharClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 256; ++c) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    bool digit = c >= '0' && c <= '9';
    t[size_t(c)] = uint8_t((alpha || c == ':' ? 1 : 0) | (alpha || digit || c == ':' ? 2 : 0) |
                           (alpha || digit ? 4 : 0));
  }
  return t;
}();
inline bool is_name_start(char c) {
  return kCharClass[uint8_t(c)] & 1;
}
inline bool is_name_char(char c) {
  return kCharClass[uint8_t(c)] & 2;
}
inline bool is_label_char(char c) {
  return kCharClass[uint8_t(c)] & 4;
}
inline bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

inline bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() > suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

inline bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = char(x - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

/// Go's strconv.ParseFloat subset that exporters emit: decimal and exponent forms, an optional
/// sign, Inf / Infinity / NaN in any case.
inline bool parse_float(std::string_view t, double* v) {
  if (t.empty()) return false;
  bool neg = false;
  if (t[0] == '+' || t[0] == '-') {
    neg = t[0] == '-';
    t.remove_prefix(1);
    if (t.empty() || t[0] == '+' || t[0] == '-') return false;
  }
  if (iequals(t, "inf") || iequals(t, "infinity")) {
    *v = neg ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
    return true;
  }
  if (iequals(t, "nan")) {
    *v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  double x = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), x, std::chars_format::general);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size()) return false;
  *v = neg ? -x : x;
  return true;
}

inline bool parse_int64(std::string_view t, int64_t* v) {
  if (!t.empty() && t[0] == '+') t.remove_prefix(1);
  if (t.empty()) return false;
  auto r = std::from_chars(t.data(), t.data() + t.size(), *v);
  return r.ec == std::errc() && r.ptr == t.data() + t.size();
}

inline MetricType parse_type(std::string_view t, ExpositionFormat f, bool* ok) {
  *ok = true;
  if (t == "counter") return MetricType::kCounter;
  if (t == "gauge") return MetricType::kGauge;
  if (t == "histogram") return MetricType::kHistogram;
  if (t == "summary") return MetricType::kSummary;
  if (t == "untyped" && f == ExpositionFormat::kText) return MetricType::kUnknown;
  if (t == "unknown") return MetricType::kUnknown;
  if (t == "gaugehistogram") return MetricType::kGaugeHistogram;
  if (t == "info") return MetricType::kInfo;
  if (t == "stateset") return MetricType::kStateSet;
  *ok = false;
  return MetricType::kUnknown;
}

}  // namespace aiperf::telemetry::prom_lex
