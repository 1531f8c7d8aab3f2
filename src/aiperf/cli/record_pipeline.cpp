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
  const bool multi = raw.num_turns > 1 && sessions_cfg_.has_value();
  const bool warm = raw.phase == record::Phase::kWarmup;
  if (warm && !multi) {
    counters_.warmup_done.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const dataset::Conversation& conv = dataset_.conversations[raw.conversation_index];
  const dataset::Turn& turn = conv.turns[raw.turn_index];
  record::RequestContext ctx;
  ctx.x_request_id = raw.x_request_id;
  ctx.x_correlation_id = raw.x_correlation_id;
  SessionState* st = nullptr;
  std::string reply;
  if (multi) {
    st = &sessions_[(uint64_t(raw.phase) << 32) | raw.session_index];
    ctx.history = st->history;
    ctx.assistant_reply = &reply;
  }
  std::string_view payload = st && st->body ? std::string_view(*st->body)
                                            : std::string_view(bodies_[raw.conversation_index]);
  record::ProcessedRecord rec = processor_.process(raw, conv, turn, payload, ctx);
  if (multi) continue_session(raw, conv, rec, *st, reply);
  if (warm) {
    counters_.warmup_done.fetch_add(1, std::memory_order_relaxed);
    return;
  }
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

void RecordPipeline::continue_session(const record::RequestRecord& raw,
                                      const dataset::Conversation& conv,
                                      const record::ProcessedRecord& rec, SessionState& st,
                                      std::string& reply) {
  const uint64_t key = (uint64_t(raw.phase) << 32) | raw.session_index;
  const uint32_t next = raw.turn_index + 1;
  if (next >= raw.num_turns || next >= conv.turns.size()) {
    sessions_.erase(key);  // the final turn: the session is over
    return;
  }
  // History (spec §3.8, deltas mode): this user turn, then the assistant reply when there was
  // one (a failed turn adds no reply).
  st.history.push_back(conv.turns[raw.turn_index]);
  if (!rec.error) {
    dataset::Turn a;
    a.role = "assistant";
    a.text = std::move(reply);
    st.history.push_back(std::move(a));
  }
  const Sessions& sc = *sessions_cfg_;
  const dataset::Turn& nt = conv.turns[next];
  auto rc = endpoint::make_render_context(*sc.cfg, conv, nt, sc.extra_inputs, st.history,
                                          raw.phase == record::Phase::kWarmup);
  st.body = std::make_shared<const std::string>(sc.endpoint->render_body(rc));

  worker::TurnDone t;
  t.prev.index = raw.credit_index;
  t.prev.phase = raw.phase;
  t.prev.conversation = raw.conversation_index;
  t.prev.turn = raw.turn_index;
  t.prev.num_turns = raw.num_turns;
  t.prev.session = raw.session_index;
  t.prev.url_index = raw.url_index;
  t.prev.scheduled_ns = raw.scheduled_ns;
  t.prev.x_correlation_id = raw.x_correlation_id;
  t.worker_id = raw.worker_id;
  t.returned_ns = raw.end_ns > 0 ? raw.end_ns : mono_ns();
  schedule::PhaseSpec cap;
  cap.delay_cap_s = sc.delay_cap_s;
  t.delay_ns = schedule::turn_delay_ns(cap, nt.delay_ms);
  t.next_timestamp_ms = nt.timestamp_ms;
  t.body = st.body;
  sc.router->next_turn(std::move(t));
}

}  // namespace aiperf::cli
