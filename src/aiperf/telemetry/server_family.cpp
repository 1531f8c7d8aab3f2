// Per-family panel rows and server-vs-client cross-checks (server_family.h). Metric names are the
// ones each server exports (docs/telemetry.md lists them); a family's first candidate that was
// scraped wins.
#include "aiperf/telemetry/server_family.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace aiperf::telemetry {

namespace {

/// A server metric, optionally restricted to series with one label value, with the factor that
/// turns its unit into the panel's (ratio -> %, seconds -> ms).
struct Ref {
  const char* name;
  double scale = 1.0;
  const char* label = nullptr;
  const char* value = nullptr;
};

struct Spec {
  ServerFamily family;
  std::vector<const char*> prefixes;
  std::vector<Ref> running, waiting, kv, hit_gauge, preemptions;
  const char* hits = nullptr;       // prefix-cache hit counter (tokens)
  const char* queries = nullptr;    // prefix-cache query counter (tokens)
  std::vector<Ref> ttft, itl, e2e;  // histograms
  std::vector<Ref> tokens;          // counter, or histogram whose sum is tokens
  std::vector<Ref> requests;        // counter of successful requests
};

const std::vector<Spec>& specs() {
  static const std::vector<Spec> kSpecs = {
      {ServerFamily::kVllm,
       {"vllm:"},
       {{"vllm:num_requests_running"}},
       {{"vllm:num_requests_waiting"}},
       {{"vllm:kv_cache_usage_perc", 100}, {"vllm:gpu_cache_usage_perc", 100}},
       {{"vllm:gpu_prefix_cache_hit_rate", 100}},
       {{"vllm:num_preemptions"}},
       "vllm:prefix_cache_hits",
       "vllm:prefix_cache_queries",
       {{"vllm:time_to_first_token_seconds", 1e3}},
       {{"vllm:inter_token_latency_seconds", 1e3}, {"vllm:time_per_output_token_seconds", 1e3}},
       {{"vllm:e2e_request_latency_seconds", 1e3}},
       {{"vllm:generation_tokens"}},
       {{"vllm:request_success"}}},
      {ServerFamily::kSglang,
       {"sglang:"},
       {{"sglang:num_running_reqs"}},
       {{"sglang:num_queue_reqs"}},
       {{"sglang:token_usage", 100}},
       {{"sglang:cache_hit_rate", 100}},
       {{"sglang:num_retracted_reqs"}},
       nullptr,
       nullptr,
       {{"sglang:time_to_first_token_seconds", 1e3}},
       {{"sglang:inter_token_latency_seconds", 1e3}, {"sglang:time_per_output_token_seconds", 1e3}},
       {{"sglang:e2e_request_latency_seconds", 1e3}},
       {{"sglang:generation_tokens"}},
       {{"sglang:num_requests"}}},
      {ServerFamily::kTrtllm,
       {"trtllm:", "trtllm_"},
       {},
       {},
       {{"trtllm:kv_cache_utilization", 100}},
       {{"trtllm:kv_cache_hit_rate", 100}},
       {},
       nullptr,
       nullptr,
       {{"trtllm:time_to_first_token_seconds", 1e3}},
       {{"trtllm:time_per_output_token_seconds", 1e3}},
       {{"trtllm:e2e_request_latency_seconds", 1e3}},
       {},
       {{"trtllm:request_success"}}},
      {ServerFamily::kTriton,
       {"nv_inference_", "nv_trt_llm_"},
       {{"nv_trt_llm_request_metrics", 1, "request_type", "active"}},
       {{"nv_inference_pending_request_count"}},
       {},
       {},
       {},
       nullptr,
       nullptr,
       {{"nv_inference_first_response_histogram_ms"}},
       {},
       {},
       {},
       {{"nv_inference_request_success"}}},
      {ServerFamily::kDynamo,
       {"dynamo_frontend_", "dynamo_component_"},
       {{"dynamo_frontend_inflight_requests"}},
       {{"dynamo_frontend_queued_requests"}},
       {{"dynamo_component_kvstats_gpu_cache_usage_percent", 100}},
       {{"dynamo_component_kvstats_gpu_prefix_cache_hit_rate", 100}},
       {},
       nullptr,
       nullptr,
       {{"dynamo_frontend_time_to_first_token_seconds", 1e3}},
       {{"dynamo_frontend_inter_token_latency_seconds", 1e3}},
       {{"dynamo_frontend_request_duration_seconds", 1e3}},
       {{"dynamo_frontend_output_tokens"}, {"dynamo_frontend_output_sequence_tokens"}},
       {{"dynamo_frontend_requests", 1, "status", "success"},
        {"dynamo_frontend_request_success_count"}}},
      {ServerFamily::kTgi,
       {"tgi_"},
       {{"tgi_batch_current_size"}},
       {{"tgi_queue_size"}},
       {},
       {},
       {},
       nullptr,
       nullptr,
       {},
       {{"tgi_request_mean_time_per_token_duration", 1e3}},
       {{"tgi_request_duration", 1e3}},
       {{"tgi_request_generated_tokens"}},
       {{"tgi_request_success"}}},
      {ServerFamily::kLlamacpp,
       {"llamacpp:"},
       {{"llamacpp:requests_processing"}},
       {{"llamacpp:requests_deferred"}},
       {{"llamacpp:kv_cache_usage_ratio", 100}},
       {},
       {},
       nullptr,
       nullptr,
       {},
       {},
       {},
       {{"llamacpp:tokens_predicted"}},
       {}},
      {ServerFamily::kAiperfMock,
       {"aiperf_mock_"},
       {{"aiperf_mock_requests_in_progress"}},
       {},
       {},
       {},
       {},
       nullptr,
       nullptr,
       {{"aiperf_mock_time_to_first_token_seconds", 1e3}},
       {{"aiperf_mock_inter_token_latency_seconds", 1e3}},
       {{"aiperf_mock_request_latency_seconds", 1e3}},
       {{"aiperf_mock_completion_tokens"}},
       {{"aiperf_mock_requests", 1, "status", "200"}}},
  };
  return kSpecs;
}

const Spec& spec_of(ServerFamily f) {
  for (const Spec& s : specs()) {
    if (s.family == f) return s;
  }
  return specs().front();
}

bool series_matches(const SeriesResult& s, const Ref& r) {
  if (!r.label) return true;
  for (const auto& [k, v] : s.labels) {
    if (k == r.label) return v == r.value;
  }
  return false;
}

/// The first candidate that was scraped.
std::pair<const ServerMetric*, const Ref*> pick(const ServerMetricsReport& rep,
                                                const std::vector<Ref>& refs) {
  for (const Ref& r : refs) {
    if (const ServerMetric* m = rep.find(r.name)) {
      for (const auto& s : m->series) {
        if (series_matches(s, r)) return {m, &r};
      }
    }
  }
  return {nullptr, nullptr};
}

struct GaugeAgg {
  double avg_sum = 0, max_sum = 0, avg_mean = 0, max_max = 0;
  int n = 0;
};
GaugeAgg gauge_agg(const ServerMetric& m, const Ref& r) {
  GaugeAgg a;
  for (const auto& s : m.series) {
    if (!s.gauge || !series_matches(s, r)) continue;
    a.avg_sum += s.gauge->avg * r.scale;
    a.max_sum += s.gauge->max * r.scale;
    a.max_max = a.n ? std::max(a.max_max, s.gauge->max * r.scale) : s.gauge->max * r.scale;
    ++a.n;
  }
  if (a.n) a.avg_mean = a.avg_sum / a.n;
  return a;
}

std::optional<double> counter_total(const ServerMetric& m, const Ref& r) {
  std::optional<double> t;
  for (const auto& s : m.series) {
    if (!series_matches(s, r)) continue;
    if (s.counter) t = t.value_or(0) + s.counter->total;
    if (s.histogram) t = t.value_or(0) + s.histogram->sum;  // token histograms: Σ = tokens
  }
  return t;
}

/// All series of a histogram merged (bucket increases added when the bounds agree).
struct HistAgg {
  double count = 0, sum = 0;
  std::vector<double> bounds, deltas, means;  // means: per bucket, NaN unknown
  std::vector<double> mean_weight;
  double quantile(double q) const { return estimate_quantile(bounds, deltas, sum, q, &means); }
};
std::optional<HistAgg> hist_agg(const ServerMetric& m, const Ref& r) {
  std::optional<HistAgg> a;
  std::vector<std::string> les;
  for (const auto& s : m.series) {
    if (!s.histogram || !series_matches(s, r)) continue;
    if (!a) {
      a.emplace();
      les = s.bucket_les;
      for (const auto& le : les) a->bounds.push_back(le == "+Inf" ? INFINITY : std::stod(le));
      a->deltas.assign(les.size(), 0.0);
    }
    a->count += s.histogram->count;
    a->sum += s.histogram->sum;
    if (s.bucket_les != les) continue;
    a->means.resize(les.size(), 0.0);
    a->mean_weight.resize(les.size(), 0.0);
    const auto& d = s.histogram->bucket_deltas;
    const auto& m = s.histogram->bucket_means;
    for (size_t i = 0; i < les.size(); ++i) {
      a->deltas[i] += d[i];
      double in = d[i] - (i ? d[i - 1] : 0.0);  // this series' observations in bucket i
      if (in <= 0) continue;
      if (i < m.size() && std::isfinite(m[i]) && std::isfinite(a->means[i])) {
        a->means[i] += m[i] * in;
        a->mean_weight[i] += in;
      } else {
        a->means[i] = NAN;  // a bucket with observations of unknown mean
      }
    }
  }
  if (!a || a->count <= 0) return std::nullopt;
  for (size_t i = 0; i < a->means.size(); ++i) {
    a->means[i] = a->mean_weight[i] > 0 ? a->means[i] / a->mean_weight[i] : NAN;
  }
  return a;
}

std::string num(double v) {
  return fmt::format("{:.2f}", v);
}

void add_hist_row(std::vector<PanelRow>& rows, const ServerMetricsReport& rep,
                  const std::vector<Ref>& refs, const char* label) {
  auto [m, r] = pick(rep, refs);
  if (!m) return;
  auto h = hist_agg(*m, *r);
  if (!h) return;
  double avg = h->sum / h->count * r->scale;
  double p50 = h->quantile(0.5) * r->scale;
  double p99 = h->quantile(0.99) * r->scale;
  rows.push_back({label,
                  fmt::format("avg {} ms, p50 ~{} ms, p99 ~{} ms ({} obs)", num(avg), num(p50),
                              num(p99), int64_t(h->count)),
                  m->name});
}

void add_gauge_row(std::vector<PanelRow>& rows, const ServerMetricsReport& rep,
                   const std::vector<Ref>& refs, const char* label, bool percent) {
  auto [m, r] = pick(rep, refs);
  if (!m) return;
  GaugeAgg a = gauge_agg(*m, *r);
  if (!a.n) return;
  if (percent) {
    rows.push_back(
        {label, fmt::format("avg {} %, max {} %", num(a.avg_mean), num(a.max_max)), m->name});
  } else {
    rows.push_back({label, fmt::format("avg {}, max {}", num(a.avg_sum), num(a.max_sum)), m->name});
  }
}

/// Whether sample `s` carries label `name` with `value`.
bool has_label(const Exposition& x, const Sample& s, const char* name, const char* value) {
  const Label* l = x.labels_of(s);
  for (uint32_t i = 0; i < s.label_count; ++i) {
    if (l[i].name == name && l[i].value == value) return true;
  }
  return false;
}

/// The first of `refs` present in one scrape: the sum over its series (`mean`: their mean), in
/// the panel's unit.
std::optional<double> scraped_value(const Exposition& x, const std::vector<Ref>& refs, bool mean) {
  for (const Ref& r : refs) {
    double sum = 0;
    int n = 0;
    for (const Sample& s : x.samples()) {
      if (s.name != r.name || !std::isfinite(s.value)) continue;
      if (r.label && !has_label(x, s, r.label, r.value)) continue;
      sum += s.value;
      ++n;
    }
    if (n > 0) return (mean ? sum / n : sum) * r.scale;
  }
  return std::nullopt;
}

}  // namespace

