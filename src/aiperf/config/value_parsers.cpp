#include "aiperf/config/value_parsers.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>

#include "aiperf/common/error.h"

namespace aiperf::config {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return char(std::tolower(c)); });
  return out;
}

[[noreturn]] void fail(std::string_view flag, const std::string& what) {
  throw ConfigError(std::string(flag) + ": " + what);
}

std::string fmt_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

/// For sweep-capable flags AIPerf accepts "10," (one surviving item); several items are a sweep.
std::string_view single_value(std::string_view flag, std::string_view text, bool sweep_capable) {
  if (!sweep_capable || text.find(',') == std::string_view::npos) return text;
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    auto part = trim(text.substr(start, comma - start));
    if (!part.empty()) parts.push_back(part);
    start = comma + 1;
  }
  if (parts.size() == 1) return parts.front();
  fail(flag, "'" + std::string(text) +
                 "' is a list of values (an AIPerf parameter sweep), which this build does not "
                 "run; pass a single value");
}

bool is_token_char(unsigned char c) {
  if (std::isalnum(c)) return true;
  static constexpr std::string_view kExtra = "!#$%&'*+-.^_`|~";
  return kExtra.find(char(c)) != std::string_view::npos;
}

}  // namespace

int64_t parse_int_at_least(std::string_view flag, std::string_view text, int64_t min,
                           bool sweep_capable) {
  auto v = trim(single_value(flag, trim(text), sweep_capable));
  const std::string expected = "expected an integer >= " + std::to_string(min);
  std::string_view digits = v;
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
  if (digits.empty() || (!digits.empty() && digits.front() == '-' && v.front() == '+') ||
      ptr != digits.data() + digits.size()) {
    fail(flag, expected + " (got '" + std::string(text) + "')");
  }
  if (ec == std::errc::result_out_of_range) {
    fail(flag, "value '" + std::string(text) + "' is out of range");
  }
  if (ec != std::errc()) fail(flag, expected + " (got '" + std::string(text) + "')");
  if (out < min) {
    fail(flag, "must be >= " + std::to_string(min) + " (got " + std::to_string(out) + ")");
  }
  return out;
}

double parse_number(std::string_view flag, std::string_view text, double bound, bool strict,
                    bool sweep_capable, bool allow_inf) {
  auto v = trim(single_value(flag, trim(text), sweep_capable));
  const std::string rel = std::string(strict ? "> " : ">= ") + fmt_number(bound);
  const std::string expected = "expected a number " + rel + (allow_inf ? " or 'inf'" : "") +
                               " (got '" + std::string(text) + "')";
  std::string_view body = v;
  if (!body.empty() && body.front() == '+') body.remove_prefix(1);
  std::string low = lower(body);
  double out = 0;
  if (low == "inf" || low == "infinity") {
    if (!allow_inf)
      fail(flag, "expected a finite number " + rel + " (got '" + std::string(text) + "')");
    out = std::numeric_limits<double>::infinity();
  } else {
    // Only decimal syntax: no hex floats, no nan.
    bool ok = !body.empty() && std::all_of(body.begin(), body.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c)) || c == '.' || c == 'e' || c == 'E' ||
             c == '+' || c == '-';
    });
    const char* end = body.data() + body.size();
    auto [ptr, ec] = ok ? std::from_chars(body.data(), end, out) : std::from_chars_result{};
    if (!ok || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      fail(flag, expected);
    }
    if (ec == std::errc::result_out_of_range || !std::isfinite(out)) {
      fail(flag, "value '" + std::string(text) + "' is out of range");
    }
  }
  if (strict ? !(out > bound) : !(out >= bound)) {
    fail(flag, "must be " + rel + " (got " + std::string(trim(text)) + ")");
  }
  return out;
}

