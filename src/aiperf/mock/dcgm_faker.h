// A DCGM-exporter-shaped /metrics for N fake GPUs (as AIPerf's mock serves at /dcgm1/metrics and
// /dcgm2/metrics): the field names, types, labels and number formats of dcgm-exporter, with load
// following the mock's own token throughput, power following load, and a total-energy counter
// that integrates that power over real time. Thread-safe (one mutex; scrapes are rare).
#pragma once
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/mock/mock_rng.h"

namespace aiperf::mock {

struct DcgmOptions {
  std::string gpu_name = "h200";  // rtx6000, a100, h100, h100-sxm, h200, b200, gb200
  int num_gpus = 2;               // 1..8
  double min_throughput = 100;    // tokens/s that count as full load, at least
  double window_s = 1.0;          // throughput window
  std::string hostname = "localhost";
  uint64_t seed = 0;
  bool auto_load = true;  // off: the GPUs stay idle
};

/// The GPU models the faker knows (AIPerf's list), for option validation.
bool dcgm_gpu_known(const std::string& name);

class DcgmFaker {
 public:
  /// `exporter` (1, 2, ...) varies UUIDs and the hostname suffix between exporters.
  DcgmFaker(DcgmOptions opts, int exporter);
  /// The exposition at `now_mono_ns`, after advancing the GPUs' state to it. `tokens_total`:
  /// generation tokens the server has written so far (drives the load).
  std::string scrape(int64_t now_mono_ns, uint64_t tokens_total);

 private:
  struct Gpu {
    int index;
    std::string uuid, pci_bus_id;
    double offset;  // per-GPU load offset
    double util = 0, power = 0, temp = 0, mem_used_mib = 0, sm_clock = 0, sm_active = 0;
    double energy_mj = 0, power_violation_ns = 0;
  };
  double load(int64_t now, uint64_t tokens);
  void advance(int64_t now, double load);

  std::mutex mu_;
  DcgmOptions opts_;
  std::string model_;
  double mem_gb_, max_w_, idle_w_, clk_base_, clk_boost_, temp_idle_, temp_max_;
  std::vector<Gpu> gpus_;
  MockRng rng_;
  int64_t last_ns_ = 0;
  double peak_rate_ = 0;
  std::deque<std::pair<int64_t, uint64_t>> history_;  // (time, tokens) within the window
};

}  // namespace aiperf::mock
