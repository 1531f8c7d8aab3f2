// Request URL joining and request header lines (spec §5.1).
#include <algorithm>
#include <cctype>
#include <cstring>
#include <initializer_list>
#include <string>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

/// Concatenation without `const char* + std::string` (GCC 12 -Wrestrict false positive).
std::string cat(std::initializer_list<std::string_view> parts) {
  size_t n = 0;
  for (auto p : parts) n += p.size();
  std::string s;
  s.reserve(n);
  for (auto p : parts) s.append(p);
  return s;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

/// Header names whose values are secrets (DESIGN §4): redacted in exports and logs.
bool is_sensitive(std::string_view name) {
  static constexpr std::string_view kNames[] = {
      "authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"};
  for (auto n : kNames)
    if (iequals(name, n)) return true;
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower.find("token") != std::string::npos || lower.find("secret") != std::string::npos ||
         lower.find("api-key") != std::string::npos || lower.find("apikey") != std::string::npos;
}

}  // namespace

std::string join_url(std::string_view base_url, std::string_view path) {
  std::string base;
  if (base_url.find("://") == std::string_view::npos) base = "http://";
  base.append(base_url);

  // Split scheme://authority | path | ?query#fragment.
  size_t scheme_end = base.find("://") + 3;
  size_t tail = base.find_first_of("?#", scheme_end);
  std::string suffix = tail == std::string::npos ? std::string() : base.substr(tail);
  std::string head = tail == std::string::npos ? base : base.substr(0, tail);
  size_t path_start = head.find('/', scheme_end);
  std::string origin = path_start == std::string::npos ? head : head.substr(0, path_start);
  std::string base_path = path_start == std::string::npos ? std::string() : head.substr(path_start);
  while (!base_path.empty() && base_path.back() == '/') base_path.pop_back();

  std::string_view p = path;
  while (!p.empty() && p.front() == '/') p.remove_prefix(1);
  if (p.empty()) return base;  // no path (e.g. --endpoint ""): the URL as given
  if (ends_with(base_path, cat({"/", p}))) {
    p = {};  // the base already ends with the path
  } else if (ends_with(base_path, "/v1") && p.substr(0, 3) == "v1/") {
    p.remove_prefix(3);
  }
  std::string url = origin + base_path;
  if (!p.empty()) {
    url += '/';
    url.append(p);
  }
  url += suffix;
  return url;
}

std::string request_url(const config::Config& cfg, const Endpoint& ep, size_t url_index) {
  const std::string& base = cfg.urls.empty() ? std::string("http://localhost:8000")
                                             : cfg.urls[url_index % cfg.urls.size()];
  return join_url(base, ep.path(cfg));
}

// ---- headers ----------------------------------------------------------------------------------

RequestHeaders::RequestHeaders(const config::Config& cfg, std::string_view version) {
  // Build the merged list in AIPerf's order; later duplicates replace earlier ones in place.
  struct H {
    std::string name, value;
  };
  std::vector<H> hs;
  auto put = [&hs](std::string_view name, std::string_view value) {
    for (auto& h : hs)
      if (iequals(h.name, name)) {
        h.value = value;
        return;
      }
    hs.push_back({std::string(name), std::string(value)});
  };
  put("User-Agent", cat({"aiperf/", version}));
  put("X-Request-ID", "");
  put("X-Correlation-ID", "");
  for (const auto& [k, v] : cfg.headers) put(k, v);
  if (cfg.endpoint_type == config::EndpointType::kMessages) {
    // Anthropic: the key goes in x-api-key, and anthropic-version is sent unless -H set it.
    if (cfg.api_key) put("x-api-key", *cfg.api_key);
    bool has_version = false;
    for (const auto& h : hs) has_version = has_version || iequals(h.name, "anthropic-version");
    if (!has_version) put("anthropic-version", kAnthropicVersion);
  } else if (cfg.api_key) {
    put("Authorization", cat({"Bearer ", *cfg.api_key}));
  }
  put("Accept", cfg.streaming ? "text/event-stream" : "application/json");
  put("Content-Type", "application/json");

  // hs[0] = User-Agent, hs[1] = X-Request-ID, hs[2] = X-Correlation-ID (empty unless -H fixed
  // them), then the rest.
  prefix_ = cat({hs[0].name, ": ", hs[0].value, "\r\n"});
  if (!hs[1].value.empty()) {
    emit_request_id_ = false;
    prefix_ += cat({hs[1].name, ": ", hs[1].value, "\r\n"});
  }
  if (!hs[2].value.empty()) {
    emit_correlation_id_ = false;
    suffix_ += cat({hs[2].name, ": ", hs[2].value, "\r\n"});
  }
  suffix_redacted_ = suffix_;
  for (size_t i = 3; i < hs.size(); ++i) {
    const H& h = hs[i];
    suffix_ += cat({h.name, ": ", h.value, "\r\n"});
    suffix_redacted_ += cat(
        {h.name, ": ", is_sensitive(h.name) ? std::string_view("<redacted>") : h.value, "\r\n"});
  }
}

void RequestHeaders::append(std::string& out, std::string_view request_id,
                            std::string_view correlation_id) const {
  out += prefix_;
  if (emit_request_id_) {
    out += "X-Request-ID: ";
    out += request_id;
    out += "\r\n";
  }
  if (emit_correlation_id_) {
    out += "X-Correlation-ID: ";
    out += correlation_id;
    out += "\r\n";
  }
  out += suffix_;
}

std::string RequestHeaders::redacted(std::string_view request_id,
                                     std::string_view correlation_id) const {
  std::string out = prefix_;  // User-Agent (and a fixed X-Request-ID): nothing secret
  if (emit_request_id_) {
    out += "X-Request-ID: ";
    out += request_id;
    out += "\r\n";
  }
  if (emit_correlation_id_) {
    out += "X-Correlation-ID: ";
    out += correlation_id;
    out += "\r\n";
  }
  out += suffix_redacted_;
  return out;
}

namespace {
/// The two hex digits of every byte value: one load per byte instead of two shifts, two masks
/// and two table loads (a request sends two ids).
struct HexPairs {
  char p[256][2];
  constexpr HexPairs() : p() {
    constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 256; ++i) {
      p[i][0] = kHex[i >> 4];
      p[i][1] = kHex[i & 15];
    }
  }
};
constexpr HexPairs kHexPairs;

/// The 2 * n hex digits of the n top bytes of `v`, most significant first.
char* put_hex(char* out, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) {
    std::memcpy(out, kHexPairs.p[(v >> (56 - 8 * i)) & 0xff], 2);
    out += 2;
  }
  return out;
}
}  // namespace

void format_uuid4(uint64_t hi, uint64_t lo, char out[36]) {
  hi = (hi & ~0x000000000000F000ull) | 0x0000000000004000ull;  // version 4
  lo = (lo & ~0xC000000000000000ull) | 0x8000000000000000ull;  // RFC 4122 variant
  // 8-4-4-4-12 hex digits: hi's bytes 0-3, 4-5, 6-7; lo's bytes 0-1, 2-7.
  char* p = put_hex(out, hi, 4);
  *p++ = '-';
  p = put_hex(p, hi << 32, 2);
  *p++ = '-';
  p = put_hex(p, hi << 48, 2);
  *p++ = '-';
  p = put_hex(p, lo, 2);
  *p++ = '-';
  put_hex(p, lo << 16, 6);
}

std::string uuid4(uint64_t hi, uint64_t lo) {
  std::string s(36, '\0');
  format_uuid4(hi, lo, s.data());
  return s;
}

}  // namespace aiperf::endpoint
