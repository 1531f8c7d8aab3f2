// The per-record JSON writer, the export-level switch and the run context from a Config.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/export/export.h"
#include "aiperf/export/json_writer.h"
#include "test_util.h"

namespace aiperf::exporter {
namespace {

using metrics::test::read_all;

TEST(JsonWriter, NumbersLikePythonRepr) {
  std::string out;
  detail::JsonWriter w(out);
  w.begin_array().value(50.0).value(0.5).value(1e-05).value(1e16).value(int64_t{-3});
  w.value(std::nan("")).end_array();
  EXPECT_EQ(out, "[50.0,0.5,1e-05,1e+16,-3,null]");
  EXPECT_DOUBLE_EQ(nlohmann::json::parse(out)[2].get<double>(), 1e-05);
}

// The fast form of millisecond figures (k / 1e6) is byte for byte what the general one
// (fmt's shortest round trip, ".0" added to integers) writes, over every magnitude it takes and
// its edges; other values are left to the general form.
TEST(JsonWriter, MillisecondFiguresAsTheGeneralFormWritesThem) {
  auto general = [](double v) {
    std::string s = fmt::format("{}", v);
    if (s.find_first_of(".e") == std::string::npos) s += ".0";
    return s;
  };
  std::vector<int64_t> ks = {
      1000,   1001,  999999, 1000000,         1000001,         1234567,
      104466, 38597, 120000, 999999999999999, 100000000000000, 123456789012345};
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int i = 0; i < 300000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const int digits = 4 + int(x % 12);  // 1e3 .. 1e15
    int64_t k = int64_t((x >> 8) % uint64_t(std::pow(10.0, digits)));
    if (k < 1000) k += 1000;
    ks.push_back(i % 2 ? k : -k);
  }
  int taken = 0;
  for (int64_t k : ks) {
    const double v = double(k) / 1e6;
    std::string fast;
    if (detail::append_micro_decimal(fast, v)) {
      ++taken;
      ASSERT_EQ(fast, general(v)) << k;
    }
  }
  EXPECT_EQ(taken, int(ks.size()));  // every k / 1e6 in range is taken
  std::string zero;
  ASSERT_TRUE(detail::append_micro_decimal(zero, 0.0));
  EXPECT_EQ(zero, general(0.0));
  for (double v : {-0.0, 0.000999, 1e-5, 1e9 + 0.5, 19144.984971186797, 0.1 + 0.2, 1e300}) {
    std::string fast;
    EXPECT_FALSE(detail::append_micro_decimal(fast, v)) << v;
    EXPECT_TRUE(fast.empty());
  }
}

TEST(JsonWriter, EscapesAndRepairsUtf8) {
  std::string out;
  detail::append_json_string(out, std::string("a\"b\\c\n\t\x01 é \xff end"));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\t\\u0001 é \xEF\xBF\xBD end\"");
  EXPECT_TRUE(nlohmann::json::accept(out));
}

// The eight-bytes-at-a-time scan for plain runs: every byte value at every offset of strings
// longer than a word escapes as a one-byte-at-a-time reference does (nlohmann's dump, which
// replaces invalid UTF-8 with U+FFFD as the writer does).
TEST(JsonWriter, EscapingIsTheSameAtEveryOffset) {
  auto reference = [](const std::string& s) {
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  };
  for (int c = 0; c < 256; ++c) {
    for (size_t at = 0; at < 20; ++at) {
      std::string s(20, 'x');
      s[at] = char(c);
      std::string out;
      detail::append_json_string(out, s);
      if (c >= 0x80) {  // a lone byte >= 0x80 is not UTF-8: one U+FFFD either way
        std::string want = s;
        want.replace(at, 1, "\xEF\xBF\xBD");
        want.insert(want.begin(), '"');
        want.push_back('"');
        EXPECT_EQ(out, want) << c;
      } else {
        EXPECT_EQ(out, reference(s)) << c << " at " << at;
      }
    }
  }
  const std::string mixed = "plain ascii text, \"quoted\", caf\xC3\xA9 \xF0\x9F\x98\x80 tab\t end";
  for (size_t from = 0; from < mixed.size(); ++from) {
    std::string out;
    detail::append_json_string(out, mixed.substr(from));
    EXPECT_EQ(out, reference(mixed.substr(from))) << from;
  }
}

