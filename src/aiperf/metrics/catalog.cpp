// The metric catalog (spec §2.5): tags, headers, units, display order, flags and console groups,
// as AIPerf declares them. One row per metric, indexed by MetricId.
#include <algorithm>
#include <stdexcept>

#include "aiperf/metrics/metrics.h"

namespace aiperf::metrics {
namespace {

constexpr uint32_t kSTok = kStreamingTokensOnly;
constexpr uint32_t kTok = kProducesTokensOnly;
constexpr uint32_t kIn = kTokenizesInputOnly;
constexpr uint32_t kLib = kLargerIsBetter;
constexpr uint32_t kNir = kNoIndividualRecords;
constexpr uint32_t kRsn = kSupportsReasoning;
constexpr uint32_t kAudio = kSupportsAudioOnly;
constexpr uint32_t kExt = kClientExtension;
constexpr uint32_t kHttp = kHttpTraceOnly;
constexpr uint32_t kNet = kNetworkLatencyOnly;

using G = ConsoleGroup;
using K = Kind;
using M = MetricId;

// Usage totals inherit the flags of the record metric they sum (AIPerf's DerivedSumMetric).
constexpr uint32_t kUPrompt = kIn | kLib;
constexpr uint32_t kUComp = kTok | kLib;

constexpr std::array<MetricInfo, kNumMetrics> kCatalog{{
    // ---------------------------------------------------------------- record
    {M::kTimeToFirstToken, "time_to_first_token", "Time to First Token", "TTFT", K::kRecord, "ns",
     "ms", 100, kSTok, G::kDefault, false},
    {M::kTimeToSecondToken, "time_to_second_token", "Time to Second Token", "TTST", K::kRecord,
     "ns", "ms", 200, kSTok, G::kDefault, false},
    {M::kTimeToFirstOutputToken, "time_to_first_output_token", "Time to First Output Token", "TTFO",
     K::kRecord, "ns", "ms", 210, kSTok | kRsn, G::kDefault, false},
    {M::kRequestLatency, "request_latency", "Request Latency", "Req Latency", K::kRecord, "ns",
     "ms", 300, kNoFlags, G::kDefault, false},
    {M::kInputSequenceLength, "input_sequence_length", "Input Sequence Length", "ISL", K::kRecord,
     "tokens", "tokens", 700, kIn | kLib, G::kDefault, true},
    {M::kOutputTokenCount, "output_token_count", "Output Token Count", "Output Tokens", K::kRecord,
     "tokens", "tokens", kNoOrder, kTok | kLib, G::kNone, true},
    {M::kReasoningTokenCount, "reasoning_token_count", "Reasoning Token Count", "Reasoning Tokens",
     K::kRecord, "tokens", "tokens", kNoOrder, kTok | kLib | kRsn, G::kNone, true},
    {M::kOutputSequenceLength, "output_sequence_length", "Output Sequence Length", "OSL",
     K::kRecord, "tokens", "tokens", 600, kTok | kLib, G::kDefault, true},
    {M::kInterTokenLatency, "inter_token_latency", "Inter Token Latency", "ITL", K::kRecord, "ns",
     "ms", 400, kSTok, G::kDefault, false},
    {M::kInterChunkLatency, "inter_chunk_latency", "Inter Chunk Latency", "ICL", K::kRecord, "ns",
     "ms", kNoOrder, kSTok, G::kNone, false},
    {M::kOutputTokenThroughputPerUser, "output_token_throughput_per_user",
     "Output Token Throughput Per User", "Output TPS/User", K::kRecord, "tokens/sec/user",
     "tokens/sec/user", 500, kSTok | kLib, G::kDefault, false},
    {M::kE2eOutputTokenThroughput, "e2e_output_token_throughput", "E2E Output Token Throughput",
     "E2E Output TPS/User", K::kRecord, "tokens/sec/user", "tokens/sec/user", 510, kTok | kLib,
     G::kDefault, false},
    {M::kPrefillThroughputPerUser, "prefill_throughput_per_user", "Prefill Throughput Per User",
     "Prefill TPS/User", K::kRecord, "tokens/sec/user", "tokens/sec/user", kNoOrder,
     kSTok | kIn | kLib, G::kNone, false},
    {M::kStreamSetupLatency, "stream_setup_latency", "Stream Setup Latency", "Stream Setup",
     K::kRecord, "ns", "ms", kNoOrder, kStreamingOnly | kExperimental, G::kNone, false},
    {M::kStreamPrefillLatency, "stream_prefill_latency", "Stream Prefill Latency", "Stream Prefill",
     K::kRecord, "ns", "ms", kNoOrder, kSTok | kExperimental, G::kNone, false},
    {M::kCreditDropLatency, "credit_drop_latency", "Credit Drop Latency", "Credit Drop", K::kRecord,
     "ns", "ms", kNoOrder, kInternal, G::kNone, false},
    {M::kErrorIsl, "error_isl", "Error Input Sequence Length", "Error ISL", K::kRecord, "tokens",
     "tokens", kNoOrder, kIn | kLib | kErrorOnly, G::kNone, true},
    {M::kThinkingEfficiency, "thinking_efficiency", "Thinking Efficiency", "Thinking Eff",
     K::kRecord, "ratio", "ratio", kNoOrder, kTok | kRsn | kExperimental, G::kNone, false},
    {M::kRequestedOsl, "requested_osl", "Requested OSL", "Req OSL", K::kRecord, "tokens", "tokens",
     kNoOrder, kTok | kInternal, G::kNone, true},
    {M::kOslMismatchDiffPct, "osl_mismatch_diff_pct", "OSL Mismatch Diff", "OSL Diff", K::kRecord,
     "%", "%", kNoOrder, kTok, G::kNone, false},
    {M::kNumImages, "num_images", "Number of Images", "Num Images", K::kRecord, "images", "images",
     kNoOrder, kSupportsImageOnly, G::kNone, true},
    {M::kImageThroughput, "image_throughput", "Image Throughput", "Image Throughput", K::kRecord,
     "images/sec", "images/sec", 860, kSupportsImageOnly, G::kDefault, false},
    {M::kImageLatency, "image_latency", "Image Latency", "Image Latency", K::kRecord, "ms/image",
     "ms/image", 861, kSupportsImageOnly, G::kDefault, false},
    {M::kUsagePromptTokens, "usage_prompt_tokens", "Usage Prompt Tokens", "Usage Prompt",
     K::kRecord, "tokens", "tokens", 1000, kUPrompt, G::kUsage, true},
    {M::kUsageCompletionTokens, "usage_completion_tokens", "Usage Completion Tokens",
     "Usage Completion", K::kRecord, "tokens", "tokens", 1100, kUComp, G::kUsage, true},
    {M::kUsageTotalTokens, "usage_total_tokens", "Usage Total Tokens", "Usage Total", K::kRecord,
     "tokens", "tokens", 1200, kUComp, G::kUsage, true},
    {M::kUsageReasoningTokens, "usage_reasoning_tokens", "Usage Reasoning Tokens",
     "Usage Reasoning", K::kRecord, "tokens", "tokens", 1110, kUComp, G::kUsage, true},
    {M::kUsagePromptCacheReadTokens, "usage_prompt_cache_read_tokens",
     "Usage Prompt Cache Read Tokens", "Usage Prompt Cache Read", K::kRecord, "tokens", "tokens",
     1010, kLib, G::kUsage, true},
    {M::kUsagePromptCacheWriteTokens, "usage_prompt_cache_write_tokens",
     "Usage Prompt Cache Write Tokens", "Usage Prompt Cache Write", K::kRecord, "tokens", "tokens",
     1015, kNoFlags, G::kUsage, true},
    {M::kUsagePromptCacheMissTokens, "usage_prompt_cache_miss_tokens",
     "Usage Prompt Cache Miss Tokens", "Usage Prompt Cache Miss", K::kRecord, "tokens", "tokens",
     1017, kNoFlags, G::kUsage, true},
    {M::kUsagePromptAudioTokens, "usage_prompt_audio_tokens", "Usage Prompt Audio Tokens",
     "Usage Prompt Audio", K::kRecord, "tokens", "tokens", 1020, kLib | kAudio, G::kUsage, true},
    {M::kUsageCompletionAudioTokens, "usage_completion_audio_tokens",
     "Usage Completion Audio Tokens", "Usage Completion Audio", K::kRecord, "tokens", "tokens",
     1120, kTok | kLib | kAudio, G::kUsage, true},
    {M::kUsageAcceptedPredictionTokens, "usage_accepted_prediction_tokens",
     "Usage Accepted Prediction Tokens", "Usage Accepted Pred", K::kRecord, "tokens", "tokens",
     1130, kUComp, G::kUsage, true},
    {M::kUsageRejectedPredictionTokens, "usage_rejected_prediction_tokens",
     "Usage Rejected Prediction Tokens", "Usage Rejected Pred", K::kRecord, "tokens", "tokens",
     1140, kTok, G::kUsage, true},
    {M::kUsageToolUsePromptTokens, "usage_tool_use_prompt_tokens", "Usage Tool Use Prompt Tokens",
     "Usage Tool Prompt", K::kRecord, "tokens", "tokens", 1030, kNoFlags, G::kUsage, true},
    {M::kUsagePromptAudioSeconds, "usage_prompt_audio_seconds", "Usage Prompt Audio Seconds",
     "Usage Prompt Audio Sec", K::kRecord, "sec", "sec", 1040, kLib | kAudio, G::kUsage, false},
    {M::kUsagePromptTokensDiffPct, "usage_prompt_tokens_diff_pct", "Usage Prompt Diff",
     "Prompt Diff", K::kRecord, "%", "%", kNoOrder, kIn | kUsageDiffOnly, G::kNone, false},
    {M::kUsageCompletionTokensDiffPct, "usage_completion_tokens_diff_pct", "Usage Completion Diff",
     "Completion Diff", K::kRecord, "%", "%", kNoOrder, kTok | kUsageDiffOnly, G::kNone, false},
    {M::kUsageReasoningTokensDiffPct, "usage_reasoning_tokens_diff_pct", "Usage Reasoning Diff",
     "Reasoning Diff", K::kRecord, "%", "%", kNoOrder, kTok | kRsn | kUsageDiffOnly, G::kNone,
     false},
    {M::kSendLateness, "send_lateness", "Send Lateness", "Send Lateness", K::kRecord, "ns", "ms",
     kNoOrder, kExt, G::kNone, false},
    {M::kScheduledRequestLatency, "scheduled_request_latency", "Scheduled Request Latency",
     "Sched Req Latency", K::kRecord, "ns", "ms", kNoOrder, kExt, G::kNone, false},
    {M::kScheduledTimeToFirstToken, "scheduled_time_to_first_token",
     "Scheduled Time to First Token", "Sched TTFT", K::kRecord, "ns", "ms", kNoOrder, kSTok | kExt,
     G::kNone, false},
    {M::kInterTokenLatencyPerToken, "inter_token_latency_per_token",
     "Inter Token Latency Per Token", "ITL/Token", K::kRecord, "ns", "ms", kNoOrder, kSTok,
     G::kNone, false},
    {M::kOutputTokensPerChunk, "output_tokens_per_chunk", "Output Tokens Per Chunk", "Tokens/Chunk",
     K::kRecord, "tokens", "tokens", kNoOrder, kSTok, G::kNone, false},
    // HTTP trace: computed for every valid request, exported, shown with --show-trace-timing.
    {M::kHttpReqBlocked, "http_req_blocked", "HTTP Blocked", "Blocked", K::kRecord, "ns", "ms",
     2000, kHttp, G::kNone, false},
    {M::kHttpReqDnsLookup, "http_req_dns_lookup", "HTTP DNS Lookup", "DNS", K::kRecord, "ns", "ms",
     2010, kHttp, G::kNone, false},
    {M::kHttpReqConnecting, "http_req_connecting", "HTTP Connecting", "Connecting", K::kRecord,
     "ns", "ms", 2020, kHttp, G::kNone, false},
    {M::kHttpReqTlsHandshaking, "http_req_tls_handshaking", "HTTP TLS Handshaking", "TLS",
     K::kRecord, "ns", "ms", 2025, kHttp, G::kNone, false},
    {M::kHttpReqSending, "http_req_sending", "HTTP Sending", "Sending", K::kRecord, "ns", "ms",
     2030, kHttp, G::kNone, false},
    {M::kHttpReqWaiting, "http_req_waiting", "HTTP Waiting (TTFB)", "TTFB", K::kRecord, "ns", "ms",
     2040, kHttp, G::kNone, false},
    {M::kHttpReqReceiving, "http_req_receiving", "HTTP Receiving", "Receiving", K::kRecord, "ns",
     "ms", 2050, kHttp, G::kNone, false},
    {M::kHttpReqConnectionReused, "http_req_connection_reused", "HTTP Connection Reused",
     "Conn Reused", K::kRecord, "ratio", "ratio", 2060, kHttp, G::kNone, true},
    {M::kHttpReqDataSent, "http_req_data_sent", "HTTP Data Sent", "Sent", K::kRecord, "B", "KB",
     2070, kHttp, G::kNone, false},
    {M::kHttpReqChunksSent, "http_req_chunks_sent", "HTTP Chunks Sent", "Chunks Sent", K::kRecord,
     "count", "count", 2080, kHttp, G::kNone, true},
    {M::kHttpReqDataReceived, "http_req_data_received", "HTTP Data Received", "Received",
     K::kRecord, "B", "KB", 2090, kHttp, G::kNone, false},
    {M::kHttpReqChunksReceived, "http_req_chunks_received", "HTTP Chunks Received", "Chunks Recv",
     K::kRecord, "count", "count", 2100, kHttp, G::kNone, true},
    {M::kHttpReqConnectionOverhead, "http_req_connection_overhead", "HTTP Connection Overhead",
     "Conn Overhead", K::kRecord, "ns", "ms", 2110, kHttp, G::kNone, false},
    {M::kHttpReqDuration, "http_req_duration", "HTTP Duration (excl. conn)", "Dur (excl)",
     K::kRecord, "ns", "ms", 2120, kHttp, G::kNone, false},
    {M::kHttpReqTotal, "http_req_total", "HTTP Total Time", "Total", K::kRecord, "ns", "ms", 2130,
     kHttp, G::kNone, false},
    // ---------------------------------------------------------------- aggregate
    {M::kRequestCount, "request_count", "Request Count", "Requests", K::kAggregate, "requests",
     "requests", 1100, kLib | kNir, G::kDefault, true},
    {M::kErrorRequestCount, "error_request_count", "Error Request Count", "Error Count",
     K::kAggregate, "requests", "requests", kNoOrder, kErrorOnly | kNir, G::kDefault, true},
    {M::kMinRequestTimestamp, "min_request_timestamp", "Minimum Request Timestamp", "Min Req",
     K::kAggregate, "ns", "ns", kNoOrder, kNir | kInternal, G::kNone, true},
    {M::kMaxResponseTimestamp, "max_response_timestamp", "Maximum Response Timestamp", "Max Resp",
     K::kAggregate, "ns", "ns", kNoOrder, kNir | kInternal, G::kNone, true},
    {M::kGoodRequestCount, "good_request_count", "Good Request Count", "Good Requests",
     K::kAggregate, "requests", "requests", kNoOrder, kGoodputFlag, G::kNone, true},
    {M::kOslMismatchCount, "osl_mismatch_count", "OSL Mismatch Count", "OSL Mismatches",
     K::kAggregate, "requests", "requests", kNoOrder, kTok | kNir, G::kNone, true},
    {M::kUsageDiscrepancyCount, "usage_discrepancy_count", "Usage Discrepancy Count",
     "Discrepancies", K::kAggregate, "requests", "requests", kNoOrder, kUsageDiffOnly | kNir,
     G::kNone, true},
    // ---------------------------------------------------------------- derived
    {M::kTotalIsl, "total_isl", "Total Input Sequence Length", "Total ISL", K::kDerived, "tokens",
     "tokens", kNoOrder, kIn | kLib, G::kNone, true},
    {M::kTotalOutputTokens, "total_output_tokens", "Total Output Tokens", "Total Output",
     K::kDerived, "tokens", "tokens", kNoOrder, kTok | kLib, G::kNone, true},
    {M::kTotalReasoningTokens, "total_reasoning_tokens", "Total Reasoning Tokens",
     "Total Reasoning", K::kDerived, "tokens", "tokens", kNoOrder, kTok | kLib, G::kNone, true},
    {M::kTotalOsl, "total_osl", "Total Output Sequence Length", "Total OSL", K::kDerived, "tokens",
     "tokens", kNoOrder, kTok | kLib, G::kNone, true},
    {M::kTotalErrorIsl, "total_error_isl", "Total Error Input Sequence Length", "Total Error ISL",
     K::kDerived, "tokens", "tokens", kNoOrder, kIn | kLib | kErrorOnly, G::kNone, true},
    {M::kOverallThinkingEfficiency, "overall_thinking_efficiency", "Overall Thinking Efficiency",
     "Overall Thinking Eff", K::kDerived, "ratio", "ratio", kNoOrder, kTok | kRsn | kExperimental,
     G::kNone, false},
    {M::kBenchmarkDuration, "benchmark_duration", "Benchmark Duration", "Duration", K::kDerived,
     "ns", "sec", kNoOrder, kNoFlags, G::kNone, false},
    {M::kRequestThroughput, "request_throughput", "Request Throughput", "Req/sec", K::kDerived,
     "requests/sec", "requests/sec", 900, kLib, G::kDefault, false},
    {M::kOutputTokenThroughput, "output_token_throughput", "Output Token Throughput", "Output TPS",
     K::kDerived, "tokens/sec", "tokens/sec", 800, kTok | kLib, G::kDefault, false},
    {M::kTotalTokenThroughput, "total_token_throughput", "Total Token Throughput", "Total TPS",
     K::kDerived, "tokens/sec", "tokens/sec", kNoOrder, kTok | kLib, G::kNone, false},
    {M::kGoodRequestFraction, "good_request_fraction", "GoodRequestFraction", "GoodReqFrac",
     K::kDerived, "ratio", "ratio", kNoOrder, kGoodputFlag | kLib, G::kNone, false},
    {M::kGoodput, "goodput", "Goodput", "Goodput", K::kDerived, "requests/sec", "requests/sec",
     1000, kGoodputFlag, G::kDefault, false},
    {M::kTotalUsagePromptTokens, "total_usage_prompt_tokens", "Total Usage Prompt Tokens",
     "Total Usage Prompt", K::kDerived, "tokens", "tokens", 2000, kUPrompt, G::kUsage, true},
    {M::kTotalUsageCompletionTokens, "total_usage_completion_tokens",
     "Total Usage Completion Tokens", "Total Usage Completion", K::kDerived, "tokens", "tokens",
     2100, kUComp, G::kUsage, true},
    {M::kTotalUsageTotalTokens, "total_usage_total_tokens", "Total Usage Total Tokens",
     "Total Usage Total", K::kDerived, "tokens", "tokens", 2200, kUComp, G::kUsage, true},
    {M::kTotalUsageReasoningTokens, "total_usage_reasoning_tokens", "Total Usage Reasoning Tokens",
     "Total Usage Reasoning", K::kDerived, "tokens", "tokens", 2110, kUComp, G::kUsage, true},
    {M::kTotalUsagePromptCacheReadTokens, "total_usage_prompt_cache_read_tokens",
     "Total Usage Prompt Cache Read Tokens", "Total Usage Prompt Cache Read", K::kDerived, "tokens",
     "tokens", 2010, kLib, G::kUsage, true},
    {M::kTotalUsagePromptCacheWriteTokens, "total_usage_prompt_cache_write_tokens",
     "Total Usage Prompt Cache Write Tokens", "Total Usage Prompt Cache Write", K::kDerived,
     "tokens", "tokens", 2015, kNoFlags, G::kUsage, true},
    {M::kTotalUsagePromptCacheMissTokens, "total_usage_prompt_cache_miss_tokens",
     "Total Usage Prompt Cache Miss Tokens", "Total Usage Prompt Cache Miss", K::kDerived, "tokens",
     "tokens", 2017, kNoFlags, G::kUsage, true},
    {M::kTotalUsagePromptAudioTokens, "total_usage_prompt_audio_tokens",
     "Total Usage Prompt Audio Tokens", "Total Usage Prompt Audio", K::kDerived, "tokens", "tokens",
     2020, kLib | kAudio, G::kUsage, true},
    {M::kTotalUsageCompletionAudioTokens, "total_usage_completion_audio_tokens",
     "Total Usage Completion Audio Tokens", "Total Usage Comp Audio", K::kDerived, "tokens",
     "tokens", 2120, kTok | kLib | kAudio, G::kUsage, true},
    {M::kTotalUsageAcceptedPredictionTokens, "total_usage_accepted_prediction_tokens",
     "Total Usage Accepted Prediction Tokens", "Total Usage Accepted Pred", K::kDerived, "tokens",
     "tokens", 2130, kUComp, G::kUsage, true},
    {M::kTotalUsageRejectedPredictionTokens, "total_usage_rejected_prediction_tokens",
     "Total Usage Rejected Prediction Tokens", "Total Usage Rejected Pred", K::kDerived, "tokens",
     "tokens", 2140, kTok, G::kUsage, true},
    {M::kTotalUsageToolUsePromptTokens, "total_usage_tool_use_prompt_tokens",
     "Total Usage Tool Use Prompt Tokens", "Total Usage Tool Prompt", K::kDerived, "tokens",
     "tokens", 2030, kNoFlags, G::kUsage, true},
    {M::kTotalUsagePromptAudioSeconds, "total_usage_prompt_audio_seconds",
     "Total Usage Prompt Audio Seconds", "Total Usage Prompt Audio Sec", K::kDerived, "sec", "sec",
     2040, kLib | kAudio, G::kUsage, false},
    {M::kOverallUsagePromptCacheReadPct, "overall_usage_prompt_cache_read_pct",
     "Overall Usage Prompt Cache Read %", "Overall Cache Read %", K::kDerived, "%", "%", 2012, kLib,
     G::kUsage, false},
    {M::kNetworkRtt, "network_rtt", "Network RTT", "Net RTT", K::kDerived, "ns", "ms", 305,
     kNir | kNet, G::kDefault, false},
    {M::kNetworkAdjustedRequestLatency, "network_adjusted_request_latency",
     "Network-Adjusted Request Latency", "Net-Adj Req Latency", K::kDerived, "ns", "ms", 301, kNet,
     G::kDefault, false},
    {M::kNetworkAdjustedTimeToFirstToken, "network_adjusted_time_to_first_token",
     "Network-Adjusted Time to First Token", "Net-Adj TTFT", K::kDerived, "ns", "ms", 101,
     kSTok | kNet, G::kDefault, false},
    {M::kNetworkAdjustedTimeToFirstOutputToken, "network_adjusted_time_to_first_output_token",
     "Network-Adjusted Time to First Output Token", "Net-Adj TTFO", K::kDerived, "ns", "ms", 211,
     kSTok | kRsn | kNet, G::kDefault, false},
}};

constexpr bool catalog_is_indexed() {
  for (size_t i = 0; i < kCatalog.size(); ++i) {
    if (index_of(kCatalog[i].id) != i) return false;
  }
  return true;
}
static_assert(catalog_is_indexed(), "kCatalog rows must be in MetricId order");

}  // namespace

namespace {
// Nanoseconds per time unit; all exact doubles so conversions divide or multiply by an exact
// power of ten (ns→ms is v / 1e6, like AIPerf, not v * 1e-6).
double ns_per(std::string_view u) {
  if (u == "ns") return 1.0;
  if (u == "us") return 1e3;
  if (u == "ms") return 1e6;
  if (u == "sec") return 1e9;
  return 0.0;
}
// Bytes per size unit (1024-based, spec §2.2).
double bytes_per(std::string_view u) {
  if (u == "B") return 1.0;
  if (u == "KB") return 1024.0;
  if (u == "MB") return 1024.0 * 1024;
  if (u == "GB") return 1024.0 * 1024 * 1024;
  if (u == "TB") return 1024.0 * 1024 * 1024 * 1024;
  return 0.0;
}
}  // namespace

double convert_unit(double v, std::string_view from, std::string_view to) {
  if (from == to) return v;
  if (bytes_per(from) > 0 && bytes_per(to) > 0) return v * bytes_per(from) / bytes_per(to);
  const double f = ns_per(from), t = ns_per(to);
  if (f <= 0 || t <= 0) {
    throw std::invalid_argument("no conversion from unit " + std::string(from) + " to " +
                                std::string(to));
  }
  return t >= f ? v / (t / f) : v * (f / t);
}

UnitConverter::UnitConverter(std::string_view from, std::string_view to) {
  if (from == to) return;
  if (bytes_per(from) > 0 && bytes_per(to) > 0) {
    op_ = Op::kMulDiv;
    k_ = bytes_per(from);
    k2_ = bytes_per(to);
    return;
  }
  const double f = ns_per(from), t = ns_per(to);
  if (f <= 0 || t <= 0) {
    throw std::invalid_argument("no conversion from unit " + std::string(from) + " to " +
                                std::string(to));
  }
  op_ = t >= f ? Op::kDiv : Op::kMul;
  k_ = t >= f ? t / f : f / t;
}

double MetricInfo::to_display(double v) const {
  return convert_unit(v, unit, display_unit);
}
double MetricInfo::from_display(double v) const {
  return convert_unit(v, display_unit, unit);
}

const std::array<MetricInfo, kNumMetrics>& catalog() {
  return kCatalog;
}

const MetricInfo& metric_info(MetricId id) {
  return kCatalog[index_of(id)];
}

const MetricInfo* find_metric(std::string_view tag) {
  for (const auto& m : kCatalog) {
    if (m.tag == tag) return &m;
  }
  return nullptr;
}

}  // namespace aiperf::metrics
