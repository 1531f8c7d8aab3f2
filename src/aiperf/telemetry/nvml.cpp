// NVML through dlopen (nvml.h). Only documented, stable entry points are used; every optional
// one may be missing from an old driver or unsupported by a GPU, and then its field stays empty.
#include "aiperf/telemetry/nvml.h"

#include <dlfcn.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <utility>

namespace aiperf::telemetry {

namespace {

// NVML's C types (nvml.h of the CUDA toolkit), declared by layout.
using NvmlReturn = int;  // nvmlReturn_t; 0 = NVML_SUCCESS
using NvmlDevice = void*;
struct NvmlUtilization {
  unsigned int gpu;
  unsigned int memory;
};
struct NvmlMemory {
  unsigned long long total, free, used;
};
struct NvmlPciInfo {
  char bus_id_legacy[16];
  unsigned int domain, bus, device, pci_device_id, pci_sub_system_id;
  char bus_id[32];
};
struct NvmlViolationTime {
  unsigned long long reference_time, violation_time;
};
// GPM (GPU performance metrics, Hopper and newer): two samples give device-level rates.
using NvmlGpmSample = void*;
struct NvmlGpmSupport {
  unsigned int version;  // NVML_GPM_SUPPORT_VERSION (1)
  unsigned int is_supported_device;
};
struct NvmlGpmMetric {
  unsigned int metric_id;
  NvmlReturn nvml_return;
  double value;
  struct {
    char *short_name, *long_name, *unit;
  } info;
};
// nvmlGpmMetricsGet_t with room for NVML_GPM_METRIC_MAX of any driver (98 to 333 so far); NVML
// touches only the first num_metrics entries.
struct NvmlGpmMetricsGet {
  unsigned int version;  // NVML_GPM_METRICS_GET_VERSION (1)
  unsigned int num_metrics;
  NvmlGpmSample sample1, sample2;
  NvmlGpmMetric metrics[333];
};
constexpr unsigned kGpmSmUtil = 2;   // NVML_GPM_METRIC_SM_UTIL: % of SMs busy
constexpr int kTemperatureGpu = 0;   // NVML_TEMPERATURE_GPU
constexpr int kClockSm = 1;          // NVML_CLOCK_SM
constexpr int kClockMem = 2;         // NVML_CLOCK_MEM
constexpr int kPerfPolicyPower = 0;  // NVML_PERF_POLICY_POWER

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

}  // namespace

struct NvmlLibrary::Api {
  NvmlReturn (*init)() = nullptr;
  NvmlReturn (*shutdown)() = nullptr;
  const char* (*error_string)(NvmlReturn) = nullptr;
  NvmlReturn (*count)(unsigned int*) = nullptr;
  NvmlReturn (*handle)(unsigned int, NvmlDevice*) = nullptr;
  NvmlReturn (*name)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*uuid)(NvmlDevice, char*, unsigned int) = nullptr;
  NvmlReturn (*pci)(NvmlDevice, NvmlPciInfo*) = nullptr;
  NvmlReturn (*power)(NvmlDevice, unsigned int*) = nullptr;
  NvmlReturn (*energy)(NvmlDevice, unsigned long long*) = nullptr;
  NvmlReturn (*util)(NvmlDevice, NvmlUtilization*) = nullptr;
  NvmlReturn (*memory)(NvmlDevice, NvmlMemory*) = nullptr;
  NvmlReturn (*temperature)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*clock)(NvmlDevice, int, unsigned int*) = nullptr;
  NvmlReturn (*enc)(NvmlDevice, unsigned int*, unsigned int*) = nullptr;
  NvmlReturn (*dec)(NvmlDevice, unsigned int*, unsigned int*) = nullptr;
  NvmlReturn (*jpg)(NvmlDevice, unsigned int*, unsigned int*) = nullptr;
  NvmlReturn (*violation)(NvmlDevice, int, NvmlViolationTime*) = nullptr;
  NvmlReturn (*gpm_support)(NvmlDevice, NvmlGpmSupport*) = nullptr;
  NvmlReturn (*gpm_alloc)(NvmlGpmSample*) = nullptr;
  NvmlReturn (*gpm_free)(NvmlGpmSample) = nullptr;
  NvmlReturn (*gpm_sample)(NvmlDevice, NvmlGpmSample) = nullptr;
  NvmlReturn (*gpm_metrics)(NvmlGpmMetricsGet*) = nullptr;
  std::vector<bool> energy_ok;  // per device: the energy counter answered at start
  /// Per device: GPM samples (previous, current), both null without GPM.
  std::vector<std::pair<NvmlGpmSample, NvmlGpmSample>> gpm;

  /// GPM for device `d`: allocates its two samples and takes the first, as AIPerf does.
  std::pair<NvmlGpmSample, NvmlGpmSample> start_gpm(NvmlDevice d) const {
    if (!gpm_support || !gpm_alloc || !gpm_free || !gpm_sample || !gpm_metrics) return {};
    NvmlGpmSupport sup{1, 0};
    if (gpm_support(d, &sup) != 0 || !sup.is_supported_device) return {};
    NvmlGpmSample a = nullptr, b = nullptr;
    if (gpm_alloc(&a) != 0) return {};
    if (gpm_alloc(&b) != 0 || gpm_sample(d, a) != 0) {
      gpm_free(a);
      if (b) gpm_free(b);
      return {};
    }
    return {a, b};
  }

  /// SM utilization (%) since the previous sample of device i; the samples swap.
  std::optional<double> sm_util(size_t i, NvmlDevice d) {
    auto& [prev, cur] = gpm[i];
    if (!prev) return std::nullopt;
    std::optional<double> out;
    if (gpm_sample(d, cur) == 0) {
      auto m = std::make_unique<NvmlGpmMetricsGet>();
      std::memset(m.get(), 0, sizeof *m);
      m->version = 1;
      m->num_metrics = 1;
      m->sample1 = prev;
      m->sample2 = cur;
      m->metrics[0].metric_id = kGpmSmUtil;
      if (gpm_metrics(m.get()) == 0 && m->metrics[0].nvml_return == 0 &&
          std::isfinite(m->metrics[0].value)) {
        out = std::min(std::max(m->metrics[0].value, 0.0), 100.0);
      }
      std::swap(prev, cur);
    }
    return out;
  }

  void resolve_optional(void* h) {
    auto sym = [&](auto& fn, const char* name) {
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
    };
    sym(name, "nvmlDeviceGetName");
    sym(uuid, "nvmlDeviceGetUUID");
    sym(pci, "nvmlDeviceGetPciInfo_v3");
    sym(power, "nvmlDeviceGetPowerUsage");
    sym(energy, "nvmlDeviceGetTotalEnergyConsumption");
    sym(util, "nvmlDeviceGetUtilizationRates");
    sym(memory, "nvmlDeviceGetMemoryInfo");
    sym(temperature, "nvmlDeviceGetTemperature");
    sym(clock, "nvmlDeviceGetClockInfo");
    sym(enc, "nvmlDeviceGetEncoderUtilization");
    sym(dec, "nvmlDeviceGetDecoderUtilization");
    sym(jpg, "nvmlDeviceGetJpgUtilization");
    sym(violation, "nvmlDeviceGetViolationStatus");
    sym(gpm_support, "nvmlGpmQueryDeviceSupport");
    sym(gpm_alloc, "nvmlGpmSampleAlloc");
    sym(gpm_free, "nvmlGpmSampleFree");
    sym(gpm_sample, "nvmlGpmSampleGet");
    sym(gpm_metrics, "nvmlGpmMetricsGet");
  }

  GpuIdentity identity(NvmlDevice d, unsigned int i) const {
    GpuIdentity id;
    id.gpu_index = int(i);
    char buf[128] = {};
    if (uuid && uuid(d, buf, sizeof buf) == 0) id.uuid = buf;
    if (id.uuid.empty()) id.uuid = "GPU-unknown-" + std::to_string(i);
    std::memset(buf, 0, sizeof buf);
    id.model_name = name && name(d, buf, sizeof buf) == 0 ? buf : "Unknown GPU";
    NvmlPciInfo p{};
    if (pci && pci(d, &p) == 0) {
      p.bus_id[sizeof p.bus_id - 1] = 0;
      id.pci_bus_id = p.bus_id;
    }
    id.device = "nvidia" + std::to_string(i);
    id.hostname = "localhost";
    return id;
  }

  std::string text(NvmlReturn rc) const {
    const char* s = error_string ? error_string(rc) : nullptr;
    return s ? s : "NVML error " + std::to_string(rc);
  }
};

