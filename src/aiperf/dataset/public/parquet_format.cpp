// Thrift compact protocol, read by hand for the few Parquet structures the reader needs
// (parquet.thrift field ids). Every count is bounded by the bytes left, nesting by a depth limit.
#include "aiperf/dataset/public/parquet_format.h"

#include "aiperf/common/error.h"

namespace aiperf::dataset::parquet {
namespace {

enum CType : uint8_t {
  kStop = 0,
  kTrue = 1,
  kFalse = 2,
  kByte = 3,
  kI16 = 4,
  kI32 = 5,
  kI64 = 6,
  kDouble = 7,
  kBinary = 8,
  kList = 9,
  kSet = 10,
  kMap = 11,
  kStruct = 12,
};

constexpr int kMaxDepth = 32;

class Reader {
 public:
  Reader(const std::string& name, std::string_view bytes, const char* what)
      : name_(name),
        what_(what),
        p_(bytes.data()),
        begin_(bytes.data()),
        end_(bytes.data() + bytes.size()) {}

  size_t consumed() const { return size_t(p_ - begin_); }
  size_t left() const { return size_t(end_ - p_); }

  [[noreturn]] void fail(const std::string& why) const {
    throw InputError(name_ + ": bad Parquet " + what_ + " (" + why + ")");
  }

  uint8_t byte() {
    if (p_ == end_) fail("truncated");
    return uint8_t(*p_++);
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = byte();
      v |= uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    fail("varint too long");
  }
  int64_t zigzag() {
    uint64_t v = varint();
    return int64_t(v >> 1) ^ -int64_t(v & 1);
  }
  int32_t i32() {
    int64_t v = zigzag();
    if (v < INT32_MIN || v > INT32_MAX) fail("i32 out of range");
    return int32_t(v);
  }
  std::string_view binary() {
    uint64_t n = varint();
    if (n > left()) fail("string longer than the data");
    std::string_view s(p_, size_t(n));
    p_ += n;
    return s;
  }
  /// List header: element type and count (count bounded by the bytes left).
  size_t list(uint8_t& elem_type) {
    uint8_t h = byte();
    elem_type = h & 0x0f;
    uint64_t n = h >> 4;
    if (n == 15) n = varint();
    if (n > left()) fail("list longer than the data");
    return size_t(n);
  }

  /// Iterates the fields of a struct: fn(id, type) must consume or skip each value.
  template <class Fn>
  void fields(Fn&& fn, int depth = 0) {
    if (depth > kMaxDepth) fail("nested too deeply");
    int16_t last = 0;
    for (;;) {
      uint8_t h = byte();
      if (h == kStop) return;
      uint8_t type = h & 0x0f;
      int16_t id;
      if (h >> 4) {
        id = int16_t(last + (h >> 4));
      } else {
        int64_t v = zigzag();
        if (v < INT16_MIN || v > INT16_MAX) fail("field id out of range");
        id = int16_t(v);
      }
      last = id;
      fn(id, type);
    }
  }

  bool boolean(uint8_t type) { return type == kTrue; }

  void skip(uint8_t type, int depth = 0) {
    if (depth > kMaxDepth) fail("nested too deeply");
    switch (type) {
      case kTrue:
      case kFalse:
        return;
      case kByte:
        byte();
        return;
      case kI16:
      case kI32:
      case kI64:
        varint();
        return;
      case kDouble:
        if (left() < 8) fail("truncated");
        p_ += 8;
        return;
      case kBinary:
        binary();
        return;
      case kList:
      case kSet: {
        uint8_t et;
        size_t n = list(et);
        for (size_t i = 0; i < n; ++i) {
          if (et == kTrue || et == kFalse) {
            byte();  // booleans inside containers take one byte each
          } else {
            skip(et, depth + 1);
          }
        }
        return;
      }
      case kMap: {
        uint64_t n = varint();
        if (n == 0) return;
        if (n > left()) fail("map longer than the data");
        uint8_t kv = byte();
        for (uint64_t i = 0; i < n; ++i) {
          skip(kv >> 4, depth + 1);
          skip(kv & 0x0f, depth + 1);
        }
        return;
      }
      case kStruct:
        fields([&](int16_t, uint8_t t) { skip(t, depth + 1); }, depth + 1);
        return;
      default:
        fail("unknown field type " + std::to_string(type));
    }
  }

  int32_t expect_i32(uint8_t type) {
    if (type != kI32) fail("expected an i32 field");
    return i32();
  }
  int64_t expect_i64(uint8_t type) {
    if (type != kI64 && type != kI32) fail("expected an i64 field");
    return zigzag();
  }

