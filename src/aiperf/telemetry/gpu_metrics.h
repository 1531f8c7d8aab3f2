// GPU telemetry data model (spec §7.1): the metric table (DCGM field, record field, display
// name, unit, scaling, counter or gauge), custom metric CSVs, one time series per GPU, the
// mapping of a DCGM exporter's exposition to per-GPU records, and the window statistics.
//
// Threading: a GpuStore is written by its source's thread and read after that thread stopped.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/telemetry/prom_parser.h"
#include "aiperf/telemetry/series_stats.h"

namespace aiperf::telemetry {

struct GpuMetricDef {
  std::string field;        // record field, e.g. "gpu_power_usage"
  std::string dcgm;         // DCGM exporter name, e.g. "DCGM_FI_DEV_POWER_USAGE" ("" = NVML only)
  std::string display;      // "GPU Power Usage"
  std::string unit;         // display unit: "W", "MJ", "%", "GB", "°C", "count", "us", "MHz", ...
  double dcgm_scale = 1.0;  // DCGM value -> display unit
  bool counter = false;     // cumulative: reported as the increase over the window
};

/// AIPerf's NVIDIA table, in its order, plus the NVML clocks (sm_clock, mem_clock), then AIPerf's
/// AMD rows (amd_*, read through AMD SMI).
std::vector<GpuMetricDef> default_gpu_metrics();

/// Adds the rows of a custom metrics CSV ("DCGM_FIELD, gauge|counter, help (in UNIT)"; '#'
/// comments). Invalid rows and fields already known are skipped with a warning each; a file that
/// cannot be read throws aiperf::InputError naming it.
void load_custom_gpu_metrics(const std::string& path, std::vector<GpuMetricDef>* defs);

struct GpuIdentity {
  int gpu_index = 0;
  std::string uuid, model_name, pci_bus_id, device, hostname, namespace_, pod_name;
};

/// One source (DCGM URL or "pynvml://localhost") of GPU samples; one series per GPU.
struct GpuSeries {
  GpuIdentity id;
  std::vector<int64_t> t_mono, t_wall;
  std::vector<std::vector<double>> values;  // [sample][metric def index]; NaN = absent
};

class GpuStore {
 public:
  explicit GpuStore(const std::vector<GpuMetricDef>* defs) : defs_(defs) {}
  /// Appends one sample of GPU `id` (keyed by UUID, else by index).
  void add(const GpuIdentity& id, int64_t mono_ns, int64_t wall_ns, std::vector<double> values);
  const std::vector<GpuSeries>& gpus() const { return gpus_; }
  const std::vector<GpuMetricDef>& defs() const { return *defs_; }

 private:
  const std::vector<GpuMetricDef>* defs_;
  std::vector<GpuSeries> gpus_;
  std::map<std::string, size_t> index_;
};

/// One record per GPU found in a DCGM exporter's exposition: samples carrying a `gpu` label,
/// names matched to `defs` (a "_total" suffix ignored), values scaled to display units,
/// identity from the labels gpu, UUID, modelName, pci_bus_id, device, Hostname / hostname,
/// namespace, pod. Non-finite values are skipped.
struct GpuRecord {
  GpuIdentity id;
  std::vector<double> values;  // per def, NaN = absent
};
std::vector<GpuRecord> gpu_records_from_dcgm(const Exposition& x,
                                             const std::vector<GpuMetricDef>& defs);

/// One gpu_telemetry_export.jsonl line (spec §7.1), without the newline.
void render_gpu_line(std::string& out, const std::string& source, int64_t wall_ns,
                     const GpuRecord& rec, const std::vector<GpuMetricDef>& defs);

struct GpuMetricStats {
  const GpuMetricDef* def = nullptr;
  std::optional<GaugeStats> gauge;      // gauges
  std::optional<double> counter_delta;  // counters: max(last in window - reference, 0)
};
struct GpuSummary {
  std::string source;  // URL or pynvml://localhost
  GpuIdentity id;
  std::vector<GpuMetricStats> metrics;  // metrics with data, in def order
  const GpuMetricStats* find(const std::string& field) const;
};

/// Statistics of each GPU of `store` over `window`.
std::vector<GpuSummary> summarize_gpus(const GpuStore& store, const std::string& source,
                                       const Window& window);

/// Counter delta over the window: last finite value at or before `w.end_ns` minus the last
/// finite value before `w.start_ns` (else the first in the window), clamped at 0. nullopt when
/// the window has no value. `covered` (optional) tells whether a value before the window start
/// and one at or after `cover_end_ns` exist, i.e. the counter spans the whole window.
std::optional<double> gpu_counter_delta(const std::vector<int64_t>& t, const std::vector<double>& v,
                                        const Window& w, bool* covered = nullptr,
                                        int64_t cover_end_ns = 0);

/// "localhost:9400" for "http://localhost:9400/metrics" (AIPerf's endpoint display key).
std::string endpoint_display(const std::string& url);

}  // namespace aiperf::telemetry
