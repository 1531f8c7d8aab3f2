// Time-slice exports (spec §6.6): profile_export_aiperf_timeslices.json and .csv.
#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "aiperf/config/cli_options.h"
#include "aiperf/export/export.h"
#include "aiperf/export/metric_block.h"
#include "aiperf/export/util.h"

namespace aiperf::exporter {
namespace {

using metrics::MetricResult;

}  // namespace

std::string render_timeslices_json(const std::vector<metrics::Results>& slices,
                                   const metrics::RunContext& ctx, const config::Config& cfg) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (size_t i = 0; i < slices.size(); ++i) {
    nlohmann::ordered_json slice;
    slice["timeslice_index"] = i;
    for (const auto& r : slices[i].metrics) {
      if (exported_in_summary(*r.info, ctx)) slice[std::string(r.tag())] = detail::metric_block(r);
    }
    list.push_back(std::move(slice));
  }
  nlohmann::ordered_json j;
  j["timeslices"] = std::move(list);
  j["input_config"] = nlohmann::ordered_json::parse(config::redacted_config_json(cfg).dump());
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string render_timeslices_csv(const std::vector<metrics::Results>& slices,
                                  const metrics::RunContext& ctx) {
  std::string out = "Timeslice,Metric,Unit,Stat,Value\r\n";
  for (size_t i = 0; i < slices.size(); ++i) {
    std::vector<const MetricResult*> ms;
    for (const auto& r : slices[i].metrics) {
      if (exported_in_summary(*r.info, ctx)) ms.push_back(&r);
    }
    std::sort(ms.begin(), ms.end(),
              [](const MetricResult* a, const MetricResult* b) { return a->tag() < b->tag(); });
    for (const MetricResult* r : ms) {
      auto emit = [&](const char* stat, double v) {
        if (!std::isfinite(v)) return;
        out += std::to_string(i) + "," + detail::csv_field(std::string(r->header())) + "," +
               detail::csv_field(std::string(r->unit())) + "," + stat + "," + detail::fixed2(v) +
               "\r\n";
      };
      if (!r->distribution) {
        emit("avg", r->value);
        continue;
      }
      const auto& s = r->stats;
      emit("avg", s.avg);
      emit("min", s.min);
      emit("max", s.max);
      emit("sum", s.sum);
      for (size_t k = 0; k < s.p.size(); ++k) emit(metrics::kPercentileKeys[k].data(), s.p[k]);
      emit("std", s.std);
    }
  }
  return out;
}

void write_timeslices(const ArtifactPaths& paths, const std::vector<metrics::Results>& slices,
                      const metrics::RunContext& ctx, const config::Config& cfg) {
  detail::write_file(paths.timeslices_json, render_timeslices_json(slices, ctx, cfg));
  detail::write_file(paths.timeslices_csv, render_timeslices_csv(slices, ctx));
}

}  // namespace aiperf::exporter
