/* A stand-in for the NVIDIA driver's libnvidia-ml.so.1 for the tests of the NVML collector
 * (src/aiperf/telemetry/nvml.cpp): the entry points it resolves, with deterministic values.
 * FAKE_NVML_GPUS=<n> (default 2) GPUs; FAKE_NVML_INIT_FAIL=1 makes nvmlInit_v2 fail as without a
 * driver. GPU i draws 100 + 10 i W; its energy counter is that power integrated since
 * nvmlInit_v2 (mJ), so an energy delta is exactly power x time. nvmlDeviceGetJpgUtilization is
 * absent (an older driver) and nvmlDeviceGetViolationStatus answers NOT_SUPPORTED. GPM: GPU 0
 * supports it (SM utilization 60 % between two samples of it, taken in order), the others do
 * not; FAKE_NVML_SM_UTIL=<x> sets GPU 0's value (to test clamping). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef int nvmlReturn_t;
typedef struct fake_device* nvmlDevice_t;
struct fake_device {
  unsigned index;
};
typedef struct {
  unsigned int gpu, memory;
} nvmlUtilization_t;
typedef struct {
  unsigned long long total, free, used;
} nvmlMemory_t;
typedef struct {
  char busIdLegacy[16];
  unsigned int domain, bus, device, pciDeviceId, pciSubSystemId;
  char busId[32];
} nvmlPciInfo_t;
typedef struct {
  unsigned long long referenceTime, violationTime;
} nvmlViolationTime_t;

enum { kSuccess = 0, kInvalidArgument = 2, kNotSupported = 3, kDriverNotLoaded = 9 };

static struct fake_device g_devices[64];
static double g_init_s = 0;
static int g_init = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static unsigned gpu_count(void) {
  const char* e = getenv("FAKE_NVML_GPUS");
  int n = e ? atoi(e) : 2;
  return n < 0 ? 0u : (n > 64 ? 64u : (unsigned)n);
}

static unsigned power_mw(unsigned i) { return 100000u + 10000u * i; }

nvmlReturn_t nvmlInit_v2(void) {
  const char* f = getenv("FAKE_NVML_INIT_FAIL");
  if (f && *f == '1') return kDriverNotLoaded;
  g_init = 1;
  g_init_s = now_s();
  return kSuccess;
}
nvmlReturn_t nvmlShutdown(void) {
  g_init = 0;
  return kSuccess;
}
const char* nvmlErrorString(nvmlReturn_t r) {
  switch (r) {
    case kSuccess: return "Success";
    case kNotSupported: return "Not Supported";
    case kDriverNotLoaded: return "Driver Not Loaded";
    default: return "Unknown Error";
  }
}
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* n) {
  *n = gpu_count();
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t* d) {
  if (i >= gpu_count()) return kInvalidArgument;
  g_devices[i].index = i;
  *d = &g_devices[i];
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char* buf, unsigned int len) {
  snprintf(buf, len, "NVIDIA Fake GPU %u", d->index);
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t d, char* buf, unsigned int len) {
  snprintf(buf, len, "GPU-fake0000-0000-0000-0000-%012u", d->index);
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t d, nvmlPciInfo_t* p) {
  memset(p, 0, sizeof *p);
  snprintf(p->busId, sizeof p->busId, "00000000:%02X:00.0", 0x10 + d->index);
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int* mw) {
  *mw = power_mw(d->index);
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long* mj) {
  double s = g_init ? now_s() - g_init_s : 0.0;
  *mj = 5000000ull + (unsigned long long)(s * (double)power_mw(d->index));
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t d, nvmlUtilization_t* u) {
  u->gpu = 50 + d->index;
  u->memory = 20 + d->index;
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t* m) {
  m->total = 80000000000ull;
  m->used = 10000000000ull + 1000000000ull * d->index;
  m->free = m->total - m->used;
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int* t) {
  if (sensor != 0) return kNotSupported;
  *t = 40 + d->index;
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int* mhz) {
  (void)d;
  if (type == 1) *mhz = 1500;
  else if (type == 2) *mhz = 1200;
  else return kNotSupported;
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetEncoderUtilization(nvmlDevice_t d, unsigned int* u, unsigned int* p) {
  (void)d;
  *u = 0;
  *p = 167000;
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetDecoderUtilization(nvmlDevice_t d, unsigned int* u, unsigned int* p) {
  (void)d;
  *u = 3;
  *p = 167000;
  return kSuccess;
}
nvmlReturn_t nvmlDeviceGetViolationStatus(nvmlDevice_t d, int policy, nvmlViolationTime_t* v) {
  (void)d;
  (void)policy;
  (void)v;
  return kNotSupported;
}

/* GPM: a sample remembers its device and when it was taken (a sequence number). */
typedef struct fake_sample {
  int device;
  unsigned long long seq;
} * nvmlGpmSample_t;
typedef struct {
  unsigned int version, isSupportedDevice;
} nvmlGpmSupport_t;
typedef struct {
  unsigned int metricId;
  nvmlReturn_t nvmlReturn;
  double value;
  struct {
    char *shortName, *longName, *unit;
  } metricInfo;
} nvmlGpmMetric_t;
typedef struct {
  unsigned int version, numMetrics;
  nvmlGpmSample_t sample1, sample2;
  nvmlGpmMetric_t metrics[98]; /* the smallest NVML_GPM_METRIC_MAX a driver had */
} nvmlGpmMetricsGet_t;

static unsigned long long g_seq = 0;

nvmlReturn_t nvmlGpmQueryDeviceSupport(nvmlDevice_t d, nvmlGpmSupport_t* s) {
  if (s->version != 1) return kInvalidArgument;
  s->isSupportedDevice = d->index == 0;
  return kSuccess;
}
nvmlReturn_t nvmlGpmSampleAlloc(nvmlGpmSample_t* s) {
  *s = calloc(1, sizeof **s);
  (*s)->device = -1;
  return *s ? kSuccess : kInvalidArgument;
}
nvmlReturn_t nvmlGpmSampleFree(nvmlGpmSample_t s) {
  free(s);
  return kSuccess;
}
nvmlReturn_t nvmlGpmSampleGet(nvmlDevice_t d, nvmlGpmSample_t s) {
  if (d->index != 0) return kNotSupported;
  s->device = (int)d->index;
  s->seq = ++g_seq;
  return kSuccess;
}
nvmlReturn_t nvmlGpmMetricsGet(nvmlGpmMetricsGet_t* m) {
  if (m->version != 1 || m->numMetrics > 98) return kInvalidArgument;
  /* Two samples of one device, the second taken after the first. */
  if (!m->sample1 || !m->sample2 || m->sample1->device < 0 ||
      m->sample1->device != m->sample2->device || m->sample2->seq <= m->sample1->seq) {
    return kInvalidArgument;
  }
  const char* e = getenv("FAKE_NVML_SM_UTIL");
  for (unsigned i = 0; i < m->numMetrics; ++i) {
    m->metrics[i].nvmlReturn = m->metrics[i].metricId == 2 ? kSuccess : kNotSupported;
    m->metrics[i].value = e ? atof(e) : 60.0;
  }
  return kSuccess;
}
