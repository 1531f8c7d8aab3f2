// Private: small helpers over simdjson's DOM for the record parsers (type checks that produce
// the one-line InputError of records.h).
#pragma once
#include <simdjson.h>

#include <cmath>
#include <string>
#include <string_view>

#include "aiperf/dataset/custom/records.h"

namespace aiperf::dataset::custom {

namespace dom = simdjson::dom;

/// What a JSON value is, for messages: "a string \"ab\"", "null", "an array", ...
std::string describe(dom::element e);

/// Parses `text` as one JSON object (the parser is thread-local and reused).
dom::object parse_object(std::string_view text, const SourcePos& pos, std::string_view what);

inline std::string str_of(dom::element e, const SourcePos& pos, std::string_view field) {
  std::string_view s;
  if (e.get_string().get(s)) fail(pos, field, "expected a string (got " + describe(e) + ")");
  return std::string(s);
}

/// An integer (a float without fraction is accepted, as pydantic's lax mode does).
inline int64_t int_of(dom::element e, const SourcePos& pos, std::string_view field,
                      std::string_view form = "an integer") {
  int64_t i;
  if (!e.get_int64().get(i)) return i;
  double d;
  if (!e.get_double().get(d) && std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e18) {
    return int64_t(d);
  }
  fail(pos, field, "expected " + std::string(form) + " (got " + describe(e) + ")");
}

inline double number_of(dom::element e, const SourcePos& pos, std::string_view field,
                        std::string_view form = "a number") {
  double d;
  if (!e.get_double().get(d) && std::isfinite(d)) return d;
  fail(pos, field, "expected " + std::string(form) + " (got " + describe(e) + ")");
}

inline std::string raw_of(dom::element e) {
  return simdjson::minify(e);
}

}  // namespace aiperf::dataset::custom
