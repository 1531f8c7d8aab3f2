// The Parquet reader against files from two independent writers (tests/data/parquet/README.md;
// expected values are what hyparquet reads), and against malformed files.
#include "aiperf/dataset/public/parquet.h"

#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>

#include "aiperf/common/error.h"

namespace aiperf::dataset::parquet {
namespace {

const std::string kDir = std::string(AIPERF_TEST_DATA_DIR) + "/parquet/";

std::string slurp(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

using Opt = std::optional<std::string>;

std::vector<Opt> strings(const std::vector<Value>& col) {
  std::vector<Opt> out;
  for (const auto& v : col) {
    EXPECT_TRUE(v.kind == Value::Kind::kNull || v.kind == Value::Kind::kBytes);
    out.push_back(v.kind == Value::Kind::kBytes ? Opt(v.bytes) : std::nullopt);
  }
  return out;
}

std::vector<std::optional<int64_t>> ints(const std::vector<Value>& col) {
  std::vector<std::optional<int64_t>> out;
  for (const auto& v : col) {
    EXPECT_TRUE(v.kind == Value::Kind::kNull || v.kind == Value::Kind::kInt);
    out.push_back(v.kind == Value::Kind::kInt ? std::optional<int64_t>(v.integer) : std::nullopt);
  }
  return out;
}

/// A list column as text: null, [] or ["a",null,"b"].
std::vector<std::string> lists(const std::vector<Value>& col) {
  std::vector<std::string> out;
  for (const auto& v : col) {
    if (v.kind == Value::Kind::kNull) {
      out.push_back("null");
      continue;
    }
    EXPECT_EQ(v.kind, Value::Kind::kList);
    std::string s = "[";
    for (size_t i = 0; i < v.items.size(); ++i) {
      if (i) s += ",";
      s += v.items[i].kind == Value::Kind::kNull ? "null" : "\"" + v.items[i].bytes + "\"";
    }
    out.push_back(s + "]");
  }
  return out;
}

const std::string kLong = [] {
  std::string s;
  for (int i = 0; i < 8; ++i) s += "The quick brown fox jumps over the lazy dog. ";
  s.pop_back();
  return s;
}();

const std::vector<Opt> kProblem = {"What is 1+1?",
                                   "Solve x^2=4.",
                                   std::nullopt,
                                   "",
                                   "   ",
                                   "Solve x^2=4.",
                                   "Ünïcödé – π ≈ 3.14159 🚀",
                                   "What is 1+1?",
                                   kLong,
                                   "Last"};
const std::vector<std::optional<int64_t>> kN = {1, std::nullopt, 3, -4, 5, std::nullopt, 7,
                                                8, 2147483647,   10};

class SameRows : public ::testing::TestWithParam<const char*> {};

TEST_P(SameRows, ReadsEveryFlatAndListColumn) {
  File f = File::open(kDir + GetParam());
  EXPECT_EQ(f.num_rows(), 10);
  EXPECT_EQ(strings(f.read_column("problem")), kProblem);
  EXPECT_EQ(ints(f.read_column("n")), kN);
  if (f.has_column("id")) {
    EXPECT_EQ(f.columns(), (std::vector<std::string>{"id", "problem", "n", "tags", "meta"}));
    EXPECT_EQ(ints(f.read_column("id")),
              (std::vector<std::optional<int64_t>>{0, 1, 2, 3, 4, 5, 6, 7, 8, -9000000000}));
    EXPECT_EQ(
        lists(f.read_column("tags")),
        (std::vector<std::string>{"[\"a\",\"b\"]", "[]", "null", "[\"c\"]", "[\"d\",null,\"e\"]",
                                  "[\"f\"]", "[]", "[\"g\"]", "[\"h\",\"i\",\"j\"]", "null"}));
    try {
      f.read_column("meta");
      ADD_FAILURE() << "a struct column is not readable";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("column 'meta' is a nested group"), std::string::npos)
          << e.what();
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Files, SameRows,
                         ::testing::Values("snappy_dict.parquet", "gzip_dict.parquet",
                                           "zstd_plain.parquet", "uncompressed_plain.parquet",
                                           "v2_snappy_dict.parquet", "v2_zstd_plain.parquet",
                                           "hyparquet_writer.parquet", "v2_delta.parquet",
                                           "v2_delta_length.parquet"));

TEST(Parquet, ListOfStringsNamedElement) {
  File f = File::open(kDir + "mt_bench.parquet");
  EXPECT_EQ(f.num_rows(), 6);
  EXPECT_EQ(lists(f.read_column("prompt")),
            (std::vector<std::string>{"[\"Write a haiku.\",\"Now make it rhyme.\"]",
                                      "[\"Explain TCP.\",\"\"]", "null", "[]", "[\"  \",null]",
                                      "[\"One turn only\"]"}));
  EXPECT_EQ(ints(f.read_column("prompt_id")),
            (std::vector<std::optional<int64_t>>{81, 82, 83, 84, 85, 86}));
}

TEST(Parquet, ManyPagesAndDictionaryFallbackToPlain) {
  File f = File::open(kDir + "multipage.parquet");  // 2 row groups, up to 14 pages per chunk
  ASSERT_EQ(f.num_rows(), 300);
  auto text = strings(f.read_column("text"));
  auto num = ints(f.read_column("num"));
  ASSERT_EQ(text.size(), 300u);
  ASSERT_EQ(num.size(), 300u);
  for (int i = 0; i < 300; ++i) {
    std::string want = "row " + std::to_string(i) + ": ";
    for (int k = 0; k < i % 5; ++k) want += "xyz";
    EXPECT_EQ(text[size_t(i)], i % 7 == 3 ? Opt() : Opt(want)) << i;
    EXPECT_EQ(num[size_t(i)], int64_t(i) * 1000003) << i;
  }
}

TEST(Parquet, DeltaEncodingsOverSeveralBlocks) {
  File f = File::open(kDir + "delta_many.parquet");
  ASSERT_EQ(f.num_rows(), 300);
  auto text = strings(f.read_column("text"));
  auto num = ints(f.read_column("num"));
  auto small = ints(f.read_column("small"));
  for (int64_t i = 0; i < 300; ++i) {
    const std::string want =
        "shared prefix " + std::to_string(i / 10) + " / item " + std::to_string(i);
    EXPECT_EQ(text[size_t(i)], i % 11 == 5 ? Opt() : Opt(want)) << i;
    EXPECT_EQ(num[size_t(i)], (i * i * 7919) % 100003 - 50000) << i;
    EXPECT_EQ(small[size_t(i)],
              i % 13 == 0 ? std::nullopt : std::optional<int64_t>((i * 37) % 1000 - 500))
        << i;
  }
}

TEST(Parquet, MissingColumnAndParseFromMemory) {
  const std::string bytes = slurp(kDir + "blazedit.parquet");
  File f = File::parse("mem.parquet", bytes);
  EXPECT_EQ(strings(f.read_column("change_request")),
            (std::vector<Opt>{"Return 2 instead.", "Use {braces}.", "Nothing"}));
  EXPECT_THROW(f.read_column("nope"), InputError);
  EXPECT_FALSE(f.has_column("nope"));
}

void expect_bad(const std::string& bytes, const std::string& needle) {
  try {
    File f = File::parse("bad.parquet", bytes);
    for (const auto& c : f.columns()) f.read_column(c);
    ADD_FAILURE() << "expected an InputError containing '" << needle << "'";
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_EQ(m.rfind("bad.parquet: ", 0), 0u) << m;
    EXPECT_NE(m.find(needle), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

TEST(Parquet, MalformedFilesAreOneLineErrors) {
  expect_bad("", "no PAR1 magic");
  expect_bad("PAR1xxxxPAR1", "footer length");
  const std::string good = slurp(kDir + "snappy_dict.parquet");
  // Truncations and byte flips of a real file: errors, never crashes (the fuzzer goes further).
  for (size_t cut : {size_t(20), good.size() / 2, good.size() - 9}) {
    std::string t = good.substr(0, cut) + good.substr(good.size() - 8);
    try {
      File f = File::parse("bad.parquet", t);
      for (const auto& c : f.columns()) f.read_column(c);
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("bad.parquet: ", 0), 0u) << e.what();
    }
  }
  std::string corrupt = good;
  for (size_t i = 4; i < corrupt.size() - 8; i += 7) corrupt[i] = char(corrupt[i] ^ 0x5a);
  try {
    File f = File::parse("bad.parquet", corrupt);
    for (const auto& c : f.columns()) f.read_column(c);
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("bad.parquet: ", 0), 0u) << e.what();
  }
  EXPECT_THROW(File::open(kDir + "does_not_exist.parquet"), InputError);
}

}  // namespace
}  // namespace aiperf::dataset::parquet
