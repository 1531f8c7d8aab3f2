// The Parquet reader (see parquet.h): footer and schema, then one column chunk at a time:
// pages -> decompressed bytes -> repetition/definition levels + values -> rows.
#include "aiperf/dataset/public/parquet.h"

#include <fcntl.h>
#include <snappy-c.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <algorithm>
#include <cstring>

#include "aiperf/common/error.h"
#include "aiperf/dataset/public/parquet_format.h"

namespace aiperf::dataset::parquet {

namespace {

constexpr int64_t kMaxPageBytes = int64_t(1) << 30;

uint32_t le32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;  // little-endian hosts only (x86-64, aarch64)
}

int bit_width(uint64_t max_value) {
  int w = 0;
  while (max_value) {
    ++w;
    max_value >>= 1;
  }
  return w;
}

/// The path from a top-level column down to its single leaf, with the levels it implies.
struct LeafPath {
  size_t leaf_index = 0;        // position among all leaves = column chunk index
  int32_t type = -1;            // physical type of the leaf
  int max_def = 0;              // definition level of a present leaf value
  int max_rep = 0;              // 0: flat column; 1: list
  int def_before_repeated = 0;  // list cells: def below this means a null list
  int def_at_repeated = 0;      // list cells: def below this (and >= above) means empty
};

struct Node {
  SchemaElement e;
  std::vector<size_t> children;  // indexes into Impl::nodes
  size_t first_leaf = 0;         // leaf index of its first leaf
  size_t leaves = 0;             // number of leaves below (1 for a leaf)
};

}  // namespace

struct File::Impl {
  std::string name;
  std::string_view bytes;
  void* map = nullptr;
  size_t map_len = 0;
  FileMetaData meta;
  std::vector<Node> nodes;  // nodes[0] is the root
  size_t total_leaves = 0;

  ~Impl() {
    if (map) munmap(map, map_len);
  }

  [[noreturn]] void fail(const std::string& why) const { throw InputError(name + ": " + why); }

  void parse_footer();
  size_t build(size_t index, size_t depth);
  LeafPath leaf_path(const std::string& column) const;
  void read_chunk(const ColumnChunk& c, const LeafPath& lp, int64_t rows, const std::string& col,
                  int64_t& budget, std::vector<Value>& out) const;
};

namespace {

// ---- decompression -----------------------------------------------------------------------

void decompress(const File::Impl& f, int32_t codec, std::string_view in, size_t out_size,
                std::string& out) {
  out.resize(out_size);
  switch (codec) {
    case kUncompressed:
      if (in.size() != out_size) f.fail("page sizes disagree for an uncompressed page");
      std::memcpy(out.data(), in.data(), out_size);
      return;
    case kSnappy: {
      size_t n = 0;
      if (snappy_uncompressed_length(in.data(), in.size(), &n) != SNAPPY_OK || n != out_size ||
          snappy_uncompress(in.data(), in.size(), out.data(), &n) != SNAPPY_OK || n != out_size) {
        f.fail("corrupt SNAPPY page");
      }
      return;
    }
    case kGzip: {
      z_stream z{};
      if (inflateInit2(&z, 15 + 32) != Z_OK) f.fail("zlib initialisation failed");
      z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
      z.avail_in = uInt(in.size());
      z.next_out = reinterpret_cast<Bytef*>(out.data());
      z.avail_out = uInt(out_size);
      int rc = Z_OK;
      // Concatenated gzip members are legal: keep inflating while input and room remain.
      while (rc == Z_OK || (rc == Z_STREAM_END && z.avail_in > 0 && z.avail_out > 0)) {
        if (rc == Z_STREAM_END && inflateReset(&z) != Z_OK) break;
        rc = inflate(&z, Z_FINISH);
        if (rc == Z_BUF_ERROR) break;
      }
      const bool ok = rc == Z_STREAM_END && z.avail_out == 0;
      inflateEnd(&z);
      if (!ok) f.fail("corrupt GZIP page");
      return;
    }
    case kZstd: {
      size_t n = ZSTD_decompress(out.data(), out_size, in.data(), in.size());
      if (ZSTD_isError(n) || n != out_size) f.fail("corrupt ZSTD page");
      return;
    }
    default:
      f.fail("compression codec " + std::to_string(codec) +
             " is not supported (only UNCOMPRESSED, SNAPPY, GZIP, ZSTD)");
  }
}

// ---- RLE / bit-packed hybrid ------------------------------------------------------------

/// Decodes `count` values of `width` bits from the hybrid encoding in `in` into `out`.
void decode_hybrid(const File::Impl& f, std::string_view in, int width, size_t count,
                   std::vector<uint32_t>& out) {
  out.clear();
  out.reserve(count);
  if (width == 0) {
    out.assign(count, 0);
    return;
  }
  if (width > 32) f.fail("bit width " + std::to_string(width) + " is too large");
  const uint8_t* p = reinterpret_cast<const uint8_t*>(in.data());
  const uint8_t* end = p + in.size();
  const size_t value_bytes = size_t(width + 7) / 8;
  while (out.size() < count) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (p == end) f.fail("truncated RLE data");
      if (shift > 35) f.fail("bad RLE run header");
      header |= uint64_t(*p & 0x7f) << shift;
      if (!(*p++ & 0x80)) break;
    }
    if (header & 1) {  // bit-packed groups of 8
      const uint64_t groups = header >> 1;
      const uint64_t nbytes = groups * uint64_t(width);
      if (nbytes > uint64_t(end - p)) f.fail("truncated bit-packed run");
      const uint64_t n = std::min<uint64_t>(groups * 8, count - out.size());
      for (uint64_t i = 0; i < n; ++i) {
        uint64_t bit = i * uint64_t(width);
        uint64_t v = 0;
        for (int b = 0; b < width; ++b, ++bit) {
          v |= uint64_t((p[bit >> 3] >> (bit & 7)) & 1) << b;
        }
        out.push_back(uint32_t(v));
      }
      p += nbytes;
    } else {  // one value repeated
      const uint64_t run = header >> 1;
      if (value_bytes > size_t(end - p)) f.fail("truncated RLE run");
      uint32_t v = 0;
      for (size_t b = 0; b < value_bytes; ++b) v |= uint32_t(p[b]) << (8 * b);
      p += value_bytes;
      out.insert(out.end(), size_t(std::min<uint64_t>(run, count - out.size())), v);
    }
  }
}