TEST(RecordWriters, ExportLevels) {
  const auto ctx = metrics::test::context(false);
  const std::string base = ::testing::TempDir() + "/aiperf_levels";
  std::filesystem::remove_all(base);
  auto rec = metrics::test::make_record(0, {100}, 3, 5);
  rec.payload = R"({"model":"m"})";
  const auto values = metrics::test::compute(rec, ctx);
  for (auto level :
       {config::ExportLevel::kSummary, config::ExportLevel::kRecords, config::ExportLevel::kRaw}) {
    config::Config cfg;
    cfg.export_level = level;
    const std::string dir = base + "/" + config::to_string(level);
    const ArtifactPaths paths = artifact_paths(dir, std::nullopt);
    RecordWriters w(cfg, ctx, paths);
    w.write(rec, values);
    w.close();
    const bool records = level != config::ExportLevel::kSummary;
    const bool raw = level == config::ExportLevel::kRaw;
    EXPECT_EQ(std::filesystem::exists(paths.records_jsonl), records) << dir;
    EXPECT_EQ(std::filesystem::exists(paths.raw_jsonl), raw) << dir;
    EXPECT_EQ(w.files().size(), size_t(records) + size_t(raw));
    if (raw) {
      EXPECT_NE(read_all(paths.raw_jsonl).find(R"("payload":{"model":"m"})"), std::string::npos);
    }
  }
}

TEST(SummaryFiles, WrittenIntoNewDirectory) {
  const auto ctx = metrics::test::context(false);
  metrics::Aggregator agg(ctx);
  agg.add(metrics::test::make_record(0, {1'000'000}, 3, 5));
  const auto res = agg.finish();
  const std::string dir = ::testing::TempDir() + "/aiperf_summary/nested";
  std::filesystem::remove_all(::testing::TempDir() + "/aiperf_summary");
  const auto paths = artifact_paths(dir, std::nullopt);
  config::Config cfg;
  write_summary_json(paths.summary_json, res, ctx, cfg, SummaryInfo{});
  write_summary_csv(paths.summary_csv, res, ctx);
  const auto j = nlohmann::json::parse(read_all(paths.summary_json));
  EXPECT_DOUBLE_EQ(j["request_latency"]["avg"].get<double>(), 1.0);
  EXPECT_NE(read_all(paths.summary_csv).find("Request Latency (ms),1.00,"), std::string::npos);
}

TEST(RunContextFromConfig, FlagsEnvAndGoodput) {
  config::Config cfg;
  cfg.endpoint_type = config::EndpointType::kCompletions;
  cfg.streaming = true;
  cfg.goodput = {{"time_to_first_token", 300.0}};
  setenv("AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD", "7.5", 1);
  const auto ctx = metrics::make_run_context(cfg);
  unsetenv("AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD");
  EXPECT_DOUBLE_EQ(ctx.osl_mismatch_pct_threshold, 7.5);
  EXPECT_TRUE(ctx.is_applicable(metrics::MetricId::kTimeToFirstToken));
  EXPECT_TRUE(ctx.is_applicable(metrics::MetricId::kGoodput));
  EXPECT_FALSE(ctx.is_applicable(metrics::MetricId::kUsagePromptAudioTokens));  // completions
  EXPECT_FALSE(ctx.is_applicable(metrics::MetricId::kStreamSetupLatency));      // experimental
  ASSERT_EQ(ctx.goodput.size(), 1u);
  EXPECT_DOUBLE_EQ(ctx.goodput[0].threshold, 3e8);

  cfg.streaming = false;  // TTFT no longer applies: the CLI reports it before the run
  EXPECT_THROW(metrics::make_run_context(cfg), ConfigError);
  cfg.goodput = {{"not_a_metric", 1.0}};
  EXPECT_THROW(metrics::make_run_context(cfg), ConfigError);
}

}  // namespace
}  // namespace aiperf::exporter
