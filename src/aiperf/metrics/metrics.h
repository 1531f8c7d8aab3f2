// Metrics stage (spec §2): the metric catalog, the per-request formulas, the end-of-run
// aggregation (exact statistics), goodput and the derived metrics.
//
// Call order (one run):
//   RunContext ctx = make_run_context(config);      // validates --goodput (throws ConfigError)
//   Aggregator agg(ctx);
//   for each ProcessedRecord rec (profiling phase):  // one thread, in arrival order
//     const RecordValues& v = agg.add(rec);          // computes + accumulates; v valid until next
//     add jsonl_writer.write(rec, v);                    // export/export.h
//   Results results = agg.finish();                  // display units, ready for every exporter
//
// Units: every value inside this stage is in the metric's internal unit (ns, tokens, ...);
// Results and exporters carry display units (ms, sec, ...). Spec §2.2.
// Threading: nothing here is shared. An Aggregator is fed by exactly one thread; the catalog
// (metric_info) is immutable static data and safe to read from anywhere.
// Memory: the Aggregator keeps only the doubles exact percentiles need (one per record metric
// value, one per inter-chunk gap) plus a bounded error table; ProcessedRecords are not kept.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/record/processed_record.h"

namespace aiperf::metrics {

/// Metric flags (bit values as AIPerf's MetricFlags, spec §2.1).
enum Flag : uint32_t {
  kNoFlags = 0,
  kStreamingOnly = 1,
  kErrorOnly = 2,
  kProducesTokensOnly = 4,
  kLargerIsBetter = 16,
  kInternal = 32,
  kSupportsAudioOnly = 64,
  kSupportsImageOnly = 128,
  kSupportsReasoning = 256,
  kExperimental = 512,
  kGoodputFlag = 1024,
  kNoIndividualRecords = 2048,
  kTokenizesInputOnly = 4096,
  kSupportsVideoOnly = 8192,
  kUsageDiffOnly = 16384,
  kHttpTraceOnly = 32768,
  kProducesVideoOnly = 65536,
  kStreamingTokensOnly = kStreamingOnly | kProducesTokensOnly,
  /// aiperf-C++ extension (not an AIPerf flag): client-side metrics shown in the "Client"
  /// console section (docs/metrics.md).
  kClientExtension = 1u << 24,
  /// aiperf-C++: applies only with --network-latency-automatic / --network-latency-mean.
  kNetworkLatencyOnly = 1u << 25,
};

enum class Kind : uint8_t { kRecord, kAggregate, kDerived };
enum class ConsoleGroup : uint8_t {
  kNone,
  kDefault,
  kUsage,
  kCache,
  kPrediction,
  kAudio,
  kReasoning
};

/// Every metric this program knows, in processing order (the order of the JSON's trailing keys).
enum class MetricId : uint16_t {
  // ---- record metrics
  kTimeToFirstToken,
  kTimeToSecondToken,
  kTimeToFirstOutputToken,
  kRequestLatency,
  kInputSequenceLength,
  kOutputTokenCount,
  kReasoningTokenCount,
  kOutputSequenceLength,
  kInterTokenLatency,
  kInterChunkLatency,  // list-valued
  kOutputTokenThroughputPerUser,
  kE2eOutputTokenThroughput,
  kPrefillThroughputPerUser,
  kStreamSetupLatency,
  kStreamPrefillLatency,
  kCreditDropLatency,
  kErrorIsl,
  kThinkingEfficiency,
  kRequestedOsl,
  kOslMismatchDiffPct,
  kNumImages,
  kImageThroughput,
  kImageLatency,
  kVideoInferenceTime,
  kVideoPeakMemory,
  kUsagePromptTokens,
  kUsageCompletionTokens,
  kUsageTotalTokens,
  kUsageReasoningTokens,
  kUsagePromptCacheReadTokens,
  kUsagePromptCacheWriteTokens,
  kUsagePromptCacheMissTokens,
  kUsagePromptAudioTokens,
  kUsageCompletionAudioTokens,
  kUsageAcceptedPredictionTokens,
  kUsageRejectedPredictionTokens,
  kUsageToolUsePromptTokens,
  kUsagePromptAudioSeconds,
  kUsagePromptTokensDiffPct,
  kUsageCompletionTokensDiffPct,
  kUsageReasoningTokensDiffPct,
  kSendLateness,               // extension
  kScheduledRequestLatency,    // extension
  kScheduledTimeToFirstToken,  // extension
  kInterTokenLatencyPerToken,  // extension: each chunk's gap spread over its tokens
  kOutputTokensPerChunk,       // extension
  // HTTP trace (spec §2.5, k6 naming); http_req_tls_handshaking is our k6 extension
  kHttpReqBlocked,
  kHttpReqDnsLookup,
  kHttpReqConnecting,
  kHttpReqTlsHandshaking,
  kHttpReqSending,
  kHttpReqWaiting,
  kHttpReqReceiving,
  kHttpReqConnectionReused,
  kHttpReqDataSent,
  kHttpReqChunksSent,
  kHttpReqDataReceived,
  kHttpReqChunksReceived,
  kHttpReqConnectionOverhead,
  kHttpReqDuration,
  kHttpReqTotal,
  // ---- aggregate metrics
  kRequestCount,
  kErrorRequestCount,
  kMinRequestTimestamp,
  kMaxResponseTimestamp,
  kGoodRequestCount,
  kOslMismatchCount,
  kUsageDiscrepancyCount,
  kOslMismatchLongerCount,  // extension (internal): the mismatches whose OSL exceeded max_tokens
  // ---- derived metrics
  kTotalIsl,
  kTotalOutputTokens,
  kTotalReasoningTokens,
  kTotalOsl,
  kTotalErrorIsl,
  kOverallThinkingEfficiency,
  kBenchmarkDuration,
  kRequestThroughput,
  kOutputTokenThroughput,
  kTotalTokenThroughput,
  kGoodRequestFraction,
  kGoodput,
  kTotalUsagePromptTokens,
  kTotalUsageCompletionTokens,
  kTotalUsageTotalTokens,
  kTotalUsageReasoningTokens,
  kTotalUsagePromptCacheReadTokens,
  kTotalUsagePromptCacheWriteTokens,
  kTotalUsagePromptCacheMissTokens,
  kTotalUsagePromptAudioTokens,
  kTotalUsageCompletionAudioTokens,
  kTotalUsageAcceptedPredictionTokens,
  kTotalUsageRejectedPredictionTokens,
  kTotalUsageToolUsePromptTokens,
  kTotalUsagePromptAudioSeconds,
  kOverallUsagePromptCacheReadPct,
  // network-adjusted (spec §2.5, §7.3): injected after aggregation from the RTT
  kNetworkRtt,
  kNetworkAdjustedRequestLatency,
  kNetworkAdjustedTimeToFirstToken,
  kNetworkAdjustedTimeToFirstOutputToken,
  kCount_  // number of metrics; not a metric
};
inline constexpr size_t kNumMetrics = static_cast<size_t>(MetricId::kCount_);
inline constexpr size_t index_of(MetricId id) {
  return static_cast<size_t>(id);
}

/// Static description of one metric (spec §2.5). Strings point to static storage.
struct MetricInfo {
  MetricId id;
  std::string_view tag;
  std::string_view header;
  std::string_view short_header;
  Kind kind;
  std::string_view unit;          // internal unit, e.g. "ns", "tokens", "requests/sec"
  std::string_view display_unit;  // unit shown in every export, e.g. "ms"
  int display_order;              // console sort key; kNoOrder = unordered (sorted last)
  uint32_t flags;
  ConsoleGroup group;
  /// Values are whole numbers (token counts, counters): the per-record JSONL writes them as
  /// integers. Summary files write every statistic as a float, as AIPerf does.
  bool integer;