// ---- values -----------------------------------------------------------------------------

/// PLAIN values of a supported physical type: appends `count` scalars to `out`.
void decode_plain(const File::Impl& f, int32_t type, std::string_view in, size_t count,
                  std::vector<Value>& out) {
  const char* p = in.data();
  const char* end = p + in.size();
  for (size_t i = 0; i < count; ++i) {
    Value v;
    if (type == kByteArray) {
      if (end - p < 4) f.fail("truncated BYTE_ARRAY value");
      uint32_t n = le32(p);
      p += 4;
      if (n > size_t(end - p)) f.fail("BYTE_ARRAY value longer than its page");
      v.kind = Value::Kind::kBytes;
      v.bytes.assign(p, n);
      p += n;
    } else if (type == kDouble) {
      if (end - p < 8) f.fail("truncated DOUBLE value");
      v.kind = Value::Kind::kDouble;
      std::memcpy(&v.real, p, 8);
      p += 8;
    } else if (type == kInt32) {
      if (end - p < 4) f.fail("truncated INT32 value");
      v.kind = Value::Kind::kInt;
      v.integer = int32_t(le32(p));
      p += 4;
    } else {
      if (end - p < 8) f.fail("truncated INT64 value");
      int64_t x;
      std::memcpy(&x, p, 8);
      v.kind = Value::Kind::kInt;
      v.integer = x;
      p += 8;
    }
    out.push_back(std::move(v));
  }
}

}  // namespace

