// Token generation for every token API (chat, completions, responses, messages, TGI): output
// plan, latency, faults, and the token pump that releases SSE events at absolute deadlines
// (Connection members; connection.h). The wire shapes are stream_formats.cpp's.
#include <algorithm>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/mock/connection.h"
#include "aiperf/mock/mock_rng.h"

namespace aiperf::mock {

namespace {
constexpr uint64_t kSaltError = 1, kSaltReset = 2, kSaltStall = 3, kSaltMalformed = 4,
                   kSaltResetHead = 5, kSaltErrorEvent = 6, kSaltTruncate = 7;

bool is_reasoning_model(std::string_view model) {
  std::string lower(model);
  for (char& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return lower.find("gpt-oss") != std::string::npos || lower.find("qwen") != std::string::npos;
}

WireFormat format_of(ApiKind kind) {
  switch (kind) {
    case ApiKind::kCompletions:
      return WireFormat::kCompletions;
    case ApiKind::kResponses:
      return WireFormat::kResponses;
    case ApiKind::kMessages:
      return WireFormat::kMessages;
    case ApiKind::kTgi:
      return WireFormat::kTgi;
    case ApiKind::kTritonGenerate:
      return WireFormat::kTritonGenerate;
    case ApiKind::kImages:
      return WireFormat::kImages;
    default:
      return WireFormat::kChat;
  }
}

/// The response id as each API spells it.
std::string response_id(WireFormat f, uint64_t h) {
  switch (f) {
    case WireFormat::kChat:
      return fmt::format("chatcmpl-{:016x}", h);
    case WireFormat::kResponses:
      return fmt::format("resp_{:016x}", h);
    case WireFormat::kMessages:
      return fmt::format("msg_{:016x}", h);
    default:
      return fmt::format("cmpl-{:016x}", h);
  }
}

/// The Prometheus counters keep three APIs (server_metrics.h): the chat-shaped generation APIs
/// (Responses, Anthropic messages, images) count as chat, TGI as completions.
int metrics_api(ApiKind kind) {
  switch (kind) {
    case ApiKind::kCompletions:
    case ApiKind::kTgi:
    case ApiKind::kTritonGenerate:
      return 1;
    case ApiKind::kEmbeddings:
      return 2;
    default:
      return 0;
  }
}

int64_t fault_index(int64_t configured, int64_t total) {
  int64_t at = configured >= 0 ? configured : total / 2;
  return std::min(at, total);
}
}  // namespace

void Connection::start_inference(ApiKind kind, InferenceRequest& req) {
  ServerContext& c = ctx();
  const MockOptions& o = c.opts;
  const HttpRequest& http = parser_.request();
  const uint64_t seq = c.inference_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  const std::string& model = req.model.empty() ? o.model_names.front() : req.model;
  if (recording_) {
    rec_.seq = seq;
    rec_.model = model;
    rec_.stream = req.stream;
    rec_.requested_max_tokens = req.max_tokens.value_or(-1);
    rec_.requested_min_tokens = req.min_tokens.value_or(-1);
    rec_.ignore_eos = req.ignore_eos;
    rec_.tokens_per_chunk = std::max(1, o.tokens_per_chunk);
  }
  int64_t isl = int64_t(c.text->count(req.prompt_text));
  if (req.prompt_token_ids >= 0) isl += req.prompt_token_ids;
  if (recording_) rec_.isl = isl;

  if (c.selected(o.error, seq, kSaltError)) {
    if (recording_) rec_.faults.emplace_back("error");
    c.metrics.prompt_tokens_total.fetch_add(uint64_t(isl), std::memory_order_relaxed);
    c.metrics.request_failure_total.fetch_add(1, std::memory_order_relaxed);
    c.metrics.api[size_t(metrics_api(kind))]
        .failed_by_status[size_t(std::clamp(o.error_status, 400, 599) - 400)]
        .fetch_add(1, std::memory_order_relaxed);
    if (o.error_body == "json") {
      respond_error(o.error_status, "Simulated error",
                    o.error_status >= 500 ? "server_error" : "invalid_request_error");
    } else {  // a proxy's or a framework's plain answer: no JSON to parse
      if (recording_) rec_.outcome = "error";
      respond(o.error_status, "text/plain", o.error_body == "text" ? "Simulated error\n" : "");
    }
    return;
  }
  if (c.selected(o.reset_before_headers, seq, kSaltResetHead)) {
    if (recording_) {
      rec_.faults.emplace_back("reset_before_headers");
      rec_.outcome = "reset";
    }
    c.metrics.request_failure_total.fetch_add(1, std::memory_order_relaxed);
    close_now(true);
    return;
  }

  const uint64_t h = splitmix64(o.random_seed ^ fnv1a64(req.prompt_text));
  LengthRequest lr;
  lr.isl = isl;
  lr.max_tokens = req.max_tokens;
  lr.min_tokens = req.min_tokens;
  lr.ignore_eos = req.ignore_eos;
  // APIs with a reasoning channel (chat reasoning_content, Responses reasoning items,
  // Anthropic thinking blocks) stream a reasoning model's thinking first.
  lr.reasoning_model =
      (kind == ApiKind::kChat || kind == ApiKind::kResponses || kind == ApiKind::kMessages) &&
      is_reasoning_model(model);
  lr.reasoning_effort = req.reasoning_effort;
  LengthPlan plan = plan_lengths(lr, h);
  if (kind == ApiKind::kImages) {  // one "token" per image: the partial ones, then the final
    plan.reasoning_tokens = 0;
    plan.output_tokens =
        req.stream ? std::max<int64_t>(0, req.partial_images) + 1 : std::max<int64_t>(1, req.n);
  }

  is_inference_ = true;
  int64_t inflight = c.inflight.fetch_add(1, std::memory_order_relaxed) + 1;
  c.metrics.num_requests_running.fetch_add(1, std::memory_order_relaxed);
  c.metrics.on_request_start(metrics_api(kind), isl, req.stream);

  Generation& g = gen_;
  g = Generation{};
  g.api = metrics_api(kind);
  g.isl = isl;
  g.stream = req.stream;
  g.include_usage = req.include_usage;
  StreamState& st = g.st;
  st.format = format_of(kind);
  st.reasoning = plan.reasoning_tokens;
  st.total = plan.reasoning_tokens + plan.output_tokens;
  g.continuous_usage = req.include_usage && req.continuous_usage;  // as vLLM: needs both
  g.start_ns = recording_ ? rec_.request_complete_ns : mono_ns();
  g.lat =
      o.fast ? Latency{} : compute_latency(c.latency, isl, st.total, inflight, splitmix64(h ^ seq));
  g.word_offset = h % c.text->vocabulary_size();
  // The token limit counts reasoning and content together, as real servers do.
  st.length_stop = req.max_tokens && st.total >= *req.max_tokens;
  st.no_done = o.sse_no_done;
  st.pad_bytes = o.sse_pad_bytes;
  st.ident.chat = kind == ApiKind::kChat;
  st.ident.id = response_id(st.format, splitmix64(o.random_seed + seq));
  st.ident.model_json = json_quote(model);
  st.ident.created_s = wall_ns() / 1'000'000'000;
  st.usage.prompt_tokens = isl;
  st.usage.completion_tokens = st.total;
  st.usage.reasoning_tokens = st.reasoning;
  st.usage.cached_tokens = isl * int64_t(30 + splitmix64(h ^ 0x5eed) % 31) / 100;
  st.usage.details = !o.no_completion_tokens_details;
  c.metrics.cached_prompt_tokens_total.fetch_add(uint64_t(st.usage.cached_tokens),
                                                 std::memory_order_relaxed);
  if (c.selected(o.reset, seq, kSaltReset)) {
    g.reset_at = fault_index(o.reset_after_tokens, st.total);
    if (recording_) rec_.faults.emplace_back("reset");
  }
  if (c.selected(o.stall, seq, kSaltStall)) {
    g.stall_at = fault_index(o.stall_after_tokens, st.total);
    g.stall_ns = int64_t(o.stall_seconds * 1e9);
    if (recording_) rec_.faults.emplace_back("stall");
  }
  if (c.selected(o.malformed, seq, kSaltMalformed)) {
    g.malformed_at = fault_index(-1, st.total);
    if (recording_) rec_.faults.emplace_back("malformed");
  }
  if (req.stream && c.selected(o.error_event, seq, kSaltErrorEvent)) {
    g.error_event_at = fault_index(-1, st.total);
    if (recording_) rec_.faults.emplace_back("error_event");
  }
  if (req.stream && c.selected(o.truncate, seq, kSaltTruncate)) {
    g.truncate_at = fault_index(-1, st.total);
    if (recording_) rec_.faults.emplace_back("truncated");
  }
  if (recording_) {
    rec_.planned_output_tokens = plan.output_tokens;
    rec_.token_offsets_ns.reserve(size_t(st.total));
  }
  g.active = true;

  if (!g.stream) {
    int64_t last = std::max<int64_t>(0, st.total - 1);
    int64_t deadline = token_deadline_ns(g.start_ns, g.lat, last);
    if (g.stall_at >= 0) deadline += g.stall_ns;
    arm_timer(deadline, TimerKind::kDelayedResponse);
    return;
  }
  g.chunked = http.version_minor >= 1;
  if (!g.chunked) {
    force_close_ = true;
    close_after_ = true;
  }
  write_head(200, "text/event-stream", -1, "Cache-Control: no-cache\r\n", {});
  if (!g.headers_done) return;  // slow headers: the timer resumes
  sse_.clear();
  if (o.sse_keepalive_comments) c.framer.append_comment(&sse_, "keep-alive");
  append_prelude(&sse_, c.framer, st);  // Responses / Anthropic opening events
  if (!sse_.empty()) {
    if (g.chunked) fmt::format_to(std::back_inserter(out_), "{:x}\r\n", sse_.size());
    out_ += sse_;
    if (g.chunked) out_ += "\r\n";
  }
  if (!flush() || !out_.empty()) return;
  pump();
}

void Connection::pump() {
  const MockOptions& o = ctx().opts;
  const int64_t per_chunk = std::max(1, o.tokens_per_chunk);
  const int64_t per_write = o.sse_events_per_write > 0 ? o.sse_events_per_write
                            : o.fast                   ? kFastEventsPerWrite
                                                       : 1;
  Generation& g = gen_;
  while (g.active && !closed_ && out_.empty() && held_.empty()) {
    const int64_t total = g.st.total;
    if (g.next >= total && total > 0) return;
    int64_t end = std::min(total, g.next + per_chunk * per_write);
    // A stall delays everything from token stall_at on.
    if (!g.stalled && g.stall_at >= 0 && g.stall_at < std::max<int64_t>(end, 1)) {
      if (g.stall_at == g.next || total == 0) {
        g.stalled = true;
        g.start_ns += g.stall_ns;
      } else {
        end = g.stall_at;
      }
    }
    bool reset_after = false;
    if (g.reset_at >= 0 && g.reset_at < std::max<int64_t>(end, 1)) {
      end = std::min(end, g.reset_at);
      reset_after = true;
    }
    // An injected error event or cut: the tokens before it, then the stream ends there.
    const int64_t cut = g.error_event_at >= 0 ? g.error_event_at : g.truncate_at;
    if (cut >= 0 && g.next >= cut) {
      if (g.error_event_at >= 0) {
        emit_error_event_and_end();
      } else {
        emit_truncated_chunk();
      }
      return;
    }
    if (cut >= 0) end = std::min(end, cut);
    // Release the write when the first token of its last event is due.
    int64_t last_event_first =
        g.next + ((std::max(end - g.next, int64_t(1)) - 1) / per_chunk) * per_chunk;
    int64_t due = token_deadline_ns(g.start_ns, g.lat, last_event_first);
    if (due > mono_ns()) {
      arm_timer(due, TimerKind::kPump);
      return;
    }
    emit_group(end, reset_after);
    if (total == 0) return;
  }
}

void Connection::emit_group(int64_t end, bool reset_after) {
  ServerContext& c = ctx();
  const MockOptions& o = c.opts;
  Generation& g = gen_;
  const int64_t per_chunk = std::max(1, o.tokens_per_chunk);
  thread_local std::string json;
  thread_local std::string text;
  sse_.clear();
  if (o.sse_keepalive_comments) c.framer.append_comment(&sse_, "keep-alive");
  const StreamState& st = g.st;
  for (int64_t t = g.next; t < end;) {
    int64_t kind_end = t < st.reasoning ? st.reasoning : st.total;
    int64_t chunk_end = std::min({t + per_chunk, end, kind_end});
    if (t == st.reasoning && t > 0) {  // the answer starts after the thinking
      append_transition(&sse_, c.framer, g.st, answer_text(0, st.reasoning));
    }
    if (g.malformed_at >= t && g.malformed_at < chunk_end) {
      json.assign("{\"id\":\"")
          .append(st.ident.id)
          .append(
              "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{"
              "\"content\":\"");
      c.framer.append_event(&sse_, json);
      g.malformed_at = -1;
    }
    text.clear();
    for (int64_t k = t; k < chunk_end; ++k) text.append(c.text->piece(g.word_offset + uint64_t(k)));
    // TGI's last event repeats the whole answer as generated_text; with vLLM's
    // continuous_usage_stats every chat/completions chunk carries the running usage.
    const bool whole = chunk_end == st.total && st.format == WireFormat::kTgi;
    UsageCounts running = st.usage;
    running.completion_tokens = chunk_end;
    running.reasoning_tokens = std::min(chunk_end, st.reasoning);
    append_token_event(&sse_, c.framer, g.st, t, chunk_end, text,
                       whole ? answer_text(st.reasoning, st.total) : std::string(),
                       g.continuous_usage ? &running : nullptr);
    t = chunk_end;
  }
  const bool finished = end >= st.total && !reset_after;
  if (finished) append_final_events(&sse_);
  if (g.chunked) {
    if (!sse_.empty()) {
      fmt::format_to(std::back_inserter(out_), "{:x}\r\n", sse_.size());
      out_ += sse_;
      out_ += "\r\n";
    }
    if (finished) out_ += "0\r\n\r\n";
  } else {
    out_ += sse_;
  }
  // Stamped before the write: the ground truth must never be later than the moment a client
  // can see the bytes (a client on another core may read them before write() returns).
  const int64_t now = mono_ns();
  if (!flush()) return;
  const int64_t n = end - g.next;
  if (n > 0) {
    if (g.next == 0) {
      // Later deadlines count from the first token's actual write, so a late first token does not
      // shorten the following gaps: the mean ITL is never below --itl, and there is no drift.
      g.start_ns = now - g.lat.ttft_ns;
      g.first_token_ns = now;
      c.metrics.on_first_token(g.api, now - arrival_ns_, g.isl);
      c.metrics.on_tokens(g.api, n, 0);
    } else {
      c.metrics.on_tokens(g.api, n, (now - g.prev_token_ns) / n);
    }
    g.emitted += n;
    g.prev_token_ns = now;
    if (recording_) {
      if (g.next == 0) rec_.first_token_ns = now;
      rec_.last_token_ns = now;
      for (int64_t k = g.next; k < end; ++k) {
        rec_.token_offsets_ns.push_back(now - arrival_ns_);
        if (k < st.reasoning)
          ++rec_.reasoning_tokens;
        else
          ++rec_.output_tokens;
      }
    }
  }
  g.next = end;
  if (reset_after) {
    if (recording_) rec_.outcome = "reset";
    close_now(true);
    return;
  }
  if (finished) {
    g.active = false;
    end_response();
  }
}

void Connection::append_final_events(std::string* sse) {
  const StreamState& st = gen_.st;
  std::string content, reasoning;
  if (final_needs_text(st.format)) {
    content = answer_text(st.reasoning, st.total);
    reasoning = answer_text(0, st.reasoning);
  }
  append_final(sse, ctx().framer, gen_.st, gen_.include_usage, content, reasoning);
}

std::string Connection::answer_text(int64_t from, int64_t to) const {
  std::string out;
  const TokenText& text = *worker_->ctx->text;
  for (int64_t k = from; k < to; ++k) out.append(text.piece(gen_.word_offset + uint64_t(k)));
  return out;
}

void Connection::emit_error_event_and_end() {
  // What vLLM / SGLang do when generation fails midway: an error object with HTTP 200 still
  // standing, then [DONE].
  ServerContext& c = ctx();
  Generation& g = gen_;
  sse_.clear();
  c.framer.append_event(&sse_,
                        "{\"error\":{\"message\":\"Simulated mid-stream error\",\"type\":"
                        "\"server_error\",\"code\":500}}");
  if (!c.opts.sse_no_done) c.framer.append_event(&sse_, "[DONE]");
  if (g.chunked) {
    fmt::format_to(std::back_inserter(out_), "{:x}\r\n", sse_.size());
    out_ += sse_;
    out_ += "\r\n0\r\n\r\n";
  } else {
    out_ += sse_;
  }
  if (recording_) rec_.outcome = "error_event";
  g.error_event_at = -1;
  g.active = false;
  if (!flush()) return;
  end_response();
}

void Connection::emit_truncated_chunk() {
  // A chunk that announces more bytes than arrive, then FIN: the body cannot be completed.
  Generation& g = gen_;
  sse_.clear();
  ctx().framer.append_event(&sse_, "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut");
  if (g.chunked) fmt::format_to(std::back_inserter(out_), "{:x}\r\n", sse_.size() * 2);
  out_ += sse_;
  if (recording_) rec_.outcome = "truncated";
  g.active = false;
  if (!flush()) return;
  close_now(false);
}

void Connection::finish_non_stream() {
  ServerContext& c = ctx();
  Generation& g = gen_;
  if (g.reset_at >= 0) {
    if (recording_) rec_.outcome = "reset";
    close_now(true);
    return;
  }
  const StreamState& st = g.st;
  std::string body =
      full_body(st, answer_text(st.reasoning, st.total), answer_text(0, st.reasoning));
  if (g.malformed_at >= 0) body.resize(body.size() / 2);
  int64_t now = mono_ns();
  c.metrics.on_first_token(g.api, now - arrival_ns_, g.isl);
  c.metrics.on_tokens(g.api, st.total, 0);
  g.emitted = st.total;
  g.first_token_ns = now;
  if (recording_) {
    rec_.first_token_ns = rec_.last_token_ns = st.total > 0 ? now : 0;
    rec_.output_tokens = st.total - st.reasoning;
    rec_.reasoning_tokens = st.reasoning;
  }
  g.active = false;
  respond(200, "application/json", body);
}

}  // namespace aiperf::mock