  bool has(uint32_t f) const { return (flags & f) != 0; }
  /// Internal unit -> display unit, and back.
  double to_display(double v) const;
  double from_display(double v) const;
};
inline constexpr int kNoOrder = -1;

/// The whole catalog, indexed by MetricId.
const std::array<MetricInfo, kNumMetrics>& catalog();
const MetricInfo& metric_info(MetricId id);
/// Lookup by tag; nullptr when unknown.
const MetricInfo* find_metric(std::string_view tag);
/// Converts between time units ns, us, ms, sec (ns→ms = v / 1e6); identical units pass
/// through. Throws std::invalid_argument for any other pair.
double convert_unit(double v, std::string_view from, std::string_view to);
/// convert_unit() for many values of one unit pair: the pair is looked up once, the arithmetic
/// is the same (results are bit-identical).
class UnitConverter {
 public:
  UnitConverter(std::string_view from, std::string_view to);
  double operator()(double v) const {
    switch (op_) {
      case Op::kSame:
        return v;
      case Op::kDiv:
        return v / k_;
      case Op::kMul:
        return v * k_;
      case Op::kMulDiv:
        return v * k_ / k2_;
    }
    return v;
  }

 private:
  enum class Op : uint8_t { kSame, kDiv, kMul, kMulDiv };
  Op op_ = Op::kSame;
  double k_ = 1.0, k2_ = 1.0;
};

/// One --goodput SLO, threshold already converted to the metric's internal unit.
struct GoodputSlo {
  MetricId id;
  double threshold;  // internal unit
  bool larger_is_better;
};

/// What the run looks like, for the applicability filter (spec §2.1) and thresholds (env).
struct RunContext {
  bool streaming = false;
  bool produces_tokens = true;
  bool tokenizes_input = true;
  bool supports_audio = false;
  bool supports_images = false;
  bool supports_videos = false;
  bool produces_video = false;  // video_generation: the video metrics apply
  bool use_server_token_count = false;
  bool show_experimental = false;  // AIPERF_DEV_MODE or AIPERF_DEV_SHOW_EXPERIMENTAL_METRICS
  bool show_internal = false;      // AIPERF_DEV_SHOW_INTERNAL_METRICS (summary outputs)
  bool dev_mode = false;           // AIPERF_DEV_MODE (internal metrics in per-record export)
  bool network_latency = false;    // --network-latency-automatic / --network-latency-mean
  bool show_trace_timing = false;  // --show-trace-timing: the HTTP trace console table
  bool export_http_trace = false;  // --export-http-trace: trace_data in the per-record JSONL
  std::vector<GoodputSlo> goodput;
  double osl_mismatch_pct_threshold = 5.0;         // AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD
  double osl_mismatch_max_token_threshold = 50.0;  // ..._MAX_TOKEN_THRESHOLD
  double usage_pct_diff_threshold = 10.0;          // AIPERF_METRICS_USAGE_PCT_DIFF_THRESHOLD
  std::string metrics_title = "LLM Metrics";       // console title suffix (endpoint metadata)
  /// Notices found while building the context (an SLO left out of --goodput); the run logs each
  /// once as a warning before it starts.
  std::vector<std::string> warnings;
  /// Computed by make_run_context / finalize(): applicable[index_of(id)]. All false until then,
  /// so a hand-built context must call finalize().
  std::array<bool, kNumMetrics> applicable{};

