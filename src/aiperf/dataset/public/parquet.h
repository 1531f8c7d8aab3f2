// Private to the dataset stage: a small Parquet reader, enough for the Hugging Face Hub's
// auto-converted dataset files (public datasets, spec §4.6). It reads one top-level column at a
// time: a flat BYTE_ARRAY / INT32 / INT64 / DOUBLE column, or a list of such values (3-level LIST
// or legacy 2-level repeated). Other columns may be anything (structs, maps, deeper nesting): they
// are never decoded. Pages: data page v1 and v2, dictionary pages; encodings PLAIN,
// PLAIN_DICTIONARY / RLE_DICTIONARY and DELTA_* (parquet_delta.cpp), RLE / bit-packed levels;
// codecs UNCOMPRESSED, SNAPPY, GZIP, ZSTD. Every malformed input raises aiperf::InputError with
// one line naming the file; every length is checked against the bytes present, so no input
// crashes, hangs or allocates far beyond its own size.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aiperf::dataset::parquet {

/// One cell of a column (or one element of a list cell).
struct Value {
  enum class Kind : uint8_t { kNull, kBytes, kInt, kList, kDouble };
  Kind kind = Kind::kNull;
  std::string bytes;         // kBytes: the raw BYTE_ARRAY (UTF-8 text for string columns)
  int64_t integer = 0;       // kInt: INT32 or INT64
  double real = 0;           // kDouble: DOUBLE
  std::vector<Value> items;  // kList: the elements, each kNull or a scalar
};

/// A parsed file footer plus the bytes it describes. Reading is const and thread-compatible.
class File {
 public:
  /// Memory-maps `path` and parses its footer. Throws InputError.
  static File open(const std::string& path);
  /// Parses `bytes` (which must outlive the File); `name` is used in error messages.
  static File parse(std::string name, std::string_view bytes);

  File(File&&) noexcept;
  File& operator=(File&&) noexcept;
  ~File();

  const std::string& name() const;
  /// Rows in the file (the sum over its row groups).
  int64_t num_rows() const;
  /// Names of the top-level columns, in schema order.
  std::vector<std::string> columns() const;
  bool has_column(const std::string& name) const;
  /// Every row of top-level column `name`, in file order (num_rows() values). Throws
  /// InputError when the column is missing, of an unsupported shape or type, or malformed.
  std::vector<Value> read_column(const std::string& name) const;
  /// The footer's key/value metadata, in file order.
  const std::vector<std::pair<std::string, std::string>>& key_value_metadata() const;

  struct Impl;

 private:
  explicit File(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

/// `s` with control characters written as \xNN: names from a file, safe in one-line messages.
std::string printable(std::string_view s);

}  // namespace aiperf::dataset::parquet
