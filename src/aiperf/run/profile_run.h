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

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/export/export.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/run/network_probe.h"
#include "aiperf/run/record_pipeline.h"
#include "aiperf/run/run.h"
#include "aiperf/run/self_watch.h"
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
      : cfg_(cfg), opts_(opts), rngs_(cfg_.random_seed) {}
  RunOutcome execute();

 private:
  // prepare.cpp
  void prepare();
  void render_bodies();
  void check_servers();
  // run.cpp
  void start_stages(RecordPipeline& pipeline);
  PhaseWindow run_phase(const schedule::PhaseSpec& spec, ui::Progress& progress,
                        RecordPipeline& pipeline);
  RunOutcome finish(const PhaseWindow& prof, const RecordPipeline& pipeline);
  /// The time-slice exports (spec §6.6), listed in `files`.
  void write_timeslices(std::vector<std::pair<std::string, std::string>>& files);
  void apply_network_rtt();
  template <class F>
  void notify(F&& f) {
    for (RunObserver* o : opts_.observers) f(*o);
  }

  config::Config cfg_;
  RunOptions opts_;
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
  std::optional<schedule::FixedSchedule> fixed_;  // trace replay (built before connecting)
  SchedSample sched_at_start_, sched_profiling_;  // the client's CPU share while profiling
  std::unique_ptr<NetworkProbe> network_probe_;   // --network-latency-automatic, profiling only
  int handled_interrupts_ = 0;
};

/// Worker threads for a run: --workers-max, else AIPerf's max(1, min(0.75 x cores - 1, 32)),
/// at most the run's concurrency.
int default_worker_count(const config::Config& cfg);

/// inputs.json (spec §6.1): every turn's payload as formatted before the run.
void write_inputs_json(const std::string& path, const dataset::Dataset& ds,
                       const std::vector<std::string>& bodies, const config::Config& cfg,
                       const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra);

}  // namespace aiperf::run
