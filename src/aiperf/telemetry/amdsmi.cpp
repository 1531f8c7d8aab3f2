// AMD SMI through dlopen (amdsmi.h). amdsmi_power_info_t changed layout between ROCm releases
// (its power fields moved when a 64-bit socket_power was put first) and the library's version
// structure changed too, so the layout cannot be told at run time: power is derived from the
// energy counter instead, whose entry point never changed (docs/telemetry.md).
#include "aiperf/telemetry/amdsmi.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "aiperf/common/clock.h"
#include "aiperf/telemetry/dl_symbol.h"

namespace aiperf::telemetry {

namespace {

using Status = int;  // amdsmi_status_t; 0 = AMDSMI_STATUS_SUCCESS
using Handle = void*;
constexpr uint64_t kInitAmdGpus = 1u << 1;  // AMDSMI_INIT_AMD_GPUS
constexpr int kMemVram = 0;                 // AMDSMI_MEM_TYPE_VRAM
constexpr int kTempHotspot = 1;             // AMDSMI_TEMPERATURE_TYPE_HOTSPOT (= JUNCTION)
constexpr int kTempCurrent = 0;             // AMDSMI_TEMP_CURRENT
// Big enough for any release's amdsmi_asic_info_t / amdsmi_engine_usage_t /
// amdsmi_error_count_t (the largest, asic info, is under 1 KiB).
constexpr size_t kBuf = 4096;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// A 16- or 32-bit "not supported" marker, or no percentage at all.
bool valid_percent(uint32_t v) {
  return v <= 100;
}

}  // namespace

struct AmdSmiLibrary::Api {
  Status (*init)(uint64_t) = nullptr;
  Status (*shut_down)() = nullptr;
  Status (*status_string)(Status, const char**) = nullptr;
  Status (*sockets)(uint32_t*, Handle*) = nullptr;
  Status (*processors)(Handle, uint32_t*, Handle*) = nullptr;
  Status (*uuid)(Handle, unsigned int*, char*) = nullptr;
  Status (*asic)(Handle, void*) = nullptr;
  Status (*bdf)(Handle, uint64_t*) = nullptr;
  Status (*energy)(Handle, uint64_t*, float*, uint64_t*) = nullptr;
  Status (*activity)(Handle, void*) = nullptr;
  Status (*memory)(Handle, int, uint64_t*) = nullptr;
  Status (*temperature)(Handle, int, int, int64_t*) = nullptr;
  Status (*ecc)(Handle, void*) = nullptr;

  std::string text(Status rc) const {
    const char* s = nullptr;
    if (status_string && status_string(rc, &s) == 0 && s) return s;
    return "AMD SMI status " + std::to_string(rc);
  }

  GpuIdentity identity(Handle d, size_t i) const {
    GpuIdentity id;
    id.gpu_index = int(i);
    char buf[128] = {};
    unsigned int len = sizeof buf - 1;
    if (uuid && uuid(d, &len, buf) == 0) id.uuid = std::string(buf, strnlen(buf, sizeof buf - 1));
    if (id.uuid.empty()) id.uuid = "GPU-unknown-" + std::to_string(i);
    // amdsmi_asic_info_t starts with market_name[] in every release.
    std::vector<char> asic_info(kBuf, 0);
    if (asic && asic(d, asic_info.data()) == 0) id.model_name = asic_info.data();
    if (id.model_name.empty()) id.model_name = "Unknown AMD GPU";
    uint64_t b = 0;  // amdsmi_bdf_t: function 3 bits, device 5, bus 8, domain 48
    if (bdf && bdf(d, &b) == 0) {
      char s[32];
      std::snprintf(s, sizeof s, "%04llx:%02llx:%02llx.%llx",
                    static_cast<unsigned long long>(b >> 16),
                    static_cast<unsigned long long>((b >> 8) & 0xff),
                    static_cast<unsigned long long>((b >> 3) & 0x1f),
                    static_cast<unsigned long long>(b & 0x7));
      id.pci_bus_id = s;
    }
    id.device = "amd" + std::to_string(i);
    id.hostname = "localhost";
    return id;
  }
};

namespace {

void* open_library(const std::string& path, std::string* tried) {
  std::vector<std::string> candidates;
  if (!path.empty()) {
    candidates.push_back(path);
  } else {
    candidates.push_back("libamd_smi.so");
    const char* rocm = std::getenv("ROCM_PATH");
    candidates.push_back(std::string(rocm && *rocm ? rocm : "/opt/rocm") + "/lib/libamd_smi.so");
  }
  std::string first_error;
  for (const auto& c : candidates) {
    if (void* h = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL)) return h;
    const char* e = ::dlerror();
    if (first_error.empty()) first_error = e ? e : "not found";
  }
  *tried = candidates.front() + " (" + first_error + ")";
  return nullptr;
}

}  // namespace

