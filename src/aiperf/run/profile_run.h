// The run's orchestrator (private to the run stage): owns every stage object of one benchmark
// and the threads it starts. prepare.cpp builds the dataset and the request plan; run.cpp drives
// the phases and writes the exports. Public API: run.h.
#pragma once
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/cluster/team.h"
#include "aiperf/common/log.h"
#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/export/export.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/run/inputs_json.h"
#include "aiperf/run/network_probe.h"
#include "aiperf/run/record_pipeline.h"
#include "aiperf/run/run.h"
#include "aiperf/run/self_watch.h"
#include "aiperf/run/session_feed.h"
#include "aiperf/schedule/fixed_schedule.h"
#include "aiperf/schedule/schedule.h"
#include "aiperf/tokenizer/tokenizer.h"
#include "aiperf/ui/progress.h"
#include "aiperf/worker/session_router.h"
#include "aiperf/worker/worker.h"

namespace aiperf::run {

class ProfileRun {
 public:
  ProfileRun(const config::Config& cfg, const RunOptions& opts)
      : cfg_(cfg), opts_(opts), team_(opts.team), rngs_(run_seed(cfg, opts)) {}
  RunOutcome execute();

 private:
  // prepare.cpp
  void prepare();
  void prepare_and_probe();  // prepare(), on_prepared, the server probe
  void render_bodies();
  void check_servers();
  void check_grpc_servers();  // kserve endpoints: ServerLive + ModelReady over gRPC
  void wait_until_ready();    // servers_run.cpp: --wait-for-model-timeout
  // run.cpp
  void start_stages(RecordPipeline& pipeline);
  PhaseWindow run_phase(const schedule::PhaseSpec& spec, ui::Progress& progress,
                        RecordPipeline& pipeline);
  /// A just-in-time dataset: the phase's renderer, started and prefilled.
  std::unique_ptr<JustInTimeFeed> start_feed(const schedule::PhaseSpec& spec,
                                             schedule::PhaseState& ps,
                                             schedule::ConversationSampler sampler);
  RunOutcome finish(const PhaseWindow& prof, const RecordPipeline& pipeline);
  /// The time-slice exports (spec §6.6), listed in `files`.
  void write_timeslices(std::vector<std::pair<std::string, std::string>>& files);
  void apply_network_rtt();
  // team_run.cpp: the hooks of a run with several ranks (cluster/team.h)
  static std::optional<uint64_t> run_seed(const config::Config& cfg, const RunOptions& opts);
  /// prepare_and_probe() on every rank, then the team's verdict; an outcome when this rank
  /// does not go on.
  std::optional<RunOutcome> prepare_in_team();
  void attach_team(RecordPipeline& pipeline);
  RunOutcome finish_follower(const PhaseWindow& prof, const RecordPipeline& pipeline);
  void gather_team(const PhaseWindow& prof, const RecordPipeline& pipeline);
  cluster::RankStats self_stats(const PhaseWindow& prof, const RecordPipeline& pipeline) const;
  void add_team_cpu(exporter::ClientSelfStats& self) const;
  void add_team_sections(ResultSections& extra) const;

  template <class F>
  void notify(F&& f) {
    for (RunObserver* o : opts_.observers) f(*o);
  }

  config::Config cfg_;
  RunOptions opts_;
  cluster::Team* team_ = nullptr;  // scale-out: this process is one rank of several
  int64_t profiling_cpu0_ns_ = 0;  // process CPU when the profiling phase started (team)
  RngManager rngs_;
  metrics::RunContext ctx_;
  std::unique_ptr<endpoint::Endpoint> endpoint_;
  std::shared_ptr<const tokenizer::Tokenizer> tokenizer_;
  std::unique_ptr<endpoint::RequestHeaders> headers_;
  std::shared_ptr<const nlohmann::ordered_json> extra_inputs_;
  dataset::Dataset dataset_;
  worker::RequestPlan plan_;
  exporter::ArtifactPaths paths_;
  worker::SessionRouter router_;
  // Phase states outlive their phase (declared before the workers, which refer to them until
  // they are destroyed): late records and timers may still use them.
  std::vector<std::unique_ptr<schedule::PhaseState>> phase_states_;
  worker::RecordSink sink_;
  std::vector<std::unique_ptr<worker::Worker>> workers_;
  std::unique_ptr<metrics::Aggregator> aggregator_;
  std::unique_ptr<metrics::TimesliceAggregator> timeslices_;  // --slice-duration
  std::unique_ptr<exporter::RecordWriters> writers_;
  std::unique_ptr<InputsJsonStream> inputs_stream_;  // just-in-time datasets
  std::optional<schedule::FixedSchedule> fixed_;     // trace replay (built before connecting)
  std::vector<std::string> secrets_;  // config::secret_values: scrubbed from what is written
  int64_t feed_cpu_ns_ = 0;           // renderer threads of just-in-time datasets
  struct FeedTotals {
    int64_t stalls = 0, sessions = 0, cpu_ns = 0;
  } feed_profiling_;  // ... those of the profiling phase: stalls, sessions rendered, CPU time
  int interrupts_at_start_ = 0;                   // interrupt_count() when execute() began
  std::unique_ptr<NetworkProbe> network_probe_;   // --network-latency-automatic, profiling only
  SchedSample sched_at_start_, sched_profiling_;  // the client's CPU share while profiling
  int handled_interrupts_ = 0;
};

/// CPU time of the whole process (every thread), ns.
int64_t process_cpu_ns();

/// Logging of a rank > 0 (team_run.cpp): its own file, logs/aiperf.rank<r>.log, and only errors
/// on stderr, prefixed with the rank (rank 0 speaks for the run).
void quiet_rank_logging(const std::string& artifact_dir, int rank, LogSeverity level);

/// Worker threads for a run: --workers-max, else AIPerf's max(1, min(0.75 x cores - 1, 32)),
/// at most the run's concurrency.
int default_worker_count(const config::Config& cfg);

/// Creates the artifact directory and checks that a file can be written in it; throws
/// ConfigError naming --artifact-dir otherwise (exit 2, before any request).
void check_artifact_dir(const std::string& dir);

/// inputs.json (spec §6.1): every turn's payload as formatted before the run.
void write_inputs_json(const std::string& path, const dataset::Dataset& ds,
                       const std::vector<std::string>& bodies, const config::Config& cfg,
                       const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra);

}  // namespace aiperf::run
