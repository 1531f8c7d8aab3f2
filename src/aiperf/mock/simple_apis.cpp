// The mock's answers that are not token streams: embeddings (OpenAI, NIM, vLLM chat-style),
// rankings (NIM /v1/ranking, Cohere /v2/rerank, TEI /rerank) and video jobs (/v1/videos).
// Same readiness, error injection and ground-truth record as the token APIs; latency:
// --embedding-base-latency + --embedding-per-input-latency per input (per passage for
// rankings), and --video-generation-ms for a video job.
#include "aiperf/mock/simple_apis.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/mock/connection.h"
#include "aiperf/mock/mock_rng.h"
#include "aiperf/mock/routes.h"

namespace aiperf::mock {

namespace {

constexpr int kEmbeddingDims = 768;
constexpr uint64_t kSaltError = 1;  // the token APIs' error salt: one error schedule for all
constexpr size_t kVideoBytes = 64 * 1024;

/// Common start of an inference answer: the record, readiness, the body. False when an error
/// was answered.
bool begin(Connection& c, ApiKind kind, InferenceRequest* req) {
  c.begin_record(c.request().path());
  if (!c.ctx().inference_ready(mono_ns())) {
    c.respond_error(503, "Model is not ready yet", "service_unavailable");
    return false;
  }
  std::string err = parse_inference_request(kind, c.request().body, req);
  if (!err.empty()) {
    if (RequestRecord* r = c.record()) r->outcome = "bad_request";
    c.respond_error(400, err, "invalid_request_error");
    return false;
  }
  return true;
}

/// Numbers the request, records model and ISL, and applies --error-*. False when an error was
/// answered.
bool account(Connection& c, const InferenceRequest& req, int64_t isl, uint64_t* seq_out,
             bool embeddings = false) {
  ServerContext& ctx = c.ctx();
  const MockOptions& o = ctx.opts;
  uint64_t seq = ctx.inference_seq.fetch_add(1, std::memory_order_relaxed) + 1;
  *seq_out = seq;
  if (RequestRecord* r = c.record()) {
    r->seq = seq;
    r->model = req.model.empty() ? o.model_names.front() : req.model;
    r->isl = isl;
  }
  ctx.metrics.prompt_tokens_total.fetch_add(uint64_t(isl), std::memory_order_relaxed);
  if (embeddings)
    ctx.metrics.api[2].prompt_tokens.fetch_add(uint64_t(isl), std::memory_order_relaxed);
  if (ctx.selected(o.error, seq, kSaltError)) {
    if (RequestRecord* r = c.record()) r->faults.emplace_back("error");
    c.respond_error(o.error_status, "Simulated error",
                    o.error_status >= 500 ? "server_error" : "invalid_request_error");
    return false;
  }
  return true;
}

/// Prompt tokens of one input: a data URL (NIM image input) counts nothing; a "<text> <data
/// URL>" pair counts its text.
int64_t input_tokens(const ServerContext& ctx, const std::string& input) {
  std::string_view s(input);
  if (s.starts_with("data:")) return 0;
  size_t p = s.find(" data:");
  if (p != std::string_view::npos) s = s.substr(0, p);
  return int64_t(ctx.text->count(s));
}

void respond_after(Connection& c, double ms, std::string body) {
  const MockOptions& o = c.ctx().opts;
  int64_t start = c.record() ? c.record()->request_complete_ns : mono_ns();
  c.respond_at(start + int64_t((o.fast ? 0.0 : ms) * 1e6), 200, "application/json",
               std::move(body));
}

double input_latency_ms(const MockOptions& o, size_t inputs) {
  return o.embedding_base_latency_ms + o.embedding_per_input_latency_ms * double(inputs);
}

double ranking_latency_ms(const MockOptions& o, size_t passages) {
  return o.ranking_base_latency_ms + o.ranking_per_passage_latency_ms * double(passages);
}

/// Deterministic relevance of a passage to a query, in [0, 1).
double relevance(uint64_t seed, std::string_view query, std::string_view passage) {
  uint64_t h = splitmix64(seed ^ fnv1a64(query) ^ (fnv1a64(passage) * 0x9E3779B97F4A7C15ull));
  return double(h % 1000000) / 1e6;
}

}  // namespace

void handle_embeddings(Connection& c) {
  InferenceRequest req;
  if (!begin(c, ApiKind::kEmbeddings, &req)) return;
  ServerContext& ctx = c.ctx();
  int64_t isl = 0;
  for (size_t i = 0; i < req.inputs.size(); ++i)
    isl += req.input_token_ids[i] >= 0 ? req.input_token_ids[i] : input_tokens(ctx, req.inputs[i]);
  uint64_t seq = 0;
  if (!account(c, req, isl, &seq, true)) return;
  const std::string& model = req.model.empty() ? ctx.opts.model_names.front() : req.model;
  std::string body = "{\"object\":\"list\",\"data\":[";
  for (size_t i = 0; i < req.inputs.size(); ++i) {
    if (i) body += ',';
    fmt::format_to(std::back_inserter(body),
                   "{{\"object\":\"embedding\",\"index\":{},\"embedding\":", i);
    std::string key = req.inputs[i].empty() ? fmt::format("#{}", i) : req.inputs[i];
    append_embedding_json(&body, key, kEmbeddingDims, ctx.opts.random_seed);
    body += '}';
  }
  fmt::format_to(std::back_inserter(body),
                 "],\"model\":{},\"usage\":{{\"prompt_tokens\":{},\"total_tokens\":{}}}}}",
                 json_quote(model), isl, isl);
  if (RequestRecord* r = c.record()) r->output_tokens = int64_t(req.inputs.size());
  respond_after(c, input_latency_ms(ctx.opts, req.inputs.size()), std::move(body));
}

void handle_rankings(Connection& c, ApiKind kind) {
  InferenceRequest req;
  if (!begin(c, kind, &req)) return;
  ServerContext& ctx = c.ctx();
  int64_t isl = int64_t(ctx.text->count(req.query));
  for (const auto& p : req.passages) isl += int64_t(ctx.text->count(p));
  uint64_t seq = 0;
  if (!account(c, req, isl, &seq)) return;
  struct Scored {
    size_t index;
    double score;
  };
  std::vector<Scored> scored;
  for (size_t i = 0; i < req.passages.size(); ++i)
    scored.push_back({i, relevance(ctx.opts.random_seed, req.query, req.passages[i])});
  std::stable_sort(scored.begin(), scored.end(),
                   [](const Scored& a, const Scored& b) { return a.score > b.score; });
  std::string body;
  auto list = [&](const char* score_key) {
    for (size_t i = 0; i < scored.size(); ++i) {
      if (i) body += ',';
      fmt::format_to(std::back_inserter(body), "{{\"index\":{},\"{}\":{:.6f}}}", scored[i].index,
                     score_key, scored[i].score);
    }
  };
  switch (kind) {
    case ApiKind::kRankNim:  // logits: higher is more relevant
      body = "{\"rankings\":[";
      list("logit");
      fmt::format_to(std::back_inserter(body),
                     "],\"usage\":{{\"prompt_tokens\":{},\"total_tokens\":{}}}}}", isl, isl);
      break;
    case ApiKind::kRankCohere:
      body = fmt::format("{{\"id\":\"rerank-{:016x}\",\"results\":[", splitmix64(seq));
      list("relevance_score");
      body +=
          "],\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{\"search_units\":1}}}";
      break;
    default:  // TEI answers a bare list
      body = "[";
      list("score");
      body += "]";
      break;
  }
  if (RequestRecord* r = c.record()) r->output_tokens = int64_t(scored.size());
  respond_after(c, ranking_latency_ms(ctx.opts, req.passages.size()), std::move(body));
}

void handle_video_submit(Connection& c) {
  InferenceRequest req;
  if (!begin(c, ApiKind::kVideos, &req)) return;
  ServerContext& ctx = c.ctx();
  const int64_t isl = int64_t(ctx.text->count(req.prompt_text));
  uint64_t seq = 0;
  if (!account(c, req, isl, &seq)) return;
  const MockOptions& o = ctx.opts;
  VideoJob job;
  job.id = fmt::format("video_{:016x}", splitmix64(o.random_seed + seq));
  job.model = req.model.empty() ? o.model_names.front() : req.model;
  job.prompt = req.prompt_text;
  job.created_s = wall_ns() / 1'000'000'000;
  job.submitted_ns = mono_ns();
  job.completes_ns = job.submitted_ns + int64_t((o.fast ? 0.0 : o.video_generation_ms) * 1e6);
  job.peak_memory_mb = 20000.0 + double(splitmix64(seq) % 4000);
  std::string body = VideoJobs::to_json(job, job.submitted_ns);
  ctx.videos.add(std::move(job));
  if (RequestRecord* r = c.record()) r->output_tokens = 1;
  c.respond(200, "application/json", body);
}

void handle_video_get(Connection& c) {
  // /v1/videos/<id> (the job) or /v1/videos/<id>/content (the video).
  std::string_view rest = c.request().path().substr(std::string_view("/v1/videos/").size());
  const bool content = rest.ends_with("/content");
  if (content) rest.remove_suffix(std::string_view("/content").size());
  std::optional<VideoJob> job = c.ctx().videos.find(std::string(rest));
  if (!job) {
    c.respond_error(404, fmt::format("Video job '{}' not found", rest), "not_found_error");
    return;
  }
  const int64_t now = mono_ns();
  if (!content) {
    c.respond(200, "application/json", VideoJobs::to_json(*job, now));
  } else if (now < job->completes_ns) {
    c.respond_error(409, "Video is not ready yet", "invalid_request_error");
  } else {
    c.respond(200, "video/mp4", fake_mp4_bytes(kVideoBytes));
  }
}

}  // namespace aiperf::mock
