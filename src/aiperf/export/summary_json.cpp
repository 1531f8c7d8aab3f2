// profile_export_aiperf.json (spec §6.3): AIPerf's declared keys first in their order, then the
// remaining metric tags in processing order, then our "client_health" extension. Null/unset
// fields and non-finite numbers are omitted.
#include <cmath>
#include <ctime>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aiperf/config/cli_options.h"
#include "aiperf/export/export.h"
#include "aiperf/export/metric_block.h"
#include "aiperf/export/util.h"

namespace aiperf::exporter {
namespace {

using metrics::MetricResult;
using nlohmann::ordered_json;

// The declared fields of AIPerf's JSON model, in order. Metric tags among them are emitted
// here when they have a value; the others are the run's own fields.
constexpr std::string_view kDeclaredOrder[] = {"schema_version",
                                               "aiperf_version",
                                               "benchmark_id",
                                               "request_throughput",
                                               "request_latency",
                                               "request_count",
                                               "time_to_first_token",
                                               "time_to_second_token",
                                               "inter_token_latency",
                                               "output_token_throughput",
                                               "output_token_throughput_per_user",
                                               "output_sequence_length",
                                               "input_sequence_length",
                                               "goodput",
                                               "good_request_count",
                                               "output_token_count",
                                               "reasoning_token_count",
                                               "min_request_timestamp",
                                               "max_response_timestamp",
                                               "inter_chunk_latency",
                                               "total_output_tokens",
                                               "total_reasoning_tokens",
                                               "benchmark_duration",
                                               "total_isl",
                                               "total_osl",
                                               "error_request_count",
                                               "error_isl",
                                               "total_error_isl",
                                               "telemetry_data",
                                               "input_config",
                                               "run_info",
                                               "was_cancelled",
                                               "error_summary",
                                               "start_time",
                                               "end_time",
                                               "branch_stats"};

void put_number(ordered_json& obj, const char* key, double v) {
  if (std::isfinite(v)) obj[key] = v;
}

ordered_json error_summary_json(const metrics::Results& results) {
  ordered_json list = ordered_json::array();
  for (const auto& e : results.error_summary) {
    ordered_json details;
    if (e.code) details["code"] = *e.code;
    if (!e.type.empty()) details["type"] = e.type;
    details["message"] = e.message;
    list.push_back({{"error_details", details}, {"count", e.count}});
  }
  return list;
}

ordered_json client_health_json(const ClientHealth& h) {
  ordered_json j;
  put_number(j, "cpu_us_per_request", h.cpu_us_per_request);
  put_number(j, "worker_thread_cpu_utilization", h.worker_thread_cpu_utilization);
  if (h.send_lateness_p50_ms) put_number(j, "send_lateness_p50_ms", *h.send_lateness_p50_ms);
  if (h.send_lateness_p99_ms) put_number(j, "send_lateness_p99_ms", *h.send_lateness_p99_ms);
  if (h.send_lateness_max_ms) put_number(j, "send_lateness_max_ms", *h.send_lateness_max_ms);
  if (h.run_queue_wait_ms) {
    put_number(j, "run_queue_wait_ms", *h.run_queue_wait_ms);
    put_number(j, "run_queue_wait_ratio", h.run_queue_wait_ratio.value_or(0));
    j["involuntary_context_switches"] = h.involuntary_context_switches;
  }
  if (h.dataset_cpu_us_per_session) {
    put_number(j, "dataset_cpu_us_per_session", *h.dataset_cpu_us_per_session);
    j["dataset_stalls"] = h.dataset_stalls;
  }
  j["client_bottleneck"] = h.client_bottleneck;
  j["reason"] = h.reason;
  return j;
}

// AIPerf's RunInfo fields in their order; null ones left out.
ordered_json run_info_json(const config::Config& cfg, const SummaryInfo& info) {
  ordered_json j;
  if (!info.benchmark_id.empty()) j["benchmark_id"] = info.benchmark_id;
  auto given = [&](std::string_view key) -> const std::string* {
    for (const auto& [k, text] : info.run_info) {
      if (k == key) return &text;
    }
    return nullptr;
  };
  auto put = [&](const char* key, const char* single_run) {
    const std::string* text = given(key);
    if (text) {
      j[key] = ordered_json::parse(*text, nullptr, false);
      if (j[key].is_discarded() || j[key].is_null()) j.erase(key);
    } else if (single_run) {
      j[key] = ordered_json::parse(single_run);
    }
  };
  put("sweep_id", nullptr);
  if (info.random_seed) {
    j["random_seed"] = *info.random_seed;
  } else if (cfg.random_seed) {
    j["random_seed"] = *cfg.random_seed;
  }
  put("trial", "0");
  put("run_label", nullptr);
  put("variation_label", "\"base\"");
  put("variation_index", "0");
  put("variation_values", "{}");
  if (!cfg.argv.empty()) j["cli_command"] = config::redacted_command_line(cfg.argv);
  return j;
}

}  // namespace

namespace detail {

ordered_json metric_block(const MetricResult& r) {
  ordered_json b;
  b["unit"] = std::string(r.unit());
  if (!r.distribution) {
    // AIPerf's JsonMetricResult.avg is a float field: counters export as 2.0, not 2.
    put_number(b, "avg", r.value);
    return b;
  }
  const auto& s = r.stats;
  put_number(b, "avg", s.avg);
  for (size_t i = 0; i < s.p.size(); ++i) put_number(b, metrics::kPercentileKeys[i].data(), s.p[i]);
  put_number(b, "min", s.min);
  put_number(b, "max", s.max);
  put_number(b, "std", s.std);
  b["count"] = s.count;
  put_number(b, "sum", s.sum);
  return b;
}

}  // namespace detail

bool exported_in_summary(const metrics::MetricInfo& m, const metrics::RunContext& ctx) {
  if (m.has(metrics::kExperimental)) return false;
  if (m.has(metrics::kInternal) && !ctx.show_internal) return false;
  return true;
}

std::string iso_local_time(int64_t epoch_ns) {
  // Python rounds the float timestamp to the nearest microsecond (half-even); our input is
  // exact ns, so round half to even on the microsecond.
  int64_t us = epoch_ns / 1000;
  const int64_t rem = epoch_ns % 1000;
  if (rem > 500 || (rem == 500 && (us % 2) != 0)) ++us;
  time_t secs = static_cast<time_t>(us / 1'000'000);
  int64_t frac = us % 1'000'000;
  if (frac < 0) {
    frac += 1'000'000;
    --secs;
  }
  std::tm tm{};
  localtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf);
  if (frac != 0) {
    char f[16];
    std::snprintf(f, sizeof f, ".%06lld", static_cast<long long>(frac));
    out += f;
  }
  return out;
}

