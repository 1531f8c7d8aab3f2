#include "aiperf/config/yaml_reader.h"

#include <charconv>
#include <cmath>
#include <regex>

#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config::detail {
namespace {

std::string describe(const YamlNode& n) {
  switch (n.type) {
    case YamlNode::Type::kNull:
      return "nothing (null)";
    case YamlNode::Type::kScalar:
      return "'" + n.text + "'";
    case YamlNode::Type::kSequence:
      return "a list";
    case YamlNode::Type::kMap:
      return "a mapping";
  }
  return "?";
}

std::optional<double> to_double(const std::string& s) {
  std::string t = s;
  std::erase(t, '_');
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double d = std::strtod(t.c_str(), &end);
  if (end == t.c_str() || *end != '\0') return std::nullopt;
  return d;
}

}  // namespace

std::string trim_number(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string YamlReader::where(const YamlNode& at) const {
  return at.line > 0 ? " at " + file_ + ":" + std::to_string(at.line) : std::string();
}

void YamlReader::fail(const std::string& path, const YamlNode& at, const std::string& msg) const {
  throw ConfigError(path + ": " + msg + where(at));
}

std::string YamlReader::child(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

std::string YamlReader::index(const std::string& path, size_t i) {
  return path + "[" + std::to_string(i) + "]";
}

void YamlReader::expect_map(const std::string& path, const YamlNode& n) const {
  if (!n.is_map()) fail(path, n, "expected a mapping of keys, got " + describe(n));
}

void YamlReader::check_keys(const std::string& path, const YamlNode& n,
                            const std::vector<std::string_view>& allowed) const {
  expect_map(path, n);
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& [key, value] : n.fields) {
    const std::string snake = to_snake(key);
    bool ok = false;
    for (auto a : allowed) ok = ok || snake == a;
    if (ok) continue;
    auto best = nearest(snake, names);
    std::string list;
    for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
    fail(child(path, key), value,
         "unknown key" + (best ? "; did you mean '" + *best + "'?" : " (known: " + list + ")"));
  }
}

std::string YamlReader::text(const std::string& path, const YamlNode& n) const {
  if (!n.is_scalar()) fail(path, n, "expected a single value, got " + describe(n));
  return n.text;
}

bool YamlReader::boolean(const std::string& path, const YamlNode& n) const {
  std::string s = text(path, n);
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  fail(path, n, "expected true or false, got " + describe(n));
}

double YamlReader::number(const std::string& path, const YamlNode& n) const {
  auto d = to_double(text(path, n));
  if (!d || !std::isfinite(*d)) fail(path, n, "expected a number, got " + describe(n));
  return *d;
}

std::string YamlReader::integer_text(const std::string& path, const YamlNode& n) const {
  std::string t = text(path, n);
  std::erase(t, '_');
  long long exact = 0;
  const char* b = t.data() + (!t.empty() && t[0] == '+' ? 1 : 0);
  if (auto [p, ec] = std::from_chars(b, t.data() + t.size(), exact);
      ec == std::errc() && p == t.data() + t.size() && b != p) {
    return std::to_string(exact);  // exact, even beyond a double's 53 bits (seeds)
  }
  auto d = to_double(t);
  if (!d || !std::isfinite(*d) || *d != std::floor(*d)) {
    fail(path, n, "expected a whole number, got " + describe(n));
  }
  if (std::fabs(*d) > 9.2e18) fail(path, n, "number out of range: " + describe(n));
  return std::to_string(static_cast<long long>(*d));
}

std::string YamlReader::number_text(const std::string& path, const YamlNode& n) const {
  number(path, n);
  std::string t = n.text;
  std::erase(t, '_');
  return t;
}

std::string YamlReader::duration_text(const std::string& path, const YamlNode& n,
                                      bool allow_inf) const {
  static const std::regex kDuration(
      R"(^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hr|hrs|hour|hours)?\s*$)",
      std::regex::icase);
  const std::string s = text(path, n);
  std::string lower = s;
  for (auto& c : lower) c = char(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "inf" || lower == "infinity") {
    if (!allow_inf) fail(path, n, "expected a finite duration, got " + describe(n));
    return "inf";
  }
  if (auto d = to_double(s)) return trim_number(*d);
  std::smatch m;
  if (!std::regex_match(s, m, kDuration)) {
    fail(path, n,
         "expected a duration in seconds or with a unit ('30s', '5m', '2h'), got " + describe(n));
  }
  double v = 0;
  try {
    v = std::stod(m[1].str());
  } catch (const std::exception&) {
    fail(path, n, "duration out of range: " + describe(n));
  }
  const char unit = m[2].matched ? char(std::tolower(m[2].str()[0])) : 's';
  if (unit == 'm') v *= 60;
  if (unit == 'h') v *= 3600;
  return trim_number(v);
}

std::string YamlReader::choice(const std::string& path, const YamlNode& n,
                               const std::vector<std::string_view>& choices) const {
  const std::string s = text(path, n);
  for (auto c : choices) {
    if (s == c) return s;
  }
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  fail(path, n, "expected one of " + list + " (got " + describe(n) + ")");
}

std::vector<std::string> YamlReader::string_list(const std::string& path, const YamlNode& n) const {
  std::vector<std::string> out;
  if (n.is_scalar()) {
    out.push_back(n.text);
  } else if (n.is_seq()) {
    for (size_t i = 0; i < n.items.size(); ++i) out.push_back(text(index(path, i), n.items[i]));
  } else {
    fail(path, n, "expected a value or a list of values, got " + describe(n));
  }
  return out;
}

void YamlReader::only_default(const std::string& path, const YamlNode& n, std::string_view off,
                              std::string_view what) const {
  bool is_off = false;
  if (off == "null") {
    is_off = scalar_is_null(n);
  } else if (off == "[]") {
    is_off = scalar_is_null(n) || (n.is_seq() && n.items.empty());
  } else if (off == "{}") {
    is_off = scalar_is_null(n) || (n.is_map() && n.fields.empty());
  } else if (n.is_scalar()) {
    std::string a = n.text, b(off);
    for (auto& c : a) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (a == b) {
      is_off = true;
    } else if (auto x = to_double(a), y = to_double(b); x && y) {
      is_off = *x == *y;
    } else if ((b == "false" && (a == "no" || a == "off" || a == "0")) ||
               (b == "true" && (a == "yes" || a == "on" || a == "1"))) {
      is_off = true;
    }
  }
  if (!is_off) {
    fail(path, n,
         std::string(what) + " is not supported by this build; remove the key (or set it to " +
             std::string(off) + ")");
  }
}

}  // namespace aiperf::config::detail
