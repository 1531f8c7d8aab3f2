#include "aiperf/mock/grpc_server.h"

#include <cctype>

#include <grpcpp/grpcpp.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

#include "aiperf/common/clock.h"
#include "aiperf/kserve/tensors.h"
#include "aiperf/mock/mock_rng.h"
#include "aiperf/mock/server_context.h"
#include "kserve_v2.grpc.pb.h"

namespace aiperf::mock {

namespace {

constexpr uint64_t kSaltError = 1, kSaltReset = 2, kSaltStall = 3, kSaltErrorEvent = 6;
constexpr const char* kStreamPath = "/inference.GRPCInferenceService/ModelStreamInfer";
constexpr const char* kUnaryPath = "/inference.GRPCInferenceService/ModelInfer";

/// What a request asks for, from either backend's tensors.
struct Ask {
  std::string model;
  std::string prompt;
  std::optional<int64_t> max_tokens;
  std::optional<int64_t> min_tokens;
  bool ignore_eos = false;
  bool batched = true;  // TensorRT-LLM's [1, 1] shapes (vLLM: [1])
};

Ask read_ask(const inference::ModelInferRequest& req) {
  Ask a;
  a.model = req.model_name();
  a.prompt = kserve::input_bytes(req, "text_input").value_or("");
  for (const auto& in : req.inputs())
    if (in.name() == "text_input") a.batched = in.shape_size() >= 2;
  a.max_tokens = kserve::input_int(req, "max_tokens");
  a.min_tokens = kserve::input_int(req, "min_length");
  if (!a.min_tokens) a.min_tokens = kserve::input_int(req, "min_tokens");
  // vLLM: {"max_tokens": "N", "min_tokens": "N", "ignore_eos": true} as one JSON string.
  if (auto sp = kserve::input_bytes(req, "sampling_parameters")) {
    auto j = nlohmann::json::parse(*sp, nullptr, false);
    auto num = [&](const char* k) -> std::optional<int64_t> {
      if (!j.is_object() || !j.contains(k)) return std::nullopt;
      const auto& v = j[k];
      if (v.is_number_integer()) return v.get<int64_t>();
      if (v.is_string()) {
        try {
          return std::stoll(v.get<std::string>());
        } catch (...) {
        }
      }
      return std::nullopt;
    };
    if (auto m = num("max_tokens")) a.max_tokens = m;
    if (auto m = num("min_tokens")) a.min_tokens = m;
    if (j.is_object() && j.contains("ignore_eos") && j["ignore_eos"].is_boolean())
      a.ignore_eos = j["ignore_eos"].get<bool>();
  }
  return a;
}

class Service final : public inference::GRPCInferenceService::Service {
 public:
  explicit Service(ServerContext& c) : c_(c) {}

  grpc::Status ServerLive(grpc::ServerContext*, const inference::ServerLiveRequest*,
                          inference::ServerLiveResponse* resp) override {
    resp->set_live(true);
    return grpc::Status::OK;
  }

  grpc::Status ModelReady(grpc::ServerContext*, const inference::ModelReadyRequest*,
                          inference::ModelReadyResponse* resp) override {
    resp->set_ready(c_.inference_ready(mono_ns()));  // any model name is served
    return grpc::Status::OK;
  }