std::vector<std::string> split_comma_list(std::string_view flag, std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    auto item =
        trim(text.substr(start, comma == std::string_view::npos ? text.npos : comma - start));
    if (item.empty()) {
      fail(flag, "empty item in '" + std::string(text) +
                     "'; give a comma-separated list without blanks, or repeat the flag");
    }
    out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string normalize_url(std::string_view flag, std::string_view url_in) {
  auto url = trim(url_in);
  const std::string shown = "'" + std::string(url_in) + "'";
  if (url.empty()) fail(flag, "empty URL; expected e.g. http://localhost:8000");
  for (char c : url) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      fail(flag, "invalid URL " + shown + ": contains whitespace");
    }
  }
  std::string full(url);
  size_t sep = full.find("://");
  if (sep == std::string::npos) {
    // "localhost:8000" has no scheme; "ftp:x" or "javascript:x" name a foreign one.
    static constexpr std::string_view kForeign[] = {
        "data",   "file", "ftp", "ftps", "gopher",   "javascript", "ldap", "ldaps",
        "mailto", "sftp", "ssh", "tel",  "vbscript", "ws",         "wss"};
    size_t colon = full.find(':');
    if (colon != std::string::npos) {
      std::string prefix = lower(std::string_view(full).substr(0, colon));
      for (auto f : kForeign) {
        if (prefix == f) {
          fail(flag, "invalid URL " + shown + ": scheme '" + prefix +
                         "' is not supported; use http:// or https://");
        }
      }
    }
    full = "http://" + full;
    sep = 4;
  }
  std::string scheme = lower(std::string_view(full).substr(0, sep));
  if (scheme != "http" && scheme != "https") {
    fail(flag, "invalid URL " + shown + ": scheme '" + scheme +
                   "' is not supported; use http:// or https://");
  }
  full.replace(0, sep, scheme);
  size_t auth_begin = sep + 3;
  size_t auth_end = full.find_first_of("/?#", auth_begin);
  if (auth_end == std::string::npos) auth_end = full.size();
  std::string_view authority = std::string_view(full).substr(auth_begin, auth_end - auth_begin);
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);
  }
  std::string_view host = authority;
  std::string_view port;
  bool has_port = false;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) fail(flag, "invalid URL " + shown + ": unclosed '['");
    host = authority.substr(0, close + 1);
    std::string_view rest = authority.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') fail(flag, "invalid URL " + shown + ": bad host");
      has_port = true;
      port = rest.substr(1);
    }
    if (host.size() <= 2) host = {};
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    has_port = true;
  }
  if (host.empty()) fail(flag, "invalid URL " + shown + ": missing host");
  if (has_port) {
    bool digits = !port.empty() && port.size() <= 6 &&
                  std::all_of(port.begin(), port.end(),
                              [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
    long value = digits ? std::stol(std::string(port)) : -1;
    if (!digits || value < 1 || value > 65535) {
      fail(flag, "invalid URL " + shown + ": port '" + std::string(port) +
                     "' must be a number in 1..65535");
    }
  }
  return full;
}

nlohmann::json coerce_scalar(std::string_view text) {
  std::string low = lower(text);
  if (low == "true") return true;
  if (low == "false") return false;
  if (low == "none" || low == "null") return nullptr;
  auto all_digits = [](std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return std::isdigit(static_cast<unsigned char>(c));
    });
  };
  std::string_view mag = text;
  bool negative = !mag.empty() && mag.front() == '-';
  if (negative) mag.remove_prefix(1);
  if (all_digits(mag) && (mag.front() != '0' || mag == "0")) {
    int64_t v = 0;
    auto [ptr, ec] = std::from_chars(mag.data(), mag.data() + mag.size(), v);
    if (ec == std::errc() && ptr == mag.data() + mag.size()) return negative ? -v : v;
    return std::string(text);  // too large for an int64: keep the text
  }
  if (std::count(mag.begin(), mag.end(), '.') == 1) {
    std::string no_dot(mag);
    no_dot.erase(no_dot.find('.'), 1);
    if (all_digits(no_dot)) {
      double v = 0;
      std::from_chars(mag.data(), mag.data() + mag.size(), v);
      return negative ? -v : v;
    }
  }
  return std::string(text);
}

void merge_extra_inputs(std::string_view flag, std::string_view value, nlohmann::json& obj) {
  if (!obj.is_object()) obj = nlohmann::json::object();
  if (!value.empty() && value.front() == '{') {
    nlohmann::json parsed = nlohmann::json::parse(value, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      fail(flag, "'" + std::string(value) + "' is not a valid JSON object");
    }
    for (auto& [k, v] : parsed.items()) obj[k] = v;
    return;
  }
  size_t start = 0;
  while (true) {
    size_t comma = value.find(',', start);
    std::string_view item =
        value.substr(start, comma == std::string_view::npos ? value.npos : comma - start);
    size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      fail(flag, "item '" + std::string(item) +
                     "' must be key:value (e.g. temperature:0.7) or pass a JSON object");
    }
    auto key = trim(item.substr(0, colon));
    if (key.empty()) fail(flag, "item '" + std::string(item) + "' has an empty key");
    obj[std::string(key)] = coerce_scalar(trim(item.substr(colon + 1)));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
}

