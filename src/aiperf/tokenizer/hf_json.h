// Small JSON accessors for tokenizer.json that report the field path on error.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "aiperf/tokenizer/hf_components.h"

namespace aiperf::tokenizer::hf {

[[noreturn]] inline void fail(const std::string& path, const std::string& msg) {
  throw SpecError{path, msg};
}

inline const Json& field(const Json& j, const char* key, const std::string& path) {
  if (!j.is_object()) fail(path, "expected an object");
  auto it = j.find(key);
  if (it == j.end()) fail(path + "." + key, "missing");
  return *it;
}

inline std::string str_field(const Json& j, const char* key, const std::string& path) {
  const Json& v = field(j, key, path);
  if (!v.is_string()) fail(path + "." + key, "expected a string");
  return v.get<std::string>();
}

/// A string field that may be absent or null.
inline std::string str_or(const Json& j, const char* key, const std::string& dflt) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return dflt;
  return it->get<std::string>();
}

inline bool bool_or(const Json& j, const char* key, bool dflt) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_boolean()) return dflt;
  return it->get<bool>();
}

inline const Json* opt(const Json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return nullptr;
  return &*it;
}

}  // namespace aiperf::tokenizer::hf
