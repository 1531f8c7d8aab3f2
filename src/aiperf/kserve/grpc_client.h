// KServe v2 gRPC client (Triton's protocol, docs/triton.md) for one I/O worker. The calls run on
// a thread of its own, beside the worker's event loop: send() (on the loop thread) starts the
// call with gRPC's asynchronous API; the client's thread takes every completion from its
// CompletionQueue, stamps the record and hands it back to the loop, where `done` runs. Nothing
// here ever blocks or polls inside the worker's epoll loop.
//
// One call per request: ModelStreamInfer (a bidirectional stream carrying the one request, then
// half-closed) with --streaming, ModelInfer otherwise. Timestamps (CLOCK_MONOTONIC ns) written to
// the record, as the HTTP client's:
//   start_ns / start_wall_ns  immediately before the call is started;
//   sent_ns                   the request message was written (streaming; unary: = start_ns);
//   ack_ns                    the first response message arrived (unary: the response);
//   events[i].ts_ns           response message i carrying text_output (each is one chunk of
//                             output: TTFT is the first, ITL their gaps), kept as
//                             {"text_output": "..."} for the endpoint's parser;
//   end_ns                    the response flagged triton_final_response, else the end of the
//                             call, or the moment of failure.
// Errors: the call's gRPC status (UNAVAILABLE before any response = ErrorKind::kConnect,
// DEADLINE_EXCEEDED = kTimeout, others kGrpcStatus), or a stream response's error_message
// (kGrpcStatus); error_message reads "<STATUS_NAME>: <details>".
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiperf/kserve/tensors.h"
#include "aiperf/record/request_record.h"
#include "aiperf/transport/event_loop.h"

namespace aiperf::kserve {

struct GrpcOptions {
  std::vector<std::string> urls;  // per --url: [http[s]://]host:port
  Backend backend = Backend::kTensorrtllm;
  bool streaming = false;
  int64_t request_timeout_ns = 21600'000'000'000;  // per request; <= 0: none
  /// Sent with every call as gRPC metadata (names lower-case): -H headers, and
  /// "authorization: Bearer <--api-key>" (what perf_analyzer's -H does for Triton's gRPC).
  std::vector<std::pair<std::string, std::string>> metadata;
};

/// GrpcOptions::metadata from -H headers and --api-key.
std::vector<std::pair<std::string, std::string>> grpc_metadata(
    const std::vector<std::pair<std::string, std::string>>& headers,
    const std::optional<std::string>& api_key);

/// "host:port" of a --url for gRPC (the scheme and any path dropped); https → TLS.
std::string grpc_target(std::string_view url, bool* tls);

/// The canonical name of gRPC status code `code` ("UNAVAILABLE"), "UNKNOWN" when out of range.
const char* status_name(int code);

class GrpcClient {
 public:
  using Done = std::function<void(std::unique_ptr<record::RequestRecord>)>;
  GrpcClient(transport::EventLoop& loop, GrpcOptions opts);
  /// Cancels what is in flight (without callbacks) and joins the client's thread.
  ~GrpcClient();
  GrpcClient(const GrpcClient&) = delete;
  GrpcClient& operator=(const GrpcClient&) = delete;

  /// Loop thread. Starts a call for `body` (see tensors.h) to --url `url_index`. `done` runs
  /// exactly once on the loop thread, never from inside send().
  void send(uint16_t url_index, std::string_view body, std::unique_ptr<record::RequestRecord> rec,
            Done done);
  /// Loop thread. Cancels every call in flight and completes each now with error `why`.
  void abort_all(record::ErrorKind why);
  size_t in_flight() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// Asks the server at `url` whether it is live (ServerLive) and whether `model` is ready
/// (ModelReady), within `timeout_ms`. Returns "" when both hold, else one line saying what
/// failed and what to check.
std::string probe(std::string_view url, std::string_view model, int timeout_ms,
                  const std::vector<std::pair<std::string, std::string>>& metadata = {});

}  // namespace aiperf::kserve