  grpc::Status ModelInfer(grpc::ServerContext* sc, const inference::ModelInferRequest* req,
                          inference::ModelInferResponse* resp) override {
    const int64_t arrival = mono_ns();
    if (!authorized(*sc)) return unauthenticated();
    Generation g = plan(*req, false, arrival, kUnaryPath);
    if (!g.status.ok()) return finish(g, g.status);
    // The whole answer at the last token's time.
    int64_t last = std::max<int64_t>(0, g.total - 1);
    if (!sleep_until(sc, token_deadline_ns(g.start_ns, g.lat, last) + g.stall_ns)) {
      return finish(g, grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled"));
    }
    if (g.reset_at >= 0) {
      return finish(g, grpc::Status(grpc::StatusCode::UNAVAILABLE, "Simulated connection reset"));
    }
    resp->set_model_name(g.model);
    resp->set_model_version("1");
    resp->set_id(req->id());
    kserve::set_text_output(*resp, text_of(g, 0, g.total), g.batched);
    const int64_t now = mono_ns();
    g.rec.first_token_ns = g.rec.last_token_ns = g.total > 0 ? now : 0;
    g.rec.output_tokens = g.total;
    if (g.total > 0) {
      c_.metrics.on_first_token(kMetricsApi, now - arrival, g.rec.isl);
      c_.metrics.on_tokens(kMetricsApi, g.total, 0);
    }
    return finish(g, grpc::Status::OK);
  }

  grpc::Status ModelStreamInfer(
      grpc::ServerContext* sc,
      grpc::ServerReaderWriter<inference::ModelStreamInferResponse, inference::ModelInferRequest>*
          stream) override {
    if (!authorized(*sc)) return unauthenticated();
    inference::ModelInferRequest req;
    while (stream->Read(&req)) {
      const int64_t arrival = mono_ns();
      Generation g = plan(req, true, arrival, kStreamPath);
      if (!g.status.ok()) {  // Triton reports a failed request inside the stream
        inference::ModelStreamInferResponse r;
        r.set_error_message(g.status.error_message());
        stream->Write(r);
        finish(g, grpc::Status::OK);
        continue;
      }
      grpc::Status st = stream_tokens(sc, stream, req, g);
      if (!st.ok()) return finish(g, st);
      finish(g, grpc::Status::OK);
    }
    return grpc::Status::OK;
  }

 private:
  /// --api-key: the call's metadata must carry it (the configured header, "authorization" as
  /// "Bearer <key>"), as on the HTTP side.
  bool authorized(const grpc::ServerContext& sc) const {
    const MockOptions& o = c_.opts;
    if (o.api_key.empty()) return true;
    std::string name = o.auth_header_name;
    for (char& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    for (const auto& [k, v] : sc.client_metadata()) {
      if (std::string_view(k.data(), k.size()) != name) continue;
      const std::string_view got(v.data(), v.size());
      if (got == o.api_key && name != "authorization") return true;
      if (got.size() == o.api_key.size() + 7 && got.substr(7) == o.api_key &&
          (got.substr(0, 7) == "Bearer " || got.substr(0, 7) == "bearer "))
        return true;
    }
    return false;
  }
  static grpc::Status unauthenticated() {
    return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "Invalid or missing API key");
  }

  struct Generation {
    grpc::Status status;
    std::string model;
    uint64_t word_offset = 0;
    int64_t total = 0;
    int64_t start_ns = 0;
    Latency lat;
    int64_t reset_at = -1, stall_at = -1, error_event_at = -1;
    int64_t stall_ns = 0;
    bool batched = true;
    bool counted = false;  // in ServerContext::inflight and the Prometheus counters
    bool length_stop = false;
    RequestRecord rec;
  };
  /// Triton's generate APIs count as completions in the Prometheus counters (inference.cpp).
  static constexpr int kMetricsApi = 1;

  Generation plan(const inference::ModelInferRequest& req, bool stream, int64_t arrival,
                  const char* path) {
    const MockOptions& o = c_.opts;
    Generation g;
    const uint64_t seq = c_.inference_seq.fetch_add(1, std::memory_order_relaxed) + 1;
    Ask a = read_ask(req);
    g.model = a.model.empty() ? o.model_names.front() : a.model;
    g.batched = a.batched;
    RequestRecord& r = g.rec;
    r.endpoint = path;
    r.method = "GRPC";
    r.model = g.model;
    r.stream = stream;
    r.seq = seq;
    r.arrival_ns = arrival;
    r.request_complete_ns = mono_ns();
    r.requested_max_tokens = a.max_tokens.value_or(-1);
    r.requested_min_tokens = a.min_tokens.value_or(-1);
    r.ignore_eos = a.ignore_eos;
    r.tokens_per_chunk = std::max(1, o.tokens_per_chunk);
    if (!req.id().empty()) r.headers.emplace_back("x-request-id", req.id());
    const int64_t isl = int64_t(c_.text->count(a.prompt));
    r.isl = isl;
    if (c_.selected(o.error, seq, kSaltError)) {
      r.faults.emplace_back("error");
      r.outcome = "error";
      c_.metrics.prompt_tokens_total.fetch_add(uint64_t(isl), std::memory_order_relaxed);
      c_.metrics.request_failure_total.fetch_add(1, std::memory_order_relaxed);
      c_.metrics.api[kMetricsApi]
          .failed_by_status[size_t(std::clamp(o.error_status, 400, 599) - 400)]
          .fetch_add(1, std::memory_order_relaxed);
      g.status = grpc::Status(
          o.error_status >= 500 ? grpc::StatusCode::INTERNAL : grpc::StatusCode::INVALID_ARGUMENT,
          "Simulated error");
      return g;
    }
    const uint64_t h = splitmix64(o.random_seed ^ fnv1a64(a.prompt));
    LengthRequest lr;
    lr.isl = isl;
    lr.max_tokens = a.max_tokens;
    lr.min_tokens = a.min_tokens;
    lr.ignore_eos = a.ignore_eos;
    g.total = plan_lengths(lr, h).output_tokens;
    g.length_stop = a.max_tokens && g.total >= *a.max_tokens;
    const int64_t inflight = c_.inflight.fetch_add(1, std::memory_order_relaxed) + 1;
    g.counted = true;
    c_.metrics.num_requests_running.fetch_add(1, std::memory_order_relaxed);
    c_.metrics.on_request_start(kMetricsApi, isl, stream);
    g.lat = o.fast ? Latency{}
                   : compute_latency(c_.latency, isl, g.total, inflight, splitmix64(h ^ seq));
    g.start_ns = r.request_complete_ns;
    g.word_offset = h % c_.text->vocabulary_size();
    auto at = [&](int64_t configured) {
      return std::min(configured >= 0 ? configured : g.total / 2, g.total);
    };
    if (c_.selected(o.reset, seq, kSaltReset)) {
      g.reset_at = at(o.reset_after_tokens);
      r.faults.emplace_back("reset");
    }
    if (c_.selected(o.stall, seq, kSaltStall)) {
      g.stall_at = at(o.stall_after_tokens);
      g.stall_ns = int64_t(o.stall_seconds * 1e9);
      r.faults.emplace_back("stall");
    }
    if (stream && c_.selected(o.error_event, seq, kSaltErrorEvent)) {
      g.error_event_at = at(-1);
      r.faults.emplace_back("error_event");
    }
    r.planned_output_tokens = g.total;
    return g;
  }

  std::string text_of(const Generation& g, int64_t from, int64_t to) const {
    std::string out;
    for (int64_t k = from; k < to; ++k) out.append(c_.text->piece(g.word_offset + uint64_t(k)));
    return out;
  }

  /// Sleeps until `deadline` (monotonic ns) in small steps; false when the client went away.
  static bool sleep_until(grpc::ServerContext* sc, int64_t deadline) {
    for (;;) {
      if (sc->IsCancelled()) return false;
      int64_t left = deadline - mono_ns();
      if (left <= 0) return true;
      std::this_thread::sleep_for(std::chrono::nanoseconds(std::min<int64_t>(left, 20'000'000)));
    }
  }

  grpc::Status stream_tokens(grpc::ServerContext* sc,
                             grpc::ServerReaderWriter<inference::ModelStreamInferResponse,
                                                      inference::ModelInferRequest>* stream,
                             const inference::ModelInferRequest& req, Generation& g) {
    const int64_t per_chunk = std::max(1, c_.opts.tokens_per_chunk);
    const bool empty_final = kserve::param_true(req, kserve::kEnableEmptyFinal);
    inference::ModelStreamInferResponse r;
    inference::ModelInferResponse* ir = nullptr;  // r.Clear() frees it: taken anew after each
    for (int64_t t = 0; t < g.total;) {
      if (t == g.error_event_at) {
        r.Clear();
        r.set_error_message("Simulated mid-stream error");
        stream->Write(r);
        g.rec.outcome = "error_event";
        return grpc::Status::OK;
      }
      if (t == g.reset_at) {
        g.rec.outcome = "reset";
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "Simulated connection reset");
      }
      if (t == g.stall_at) g.start_ns += g.stall_ns;
      int64_t end = std::min(g.total, t + per_chunk);
      for (int64_t cut : {g.error_event_at, g.reset_at, g.stall_at})
        if (cut > t && cut < end) end = cut;
      if (!sleep_until(sc, token_deadline_ns(g.start_ns, g.lat, t))) {
        g.rec.outcome = "client_closed";
        return grpc::Status(grpc::StatusCode::CANCELLED, "client cancelled");
      }
      r.Clear();
      ir = r.mutable_infer_response();
      ir->set_model_name(g.model);
      ir->set_model_version("1");
      ir->set_id(req.id());
      kserve::set_text_output(*ir, text_of(g, t, end), g.batched);
      const bool last = end == g.total;
      if (last && !empty_final)
        (*ir->mutable_parameters())["triton_final_response"].set_bool_param(true);
      // Stamped before the write: the truth is never later than what a client can see.
      const int64_t now = mono_ns();
      if (!stream->Write(r)) {
        g.rec.outcome = "client_closed";
        return grpc::Status(grpc::StatusCode::CANCELLED, "client went away");
      }
      if (t == 0) {
        g.start_ns = now - g.lat.ttft_ns;  // later deadlines count from the first write
        g.rec.first_token_ns = now;
        c_.metrics.on_first_token(kMetricsApi, now - g.rec.arrival_ns, g.rec.isl);
        c_.metrics.on_tokens(kMetricsApi, end - t, 0);
      } else {
        c_.metrics.on_tokens(kMetricsApi, end - t, (now - g.rec.last_token_ns) / (end - t));
      }
      g.rec.last_token_ns = now;
      for (int64_t k = t; k < end; ++k) g.rec.token_offsets_ns.push_back(now - g.rec.arrival_ns);
      g.rec.output_tokens += end - t;
      t = end;
    }
    if (empty_final) {
      r.Clear();
      ir = r.mutable_infer_response();
      ir->set_model_name(g.model);
      ir->set_model_version("1");
      ir->set_id(req.id());
      (*ir->mutable_parameters())["triton_final_response"].set_bool_param(true);
      stream->Write(r);
    }
    return grpc::Status::OK;
  }

