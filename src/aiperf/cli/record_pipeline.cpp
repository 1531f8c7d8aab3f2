#include "aiperf/cli/record_pipeline.h"

#include "aiperf/common/clock.h"

namespace aiperf::cli {

RecordPipeline::RecordPipeline(worker::RecordSink& sink, const record::RecordProcessor& processor,
                               const dataset::Dataset& dataset,
                               const std::vector<std::string>& bodies,
                               metrics::Aggregator& aggregator, exporter::RecordWriters* writers)
    : sink_(sink),
      processor_(processor),
      dataset_(dataset),
      bodies_(bodies),
      aggregator_(aggregator),
      writers_(writers) {}

RecordPipeline::~RecordPipeline() { finish(); }

void RecordPipeline::start() {
  thread_ = std::thread([this] { run(); });
}

void RecordPipeline::finish() {
  if (!thread_.joinable()) return;
  done_.store(true);
  sink_.notify();
  thread_.join();
}

std::string RecordPipeline::first_error() const {
  std::lock_guard<std::mutex> lk(err_mu_);
  return first_error_;
}

void RecordPipeline::run() {
  std::vector<std::unique_ptr<record::RequestRecord>> batch;
  for (;;) {
    bool last = done_.load();
    batch.clear();
    sink_.pop_all(batch, 50);
    for (auto& r : batch) handle(*r);
    if (last && batch.empty()) break;
  }
  if (writers_) writers_->flush();
  counters_.cpu_ns.store(thread_cpu_ns());
}

void RecordPipeline::handle(const record::RequestRecord& raw) {
  if (raw.phase == record::Phase::kWarmup) {
    counters_.warmup_done.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const dataset::Conversation& conv = dataset_.conversations[raw.conversation_index];
  const dataset::Turn& turn = conv.turns[raw.turn_index];
  record::RequestContext ctx;
  ctx.x_request_id = raw.x_request_id;
  ctx.x_correlation_id = raw.x_correlation_id;
  record::ProcessedRecord rec =
      processor_.process(raw, conv, turn, bodies_[raw.conversation_index], ctx);
  const metrics::RecordValues& values = aggregator_.add(rec);
  if (writers_) writers_->write(rec, values);
  if (rec.error) {
    counters_.profiling_errors.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard<std::mutex> lk(err_mu_);
    if (first_error_.empty()) {
      first_error_ = rec.error->type.empty() ? rec.error->message
                                             : rec.error->type + ": " + rec.error->message;
      if (first_error_.size() > 300) first_error_.resize(300);
    }
  }
  counters_.profiling_done.fetch_add(1, std::memory_order_release);
}

}  // namespace aiperf::cli
