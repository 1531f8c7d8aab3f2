// Base URLs (`-u/--url`) and the endpoint path join of spec §5.1. Cold path: parsed once at
// start-up; the HTTP client keeps the parsed form.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace aiperf::transport {

struct Url {
  std::string scheme;    // "http" or "https" (lower case)
  std::string host;      // host name or IP literal; an IPv6 literal without its brackets
  uint16_t port = 0;     // explicit port, else 80 / 443 from the scheme
  std::string path;      // as written ("" or starting with '/')
  std::string query;     // without the leading '?'
  std::string fragment;  // without the leading '#'; never sent on the wire

  bool tls() const { return scheme == "https"; }
  bool ipv6_literal() const { return host.find(':') != std::string::npos; }
  /// The Host header value: host, bracketed when IPv6, with ":port" unless the port is the
  /// scheme's default.
  std::string host_header() const;
  /// scheme://host[:port]path[?query][#fragment]
  std::string to_string() const;
};

/// Parses `http://host:port/path?query#fragment`. A missing scheme means `http://` (spec §5.1).
/// Accepts host names, IPv4 and `[IPv6]` literals; a `user:pass@` part is rejected. On failure
/// returns nullopt and, when `error` is given, a one-line reason.
std::optional<Url> parse_url(std::string_view text, std::string* error = nullptr);

/// The path part of base + endpoint path by AIPerf's join rules (spec §5.1): trailing '/' of the
/// base path stripped; nothing appended when the base path already ends with "/<path>"; a
/// duplicate "v1/" dropped when the base ends with "/v1". An empty endpoint path leaves the base
/// path. Never returns an empty string ("/" at least).
std::string join_endpoint_path(std::string_view base_path, std::string_view endpoint_path);

/// The HTTP request target for `endpoint_path` on `base`: the joined path, then the base URL's
/// query, then `extra_query` (already encoded `k=v&k2=v2`, e.g. endpoint url_params), joined
/// by '&'. The fragment is dropped (it is never sent).
std::string request_target(const Url& base, std::string_view endpoint_path,
                           std::string_view extra_query = {});

}  // namespace aiperf::transport