std::unique_ptr<AmdSmiLibrary> AmdSmiLibrary::open(std::string* err, const std::string& path) {
  std::string tried;
  void* h = open_library(path, &tried);
  if (!h) {
    *err = "cannot load " + tried + "; AMD SMI comes with ROCm (amd-smi-lib)";
    return nullptr;
  }
  std::unique_ptr<AmdSmiLibrary> lib(new AmdSmiLibrary());
  lib->handle_ = h;
  lib->api_ = std::make_unique<Api>();
  Api& a = *lib->api_;
  auto sym = [&](auto& fn, const char* name) { dl_symbol(h, fn, name); };
  sym(a.init, "amdsmi_init");
  sym(a.shut_down, "amdsmi_shut_down");
  sym(a.sockets, "amdsmi_get_socket_handles");
  sym(a.processors, "amdsmi_get_processor_handles");
  if (!a.init || !a.shut_down || !a.sockets || !a.processors) {
    *err =
        "the AMD SMI library lacks amdsmi_init / amdsmi_get_socket_handles / "
        "amdsmi_get_processor_handles (ROCm too old?)";
    a.shut_down = nullptr;
    return nullptr;
  }
  sym(a.status_string, "amdsmi_status_code_to_string");
  sym(a.uuid, "amdsmi_get_gpu_device_uuid");
  sym(a.asic, "amdsmi_get_gpu_asic_info");
  sym(a.bdf, "amdsmi_get_gpu_device_bdf");
  sym(a.energy, "amdsmi_get_energy_count");
  sym(a.activity, "amdsmi_get_gpu_activity");
  sym(a.memory, "amdsmi_get_gpu_memory_usage");
  sym(a.temperature, "amdsmi_get_temp_metric");
  sym(a.ecc, "amdsmi_get_gpu_total_ecc_count");
  if (Status rc = a.init(kInitAmdGpus); rc != 0) {
    *err = "amdsmi_init failed: " + a.text(rc) + " (is the amdgpu driver loaded?)";
    a.shut_down = nullptr;
    return nullptr;
  }
  uint32_t n_sockets = 0;
  if (Status rc = a.sockets(&n_sockets, nullptr); rc != 0) {
    *err = "amdsmi_get_socket_handles failed: " + a.text(rc);
    return nullptr;
  }
  std::vector<Handle> sockets(n_sockets);
  if (n_sockets && a.sockets(&n_sockets, sockets.data()) != 0) n_sockets = 0;
  sockets.resize(std::min<size_t>(n_sockets, sockets.size()));
  for (Handle s : sockets) {
    uint32_t n = 0;
    if (a.processors(s, &n, nullptr) != 0 || n == 0) continue;
    std::vector<Handle> procs(n);
    if (a.processors(s, &n, procs.data()) != 0) continue;
    procs.resize(std::min<size_t>(n, procs.size()));
    for (Handle p : procs) lib->devices_.push_back(p);
  }
  if (lib->devices_.empty()) {
    *err = "AMD SMI sees no GPU";
    return nullptr;
  }
  for (size_t i = 0; i < lib->devices_.size(); ++i) {
    lib->gpus_.push_back(a.identity(lib->devices_[i], i));
  }
  lib->last_.resize(lib->devices_.size());
  if (!a.energy) {
    spdlog::warn(
        "GPU telemetry (amdsmi): amdsmi_get_energy_count is missing; energy and power "
        "figures will be missing");
  }
  return lib;
}

