#include "aiperf/common/cpu_affinity.h"

#include <sched.h>

#include <algorithm>
#include <cerrno>

namespace aiperf::affinity {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (CPU_ISSET(c, &set)) out.push_back(c);
  }
  return out;
}

CpuPlan plan_cpus(const std::vector<int>& allowed, int workers) {
  CpuPlan p;
  if (workers < 1 || allowed.size() < size_t(workers) + 2) return p;
  std::vector<int> cpus = allowed;
  std::sort(cpus.begin(), cpus.end());
  const size_t split = cpus.size() - size_t(workers);
  p.rest.assign(cpus.begin(), cpus.begin() + long(split));
  // Worker 0 on the highest CPU, worker 1 below it, ...
  p.workers.assign(cpus.rbegin(), cpus.rbegin() + workers);
  return p;
}

bool set_thread_cpus(pthread_t thread, const std::vector<int>& cpus) {
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) {
    if (c >= 0 && c < CPU_SETSIZE) CPU_SET(c, &set);
  }
  errno = pthread_setaffinity_np(thread, sizeof set, &set);
  return errno == 0;
}

PinScope::PinScope(int workers, bool enabled) {
  if (!enabled) return;
  allowed_ = allowed_cpus();
  plan_ = plan_cpus(allowed_, workers);
  if (plan_.pinned() && !set_thread_cpus(pthread_self(), plan_.rest)) plan_ = {};
}

PinScope::~PinScope() {
  if (plan_.pinned()) set_thread_cpus(pthread_self(), allowed_);
}

std::string cpu_list(const std::vector<int>& cpus) {
  std::string out;
  for (size_t i = 0; i < cpus.size();) {
    size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) {
      out += j == i + 1 ? ',' : '-';
      out += std::to_string(cpus[j]);
    }
    i = j + 1;
  }
  return out;
}

}  // namespace aiperf::affinity
