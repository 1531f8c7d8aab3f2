// Scheduler counters of the client's own process (self_watch.h).
#include "aiperf/run/self_watch.h"

#include <sys/resource.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <string>

namespace aiperf::run {

std::optional<SchedSample> parse_schedstat(std::string_view line) {
  int64_t v[2];
  const char* p = line.data();
  const char* end = line.data() + line.size();
  for (int64_t& x : v) {
    while (p < end && *p == ' ') ++p;
    auto r = std::from_chars(p, end, x);
    if (r.ec != std::errc() || x < 0) return std::nullopt;
    p = r.ptr;
  }
  SchedSample s;
  s.on_cpu_ns = v[0];
  s.run_queue_ns = v[1];
  s.has_schedstat = true;
  return s;
}

SchedSample sample_sched() {
  SchedSample total;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream f(task.path() / "schedstat");
    std::string line;
    if (!std::getline(f, line)) continue;  // the thread ended meanwhile
    if (auto s = parse_schedstat(line)) {
      total.on_cpu_ns += s->on_cpu_ns;
      total.run_queue_ns += s->run_queue_ns;
      total.has_schedstat = true;
    }
  }
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) total.involuntary = ru.ru_nivcsw;
  return total;
}

SchedSample sched_delta(const SchedSample& before, const SchedSample& after) {
  SchedSample d;
  d.has_schedstat = before.has_schedstat && after.has_schedstat;
  d.on_cpu_ns = std::max<int64_t>(0, after.on_cpu_ns - before.on_cpu_ns);
  d.run_queue_ns = std::max<int64_t>(0, after.run_queue_ns - before.run_queue_ns);
  d.involuntary = std::max<int64_t>(0, after.involuntary - before.involuntary);
  return d;
}

}  // namespace aiperf::run