  grpc::Status finish(Generation& g, grpc::Status st) {
    g.rec.status = st.ok() ? 200 : 500;
    if (!st.ok() && g.rec.outcome == "ok") g.rec.outcome = "error";
    g.rec.completion_ns = mono_ns();
    if (g.counted) {
      c_.inflight.fetch_sub(1, std::memory_order_relaxed);
      c_.metrics.num_requests_running.fetch_sub(1, std::memory_order_relaxed);
      // A call the client cancelled is nginx's 499, as on the HTTP side.
      const int status = st.error_code() == grpc::StatusCode::CANCELLED ? 499 : g.rec.status;
      const int64_t first = g.rec.first_token_ns;
      c_.metrics.on_request_end(kMetricsApi, status, g.rec.completion_ns - g.rec.arrival_ns,
                                g.rec.isl, g.rec.output_tokens, g.length_stop,
                                first ? g.rec.completion_ns - first : -1);
    }
    g.counted = false;
    if (c_.recorder) c_.recorder->write(g.rec);
    return st;
  }

  ServerContext& c_;
};

}  // namespace

struct GrpcServer::Impl {
  std::unique_ptr<Service> service;
  std::unique_ptr<grpc::Server> server;
  int port = 0;
  bool stopped = false;
};

GrpcServer::GrpcServer(ServerContext& ctx, const std::string& host, int port)
    : impl_(std::make_unique<Impl>()) {
  impl_->service = std::make_unique<Service>(ctx);
  grpc::ServerBuilder b;
  std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  b.AddListeningPort(h + ":" + std::to_string(port), grpc::InsecureServerCredentials(),
                     &impl_->port);
  b.RegisterService(impl_->service.get());
  b.SetMaxReceiveMessageSize(int(ctx.opts.max_body_bytes));
  impl_->server = b.BuildAndStart();
  if (!impl_->server || impl_->port == 0) {
    throw std::runtime_error("cannot listen for gRPC on " + h + ":" + std::to_string(port));
  }
}

GrpcServer::~GrpcServer() {
  stop();
}

int GrpcServer::port() const {
  return impl_->port;
}

void GrpcServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  impl_->server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  impl_->server->Wait();
}

}  // namespace aiperf::mock