std::vector<std::pair<std::string, std::string>> parse_headers(std::string_view flag,
                                                               std::string_view value) {
  std::vector<std::pair<std::string, std::string>> out;
  auto check = [&](std::string name, std::string val) {
    if (name.empty()) fail(flag, "header '" + std::string(value) + "' has an empty name");
    for (unsigned char c : name) {
      if (!is_token_char(c)) {
        fail(flag, "header name '" + name + "' contains an invalid character; use Name:Value");
      }
    }
    if (val.find_first_of("\r\n") != std::string::npos) {
      fail(flag, "header '" + name + "' value contains a line break");
    }
    out.emplace_back(std::move(name), std::move(val));
  };
  auto body = trim(value);
  if (!body.empty() && body.front() == '{') {
    nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
    if (parsed.is_discarded() || !parsed.is_object()) {
      fail(flag, "value is not a valid JSON object; use Name:Value or '{\"Name\": \"Value\"}'");
    }
    for (auto& [k, v] : parsed.items()) {
      if (!v.is_string()) fail(flag, "header '" + k + "' value must be a JSON string");
      check(k, v.get<std::string>());
    }
    return out;
  }
  size_t colon = body.find(':');
  if (colon == std::string_view::npos) {
    fail(flag,
         "'" + std::string(value) + "' must be Name:Value (e.g. X-Trace:on) or a JSON object");
  }
  check(std::string(trim(body.substr(0, colon))), std::string(trim(body.substr(colon + 1))));
  return out;
}

std::vector<std::pair<std::string, double>> parse_goodput(std::string_view flag,
                                                          std::string_view value) {
  std::vector<std::pair<std::string, double>> out;
  size_t i = 0;
  while (i < value.size()) {
    while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i;
    size_t j = i;
    while (j < value.size() && !std::isspace(static_cast<unsigned char>(value[j]))) ++j;
    if (j == i) break;
    std::string_view item = value.substr(i, j - i);
    i = j;
    size_t colon = item.find(':');
    if (colon == std::string_view::npos) {
      fail(flag, "'" + std::string(item) +
                     "' is not tag:value; give space-separated pairs such as "
                     "\"request_latency:250 time_to_first_token:50\"");
    }
    std::string tag(item.substr(0, colon));
    std::string_view num = item.substr(colon + 1);
    if (tag.empty()) fail(flag, "'" + std::string(item) + "' has an empty metric tag");
    if (num.empty()) fail(flag, "'" + std::string(item) + "' has an empty value");
    double v = 0;
    try {
      v = parse_number(flag, num, -std::numeric_limits<double>::infinity(), true);
    } catch (const ConfigError&) {
      fail(flag, "value for '" + tag + "' must be a number (got '" + std::string(num) + "')");
    }
    auto it = std::find_if(out.begin(), out.end(), [&](const auto& p) { return p.first == tag; });
    if (it != out.end()) {
      it->second = v;
    } else {
      out.emplace_back(std::move(tag), v);
    }
  }
  if (out.empty()) {
    fail(flag, "empty value; give space-separated tag:value pairs such as \"request_latency:250\"");
  }
  return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::optional<std::string> nearest(std::string_view word,
                                   const std::vector<std::string>& candidates) {
  const size_t limit = std::max<size_t>(2, word.size() / 4);
  std::optional<std::string> best;
  size_t best_d = limit + 1;
  for (const auto& c : candidates) {
    size_t d = edit_distance(word, c);
    if (d < best_d) {
      best_d = d;
      best = c;
    }
  }
  return best;
}

bool is_credential_header(std::string_view name) {
  std::string low = lower(name);
  static constexpr std::string_view kParts[] = {"auth",  "token",  "secret",     "key",
                                                "passw", "cookie", "credential", "signature"};
  for (auto p : kParts) {
    if (low.find(p) != std::string::npos) return true;
  }
  return false;
}

std::vector<std::string> secret_values(
    std::optional<std::string_view> api_key,
    const std::vector<std::pair<std::string, std::string>>& headers) {
  std::vector<std::string> out;
  auto add = [&out](std::string_view v) {
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    if (v.size() >= 4) out.emplace_back(v);
  };
  if (api_key) add(*api_key);
  for (const auto& [k, v] : headers) {
    if (!is_credential_header(k)) continue;
    add(v);
    const size_t sp = v.find(' ');  // "Bearer xyz", "Basic xyz": the credential alone too
    if (sp != std::string::npos) add(std::string_view(v).substr(sp + 1));
  }
  std::sort(out.begin(), out.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace aiperf::config