namespace {
const std::string* find_section(const SummaryInfo& info, std::string_view key) {
  for (const auto& [k, text] : info.sections) {
    if (k == key) return &text;
  }
  return nullptr;
}
}  // namespace

std::string render_summary_json(const metrics::Results& results, const metrics::RunContext& ctx,
                                const config::Config& cfg, const SummaryInfo& info) {
  ordered_json j;
  auto metric_ok = [&](const MetricResult& r) { return exported_in_summary(*r.info, ctx); };
  const int64_t start_ns = info.start_wall_ns ? info.start_wall_ns : results.min_request_wall_ns;
  const int64_t end_ns = info.end_wall_ns ? info.end_wall_ns : results.max_response_wall_ns;

  for (std::string_view key : kDeclaredOrder) {
    const std::string k(key);
    if (key == "schema_version") {
      j[k] = kSchemaVersion;
    } else if (key == "aiperf_version") {
      if (!info.aiperf_version.empty()) j[k] = info.aiperf_version;
    } else if (key == "benchmark_id") {
      if (!info.benchmark_id.empty()) j[k] = info.benchmark_id;
    } else if (const std::string* text = find_section(info, key)) {
      j[k] = ordered_json::parse(*text);  // e.g. telemetry_data, from a run observer
    } else if (key == "input_config") {
      j[k] = ordered_json::parse(config::redacted_config_json(cfg).dump());
    } else if (key == "run_info") {
      j[k] = run_info_json(cfg, info);
    } else if (key == "was_cancelled") {
      j[k] = info.was_cancelled;
    } else if (key == "error_summary") {
      j[k] = error_summary_json(results);
    } else if (key == "start_time") {
      if (start_ns) j[k] = iso_local_time(start_ns);
    } else if (key == "end_time") {
      if (end_ns) j[k] = iso_local_time(end_ns);
    } else if (const MetricResult* r = results.find(key); r && metric_ok(*r)) {
      j[k] = detail::metric_block(*r);
    }
  }
  for (const auto& r : results.metrics) {
    const std::string tag(r.tag());
    if (!metric_ok(r) || j.contains(tag)) continue;
    j[tag] = detail::metric_block(r);
  }
  if (info.client_health) j["client_health"] = client_health_json(*info.client_health);
  for (const auto& [key, text] : info.sections) {
    if (!j.contains(key)) j[key] = ordered_json::parse(text);
  }
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_summary_json(const std::string& path, const metrics::Results& results,
                        const metrics::RunContext& ctx, const config::Config& cfg,
                        const SummaryInfo& info) {
  detail::write_file(path, render_summary_json(results, ctx, cfg, info));
}

ClientHealth assess_client_health(const ClientSelfStats& stats, const metrics::Results& results) {
  ClientHealth h;
  if (stats.requests > 0) {
    h.cpu_us_per_request =
        static_cast<double>(stats.cpu_ns) / 1e3 / static_cast<double>(stats.requests);
  }
  for (double u : stats.worker_thread_utilization) {
    h.worker_thread_cpu_utilization = std::max(h.worker_thread_cpu_utilization, u);
  }
  if (const auto* late = results.find(metrics::MetricId::kSendLateness)) {
    h.send_lateness_p50_ms = late->stats.p[4];
    h.send_lateness_p99_ms = late->stats.p[8];
    h.send_lateness_max_ms = late->stats.max;
  }
  h.involuntary_context_switches = stats.involuntary_context_switches;
  std::string busy;  // why the machine, not the client, took the time
  if (stats.run_queue_wait_ms && stats.on_cpu_ms) {
    h.run_queue_wait_ms = *stats.run_queue_wait_ms;
    h.run_queue_wait_ratio = *stats.run_queue_wait_ms / std::max(*stats.on_cpu_ms, 1e-3);
    if (*h.run_queue_wait_ms >= kBusyMachineMinWaitMs &&
        *h.run_queue_wait_ratio >= kBusyMachineRunQueueRatio) {
      busy = fmt::format(
          "the machine was busy: the client's threads waited {:.0f} ms for a CPU core ({:.0f}% of "
          "their {:.0f} ms on one; {} involuntary context switches)",
          *h.run_queue_wait_ms, *h.run_queue_wait_ratio * 100, *stats.on_cpu_ms,
          h.involuntary_context_switches);
      if (stats.latency_boost_refused) {
        busy +=
            "; the I/O threads were not allowed to raise their priority over other processes "
            "(allow it with `ulimit -e 30` or CAP_SYS_NICE)";
      }
    }
  }
  // A renderer behind the schedule delays sends (rate) or leaves session slots idle
  // (concurrency): the offered load was not what was asked, whatever the lateness says.
  std::string behind;
  if (stats.dataset_sessions > 0) {
    h.dataset_cpu_us_per_session =
        double(stats.dataset_cpu_ns) / 1e3 / double(stats.dataset_sessions);
    h.dataset_stalls = stats.dataset_stalls;
    if (stats.dataset_stalls > 0) {
      behind = fmt::format(
          "the dataset renderer fell behind the schedule {} time{} ({:.0f} us of CPU per "
          "session): build the dataset ahead with --num-dataset-entries, or give the client more "
          "cores",
          stats.dataset_stalls, stats.dataset_stalls == 1 ? "" : "s",
          *h.dataset_cpu_us_per_session);
    }
  }
  auto also = [](const std::string& more) { return more.empty() ? std::string() : "; " + more; };
  if (h.worker_thread_cpu_utilization >= kBottleneckThreadUtilization) {
    h.client_bottleneck = true;
    h.reason = fmt::format(
        "busiest worker thread used {:.0f}% of a CPU core (limit {:.0f}%): responses may have "
        "been read late; add --workers-max or CPU cores{}",
        h.worker_thread_cpu_utilization * 100, kBottleneckThreadUtilization * 100, also(behind));
  } else if (h.send_lateness_p99_ms && *h.send_lateness_p99_ms >= kBottleneckLatenessP99Ms) {
    h.client_bottleneck = true;
    h.reason = fmt::format(
        "send lateness p99 {:.2f} ms (limit {:.2f} ms): requests left later than scheduled, so "
        "the offered load was lower than asked{}",
        *h.send_lateness_p99_ms, kBottleneckLatenessP99Ms, also(behind) + also(busy));
  } else if (!behind.empty()) {
    h.client_bottleneck = true;
    h.reason = behind + also(busy);
  } else if (!busy.empty()) {
    h.client_bottleneck = true;
    h.reason = busy + ": timestamps include that wait; free cores or run the server elsewhere";
  } else {
    h.reason = fmt::format(
        "busiest worker thread {:.0f}% CPU, send lateness p99 {}: the client kept up",
        h.worker_thread_cpu_utilization * 100,
        h.send_lateness_p99_ms ? detail::fixed2(*h.send_lateness_p99_ms) + " ms" : "n/a");
  }
  return h;
}

}  // namespace aiperf::exporter
