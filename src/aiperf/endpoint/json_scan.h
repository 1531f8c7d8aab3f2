// Private: simdjson on-demand helpers shared by the response parsers (openai_parse.cpp and
// the endpoint files). The parser and the padded copy of the payload are thread-local, so every
// parse() can run on any thread and allocates nothing once warm. String views taken from a
// document stay valid until the next start_document() on the same thread.
#pragma once
#include <simdjson.h>

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint::detail {

namespace od = simdjson::ondemand;

/// Copies `payload` into the thread's padded buffer and starts a document. False for `[DONE]`,
/// empty payloads and anything that is not a JSON object (or array, with `allow_array`).
bool start_document(std::string_view payload, od::document& doc, bool allow_array = false);

/// Where string value `s`, read from the current document with its raw token starting at `raw`
/// (od::value::raw_json_token()), lies in the payload given to start_document(), when the
/// payload holds it verbatim (no escapes); nullopt otherwise.
std::optional<size_t> verbatim_offset(const char* raw, std::string_view s);

/// A field's key as the raw bytes after its opening quote (no unescaping), for comparing with
/// the names the parsers look up, which hold no escapes and no quotes: `key == "name"` when the
/// key is exactly that. No scan for the key's end first: an escaped key equals no such name.
/// Reads up to name.size() + 1 bytes, within the document's padding (SIMDJSON_PADDING, longer
/// than any name) when the key is shorter.
struct RawKey {
  const char* p;
  bool operator==(std::string_view name) const {
    return std::memcmp(p, name.data(), name.size()) == 0 && p[name.size()] == '"';
  }
};
inline RawKey raw_key(od::field& f) {
  return {f.key().raw()};
}

inline bool type_of(od::value& v, od::json_type& t) {
  return !v.type().get(t);
}

/// A string value (unescaped); false for any other type.
inline bool get_str(od::value& v, std::string_view& s) {
  od::json_type t;
  if (!type_of(v, t) || t != od::json_type::string) return false;
  return !v.get_string().get(s);
}

/// A usage object (spec §2.5 lookups, envelopes unwrapped) into out.usage; sets out.has_usage
/// when it has members. Returns its member count, 0 when `v` is not an object, -1 on a JSON
/// error.
int read_usage(od::value& v, ParsedResponse& out);

/// `{"error": {...}}` (vLLM/SGLang/TGI OpenAI route) or `{"error": "..."}` (TGI native) into
/// out.error; a null error is none. False on a JSON error.
bool read_error(od::value& v, ParsedResponse& out);

/// An int / double number; nullopt for other types.
std::optional<int> read_int(od::value& v);
std::optional<double> read_double(od::value& v);

/// Appends the value's JSON text, minified, to `out` (tool_use input objects). False on error.
bool append_compact_json(od::value& v, std::string& out);

/// Clears `out` and returns false (a malformed message).
bool fail(ParsedResponse& out);

/// Parses a JSON object text holding a usage dict (tests, tools). Returns false if not an
/// object or empty.
bool parse_usage_json(std::string_view json, record::Usage& out);

}  // namespace aiperf::endpoint::detail
