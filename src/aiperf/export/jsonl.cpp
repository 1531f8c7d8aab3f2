// profile_export.jsonl (spec §6.5) and profile_export_raw.jsonl (spec §6.7): one JSON object
// per profiling record, through detail::RecordFile; profile_export.jsonl's lines rendered in idle
// time by detail::LineSpool unless that is off or unavailable (export.h).
#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "aiperf/common/env.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/export/export.h"
#include "aiperf/export/json_writer.h"
#include "aiperf/export/line_spool.h"
#include "aiperf/export/record_file.h"
#include "aiperf/export/util.h"

namespace aiperf::exporter {
namespace {

/// AIPERF_EXPORT_DIRECT_IO (record_file.h).
bool direct_io() {
  return env::flag("AIPERF_EXPORT_DIRECT_IO");
}

/// AIPERF_EXPORT_DEFERRED_LINES (line_spool.h).
bool deferred_lines() {
  return env::flag("AIPERF_EXPORT_DEFERRED_LINES");
}

/// Wall-clock epoch ns of monotonic instant `t` of this record (spec §6.5 conversion).
int64_t wall_of(const record::ProcessedRecord& r, int64_t t) {
  return r.start_wall_ns + (t - r.start_ns);
}

// Null fields are left out, as AIPerf writes records since 0.4 (pydantic exclude_none): a key
// that is present has a value, so `"error" in rec` means the request failed.
// Constant keys are written pre-quoted (JsonWriter::quoted_key): one append each.
/// The request's end as the line's metadata gives it (its last response, else the record's end).
int64_t line_end_ns(const record::ProcessedRecord& r) {
  return !r.raw_responses.empty() ? r.raw_responses.back().first : r.end_ns;
}

void write_metadata(detail::JsonWriter& w, const record::ProcessedRecord& r) {
  w.quoted_key(R"("metadata":)").begin_object();
  w.member(R"("session_num":)", r.credit_index);
  w.quoted_key(R"("x_request_id":)").value(r.x_request_id);
  w.quoted_key(R"("x_correlation_id":)").value(r.x_correlation_id);
  w.quoted_key(R"("conversation_id":)").value(r.conversation_id);
  w.member(R"("turn_index":)", r.turn_index);
  if (r.credit_ns > 0) w.member(R"("credit_issued_ns":)", wall_of(r, r.credit_ns));
  w.member(R"("request_start_ns":)", r.start_wall_ns);
  if (r.ack_ns > 0) w.member(R"("request_ack_ns":)", wall_of(r, r.ack_ns));
  w.member(R"("request_end_ns":)", wall_of(r, line_end_ns(r)));
  char worker[32] = R"("worker_)";
  char* wend = std::to_chars(worker + 8, worker + sizeof worker - 1, r.worker_id).ptr;
  *wend++ = '"';
  w.quoted_key(R"("worker_id":)").raw(std::string_view(worker, size_t(wend - worker)));
  w.raw(R"("record_processor_id":"record_processor_0")");
  w.raw(r.phase == record::Phase::kProfiling ? R"("benchmark_phase":"profiling")"
                                             : R"("benchmark_phase":"warmup")");
  const bool cancelled = r.error && (r.error->kind == record::ErrorKind::kCancelled ||
                                     r.error->kind == record::ErrorKind::kRequestCancelled);
  w.quoted_key(R"("was_cancelled":)").value(cancelled);
  if (r.cancel_ns > 0) w.member(R"("cancellation_time_ns":)", wall_of(r, r.cancel_ns));
  w.raw(R"("agent_depth":0)");
  // Extension: completion_tokens split by what the stream carried (record/processed_record.h).
  if (r.token_split == record::ProcessedRecord::TokenSplit::kStream) {
    w.quoted_key(R"("token_split":)").value("stream");
  }
  w.end_object();
}

/// --export-http-trace (spec §6.5 "trace_data"): the transport stamps of the request in epoch
/// ns, AIPerf's field names (aiohttp's set, plus the TLS handshake we see separately); a field
/// is left out when its event did not happen (reused connection, no body, ...).
void write_trace_data(detail::JsonWriter& w, const record::ProcessedRecord& r) {
  const record::HttpTrace& t = r.trace;
  auto stamp = [&](const char* key, int64_t mono) {
    if (mono > 0) w.key(key).value(wall_of(r, mono));
  };
  auto span = [&](const char* key, int64_t from, int64_t to) {
    if (from > 0 && to >= from) w.key(key).value(to - from);
  };
  auto chunks = [&](const char* key, const std::vector<std::pair<int64_t, uint32_t>>& v) {
    w.key(key).begin_array();
    for (const auto& [ts, n] : v)
      w.begin_array().value(wall_of(r, ts)).value(int64_t(n)).end_array();
    w.end_array();
  };
  w.key("trace_data").begin_object();
  w.key("trace_type").value("aiperf_cpp");
  stamp("request_send_start_ns", t.send_start_ns);
  stamp("request_send_end_ns", r.sent_ns);
  chunks("request_chunks", t.writes);
  w.key("request_chunks_count").value(int64_t(t.write_calls));
  w.key("request_bytes_total").value(int64_t(r.bytes_sent));
  if (r.http_status > 0) w.key("response_status_code").value(r.http_status);
  stamp("response_headers_received_ns", r.ack_ns);
  stamp("response_receive_start_ns", t.first_byte_ns);
  if (t.body_reads > 0) stamp("response_receive_end_ns", r.end_ns);
  chunks("response_chunks", t.reads);
  w.key("response_chunks_count").value(int64_t(t.body_reads));
  w.key("response_bytes_total").value(int64_t(r.bytes_received));
  if (r.error) stamp("error_timestamp_ns", r.end_ns);
  span("sending_ns", t.send_start_ns, r.sent_ns);
  span("waiting_ns", r.sent_ns, t.first_byte_ns);
  if (t.body_reads > 0) span("receiving_ns", t.first_byte_ns, r.end_ns);
  if (t.body_reads > 0) span("duration_ns", t.send_start_ns, r.end_ns);
  if (r.connection_reused) {
    stamp("connection_reused_ns", r.start_ns);
  } else {
    stamp("tcp_connect_start_ns", t.connect_start_ns);
    stamp("tcp_connect_end_ns", t.connect_end_ns);
    span("connecting_ns", t.connect_start_ns, t.tls_end_ns > 0 ? t.tls_end_ns : t.connect_end_ns);
    stamp("tls_handshake_start_ns", t.tls_start_ns);
    stamp("tls_handshake_end_ns", t.tls_end_ns);
    span("tls_handshaking_ns", t.tls_start_ns, t.tls_end_ns);
  }
  w.end_object();
}

void write_error(detail::JsonWriter& w, const record::ProcessedRecord& r) {
  if (!r.error) return;
  w.key("error").begin_object();
  if (r.error->code) w.key("code").value(*r.error->code);
  if (!r.error->type.empty()) w.key("type").value(r.error->type);
  w.key("message").value(r.error->message);
  w.end_object();
}

bool in_record_export(const metrics::MetricInfo& m, const metrics::RunContext& ctx) {
  if (m.has(metrics::kNoIndividualRecords) || m.has(metrics::kExperimental)) return false;
  if (m.has(metrics::kInternal) && !(ctx.dev_mode && ctx.show_internal)) return false;
  return true;
}

/// Per metric, the constant parts of its per-record entry, rendered once:
/// `"<tag>":{"value":` and `,"unit":"<display unit>"}`, and its unit conversion.
/// An entry is composed on the stack and appended at once (kEntryBytes; no catalog entry's
/// constant parts come near it, longer ones would take the writer's calls one by one).
constexpr size_t kEntryBytes = 192;
struct MetricEntry {
  const metrics::MetricInfo* info = nullptr;
  std::string head;
  std::string tail;
  metrics::UnitConverter to_display{"", ""};
};

const std::array<MetricEntry, metrics::kNumMetrics>& metric_entries() {
  static const std::array<MetricEntry, metrics::kNumMetrics> table = [] {
    std::array<MetricEntry, metrics::kNumMetrics> t;
    for (const metrics::MetricInfo& m : metrics::catalog()) {
      MetricEntry& e = t[metrics::index_of(m.id)];
      e.info = &m;
      detail::JsonWriter h(e.head);
      h.key(m.tag).begin_object().key("value");
      e.tail = ",\"unit\":";
      detail::append_json_string(e.tail, m.display_unit);
      e.tail += '}';
      e.to_display = metrics::UnitConverter(m.unit, m.display_unit);
    }
    return t;
  }();
  return table;
}

/// Whether a scalar value of the metric goes into the record's line.
bool in_line(const MetricEntry& e, double v, const metrics::RunContext& ctx) {
  return in_record_export(*e.info, ctx) && std::isfinite(v);
}

/// Whether the record's inter-chunk latencies go into its line (as a list).
bool icl_in_line(const metrics::RecordValues& values, const metrics::RunContext& ctx) {
  return !values.inter_chunk_ns.empty() &&
         in_record_export(metrics::metric_info(metrics::MetricId::kInterChunkLatency), ctx);
}

/// `"<tag>":{"value":<v in display units>,"unit":"<unit>"}` as one member of the metrics object.
void write_metric(detail::JsonWriter& w, const MetricEntry& e, double v) {
  const double d = e.to_display(v);
  char buf[kEntryBytes];
  if (1 + e.head.size() + detail::kMaxNumberChars + e.tail.size() > sizeof buf) {
    w.raw(e.head);  // an object key: the value follows without a comma
    w.after_key();
    if (e.info->integer) {
      w.value(static_cast<int64_t>(std::llround(d)));
    } else {
      w.value(d);
    }
    w.raw_end(e.tail);
    return;
  }
  char* p = w.sep_at(buf);
  std::memcpy(p, e.head.data(), e.head.size());
  p += e.head.size();
  p = e.info->integer ? detail::write_int(p, static_cast<int64_t>(std::llround(d)))
                      : detail::write_double(p, d);
  std::memcpy(p, e.tail.data(), e.tail.size());
  p += e.tail.size();
  w.append(std::string_view(buf, size_t(p - buf)));
}

}  // namespace

