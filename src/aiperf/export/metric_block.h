// The per-metric JSON object of profile_export_aiperf.json (spec §6.3), shared with the
// time-slice export (§6.6). Private to the export stage.
#pragma once
#include <nlohmann/json.hpp>

#include "aiperf/metrics/metrics.h"

namespace aiperf::exporter::detail {

/// {"unit", "avg", "p1".."p99", "min", "max", "std", "count", "sum"} of a record metric, or
/// {"unit", "avg"} of an aggregate/derived one; non-finite numbers omitted. Display units.
nlohmann::ordered_json metric_block(const metrics::MetricResult& r);

}  // namespace aiperf::exporter::detail
