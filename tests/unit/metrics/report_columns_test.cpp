// The report's columns collected while profile_export.jsonl is written (ReportObserver) must be
// what report::read_records() reads back from that file.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "aiperf/export/export.h"
#include "aiperf/report/report.h"
#include "aiperf/report/run_data.h"
#include "test_util.h"

namespace aiperf {
namespace {

using metrics::test::compute;
using metrics::test::make_error;
using metrics::test::make_record;

void expect_same(const report::RequestColumns& a, const report::RequestColumns& b) {
  EXPECT_EQ(a.start_ns, b.start_ns);
  EXPECT_EQ(a.end_ns, b.end_ns);
  EXPECT_EQ(a.error, b.error);
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (const auto& [tag, col] : a.metrics) {
    auto it = b.metrics.find(tag);
    ASSERT_NE(it, b.metrics.end()) << tag;
    ASSERT_EQ(col.size(), it->second.size()) << tag;
    for (size_t i = 0; i < col.size(); ++i) {
      if (std::isnan(col[i])) {
        EXPECT_TRUE(std::isnan(it->second[i])) << tag << " row " << i;
      } else {
        EXPECT_EQ(col[i], it->second[i]) << tag << " row " << i;  // bit for bit
      }
    }
  }
}

TEST(ReportColumns, CollectedWhileWritingEqualsTheFileReadBack) {
  const int64_t ms = 1'000'000;
  for (bool streaming : {true, false}) {
    const auto ctx = metrics::test::context(streaming);
    std::vector<record::ProcessedRecord> recs;
    recs.push_back(make_record(1000, {1500, 2500, 7777}, 4, 100));
    recs.push_back(make_record(3 * ms, {3 * ms + 123'457, 4 * ms + 1}, 2, 17));
    recs.push_back(make_record(5 * ms, {5 * ms + 999'999'999}, 1, 3));  // one response
    recs.push_back(make_error(6 * ms, 503, "Service Unavailable", "down"));
    auto warm = make_record(7 * ms, {8 * ms}, 1, 1);
    warm.phase = record::Phase::kWarmup;  // no line
    recs.push_back(warm);
    recs.push_back(make_record(9 * ms, {}));  // no response
    auto raw = make_record(10 * ms, {11 * ms, 12 * ms}, 2, 8);
    raw.raw_responses = {{11 * ms, "a"}, {12 * ms + 5, "b"}};  // the line's end: the last one
    recs.push_back(raw);

    const std::string dir = ::testing::TempDir() + "/aiperf_report_columns";
    std::filesystem::create_directories(dir);
    const std::string path = dir + "/profile_export.jsonl";
    for (const std::vector<std::string>& tags :
         {std::vector<std::string>{}, report::default_record_columns()}) {
      report::RecordsOptions opts;
      opts.tags = tags;
      report::RecordColumnsBuilder built;
      built.start(opts);
      {
        std::ofstream f(path, std::ios::binary | std::ios::trunc);
        exporter::LineValues lv;
        size_t lines = 0;
        for (const auto& r : recs) {
          const auto values = compute(r, ctx);
          std::string line;
          const bool written = exporter::JsonlWriter::render_line_into(line, r, values, ctx) &&
                               r.phase == record::Phase::kProfiling;
          EXPECT_EQ(exporter::JsonlWriter::line_values(r, values, ctx, lv, built.wanted()),
                    written);
          if (!written) continue;
          f << line << '\n';
          ++lines;
          built.add(lv.start_wall_ns, lv.end_wall_ns, lv.error, lv.metrics);
        }
        EXPECT_EQ(lines, recs.size() - 1);  // all but the warmup record
      }
      const report::RequestColumns back = report::read_records(path, opts);
      ASSERT_EQ(back.size(), recs.size() - 1);
      expect_same(built.columns(), back);
      EXPECT_FALSE(back.metrics.empty());
    }
  }
}

}  // namespace
}  // namespace aiperf