// ------------------------------------------------------------------------------ JsonlWriter

JsonlWriter::JsonlWriter(const std::string& path, const metrics::RunContext& ctx,
                         std::optional<bool> deferred)
    : file_(std::make_unique<detail::RecordFile>(path, direct_io())), ctx_(ctx) {
  // Trace data is not in the spool's entries: those lines are rendered as they come.
  if (deferred.value_or(deferred_lines()) && !ctx.export_http_trace) {
    spool_ = detail::LineSpool::make(
        std::filesystem::path(path).parent_path().string(),
        [this](const record::ProcessedRecord& rec, const metrics::RecordValues& values) {
          put(rec, values);
        },
        detail::LineSpool::kChunkBytes, detail::LineSpool::kMemoryBytes, direct_io());
  }
}

JsonlWriter::~JsonlWriter() = default;

std::string JsonlWriter::render_line(const record::ProcessedRecord& rec,
                                     const metrics::RecordValues& values,
                                     const metrics::RunContext& ctx) {
  std::string out;
  if (!render_line_into(out, rec, values, ctx)) return {};
  return out;
}

bool JsonlWriter::render_line_into(std::string& out, const record::ProcessedRecord& rec,
                                   const metrics::RecordValues& values,
                                   const metrics::RunContext& ctx) {
  out.clear();
  out.reserve(1024 + 24 * values.inter_chunk_ns.size());
  detail::JsonWriter w(out);
  w.begin_object();
  write_metadata(w, rec);
  w.quoted_key(R"("metrics":)").begin_object();
  bool any = false;
  const auto& entries = metric_entries();
  for (const auto& [id, v] : values.scalars) {
    const MetricEntry& e = entries[metrics::index_of(id)];
    if (!in_line(e, v, ctx)) continue;
    write_metric(w, e, v);
    any = true;
  }
  if (icl_in_line(values, ctx)) {
    const auto& icl = metrics::metric_info(metrics::MetricId::kInterChunkLatency);
    w.key(icl.tag).begin_object().key("value").begin_array();
    const metrics::UnitConverter to_display(icl.unit, icl.display_unit);
    for (double v : values.inter_chunk_ns) w.value(to_display(v));
    w.end_array().key("unit").value(icl.display_unit).end_object();
    any = true;
  }
  w.end_object();
  if (!any && !rec.error) {
    out.clear();
    return false;
  }
  if (ctx.export_http_trace) write_trace_data(w, rec);
  write_error(w, rec);
  w.end_object();
  return true;
}

