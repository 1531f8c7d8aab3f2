#include "aiperf/kserve/grpc_client.h"

#include <cctype>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_set>

#include "aiperf/common/clock.h"
#include "kserve_v2.grpc.pb.h"

namespace aiperf::kserve {

namespace {

std::chrono::system_clock::time_point deadline_in(int64_t ns) {
  return std::chrono::system_clock::now() + std::chrono::nanoseconds(ns);
}

std::shared_ptr<grpc::Channel> make_channel(std::string_view url) {
  bool tls = false;
  std::string target = grpc_target(url, &tls);
  auto creds = tls ? grpc::SslCredentials(grpc::SslCredentialsOptions())
                   : grpc::InsecureChannelCredentials();
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(-1);
  // A server that is not there fails a call at once instead of waiting for a reconnect.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  return grpc::CreateCustomChannel(target, creds, args);
}

enum class Op : uint8_t { kStart, kWrite, kWritesDone, kRead, kFinish };

}  // namespace

std::string grpc_target(std::string_view url, bool* tls) {
  if (tls) *tls = false;
  if (url.rfind("https://", 0) == 0) {
    if (tls) *tls = true;
    url.remove_prefix(8);
  } else if (url.rfind("http://", 0) == 0) {
    url.remove_prefix(7);
  } else if (url.rfind("grpc://", 0) == 0) {
    url.remove_prefix(7);
  }
  size_t slash = url.find('/');
  if (slash != std::string_view::npos) url = url.substr(0, slash);
  return std::string(url);
}

const char* status_name(int code) {
  return record::grpc_status_name(code);
}

// A call changes threads through gRPC's completion queue: the loop thread (or the queue's
// thread) starts an operation with a call's tag, the queue's thread gets the tag back. The queue
// orders the two, but Debian's gRPC is not built for ThreadSanitizer, which cannot see that; the
// tag hand-over is told to it as a release and an acquire (no code outside TSan builds).
#if defined(__SANITIZE_THREAD__)
extern "C" void __tsan_acquire(void* addr);
extern "C" void __tsan_release(void* addr);
#define AIPERF_HANDED_OVER(p) __tsan_release(p)
#define AIPERF_TAKEN_OVER(p) __tsan_acquire(p)
#else
#define AIPERF_HANDED_OVER(p) ((void)(p))
#define AIPERF_TAKEN_OVER(p) ((void)(p))
#endif

struct Call;

struct Tag {
  Call* call;
  Op op;
};

/// One request in flight. Owned by the client's in-flight set until finished, then by the ready
/// list until `done` has run on the loop thread.
struct Call {
  grpc::ClientContext ctx;
  inference::ModelInferRequest request;
  inference::ModelInferResponse unary_response;
  inference::ModelStreamInferResponse stream_response;
  std::unique_ptr<grpc::ClientAsyncReaderWriter<inference::ModelInferRequest,
                                                inference::ModelStreamInferResponse>>
      stream;
  std::unique_ptr<grpc::ClientAsyncResponseReader<inference::ModelInferResponse>> unary;
  grpc::Status status;
  std::unique_ptr<record::RequestRecord> rec;
  GrpcClient::Done done;
  Tag tags[5];
  int pending = 0;         // operations started and not yet completed
  bool finishing = false;  // Finish() issued
  bool got_response = false;
  bool final_seen = false;
  bool aborted = false;
  ResponseText text;
  std::string scratch;

  Call() {
    for (int i = 0; i < 5; ++i) tags[i] = Tag{this, Op(i)};
  }
  void* tag(Op op) {
    ++pending;
    AIPERF_HANDED_OVER(&tags[int(op)]);
    return &tags[int(op)];
  }
};

struct GrpcClient::Impl {
  transport::EventLoop& loop;
  GrpcOptions opts;
  std::vector<std::unique_ptr<inference::GRPCInferenceService::Stub>> stubs;
  grpc::CompletionQueue cq;
  std::thread thread;
  mutable std::mutex mu;
  std::condition_variable cv;
  std::unordered_set<Call*> in_flight;
  std::vector<Call*> ready;  // finished, `done` not yet run
  bool wake_posted = false;
  record::ErrorKind abort_why = record::ErrorKind::kCancelled;

