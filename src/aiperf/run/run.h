// One benchmark run as a function (DESIGN §2 "study/ calls one run through a small API"):
// Config → dataset → schedule → workers → record pipeline → exports, and an outcome the caller
// can inspect. `aiperf profile` calls it once; studies (repeated runs, sweeps, capacity search)
// call it once per point; features that live beside a run (telemetry, the dashboard, the HTML
// report, the effective-config file) attach as RunObservers instead of editing the run.
//
// Threading: run_benchmark() blocks the calling thread (the "main thread" of the run) until the
// exports are written. Every RunObserver method is called on that thread, in the order listed
// below (on_record excepted: the record pipeline thread); observers must not block it for long
// (the run's stop logic ticks every 10 ms).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/export/export.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/record/request_record.h"

namespace aiperf::dataset {
struct Dataset;
}
namespace aiperf::cluster {
class Team;
}

namespace aiperf::run {

/// What is known once the run is prepared (dataset built, bodies rendered, artifact directory
/// created), before any connection is made.
struct RunSetup {
  const config::Config* cfg = nullptr;
  const metrics::RunContext* ctx = nullptr;
  const dataset::Dataset* dataset = nullptr;
  const exporter::ArtifactPaths* paths = nullptr;
  /// The seed every random stream of this run derives from (the given --random-seed, or the one
  /// drawn when none was given): a run is reproduced by passing it back.
  uint64_t seed = 0;
  int workers = 0;  // I/O worker threads
};

/// A phase as it ran (CLOCK_MONOTONIC and epoch ns).
struct PhaseWindow {
  record::Phase phase = record::Phase::kProfiling;
  int64_t start_mono_ns = 0;
  int64_t end_mono_ns = 0;
  int64_t start_wall_ns = 0;
  int64_t end_wall_ns = 0;
  bool interrupted = false;
  bool grace_expired = false;
};

/// The live state of the current phase, refreshed every tick (~10 ms) on the main thread.
struct LiveStatus {
  record::Phase phase = record::Phase::kProfiling;
  int64_t phase_start_mono_ns = 0;
  int64_t now_mono_ns = 0;
  uint64_t completed = 0;  // finished requests of this phase (successes + errors)
  uint64_t errors = 0;
  uint64_t total = 0;       // expected requests (--request-count); 0 = unknown
  double duration_s = 0.0;  // phase duration limit; 0 = none
  uint64_t issued = 0;      // credits issued in this phase
  uint64_t in_flight = 0;   // issued - completed
  bool stopping = false;    // an interrupt or the duration stopped new sends
};

/// What the run produced, for observers and callers.
struct RunOutcome {
  int exit_code = 0;  // cli exit codes: 0 ok, 1 benchmark failed, 130 interrupted
  bool interrupted = false;
  bool grace_expired = false;
  metrics::Results results;
  exporter::ClientHealth health;
  exporter::ArtifactPaths paths;
  PhaseWindow profiling;
  uint64_t seed = 0;
  /// (label, path) of every file written, as listed at the end of the console output.
  std::vector<std::pair<std::string, std::string>> files;
  std::string first_error;  // the first request error seen, if any
};

/// Where an observer adds to a run's outputs (RunObserver::on_results).
struct ResultSections {
  /// Top-level sections appended to profile_export_aiperf.json: (key, compact JSON text).
  std::vector<std::pair<std::string, std::string>> json;
  /// Console panels printed after the metrics tables, before the file list.
  std::vector<std::string> console;
  /// Files the observer wrote: (label, path), listed with the run's own files.
  std::vector<std::pair<std::string, std::string>> files;
};

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  /// The run is prepared; nothing has connected yet. Throwing aiperf::ConfigError here aborts
  /// the run as a usage error (exit 2).
  virtual void on_prepared(const RunSetup&) {}
  /// A phase (warmup, profiling) starts now.
  virtual void on_phase_start(record::Phase, int64_t /*start_mono_ns*/) {}
  virtual void on_tick(const LiveStatus&) {}
  virtual void on_phase_end(const PhaseWindow&) {}
  /// One processed profiling record with its metric values (internal units: ns, tokens), in
  /// completion order. Called on the record pipeline thread, NOT the main thread: keep it cheap
  /// and non-blocking (it sits between the records that feed the aggregator).
  virtual void on_record(const record::ProcessedRecord&, const metrics::RecordValues&) {}
  /// Every record is processed and the statistics are final; the summary files are not written
  /// yet. Add JSON sections, console panels and files here.
  virtual void on_results(const RunOutcome&, ResultSections&) {}
  /// Every export is written (or failed to be); the outcome is final.
  virtual void on_finished(const RunOutcome&) {}
};

struct RunOptions {
  std::vector<RunObserver*> observers;  // borrowed; called in order
  /// Print the console report (tables, client health, file list) to stdout.
  bool print_console = true;
  /// Install the SIGINT/SIGTERM/SIGHUP handlers (a study installs them once for all its runs).
  bool install_signal_handlers = true;
  /// Ctrl-C presses (signals.h interrupt_count()) the caller has already handled; a later one
  /// stops this run, even one that came while it was being prepared. -1: those counted when the
  /// run starts.
  int interrupts_seen = -1;
  /// More run_info fields for profile_export_aiperf.json (key, JSON text), from a study.
  std::vector<std::pair<std::string, std::string>> run_info;
  /// Show the progress UI chosen by --ui (a study may show its own instead).
  bool show_progress = true;
  /// Scale-out (cluster/team.h): this process is one rank of several; null: one process.
  /// Rank 0 writes the exports of the whole run; the others send their share and return an
  /// outcome with no results.
  cluster::Team* team = nullptr;
};

/// Runs one benchmark. Throws aiperf::ConfigError / aiperf::InputError for bad configuration or
/// input files (before any request is sent) and std::exception for other set-up failures
/// (unreachable server, unwritable artifact directory). Once requests are sent it returns.
RunOutcome run_benchmark(const config::Config& cfg, const RunOptions& opts = {});

/// Maps run_benchmark's exceptions to the one-line message and the exit code, printing the
/// message to stderr as "aiperf: error: ..." (2 for ConfigError/InputError, 1 otherwise).
/// Returns the outcome, or nullopt-like exit code via `exit_code` when it threw.
int run_benchmark_cli(const config::Config& cfg, const RunOptions& opts = {},
                      RunOutcome* outcome = nullptr);

}  // namespace aiperf::run
