// AMD SMI loaded at run time with dlopen("libamd_smi.so", then $ROCM_PATH/lib or /opt/rocm/lib):
// no ROCm headers or libraries at build time, so the program builds and runs anywhere. Only entry
// points whose C signatures and result layouts have stayed the same across ROCm 6.x and 7.x are
// used; where a structure grew over releases, only its leading fields are read, from a buffer
// far larger than any release's structure.
//
// Fields (AIPerf's amdsmi collector, display units): amd_power (W), amd_energy_consumption (MJ,
// counter), amd_gfx_activity / amd_umc_activity / amd_mm_activity (%), amd_memory_used (GB),
// amd_temperature (°C, junction), amd_ecc_uncorrectable (count, counter).
//
// Threading: one AmdSmiLibrary per process at a time, used from one thread.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/telemetry/gpu_metrics.h"

namespace aiperf::telemetry {

/// One reading of one GPU, in AMD SMI's units (converted by to_record()).
struct AmdSmiReading {
  std::optional<double> energy_uj;       // accumulator x counter resolution (µJ)
  std::optional<double> power_w;         // mean power since the previous reading
  std::optional<uint32_t> gfx, umc, mm;  // activity, %
  std::optional<uint64_t> vram_used_bytes;
  std::optional<double> temperature_c;  // junction (hotspot)
  std::optional<uint64_t> ecc_uncorrectable;
};

class AmdSmiLibrary {
 public:
  /// dlopen()s `path` (default: libamd_smi.so, then the ROCm directory), resolves the symbols,
  /// calls amdsmi_init(AMDSMI_INIT_AMD_GPUS) and lists the GPUs. nullptr with a one-line reason
  /// in `err` when the library, a required symbol, the driver or any GPU is missing.
  static std::unique_ptr<AmdSmiLibrary> open(std::string* err, const std::string& path = "");
  ~AmdSmiLibrary();
  AmdSmiLibrary(const AmdSmiLibrary&) = delete;
  AmdSmiLibrary& operator=(const AmdSmiLibrary&) = delete;

  const std::vector<GpuIdentity>& gpus() const { return gpus_; }
  /// Reads GPU `i`. Fields the GPU or library does not support stay empty; power comes from the
  /// energy counter's increase since the previous read() of that GPU.
  AmdSmiReading read(size_t i);
  static GpuRecord to_record(const GpuIdentity& id, const AmdSmiReading& r,
                             const std::vector<GpuMetricDef>& defs);

 private:
  struct Api;
  AmdSmiLibrary() = default;
  void* handle_ = nullptr;
  std::unique_ptr<Api> api_;
  std::vector<void*> devices_;
  std::vector<GpuIdentity> gpus_;
  struct Last {
    double energy_uj = 0;
    uint64_t t_ns = 0;
    bool valid = false;
  };
  std::vector<Last> last_;  // per GPU: the previous energy reading
};

}  // namespace aiperf::telemetry
