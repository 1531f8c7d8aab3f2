// The byte format of the messages between ranks: LEB128 varints (zigzag for signed values),
// length-prefixed strings, IEEE doubles as 8 little-endian bytes. ByteReader never reads past
// its input: a short or malformed message sets ok() false and every later read returns zero.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace aiperf::cluster {

class ByteWriter {
 public:
  explicit ByteWriter(std::string& out) : out_(out) {}
  void u64(uint64_t v) {
    while (v >= 0x80) {
      out_.push_back(char(uint8_t(v) | 0x80));
      v >>= 7;
    }
    out_.push_back(char(uint8_t(v)));
  }
  void i64(int64_t v) { u64((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }
  void f64(double v) {
    uint64_t b;
    std::memcpy(&b, &v, 8);
    for (int i = 0; i < 8; ++i) out_.push_back(char(uint8_t(b >> (8 * i))));
  }
  void str(std::string_view s) {
    u64(s.size());
    out_.append(s);
  }
  void boolean(bool b) { out_.push_back(b ? 1 : 0); }

 private:
  std::string& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : p_(in.data()), end_(in.data() + in.size()) {}
  bool ok() const { return ok_; }
  bool at_end() const { return p_ == end_; }
  size_t remaining() const { return size_t(end_ - p_); }

  uint64_t u64() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return fail();
      uint8_t b = uint8_t(*p_++);
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail();
  }
  int64_t i64() {
    uint64_t z = u64();
    return int64_t(z >> 1) ^ -int64_t(z & 1);
  }
  double f64() {
    if (remaining() < 8) return double(fail());
    uint64_t b = 0;
    for (int i = 0; i < 8; ++i) b |= uint64_t(uint8_t(p_[i])) << (8 * i);
    p_ += 8;
    double v;
    std::memcpy(&v, &b, 8);
    return v;
  }
  std::string_view str() {
    uint64_t n = u64();
    if (!ok_ || n > remaining()) return fail(), std::string_view();
    std::string_view s(p_, size_t(n));
    p_ += n;
    return s;
  }
  bool boolean() {
    if (p_ == end_) return fail() != 0;
    char c = *p_++;
    if (c != 0 && c != 1) return fail() != 0;
    return c == 1;
  }
  /// A count of items that each need at least `min_bytes` (guards allocations by a hostile
  /// count).
  size_t count(size_t min_bytes = 1) {
    uint64_t n = u64();
    if (!ok_ || n > remaining() / (min_bytes ? min_bytes : 1)) return size_t(fail());
    return size_t(n);
  }

 private:
  uint64_t fail() {
    ok_ = false;
    p_ = end_;
    return 0;
  }
  const char* p_;
  const char* end_;
  bool ok_ = true;
};

}  // namespace aiperf::cluster
