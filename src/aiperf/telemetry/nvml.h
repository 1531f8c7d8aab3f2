// NVML loaded at run time with dlopen("libnvidia-ml.so.1"): no CUDA or NVML headers or
// libraries at build time, so the program builds and runs on machines without a GPU. The few
// NVML types used are declared here with their documented layouts.
//
// Threading: one NvmlLibrary per process at a time, used from one thread.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/telemetry/gpu_metrics.h"

namespace aiperf::telemetry {

/// One reading of one GPU, in NVML's units (converted by to_record()).
struct NvmlReading {
  std::optional<uint32_t> power_mw;
  std::optional<uint64_t> energy_mj;
  std::optional<uint32_t> gpu_util, mem_util;  // %
  std::optional<uint64_t> mem_used_bytes;
  std::optional<uint32_t> temperature_c;
  std::optional<uint32_t> sm_clock_mhz, mem_clock_mhz;
  std::optional<uint32_t> enc_util, dec_util, jpg_util;  // %
  std::optional<uint64_t> power_violation_ns;
  std::optional<double> sm_util;  // % of SMs busy since the previous read (GPM), <= 100
};

class NvmlLibrary {
 public:
  /// dlopen()s `path` (default: the driver's soname), resolves the symbols and calls
  /// nvmlInit_v2. nullptr with a one-line reason in `err` when the library, a required symbol,
  /// the driver or any GPU is missing.
  static std::unique_ptr<NvmlLibrary> open(std::string* err,
                                           const std::string& path = "libnvidia-ml.so.1");
  ~NvmlLibrary();
  NvmlLibrary(const NvmlLibrary&) = delete;
  NvmlLibrary& operator=(const NvmlLibrary&) = delete;

  const std::vector<GpuIdentity>& gpus() const { return gpus_; }
  /// Reads GPU `i` (index into gpus()). Fields NVML does not support stay empty. SM
  /// utilization comes from GPM (Hopper and newer; AIPerf's NVML_GPM_METRIC_SM_UTIL) over the
  /// time since the previous read (or open()), so read() moves the GPU's GPM sample on.
  NvmlReading read(size_t i);
  /// A reading as a GPU record in display units (spec: mW -> W, mJ -> MJ, bytes -> GB).
  static GpuRecord to_record(const GpuIdentity& id, const NvmlReading& r,
                             const std::vector<GpuMetricDef>& defs);

 private:
  struct Api;
  NvmlLibrary() = default;
  void* handle_ = nullptr;
  std::unique_ptr<Api> api_;
  std::vector<void*> devices_;
  std::vector<GpuIdentity> gpus_;
};

}  // namespace aiperf::telemetry