  Impl(transport::EventLoop& l, GrpcOptions o) : loop(l), opts(std::move(o)) {
    for (const auto& u : opts.urls) {
      stubs.push_back(inference::GRPCInferenceService::NewStub(make_channel(u)));
    }
    thread = std::thread([this] { run(); });
  }

  void run() {
    void* tag;
    bool ok;
    while (cq.Next(&tag, &ok)) {
      AIPERF_TAKEN_OVER(tag);
      auto* t = static_cast<Tag*>(tag);
      proceed(*t->call, t->op, ok);
    }
  }

  void proceed(Call& c, Op op, bool ok);
  void on_stream_response(Call& c);
  void finish_stream(Call& c);
  void complete(Call& c);
  void drain();
};

void GrpcClient::Impl::proceed(Call& c, Op op, bool ok) {
  --c.pending;
  switch (op) {
    case Op::kStart:
      if (!ok) {
        finish_stream(c);
        break;
      }
      c.stream->Write(c.request, c.tag(Op::kWrite));
      break;
    case Op::kWrite:
      if (!ok) {
        finish_stream(c);
        break;
      }
      c.rec->sent_ns = mono_ns();
      c.stream->WritesDone(c.tag(Op::kWritesDone));
      c.stream->Read(&c.stream_response, c.tag(Op::kRead));
      break;
    case Op::kWritesDone:
      break;
    case Op::kRead:
      if (!ok) {
        finish_stream(c);
        break;
      }
      on_stream_response(c);
      c.stream->Read(&c.stream_response, c.tag(Op::kRead));
      break;
    case Op::kFinish:
      break;
  }
  if (c.finishing && c.pending == 0) complete(c);
}

void GrpcClient::Impl::on_stream_response(Call& c) {
  const int64_t now = mono_ns();
  record::RequestRecord& r = *c.rec;
  if (!c.got_response) {
    c.got_response = true;
    r.ack_ns = now;
    r.trace.first_byte_ns = now;
  }
  r.bytes_received += uint64_t(c.stream_response.ByteSizeLong());
  if (!c.stream_response.error_message().empty() && r.error == record::ErrorKind::kNone) {
    r.error = record::ErrorKind::kGrpcStatus;
    r.error_message = "stream error: " + c.stream_response.error_message();
    r.end_ns = now;
  }
  std::string err;
  if (!read_response(c.stream_response.infer_response(), c.text, &err)) {
    if (r.error == record::ErrorKind::kNone) {
      r.error = record::ErrorKind::kProtocol;
      r.error_message = "malformed ModelStreamInferResponse: " + err;
      r.end_ns = now;
    }
    return;
  }
  if (c.final_seen) return;  // anything after the final response is not part of the answer
  if (c.text.has_text && !c.text.text.empty()) {
    record::ResponseEvent ev{};
    ev.ts_ns = now;
    ev.offset = uint32_t(r.data.size());
    append_text_output_json(r.data, c.text.text);
    ev.len = uint32_t(r.data.size() - ev.offset);
    r.events.push_back(ev);
  }
  if (c.text.final) {
    c.final_seen = true;
    if (r.end_ns == 0) r.end_ns = now;
  }
}

void GrpcClient::Impl::finish_stream(Call& c) {
  if (c.finishing) return;
  c.finishing = true;
  c.stream->Finish(&c.status, c.tag(Op::kFinish));
}

void GrpcClient::Impl::complete(Call& c) {
  const int64_t now = mono_ns();
  record::RequestRecord& r = *c.rec;
  if (!c.status.ok() && r.error == record::ErrorKind::kNone) {
    const int code = int(c.status.error_code());
    r.error_message = std::string(status_name(code)) + ": " + c.status.error_message();
    if (code == grpc::StatusCode::DEADLINE_EXCEEDED) {
      r.error = record::ErrorKind::kTimeout;
    } else if (code == grpc::StatusCode::UNAVAILABLE && !c.got_response) {
      r.error = record::ErrorKind::kConnect;
    } else if (code == grpc::StatusCode::CANCELLED) {
      r.error = record::ErrorKind::kCancelled;
    } else {
      r.error = record::ErrorKind::kGrpcStatus;
    }
  } else if (c.unary && c.status.ok()) {
    r.ack_ns = r.trace.first_byte_ns = now;
    r.bytes_received += uint64_t(c.unary_response.ByteSizeLong());
    std::string err;
    if (!read_response(c.unary_response, c.text, &err)) {
      r.error = record::ErrorKind::kProtocol;
      r.error_message = "malformed ModelInferResponse: " + err;
    } else if (c.text.has_text) {
      record::ResponseEvent ev{};
      ev.ts_ns = now;
      ev.offset = uint32_t(r.data.size());
      append_text_output_json(r.data, c.text.text);
      ev.len = uint32_t(r.data.size() - ev.offset);
      r.events.push_back(ev);
    }
  }
  // A failure ends where it was seen; a stream at its final response; anything else now.
  if (r.error != record::ErrorKind::kNone || c.final_seen) {
    if (r.end_ns == 0) r.end_ns = now;
  } else {
    r.end_ns = now;
  }
  bool post = false;
  {
    std::lock_guard lk(mu);
    in_flight.erase(&c);
    ready.push_back(&c);
    if (!wake_posted) {
      wake_posted = true;
      post = true;
    }
  }
  cv.notify_all();
  if (post) loop.post([this] { drain(); });
}

void GrpcClient::Impl::drain() {
  std::vector<Call*> batch;
  record::ErrorKind why;
  {
    std::lock_guard lk(mu);
    batch.swap(ready);
    wake_posted = false;
    why = abort_why;
  }
  for (Call* c : batch) {
    if (c->aborted) {
      c->rec->error = why;
      if (c->rec->end_ns == 0) c->rec->end_ns = mono_ns();
    }
    c->done(std::move(c->rec));
    delete c;
  }
}

GrpcClient::GrpcClient(transport::EventLoop& loop, GrpcOptions opts)
    : impl_(std::make_unique<Impl>(loop, std::move(opts))) {}

GrpcClient::~GrpcClient() {
  Impl& m = *impl_;
  {
    std::unique_lock lk(m.mu);
    for (Call* c : m.in_flight) c->ctx.TryCancel();
    m.cv.wait_for(lk, std::chrono::seconds(10), [&] { return m.in_flight.empty(); });
    for (Call* c : m.ready) delete c;
    m.ready.clear();
  }
  m.cq.Shutdown();
  m.thread.join();
}

void GrpcClient::send(uint16_t url_index, std::string_view body,
                      std::unique_ptr<record::RequestRecord> rec, Done done) {
  Impl& m = *impl_;
  auto* c = new Call();
  c->rec = std::move(rec);
  c->done = std::move(done);
  record::RequestRecord& r = *c->rec;
  r.sse = m.opts.streaming;
  std::string err;
  if (!build_request(body, m.opts.backend, m.opts.streaming, c->request, &err)) {
    r.start_ns = r.end_ns = mono_ns();
    r.start_wall_ns = process_anchor().to_wall(r.start_ns);
    r.error = record::ErrorKind::kProtocol;
    r.error_message = err;
    c->finishing = true;
    std::lock_guard lk(m.mu);
    m.ready.push_back(c);
    if (!m.wake_posted) {
      m.wake_posted = true;
      m.loop.post([&m] { m.drain(); });
    }
    return;
  }
  c->request.set_id(r.x_request_id);
  r.bytes_sent = uint64_t(c->request.ByteSizeLong());
  if (m.opts.request_timeout_ns > 0) c->ctx.set_deadline(deadline_in(m.opts.request_timeout_ns));
  for (const auto& [k, v] : m.opts.metadata) c->ctx.AddMetadata(k, v);
  auto& stub = *m.stubs[url_index % m.stubs.size()];
  {
    std::lock_guard lk(m.mu);
    m.in_flight.insert(c);
  }
  r.start_ns = mono_ns();
  r.start_wall_ns = process_anchor().to_wall(r.start_ns);
  r.trace.send_start_ns = r.start_ns;
  if (m.opts.streaming) {
    c->stream = stub.PrepareAsyncModelStreamInfer(&c->ctx, &m.cq);
    c->stream->StartCall(c->tag(Op::kStart));
  } else {
    c->unary = stub.PrepareAsyncModelInfer(&c->ctx, c->request, &m.cq);
    r.sent_ns = r.start_ns;
    c->finishing = true;
    c->unary->StartCall();
    c->unary->Finish(&c->unary_response, &c->status, c->tag(Op::kFinish));
  }
}

void GrpcClient::abort_all(record::ErrorKind why) {
  Impl& m = *impl_;
  {
    std::unique_lock lk(m.mu);
    m.abort_why = why;
    for (Call* c : m.in_flight) {
      c->aborted = true;
      c->ctx.TryCancel();
    }
    for (Call* c : m.ready) c->aborted = true;
    m.cv.wait_for(lk, std::chrono::seconds(10), [&] { return m.in_flight.empty(); });
  }
  m.drain();
}

size_t GrpcClient::in_flight() const {
  std::lock_guard lk(impl_->mu);
  return impl_->in_flight.size() + impl_->ready.size();
}

std::vector<std::pair<std::string, std::string>> grpc_metadata(
    const std::vector<std::pair<std::string, std::string>>& headers,
    const std::optional<std::string>& api_key) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : headers) {
    std::string k = name;
    for (char& ch : k) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    out.emplace_back(std::move(k), value);
  }
  if (api_key) out.emplace_back("authorization", "Bearer " + *api_key);
  return out;
}

