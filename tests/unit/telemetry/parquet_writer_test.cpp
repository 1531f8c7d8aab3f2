// The Parquet writer: exact bytes of a tiny file, and files read back by the dataset stage's
// reader (every codec, several row groups, nulls, key/value metadata).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "aiperf/dataset/public/parquet.h"
#include "aiperf/telemetry/parquet_writer.h"

namespace aiperf::telemetry {
namespace {

namespace fs = std::filesystem;
using dataset::parquet::File;
using dataset::parquet::Value;

std::string temp_path(const std::string& name) {
  return (fs::temp_directory_path() /
          ("aiperf_pq_" + std::to_string(::getpid()) + "_" + name + ".parquet"))
      .string();
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s += char(x);
  return s;
}

TEST(ParquetWriter, TinyFileByteLayout) {
  const std::string path = temp_path("tiny");
  {
    ParquetWriter w(path, {{"a", ParquetType::kInt64, false}, {"s", ParquetType::kString, true}},
                    ParquetCodec::kUncompressed);
    w.set_int64(0, 1);
    w.set_string(1, "x");
    w.end_row();
    w.set_int64(0, 2);
    w.end_row();
    w.set_int64(0, 3);
    w.end_row();
    w.finish({{"k", "v"}}, "t");
  }
  const std::string f = slurp(path);
  fs::remove(path);
  ASSERT_GT(f.size(), 12u);
  EXPECT_EQ(f.substr(0, 4), "PAR1");
  EXPECT_EQ(f.substr(f.size() - 4), "PAR1");
  // Column a: page header (type DATA_PAGE, 24 bytes uncompressed and compressed, a v1 data
  // page header: 3 values, PLAIN, RLE levels), then three little-endian INT64 values.
  const std::string page_a = bytes({0x15, 0x00, 0x15, 0x30, 0x15, 0x30, 0x2c, 0x15, 0x06, 0x15,
                                    0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00});
  std::string values_a;
  for (int64_t v : {1, 2, 3}) values_a.append(reinterpret_cast<const char*>(&v), 8);
  ASSERT_EQ(f.substr(4, page_a.size()), page_a);
  EXPECT_EQ(f.substr(4 + page_a.size(), 24), values_a);
  // Column s: definition levels 1,0,0 as two RLE runs behind their 4-byte length, then "x".
  const size_t s_at = 4 + page_a.size() + 24;
  const std::string page_s = bytes({0x15, 0x00, 0x15, 0x1a, 0x15, 0x1a, 0x2c, 0x15, 0x06, 0x15,
                                    0x00, 0x15, 0x06, 0x15, 0x06, 0x00, 0x00});
  ASSERT_EQ(f.substr(s_at, page_s.size()), page_s);
  EXPECT_EQ(f.substr(s_at + page_s.size(), 13),
            bytes({4, 0, 0, 0, 0x02, 0x01, 0x04, 0x00, 1, 0, 0, 0, 'x'}));
  // The footer's length, then the magic.
  const size_t footer_at = s_at + page_s.size() + 13;
  uint32_t len = 0;
  std::memcpy(&len, f.data() + f.size() - 8, 4);
  EXPECT_EQ(size_t(len), f.size() - 8 - footer_at);
  // Footer: version 2, then the schema list of three structs, the root named "schema".
  EXPECT_EQ(f.substr(footer_at, 14),
            bytes({0x15, 0x04, 0x19, 0x3c, 0x48, 0x06, 's', 'c', 'h', 'e', 'm', 'a', 0x15, 0x04}));

  const File r = File::parse("tiny", f);
  EXPECT_EQ(r.num_rows(), 3);
  EXPECT_EQ(r.columns(), (std::vector<std::string>{"a", "s"}));
  ASSERT_EQ(r.key_value_metadata().size(), 1u);
  EXPECT_EQ(r.key_value_metadata()[0], (std::pair<std::string, std::string>{"k", "v"}));
}

struct CodecCase {
  ParquetCodec codec;
  const char* name;
};

class ParquetRoundTrip : public ::testing::TestWithParam<CodecCase> {};

TEST_P(ParquetRoundTrip, EveryCellReadsBack) {
  const std::string path = temp_path(GetParam().name);
  const int kRows = 25;  // 4 row groups of 7, the last one short
  {
    ParquetWriter w(path,
                    {{"name", ParquetType::kString, false},
                     {"t", ParquetType::kInt64, false},
                     {"label", ParquetType::kString, true},
                     {"v", ParquetType::kDouble, true}},
                    GetParam().codec, 7);
    for (int i = 0; i < kRows; ++i) {
      w.set_string(0, "metric_" + std::to_string(i % 3));
      w.set_int64(1, int64_t(1'700'000'000'000'000'000) + i);
      if (i % 4 != 0) w.set_string(2, std::string(size_t(i), 'L'));
      if (i % 5 != 1) w.set_double(3, i * 0.25 - 1);
      w.end_row();
    }
    EXPECT_EQ(w.rows(), kRows);
    w.finish({{"aiperf.schema_version", "1.0"}, {"empty", ""}}, "test");
  }
  const File r = File::open(path);
  EXPECT_EQ(r.num_rows(), kRows);
  const auto name = r.read_column("name");
  const auto t = r.read_column("t");
  const auto label = r.read_column("label");
  const auto v = r.read_column("v");
  ASSERT_EQ(name.size(), size_t(kRows));
  ASSERT_EQ(t.size(), size_t(kRows));
  ASSERT_EQ(label.size(), size_t(kRows));
  ASSERT_EQ(v.size(), size_t(kRows));
  for (int i = 0; i < kRows; ++i) {
    EXPECT_EQ(name[i].bytes, "metric_" + std::to_string(i % 3));
    EXPECT_EQ(t[i].integer, int64_t(1'700'000'000'000'000'000) + i);
    if (i % 4 != 0) {
      ASSERT_EQ(label[i].kind, Value::Kind::kBytes) << i;
      EXPECT_EQ(label[i].bytes, std::string(size_t(i), 'L'));
    } else {
      EXPECT_EQ(label[i].kind, Value::Kind::kNull) << i;
    }
    if (i % 5 != 1) {
      ASSERT_EQ(v[i].kind, Value::Kind::kDouble) << i;
      EXPECT_EQ(v[i].real, i * 0.25 - 1);
    } else {
      EXPECT_EQ(v[i].kind, Value::Kind::kNull) << i;
    }
  }
  EXPECT_EQ(r.key_value_metadata(), (std::vector<std::pair<std::string, std::string>>{
                                        {"aiperf.schema_version", "1.0"}, {"empty", ""}}));
  fs::remove(path);
}

INSTANTIATE_TEST_SUITE_P(Codecs, ParquetRoundTrip,
                         ::testing::Values(CodecCase{ParquetCodec::kUncompressed, "plain"},
                                           CodecCase{ParquetCodec::kSnappy, "snappy"},
                                           CodecCase{ParquetCodec::kZstd, "zstd"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ParquetWriter, MisuseIsALogicError) {
  const std::string path = temp_path("misuse");
  ParquetWriter w(path, {{"a", ParquetType::kInt64, false}}, ParquetCodec::kUncompressed);
  EXPECT_THROW(w.set_string(0, "x"), std::logic_error);  // wrong type
  EXPECT_THROW(w.end_row(), std::logic_error);           // required cell missing
  fs::remove(path);
}

TEST(ParquetWriter, UnwritablePathNamesIt) {
  try {
    ParquetWriter w("/nonexistent-dir/x.parquet", {{"a", ParquetType::kInt64, false}},
                    ParquetCodec::kUncompressed);
    FAIL() << "no error";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-dir/x.parquet"), std::string::npos);
  }
}

}  // namespace
}  // namespace aiperf::telemetry
