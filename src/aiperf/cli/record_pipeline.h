// The record pipeline thread (DESIGN §1 "Record processors" + "Aggregator"): takes finished
// RequestRecords from the workers, parses and tokenizes them (record::RecordProcessor), feeds
// the aggregator and streams profile_export.jsonl. One thread owns all of that state.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/dataset/dataset.h"
#include "aiperf/export/export.h"
#include "aiperf/metrics/metrics.h"
#include "aiperf/record/processor.h"
#include "aiperf/worker/worker.h"

namespace aiperf::cli {

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
  void start();
  /// Processes everything still queued, then joins.
  void finish();
  const PipelineCounters& counters() const { return counters_; }
  /// First error message seen (for the "every request failed" line).
  std::string first_error() const;

 private:
  void run();
  void handle(const record::RequestRecord& raw);

  worker::RecordSink& sink_;
  const record::RecordProcessor& processor_;
  const dataset::Dataset& dataset_;
  const std::vector<std::string>& bodies_;
  metrics::Aggregator& aggregator_;
  exporter::RecordWriters* writers_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  PipelineCounters counters_;
  mutable std::mutex err_mu_;
  std::string first_error_;
};

}  // namespace aiperf::cli
