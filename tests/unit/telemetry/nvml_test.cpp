// The NVML collector through dlopen, against the fake libnvidia-ml.so.1 built with the tests
// (tests/fake_nvml/fake_nvml.c): identities, readings, NVML's units converted to AIPerf's, a
// missing optional symbol, a library or driver that is not there, and a machine without GPUs.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <thread>

#include "aiperf/common/clock.h"
#include "aiperf/telemetry/gpu_collector.h"
#include "aiperf/telemetry/nvml.h"

namespace aiperf::telemetry {
namespace {

struct EnvGuard {
  const char* name;
  EnvGuard(const char* n, const char* v) : name(n) { setenv(n, v, 1); }
  ~EnvGuard() { unsetenv(name); }
};

TEST(Nvml, FakeLibraryGivesIdentitiesAndReadingsInAiperfUnits) {
  std::string err;
  auto lib = NvmlLibrary::open(&err, FAKE_NVML_PATH);
  ASSERT_TRUE(lib) << err;
  ASSERT_EQ(lib->gpus().size(), 2u);
  const GpuIdentity& g1 = lib->gpus()[1];
  EXPECT_EQ(g1.gpu_index, 1);
  EXPECT_EQ(g1.model_name, "NVIDIA Fake GPU 1");
  EXPECT_EQ(g1.uuid, "GPU-fake0000-0000-0000-0000-000000000001");
  EXPECT_EQ(g1.pci_bus_id, "00000000:11:00.0");
  EXPECT_EQ(g1.device, "nvidia1");
  NvmlReading r = lib->read(1);
  ASSERT_TRUE(r.power_mw);
  EXPECT_EQ(*r.power_mw, 110000u);
  EXPECT_TRUE(r.energy_mj);
  EXPECT_FALSE(r.jpg_util);            // symbol absent: an older driver
  EXPECT_FALSE(r.power_violation_ns);  // NOT_SUPPORTED
  auto defs = default_gpu_metrics();
  GpuRecord rec = NvmlLibrary::to_record(g1, r, defs);
  auto value = [&](const char* f) -> double {
    for (size_t i = 0; i < defs.size(); ++i) {
      if (defs[i].field == f) return rec.values[i];
    }
    return NAN;
  };
  EXPECT_DOUBLE_EQ(value("gpu_power_usage"), 110.0);  // mW -> W
  EXPECT_DOUBLE_EQ(value("gpu_memory_used"), 11.0);   // bytes -> GB
  EXPECT_DOUBLE_EQ(value("gpu_utilization"), 51.0);
  EXPECT_DOUBLE_EQ(value("gpu_temperature"), 41.0);
  EXPECT_DOUBLE_EQ(value("sm_clock"), 1500.0);
  EXPECT_DOUBLE_EQ(value("decoder_utilization"), 3.0);
  EXPECT_NEAR(value("energy_consumption"), double(*r.energy_mj) * 1e-9, 1e-15);  // mJ -> MJ
  EXPECT_TRUE(std::isnan(value("jpg_utilization")));
  // The energy counter advances with power x time.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  NvmlReading r2 = lib->read(1);
  double joules = double(*r2.energy_mj - *r.energy_mj) / 1000.0;
  EXPECT_GT(joules, 110.0 * 0.19);
}

TEST(Nvml, SmUtilizationThroughGpmWhereTheGpuHasIt) {
  std::string err;
  auto lib = NvmlLibrary::open(&err, FAKE_NVML_PATH);
  ASSERT_TRUE(lib) << err;
  // GPU 0 has GPM: every read compares a new sample with the previous one (the fake refuses
  // samples out of order or of another GPU, so three reads in a row prove the swap).
  for (int k = 0; k < 3; ++k) {
    NvmlReading r = lib->read(0);
    ASSERT_TRUE(r.sm_util) << k;
    EXPECT_DOUBLE_EQ(*r.sm_util, 60.0);
  }
  auto defs = default_gpu_metrics();
  GpuRecord rec = NvmlLibrary::to_record(lib->gpus()[0], lib->read(0), defs);
  bool found = false;
  for (size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].field == "sm_utilization") {
      EXPECT_DOUBLE_EQ(rec.values[i], 60.0);
      found = true;
    }
  }
  EXPECT_TRUE(found);
  EXPECT_FALSE(lib->read(1).sm_util);  // GPU 1 has no GPM: the field stays empty
}

TEST(Nvml, SmUtilizationIsClampedTo100) {
  EnvGuard g("FAKE_NVML_SM_UTIL", "130");
  std::string err;
  auto lib = NvmlLibrary::open(&err, FAKE_NVML_PATH);
  ASSERT_TRUE(lib) << err;
  NvmlReading r = lib->read(0);
  ASSERT_TRUE(r.sm_util);
  EXPECT_DOUBLE_EQ(*r.sm_util, 100.0);
}

TEST(Nvml, MissingLibraryDriverOrGpusIsOneClearLine) {
  std::string err;
  EXPECT_FALSE(NvmlLibrary::open(&err, "/nonexistent/libnvidia-ml.so.1"));
  EXPECT_NE(err.find("cannot load"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
  {
    EnvGuard g("FAKE_NVML_INIT_FAIL", "1");
    EXPECT_FALSE(NvmlLibrary::open(&err, FAKE_NVML_PATH));
    EXPECT_NE(err.find("Driver Not Loaded"), std::string::npos) << err;
  }
  {
    EnvGuard g("FAKE_NVML_GPUS", "0");
    EXPECT_FALSE(NvmlLibrary::open(&err, FAKE_NVML_PATH));
    EXPECT_NE(err.find("no GPU"), std::string::npos) << err;
  }
}

TEST(Nvml, CollectorSamplesEveryGpuOverTheWindow) {
  GpuSettings s;
  s.nvml = true;
  s.nvml_library = FAKE_NVML_PATH;
  s.interval_ns = 20'000'000;
  GpuCollector c(s);
  c.start();
  c.scrape_all_now(1'000'000'000);
  int64_t t0 = mono_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int64_t phase_end = mono_ns();
  c.scrape_all_now(1'000'000'000);  // the closing scrape, after the phase ended
  int64_t t1 = mono_ns();
  c.stop();
  EXPECT_TRUE(c.nvml_error().empty());
  GpuReport rep = c.report(Window{t0, t1}, phase_end, 0, 0);
  ASSERT_EQ(rep.gpus.size(), 2u);
  EXPECT_EQ(rep.endpoints_successful, std::vector<std::string>{kNvmlSource});
  ASSERT_TRUE(rep.total_power_w);
  EXPECT_DOUBLE_EQ(*rep.total_power_w, 210.0);
  ASSERT_TRUE(rep.total_energy_j);
  // Both counters integrate their power over (at least) the window: 210 W x ~0.3 s.
  EXPECT_GT(*rep.total_energy_j, 210.0 * 0.28);
  EXPECT_LT(*rep.total_energy_j, 210.0 * (double(t1 - t0) / 1e9 + 0.05));
  EXPECT_TRUE(rep.energy_covers_window);
}

}  // namespace
}  // namespace aiperf::telemetry
