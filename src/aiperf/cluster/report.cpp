#include "aiperf/cluster/report.h"

#include <algorithm>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aiperf/metrics/metrics.h"

namespace aiperf::cluster {

namespace {

struct Late {
  double avg = 0, p50 = 0, p99 = 0, max = 0;
  bool any = false;
};

Late lateness_ms(const RankInfo& ri) {
  Late l;
  if (ri.lateness_ns.empty()) return l;
  std::vector<double> v = ri.lateness_ns;
  metrics::Stats s = metrics::compute_stats(v);
  l.avg = s.avg / 1e6;
  l.p50 = s.p[4] / 1e6;
  l.p99 = s.p[8] / 1e6;
  l.max = s.max / 1e6;
  l.any = true;
  return l;
}

}  // namespace

std::string ranks_json(const std::vector<RankInfo>& ranks, const std::string& library) {
  nlohmann::ordered_json j;
  j["ranks"] = ranks.size();
  j["library"] = library;
  j["clock_sync"] =
      "ping-pong with rank 0, the smallest of 16 round trips; exported timestamps "
      "are on rank 0's clocks";
  nlohmann::ordered_json per = nlohmann::ordered_json::array();
  for (const RankInfo& ri : ranks) {
    nlohmann::ordered_json r;
    r["rank"] = ri.rank;
    r["host"] = ri.host;
    r["pid"] = ri.pid;
    r["state"] = to_string(ri.state);
    r["error"] = ri.error.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(ri.error);
    r["workers"] = ri.workers;
    r["requests"] = ri.requests;
    r["errors"] = ri.errors;
    r["responses"] = ri.responses;
    r["cpu_s"] = double(ri.stats.cpu_ns) / 1e9;
    r["total_cpu_s"] = double(ri.stats.total_cpu_ns) / 1e9;
    r["cpu_ns_per_response"] =
        ri.responses ? nlohmann::ordered_json(double(ri.stats.cpu_ns) / double(ri.responses))
                     : nlohmann::ordered_json();
    r["worker_utilization"] = ri.stats.worker_utilization;
    r["peak_rss_mb"] = double(ri.stats.peak_rss_kb) / 1024.0;
    r["dropped"] = ri.stats.dropped;
    Late l = lateness_ms(ri);
    if (l.any) {
      r["send_lateness_ms"] = {{"avg", l.avg}, {"p50", l.p50}, {"p99", l.p99}, {"max", l.max}};
    } else {
      r["send_lateness_ms"] = nullptr;
    }
    r["start_late_ms"] = double(ri.start_late_ns) / 1e6;
    r["clock_offset_ms"] = double(ri.clock_offset_ns) / 1e6;
    r["wall_offset_ms"] = double(ri.wall_offset_ns) / 1e6;
    r["clock_rtt_ms"] =
        ri.clock_rtt_ns >= 0 ? nlohmann::ordered_json(double(ri.clock_rtt_ns) / 1e6) : nullptr;
    r["clock_offset_applied"] = ri.offset_applied;
    per.push_back(std::move(r));
  }
  j["per_rank"] = std::move(per);
  return j.dump();
}

std::string ranks_console(const std::vector<RankInfo>& ranks, const std::string& library) {
  std::string out = fmt::format("Scale-out: {} ranks ({})\n", ranks.size(), library);
  out += fmt::format("{:>4}  {:<16} {:>9} {:>7} {:>8} {:>10} {:>10} {:>10}  {}\n", "rank", "host",
                     "requests", "errors", "cpu s", "late p99", "offset", "rtt", "state");
  for (const RankInfo& ri : ranks) {
    Late l = lateness_ms(ri);
    out += fmt::format("{:>4}  {:<16} {:>9} {:>7} {:>8.2f} {:>10} {:>10} {:>10}  {}{}\n", ri.rank,
                       ri.host.substr(0, 16), ri.requests, ri.errors, double(ri.stats.cpu_ns) / 1e9,
                       l.any ? fmt::format("{:.3f} ms", l.p99) : "-",
                       ri.rank == 0 ? "-" : fmt::format("{:+.3f} ms", ri.clock_offset_ns / 1e6),
                       ri.clock_rtt_ns >= 0 ? fmt::format("{:.3f} ms", ri.clock_rtt_ns / 1e6) : "-",
                       to_string(ri.state), ri.error.empty() ? "" : ": " + ri.error);
  }
  return out;
}

}  // namespace aiperf::cluster
