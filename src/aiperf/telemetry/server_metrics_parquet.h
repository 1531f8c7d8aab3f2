// server_metrics_export.parquet (AIPerf's "Server Metrics Parquet Export Schema" 1.0): every
// scrape of the profiling window as rows, normalized (one row per histogram bucket):
//
//   endpoint_url, metric_name, metric_type, unit, description, timestamp_ns,
//   <one nullable string column per label name, sorted>, value, sum, count, bucket_le,
//   bucket_count
//
// gauge / untyped: the value as scraped; counter: the increase since the reference point (the
// last scrape before the window); histogram: the increases of _sum, _count and each cumulative
// bucket. Increases follow the window statistics' counter rule (a decrease is a restart from
// zero), so a series' last row equals its `total` / `count` / `sum` in the JSON export. The
// footer's key/value metadata carries AIPerf's aiperf.* keys. Pages are Snappy-compressed.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/telemetry/parquet_writer.h"
#include "aiperf/telemetry/series_stats.h"
#include "aiperf/telemetry/series_store.h"

namespace aiperf::telemetry {

struct ServerMetricsParquetInfo {
  std::string aiperf_version, benchmark_id;
  std::string input_config_json;  // compact JSON
  std::vector<std::string> model_names;
  std::optional<int64_t> concurrency;
  std::optional<double> request_rate;
  int64_t start_wall_ns = 0, end_wall_ns = 0;  // the profiling window, epoch ns
  std::string export_timestamp_utc;            // "" = now
};

/// Writes the file from each endpoint's store over `window` (monotonic ns). Returns the rows
/// written; with none no file is left (as AIPerf). Throws std::runtime_error naming the path.
int64_t write_server_metrics_parquet(
    const std::string& path,
    const std::vector<std::pair<std::string, const EndpointStore*>>& stores, const Window& window,
    const ServerMetricsParquetInfo& info, ParquetCodec codec = ParquetCodec::kSnappy,
    size_t rows_per_group = 10'000);

/// The fixed and value columns' names, in the order they bracket the label columns.
const std::vector<std::string>& parquet_fixed_columns();
const std::vector<std::string>& parquet_value_columns();

}  // namespace aiperf::telemetry