 private:
  const std::string& name_;
  const char* what_;
  const char* p_;
  const char* begin_;
  const char* end_;
};

SchemaElement schema_element(Reader& r) {
  SchemaElement e;
  bool has_type = false;
  r.fields([&](int16_t id, uint8_t t) {
    switch (id) {
      case 1:
        e.type = r.expect_i32(t);
        has_type = true;
        break;
      case 3:
        e.repetition = r.expect_i32(t);
        break;
      case 4:
        if (t != kBinary) r.fail("expected a string field");
        e.name = std::string(r.binary());
        break;
      case 5:
        e.num_children = r.expect_i32(t);
        break;
      default:
        r.skip(t);
    }
  });
  if (!has_type) e.type = -1;
  if (e.num_children < 0) r.fail("negative num_children");
  return e;
}

ColumnChunk column_meta(Reader& r) {
  ColumnChunk c;
  c.has_meta = true;
  r.fields([&](int16_t id, uint8_t t) {
    switch (id) {
      case 1:
        c.type = r.expect_i32(t);
        break;
      case 4:
        c.codec = r.expect_i32(t);
        break;
      case 5:
        c.num_values = r.expect_i64(t);
        break;
      case 7:
        c.total_compressed_size = r.expect_i64(t);
        break;
      case 9:
        c.data_page_offset = r.expect_i64(t);
        break;
      case 11:
        c.dictionary_page_offset = r.expect_i64(t);
        break;
      default:
        r.skip(t);
    }
  });
  return c;
}

ColumnChunk column_chunk(Reader& r) {
  ColumnChunk c;
  r.fields([&](int16_t id, uint8_t t) {
    if (id == 1 && t == kBinary) {
      r.binary();
      r.fail("column chunks in other files are not supported");
    }
    if (id == 3 && t == kStruct) {
      c = column_meta(r);
    } else {
      r.skip(t);
    }
  });
  return c;
}

std::pair<std::string, std::string> key_value(Reader& r) {
  std::pair<std::string, std::string> kv;
  r.fields([&](int16_t id, uint8_t t) {
    if ((id == 1 || id == 2) && t == kBinary) {
      (id == 1 ? kv.first : kv.second) = std::string(r.binary());
    } else {
      r.skip(t);
    }
  });
  return kv;
}

RowGroup row_group(Reader& r) {
  RowGroup g;
  r.fields([&](int16_t id, uint8_t t) {
    if (id == 1 && t == kList) {
      uint8_t et;
      size_t n = r.list(et);
      if (et != kStruct) r.fail("columns: expected structs");
      for (size_t i = 0; i < n; ++i) g.columns.push_back(column_chunk(r));
    } else if (id == 3) {
      g.num_rows = r.expect_i64(t);
    } else {
      r.skip(t);
    }
  });
  return g;
}

}  // namespace

FileMetaData parse_file_metadata(const std::string& name, std::string_view bytes) {
  Reader r(name, bytes, "footer");
  FileMetaData m;
  r.fields([&](int16_t id, uint8_t t) {
    if (id == 2 && t == kList) {
      uint8_t et;
      size_t n = r.list(et);
      if (et != kStruct) r.fail("schema: expected structs");
      for (size_t i = 0; i < n; ++i) m.schema.push_back(schema_element(r));
    } else if (id == 3) {
      m.num_rows = r.expect_i64(t);
    } else if (id == 4 && t == kList) {
      uint8_t et;
      size_t n = r.list(et);
      if (et != kStruct) r.fail("row_groups: expected structs");
      for (size_t i = 0; i < n; ++i) m.row_groups.push_back(row_group(r));
    } else if (id == 5 && t == kList) {
      uint8_t et;
      size_t n = r.list(et);
      if (et != kStruct) r.fail("key_value_metadata: expected structs");
      for (size_t i = 0; i < n; ++i) m.key_value.push_back(key_value(r));
    } else {
      r.skip(t);
    }
  });
  return m;
}

size_t parse_page_header(const std::string& name, std::string_view bytes, PageHeader& h) {
  Reader r(name, bytes, "page header");
  auto sub = [&](uint8_t t, bool v2) {
    if (t != kStruct) r.fail("expected a struct");
    h.has_body = true;
    r.fields([&](int16_t id, uint8_t ft) {
      if (id == 1) {
        h.num_values = r.expect_i32(ft);
      } else if (!v2 && id == 2) {
        h.encoding = r.expect_i32(ft);
      } else if (v2 && id == 4) {
        h.encoding = r.expect_i32(ft);
      } else if (v2 && id == 5) {
        h.def_levels_bytes = r.expect_i32(ft);
      } else if (v2 && id == 6) {
        h.rep_levels_bytes = r.expect_i32(ft);
      } else if (v2 && id == 7 && (ft == kTrue || ft == kFalse)) {
        h.is_compressed = r.boolean(ft);
      } else {
        r.skip(ft);
      }
    });
  };
  r.fields([&](int16_t id, uint8_t t) {
    switch (id) {
      case 1:
        h.type = r.expect_i32(t);
        break;
      case 2:
        h.uncompressed_size = r.expect_i32(t);
        break;
      case 3:
        h.compressed_size = r.expect_i32(t);
        break;
      case 5:  // DataPageHeader
      case 7:  // DictionaryPageHeader: num_values (1) and encoding (2), like a v1 data page
        if ((id == 5 && h.type == kDataPage) || (id == 7 && h.type == kDictionaryPage)) {
          sub(t, false);
        } else {
          r.skip(t);
        }
        break;
      case 8:
        if (h.type == kDataPageV2) {
          sub(t, true);
        } else {
          r.skip(t);
        }
        break;
      default:
        r.skip(t);
    }
  });
  return r.consumed();
}

}  // namespace aiperf::dataset::parquet
