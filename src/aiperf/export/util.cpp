#include "aiperf/export/util.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <stdexcept>

namespace aiperf::exporter::detail {

void write_file(const std::string& path, std::string_view content) {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
  }
  const size_t n = std::fwrite(content.data(), 1, content.size(), f);
  const bool ok = n == content.size() && std::fclose(f) == 0;
  if (!ok) throw std::runtime_error("cannot write " + path + ": " + std::strerror(errno));
}

std::string fixed2(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

namespace {
std::string group_digits(std::string s) {
  // s: optional '-', digits, optional fraction.
  size_t start = (!s.empty() && s[0] == '-') ? 1 : 0;
  size_t end = s.find('.');
  if (end == std::string::npos) end = s.size();
  if (end - start <= 3 || !std::isdigit(static_cast<unsigned char>(s[start]))) return s;
  std::string out = s.substr(0, start);
  const size_t digits = end - start;
  for (size_t i = 0; i < digits; ++i) {
    if (i > 0 && (digits - i) % 3 == 0) out += ',';
    out += s[start + i];
  }
  out += s.substr(end);
  return out;
}
}  // namespace

std::string grouped2(double v) {
  if (!std::isfinite(v)) return fixed2(v);
  return group_digits(fixed2(v));
}

std::string grouped_int(int64_t n) {
  return group_digits(std::to_string(n));
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

size_t display_width(std::string_view s) {
  size_t w = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++w;
  }
  return w;
}

}  // namespace aiperf::exporter::detail
