// The parts of the Parquet footer and page headers the reader (parquet.cpp) uses, decoded from
// the Thrift compact protocol (parquet_format.cpp; unknown fields are skipped). The format's
// enumerations are shared with the writer (telemetry/parquet_writer.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aiperf::dataset::parquet {

enum PhysicalType : int32_t {
  kBoolean = 0,
  kInt32 = 1,
  kInt64 = 2,
  kInt96 = 3,
  kFloat = 4,
  kDouble = 5,
  kByteArray = 6,
  kFixedLenByteArray = 7,
};
enum Repetition : int32_t { kRequired = 0, kOptional = 1, kRepeated = 2 };
enum Codec : int32_t { kUncompressed = 0, kSnappy = 1, kGzip = 2, kZstd = 6 };
enum PageType : int32_t { kDataPage = 0, kIndexPage = 1, kDictionaryPage = 2, kDataPageV2 = 3 };
enum Encoding : int32_t {
  kPlain = 0,
  kPlainDictionary = 2,
  kRle = 3,
  kDeltaBinaryPacked = 5,
  kDeltaLengthByteArray = 6,
  kDeltaByteArray = 7,
  kRleDictionary = 8,
};

struct SchemaElement {
  int32_t type = -1;  // PhysicalType, -1 for groups
  int32_t repetition = kRequired;
  std::string name;
  int32_t num_children = 0;
};

struct ColumnChunk {
  int32_t type = -1;
  int32_t codec = kUncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = -1;
  int64_t dictionary_page_offset = -1;
  bool has_meta = false;
};

struct RowGroup {
  int64_t num_rows = 0;
  std::vector<ColumnChunk> columns;  // one per leaf, in schema order
};

struct FileMetaData {
  std::vector<SchemaElement> schema;  // depth-first, element 0 is the root
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value;  // key_value_metadata
};

struct PageHeader {
  int32_t type = -1;
  int32_t uncompressed_size = -1;
  int32_t compressed_size = -1;
  int32_t num_values = -1;  // from whichever page header is present
  int32_t encoding = -1;
  // data page v2 only
  int32_t def_levels_bytes = 0;
  int32_t rep_levels_bytes = 0;
  bool is_compressed = true;
  bool has_body = false;  // the type's sub-header was present
};

/// Decodes the footer; throws InputError("<name>: ...").
FileMetaData parse_file_metadata(const std::string& name, std::string_view bytes);

/// Decodes one page header at the start of `bytes`; returns its length in bytes.
size_t parse_page_header(const std::string& name, std::string_view bytes, PageHeader& out);

/// DELTA_BINARY_PACKED: decodes `count` integers from the start of `in` into `out` (64-bit
/// two's-complement arithmetic, as the format specifies) and returns the bytes it used.
/// Throws InputError("<name>: ...").
size_t decode_delta_binary_packed(const std::string& name, std::string_view in, size_t count,
                                  std::vector<int64_t>& out);

/// DELTA_LENGTH_BYTE_ARRAY (`prefixed` = false) or DELTA_BYTE_ARRAY (true): `count` byte
/// strings from `in`, at most `max_bytes` of text in all (more is an InputError).
void decode_delta_byte_arrays(const std::string& name, std::string_view in, size_t count,
                              bool prefixed, size_t max_bytes, std::vector<std::string>& out);

}  // namespace aiperf::dataset::parquet
