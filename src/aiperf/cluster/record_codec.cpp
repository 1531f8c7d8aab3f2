#include "aiperf/cluster/record_codec.h"

#include "aiperf/cluster/wire.h"

namespace aiperf::cluster {

// A field added to ProcessedRecord must be added to encode/decode below (and to the round-trip
// test in tests/unit/cluster/record_codec_test.cpp); then update this size.
static_assert(sizeof(record::ProcessedRecord) == 800,
              "record::ProcessedRecord changed: carry the new field in cluster/record_codec.cpp");

namespace {

constexpr uint8_t kRecordVersion = 1;

void put_opt(ByteWriter& w, const std::optional<int64_t>& v) {
  w.boolean(v.has_value());
  if (v) w.i64(*v);
}

std::optional<int64_t> get_opt(ByteReader& r) {
  if (!r.boolean()) return std::nullopt;
  return r.i64();
}

void put_usage(ByteWriter& w, const record::Usage& u) {
  for (const auto* f :
       {&u.prompt_tokens, &u.completion_tokens, &u.total_tokens, &u.reasoning_tokens,
        &u.prompt_cache_read_tokens, &u.prompt_cache_write_tokens, &u.prompt_cache_miss_tokens,
        &u.prompt_audio_tokens, &u.completion_audio_tokens, &u.accepted_prediction_tokens,
        &u.rejected_prediction_tokens, &u.tool_use_prompt_tokens}) {
    put_opt(w, *f);
  }
  w.boolean(u.prompt_audio_seconds.has_value());
  if (u.prompt_audio_seconds) w.f64(*u.prompt_audio_seconds);
}

void get_usage(ByteReader& r, record::Usage& u) {
  for (auto* f :
       {&u.prompt_tokens, &u.completion_tokens, &u.total_tokens, &u.reasoning_tokens,
        &u.prompt_cache_read_tokens, &u.prompt_cache_write_tokens, &u.prompt_cache_miss_tokens,
        &u.prompt_audio_tokens, &u.completion_audio_tokens, &u.accepted_prediction_tokens,
        &u.rejected_prediction_tokens, &u.tool_use_prompt_tokens}) {
    *f = get_opt(r);
  }
  if (r.boolean()) u.prompt_audio_seconds = r.f64();
}

void put_steps(ByteWriter& w, const std::vector<std::pair<int64_t, uint32_t>>& v) {
  w.u64(v.size());
  for (const auto& [t, bytes] : v) {
    w.i64(t);
    w.u64(bytes);
  }
}

void get_steps(ByteReader& r, std::vector<std::pair<int64_t, uint32_t>>& v) {
  size_t n = r.count(2);
  v.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    int64_t t = r.i64();
    v.emplace_back(t, uint32_t(r.u64()));
  }
}

void put_trace(ByteWriter& w, const record::HttpTrace& t) {
  for (int64_t x : {t.connect_start_ns, t.connect_end_ns, t.tls_start_ns, t.tls_end_ns,
                    t.send_start_ns, t.first_byte_ns}) {
    w.i64(x);
  }
  w.u64(t.write_calls);
  w.u64(t.body_reads);
  put_steps(w, t.writes);
  put_steps(w, t.reads);
}

void get_trace(ByteReader& r, record::HttpTrace& t) {
  for (int64_t* x : {&t.connect_start_ns, &t.connect_end_ns, &t.tls_start_ns, &t.tls_end_ns,
                     &t.send_start_ns, &t.first_byte_ns}) {
    *x = r.i64();
  }
  t.write_calls = uint32_t(r.u64());
  t.body_reads = uint32_t(r.u64());
  get_steps(r, t.writes);
  get_steps(r, t.reads);
}

}  // namespace

void encode_record(const record::ProcessedRecord& r, std::string& out) {
  ByteWriter w(out);
  w.u64(kRecordVersion);
  w.u64(r.credit_index);
  w.u64(uint64_t(r.phase));
  w.u64(r.conversation_index);
  w.u64(r.turn_index);
  w.u64(r.worker_id);
  w.str(r.x_request_id);
  w.str(r.x_correlation_id);
  w.str(r.conversation_id);
  w.i64(r.scheduled_ns);
  w.i64(r.credit_ns);
  w.i64(r.start_ns);
  w.i64(r.ack_ns);
  w.i64(r.end_ns);
  w.i64(r.start_wall_ns);
  w.u64(r.content_ts.size());
  int64_t prev = r.start_ns;
  for (int64_t t : r.content_ts) {
    w.i64(int64_t(uint64_t(t) - uint64_t(prev)));  // small deltas (modular: never overflows)
    prev = t;
  }
  w.i64(r.first_output_ts);
  put_opt(w, r.input_tokens);
  put_opt(w, r.output_tokens);
  put_opt(w, r.reasoning_tokens);
  put_opt(w, r.requested_osl);
  w.i64(r.num_images);
  w.boolean(r.usage.has_value());
  if (r.usage) put_usage(w, *r.usage);
  w.boolean(r.error.has_value());
  if (r.error) {
    w.boolean(r.error->code.has_value());
    if (r.error->code) w.i64(*r.error->code);
    w.str(r.error->type);
    w.str(r.error->message);
    w.u64(uint64_t(r.error->kind));
  }
  put_opt(w, r.first_chunk_tokens);
  w.i64(r.sent_ns);
  w.boolean(r.connection_reused);
  w.u64(r.bytes_sent);
  w.u64(r.bytes_received);
  put_trace(w, r.trace);
  w.i64(r.cancel_ns);
  w.str(r.payload);
  w.u64(r.raw_responses.size());
  for (const auto& [t, body] : r.raw_responses) {
    w.i64(t);
    w.str(body);
  }
  w.i64(r.http_status);
}