AmdSmiLibrary::~AmdSmiLibrary() {
  if (api_ && api_->shut_down) api_->shut_down();
  if (handle_) ::dlclose(handle_);
}

AmdSmiReading AmdSmiLibrary::read(size_t i) {
  AmdSmiReading r;
  const Api& a = *api_;
  Handle d = devices_[i];
  uint64_t acc = 0, ts = 0;
  float res = 0;
  if (a.energy && a.energy(d, &acc, &res, &ts) == 0 && res > 0 && std::isfinite(res)) {
    const double uj = double(acc) * double(res);
    r.energy_uj = uj;
    const uint64_t t = ts ? ts : uint64_t(mono_ns());
    Last& l = last_[i];
    if (l.valid && t > l.t_ns && uj >= l.energy_uj) {
      r.power_w = (uj - l.energy_uj) / double(t - l.t_ns) * 1e3;  // µJ/ns -> W
    }
    l = {uj, t, true};
  }
  std::vector<uint32_t> usage(kBuf / 4, 0);  // amdsmi_engine_usage_t: gfx, umc, mm first
  if (a.activity && a.activity(d, usage.data()) == 0) {
    if (valid_percent(usage[0])) r.gfx = usage[0];
    if (valid_percent(usage[1])) r.umc = usage[1];
    if (valid_percent(usage[2])) r.mm = usage[2];
  }
  uint64_t used = 0;
  if (a.memory && a.memory(d, kMemVram, &used) == 0 && used != UINT64_MAX) {
    r.vram_used_bytes = used;
  }
  int64_t temp = 0;
  if (a.temperature && a.temperature(d, kTempHotspot, kTempCurrent, &temp) == 0 && temp >= 0) {
    // The C API gives °C; some releases gave millidegrees: no GPU runs above 200 °C (AIPerf's
    // rule).
    r.temperature_c = temp > 200 ? double(temp) / 1000.0 : double(temp);
  }
  std::vector<uint64_t> ecc(kBuf / 8, 0);  // amdsmi_error_count_t: correctable, uncorrectable
  if (a.ecc && a.ecc(d, ecc.data()) == 0 && ecc[1] != UINT64_MAX) r.ecc_uncorrectable = ecc[1];
  return r;
}

GpuRecord AmdSmiLibrary::to_record(const GpuIdentity& id, const AmdSmiReading& r,
                                   const std::vector<GpuMetricDef>& defs) {
  GpuRecord rec;
  rec.id = id;
  rec.values.assign(defs.size(), kNaN);
  auto set = [&](const char* field, auto opt, double scale) {
    if (!opt) return;
    for (size_t i = 0; i < defs.size(); ++i) {
      if (defs[i].field == field) rec.values[i] = double(*opt) * scale;
    }
  };
  set("amd_power", r.power_w, 1.0);
  set("amd_energy_consumption", r.energy_uj, 1e-12);  // µJ -> MJ
  set("amd_gfx_activity", r.gfx, 1.0);
  set("amd_umc_activity", r.umc, 1.0);
  set("amd_mm_activity", r.mm, 1.0);
  set("amd_memory_used", r.vram_used_bytes, 1e-9);  // bytes -> GB
  set("amd_temperature", r.temperature_c, 1.0);
  set("amd_ecc_uncorrectable", r.ecc_uncorrectable, 1.0);
  return rec;
}

}  // namespace aiperf::telemetry
