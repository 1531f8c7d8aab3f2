#include "aiperf/export/json_writer.h"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include <fmt/format.h>

namespace aiperf::exporter::detail {
namespace {

/// append_micro_decimal() at p; nullptr (nothing written) where it returns false.
char* write_micro_decimal(char* out, double v) {
  // k / 1e6 for an integer k is how every millisecond figure of a nanosecond clock is made.
  // When v is exactly that double and 1,000 <= |k| < 10^15, its shortest round-trip decimal is
  // k * 10^-6 itself: the division is correctly rounded, so that decimal rounds to v, and no
  // other decimal of at most 15 significant digits lies within half a unit in the last place
  // of a double (their relative spacing, >= 1e-15, exceeds a double's, 2^-52). fmt then writes
  // it in fixed notation (0.001 <= |v| < 1e9: no exponent).
  if (v == 0.0 && !std::signbit(v)) {  // durations and counts of nothing
    std::memcpy(out, "0.0", 3);
    return out + 3;
  }
  const double scaled = v * 1e6;
  if (!(std::fabs(scaled) >= 1000.0 && std::fabs(scaled) < 1e15)) return nullptr;
  // Rounded half away from zero without libm's llround (a call per value): a k off by one
  // from it fails the check below and takes the general form.
  const auto k = static_cast<int64_t>(scaled + (scaled < 0 ? -0.5 : 0.5));
  if (static_cast<double>(k) / 1e6 != v) return nullptr;
  uint64_t u = k < 0 ? uint64_t(-k) : uint64_t(k);
  char buf[32];
  char* end = buf + sizeof buf;
  char* p = end;
  uint64_t frac = u % 1'000'000;
  u /= 1'000'000;
  if (frac == 0) {
    *--p = '0';
  } else {
    int digits = 6;
    while (frac % 10 == 0) {  // trailing zeros go
      frac /= 10;
      --digits;
    }
    for (int i = 0; i < digits; ++i) {
      *--p = char('0' + frac % 10);
      frac /= 10;
    }
  }
  *--p = '.';
  do {
    *--p = char('0' + u % 10);
    u /= 10;
  } while (u != 0);
  if (k < 0) *--p = '-';
  const auto n = size_t(end - p);
  std::memcpy(out, p, n);
  return out + n;
}

}  // namespace

bool append_micro_decimal(std::string& out, double v) {
  char buf[kMaxNumberChars];
  char* end = write_micro_decimal(buf, v);
  if (end == nullptr) return false;
  out.append(buf, end);
  return true;
}

char* write_double(char* p, double v) {
  if (!std::isfinite(v)) {
    std::memcpy(p, "null", 4);
    return p + 4;
  }
  if (char* end = write_micro_decimal(p, v)) return end;
  // fmt's shortest round-trip form (at most 24 characters), ".0" added to whole numbers.
  char* end = fmt::format_to(p, "{}", v);
  if (std::find_if(p, end, [](char c) { return c == '.' || c == 'e'; }) == end) {
    std::memcpy(end, ".0", 2);
    end += 2;
  }
  return end;
}

namespace {
constexpr size_t kMemberBytes = 96;  // a comma, a constant key and a number, on the stack
}  // namespace

template <typename Int>
JsonWriter& JsonWriter::append_member(std::string_view key, Int v) {
  if (1 + key.size() + kMaxNumberChars > kMemberBytes) return quoted_key(key).value(v);
  char buf[kMemberBytes];
  char* p = sep_at(buf);
  std::memcpy(p, key.data(), key.size());
  out_.append(buf, std::to_chars(p + key.size(), buf + sizeof buf, v).ptr);
  return *this;
}

JsonWriter& JsonWriter::member(std::string_view key, int64_t v) {
  return append_member(key, v);
}

JsonWriter& JsonWriter::member(std::string_view key, uint64_t v) {
  return append_member(key, v);
}

JsonWriter& JsonWriter::key(std::string_view k) {
  sep();
  append_json_string(out_, k);
  out_ += ':';
  need_comma_ = false;
  return *this;
}

JsonWriter& JsonWriter::value(std::string_view s) {
  sep();
  append_json_string(out_, s);
  return *this;
}

JsonWriter& JsonWriter::value(double v) {
  sep();
  // Formatted on the stack (a back_inserter into the string pushes one character at a time).
  char buf[kMaxNumberChars];
  out_.append(buf, write_double(buf, v));
  return *this;
}

JsonWriter& JsonWriter::value(bool v) {
  sep();
  out_ += v ? "true" : "false";
  return *this;
}

JsonWriter& JsonWriter::null() {
  sep();
  out_ += "null";
  return *this;
}

}  // namespace aiperf::exporter::detail