std::unique_ptr<NvmlLibrary> NvmlLibrary::open(std::string* err, const std::string& path) {
  void* h = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = ::dlerror();
    *err = "cannot load " + path + " (" + (e ? e : "not found") +
           "); NVML needs the NVIDIA driver on this machine";
    return nullptr;
  }
  std::unique_ptr<NvmlLibrary> lib(new NvmlLibrary());
  lib->handle_ = h;
  lib->api_ = std::make_unique<Api>();
  Api& a = *lib->api_;
  auto sym = [&](auto& fn, const char* name) {
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(h, name));
  };
  sym(a.init, "nvmlInit_v2");
  sym(a.shutdown, "nvmlShutdown");
  sym(a.error_string, "nvmlErrorString");
  sym(a.count, "nvmlDeviceGetCount_v2");
  sym(a.handle, "nvmlDeviceGetHandleByIndex_v2");
  if (!a.init || !a.shutdown || !a.count || !a.handle) {
    *err = path +
           " lacks nvmlInit_v2 / nvmlDeviceGetCount_v2 / nvmlDeviceGetHandleByIndex_v2 "
           "(driver too old?)";
    a.shutdown = nullptr;  // nothing to shut down
    return nullptr;
  }
  a.resolve_optional(h);
  if (NvmlReturn rc = a.init(); rc != 0) {
    *err = "nvmlInit failed: " + a.text(rc) + " (is the NVIDIA driver loaded?)";
    a.shutdown = nullptr;
    return nullptr;
  }
  unsigned int n = 0;
  if (NvmlReturn rc = a.count(&n); rc != 0 || n == 0) {
    *err = rc != 0 ? "nvmlDeviceGetCount failed: " + a.text(rc) : "NVML sees no GPU";
    return nullptr;
  }
  for (unsigned int i = 0; i < n; ++i) {
    NvmlDevice d = nullptr;
    if (a.handle(i, &d) != 0) continue;
    GpuIdentity id = a.identity(d, i);
    unsigned long long e = 0;
    bool eok = a.energy && a.energy(d, &e) == 0;
    if (!eok) {
      spdlog::warn(
          "GPU telemetry: GPU {} ({}) has no NVML energy counter (it needs a Volta or newer GPU "
          "and driver); energy figures will be missing for it",
          i, id.model_name);
    }
    a.energy_ok.push_back(eok);
    a.gpm.push_back(a.start_gpm(d));
    lib->devices_.push_back(d);
    lib->gpus_.push_back(std::move(id));
  }
  if (lib->gpus_.empty()) {
    *err = "NVML lists " + std::to_string(n) + " GPU(s) but none can be opened";
    return nullptr;
  }
  return lib;
}

