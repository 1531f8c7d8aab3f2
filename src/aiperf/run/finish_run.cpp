// After the profiling phase (docs/architecture.md "Threads of a run"): the network RTT the
// network_adjusted_* metrics subtract, the results and the client's own health, every export,
// and the timeslice files.
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "aiperf/common/clock.h"
#include "aiperf/common/cpu_affinity.h"
#include "aiperf/common/error.h"
#include "aiperf/plugin/plugin.h"
#include "aiperf/run/profile_run.h"
#include "aiperf/run/signals.h"

namespace aiperf::run {

// Spec §7.3: the RTT the network_adjusted_* metrics subtract, measured or given.
void ProfileRun::apply_network_rtt() {
  if (cfg_.network_latency_mean_ms) {
    aggregator_->set_network_rtt(*cfg_.network_latency_mean_ms * 1e6);
    return;
  }
  if (!network_probe_) return;
  for (const auto& f : network_probe_->failures()) spdlog::warn("network latency probe: {}", f);
  if (!network_probe_->write_samples(paths_.network_latency_jsonl)) {
    spdlog::warn("cannot write {}: {}", paths_.network_latency_jsonl, std::strerror(errno));
  }
  if (auto rtt = network_probe_->mean_rtt_ns()) {
    spdlog::info("network RTT: {:.3f} ms mean over {} TCP handshakes", *rtt / 1e6,
                 network_probe_->samples());
    aggregator_->set_network_rtt(*rtt);
  } else {
    spdlog::warn(
        "network latency: no TCP handshake succeeded; network_adjusted_* metrics are left out");
  }
}

RunOutcome ProfileRun::finish(const PhaseWindow& prof, const RecordPipeline& pipeline) {
  if (team_ && !team_->leader()) return finish_follower(prof, pipeline);
  if (team_) gather_team(prof, pipeline);  // every rank's records are in after this
  set_signal_policy(SignalPolicy::kFinishing, "writing the results");
  writers_->close();  // a write error is kept in writers_->error()
  // What grows with the number of requests (docs/performance.md "Long runs").
  spdlog::info("exact-percentile values: {} held, {:.1f} MB ({:.1f} MB reserved)",
               aggregator_->sample_count(), aggregator_->sample_bytes() / 1e6,
               aggregator_->sample_reserved_bytes() / 1e6);
  apply_network_rtt();
  RunOutcome out;
  out.results = aggregator_->finish();
  const metrics::Results& results = out.results;
  out.interrupted = prof.interrupted;
  out.grace_expired = prof.grace_expired;
  out.profiling = prof;
  out.paths = paths_;
  out.seed = rngs_.root();
  out.first_error = pipeline.first_error();

  exporter::ClientSelfStats self;
  int64_t wall = std::max<int64_t>(prof.end_mono_ns - prof.start_mono_ns, 1);
  for (auto& w : workers_) {
    self.cpu_ns += w->cpu_ns();
    self.worker_thread_utilization.push_back(double(w->cpu_ns()) / double(wall));
  }
  self.cpu_ns += pipeline.counters().cpu_ns.load() + feed_cpu_ns_;
  if (team_) add_team_cpu(self);
  self.requests = results.valid_count + results.error_count;
  if (sched_profiling_.has_schedstat) {
    self.on_cpu_ms = double(sched_profiling_.on_cpu_ns) / 1e6;
    self.run_queue_wait_ms = double(sched_profiling_.run_queue_ns) / 1e6;
  }
  self.involuntary_context_switches = sched_profiling_.involuntary;
  self.latency_boost_refused = affinity::latency_boost_refused();
  self.dataset_stalls = feed_profiling_.stalls;
  self.dataset_sessions = feed_profiling_.sessions;
  self.dataset_cpu_ns = feed_profiling_.cpu_ns;
  out.health = exporter::assess_client_health(self, results);
  const exporter::ClientHealth& health = out.health;
  out.files = writers_->files();
  write_timeslices(out.files);
  out.files.insert(out.files.begin(), {"CSV", paths_.summary_csv});
  out.files.insert(out.files.begin(), {"JSON", paths_.summary_json});
  ResultSections extra;
  notify([&](RunObserver& o) { o.on_results(out, extra); });
  if (team_) add_team_sections(extra);
  out.files.insert(out.files.end(), extra.files.begin(), extra.files.end());

  exporter::SummaryInfo info;
  info.aiperf_version = std::string(endpoint::kAiperfVersion);
  info.benchmark_id =
      endpoint::uuid4(rngs_.derive("benchmark.id").next_u64(), wall_ns() ^ uint64_t(::getpid()));
  info.was_cancelled = prof.interrupted;
  info.start_wall_ns = prof.start_wall_ns;
  info.end_wall_ns = prof.end_wall_ns;
  info.client_health = health;
  info.random_seed = rngs_.root();
  info.sections = std::move(extra.json);
  info.run_info = opts_.run_info;
  // A failed export (full disk, file-size limit) is reported once, after the console summary,
  // which is printed anyway: the results are known even when a file could not hold them.
  if (!writers_->error().empty()) out.export_errors.push_back(writers_->error());
  if (inputs_stream_) {
    if (std::string e = inputs_stream_->close(); !e.empty()) out.export_errors.push_back(e);
    spdlog::info("inputs.json: {} conversations, as the run used them", inputs_stream_->entries());
  }
  auto guarded = [&out](auto&& write) {
    try {
      write();
    } catch (const std::exception& e) {
      out.export_errors.emplace_back(e.what());
    }
  };
  guarded([&] { exporter::write_summary_json(paths_.summary_json, results, ctx_, cfg_, info); });
  guarded([&] { exporter::write_summary_csv(paths_.summary_csv, results, ctx_); });
  // Plugin exporters (plugin/plugin.h) write after the run's own files; theirs are listed too.
  guarded([&] {
    for (auto& f : plugin::run_plugin_exporters(paths_.dir, paths_.summary_json,
                                                cfg_.export_level == config::ExportLevel::kSummary
                                                    ? std::string()
                                                    : paths_.records_jsonl)) {
      out.files.push_back(std::move(f));
    }
  });

  if (opts_.print_console) {
    exporter::print_console(stdout, results, ctx_, &health, out.files, extra.console);
    std::fflush(stdout);  // a closed stdout (aiperf ... | head) is not an error of the run
  }
  for (const std::string& e : out.export_errors) {
    spdlog::error("{} (the results above are complete; this file is not)", e);
  }

  spdlog::info("results: {} valid, {} errors; client: {}", results.valid_count, results.error_count,
               health.reason);
  for (const auto& [label, path] : out.files) spdlog::info("{}: {}", label, path);
  if (prof.grace_expired) {
    spdlog::warn(
        "the grace period (--benchmark-grace-period {} s) expired; requests still in flight were "
        "cancelled and are not in the results",
        cfg_.benchmark_grace_period_s);
  }
  int rc = out.export_errors.empty() ? kExitOk : kExitBenchmarkFailed;
  if (prof.interrupted) {
    spdlog::warn("interrupted by {}: results cover the {} requests that completed",
                 signal_name(first_signal()), self.requests);
    rc = interrupt_exit_code();
  } else if (interrupt_count() > interrupts_at_start_) {
    rc = interrupt_exit_code();  // a signal during the exports: they were finished first
  } else if (results.valid_count == 0) {
    spdlog::error("all {} requests failed{}{}", results.error_count,
                  out.first_error.empty() ? "" : "; first error: ", out.first_error);
    rc = kExitBenchmarkFailed;
  } else if (team_ && team_->failed_ranks() > 0) {
    spdlog::error(
        "{} of {} ranks failed (see scale_out in {}); the results cover what the "
        "others completed",
        team_->failed_ranks(), team_->size(), paths_.summary_json);
    rc = kExitBenchmarkFailed;
  }
  out.exit_code = rc;
  notify([&](RunObserver& o) { o.on_finished(out); });
  shutdown_logging();
  return out;
}

void ProfileRun::write_timeslices(std::vector<std::pair<std::string, std::string>>& files) {
  if (!timeslices_) return;
  const std::vector<metrics::Results> slices = timeslices_->finish();
  try {
    exporter::write_timeslices(paths_, slices, ctx_, cfg_);
    files.emplace_back("Timeslice JSON", paths_.timeslices_json);
    files.emplace_back("Timeslice CSV", paths_.timeslices_csv);
  } catch (const std::exception& e) {
    spdlog::error("time slices: {}", e.what());
  }
}

}  // namespace aiperf::run