std::string probe(std::string_view url, std::string_view model, int timeout_ms,
                  const std::vector<std::pair<std::string, std::string>>& metadata) {
  bool tls = false;
  const std::string target = grpc_target(url, &tls);
  auto stub = inference::GRPCInferenceService::NewStub(make_channel(url));
  const std::string hint =
      " (is a KServe v2 gRPC server there? Triton's gRPC port is 8001, its HTTP port 8000)";
  {
    grpc::ClientContext ctx;
    ctx.set_deadline(deadline_in(int64_t(timeout_ms) * 1'000'000));
    for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
    inference::ServerLiveRequest req;
    inference::ServerLiveResponse resp;
    grpc::Status st = stub->ServerLive(&ctx, req, &resp);
    if (!st.ok()) {
      return "cannot reach the gRPC inference server at " + target + ": " +
             status_name(int(st.error_code())) + ": " + st.error_message() + hint;
    }
    if (!resp.live()) return "the gRPC inference server at " + target + " says it is not live";
  }
  grpc::ClientContext ctx;
  ctx.set_deadline(deadline_in(int64_t(timeout_ms) * 1'000'000));
  for (const auto& [k, v] : metadata) ctx.AddMetadata(k, v);
  inference::ModelReadyRequest req;
  req.set_name(std::string(model));
  inference::ModelReadyResponse resp;
  grpc::Status st = stub->ModelReady(&ctx, req, &resp);
  if (!st.ok()) {
    return "the gRPC inference server at " + target + " cannot tell whether model '" +
           std::string(model) + "' is ready: " + status_name(int(st.error_code())) + ": " +
           st.error_message();
  }
  if (!resp.ready()) {
    return "model '" + std::string(model) + "' is not ready on the gRPC inference server at " +
           target +
           " (check the name with -m: Triton serves its model repository's names, "
           "e.g. ensemble or tensorrt_llm_bls for TensorRT-LLM)";
  }
  return {};
}

}  // namespace aiperf::kserve