NvmlLibrary::~NvmlLibrary() {
  if (api_) {
    for (auto& [a, b] : api_->gpm) {
      if (a) api_->gpm_free(a);
      if (b) api_->gpm_free(b);
    }
  }
  if (api_ && api_->shutdown) api_->shutdown();
  if (handle_) ::dlclose(handle_);
}

NvmlReading NvmlLibrary::read(size_t i) {
  NvmlReading r;
  Api& a = *api_;
  NvmlDevice d = devices_[i];
  unsigned int u = 0, period = 0;
  if (a.power && a.power(d, &u) == 0) r.power_mw = u;
  unsigned long long e = 0;
  if (a.energy && a.energy_ok[i] && a.energy(d, &e) == 0) r.energy_mj = e;
  NvmlUtilization ut{};
  if (a.util && a.util(d, &ut) == 0) {
    r.gpu_util = ut.gpu;
    r.mem_util = ut.memory;
  }
  NvmlMemory m{};
  if (a.memory && a.memory(d, &m) == 0) r.mem_used_bytes = m.used;
  if (a.temperature && a.temperature(d, kTemperatureGpu, &u) == 0) r.temperature_c = u;
  if (a.clock && a.clock(d, kClockSm, &u) == 0) r.sm_clock_mhz = u;
  if (a.clock && a.clock(d, kClockMem, &u) == 0) r.mem_clock_mhz = u;
  if (a.enc && a.enc(d, &u, &period) == 0) r.enc_util = u;
  if (a.dec && a.dec(d, &u, &period) == 0) r.dec_util = u;
  if (a.jpg && a.jpg(d, &u, &period) == 0) r.jpg_util = u;
  NvmlViolationTime v{};
  if (a.violation && a.violation(d, kPerfPolicyPower, &v) == 0)
    r.power_violation_ns = v.violation_time;
  r.sm_util = a.sm_util(i, d);
  return r;
}

GpuRecord NvmlLibrary::to_record(const GpuIdentity& id, const NvmlReading& r,
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
  set("gpu_power_usage", r.power_mw, 1e-3);
  set("energy_consumption", r.energy_mj, 1e-9);
  set("gpu_utilization", r.gpu_util, 1.0);
  set("mem_utilization", r.mem_util, 1.0);
  set("gpu_memory_used", r.mem_used_bytes, 1e-9);
  set("gpu_temperature", r.temperature_c, 1.0);
  set("sm_clock", r.sm_clock_mhz, 1.0);
  set("mem_clock", r.mem_clock_mhz, 1.0);
  set("encoder_utilization", r.enc_util, 1.0);
  set("decoder_utilization", r.dec_util, 1.0);
  set("jpg_utilization", r.jpg_util, 1.0);
  set("power_violation", r.power_violation_ns, 1e-3);
  set("sm_utilization", r.sm_util, 1.0);
  return rec;
}

}  // namespace aiperf::telemetry
