#include "aiperf/mock/routes.h"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/mock/connection.h"
#include "aiperf/mock/mock_rng.h"

namespace aiperf::mock {

namespace {

constexpr int kEmbeddingDims = 768;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool authorized(Connection& c) {
  const MockOptions& o = c.ctx().opts;
  if (o.api_key.empty()) return true;
  std::string_view v = c.request().header(o.auth_header_name);
  if (v == o.api_key) return !iequals(o.auth_header_name, "authorization");
  return v.size() == o.api_key.size() + 7 && iequals(v.substr(0, 7), "bearer ") &&
         v.substr(7) == o.api_key;
}

void inference(Connection& c, ApiKind kind) {
  c.begin_record(c.request().path());
  if (!c.ctx().inference_ready(mono_ns())) {
    c.respond_error(503, "Model is not ready yet", "service_unavailable");
    return;
  }
  InferenceRequest req;
  std::string err = parse_inference_request(kind, c.request().body, &req);
  if (!err.empty()) {
    if (RequestRecord* r = c.record()) r->outcome = "bad_request";
    c.respond_error(400, err, "invalid_request_error");
    return;
  }
  if (kind != ApiKind::kEmbeddings) {
    c.start_inference(kind, req);
    return;
  }
  ServerContext& ctx = c.ctx();
  const MockOptions& o = ctx.opts;
  uint64_t seq = ctx.inference_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  const std::string& model = req.model.empty() ? o.model_names.front() : req.model;
  int64_t isl = 0;
  for (size_t i = 0; i < req.inputs.size(); ++i)
    isl += req.input_token_ids[i] >= 0 ? req.input_token_ids[i]
                                       : int64_t(ctx.text->count(req.inputs[i]));
  if (RequestRecord* r = c.record()) {
    r->seq = seq;
    r->model = model;
    r->isl = isl;
  }
  ctx.metrics.prompt_tokens_total.fetch_add(uint64_t(isl), std::memory_order_relaxed);
  ctx.metrics.api[2].prompt_tokens.fetch_add(uint64_t(isl), std::memory_order_relaxed);
  if (ctx.selected(o.error, seq, 1)) {
    if (RequestRecord* r = c.record()) r->faults.emplace_back("error");
    c.respond_error(o.error_status, "Simulated error",
                    o.error_status >= 500 ? "server_error" : "invalid_request_error");
    return;
  }
  std::string body = "{\"object\":\"list\",\"data\":[";
  for (size_t i = 0; i < req.inputs.size(); ++i) {
    if (i) body += ',';
    fmt::format_to(std::back_inserter(body),
                   "{{\"object\":\"embedding\",\"index\":{},\"embedding\":", i);
    std::string key = req.inputs[i].empty() ? fmt::format("#{}", i) : req.inputs[i];
    append_embedding_json(&body, key, kEmbeddingDims, o.random_seed);
    body += '}';
  }
  fmt::format_to(std::back_inserter(body),
                 "],\"model\":{},\"usage\":{{\"prompt_tokens\":{},\"total_tokens\":{}}}}}",
                 json_quote(model), isl, isl);
  double ms = o.fast ? 0.0
                     : o.embedding_base_latency_ms +
                           o.embedding_per_input_latency_ms * double(req.inputs.size());
  int64_t start = c.record() ? c.record()->request_complete_ns : mono_ns();
  c.respond_at(start + int64_t(ms * 1e6), 200, "application/json", std::move(body));
}

void chat(Connection& c) {
  inference(c, ApiKind::kChat);
}
void completions(Connection& c) {
  inference(c, ApiKind::kCompletions);
}
void embeddings(Connection& c) {
  inference(c, ApiKind::kEmbeddings);
}

void models(Connection& c) {
  if (c.ctx().opts.disable_models_endpoint) {
    c.respond_error(404, "Not Found", "not_found_error");
    return;
  }
  if (!c.ctx().models_ready(mono_ns())) {
    c.respond_error(503, "Models are not ready yet", "service_unavailable");
    return;
  }
  c.respond(200, "application/json", c.ctx().models_body);
}

void health(Connection& c) {
  c.respond(200, "application/json", "{\"status\":\"healthy\"}");
}

void root(Connection& c) {
  c.respond(200, "application/json", "{\"message\":\"aiperf-mock-server\",\"status\":\"ok\"}");
}

constexpr const char* kPromText = "text/plain; version=0.0.4; charset=utf-8";

void serve_family(Connection& c, MetricsFamily f) {
  const ServerContext& ctx = c.ctx();
  c.respond(200, kPromText, ctx.metrics.render(f, ctx.opts.model_names.front(), ctx.start_wall_ns));
}

void metrics(Connection& c) {
  if (c.ctx().metrics_family == MetricsFamily::kTrtllm) {
    // trtllm-serve answers /metrics with its iteration statistics in JSON and serves Prometheus
    // text at /prometheus/metrics.
    c.respond(200, "application/json", c.ctx().metrics.render_trtllm_iteration_stats());
    return;
  }
  serve_family(c, c.ctx().metrics_family);
}

template <MetricsFamily F>
void family_metrics(Connection& c) {
  serve_family(c, F);
}

template <int Exporter>
void dcgm_metrics(Connection& c) {
  ServerContext& ctx = c.ctx();
  c.respond(200, kPromText,
            ctx.dcgm[Exporter - 1]->scrape(
                mono_ns(), ctx.metrics.generation_tokens_total.load(std::memory_order_relaxed)));
}

constexpr Route kRoutes[] = {
    {"POST", "/v1/chat/completions", true, chat},
    {"POST", "/v1/completions", true, completions},
    {"POST", "/v1/embeddings", true, embeddings},
    {"GET", "/v1/models", true, models},
    {"GET", "/health", false, health},
    {"GET", "/metrics", false, metrics},
    {"GET", "/vllm/metrics", false, family_metrics<MetricsFamily::kVllm>},
    {"GET", "/sglang/metrics", false, family_metrics<MetricsFamily::kSglang>},
    {"GET", "/trtllm/metrics", false, family_metrics<MetricsFamily::kTrtllm>},
    {"GET", "/prometheus/metrics", false, family_metrics<MetricsFamily::kTrtllm>},
    {"GET", "/triton/metrics", false, family_metrics<MetricsFamily::kTriton>},
    {"GET", "/dynamo_frontend/metrics", false, family_metrics<MetricsFamily::kDynamo>},
    {"GET", "/tgi/metrics", false, family_metrics<MetricsFamily::kTgi>},
    {"GET", "/llamacpp/metrics", false, family_metrics<MetricsFamily::kLlamacpp>},
    {"GET", "/aiperf/metrics", false, family_metrics<MetricsFamily::kAiperf>},
    {"GET", "/dcgm1/metrics", false, dcgm_metrics<1>},
    {"GET", "/dcgm2/metrics", false, dcgm_metrics<2>},
    {"GET", "/", false, root},
};

}  // namespace

void append_embedding_json(std::string* out, std::string_view text, int dims, uint64_t seed) {
  MockRng rng(splitmix64(seed ^ fnv1a64(text)));
  std::vector<double> v(static_cast<size_t>(dims));
  double norm = 0.0;
  for (double& x : v) {
    x = rng.uniform01() * 2.0 - 1.0;
    norm += x * x;
  }
  norm = std::sqrt(norm);
  out->push_back('[');
  for (int i = 0; i < dims; ++i) {
    if (i) out->push_back(',');
    fmt::format_to(std::back_inserter(*out), "{:.6f}", v[size_t(i)] / norm);
  }
  out->push_back(']');
}

void route_request(Connection& c) {
  const HttpRequest& req = c.request();
  std::string_view path = req.path();
  const Route* found = nullptr;
  bool path_known = false;
  for (const Route& r : kRoutes) {
    if (r.path != path) continue;
    path_known = true;
    if (r.method == req.method) {
      found = &r;
      break;
    }
  }
  if (!found) {
    if (path_known)
      c.respond_error(405, "Method Not Allowed", "invalid_request_error");
    else
      c.respond_error(404, fmt::format("Not Found: {}", path), "not_found_error");
    return;
  }
  if (found->protected_by_api_key && !authorized(c)) {
    if (path.substr(0, 4) == "/v1/" && path != "/v1/models") c.begin_record(path);
    c.respond_error(401, "Incorrect API key provided", "invalid_request_error");
    return;
  }
  found->handler(c);
}

}  // namespace aiperf::mock