const char* display_name(ServerFamily f) {
  switch (f) {
    case ServerFamily::kVllm:
      return "vLLM";
    case ServerFamily::kSglang:
      return "SGLang";
    case ServerFamily::kTrtllm:
      return "TensorRT-LLM";
    case ServerFamily::kTriton:
      return "Triton";
    case ServerFamily::kDynamo:
      return "Dynamo";
    case ServerFamily::kTgi:
      return "TGI";
    case ServerFamily::kLlamacpp:
      return "llama.cpp";
    case ServerFamily::kAiperfMock:
      return "aiperf mock";
  }
  return "?";
}

std::vector<ServerFamily> detect_families(const ServerMetricsReport& rep) {
  std::vector<ServerFamily> out;
  for (const Spec& s : specs()) {
    bool found = false;
    for (const ServerMetric& m : rep.metrics) {
      for (const char* p : s.prefixes) {
        if (m.name.rfind(p, 0) == 0) found = true;
      }
      if (found) break;
    }
    if (found) out.push_back(s.family);
  }
  return out;
}

namespace {

/// Dynamo's workers (each worker's own /metrics, dynamo_component_*): per value of the
/// dynamo_component label (prefill, decode, backend ...), its requests in flight, KV-cache use
/// and time per request, from every endpoint that serves it.
void add_dynamo_worker_rows(std::vector<PanelRow>& rows, const ServerMetricsReport& rep) {
  static const char* kLabel = "dynamo_component";
  const char* kInflight = "dynamo_component_inflight_requests";
  const char* kKv = "dynamo_component_kvstats_gpu_cache_usage_percent";
  const char* kTime = "dynamo_component_request_duration_seconds";
  std::vector<std::string> workers;
  for (const char* name : {kInflight, kKv, kTime}) {
    const ServerMetric* m = rep.find(name);
    for (size_t i = 0; m && i < m->series.size(); ++i) {
      for (const auto& [k, v] : m->series[i].labels) {
        if (k == kLabel && std::find(workers.begin(), workers.end(), v) == workers.end()) {
          workers.push_back(v);
        }
      }
    }
  }
  for (const std::string& w : workers) {
    const std::string head = "Worker " + w + ": ";
    add_gauge_row(rows, rep, {{kInflight, 1, kLabel, w.c_str()}}, (head + "in flight").c_str(),
                  false);
    add_gauge_row(rows, rep, {{kKv, 100, kLabel, w.c_str()}}, (head + "KV-cache use").c_str(),
                  true);
    add_hist_row(rows, rep, {{kTime, 1e3, kLabel, w.c_str()}}, (head + "request time").c_str());
  }
}

}  // namespace

