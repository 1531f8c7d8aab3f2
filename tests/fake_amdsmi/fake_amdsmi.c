/* A stand-in for ROCm's libamd_smi.so for the tests of the AMD SMI collector
 * (src/aiperf/telemetry/amdsmi.cpp): the entry points it resolves, with deterministic values and
 * the layouts of ROCm 6.4's amdsmi.h. FAKE_AMDSMI_GPUS=<n> (default 2) GPUs on one socket;
 * FAKE_AMDSMI_INIT_FAIL=1 makes amdsmi_init fail as without a driver. GPU i draws 500 + 100 i W:
 * its energy accumulator (15.3 uJ per tick) grows with power x time since amdsmi_init, and the
 * counter's timestamp is CLOCK_MONOTONIC in ns, so power derived from it is exact. GPU 1 answers
 * NOT_SUPPORTED for ECC, and its mm_activity is the 0xFFFF "not available" marker. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int amdsmi_status_t;
typedef void* amdsmi_socket_handle;
typedef void* amdsmi_processor_handle;

enum { kSuccess = 0, kInval = 1, kNotSupported = 2, kDriverNotLoaded = 49 };

typedef struct {
  char market_name[256];
  uint32_t vendor_id;
  char vendor_name[256];
  uint32_t subvendor_id;
  uint64_t device_id;
  uint32_t rev_id;
  char asic_serial[256];
  uint32_t oam_id, num_of_compute_units;
  uint64_t target_graphics_version;
  uint32_t reserved[22];
} amdsmi_asic_info_t;
typedef struct {
  uint32_t gfx_activity, umc_activity, mm_activity;
  uint32_t reserved[13];
} amdsmi_engine_usage_t;
typedef struct {
  uint64_t correctable_count, uncorrectable_count, deferred_count;
  uint64_t reserved[5];
} amdsmi_error_count_t;

static int g_init = 0;
static double g_init_s = 0;
static int g_socket = 0;
static int g_gpus[64];

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
static unsigned gpu_count(void) {
  const char* e = getenv("FAKE_AMDSMI_GPUS");
  int n = e ? atoi(e) : 2;
  return n < 0 ? 0u : (n > 64 ? 64u : (unsigned)n);
}
static int index_of(amdsmi_processor_handle h) { return (int)((int*)h - g_gpus); }
static double power_w(int i) { return 500.0 + 100.0 * i; }

amdsmi_status_t amdsmi_init(uint64_t flags) {
  const char* f = getenv("FAKE_AMDSMI_INIT_FAIL");
  if (f && *f == '1') return kDriverNotLoaded;
  if (!(flags & 2u)) return kInval; /* AMDSMI_INIT_AMD_GPUS expected */
  g_init = 1;
  g_init_s = now_s();
  return kSuccess;
}
amdsmi_status_t amdsmi_shut_down(void) {
  g_init = 0;
  return kSuccess;
}
amdsmi_status_t amdsmi_status_code_to_string(amdsmi_status_t s, const char** out) {
  switch (s) {
    case kSuccess: *out = "AMDSMI_STATUS_SUCCESS: Call succeeded"; break;
    case kNotSupported: *out = "AMDSMI_STATUS_NOT_SUPPORTED: Feature not supported"; break;
    case kDriverNotLoaded: *out = "AMDSMI_STATUS_DRIVER_NOT_LOADED: Driver not loaded"; break;
    default: *out = "AMDSMI_STATUS_UNKNOWN_ERROR: An unknown error occurred"; break;
  }
  return kSuccess;
}
amdsmi_status_t amdsmi_get_socket_handles(uint32_t* count, amdsmi_socket_handle* sockets) {
  if (!g_init || !count) return kInval;
  if (!sockets) {
    *count = 1;
    return kSuccess;
  }
  if (*count < 1) return kInval;
  sockets[0] = &g_socket;
  *count = 1;
  return kSuccess;
}
amdsmi_status_t amdsmi_get_processor_handles(amdsmi_socket_handle s, uint32_t* count,
                                             amdsmi_processor_handle* out) {
  if (!g_init || s != &g_socket || !count) return kInval;
  unsigned n = gpu_count();
  if (!out) {
    *count = n;
    return kSuccess;
  }
  if (*count < n) return kInval;
  for (unsigned i = 0; i < n; ++i) out[i] = &g_gpus[i];
  *count = n;
  return kSuccess;
}
amdsmi_status_t amdsmi_get_gpu_device_uuid(amdsmi_processor_handle h, unsigned int* len,
                                           char* uuid) {
  if (!len || *len < 38) return kInval;
  snprintf(uuid, *len, "fake%04d-0000-0000-0000-000000000000", index_of(h));
  *len = (unsigned)strlen(uuid);
  return kSuccess;
}
amdsmi_status_t amdsmi_get_gpu_asic_info(amdsmi_processor_handle h, amdsmi_asic_info_t* info) {
  memset(info, 0, sizeof *info);
  snprintf(info->market_name, sizeof info->market_name, "AMD Instinct Fake %d", index_of(h));
  info->vendor_id = 0x1002;
  return kSuccess;
}
amdsmi_status_t amdsmi_get_gpu_device_bdf(amdsmi_processor_handle h, uint64_t* bdf) {
  /* function 0, device 0, bus 0x0c + i, domain 0 */
  *bdf = (uint64_t)(0x0c + index_of(h)) << 8;
  return kSuccess;
}
amdsmi_status_t amdsmi_get_energy_count(amdsmi_processor_handle h, uint64_t* acc, float* res,
                                        uint64_t* ts) {
  if (!acc || !res || !ts) return kInval;
  double t = now_s();
  double uj = 1e12 + (t - g_init_s) * power_w(index_of(h)) * 1e6;
  *res = 15.3f;
  *acc = (uint64_t)(uj / (double)*res);
  *ts = (uint64_t)(t * 1e9);
  return kSuccess;
}
amdsmi_status_t amdsmi_get_gpu_activity(amdsmi_processor_handle h, amdsmi_engine_usage_t* u) {
  int i = index_of(h);
  u->gfx_activity = 70 + (uint32_t)i;
  u->umc_activity = 30 + (uint32_t)i;
  u->mm_activity = i == 1 ? 0xFFFFu : 0u;
  return kSuccess;
}
amdsmi_status_t amdsmi_get_gpu_memory_usage(amdsmi_processor_handle h, int type, uint64_t* used) {
  if (type != 0) return kNotSupported;
  *used = 100000000000ull + 1000000000ull * (uint64_t)index_of(h);
  return kSuccess;
}
amdsmi_status_t amdsmi_get_temp_metric(amdsmi_processor_handle h, int type, int metric,
                                       int64_t* t) {
  if (type != 1 || metric != 0) return kNotSupported;
  /* GPU 1 answers in millidegrees, as some releases did. */
  *t = index_of(h) == 1 ? 61000 : 60;
  return kSuccess;
}
amdsmi_status_t amdsmi_get_gpu_total_ecc_count(amdsmi_processor_handle h,
                                               amdsmi_error_count_t* ec) {
  if (index_of(h) == 1) return kNotSupported;
  memset(ec, 0, sizeof *ec);
  ec->correctable_count = 7;
  ec->uncorrectable_count = 2;
  return kSuccess;
}
