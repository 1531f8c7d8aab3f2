// GPU telemetry collection (spec §7.1): DCGM exporter endpoints (each on its own thread, through
// EndpointScraper) or NVML (dlopen, one thread), into a GpuStore per source, streamed to
// gpu_telemetry_export.jsonl, summarized over the profiling window.
//
// Threading: start / scrape_all_now / stop from the run's thread; report() after stop().
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/telemetry/amdsmi.h"
#include "aiperf/telemetry/endpoint_scraper.h"
#include "aiperf/telemetry/gpu_metrics.h"
#include "aiperf/telemetry/nvml.h"
#include "aiperf/telemetry/poller.h"
#include "aiperf/telemetry/server_metrics.h"

namespace aiperf::telemetry {

inline constexpr const char* kNvmlSource = "pynvml://localhost";
inline constexpr const char* kAmdSmiSource = "amdsmi://localhost";

struct GpuSettings {
  std::vector<std::string> dcgm_urls;  // normalized
  std::vector<bool> dcgm_user_given;   // false: a default endpoint (quiet when absent)
  bool nvml = false;                   // --gpu-telemetry pynvml
  std::string nvml_library = "libnvidia-ml.so.1";
  bool amdsmi = false;         // --gpu-telemetry amdsmi
  std::string amdsmi_library;  // "" = libamd_smi.so, then the ROCm directory
  std::vector<std::string> custom_csvs;
  int64_t interval_ns = 333'000'000;
  ScrapeOptions scrape;
  std::string jsonl_path;  // created when the first sample arrives
};

struct GpuReport {
  std::vector<std::string> endpoints_configured, endpoints_successful;
  std::vector<GpuSummary> gpus;  // every GPU of every source, by source then index
  int64_t start_wall_ns = 0, end_wall_ns = 0;
  /// Σ over GPUs of the mean power in the window (W), and how many GPUs had power.
  std::optional<double> total_power_w;
  int power_gpus = 0;
  /// Σ over GPUs of the energy counter's increase over the window (J).
  std::optional<double> total_energy_j;
  int energy_gpus = 0;
  /// Every GPU's energy counter has a value before the window and one at or after its end.
  bool energy_covers_window = false;
};

class GpuCollector {
 public:
  explicit GpuCollector(GpuSettings settings);  // reads the custom CSVs (throws InputError)
  ~GpuCollector();

  void start();
  void scrape_all_now(int64_t timeout_ns);
  /// scrape_all_now() in two halves (see ServerMetricsCollector).
  std::vector<uint64_t> request_all();
  void wait_all(const std::vector<uint64_t>& tickets, int64_t deadline_mono_ns);
  void stop();

  /// `phase_end_ns`: when the profiling phase ended (the window closes on a scrape after it);
  /// an energy counter covers the window when it has a value before its start and one at or
  /// after the phase end.
  GpuReport report(const Window& window, int64_t phase_end_ns, int64_t start_wall_ns,
                   int64_t end_wall_ns) const;
  const std::vector<GpuMetricDef>& defs() const { return defs_; }
  std::optional<std::string> jsonl_path() const;
  /// NVML (or AMD SMI) could not be used: why (one line), else "".
  const std::string& nvml_error() const { return nvml_error_; }
  /// For a live view, any thread: one line per GPU from its latest sample, e.g.
  /// "gpu0 NVIDIA H200  util 93 %  312 W  mem 45.1 GB  61 °C" (the source appended when there
  /// are several).
  std::vector<std::string> live_lines() const;

 private:
  struct Source {
    std::string name;
    std::unique_ptr<EndpointScraper> scraper;  // DCGM
    std::unique_ptr<GpuStore> store;
    std::string line;
  };
  void write_lines(Source& s, int64_t wall_ns, const std::vector<GpuRecord>& recs);
  bool nvml_tick();

  GpuSettings settings_;
  std::vector<GpuMetricDef> defs_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::unique_ptr<NvmlLibrary> nvml_;
  std::unique_ptr<AmdSmiLibrary> amdsmi_;
  Source* nvml_source_ = nullptr;  // the local library's source (NVML or AMD SMI)
  Poller nvml_poller_;
  std::string nvml_error_;
  std::mutex jsonl_mu_;
  std::unique_ptr<JsonlFile> jsonl_;
  mutable std::mutex live_mu_;
  std::vector<std::pair<const Source*, std::vector<GpuRecord>>> latest_;  // per source
};

}  // namespace aiperf::telemetry