bool JsonlWriter::line_values(const record::ProcessedRecord& rec,
                              const metrics::RecordValues& values, const metrics::RunContext& ctx,
                              LineValues& out, const uint8_t* wanted) {
  out.metrics.clear();
  if (rec.phase != record::Phase::kProfiling) return false;
  const auto& entries = metric_entries();
  for (const auto& [id, v] : values.scalars) {
    const size_t i = metrics::index_of(id);
    const MetricEntry& e = entries[i];
    if ((wanted && !wanted[i]) || !in_line(e, v, ctx)) continue;
    const double d = e.to_display(v);
    out.metrics.emplace_back(id, e.info->integer ? static_cast<double>(std::llround(d)) : d);
  }
  if (out.metrics.empty() && !rec.error && !icl_in_line(values, ctx) &&
      std::none_of(values.scalars.begin(), values.scalars.end(), [&](const auto& iv) {
        return in_line(entries[metrics::index_of(iv.first)], iv.second, ctx);
      }))
    return false;
  out.start_wall_ns = rec.start_wall_ns;
  out.end_wall_ns = wall_of(rec, line_end_ns(rec));
  out.error = rec.error.has_value();
  return true;
}

void JsonlWriter::write(const record::ProcessedRecord& rec, const metrics::RecordValues& values) {
  if (!file_ || rec.phase != record::Phase::kProfiling) return;
  if (spool_) {
    spool_->push(rec, values);
  } else {
    put(rec, values);
  }
}

