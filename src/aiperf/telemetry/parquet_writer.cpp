// Parquet writer: column buffers per row group, one PLAIN data page per column chunk, the footer
// encoded by hand in the Thrift compact protocol (parquet.thrift field ids).
#include "aiperf/telemetry/parquet_writer.h"

#include <snappy-c.h>
#include <zstd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "aiperf/dataset/public/parquet_format.h"

namespace aiperf::telemetry {
namespace pq = dataset::parquet;
namespace {

enum CType : uint8_t { kI32 = 5, kI64 = 6, kBinary = 8, kList = 9, kStruct = 12 };
constexpr int32_t kConvertedUtf8 = 0;
constexpr char kMagic[] = "PAR1";

/// Thrift compact protocol, writing side: structs, fields, i32/i64, strings, lists.
class Compact {
 public:
  std::string out;

  void begin() { last_.push_back(0); }
  void end() {
    out += '\0';
    last_.pop_back();
  }
  void i32(int16_t id, int32_t v) {
    field(id, kI32);
    zigzag(v);
  }
  void i64(int16_t id, int64_t v) {
    field(id, kI64);
    zigzag(v);
  }
  void str(int16_t id, std::string_view s) {
    field(id, kBinary);
    binary(s);
  }
  /// A struct field: its fields follow, then end().
  void strct(int16_t id) {
    field(id, kStruct);
    begin();
  }
  void list(int16_t id, uint8_t elem, size_t n) {
    field(id, kList);
    list_header(elem, n);
  }
  void binary(std::string_view s) {
    varint(s.size());
    out += s;
  }
  void list_header(uint8_t elem, size_t n) {
    if (n < 15) {
      out += char((n << 4) | elem);
    } else {
      out += char(0xf0 | elem);
      varint(n);
    }
  }
  void zigzag(int64_t v) { varint((uint64_t(v) << 1) ^ uint64_t(v >> 63)); }