std::vector<PanelRow> panel_rows(const ServerMetricsReport& rep, ServerFamily f) {
  const Spec& s = spec_of(f);
  std::vector<PanelRow> rows;
  add_gauge_row(rows, rep, s.running, "Running requests", false);
  add_gauge_row(rows, rep, s.waiting, "Waiting requests", false);
  add_gauge_row(rows, rep, s.kv, "KV-cache use", true);
  const ServerMetric* hits = s.hits ? rep.find(s.hits) : nullptr;
  const ServerMetric* queries = s.queries ? rep.find(s.queries) : nullptr;
  double h = 0, q = 0;
  bool have = false;
  if (hits && queries) {
    auto ht = counter_total(*hits, Ref{s.hits});
    auto qt = counter_total(*queries, Ref{s.queries});
    have = ht && qt && *qt > 0;
    if (have) h = *ht, q = *qt;
  }
  if (have) {
    rows.push_back(
        {"Prefix-cache hit rate",
         fmt::format("{} % ({} of {} tokens)", num(100.0 * h / q), int64_t(h), int64_t(q)),
         std::string(s.hits) + " / " + s.queries});
  } else {
    add_gauge_row(rows, rep, s.hit_gauge, "Prefix-cache hit rate", true);
  }
  if (auto [m, r] = pick(rep, s.preemptions); m) {
    if (m->type == MetricType::kCounter) {
      if (auto t = counter_total(*m, *r)) {
        rows.push_back({"Preemptions", fmt::format("{}", int64_t(*t)), m->name});
      }
    } else {
      add_gauge_row(rows, rep, s.preemptions, "Preempted requests", false);
    }
  }
  add_hist_row(rows, rep, s.ttft, "Server TTFT");
  add_hist_row(rows, rep, s.itl, "Server ITL");
  add_hist_row(rows, rep, s.e2e, "Server request latency");
  if (f == ServerFamily::kDynamo) add_dynamo_worker_rows(rows, rep);
  return rows;
}