void JsonlWriter::put(const record::ProcessedRecord& rec, const metrics::RecordValues& values) {
  if (!file_ || !render_line_into(line_, rec, values, ctx_)) return;
  file_->put_line(line_);
  ++lines_;
}

void JsonlWriter::flush() {
  if (spool_) {
    spool_->hand_over();  // the file is the renderer's until close()
  } else if (file_) {
    file_->flush();
  }
}

void JsonlWriter::close() {
  if (!file_) return;
  if (spool_) {
    auto spool = std::move(spool_);
    spool->finish();  // every line rendered; throws the renderer's write error
  }
  auto f = std::move(file_);
  f->close();
}

// --------------------------------------------------------------------------- RawJsonlWriter

namespace {

void write_request_headers(detail::JsonWriter& w, const config::Config& cfg) {
  w.key("request_headers").begin_object();
  w.key("Content-Type").value("application/json");
  w.key("Accept").value(cfg.streaming ? "text/event-stream" : "application/json");
  if (cfg.api_key) w.key("Authorization").value(kRedacted);
  for (const auto& [k, v] : cfg.headers) {
    w.key(k).value(config::is_credential_header(k) ? std::string_view(kRedacted) : v);
  }
  w.end_object();
}

}  // namespace

RawJsonlWriter::RawJsonlWriter(const std::string& path, const config::Config& cfg)
    : file_(std::make_unique<detail::RecordFile>(path, direct_io())), cfg_(cfg) {}