 private:
  void field(int16_t id, uint8_t type) {
    int16_t& last = last_.back();
    const int delta = id - last;
    if (delta > 0 && delta <= 15) {
      out += char((delta << 4) | type);
    } else {
      out += char(type);
      zigzag(id);
    }
    last = id;
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      out += char((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out += char(v);
  }
  std::vector<int16_t> last_;
};

void put_le(std::string& out, const void* p, size_t n) {
  out.append(static_cast<const char*>(p), n);  // the machine is little-endian (x86-64, arm64)
}

/// Definition levels of bit width 1 as RLE runs (the RLE / bit-packing hybrid), with the 4-byte
/// length prefix of a v1 data page.
std::string encode_levels(const std::vector<uint8_t>& levels) {
  std::string runs;
  for (size_t i = 0; i < levels.size();) {
    size_t j = i;
    while (j < levels.size() && levels[j] == levels[i]) ++j;
    uint64_t header = uint64_t(j - i) << 1;
    while (header >= 0x80) {
      runs += char((header & 0x7f) | 0x80);
      header >>= 7;
    }
    runs += char(header);
    runs += char(levels[i]);
    i = j;
  }
  std::string out;
  const uint32_t n = uint32_t(runs.size());
  put_le(out, &n, 4);
  return out + runs;
}

std::string compress(ParquetCodec codec, const std::string& in) {
  std::string out;
  if (codec == ParquetCodec::kSnappy) {
    size_t n = snappy_max_compressed_length(in.size());
    out.resize(n);
    if (snappy_compress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK) {
      throw std::runtime_error("snappy compression failed");
    }
    out.resize(n);
  } else {
    out.resize(ZSTD_compressBound(in.size()));
    size_t n = ZSTD_compress(out.data(), out.size(), in.data(), in.size(), 3);
    if (ZSTD_isError(n)) throw std::runtime_error("zstd compression failed");
    out.resize(n);
  }
  return out;
}

int32_t codec_id(ParquetCodec c) {
  switch (c) {
    case ParquetCodec::kSnappy:
      return pq::kSnappy;
    case ParquetCodec::kZstd:
      return pq::kZstd;
    default:
      return pq::kUncompressed;
  }
}

int32_t physical_type(ParquetType t) {
  switch (t) {
    case ParquetType::kInt64:
      return pq::kInt64;
    case ParquetType::kDouble:
      return pq::kDouble;
    default:
      return pq::kByteArray;
  }
}

}  // namespace

ParquetWriter::ParquetWriter(std::string path, std::vector<ParquetColumn> columns,
                             ParquetCodec codec, size_t rows_per_group)
    : path_(std::move(path)),
      columns_(std::move(columns)),
      codec_(codec),
      rows_per_group_(rows_per_group ? rows_per_group : 1),
      buffers_(columns_.size()) {
  f_ = std::fopen(path_.c_str(), "wb");
  if (!f_) throw std::runtime_error("cannot write " + path_ + " (" + std::strerror(errno) + ")");
  write_bytes(std::string(kMagic, 4));
}

ParquetWriter::~ParquetWriter() {
  if (f_) std::fclose(f_);
}

void ParquetWriter::write_bytes(const std::string& bytes) {
  if (std::fwrite(bytes.data(), 1, bytes.size(), f_) != bytes.size()) {
    throw std::runtime_error("cannot write " + path_ + " (" + std::strerror(errno) + ")");
  }
  offset_ += int64_t(bytes.size());
}

void ParquetWriter::cell(size_t column, ParquetType type) {
  if (column >= columns_.size() || columns_[column].type != type || buffers_[column].set) {
    throw std::logic_error("parquet writer: bad cell for column " + std::to_string(column));
  }
  buffers_[column].set = true;
  if (columns_[column].nullable) buffers_[column].def_levels.push_back(1);
}

void ParquetWriter::set_string(size_t column, std::string_view v) {
  cell(column, ParquetType::kString);
  const uint32_t n = uint32_t(v.size());
  put_le(buffers_[column].values, &n, 4);
  buffers_[column].values += v;
}

void ParquetWriter::set_int64(size_t column, int64_t v) {
  cell(column, ParquetType::kInt64);
  put_le(buffers_[column].values, &v, 8);
}

void ParquetWriter::set_double(size_t column, double v) {
  cell(column, ParquetType::kDouble);
  put_le(buffers_[column].values, &v, 8);
}

void ParquetWriter::end_row() {
  for (size_t c = 0; c < columns_.size(); ++c) {
    Buffer& b = buffers_[c];
    if (!b.set) {
      if (!columns_[c].nullable) {
        throw std::logic_error("parquet writer: no value for required column " + columns_[c].name);
      }
      b.def_levels.push_back(0);
    }
    b.set = false;
  }
  ++rows_total_;
  if (++group_rows_ >= rows_per_group_) flush_group();
}

ParquetWriter::Chunk ParquetWriter::write_chunk(size_t column) {
  Buffer& b = buffers_[column];
  std::string body = columns_[column].nullable ? encode_levels(b.def_levels) : std::string();
  body += b.values;
  const std::string page = codec_ == ParquetCodec::kUncompressed ? body : compress(codec_, body);
  Compact h;
  h.begin();
  h.i32(1, pq::kDataPage);
  h.i32(2, int32_t(body.size()));
  h.i32(3, int32_t(page.size()));
  h.strct(5);  // DataPageHeader
  h.i32(1, int32_t(group_rows_));
  h.i32(2, pq::kPlain);
  h.i32(3, pq::kRle);
  h.i32(4, pq::kRle);
  h.end();
  h.end();
  Chunk c;
  c.offset = offset_;
  c.num_values = int64_t(group_rows_);
  c.uncompressed = int64_t(h.out.size() + body.size());
  c.compressed = int64_t(h.out.size() + page.size());
  write_bytes(h.out);
  write_bytes(page);
  b.values.clear();
  b.def_levels.clear();
  return c;
}

void ParquetWriter::flush_group() {
  if (group_rows_ == 0) return;
  Group g;
  g.rows = int64_t(group_rows_);
  g.offset = offset_;
  for (size_t c = 0; c < columns_.size(); ++c) {
    g.chunks.push_back(write_chunk(c));
    g.bytes += g.chunks.back().uncompressed;
    g.compressed += g.chunks.back().compressed;
  }
  groups_.push_back(std::move(g));
  group_rows_ = 0;
}

void ParquetWriter::finish(const std::vector<std::pair<std::string, std::string>>& kv,
                           const std::string& created_by) {
  flush_group();
  Compact m;
  m.begin();
  m.i32(1, 2);  // format version 2
  m.list(2, kStruct, columns_.size() + 1);
  m.begin();  // the root
  m.str(4, "schema");
  m.i32(5, int32_t(columns_.size()));
  m.end();
  for (const ParquetColumn& col : columns_) {
    m.begin();
    m.i32(1, physical_type(col.type));
    m.i32(3, col.nullable ? pq::kOptional : pq::kRequired);
    m.str(4, col.name);
    if (col.type == ParquetType::kString) {
      m.i32(6, kConvertedUtf8);
      m.strct(10);  // LogicalType: STRING (an empty struct in field 1 of the union)
      m.strct(1);
      m.end();
      m.end();
    }
    m.end();
  }
  m.i64(3, rows_total_);
  m.list(4, kStruct, groups_.size());
  for (const Group& g : groups_) {
    m.begin();
    m.list(1, kStruct, g.chunks.size());
    for (size_t c = 0; c < g.chunks.size(); ++c) {
      const Chunk& ch = g.chunks[c];
      const bool levels = columns_[c].nullable;
      m.begin();
      m.i64(2, ch.offset);  // file_offset
      m.strct(3);           // ColumnMetaData
      m.i32(1, physical_type(columns_[c].type));
      m.list(2, kI32, levels ? 2 : 1);
      m.zigzag(pq::kPlain);
      if (levels) m.zigzag(pq::kRle);
      m.list(3, kBinary, 1);
      m.binary(columns_[c].name);
      m.i32(4, codec_id(codec_));
      m.i64(5, ch.num_values);
      m.i64(6, ch.uncompressed);
      m.i64(7, ch.compressed);
      m.i64(9, ch.offset);  // data_page_offset
      m.end();
      m.end();
    }
    m.i64(2, g.bytes);
    m.i64(3, g.rows);
    m.i64(5, g.offset);
    m.i64(6, g.compressed);
    m.end();
  }
  m.list(5, kStruct, kv.size());
  for (const auto& [k, v] : kv) {
    m.begin();
    m.str(1, k);
    m.str(2, v);
    m.end();
  }
  m.str(6, created_by);
  m.end();
  const uint32_t n = uint32_t(m.out.size());
  std::string tail = m.out;
  put_le(tail, &n, 4);
  tail.append(kMagic, 4);
  write_bytes(tail);
  const bool ok = std::fclose(f_) == 0;
  f_ = nullptr;
  if (!ok) throw std::runtime_error("cannot write " + path_ + " (" + std::strerror(errno) + ")");
}

}  // namespace aiperf::telemetry
