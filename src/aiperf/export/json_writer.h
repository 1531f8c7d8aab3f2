// A small append-only JSON writer for the per-record files, where nlohmann's DOM costs ~100 us
// per record with a 100-value inter-chunk list; this costs a few. Private to the export stage.
#pragma once
#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/common/json_string.h"

namespace aiperf::exporter::detail {

/// Room write_double() and write_int() may take.
inline constexpr size_t kMaxNumberChars = 32;
/// Writes v at p as JsonWriter::value(double) appends it; returns the end.
char* write_double(char* p, double v);
/// Writes v at p in decimal; returns the end.
inline char* write_int(char* p, int64_t v) {
  return std::to_chars(p, p + kMaxNumberChars, v).ptr;
}

class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& begin_object() { return open('{'); }
  JsonWriter& end_object() { return close('}'); }
  JsonWriter& begin_array() { return open('['); }
  JsonWriter& end_array() { return close(']'); }
  /// Object key (escaped); the next value follows without a comma.
  JsonWriter& key(std::string_view k);
  /// Object key already written as JSON with its colon (`"session_num":`): constant keys of
  /// the per-record files, appended without escaping.
  JsonWriter& quoted_key(std::string_view k) {
    sep();
    out_ += k;
    need_comma_ = false;
    return *this;
  }
  JsonWriter& value(std::string_view s);  // escaped JSON string; invalid UTF-8 -> U+FFFD
  JsonWriter& value(const char* s) { return value(std::string_view(s)); }
  JsonWriter& value(int64_t v) {
    sep();
    char buf[kMaxNumberChars];
    out_.append(buf, write_int(buf, v));
    return *this;
  }
  /// A constant key already written as JSON with its colon (quoted_key()) and its value, in one
  /// append.
  JsonWriter& member(std::string_view quoted_key, int64_t v);
  JsonWriter& member(std::string_view quoted_key, uint64_t v);
  JsonWriter& member(std::string_view quoted_key, uint32_t v) {
    return member(quoted_key, static_cast<uint64_t>(v));
  }
  JsonWriter& value(uint64_t v) {
    sep();
    char buf[24];
    out_.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
    return *this;
  }
  JsonWriter& value(int v) { return value(static_cast<int64_t>(v)); }
  JsonWriter& value(uint32_t v) { return value(static_cast<uint64_t>(v)); }
  /// Shortest round-trip form with a ".0" on whole numbers (Python's repr); non-finite -> null.
  JsonWriter& value(double v);
  JsonWriter& value(bool v);
  JsonWriter& null();
  /// Already-serialized JSON (a value, or a whole `"key":value` member), inserted verbatim.
  JsonWriter& raw(std::string_view json) {
    sep();
    out_ += json;
    return *this;
  }
  /// Writes at p the separator the next item takes (a comma, or nothing), as raw() would append
  /// it, and returns the end: an item composed on the stack after it goes out in one append().
  char* sep_at(char* p) {
    if (need_comma_) *p++ = ',';
    need_comma_ = true;
    return p;
  }
  /// Text that sep_at() began, appended verbatim.
  JsonWriter& append(std::string_view text) {
    out_ += text;
    return *this;
  }
  /// After raw() text that ended in an object key (`"k":` or `"k":{"v":`): the next value
  /// follows without a comma.
  void after_key() { need_comma_ = false; }
  /// Already-serialized text that closes what is open (`,"unit":"ms"}`), appended verbatim;
  /// the next item takes a comma.
  JsonWriter& raw_end(std::string_view json) {
    out_ += json;
    need_comma_ = true;
    return *this;
  }

 private:
  JsonWriter& open(char bracket) {
    sep();
    out_ += bracket;
    need_comma_ = false;
    return *this;
  }
  JsonWriter& close(char bracket) {
    out_ += bracket;
    need_comma_ = true;
    return *this;
  }
  template <typename Int>
  JsonWriter& append_member(std::string_view quoted_key, Int v);
  void sep() {
    if (need_comma_) out_ += ',';
    need_comma_ = true;
  }
  std::string& out_;
  bool need_comma_ = false;
};

using ::aiperf::append_json_string;  // common/json_string.h

/// Appends v as JsonWriter::value(double) writes it (fmt's shortest round-trip form) when v is
/// exactly k / 1e6 for an integer 1,000 <= |k| < 10^15 — a nanosecond count in milliseconds —
/// or +0.0, without the general algorithm; false (nothing appended) for any other value.
bool append_micro_decimal(std::string& out, double v);

}  // namespace aiperf::exporter::detail
