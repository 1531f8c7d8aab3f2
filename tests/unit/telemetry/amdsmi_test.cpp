// The AMD SMI collector through dlopen, against the fake libamd_smi.so built with the tests
// (tests/fake_amdsmi/fake_amdsmi.c): identities, readings in AIPerf's amd_* fields and units,
// power from the energy counter, "not supported" markers, a library or driver that is not there,
// a machine without GPUs, and the collector's window totals.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <thread>

#include "aiperf/common/clock.h"
#include "aiperf/telemetry/amdsmi.h"
#include "aiperf/telemetry/gpu_collector.h"
#include "test_util.h"

namespace aiperf::telemetry {
namespace {

using test::EnvGuard;

double value_of(const GpuRecord& rec, const std::vector<GpuMetricDef>& defs, const char* f) {
  for (size_t i = 0; i < defs.size(); ++i) {
    if (defs[i].field == f) return rec.values[i];
  }
  return NAN;
}

TEST(AmdSmi, FakeLibraryGivesIdentitiesAndReadingsInAiperfUnits) {
  std::string err;
  auto lib = AmdSmiLibrary::open(&err, FAKE_AMDSMI_PATH);
  ASSERT_TRUE(lib) << err;
  ASSERT_EQ(lib->gpus().size(), 2u);
  const GpuIdentity& g1 = lib->gpus()[1];
  EXPECT_EQ(g1.gpu_index, 1);
  EXPECT_EQ(g1.model_name, "AMD Instinct Fake 1");
  EXPECT_EQ(g1.uuid, "fake0001-0000-0000-0000-000000000000");
  EXPECT_EQ(g1.pci_bus_id, "0000:0d:00.0");
  EXPECT_EQ(g1.device, "amd1");
  const auto defs = default_gpu_metrics();
  AmdSmiReading first = lib->read(0);
  EXPECT_FALSE(first.power_w);  // power needs two energy readings
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  GpuRecord r0 = AmdSmiLibrary::to_record(lib->gpus()[0], lib->read(0), defs);
  EXPECT_NEAR(value_of(r0, defs, "amd_power"), 500.0, 0.5);              // from the energy counter
  EXPECT_NEAR(value_of(r0, defs, "amd_energy_consumption"), 1.0, 1e-3);  // ~1e12 µJ -> MJ
  EXPECT_DOUBLE_EQ(value_of(r0, defs, "amd_gfx_activity"), 70.0);
  EXPECT_DOUBLE_EQ(value_of(r0, defs, "amd_umc_activity"), 30.0);
  EXPECT_DOUBLE_EQ(value_of(r0, defs, "amd_mm_activity"), 0.0);
  EXPECT_DOUBLE_EQ(value_of(r0, defs, "amd_memory_used"), 100.0);  // bytes -> GB
  EXPECT_DOUBLE_EQ(value_of(r0, defs, "amd_temperature"), 60.0);
  EXPECT_DOUBLE_EQ(value_of(r0, defs, "amd_ecc_uncorrectable"), 2.0);
  EXPECT_TRUE(std::isnan(value_of(r0, defs, "gpu_power_usage")));  // NVIDIA's fields stay empty
  // GPU 1: millidegrees read as degrees, the 0xFFFF marker and NOT_SUPPORTED leave fields empty.
  GpuRecord r1 = AmdSmiLibrary::to_record(g1, lib->read(1), defs);
  EXPECT_DOUBLE_EQ(value_of(r1, defs, "amd_temperature"), 61.0);
  EXPECT_TRUE(std::isnan(value_of(r1, defs, "amd_mm_activity")));
  EXPECT_TRUE(std::isnan(value_of(r1, defs, "amd_ecc_uncorrectable")));
  EXPECT_DOUBLE_EQ(value_of(r1, defs, "amd_memory_used"), 101.0);
}

TEST(AmdSmi, MissingLibraryDriverOrGpusIsOneClearLine) {
  std::string err;
  EXPECT_FALSE(AmdSmiLibrary::open(&err, "/nonexistent/libamd_smi.so"));
  EXPECT_NE(err.find("cannot load /nonexistent/libamd_smi.so"), std::string::npos) << err;
  EXPECT_EQ(err.find('\n'), std::string::npos);
  {
    EnvGuard g("FAKE_AMDSMI_INIT_FAIL", "1");
    EXPECT_FALSE(AmdSmiLibrary::open(&err, FAKE_AMDSMI_PATH));
    EXPECT_NE(err.find("DRIVER_NOT_LOADED"), std::string::npos) << err;
  }
  {
    EnvGuard g("FAKE_AMDSMI_GPUS", "0");
    EXPECT_FALSE(AmdSmiLibrary::open(&err, FAKE_AMDSMI_PATH));
    EXPECT_NE(err.find("no GPU"), std::string::npos) << err;
  }
  // Not a library of AMD SMI at all (the fake NVML): its symbols are missing.
  EXPECT_FALSE(AmdSmiLibrary::open(&err, FAKE_NVML_PATH));
  EXPECT_NE(err.find("lacks amdsmi_init"), std::string::npos) << err;
}

TEST(AmdSmi, CollectorSamplesEveryGpuOverTheWindow) {
  GpuSettings s;
  s.amdsmi = true;
  s.amdsmi_library = FAKE_AMDSMI_PATH;
  s.interval_ns = 20'000'000;
  GpuCollector c(s);
  c.start();
  c.scrape_all_now(1'000'000'000);
  const int64_t t0 = mono_ns();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const int64_t phase_end = mono_ns();
  c.scrape_all_now(1'000'000'000);
  const int64_t t1 = mono_ns();
  c.stop();
  EXPECT_TRUE(c.nvml_error().empty()) << c.nvml_error();
  GpuReport rep = c.report(Window{t0, t1}, phase_end, 0, 0);
  ASSERT_EQ(rep.gpus.size(), 2u);
  EXPECT_EQ(rep.endpoints_successful, std::vector<std::string>{kAmdSmiSource});
  // The efficiency totals take AMD's power and energy fields: 500 W + 600 W.
  ASSERT_TRUE(rep.total_power_w);
  EXPECT_NEAR(*rep.total_power_w, 1100.0, 2.0);
  ASSERT_TRUE(rep.total_energy_j);
  EXPECT_GT(*rep.total_energy_j, 1100.0 * 0.28);
  EXPECT_LT(*rep.total_energy_j, 1100.0 * (double(t1 - t0) / 1e9 + 0.05));
  EXPECT_TRUE(rep.energy_covers_window);
  const GpuMetricStats* ecc = rep.gpus[0].find("amd_ecc_uncorrectable");
  ASSERT_TRUE(ecc);
  ASSERT_TRUE(ecc->counter_delta);
  EXPECT_EQ(*ecc->counter_delta, 0.0);  // a counter: its increase over the window
}

}  // namespace
}  // namespace aiperf::telemetry
