// Per-request formulas (spec §2.5). Every timing metric uses content responses only
// (ProcessedRecord::content_ts); a metric whose inputs are missing simply has no value.
#include <algorithm>
#include <cmath>

#include "aiperf/metrics/metrics.h"

namespace aiperf::metrics {
namespace {

using M = MetricId;
using Opt = std::optional<double>;

class Emitter {
 public:
  Emitter(const RunContext& ctx, RecordValues& out) : ctx_(ctx), out_(out) {}

  /// Records `v` when the metric applies to this run and `v` is a finite value; returns the
  /// value as later formulas may use it (nullopt when not recorded).
  Opt put(M id, Opt v) {
    if (!v || !std::isfinite(*v) || !ctx_.is_applicable(id)) return std::nullopt;
    out_.scalars.emplace_back(id, *v);
    return v;
  }

 private:
  const RunContext& ctx_;
  RecordValues& out_;
};

Opt opt_i(const std::optional<int64_t>& v) {
  return v ? Opt(static_cast<double>(*v)) : std::nullopt;
}

/// abs(server - client) / client * 100; no value when either is missing or client is 0.
Opt diff_pct(Opt server, Opt client) {
  if (!server || !client || *client == 0) return std::nullopt;
  return std::fabs(*server - *client) / *client * 100.0;
}

void compute_usage(const record::Usage& u, Emitter& e, Opt isl, Opt osl, Opt reasoning,
                   const RunContext& ctx) {
  Opt prompt = e.put(M::kUsagePromptTokens, opt_i(u.prompt_tokens));
  Opt completion = e.put(M::kUsageCompletionTokens, opt_i(u.completion_tokens));
  e.put(M::kUsageTotalTokens, opt_i(u.total_tokens));
  Opt usage_reasoning = e.put(M::kUsageReasoningTokens, opt_i(u.reasoning_tokens));
  e.put(M::kUsagePromptCacheReadTokens, opt_i(u.prompt_cache_read_tokens));
  e.put(M::kUsagePromptCacheWriteTokens, opt_i(u.prompt_cache_write_tokens));
  e.put(M::kUsagePromptCacheMissTokens, opt_i(u.prompt_cache_miss_tokens));
  e.put(M::kUsagePromptAudioTokens, opt_i(u.prompt_audio_tokens));
  e.put(M::kUsageCompletionAudioTokens, opt_i(u.completion_audio_tokens));
  e.put(M::kUsageAcceptedPredictionTokens, opt_i(u.accepted_prediction_tokens));
  e.put(M::kUsageRejectedPredictionTokens, opt_i(u.rejected_prediction_tokens));
  e.put(M::kUsageToolUsePromptTokens, opt_i(u.tool_use_prompt_tokens));
  e.put(M::kUsagePromptAudioSeconds, u.prompt_audio_seconds);

  Opt prompt_diff = e.put(M::kUsagePromptTokensDiffPct, diff_pct(prompt, isl));
  Opt completion_diff = e.put(M::kUsageCompletionTokensDiffPct, diff_pct(completion, osl));
  Opt reasoning_diff = e.put(M::kUsageReasoningTokensDiffPct, diff_pct(usage_reasoning, reasoning));
  // AIPerf's counter: prompt diff is required; over the threshold counts at once, otherwise the
  // completion diff is required too; the reasoning diff is checked when present.
  if (prompt_diff) {
    const double t = ctx.usage_pct_diff_threshold;
    if (*prompt_diff > t) {
      e.put(M::kUsageDiscrepancyCount, 1.0);
    } else if (completion_diff) {
      const bool over = *completion_diff > t || (reasoning_diff && *reasoning_diff > t);
      e.put(M::kUsageDiscrepancyCount, over ? 1.0 : 0.0);
    }
  }
}

/// HTTP trace metrics (spec §2.5, AIPerf's http_req_* with k6 naming). Our client resolves DNS
/// before the run and never queues for a pooled connection, so blocked and DNS are 0; connecting
/// includes the TLS handshake (as AIPerf's), which http_req_tls_handshaking also shows alone.
void compute_http(const record::ProcessedRecord& r, Emitter& e) {
  const record::HttpTrace& t = r.trace;
  const double blocked = 0.0, dns = 0.0;
  e.put(M::kHttpReqBlocked, blocked);
  e.put(M::kHttpReqDnsLookup, dns);
  Opt connecting, tls;
  if (r.connection_reused) {
    connecting = tls = 0.0;
  } else if (t.connect_start_ns > 0 && t.connect_end_ns >= t.connect_start_ns) {
    const int64_t ready = t.tls_end_ns > 0 ? t.tls_end_ns : t.connect_end_ns;
    connecting = static_cast<double>(ready - t.connect_start_ns);
    tls = t.tls_end_ns > 0 && t.tls_start_ns > 0
              ? static_cast<double>(t.tls_end_ns - t.tls_start_ns)
              : 0.0;
  }
  connecting = e.put(M::kHttpReqConnecting, connecting);
  e.put(M::kHttpReqTlsHandshaking, tls);
  Opt sending, waiting, receiving;
  if (t.send_start_ns > 0 && r.sent_ns >= t.send_start_ns) {
    sending = static_cast<double>(r.sent_ns - t.send_start_ns);
  }
  if (r.sent_ns > 0 && t.first_byte_ns >= r.sent_ns) {
    waiting = static_cast<double>(t.first_byte_ns - r.sent_ns);
  }
  if (t.body_reads == 1) {
    receiving = 0.0;
  } else if (t.body_reads > 1 && r.end_ns >= t.first_byte_ns) {
    receiving = static_cast<double>(r.end_ns - t.first_byte_ns);
  }
  sending = e.put(M::kHttpReqSending, sending);
  waiting = e.put(M::kHttpReqWaiting, waiting);
  receiving = e.put(M::kHttpReqReceiving, receiving);
  e.put(M::kHttpReqConnectionReused, r.connection_reused ? 1.0 : 0.0);
  e.put(M::kHttpReqDataSent, static_cast<double>(r.bytes_sent));
  e.put(M::kHttpReqChunksSent, static_cast<double>(t.write_calls));
  e.put(M::kHttpReqDataReceived, static_cast<double>(r.bytes_received));
  e.put(M::kHttpReqChunksReceived, static_cast<double>(t.body_reads));
  e.put(M::kHttpReqConnectionOverhead, blocked + dns + connecting.value_or(0.0));
  if (t.send_start_ns > 0 && r.end_ns >= t.send_start_ns) {
    e.put(M::kHttpReqDuration, static_cast<double>(r.end_ns - t.send_start_ns));
  }
  if (sending && waiting && receiving) {
    e.put(M::kHttpReqTotal,
          blocked + dns + connecting.value_or(0.0) + *sending + *waiting + *receiving);
  }
}

bool is_good(const RecordValues& v, const RunContext& ctx) {
  for (const auto& slo : ctx.goodput) {
    const Opt x = v.get(slo.id);
    if (!x) return false;
    if (slo.larger_is_better ? !(*x >= slo.threshold) : !(*x <= slo.threshold)) return false;
  }
  return true;
}

void compute_valid(const record::ProcessedRecord& r, const RunContext& ctx, RecordValues& out) {
  Emitter e(ctx, out);
  const auto& ts = r.content_ts;
  const size_t n = ts.size();
  const auto start = static_cast<double>(r.start_ns);

  Opt ttft;
  if (n >= 1 && ts[0] >= r.start_ns) ttft = static_cast<double>(ts[0]) - start;
  ttft = e.put(M::kTimeToFirstToken, ttft);
  if (n >= 2) e.put(M::kTimeToSecondToken, static_cast<double>(ts[1] - ts[0]));
  if (r.first_output_ts > 0 && r.first_output_ts >= r.start_ns) {
    e.put(M::kTimeToFirstOutputToken, static_cast<double>(r.first_output_ts - r.start_ns));
  }
  Opt latency;
  if (n >= 1 && ts.back() >= r.start_ns) latency = static_cast<double>(ts.back() - r.start_ns);
  latency = e.put(M::kRequestLatency, latency);

  const Opt isl = e.put(M::kInputSequenceLength, opt_i(r.input_tokens));
  Opt output;
  if (r.output_tokens && *r.output_tokens > 0) output = static_cast<double>(*r.output_tokens);
  output = e.put(M::kOutputTokenCount, output);
  Opt reasoning;
  if (r.reasoning_tokens && *r.reasoning_tokens > 0) {
    reasoning = static_cast<double>(*r.reasoning_tokens);
  }
  reasoning = e.put(M::kReasoningTokenCount, reasoning);
  Opt osl;
  if (r.output_tokens || r.reasoning_tokens) {
    osl = static_cast<double>(r.output_tokens.value_or(0) + r.reasoning_tokens.value_or(0));
  }
  osl = e.put(M::kOutputSequenceLength, osl);

  Opt itl;
  if (latency && ttft && osl && *osl >= 2) itl = (*latency - *ttft) / (*osl - 1.0);
  itl = e.put(M::kInterTokenLatency, itl);
  if (n >= 2 && ctx.is_applicable(M::kInterChunkLatency)) {
    out.inter_chunk_ns.reserve(n - 1);
    for (size_t i = 1; i < n; ++i)
      out.inter_chunk_ns.push_back(static_cast<double>(ts[i] - ts[i - 1]));
  }
  // aiperf-C++: a chunk's gap spread over its tokens. Summed over the chunks after the first,
  // that is (latency − TTFT) / (OSL − tokens of the first chunk): exact when chunks carry
  // several tokens, equal to ITL when each carries one (docs/metrics.md).
  if (latency && ttft && osl && n >= 2 && r.first_chunk_tokens) {
    const double rest = *osl - static_cast<double>(*r.first_chunk_tokens);
    if (rest >= 1) e.put(M::kInterTokenLatencyPerToken, (*latency - *ttft) / rest);
  }
  if (osl && n >= 1) e.put(M::kOutputTokensPerChunk, *osl / static_cast<double>(n));
  if (itl && *itl > 0) e.put(M::kOutputTokenThroughputPerUser, 1e9 / *itl);
  if (osl && latency && *latency > 0) e.put(M::kE2eOutputTokenThroughput, *osl / (*latency / 1e9));
  if (isl && ttft && *ttft > 0) e.put(M::kPrefillThroughputPerUser, *isl / (*ttft / 1e9));

  Opt setup;
  if (r.ack_ns > 0) setup = static_cast<double>(r.ack_ns - r.start_ns);
  setup = e.put(M::kStreamSetupLatency, setup);
  if (ttft && setup) e.put(M::kStreamPrefillLatency, *ttft - *setup);
  if (r.turn_index == 0 && r.credit_ns > 0) {
    e.put(M::kCreditDropLatency, static_cast<double>(r.start_ns - r.credit_ns));
  }
  if (reasoning && output) e.put(M::kThinkingEfficiency, *reasoning / *output);

  const Opt requested = e.put(M::kRequestedOsl, opt_i(r.requested_osl));
  Opt osl_diff;
  if (requested && osl && *requested != 0) osl_diff = (*osl - *requested) / *requested * 100.0;
  osl_diff = e.put(M::kOslMismatchDiffPct, osl_diff);

  // Images (spec §2.5): image contents over every turn of the request; none -> no value.
  Opt images;
  if (r.num_images > 0) images = static_cast<double>(r.num_images);
  images = e.put(M::kNumImages, images);
  if (images && latency && *latency > 0) {
    e.put(M::kImageThroughput, *images / (*latency / 1e9));
    e.put(M::kImageLatency, (*latency / 1e6) / *images);
  }

  // Video generation (server-reported, SGLang): seconds and megabytes as the job says.
  if (r.video_inference_time_s) e.put(M::kVideoInferenceTime, *r.video_inference_time_s);
  if (r.video_peak_memory_mb) e.put(M::kVideoPeakMemory, *r.video_peak_memory_mb);

  if (r.usage) compute_usage(*r.usage, e, isl, osl, reasoning, ctx);

  // aiperf-C++ extensions: measured from the time the schedule wanted the request sent.
  if (r.scheduled_ns > 0) {
    e.put(M::kSendLateness, static_cast<double>(r.start_ns - r.scheduled_ns));
    if (n >= 1) {
      e.put(M::kScheduledRequestLatency, static_cast<double>(ts.back() - r.scheduled_ns));
      e.put(M::kScheduledTimeToFirstToken, static_cast<double>(ts[0] - r.scheduled_ns));
    }
  }

  compute_http(r, e);

  // Per-record aggregate contributions.
  e.put(M::kRequestCount, 1.0);
  e.put(M::kMinRequestTimestamp, static_cast<double>(r.start_wall_ns));
  if (latency) e.put(M::kMaxResponseTimestamp, static_cast<double>(r.start_wall_ns) + *latency);
  if (osl_diff) {
    const double threshold = std::min(*requested * (ctx.osl_mismatch_pct_threshold / 100.0),
                                      ctx.osl_mismatch_max_token_threshold);
    const bool mismatch = std::fabs(*osl - *requested) > threshold;
    e.put(M::kOslMismatchCount, mismatch ? 1.0 : 0.0);
    // Which way it differs tells the causes apart (export/console.cpp's warning).
    e.put(M::kOslMismatchLongerCount, mismatch && *osl > *requested ? 1.0 : 0.0);
  }
  if (!ctx.goodput.empty()) e.put(M::kGoodRequestCount, is_good(out, ctx) ? 1.0 : 0.0);
}

void compute_error(const record::ProcessedRecord& r, const RunContext& ctx, RecordValues& out) {
  Emitter e(ctx, out);
  e.put(M::kErrorIsl, opt_i(r.input_tokens));
  e.put(M::kErrorRequestCount, 1.0);
}

}  // namespace

std::optional<double> RecordValues::get(MetricId id) const {
  for (const auto& [k, v] : scalars) {
    if (k == id) return v;
  }
  return std::nullopt;
}

void compute_record(const record::ProcessedRecord& rec, const RunContext& ctx, RecordValues& out) {
  out.clear();
  out.valid = rec.valid();
  if (out.valid) {
    compute_valid(rec, ctx, out);
  } else {
    compute_error(rec, ctx, out);
  }
}

}  // namespace aiperf::metrics
