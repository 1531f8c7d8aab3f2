// Time series of one Prometheus endpoint, as scraped: every sample line of every scrape, kept as
// runs of equal consecutive values (idle and constant series cost nothing over time). Series are
// found by their raw "name{labels}" text, first at the position they had in the previous scrape
// (expositions keep their order), then through a hash map.
//
// Threading: written by the endpoint's scraper thread, read after it has stopped.
#pragma once
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aiperf/telemetry/prom_parser.h"
#include "aiperf/telemetry/series_stats.h"

namespace aiperf::telemetry {

using LabelList = std::vector<std::pair<std::string, std::string>>;  // sorted by name

struct FamilyInfo {
  std::string name;  // key in the exports: counters without "_total"
  MetricType type = MetricType::kUnknown;
  std::string help;
};

struct StoredSeries {
  uint32_t family = 0;  // into EndpointStore::families()
  SampleRole role = SampleRole::kValue;
  std::string raw_key;  // "name{labels}" as written
  LabelList labels;     // without "le" for histogram buckets
  std::string le;       // bucket bound as written
  double le_value = 0;
  bool born_late = false;  // first seen after the endpoint's first scrape (created mid-run)
  struct Run {
    uint32_t first;  // scrape index
    uint32_t count;
    double value;
  };
  std::vector<Run> runs;
};

class EndpointStore {
 public:
  /// Records one scrape at (monotonic, wall) time and the values of `x`. Skipped: summaries,
  /// gauge histograms, _created series and families, *_uptime* families (AIPerf's rules) and
  /// non-finite values. Returns the scrape index.
  uint32_t ingest(const Exposition& x, int64_t mono_ns, int64_t wall_ns);

  size_t scrape_count() const { return scrape_mono_.size(); }
  const std::vector<int64_t>& scrape_mono_ns() const { return scrape_mono_; }
  const std::vector<int64_t>& scrape_wall_ns() const { return scrape_wall_; }
  const std::vector<FamilyInfo>& families() const { return families_; }
  const std::vector<StoredSeries>& series() const { return series_; }
  /// Points (monotonic time, value) of one series.
  std::vector<Point> points(const StoredSeries& s) const;
  /// Value of `s` at scrape `k`, NaN when absent.
  double value_at(const StoredSeries& s, uint32_t k) const;
  /// Keeps only the last run before `mono_ns` of each series (the reference point) and the
  /// ones after: bounds memory when the window starts after a long warmup.
  void trim_before(int64_t mono_ns);
  /// Bytes held by the stored runs (for the performance notes).
  size_t memory_bytes() const;

 private:
  uint32_t series_for(const Exposition& x, const Sample& s, uint32_t pos, uint32_t scrape);
  uint32_t family_for(const Exposition& x, const Family& f);

  std::vector<int64_t> scrape_mono_, scrape_wall_;
  std::vector<FamilyInfo> families_;
  std::unordered_map<std::string, uint32_t> family_index_;
  std::vector<StoredSeries> series_;
  std::unordered_map<std::string, uint32_t> by_key_;
  std::vector<uint32_t> by_position_;  // series of sample position i in the previous scrape
};

/// Family name as exported: a counter's "_total" dropped (prometheus_client's naming, which
/// AIPerf's exports follow).
std::string export_family_name(const Family& f);

/// Whether AIPerf's collector keeps a family: not a summary or gauge histogram, not a
/// "*_created" family, not an uptime family.
bool keep_family(const Family& f);

}  // namespace aiperf::telemetry
