#include "aiperf/transport/url.h"

#include <arpa/inet.h>

#include <cctype>
#include <initializer_list>

namespace aiperf::transport {

namespace {

bool fail(std::string* error, std::string msg) {
  if (error) *error = std::move(msg);
  return false;
}

/// Concatenation without `const char* + std::string` (g++ 12 -O3 -Wrestrict false positive).
std::string cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool parse_port(std::string_view s, uint16_t* port) {
  if (s.empty() || s.size() > 5) return false;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + uint32_t(c - '0');
  }
  if (v == 0 || v > 65535) return false;
  *port = uint16_t(v);
  return true;
}

bool valid_host_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '%' || c == '~';
}

}  // namespace

std::string Url::host_header() const {
  std::string h = ipv6_literal() ? cat({"[", host, "]"}) : host;
  uint16_t def = tls() ? 443 : 80;
  if (port != def) h.append(":").append(std::to_string(port));
  return h;
}

std::string Url::to_string() const {
  std::string s = cat({scheme, "://", ipv6_literal() ? "[" : "", host, ipv6_literal() ? "]" : "",
                       ":", std::to_string(port), path});
  if (!query.empty()) s.append("?").append(query);
  if (!fragment.empty()) s.append("#").append(fragment);
  return s;
}

std::optional<Url> parse_url(std::string_view text, std::string* error) {
  Url u;
  std::string_view rest = text;
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.front())))
    rest.remove_prefix(1);
  while (!rest.empty() && std::isspace(static_cast<unsigned char>(rest.back())))
    rest.remove_suffix(1);
  if (rest.empty()) return fail(error, "empty URL"), std::nullopt;

  size_t sep = rest.find("://");
  if (sep != std::string_view::npos) {
    u.scheme = lower(rest.substr(0, sep));
    rest.remove_prefix(sep + 3);
  } else {
    u.scheme = "http";
  }
  if (u.scheme != "http" && u.scheme != "https")
    return fail(error, cat({"unsupported URL scheme '", u.scheme, "' (use http or https)"})),
           std::nullopt;

  size_t auth_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, auth_end);
  rest = auth_end == std::string_view::npos ? std::string_view{} : rest.substr(auth_end);
  if (authority.find('@') != std::string_view::npos)
    return fail(error, "credentials in the URL are not supported (use --api-key or --header)"),
           std::nullopt;

  std::string_view host, port;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos)
      return fail(error, "unterminated '[' in IPv6 address"), std::nullopt;
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return fail(error, "junk after IPv6 address"), std::nullopt;
      port = after.substr(1);
      if (port.empty()) return fail(error, "empty port"), std::nullopt;
    }
    in6_addr a6;
    if (!inet_pton(AF_INET6, std::string(host).c_str(), &a6))
      return fail(error, cat({"invalid IPv6 address '", host, "'"})), std::nullopt;
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      host = authority.substr(0, colon);
      port = authority.substr(colon + 1);
      if (port.empty()) return fail(error, "empty port"), std::nullopt;
    } else {
      host = authority;
    }
    for (char c : host)
      if (!valid_host_char(c))
        return fail(error, cat({"invalid character in host '", host, "'"})), std::nullopt;
  }
  if (host.empty()) return fail(error, "missing host"), std::nullopt;
  u.host = lower(host);
  if (!port.empty()) {
    if (!parse_port(port, &u.port))
      return fail(error, cat({"invalid port '", port, "'"})), std::nullopt;
  } else {
    u.port = u.tls() ? 443 : 80;
  }

  size_t hash = rest.find('#');
  if (hash != std::string_view::npos) {
    u.fragment = std::string(rest.substr(hash + 1));
    rest = rest.substr(0, hash);
  }
  size_t q = rest.find('?');
  if (q != std::string_view::npos) {
    u.query = std::string(rest.substr(q + 1));
    rest = rest.substr(0, q);
  }
  u.path = std::string(rest);
  return u;
}

std::string join_endpoint_path(std::string_view base_path, std::string_view endpoint_path) {
  while (!base_path.empty() && base_path.back() == '/') base_path.remove_suffix(1);
  while (!endpoint_path.empty() && endpoint_path.front() == '/') endpoint_path.remove_prefix(1);
  std::string out(base_path);
  if (!endpoint_path.empty()) {
    auto ends_with = [&](std::string_view p) {
      return base_path.size() > p.size() && base_path.substr(base_path.size() - p.size()) == p &&
             base_path[base_path.size() - p.size() - 1] == '/';
    };
    if (ends_with(endpoint_path)) return out;  // base already names the endpoint
    bool base_v1 = base_path.size() >= 3 && base_path.substr(base_path.size() - 3) == "/v1";
    if (base_v1 && endpoint_path.substr(0, 3) == "v1/") endpoint_path.remove_prefix(3);
    out += '/';
    out += endpoint_path;
  }
  if (out.empty()) out.push_back('/');
  return out;
}

std::string request_target(const Url& base, std::string_view endpoint_path,
                           std::string_view extra_query) {
  std::string t = join_endpoint_path(base.path, endpoint_path);
  if (!base.query.empty() || !extra_query.empty()) {
    t += '?';
    t += base.query;
    if (!base.query.empty() && !extra_query.empty()) t += '&';
    t += extra_query;
  }
  return t;
}

}  // namespace aiperf::transport
