// The default --workers-max (run/prepare.cpp): AIPerf's formula over the machine's cores with its
// AIPERF_WORKER_* overrides, capped by the run's concurrency.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <thread>

#include "aiperf/config/config.h"
#include "aiperf/run/profile_run.h"

namespace aiperf::run {
namespace {

struct EnvVar {
  const char* name;
  EnvVar(const char* n, const char* v) : name(n) { ::setenv(n, v, 1); }
  ~EnvVar() { ::unsetenv(name); }
};

TEST(WorkerCount, FormulaOverridesAndConcurrencyCap) {
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  config::Config cfg;
  cfg.concurrency = 1000;
  EXPECT_EQ(default_worker_count(cfg), std::max(1, std::min(int(cores * 0.75) - 1, 32)));
  {
    const EnvVar f("AIPERF_WORKER_CPU_UTILIZATION_FACTOR", "1.0");
    EXPECT_EQ(default_worker_count(cfg), std::max(1, std::min(cores - 1, 32)));
    const EnvVar c("AIPERF_WORKER_MAX_WORKERS_CAP", "1");
    EXPECT_EQ(default_worker_count(cfg), 1);
  }
  cfg.concurrency = 1;
  EXPECT_EQ(default_worker_count(cfg), 1);
  cfg.workers_max = 5;
  EXPECT_EQ(default_worker_count(cfg), 5);  // the flag wins
  {
    const EnvVar bad("AIPERF_WORKER_CPU_UTILIZATION_FACTOR", "3");
    cfg.workers_max = 0;
    EXPECT_ANY_THROW(default_worker_count(cfg));  // out of AIPerf's range 0.1-1.0, named
  }
}

}  // namespace
}  // namespace aiperf::run