RawJsonlWriter::~RawJsonlWriter() = default;

std::string RawJsonlWriter::render_line(const record::ProcessedRecord& rec,
                                        const config::Config& cfg) {
  std::string out;
  detail::JsonWriter w(out);
  w.begin_object();
  write_metadata(w, rec);
  w.key("start_perf_ns").value(rec.start_ns);
  w.key("payload");
  if (!rec.payload.empty() && nlohmann::json::accept(rec.payload)) {
    // The exact body sent, unless it spans lines (then compacted to keep one line per record).
    if (rec.payload.find_first_of("\r\n") == std::string::npos) {
      w.raw(rec.payload);
    } else {
      w.raw(nlohmann::json::parse(rec.payload)
                .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  } else {
    w.value(rec.payload);
  }
  write_request_headers(w, cfg);
  if (rec.http_status) w.key("status").value(rec.http_status);
  w.key("responses").begin_array();
  for (const auto& [ts, text] : rec.raw_responses) {
    w.begin_object().key("perf_ns").value(ts);
    if (cfg.streaming) {
      w.key("packets").begin_array().begin_object();
      w.key("name").value("data").key("value").value(text);
      w.end_object().end_array();
    } else {
      w.key("text").value(text).key("content_type").value("application/json");
    }
    w.end_object();
  }
  w.end_array();
  write_error(w, rec);
  w.end_object();
  return out;
}

void RawJsonlWriter::write(const record::ProcessedRecord& rec) {
  if (!file_ || rec.phase != record::Phase::kProfiling) return;
  file_->put_line(render_line(rec, cfg_));
}

void RawJsonlWriter::flush() {
  if (file_) file_->flush();
}

void RawJsonlWriter::close() {
  if (!file_) return;
  auto f = std::move(file_);
  f->close();
}

// ---------------------------------------------------------------------------- RecordWriters

RecordWriters::RecordWriters(const config::Config& cfg, const metrics::RunContext& ctx,
                             const ArtifactPaths& paths) {
  std::error_code ec;
  std::filesystem::create_directories(paths.dir, ec);
  if (writes_record_lines(cfg)) {
    jsonl_.emplace(paths.records_jsonl, ctx);
    jsonl_path_ = paths.records_jsonl;
  }
  if (cfg.export_level == config::ExportLevel::kRaw) {
    raw_.emplace(paths.raw_jsonl, cfg);
    raw_path_ = paths.raw_jsonl;
  }
}

// A write error (a full disk, a file-size limit) must not end the run: the first one is kept,
// the writers stop, and the run reports it once at the end (docs/reliability.md).
template <class Fn>
void RecordWriters::guard(Fn&& fn) {
  if (!error_.empty()) return;
  try {
    fn();
  } catch (const std::exception& e) {
    error_ = e.what();
    jsonl_.reset();  // closes quietly; no further writes
    raw_.reset();
  }
}

void RecordWriters::write(const record::ProcessedRecord& rec, const metrics::RecordValues& values) {
  guard([&] {
    if (jsonl_) jsonl_->write(rec, values);
    if (raw_) raw_->write(rec);
  });
}

void RecordWriters::flush() {
  guard([&] {
    if (jsonl_) jsonl_->flush();
    if (raw_) raw_->flush();
  });
}

void RecordWriters::close() {
  guard([&] {
    if (jsonl_) jsonl_->close();
    if (raw_) raw_->close();
  });
}

std::vector<std::pair<std::string, std::string>> RecordWriters::files() const {
  std::vector<std::pair<std::string, std::string>> out;
  if (!jsonl_path_.empty()) out.emplace_back("JSONL Export", jsonl_path_);
  if (!raw_path_.empty()) out.emplace_back("Raw JSONL Export", raw_path_);
  return out;
}

}  // namespace aiperf::exporter
