#include "aiperf/run/record_pipeline.h"

#include "aiperf/common/clock.h"
#include "aiperf/common/cpu_affinity.h"

namespace aiperf::run {

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

RecordPipeline::~RecordPipeline() {
  finish();
}

void RecordPipeline::start() {
  thread_ = std::thread([this] {
    affinity::enter_role(affinity::ThreadRole::kRecords);
    run();
  });
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
  std::vector<TurnStep> steps;
  for (;;) {
    bool last = done_.load();
    batch.clear();
    sink_.pop_all(batch, 50);
    affinity::note_records_backlog(batch.size());
    // Two passes: first every session's next turn (light: the answer's text and a body), then
    // the full processing (token counts of whole histories), so that no session waits for the
    // tokenizing of the records queued before it. A batch never holds two turns of one session.
    steps.resize(batch.size());
    for (size_t i = 0; i < batch.size(); ++i) steps[i] = begin_turn(*batch[i]);
    int64_t gave_way = mono_ns();
    for (size_t i = 0; i < batch.size(); ++i) {
      handle(*batch[i], steps[i]);
      affinity::give_way_to_io(gave_way);
    }
    const bool drained = batch.empty();
    sink_.give_back(batch);  // the workers fill them again
    if (last && drained) break;
  }
  if (writers_) {
    std::lock_guard<std::mutex> lk(account_mu_);
    writers_->flush();
  }
  counters_.cpu_ns.store(thread_cpu_ns());
}

const dataset::Conversation& RecordPipeline::conversation_of(
    const record::RequestRecord& raw) const {
  return raw.prepared ? raw.prepared->conversation : dataset_.conversations[raw.conversation_index];
}

std::string_view RecordPipeline::first_body_of(const record::RequestRecord& raw) const {
  return raw.prepared ? std::string_view(raw.prepared->first_body)
                      : std::string_view(bodies_[raw.conversation_index]);
}

RecordPipeline::TurnStep RecordPipeline::begin_turn(const record::RequestRecord& raw) {
  TurnStep step;
  if (raw.num_turns <= 1 || !sessions_cfg_) return step;
  const dataset::Conversation& conv = conversation_of(raw);
  step.key = (uint64_t(raw.phase) << 32) | raw.session_index;
  step.st = &sessions_[step.key];               // node-based: the pointer survives other inserts
  step.sent_body = step.st->body;               // what this turn sent
  step.sent_history = step.st->history.size();  // the history it carried
  const bool last = raw.turn_index + 1 >= raw.num_turns || raw.turn_index + 1 >= conv.turns.size();
  step.ended = last || !advance_session(raw, conv, *step.st);
  return step;
}

void RecordPipeline::handle(const record::RequestRecord& raw, TurnStep& step) {
  const bool warm = raw.phase == record::Phase::kWarmup;
  if (warm && !step.st) {
    counters_.warmup_done.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  const dataset::Conversation& conv = conversation_of(raw);
  const dataset::Turn& turn = conv.turns[raw.turn_index];
  record::RequestContext ctx;
  ctx.x_request_id = raw.x_request_id;
  ctx.x_correlation_id = raw.x_correlation_id;
  if (!step.st) {
    processor_.process(raw, conv, turn, first_body_of(raw), ctx, rec_);
    account(rec_, warm);
    return;
  }
  ctx.history = std::span<const dataset::Turn>(step.st->history).first(step.sent_history);
  std::string_view payload =
      step.sent_body ? std::string_view(*step.sent_body) : first_body_of(raw);
  processor_.process(raw, conv, turn, payload, ctx, rec_);
  if (step.ended) sessions_.erase(step.key);
  step = TurnStep{};
  account(rec_, warm);
}

void RecordPipeline::account_remote(record::ProcessedRecord&& rec) {
  account(rec, false, true);
}

void RecordPipeline::account(const record::ProcessedRecord& rec, bool warm, bool remote) {
  if (warm) {
    counters_.warmup_done.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  if (remote || !forward_ || !forward_(rec)) {
    std::lock_guard<std::mutex> lk(account_mu_);
    const metrics::RecordValues& values = aggregator_.add(rec);
    if (timeslices_) timeslices_->add(rec, values);
    if (writers_) writers_->write(rec, values);
    for (RunObserver* o : observers_) o->on_record(rec, values);
  }
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

bool RecordPipeline::extract_reply(const record::RequestRecord& raw, std::string& reply) {
  // The same rules as record::RecordProcessor (spec §2.6, §3.8): the non-reasoning output, else
  // the reasoning text; none when the request failed or carried no content.
  reply.clear();
  if (raw.error != record::ErrorKind::kNone) return false;
  std::string reasoning;
  bool content = false;
  record::EventPayloads payloads(raw);
  for (const record::ResponseEvent& ev : raw.events) {
    std::string_view payload = payloads.next();
    if (ev.is_error_event) return false;
    if (!sessions_cfg_->endpoint->parse(payload, parsed_)) continue;
    if (parsed_.has_error) return false;
    if (!parsed_.has_data()) continue;
    content = true;
    reply.append(parsed_.output_text());
    if (parsed_.kind == endpoint::DataKind::kReasoning) reasoning.append(parsed_.reasoning);
  }
  if (!content) return false;
  if (reply.empty()) reply = std::move(reasoning);
  return true;
}

bool RecordPipeline::advance_session(const record::RequestRecord& raw,
                                     const dataset::Conversation& conv, SessionState& st) {
  const Sessions& sc = *sessions_cfg_;
  // History (spec §3.8, deltas mode): this user turn, then the assistant reply when there was
  // one (a failed turn adds no reply). message_array_with_responses conversations send each
  // turn as it is.
  if (conv.accumulate_history) {
    st.history.push_back(conv.turns[raw.turn_index]);
    std::string reply;
    if (extract_reply(raw, reply)) {
      dataset::Turn a;
      a.role = "assistant";
      a.text = std::move(reply);
      st.history.push_back(std::move(a));
    }
  }
  const dataset::Turn& nt = conv.turns[raw.turn_index + 1];
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
  t.prev.prepared = raw.prepared;
  t.worker_id = raw.worker_id;
  try {
    auto rc = endpoint::make_render_context(*sc.cfg, conv, nt, sc.extra_inputs, st.history,
                                            raw.phase == record::Phase::kWarmup);
    st.body = std::make_shared<const std::string>(sc.endpoint->render_body(rc));
  } catch (const std::exception& e) {
    // Not expected for a body the endpoint could render at turn 0; never take the run down.
    {
      std::lock_guard<std::mutex> lk(err_mu_);
      if (first_error_.empty()) first_error_ = std::string("rendering a later turn: ") + e.what();
    }
    sc.router->end_session(t.prev);
    return false;
  }
  t.returned_ns = raw.end_ns > 0 ? raw.end_ns : mono_ns();
  schedule::PhaseSpec cap;
  cap.delay_cap_s = sc.delay_cap_s;
  t.delay_ns = schedule::turn_delay_ns(cap, nt.delay_ms);
  t.next_timestamp_ms = nt.timestamp_ms;
  t.body = st.body;
  sc.router->next_turn(std::move(t));
  return true;
}

}  // namespace aiperf::run
