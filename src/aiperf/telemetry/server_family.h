// What the server's own metrics say, per inference-server family: the handful of series worth a
// console line (running and waiting requests, KV-cache use, prefix-cache hit rate, preemptions,
// server-side TTFT and ITL), and the cross-checks against the client's figures (output tokens,
// request count, TTFT). Families are recognized by metric-name prefixes.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "aiperf/telemetry/server_metrics.h"

namespace aiperf::telemetry {

enum class ServerFamily { kVllm, kSglang, kTrtllm, kTriton, kDynamo, kTgi, kLlamacpp, kAiperfMock };
const char* display_name(ServerFamily f);  // "vLLM", "SGLang", ...

/// Families whose metrics appear in the report, in a fixed order.
std::vector<ServerFamily> detect_families(const ServerMetricsReport& rep);

struct PanelRow {
  std::string label;   // "KV-cache use"
  std::string value;   // "avg 41.2 %, max 78.0 %"
  std::string metric;  // the server metric it comes from
};
/// Console rows for one family (only rows whose metrics were scraped).
std::vector<PanelRow> panel_rows(const ServerMetricsReport& rep, ServerFamily f);

/// One line per family found in one scrape, for a live view: the running and waiting requests
/// (summed over series) and the KV-cache use (their mean), e.g. "vLLM  running 4  waiting 0
/// KV-cache 41.2 %". Families without any of these gauges give no line.
std::vector<std::string> live_lines(const Exposition& x);

/// What the client measured, for the cross-checks (display units).
struct ClientFigures {
  std::optional<double> output_tokens;  // Σ output sequence lengths of valid requests
  std::optional<double> requests;       // valid requests
  std::optional<double> ttft_avg_ms, ttft_p50_ms, ttft_p99_ms;
};

struct CrossCheck {
  std::string quantity;  // "output_tokens", "requests", "ttft_avg_ms", "ttft_p50_ms", ...
  std::string label;     // "Output tokens"
  std::string server_metric;
  ServerFamily family;
  double server = 0, client = 0;
  double difference() const { return server - client; }
  /// (server - client) / client; nullopt when client is 0.
  std::optional<double> relative() const;
  bool estimate = false;  // the server side is a bucket estimate (percentiles)
};
std::vector<CrossCheck> cross_checks(const ServerMetricsReport& rep,
                                     const std::vector<ServerFamily>& families,
                                     const ClientFigures& client);

}  // namespace aiperf::telemetry
