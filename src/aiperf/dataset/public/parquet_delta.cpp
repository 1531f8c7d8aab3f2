// Parquet's DELTA encodings (parquet-format Encodings.md): DELTA_BINARY_PACKED integers and the
// two byte-array encodings built on it. Writers use them for data page v2 without a dictionary
// (arrow-rs, DuckDB). Every count and width is checked against the bytes present.
#include <algorithm>

#include "aiperf/common/error.h"
#include "aiperf/dataset/public/parquet_format.h"

namespace aiperf::dataset::parquet {
namespace {

struct Cursor {
  const std::string& name;
  const uint8_t* p;
  const uint8_t* end;

  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(name + ": bad DELTA data (" + why + ")");
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p == end) fail("truncated");
      const uint8_t b = *p++;
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail("varint too long");
  }
  int64_t zigzag() {
    const uint64_t v = varint();
    return int64_t(v >> 1) ^ -int64_t(v & 1);
  }
};

}  // namespace

size_t decode_delta_binary_packed(const std::string& name, std::string_view in, size_t count,
                                  std::vector<int64_t>& out) {
  const auto* begin = reinterpret_cast<const uint8_t*>(in.data());
  Cursor c{name, begin, begin + in.size()};
  const uint64_t block_size = c.varint();
  const uint64_t miniblocks = c.varint();
  const uint64_t total = c.varint();
  if (block_size == 0 || block_size % 128 != 0 || block_size > (1u << 20)) {
    c.fail("block size " + std::to_string(block_size));
  }
  if (miniblocks == 0 || block_size % miniblocks != 0 || (block_size / miniblocks) % 32 != 0) {
    c.fail("miniblock count " + std::to_string(miniblocks));
  }
  if (total < count) c.fail("fewer values than the page holds");
  const uint64_t per_mini = block_size / miniblocks;
  uint64_t value = uint64_t(c.zigzag());
  out.clear();
  out.reserve(count);
  if (count > 0) out.push_back(int64_t(value));
  std::vector<uint8_t> widths(miniblocks);
  while (out.size() < count) {
    const uint64_t min_delta = uint64_t(c.zigzag());
    if (uint64_t(c.end - c.p) < miniblocks) c.fail("truncated block header");
    for (uint64_t m = 0; m < miniblocks; ++m) widths[m] = *c.p++;
    for (uint64_t m = 0; m < miniblocks && out.size() < count; ++m) {
      const unsigned w = widths[m];
      if (w > 64) c.fail("bit width " + std::to_string(w));
      const uint64_t bytes = per_mini * w / 8;
      if (bytes > uint64_t(c.end - c.p)) c.fail("truncated miniblock");
      const uint64_t take = std::min<uint64_t>(per_mini, count - out.size());
      for (uint64_t i = 0; i < take; ++i) {
        uint64_t delta = 0;
        uint64_t bit = i * w;
        for (unsigned b = 0; b < w; ++b, ++bit) {
          delta |= uint64_t((c.p[bit >> 3] >> (bit & 7)) & 1) << b;
        }
        value += min_delta + delta;
        out.push_back(int64_t(value));
      }
      c.p += bytes;
    }
  }
  return size_t(c.p - begin);
}

void decode_delta_byte_arrays(const std::string& name, std::string_view in, size_t count,
                              bool prefixed, size_t max_bytes, std::vector<std::string>& out) {
  size_t total = 0;
  std::vector<int64_t> prefix, suffix;
  size_t pos = 0;
  if (prefixed) pos += decode_delta_binary_packed(name, in, count, prefix);
  pos += decode_delta_binary_packed(name, in.substr(pos), count, suffix);
  out.clear();
  out.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    const int64_t pre = prefixed ? prefix[i] : 0;
    const int64_t len = suffix[i];
    if (pre < 0 || len < 0 || uint64_t(len) > in.size() - pos) {
      throw InputError(name + ": bad DELTA data (a length outside the page)");
    }
    if (pre > 0 && (i == 0 || uint64_t(pre) > out.back().size())) {
      throw InputError(name + ": bad DELTA data (a prefix longer than the previous value)");
    }
    total += size_t(pre) + size_t(len);
    if (total > max_bytes) {
      throw InputError(name +
                       ": DELTA_BYTE_ARRAY values decode to far more text than the file "
                       "holds");
    }
    std::string v = pre > 0 ? out.back().substr(0, size_t(pre)) : std::string();
    v.append(in.data() + pos, size_t(len));
    pos += size_t(len);
    out.push_back(std::move(v));
  }
}

}  // namespace aiperf::dataset::parquet