void File::Impl::read_chunk(const ColumnChunk& c, const LeafPath& lp, int64_t rows,
                            const std::string& col, int64_t& budget,
                            std::vector<Value>& out) const {
  const std::string where = "column '" + printable(col) + "': ";
  if (!c.has_meta) fail(where + "column chunk without metadata");
  if (c.type != lp.type) fail(where + "column chunk type disagrees with the schema");
  const int64_t file_size = int64_t(bytes.size());
  int64_t start = c.data_page_offset;
  if (c.dictionary_page_offset > 0 && c.dictionary_page_offset < start) {
    start = c.dictionary_page_offset;
  }
  if (start < 4 || start >= file_size || c.total_compressed_size <= 0 ||
      c.total_compressed_size > file_size - start) {
    fail(where + "column chunk lies outside the file");
  }
  if (c.num_values < 0 || c.num_values > 256 * file_size + 65536) {
    fail(where + "implausible value count " + std::to_string(c.num_values));
  }
  const std::string_view chunk = bytes.substr(size_t(start), size_t(c.total_compressed_size));
  const size_t first_row = out.size();
  std::vector<Value> dict;
  bool have_dict = false;
  int64_t values_seen = 0;
  size_t pos = 0;
  std::string page, levels_buf;
  std::vector<uint32_t> rep, def, idx;
  std::vector<Value> vals;
  std::vector<int64_t> ints;
  std::vector<std::string> texts;
  while (values_seen < c.num_values) {
    if (pos >= chunk.size()) fail(where + "column chunk ends before all its values");
    PageHeader h;
    pos += parse_page_header(name, chunk.substr(pos), h);
    if (h.compressed_size < 0 || h.uncompressed_size < 0 ||
        size_t(h.compressed_size) > chunk.size() - pos) {
      fail(where + "page size outside the column chunk");
    }
    const std::string_view body = chunk.substr(pos, size_t(h.compressed_size));
    pos += size_t(h.compressed_size);
    if (h.type == kIndexPage) continue;
    if (h.type != kDataPage && h.type != kDataPageV2 && h.type != kDictionaryPage) continue;
    if (!h.has_body || h.num_values < 0) fail(where + "page header without its page fields");
    if (int64_t(h.uncompressed_size) >
        std::min<int64_t>(kMaxPageBytes, int64_t(h.compressed_size) * 2048 + (1 << 20))) {
      fail(where + "implausible uncompressed page size " + std::to_string(h.uncompressed_size));
    }
    if (h.type == kDictionaryPage) {
      if (have_dict) fail(where + "second dictionary page");
      if (h.encoding != kPlain && h.encoding != kPlainDictionary) {
        fail(where + "dictionary page encoding " + std::to_string(h.encoding) + " is not PLAIN");
      }
      if (size_t(h.num_values) > size_t(h.uncompressed_size)) {
        fail(where + "dictionary larger than its page");
      }
      decompress(*this, c.codec, body, size_t(h.uncompressed_size), page);
      dict.reserve(size_t(h.num_values));
      decode_plain(*this, lp.type, page, size_t(h.num_values), dict);
      have_dict = true;
      continue;
    }
    if (h.num_values > c.num_values - values_seen) fail(where + "more values than the chunk says");
    const size_t n = size_t(h.num_values);
    // Levels and the values' bytes, by page version.
    std::string_view rep_bytes, def_bytes, value_bytes;
    if (h.type == kDataPageV2) {
      if (h.rep_levels_bytes < 0 || h.def_levels_bytes < 0 ||
          int64_t(h.rep_levels_bytes) + h.def_levels_bytes > int64_t(body.size()) ||
          int64_t(h.rep_levels_bytes) + h.def_levels_bytes > int64_t(h.uncompressed_size)) {
        fail(where + "level sizes outside the page");
      }
      const size_t lv = size_t(h.rep_levels_bytes) + size_t(h.def_levels_bytes);
      levels_buf.assign(body.data(), lv);
      rep_bytes = std::string_view(levels_buf).substr(0, size_t(h.rep_levels_bytes));
      def_bytes = std::string_view(levels_buf).substr(size_t(h.rep_levels_bytes));
      const size_t rest = size_t(h.uncompressed_size) - lv;
      if (h.is_compressed && c.codec != kUncompressed) {
        decompress(*this, c.codec, body.substr(lv), rest, page);
      } else {
        decompress(*this, kUncompressed, body.substr(lv), rest, page);
      }
      value_bytes = page;
    } else {
      decompress(*this, c.codec, body, size_t(h.uncompressed_size), page);
      std::string_view rest = page;
      auto take_levels = [&](std::string_view& dst) {
        if (rest.size() < 4) fail(where + "truncated level data");
        uint32_t len = le32(rest.data());
        if (len > rest.size() - 4) fail(where + "level data longer than the page");
        dst = rest.substr(4, len);
        rest = rest.substr(4 + size_t(len));
      };
      if (lp.max_rep > 0) take_levels(rep_bytes);
      if (lp.max_def > 0) take_levels(def_bytes);
      value_bytes = rest;
    }
    if (lp.max_rep > 0) {
      decode_hybrid(*this, rep_bytes, bit_width(uint64_t(lp.max_rep)), n, rep);
    } else {
      rep.assign(n, 0);
    }
    if (lp.max_def > 0) {
      decode_hybrid(*this, def_bytes, bit_width(uint64_t(lp.max_def)), n, def);
    } else {
      def.assign(n, 0);
    }
    size_t present = 0;
    for (size_t i = 0; i < n; ++i) {
      if (def[i] > uint32_t(lp.max_def) || rep[i] > uint32_t(lp.max_rep)) {
        fail(where + "level out of range");
      }
      present += def[i] == uint32_t(lp.max_def);
    }
    vals.clear();
    vals.reserve(present);
    // Dictionary and DELTA_BYTE_ARRAY values can expand far beyond their bytes: `budget` bounds
    // the text a column may decode to (see read_column).
    auto spend = [&](size_t bytes) {
      budget -= int64_t(bytes);
      if (budget < 0) {
        fail(where + "decodes to far more text than the file holds (over 64 MiB + 64x its size)");
      }
    };
    if (h.encoding == kPlain) {
      decode_plain(*this, lp.type, value_bytes, present, vals);
      spend(value_bytes.size());
    } else if (h.encoding == kPlainDictionary || h.encoding == kRleDictionary) {
      if (!have_dict) fail(where + "dictionary-encoded page without a dictionary");
      if (present > 0) {
        if (value_bytes.empty()) fail(where + "truncated dictionary indexes");
        decode_hybrid(*this, value_bytes.substr(1), uint8_t(value_bytes[0]), present, idx);
        for (uint32_t k : idx) {
          if (k >= dict.size()) fail(where + "dictionary index out of range");
          spend(dict[k].bytes.size());
          vals.push_back(dict[k]);
        }
      }
    } else if (h.encoding == kDeltaBinaryPacked && (lp.type == kInt32 || lp.type == kInt64)) {
      decode_delta_binary_packed(name, value_bytes, present, ints);
      for (int64_t x : ints) {
        Value v;
        v.kind = Value::Kind::kInt;
        v.integer = lp.type == kInt32 ? int64_t(int32_t(x)) : x;
        vals.push_back(std::move(v));
      }
    } else if ((h.encoding == kDeltaLengthByteArray || h.encoding == kDeltaByteArray) &&
               lp.type == kByteArray) {
      decode_delta_byte_arrays(name, value_bytes, present, h.encoding == kDeltaByteArray,
                               size_t(std::max<int64_t>(budget, 0)), texts);
      for (std::string& t : texts) {
        spend(t.size());
        Value v;
        v.kind = Value::Kind::kBytes;
        v.bytes = std::move(t);
        vals.push_back(std::move(v));
      }
    } else {
      fail(where + "value encoding " + std::to_string(h.encoding) +
           " is not supported for this column (PLAIN, dictionary, DELTA_BINARY_PACKED, "
           "DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY are)");
    }
    // Assemble rows.
    size_t vi = 0;
    for (size_t i = 0; i < n; ++i) {
      const int d = int(def[i]);
      Value v;
      if (d == lp.max_def) v = std::move(vals[vi++]);
      if (lp.max_rep == 0) {
        out.push_back(std::move(v));
        continue;
      }
      if (rep[i] == 0) {
        Value row;
        if (d >= lp.def_before_repeated) row.kind = Value::Kind::kList;
        if (d >= lp.def_at_repeated) row.items.push_back(std::move(v));
        out.push_back(std::move(row));
      } else {
        if (out.size() == first_row || out.back().kind != Value::Kind::kList) {
          fail(where + "list continuation without a list");
        }
        out.back().items.push_back(std::move(v));
      }
    }
    values_seen += h.num_values;
  }
  if (int64_t(out.size() - first_row) != rows) {
    fail(where + "row group has " + std::to_string(rows) + " rows but the column has " +
         std::to_string(out.size() - first_row));
  }
}