  bool is_applicable(MetricId id) const { return applicable[index_of(id)]; }
  /// Recomputes `applicable` from the flags above (call after editing them by hand).
  void finalize();
};

/// Builds the context from the validated Config and the AIPERF_* environment variables, and
/// validates --goodput (throws aiperf::ConfigError with AIPerf's messages). Call before the run.
RunContext make_run_context(const config::Config& cfg);

/// Validates and converts --goodput pairs (threshold in display unit) for a context whose
/// flags are set. SLOs on metrics this run does not compute (inter_token_latency without
/// --streaming, ...) are left out with one line each in `warnings`. Throws aiperf::ConfigError:
///   "Unknown metric tag(s) in --goodput: <tag>."
///   "Invalid --goodput: metric(s) <a>, <b> are not applicable to the current
///    endpoint/configuration." (when none applies, or any does not and `warnings` is null)
std::vector<GoodputSlo> parse_goodput(const std::vector<std::pair<std::string, double>>& pairs,
                                      const RunContext& ctx,
                                      std::vector<std::string>* warnings = nullptr);

/// Per-request metric values, internal units. Scalars in computation (dependency) order; the
/// inter-chunk latency list separately. Also what the JSONL exporter writes.
struct RecordValues {
  std::vector<std::pair<MetricId, double>> scalars;
  std::vector<double> inter_chunk_ns;  // empty = no value
  bool valid = false;                  // record had no error

  std::optional<double> get(MetricId id) const;
  bool has(MetricId id) const { return get(id).has_value(); }
  bool empty() const { return scalars.empty() && inter_chunk_ns.empty(); }
  void clear() {
    scalars.clear();
    inter_chunk_ns.clear();
    valid = false;
  }
};

/// Computes every applicable record (and per-record aggregate) metric of `rec` (spec §2.5):
/// valid records get all non-ERROR_ONLY metrics, error records only ERROR_ONLY ones.
/// Per-record aggregate contributions (request_count=1, good_request_count 0/1,
/// osl_mismatch_count 0/1, usage_discrepancy_count 0/1, ...) are included as scalars.
void compute_record(const record::ProcessedRecord& rec, const RunContext& ctx, RecordValues& out);

/// Exact statistics of a set of values (spec §2.3), all in the same unit.
struct Stats {
  int64_t count = 0;
  double avg = 0, min = 0, max = 0, sum = 0, std = 0;
  std::array<double, 9> p{};  // p1, p5, p10, p25, p50, p75, p90, p95, p99
};
inline constexpr std::array<double, 9> kPercentiles{1, 5, 10, 25, 50, 75, 90, 95, 99};
inline constexpr std::array<std::string_view, 9> kPercentileKeys{"p1",  "p5",  "p10", "p25", "p50",
                                                                 "p75", "p90", "p95", "p99"};
/// numpy.percentile(values, q) with the default linear method; `sorted` ascending, non-empty.
double percentile_sorted(const std::vector<double>& sorted, double q);
/// Sorts `values` in place and returns count/avg/min/max/sum/population std/percentiles.
/// Precondition: !values.empty().
Stats compute_stats(std::vector<double>& values);

/// One metric's end-of-run result, in the display unit.
struct MetricResult {
  const MetricInfo* info = nullptr;
  /// Record metrics: a full distribution. Aggregate/derived: only `value` (JSON "avg").
  bool distribution = false;
  Stats stats;       // display units; valid when distribution
  double value = 0;  // display unit; aggregate/derived value, or stats.avg for distributions