std::optional<double> CrossCheck::relative() const {
  if (client == 0) return std::nullopt;
  return (server - client) / client;
}

std::vector<CrossCheck> cross_checks(const ServerMetricsReport& rep,
                                     const std::vector<ServerFamily>& families,
                                     const ClientFigures& client) {
  std::vector<CrossCheck> out;
  for (ServerFamily f : families) {
    const Spec& s = spec_of(f);
    auto add = [&](const char* qty, const char* label, const std::string& metric, double server,
                   double cl, bool estimate) {
      CrossCheck c;
      c.quantity = qty;
      c.label = label;
      c.server_metric = metric;
      c.family = f;
      c.server = server;
      c.client = cl;
      c.estimate = estimate;
      out.push_back(std::move(c));
    };
    if (client.output_tokens) {
      if (auto [m, r] = pick(rep, s.tokens); m) {
        if (auto t = counter_total(*m, *r)) {
          add("output_tokens", "Output tokens", m->name, *t, *client.output_tokens, false);
        }
      }
    }
    if (client.requests) {
      if (auto [m, r] = pick(rep, s.requests); m) {
        if (auto t = counter_total(*m, *r)) {
          add("requests", "Successful requests", m->name, *t, *client.requests, false);
        }
      }
    }
    if (auto [m, r] = pick(rep, s.ttft); m && client.ttft_avg_ms) {
      if (auto h = hist_agg(*m, *r)) {
        add("ttft_avg_ms", "TTFT avg (ms)", m->name, h->sum / h->count * r->scale,
            *client.ttft_avg_ms, false);
        if (client.ttft_p50_ms) {
          add("ttft_p50_ms", "TTFT p50 (ms)", m->name, h->quantile(0.5) * r->scale,
              *client.ttft_p50_ms, true);
        }
        if (client.ttft_p99_ms) {
          add("ttft_p99_ms", "TTFT p99 (ms)", m->name, h->quantile(0.99) * r->scale,
              *client.ttft_p99_ms, true);
        }
      }
    }
  }
  return out;
}

std::vector<std::string> live_lines(const Exposition& x) {
  std::vector<std::string> out;
  for (const Spec& sp : specs()) {
    std::string line;
    auto add = [&](const char* what, std::optional<double> v, const char* unit) {
      if (!v) return;
      line += fmt::format("  {} {}{}", what,
                          unit[0] ? fmt::format("{:.1f}", *v) : fmt::format("{:.0f}", *v), unit);
    };
    add("running", scraped_value(x, sp.running, false), "");
    add("waiting", scraped_value(x, sp.waiting, false), "");
    add("KV-cache", scraped_value(x, sp.kv, true), " %");
    if (!line.empty()) out.push_back(display_name(sp.family) + line);
  }
  return out;
}

}  // namespace aiperf::telemetry