size_t File::Impl::build(size_t index, size_t depth) {
  if (depth > 64) fail("schema nested too deeply");
  Node& self = nodes[index];
  self.first_leaf = total_leaves;
  if (self.e.num_children == 0) {  // a leaf (a typeless one only fails when read)
    self.leaves = index == 0 ? 0 : 1;
    if (index != 0) ++total_leaves;
    return index + 1;
  }
  size_t next = index + 1;
  for (int32_t i = 0; i < self.e.num_children; ++i) {
    if (next >= nodes.size()) fail("schema: more children than elements");
    nodes[index].children.push_back(next);
    next = build(next, depth + 1);
  }
  nodes[index].leaves = total_leaves - nodes[index].first_leaf;
  return next;
}

void File::Impl::parse_footer() {
  if (bytes.size() < 12 || bytes.substr(0, 4) != "PAR1" ||
      bytes.substr(bytes.size() - 4) != "PAR1") {
    fail("not a Parquet file (no PAR1 magic at both ends)");
  }
  const uint32_t len = le32(bytes.data() + bytes.size() - 8);
  if (len > bytes.size() - 12) fail("footer length " + std::to_string(len) + " exceeds the file");
  meta = parse_file_metadata(name, bytes.substr(bytes.size() - 8 - len, len));
  if (meta.schema.empty()) fail("empty schema");
  nodes.clear();
  for (auto& e : meta.schema) nodes.push_back(Node{std::move(e), {}, 0, 0});
  meta.schema.clear();
  if (build(0, 0) != nodes.size()) fail("schema: elements left over after the tree");
  int64_t rows = 0;
  for (const auto& g : meta.row_groups) {
    if (g.columns.size() != total_leaves) fail("row group column count disagrees with the schema");
    if (g.num_rows < 0 || g.num_rows > int64_t(bytes.size()) * 256 + 65536) {
      fail("implausible row count " + std::to_string(g.num_rows));
    }
    rows += g.num_rows;
    if (rows > int64_t(bytes.size()) * 256 + 65536) fail("implausible row count");
  }
  meta.num_rows = rows;
}

