// Artifact file names (spec §6.2).
#include <string_view>

#include "aiperf/export/export.h"

namespace aiperf::exporter {
namespace {

// Longest first, so "_raw.jsonl" wins over ".jsonl".
constexpr std::string_view kKnownSuffixes[] = {
    "_server_metrics.parquet",
    "_server_metrics.jsonl",
    "_network_latency.jsonl",
    "_gpu_telemetry.jsonl",
    "_server_metrics.json",
    "_server_metrics.csv",
    "_timeslices.json",
    "_timeslices.csv",
    "_raw.jsonl",
    ".parquet",
    ".jsonl",
    ".json",
    ".csv",
};

std::string strip_known_suffix(std::string p) {
  for (auto suf : kKnownSuffixes) {
    if (p.size() > suf.size() && p.compare(p.size() - suf.size(), suf.size(), suf) == 0) {
      p.resize(p.size() - suf.size());
      break;
    }
  }
  return p;
}

std::string join(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  return dir.back() == '/' ? dir + name : dir + "/" + name;
}

}  // namespace

ArtifactPaths artifact_paths(const std::string& dir, const std::optional<std::string>& prefix) {
  ArtifactPaths p;
  p.dir = dir;
  if (prefix && !prefix->empty()) {
    const std::string base = strip_known_suffix(*prefix);
    p.summary_json = join(dir, base + ".json");
    p.summary_csv = join(dir, base + ".csv");
    p.records_jsonl = join(dir, base + ".jsonl");
    p.raw_jsonl = join(dir, base + "_raw.jsonl");
    p.server_metrics_json = join(dir, base + "_server_metrics.json");
    p.server_metrics_csv = join(dir, base + "_server_metrics.csv");
    p.server_metrics_jsonl = join(dir, base + "_server_metrics.jsonl");
    p.server_metrics_parquet = join(dir, base + "_server_metrics.parquet");
    p.gpu_telemetry_jsonl = join(dir, base + "_gpu_telemetry.jsonl");
    p.network_latency_jsonl = join(dir, base + "_network_latency.jsonl");
    p.timeslices_json = join(dir, base + "_timeslices.json");
    p.timeslices_csv = join(dir, base + "_timeslices.csv");
  } else {
    p.summary_json = join(dir, "profile_export_aiperf.json");
    p.summary_csv = join(dir, "profile_export_aiperf.csv");
    p.records_jsonl = join(dir, "profile_export.jsonl");
    p.raw_jsonl = join(dir, "profile_export_raw.jsonl");
    p.server_metrics_json = join(dir, "server_metrics_export.json");
    p.server_metrics_csv = join(dir, "server_metrics_export.csv");
    p.server_metrics_jsonl = join(dir, "server_metrics_export.jsonl");
    p.server_metrics_parquet = join(dir, "server_metrics_export.parquet");
    p.gpu_telemetry_jsonl = join(dir, "gpu_telemetry_export.jsonl");
    p.network_latency_jsonl = join(dir, "profile_export_network_latency.jsonl");
    p.timeslices_json = join(dir, "profile_export_aiperf_timeslices.json");
    p.timeslices_csv = join(dir, "profile_export_aiperf_timeslices.csv");
  }
  return p;
}

ArtifactPaths artifact_paths(const config::Config& cfg) {
  return artifact_paths(cfg.artifact_dir, cfg.profile_export_prefix);
}

}  // namespace aiperf::exporter