bool RecordDecoder::next(record::ProcessedRecord& out, bool* malformed) {
  if (malformed) *malformed = false;
  if (pos_ >= in_.size()) return false;
  ByteReader r(in_.substr(pos_));
  const size_t before = r.remaining();
  out = record::ProcessedRecord{};
  bool ok = r.u64() == kRecordVersion;
  out.credit_index = r.u64();
  uint64_t phase = r.u64();
  ok = ok && phase <= uint64_t(record::Phase::kProfiling);
  out.phase = record::Phase(phase);
  out.conversation_index = uint32_t(r.u64());
  out.turn_index = uint32_t(r.u64());
  out.worker_id = uint16_t(r.u64());
  out.x_request_id = r.str();
  out.x_correlation_id = r.str();
  out.conversation_id = r.str();
  out.scheduled_ns = r.i64();
  out.credit_ns = r.i64();
  out.start_ns = r.i64();
  out.ack_ns = r.i64();
  out.end_ns = r.i64();
  out.start_wall_ns = r.i64();
  size_t n = r.count();
  out.content_ts.reserve(n);
  int64_t prev = out.start_ns;
  for (size_t i = 0; i < n && r.ok(); ++i) {
    prev = int64_t(uint64_t(prev) + uint64_t(r.i64()));
    out.content_ts.push_back(prev);
  }
  out.first_output_ts = r.i64();
  out.input_tokens = get_opt(r);
  out.output_tokens = get_opt(r);
  out.reasoning_tokens = get_opt(r);
  out.requested_osl = get_opt(r);
  out.num_images = r.i64();
  if (r.boolean()) get_usage(r, out.usage.emplace());
  if (r.boolean()) {
    record::ErrorInfo& e = out.error.emplace();
    if (r.boolean()) e.code = int(r.i64());
    e.type = r.str();
    e.message = r.str();
    uint64_t kind = r.u64();
    ok = ok && kind <= uint64_t(record::ErrorKind::kRequestCancelled);
    e.kind = record::ErrorKind(kind);
  }
  out.first_chunk_tokens = get_opt(r);
  out.sent_ns = r.i64();
  out.connection_reused = r.boolean();
  out.bytes_sent = r.u64();
  out.bytes_received = r.u64();
  get_trace(r, out.trace);
  out.cancel_ns = r.i64();
  out.payload = r.str();
  n = r.count(2);
  out.raw_responses.reserve(n);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    int64_t t = r.i64();
    out.raw_responses.emplace_back(t, std::string(r.str()));
  }
  out.http_status = int(r.i64());
  if (!ok || !r.ok()) {
    if (malformed) *malformed = true;
    pos_ = in_.size();
    return false;
  }
  pos_ += before - r.remaining();
  return true;
}

void shift_clock(record::ProcessedRecord& r, int64_t mono, int64_t wall) {
  // Modular: a hostile record gets nonsense instants, never undefined behaviour.
  auto shift = [mono](int64_t& t) {
    if (t != 0) t = int64_t(uint64_t(t) + uint64_t(mono));
  };
  shift(r.scheduled_ns);
  shift(r.credit_ns);
  shift(r.start_ns);
  shift(r.ack_ns);
  shift(r.end_ns);
  shift(r.first_output_ts);
  shift(r.sent_ns);
  shift(r.cancel_ns);
  for (int64_t* t : {&r.trace.connect_start_ns, &r.trace.connect_end_ns, &r.trace.tls_start_ns,
                     &r.trace.tls_end_ns, &r.trace.send_start_ns, &r.trace.first_byte_ns}) {
    shift(*t);
  }
  for (auto& [t, bytes] : r.trace.writes) shift(t);
  for (auto& [t, bytes] : r.trace.reads) shift(t);
  for (int64_t& t : r.content_ts) shift(t);
  for (auto& [t, body] : r.raw_responses) shift(t);
  if (r.start_wall_ns != 0) r.start_wall_ns = int64_t(uint64_t(r.start_wall_ns) + uint64_t(wall));
}

}  // namespace aiperf::cluster
