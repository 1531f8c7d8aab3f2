// dump_compact: nlohmann's compact dump, with its strings written by append_json_string.
#include "aiperf/endpoint/body_util.h"

#include "aiperf/common/json_string.h"

namespace aiperf::endpoint::detail {
namespace {

void dump_nlohmann(const Json& j, std::string& out) {
  out += j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// A string as nlohmann writes it: append_json_string gives the same bytes for valid UTF-8;
/// for invalid UTF-8 (which nlohmann's replace handler replaces its own way) nlohmann writes it.
void dump_string(const std::string& s, std::string& out) {
  const size_t at = out.size();
  if (append_json_string(out, s)) return;
  out.resize(at);
  dump_nlohmann(Json(s), out);
}

void dump_into(const Json& j, std::string& out) {
  switch (j.type()) {
    case Json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = j.begin(); it != j.end(); ++it) {
        if (!first) out += ',';
        first = false;
        dump_string(it.key(), out);
        out += ':';
        dump_into(it.value(), out);
      }
      out += '}';
      return;
    }
    case Json::value_t::array: {
      out += '[';
      bool first = true;
      for (const Json& v : j) {
        if (!first) out += ',';
        first = false;
        dump_into(v, out);
      }
      out += ']';
      return;
    }
    case Json::value_t::string:
      dump_string(j.get_ref<const std::string&>(), out);
      return;
    default:  // numbers, booleans, null, binary
      dump_nlohmann(j, out);
  }
}

}  // namespace

std::string dump_compact(const Json& j) {
  std::string out;
  out.reserve(1024);
  dump_into(j, out);
  return out;
}

}  // namespace aiperf::endpoint::detail
