// Run context: which metrics apply to this run (spec §2.1 applicability filter), the
// environment thresholds, and --goodput validation (spec §2.7).
#include <cctype>
#include <cstdlib>
#include <string>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/metrics/metrics.h"

namespace aiperf::metrics {
namespace {

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out;
}

}  // namespace

bool env_flag(const char* name) {
  return env::flag(name);
}

void RunContext::finalize() {
  uint32_t disallowed = 0;
  if (!produces_video) disallowed |= kProducesVideoOnly;
  if (!produces_tokens) disallowed |= kProducesTokensOnly;
  if (!tokenizes_input) disallowed |= kTokenizesInputOnly;
  if (!supports_audio) disallowed |= kSupportsAudioOnly;
  if (!supports_images) disallowed |= kSupportsImageOnly;
  if (!supports_videos) disallowed |= kSupportsVideoOnly;
  if (!streaming) disallowed |= kStreamingOnly;
  if (use_server_token_count) disallowed |= kUsageDiffOnly;
  if (!show_experimental) disallowed |= kExperimental;
  if (goodput.empty()) disallowed |= kGoodputFlag;
  if (!network_latency) disallowed |= kNetworkLatencyOnly;
  for (const auto& m : catalog()) applicable[index_of(m.id)] = (m.flags & disallowed) == 0;
}

std::vector<GoodputSlo> parse_goodput(const std::vector<std::pair<std::string, double>>& pairs,
                                      const RunContext& ctx, std::vector<std::string>* warnings) {
  std::vector<GoodputSlo> out;
  std::vector<std::string> not_applicable;
  std::vector<std::string> reasons;
  for (const auto& [tag, value] : pairs) {
    const MetricInfo* m = find_metric(tag);
    if (m == nullptr) throw ConfigError("Unknown metric tag(s) in --goodput: " + tag + ".");
    // An SLO is judged per request, so it must be a record metric computed for valid records.
    if (!ctx.is_applicable(m->id) || m->kind != Kind::kRecord || m->has(kErrorOnly) ||
        m->id == MetricId::kInterChunkLatency) {
      not_applicable.push_back(tag);
      reasons.push_back(m->has(kStreamingOnly) && !ctx.streaming ? "needs --streaming"
                                                                 : "not measured in this run");
      continue;
    }
    out.push_back({m->id, m->from_display(value), m->has(kLargerIsBetter)});
  }
  // AIPerf's CLI reference: only the SLOs that apply to the endpoint/configuration are
  // considered. Those left out are named once; with none left, goodput means nothing.
  if (!not_applicable.empty() && (out.empty() || warnings == nullptr)) {
    throw ConfigError("Invalid --goodput: metric(s) " + join(not_applicable) +
                      " are not applicable to the current endpoint/configuration.");
  }
  for (size_t i = 0; i < not_applicable.size(); ++i) {
    warnings->push_back("--goodput: " + not_applicable[i] + " does not apply to this run (" +
                        reasons[i] + "); goodput counts the other SLOs only");
  }
  return out;
}

RunContext make_run_context(const config::Config& cfg) {
  RunContext ctx;
  const config::EndpointFacts& ep = config::endpoint_facts(cfg.endpoint_type);
  ctx.streaming = cfg.streaming && ep.supports_streaming;
  ctx.produces_tokens = ep.produces_tokens;
  ctx.tokenizes_input = ep.tokenizes_input;
  ctx.supports_audio = ep.supports_audio;
  ctx.supports_images = ep.supports_images;
  ctx.supports_videos = ep.supports_videos;
  ctx.produces_video = ep.produces_video;
  ctx.use_server_token_count = cfg.use_server_token_count;
  ctx.dev_mode = env_flag("AIPERF_DEV_MODE");
  ctx.show_experimental = ctx.dev_mode || env_flag("AIPERF_DEV_SHOW_EXPERIMENTAL_METRICS");
  ctx.show_internal = env_flag("AIPERF_DEV_SHOW_INTERNAL_METRICS");
  ctx.osl_mismatch_pct_threshold =
      env::number("AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD", ctx.osl_mismatch_pct_threshold);
  ctx.osl_mismatch_max_token_threshold = env::number(
      "AIPERF_METRICS_OSL_MISMATCH_MAX_TOKEN_THRESHOLD", ctx.osl_mismatch_max_token_threshold);
  ctx.usage_pct_diff_threshold =
      env::number("AIPERF_METRICS_USAGE_PCT_DIFF_THRESHOLD", ctx.usage_pct_diff_threshold);
  ctx.metrics_title = std::string(ep.metrics_title);
  ctx.network_latency = cfg.network_latency_automatic || cfg.network_latency_mean_ms.has_value();
  ctx.show_trace_timing = cfg.show_trace_timing;
  ctx.export_http_trace = cfg.export_http_trace;
  ctx.finalize();
  ctx.goodput = parse_goodput(cfg.goodput, ctx, &ctx.warnings);
  ctx.finalize();
  return ctx;
}

}  // namespace aiperf::metrics
