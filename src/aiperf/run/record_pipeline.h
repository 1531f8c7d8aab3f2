// The record pipeline thread (DESIGN §1 "Record processors" + "Aggregator"): takes finished
// RequestRecords from the workers, parses and tokenizes them (record::RecordProcessor), feeds
// the aggregator and streams profile_export.jsonl. One thread owns all of that state.
#pragma once
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "aiperf/dataset/dataset.h"
#include "aiperf/export/export.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/metrics/timeslices.h"
#include "aiperf/record/processor.h"
#include "aiperf/run/run.h"
#include "aiperf/worker/session_router.h"
#include "aiperf/worker/worker.h"

namespace aiperf::run {

/// Live counters for the progress UI and the stop logic (written by the pipeline thread).
struct PipelineCounters {
  std::atomic<uint64_t> warmup_done{0};
  std::atomic<uint64_t> profiling_done{0};
  std::atomic<uint64_t> profiling_errors{0};
  std::atomic<int64_t> cpu_ns{0};  // pipeline thread CPU (valid after join)
};

class RecordPipeline {
 public:
  RecordPipeline(worker::RecordSink& sink, const record::RecordProcessor& processor,
                 const dataset::Dataset& dataset, const std::vector<std::string>& bodies,
                 metrics::Aggregator& aggregator, exporter::RecordWriters* writers);
  ~RecordPipeline();
  /// Multi-turn sessions (before start()): after a non-final turn's record is processed, the
  /// reply joins the session history, the next turn's body is rendered here (off the I/O
  /// threads, DESIGN §3) and handed to `router`. All pointers must outlive the pipeline.
  struct Sessions {
    const config::Config* cfg = nullptr;
    const endpoint::Endpoint* endpoint = nullptr;
    const nlohmann::ordered_json* extra_inputs = nullptr;
    worker::SessionRouter* router = nullptr;
    std::optional<double> delay_cap_s;  // --inter-turn-delay-cap-seconds (file datasets)
  };
  void enable_sessions(const Sessions& s) { sessions_cfg_ = s; }
  /// Observers told of every profiling record (RunObserver::on_record), before start().
  void observe(std::vector<RunObserver*> observers) { observers_ = std::move(observers); }
  /// --slice-duration (before start()): profiling records also go to their time slice.
  void enable_timeslices(metrics::TimesliceAggregator* t) { timeslices_ = t; }
  /// Scale-out (before start()): sees each profiling record first; true when it took the
  /// record away (a rank > 0 ships it to rank 0), which is then only counted here.
  void set_forward(std::function<bool(const record::ProcessedRecord&)> f) {
    forward_ = std::move(f);
  }
  /// Scale-out, rank 0: a profiling record of another rank, aggregated and exported with this
  /// process's own (thread-safe: called on the team's hub thread).
  void account_remote(record::ProcessedRecord&& rec);
  void start();
  /// Processes everything still queued, then joins.
  void finish();
  const PipelineCounters& counters() const { return counters_; }
  /// First error message seen (for the "every request failed" line).
  std::string first_error() const;

 private:
  void run();
  // aggregate, export, count; `remote`: another rank's record (account_remote)
  void account(const record::ProcessedRecord& rec, bool warm, bool remote = false);
  struct SessionState {
    std::vector<dataset::Turn> history;       // earlier user turns and assistant replies
    std::shared_ptr<const std::string> body;  // the body of the turn in flight (turn >= 1)
  };
  /// A session turn between the two passes over a batch (see run()).
  struct TurnStep {
    SessionState* st = nullptr;  // null: not a session turn
    std::shared_ptr<const std::string> sent_body;
    size_t sent_history = 0;
    bool ended = false;
    uint64_t key = 0;
  };
  /// The record's conversation: prepared just in time, or held by the dataset.
  const dataset::Conversation& conversation_of(const record::RequestRecord& raw) const;
  std::string_view first_body_of(const record::RequestRecord& raw) const;
  TurnStep begin_turn(const record::RequestRecord& raw);
  void handle(const record::RequestRecord& raw, TurnStep& step);
  /// Extends the history with the returned turn and its reply, renders the next turn and hands
  /// it to the router. False when the session cannot continue.
  bool advance_session(const record::RequestRecord& raw, const dataset::Conversation& conv,
                       SessionState& st);
  /// The assistant reply of a returned turn; false when the turn failed.
  bool extract_reply(const record::RequestRecord& raw, std::string& reply);

  worker::RecordSink& sink_;
  const record::RecordProcessor& processor_;
  const dataset::Dataset& dataset_;
  const std::vector<std::string>& bodies_;
  metrics::Aggregator& aggregator_;
  exporter::RecordWriters* writers_;
  metrics::TimesliceAggregator* timeslices_ = nullptr;
  std::thread thread_;
  std::atomic<bool> done_{false};
  PipelineCounters counters_;
  std::optional<Sessions> sessions_cfg_;
  std::vector<RunObserver*> observers_;
  endpoint::ParsedResponse parsed_;  // scratch of extract_reply()
  record::ProcessedRecord rec_;      // handle()'s record, filled again for each request
  std::unordered_map<uint64_t, SessionState> sessions_;  // (phase, session) → state
  mutable std::mutex err_mu_;
  std::string first_error_;
  std::function<bool(const record::ProcessedRecord&)> forward_;
  std::mutex account_mu_;  // the aggregator and writers: the pipeline thread and the hub
};

}  // namespace aiperf::run
