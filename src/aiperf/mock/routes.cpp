#include "aiperf/mock/routes.h"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/mock/connection.h"
#include "aiperf/mock/mock_rng.h"
#include "aiperf/mock/simple_apis.h"

namespace aiperf::mock {

namespace {

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
  // Anthropic clients send the key in x-api-key.
  if (c.request().path() == "/v1/messages" && c.request().header("x-api-key") == o.api_key)
    return true;
  std::string_view v = c.request().header(o.auth_header_name);
  if (v == o.api_key) return !iequals(o.auth_header_name, "authorization");
  return v.size() == o.api_key.size() + 7 && iequals(v.substr(0, 7), "bearer ") &&
         v.substr(7) == o.api_key;
}

/// A token API: plan, then stream or answer at the end (inference.cpp). `force_stream`: TGI's
/// path decides streaming, not the body.
void inference(Connection& c, ApiKind kind, int force_stream = -1) {
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
  if (force_stream >= 0) req.stream = force_stream == 1;
  c.start_inference(kind, req);
}

void chat(Connection& c) {
  inference(c, ApiKind::kChat);
}
void completions(Connection& c) {
  inference(c, ApiKind::kCompletions);
}
void responses(Connection& c) {
  inference(c, ApiKind::kResponses);
}
void messages(Connection& c) {
  inference(c, ApiKind::kMessages);
}
void tgi_generate(Connection& c) {
  inference(c, ApiKind::kTgi, 0);
}
void tgi_generate_stream(Connection& c) {
  inference(c, ApiKind::kTgi, 1);
}
/// Triton's generate extension: POST /v2/models/<model>/generate (one JSON answer) and
/// .../generate_stream (SSE); the model comes from the path.
void triton_generate(Connection& c) {
  std::string_view path = c.request().path();
  std::string_view rest = path.substr(std::string_view("/v2/models/").size());
  size_t slash = rest.find('/');
  std::string_view op = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (slash == 0 || (op != "generate" && op != "generate_stream")) {
    c.respond_error(404, fmt::format("Not Found: {}", path), "not_found_error");
    return;
  }
  c.begin_record(path);
  if (!c.ctx().inference_ready(mono_ns())) {
    c.respond_error(503, "Model is not ready yet", "service_unavailable");
    return;
  }
  InferenceRequest req;
  std::string err = parse_inference_request(ApiKind::kTritonGenerate, c.request().body, &req);
  if (!err.empty()) {
    if (RequestRecord* r = c.record()) r->outcome = "bad_request";
    c.respond_error(400, err, "invalid_request_error");
    return;
  }
  req.model.assign(rest.substr(0, slash));
  req.stream = op == "generate_stream";  // the path decides, as Triton's
  c.start_inference(ApiKind::kTritonGenerate, req);
}
void images(Connection& c) {
  inference(c, ApiKind::kImages);
}
void embeddings(Connection& c) {
  handle_embeddings(c);
}
void rank_nim(Connection& c) {
  handle_rankings(c, ApiKind::kRankNim);
}
void rank_cohere(Connection& c) {
  handle_rankings(c, ApiKind::kRankCohere);
}
void rank_tei(Connection& c) {
  handle_rankings(c, ApiKind::kRankTei);
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

/// Dynamo's disaggregated workers, beside the frontend (spec §10.1).
template <bool Prefill>
void dynamo_worker_metrics(Connection& c) {
  const ServerContext& ctx = c.ctx();
  c.respond(200, kPromText,
            ctx.metrics.render_dynamo_worker(Prefill ? "prefill" : "decode",
                                             ctx.opts.model_names.front()));
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
    {"POST", "/v1/responses", true, responses},
    {"POST", "/v1/messages", true, messages},
    {"POST", "/generate", true, tgi_generate},
    {"POST", "/generate_stream", true, tgi_generate_stream},
    {"POST", "/v1/ranking", true, rank_nim},
    {"POST", "/v2/rerank", true, rank_cohere},
    {"POST", "/rerank", true, rank_tei},
    {"POST", "/v1/images/generations", true, images},
    {"POST", "/v2/models/*", true, triton_generate},
    {"POST", "/v1/videos", true, handle_video_submit},
    {"GET", "/v1/videos/*", true, handle_video_get},  // <id> and <id>/content
    {"GET", "/v1/models", true, models},
    {"GET", "/health", false, health},
    {"GET", "/metrics", false, metrics},
    {"GET", "/vllm/metrics", false, family_metrics<MetricsFamily::kVllm>},
    {"GET", "/sglang/metrics", false, family_metrics<MetricsFamily::kSglang>},
    {"GET", "/trtllm/metrics", false, family_metrics<MetricsFamily::kTrtllm>},
    {"GET", "/prometheus/metrics", false, family_metrics<MetricsFamily::kTrtllm>},
    {"GET", "/triton/metrics", false, family_metrics<MetricsFamily::kTriton>},
    {"GET", "/dynamo_frontend/metrics", false, family_metrics<MetricsFamily::kDynamo>},
    {"GET", "/dynamo_component/prefill/metrics", false, dynamo_worker_metrics<true>},
    {"GET", "/dynamo_component/decode/metrics", false, dynamo_worker_metrics<false>},
    {"GET", "/tgi/metrics", false, family_metrics<MetricsFamily::kTgi>},
    {"GET", "/llamacpp/metrics", false, family_metrics<MetricsFamily::kLlamacpp>},
    {"GET", "/aiperf/metrics", false, family_metrics<MetricsFamily::kAiperf>},
    {"GET", "/dcgm1/metrics", false, dcgm_metrics<1>},
    {"GET", "/dcgm2/metrics", false, dcgm_metrics<2>},
    {"GET", "/", false, root},
};

/// A route path ending in "/*" matches any path below it.
bool path_matches(std::string_view route, std::string_view path) {
  if (route.ends_with("/*")) {
    route.remove_suffix(1);
    return path.size() > route.size() && path.starts_with(route);
  }
  return route == path;
}

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
    if (!path_matches(r.path, path)) continue;
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
    if (found->method == "POST") c.begin_record(path);  // inference endpoints are all POST
    std::string msg = "Incorrect API key provided";
    // --echo-credentials: a leaky server that quotes what it got (the client must not export it).
    if (c.ctx().opts.echo_credentials) {
      msg += fmt::format(": {}", c.request().header(c.ctx().opts.auth_header_name));
    }
    c.respond_error(401, msg, "invalid_request_error");
    return;
  }
  found->handler(c);
}

}  // namespace aiperf::mock