  std::string_view tag() const { return info->tag; }
  std::string_view header() const { return info->header; }
  std::string_view unit() const { return info->display_unit; }
};

/// Errors grouped by (code, type, message), spec §6.3 error_summary.
struct ErrorCount {
  std::optional<int> code;
  std::string type;
  std::string message;
  int64_t count = 0;
};

struct Results {
  /// Network-adjusted metrics whose samples were clamped at 0 (the RTT exceeded them).
  std::vector<std::string> network_clamped;
  /// Metrics that have a value, in processing (MetricId) order. Includes INTERNAL,
  /// EXPERIMENTAL and extension metrics; exporters filter (see export/export.h).
  std::vector<MetricResult> metrics;
  /// Most frequent first; ties in first-seen order.
  std::vector<ErrorCount> error_summary;
  int64_t valid_count = 0;
  int64_t error_count = 0;
  /// Wall-clock span of the valid records (epoch ns): min start, max start+latency; 0 = none.
  int64_t min_request_wall_ns = 0;
  int64_t max_response_wall_ns = 0;

  const MetricResult* find(MetricId id) const;
  const MetricResult* find(std::string_view tag) const;
};

/// Folds records into exact statistics. Single-threaded: one thread calls add() and finish().
class Aggregator {
 public:
  explicit Aggregator(RunContext ctx);

  /// Computes the record's metrics and accumulates them. Records of the warmup phase are
  /// ignored (the returned values are empty). The reference stays valid until the next add().
  const RecordValues& add(const record::ProcessedRecord& rec);
  /// Accumulates already-computed values (from compute_record) for `rec`.
  void add(const record::ProcessedRecord& rec, const RecordValues& values);

  /// The network round trip (ns) to subtract (spec §2.5 network-adjusted metrics); call before
  /// finish(). Without it the network_* metrics have no value.
  void set_network_rtt(double rtt_ns) { network_rtt_ns_ = rtt_ns; }

  /// Aggregates, derives and converts to display units. Call once; the aggregator is spent.
  Results finish();

  const RunContext& context() const { return ctx_; }
  int64_t records_seen() const { return valid_ + errors_; }
  /// Values held for exact percentiles (record metrics, per request) and the bytes their
  /// arrays hold (capacity): what grows with the number of requests.
  size_t sample_count() const;
  /// The values' bytes, and the bytes reserved for them (a vector grows by doubling; the pages
  /// not yet written are not resident).
  size_t sample_bytes() const;
  size_t sample_reserved_bytes() const;
  /// The number of profiling records the run expects (its request count; 0: unknown): each
  /// record metric's values are reserved at that many (at most kMaxExpectedRecords) when its
  /// first value comes, instead of doubling there (which held up to twice the values, and
  /// copied them, at the moments every metric grew at once).
  void expect_records(size_t n) { expected_ = std::min(n, kMaxExpectedRecords); }
  static constexpr size_t kMaxExpectedRecords = 1'000'000;

  /// Distinct (code, type, message) kept in the error table; further distinct errors are
  /// counted under one "(other errors)" row so memory stays bounded.
  static constexpr size_t kMaxDistinctErrors = 256;

 private:
  void accumulate_error(const record::ErrorInfo& e);
  void inject_network_adjusted(std::array<std::optional<double>, kNumMetrics>& value,
                               std::array<Stats, kNumMetrics>& stats,
                               std::array<bool, kNumMetrics>& dist, Results& res);

  RunContext ctx_;
  RecordValues scratch_;
  std::array<std::vector<double>, kNumMetrics> samples_;  // record metrics, internal units
  size_t expected_ = 0;                                   // expect_records()
  std::array<double, kNumMetrics> agg_{};                 // aggregate metrics
  std::array<bool, kNumMetrics> agg_set_{};
  std::vector<ErrorCount> errors_table_;
  std::map<std::tuple<int, std::string, std::string>, size_t> error_index_;
  int64_t valid_ = 0;
  int64_t errors_ = 0;
  // Wall-clock span kept as exact integers (doubles lose ~256 ns at epoch magnitudes).
  int64_t min_start_wall_ns_ = 0;
  int64_t max_end_wall_ns_ = 0;
  std::optional<double> network_rtt_ns_;
};

/// Truthy environment variable ("1", "true", "yes", "on", case-insensitive).
bool env_flag(const char* name);

}  // namespace aiperf::metrics
