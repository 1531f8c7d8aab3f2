// The route table: (method, path) -> handler. Adding an API is one handler and one row in
// routes.cpp.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace aiperf::mock {

class Connection;

using RouteHandler = void (*)(Connection&);

struct Route {
  std::string_view method;
  std::string_view path;      // exact, or "/prefix/*" for every path below /prefix/
  bool protected_by_api_key;  // --api-key applies
  RouteHandler handler;
};

/// Answers the connection's current request (404/405/401 included).
void route_request(Connection& c);

/// Deterministic unit-norm embedding of `text` with `dims` values, formatted as a JSON array.
void append_embedding_json(std::string* out, std::string_view text, int dims, uint64_t seed);

}  // namespace aiperf::mock