LeafPath File::Impl::leaf_path(const std::string& column) const {
  const Node* top = nullptr;
  for (size_t c : nodes[0].children) {
    if (nodes[c].e.name == column) top = &nodes[c];
  }
  if (!top) fail("no column '" + printable(column) + "'");
  if (top->leaves != 1) {
    fail("column '" + printable(column) + "' is a nested group of " + std::to_string(top->leaves) +
         " fields; only flat columns and lists of scalars are supported");
  }
  LeafPath lp;
  lp.leaf_index = top->first_leaf;
  int def = 0, rep = 0;
  for (const Node* n = top;; n = &nodes[n->children[0]]) {
    if (n->e.repetition == kRepeated) {
      if (rep == 1) fail("column '" + printable(column) + "': lists of lists are not supported");
      lp.def_before_repeated = def;
      ++rep;
      ++def;
      lp.def_at_repeated = def;
    } else if (n->e.repetition == kOptional) {
      ++def;
    }
    if (n->children.empty()) {
      lp.type = n->e.type;
      break;
    }
  }
  lp.max_def = def;
  lp.max_rep = rep;
  if (lp.type != kByteArray && lp.type != kInt32 && lp.type != kInt64 && lp.type != kDouble) {
    fail("column '" + printable(column) + "' has physical type " + std::to_string(lp.type) +
         "; only BYTE_ARRAY, INT32, INT64 and DOUBLE are supported");
  }
  return lp;
}

// ---- File ------------------------------------------------------------------------------

std::string printable(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += ch;
    }
  }
  return out;
}

File::File(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
File::File(File&&) noexcept = default;
File& File::operator=(File&&) noexcept = default;
File::~File() = default;

File File::parse(std::string name, std::string_view bytes) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::move(name);
  impl->bytes = bytes;
  impl->parse_footer();
  return File(std::move(impl));
}

File File::open(const std::string& path) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputError(path + ": cannot open (" + std::strerror(errno) + ")");
  struct stat st {};
  if (fstat(fd, &st) != 0 || st.st_size < 0) {
    ::close(fd);
    throw InputError(path + ": cannot stat");
  }
  if (st.st_size > 0) {
    void* m = mmap(nullptr, size_t(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED) {
      ::close(fd);
      throw InputError(path + ": cannot map (" + std::strerror(errno) + ")");
    }
    impl->map = m;
    impl->map_len = size_t(st.st_size);
    impl->bytes = std::string_view(static_cast<const char*>(m), size_t(st.st_size));
  }
  ::close(fd);
  impl->parse_footer();
  return File(std::move(impl));
}

const std::string& File::name() const {
  return impl_->name;
}

int64_t File::num_rows() const {
  return impl_->meta.num_rows;
}

std::vector<std::string> File::columns() const {
  std::vector<std::string> out;
  for (size_t c : impl_->nodes[0].children) out.push_back(impl_->nodes[c].e.name);
  return out;
}

bool File::has_column(const std::string& name) const {
  for (size_t c : impl_->nodes[0].children) {
    if (impl_->nodes[c].e.name == name) return true;
  }
  return false;
}

const std::vector<std::pair<std::string, std::string>>& File::key_value_metadata() const {
  return impl_->meta.key_value;
}

std::vector<Value> File::read_column(const std::string& name) const {
  const LeafPath lp = impl_->leaf_path(name);
  std::vector<Value> out;
  int64_t budget = (int64_t(64) << 20) + 64 * int64_t(impl_->bytes.size());
  for (const auto& g : impl_->meta.row_groups) {
    impl_->read_chunk(g.columns[lp.leaf_index], lp, g.num_rows, name, budget, out);
  }
  return out;
}

}  // namespace aiperf::dataset::parquet
