// A small Parquet writer (format 2.x files any Parquet reader opens): flat columns of strings
// (BYTE_ARRAY, logical type STRING), INT64 or DOUBLE, required or nullable; PLAIN encoding,
// definition levels RLE-encoded, one data page (v1) per column chunk, a row group every
// `rows_per_group` rows, pages uncompressed or compressed with Snappy or Zstandard; the footer
// in the Thrift compact protocol with the file's key/value metadata. Physical types, codecs and
// encodings are the reader's (dataset/public/parquet_format.h); the reader reads these files back.
//
// Memory: one row group of values is buffered. Threading: one writer per thread.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aiperf::telemetry {

enum class ParquetType : uint8_t { kString, kInt64, kDouble };
enum class ParquetCodec : uint8_t { kUncompressed, kSnappy, kZstd };

struct ParquetColumn {
  std::string name;
  ParquetType type = ParquetType::kString;
  bool nullable = true;
};

class ParquetWriter {
 public:
  /// Creates `path`; throws std::runtime_error naming it when it cannot be written.
  ParquetWriter(std::string path, std::vector<ParquetColumn> columns, ParquetCodec codec,
                size_t rows_per_group = 10'000);
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  // One row: set the cells of the row (each at most once; unset nullable cells are null,
  // an unset required cell is a std::logic_error at end_row()), then end_row().
  void set_string(size_t column, std::string_view v);
  void set_int64(size_t column, int64_t v);
  void set_double(size_t column, double v);
  void end_row();

  /// Writes the last row group and the footer, closes the file. Throws std::runtime_error.
  void finish(const std::vector<std::pair<std::string, std::string>>& key_value_metadata,
              const std::string& created_by);
  int64_t rows() const { return rows_total_; }

 private:
  struct Chunk {  // a column chunk's place in the file
    int64_t offset = 0, compressed = 0, uncompressed = 0, num_values = 0;
  };
  struct Buffer {
    std::string values;               // PLAIN-encoded values of the row group
    std::vector<uint8_t> def_levels;  // 1 = present, 0 = null (nullable columns)
    bool set = false;                 // set in the current row
  };
  void cell(size_t column, ParquetType type);
  void flush_group();
  Chunk write_chunk(size_t column);
  void write_bytes(const std::string& bytes);

  std::string path_;
  std::vector<ParquetColumn> columns_;
  ParquetCodec codec_;
  size_t rows_per_group_;
  std::FILE* f_ = nullptr;
  int64_t offset_ = 0;
  size_t group_rows_ = 0;
  int64_t rows_total_ = 0;
  std::vector<Buffer> buffers_;
  struct Group {
    int64_t rows = 0, bytes = 0, compressed = 0, offset = 0;
    std::vector<Chunk> chunks;
  };
  std::vector<Group> groups_;
};

}  // namespace aiperf::telemetry
