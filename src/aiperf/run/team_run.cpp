// The hooks of a run with several ranks (cluster/team.h, docs/scale-out.md): the run itself is
// the same on every rank (run.cpp); these say who waits for whom, where records go and what rank
// 0 adds to the exports.
#include <sys/resource.h>

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "aiperf/cluster/report.h"
#include "aiperf/common/clock.h"
#include "aiperf/common/error.h"
#include "aiperf/run/profile_run.h"

namespace aiperf::run {

namespace fs = std::filesystem;

int64_t process_cpu_ns() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void quiet_rank_logging(const std::string& artifact_dir, int rank, LogSeverity level) {
  std::string file =
      (fs::path(artifact_dir) / "logs" / ("aiperf.rank" + std::to_string(rank) + ".log")).string();
  setup_logging(file, level);
  // Rank 0 speaks for the run: the others print only their errors.
  auto& sinks = spdlog::default_logger()->sinks();
  if (!sinks.empty()) {
    sinks[0]->set_level(spdlog::level::err);
    sinks[0]->set_pattern("aiperf: rank " + std::to_string(rank) + ": %l: %v");
  }
}

std::optional<uint64_t> ProfileRun::run_seed(const config::Config& cfg, const RunOptions& opts) {
  // Every rank builds the same dataset and draws the same schedule: the leader's seed.
  if (opts.team) return opts.team->seed();
  return cfg.random_seed;
}

std::optional<RunOutcome> ProfileRun::prepare_in_team() {
  using Problem = cluster::Team::Problem;
  Problem problem = Problem::kNone;
  std::string error;
  std::exception_ptr ep;
  try {
    prepare_and_probe();
  } catch (const ConfigError& e) {
    problem = Problem::kUsage;
    error = e.what();
    ep = std::current_exception();
  } catch (const InputError& e) {
    problem = Problem::kUsage;
    error = e.what();
    ep = std::current_exception();
  } catch (const std::exception& e) {
    problem = Problem::kRuntime;
    error = e.what();
    ep = std::current_exception();
  }
  int rc = team_->agree_prepared(problem, error, default_worker_count(cfg_));
  if (rc < 0) return std::nullopt;
  if (team_->leader() && ep) std::rethrow_exception(ep);  // reported as in one process
  if (!team_->leader() && problem != Problem::kNone) {
    spdlog::info("left out of the run: {}", error);  // rank 0 reported it
  }
  RunOutcome out;
  out.exit_code = rc;
  out.seed = rngs_.root();
  shutdown_logging();
  return out;
}

void ProfileRun::attach_team(RecordPipeline& pipeline) {
  cluster::Team* t = team_;
  if (t->leader()) {
    pipeline.set_forward([t](const record::ProcessedRecord& r) {
      t->count_local(r);
      return false;  // aggregated here
    });
    t->set_record_sink(
        [&pipeline](int, record::ProcessedRecord&& r) { pipeline.account_remote(std::move(r)); });
  } else {
    pipeline.set_forward([t](const record::ProcessedRecord& r) {
      t->forward(r);
      return true;  // rank 0 aggregates it
    });
  }
}

cluster::RankStats ProfileRun::self_stats(const PhaseWindow& prof,
                                          const RecordPipeline& pipeline) const {
  cluster::RankStats st;
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) st.peak_rss_kb = ru.ru_maxrss;
  st.total_cpu_ns = process_cpu_ns();
  st.cpu_ns = st.total_cpu_ns - profiling_cpu0_ns_;
  int64_t wall = std::max<int64_t>(prof.end_mono_ns - prof.start_mono_ns, 1);
  for (const auto& w : workers_) {
    st.run_cpu_ns += w->cpu_ns();
    st.worker_utilization.push_back(double(w->cpu_ns()) / double(wall));
    st.dropped += w->dropped();
  }
  st.run_cpu_ns += pipeline.counters().cpu_ns.load();
  return st;
}

RunOutcome ProfileRun::finish_follower(const PhaseWindow& prof, const RecordPipeline& pipeline) {
  team_->finish(self_stats(prof, pipeline));
  RunOutcome out;
  out.exit_code = kExitOk;  // rank 0's exit code is the job's
  out.interrupted = prof.interrupted;
  out.profiling = prof;
  out.paths = paths_;
  out.seed = rngs_.root();
  out.first_error = pipeline.first_error();
  spdlog::info("rank {}: done; records sent to rank 0", team_->rank());
  shutdown_logging();
  return out;
}

void ProfileRun::gather_team(const PhaseWindow& prof, const RecordPipeline& pipeline) {
  // Interrupted: mpirun kills every rank about a second after its SIGTERM; write what is in.
  team_->finish(self_stats(prof, pipeline),
                prof.interrupted ? 300'000'000 : int64_t(600'000'000'000));
  team_->set_record_sink(nullptr);  // anything later (a lost rank's last batch) is not counted
}

void ProfileRun::add_team_cpu(exporter::ClientSelfStats& self) const {
  for (const cluster::RankInfo& ri : team_->ranks()) {
    if (ri.rank == team_->rank() || !ri.finished) continue;
    self.cpu_ns += ri.stats.run_cpu_ns;
    self.worker_thread_utilization.insert(self.worker_thread_utilization.end(),
                                          ri.stats.worker_utilization.begin(),
                                          ri.stats.worker_utilization.end());
  }
}

void ProfileRun::add_team_sections(ResultSections& extra) const {
  const std::vector<cluster::RankInfo> ranks = team_->ranks();
  extra.json.emplace_back("scale_out", cluster::ranks_json(ranks, team_->library()));
  extra.console.push_back(cluster::ranks_console(ranks, team_->library()));
  for (const cluster::RankInfo& ri : ranks) {
    spdlog::info("rank {} ({}): {} requests, {} errors, state {}{}{}", ri.rank, ri.host,
                 ri.requests, ri.errors, cluster::to_string(ri.state), ri.error.empty() ? "" : ": ",
                 ri.error);
  }
}

}  // namespace aiperf::run
