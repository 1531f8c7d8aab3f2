// Chat and completions generation: output plan, latency, faults, and the token pump that
// releases SSE chunks at absolute deadlines (Connection members; connection.h).
#include <algorithm>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/mock/connection.h"
#include "aiperf/mock/mock_rng.h"

namespace aiperf::mock {

namespace {
constexpr uint64_t kSaltError = 1, kSaltReset = 2, kSaltStall = 3, kSaltMalformed = 4;

bool is_reasoning_model(std::string_view model) {
  std::string lower(model);
  for (char& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  return lower.find("gpt-oss") != std::string::npos || lower.find("qwen") != std::string::npos;
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
    c.metrics.api[size_t(kind)]
        .failed_by_status[size_t(std::clamp(o.error_status, 400, 599) - 400)]
        .fetch_add(1, std::memory_order_relaxed);
    respond_error(o.error_status, "Simulated error",
                  o.error_status >= 500 ? "server_error" : "invalid_request_error");
    return;
  }

  const uint64_t h = splitmix64(o.random_seed ^ fnv1a64(req.prompt_text));
  LengthRequest lr;
  lr.isl = isl;
  lr.max_tokens = req.max_tokens;
  lr.min_tokens = req.min_tokens;
  lr.ignore_eos = req.ignore_eos;
  lr.reasoning_model = kind == ApiKind::kChat && is_reasoning_model(model);
  lr.reasoning_effort = req.reasoning_effort;
  LengthPlan plan = plan_lengths(lr, h);

  is_inference_ = true;
  int64_t inflight = c.inflight.fetch_add(1, std::memory_order_relaxed) + 1;
  c.metrics.num_requests_running.fetch_add(1, std::memory_order_relaxed);
  c.metrics.on_request_start(int(kind), isl, req.stream);

  Generation& g = gen_;
  g = Generation{};
  g.api = int(kind);
  g.isl = isl;
  g.stream = req.stream;
  g.include_usage = req.include_usage;
  g.continuous_usage = req.include_usage && req.continuous_usage;  // as vLLM: needs both
  g.reasoning = plan.reasoning_tokens;
  g.total = plan.reasoning_tokens + plan.output_tokens;
  g.start_ns = recording_ ? rec_.request_complete_ns : mono_ns();
  g.lat =
      o.fast ? Latency{} : compute_latency(c.latency, isl, g.total, inflight, splitmix64(h ^ seq));
  g.word_offset = h % c.text->vocabulary_size();
  g.finish_reason = (req.max_tokens && plan.output_tokens >= *req.max_tokens) ? "length" : "stop";
  g.ident.chat = kind == ApiKind::kChat;
  g.ident.id = fmt::format("{}{:016x}", g.ident.chat ? "chatcmpl-" : "cmpl-",
                           splitmix64(o.random_seed + seq));
  g.ident.model_json = json_quote(model);
  g.ident.created_s = wall_ns() / 1'000'000'000;
  g.usage.prompt_tokens = isl;
  g.usage.completion_tokens = g.total;
  g.usage.reasoning_tokens = g.reasoning;
  g.usage.cached_tokens = isl * int64_t(30 + splitmix64(h ^ 0x5eed) % 31) / 100;
  c.metrics.cached_prompt_tokens_total.fetch_add(uint64_t(g.usage.cached_tokens),
                                                 std::memory_order_relaxed);
  if (c.selected(o.reset, seq, kSaltReset)) {
    g.reset_at = fault_index(o.reset_after_tokens, g.total);
    if (recording_) rec_.faults.emplace_back("reset");
  }
  if (c.selected(o.stall, seq, kSaltStall)) {
    g.stall_at = fault_index(o.stall_after_tokens, g.total);
    g.stall_ns = int64_t(o.stall_seconds * 1e9);
    if (recording_) rec_.faults.emplace_back("stall");
  }
  if (c.selected(o.malformed, seq, kSaltMalformed)) {
    g.malformed_at = fault_index(-1, g.total);
    if (recording_) rec_.faults.emplace_back("malformed");
  }
  if (recording_) {
    rec_.planned_output_tokens = plan.output_tokens;
    rec_.token_offsets_ns.reserve(size_t(g.total));
  }
  g.active = true;

  if (!g.stream) {
    int64_t last = std::max<int64_t>(0, g.total - 1);
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
  if (o.sse_keepalive_comments) {
    sse_.clear();
    c.framer.append_comment(&sse_, "keep-alive");
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
  const int64_t per_write = std::max(1, o.sse_events_per_write);
  Generation& g = gen_;
  while (g.active && !closed_ && out_.empty() && held_.empty()) {
    if (g.next >= g.total && g.total > 0) return;
    int64_t end = std::min(g.total, g.next + per_chunk * per_write);
    // A stall delays everything from token stall_at on.
    if (!g.stalled && g.stall_at >= 0 && g.stall_at < std::max<int64_t>(end, 1)) {
      if (g.stall_at == g.next || g.total == 0) {
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
    // Release the write when the first token of its last event is due.
    int64_t last_event_first =
        g.next + ((std::max(end - g.next, int64_t(1)) - 1) / per_chunk) * per_chunk;
    int64_t due = token_deadline_ns(g.start_ns, g.lat, last_event_first);
    if (due > mono_ns()) {
      arm_timer(due, TimerKind::kPump);
      return;
    }
    emit_group(end, reset_after);
    if (g.total == 0) return;
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
  for (int64_t t = g.next; t < end;) {
    int64_t kind_end = t < g.reasoning ? g.reasoning : g.total;
    int64_t chunk_end = std::min({t + per_chunk, end, kind_end});
    if (g.malformed_at >= t && g.malformed_at < chunk_end) {
      json.assign("{\"id\":\"")
          .append(g.ident.id)
          .append(
              "\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{"
              "\"content\":\"");
      c.framer.append_event(&sse_, json);
      g.malformed_at = -1;
    }
    text.clear();
    for (int64_t k = t; k < chunk_end; ++k) text.append(c.text->piece(g.word_offset + uint64_t(k)));
    json.clear();
    bool last = chunk_end == g.total;
    UsageCounts running = g.usage;
    running.completion_tokens = chunk_end;
    running.reasoning_tokens = std::min(chunk_end, g.reasoning);
    append_chunk_json(&json, g.ident, text, t == 0 && g.ident.chat, t < g.reasoning,
                      last ? g.finish_reason : "", g.continuous_usage ? &running : nullptr);
    c.framer.append_event(&sse_, json);
    t = chunk_end;
  }
  const bool finished = end >= g.total && !reset_after;
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
      c.metrics.on_first_token(g.api, now - arrival_ns_);
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
        if (k < g.reasoning)
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
  ServerContext& c = ctx();
  if (gen_.include_usage) {
    thread_local std::string json;
    json.clear();
    append_usage_chunk_json(&json, gen_.ident, gen_.usage);
    c.framer.append_event(sse, json);
  }
  c.framer.append_event(sse, "[DONE]");
}

void Connection::finish_non_stream() {
  ServerContext& c = ctx();
  Generation& g = gen_;
  if (g.reset_at >= 0) {
    if (recording_) rec_.outcome = "reset";
    close_now(true);
    return;
  }
  std::string content, reasoning;
  for (int64_t k = 0; k < g.total; ++k)
    (k < g.reasoning ? reasoning : content).append(c.text->piece(g.word_offset + uint64_t(k)));
  std::string body =
      g.ident.chat ? chat_completion_body(g.ident, content, reasoning, g.finish_reason, g.usage)
                   : text_completion_body(g.ident, content, g.finish_reason, g.usage);
  if (g.malformed_at >= 0) body.resize(body.size() / 2);
  int64_t now = mono_ns();
  c.metrics.on_first_token(g.api, now - arrival_ns_);
  c.metrics.on_tokens(g.api, g.total, 0);
  g.emitted = g.total;
  g.first_token_ns = now;
  if (recording_) {
    rec_.first_token_ns = rec_.last_token_ns = g.total > 0 ? now : 0;
    rec_.output_tokens = g.total - g.reasoning;
    rec_.reasoning_tokens = g.reasoning;
  }
  g.active = false;
  respond(200, "application/json", body);
}

}  // namespace aiperf::mock
