// The mock's KServe v2 gRPC side (--grpc-port; docs/mock-server.md): Triton's
// GRPCInferenceService as the TensorRT-LLM and vLLM backends answer it (ServerLive, ModelReady,
// ModelInfer, ModelStreamInfer; text_output per response, an empty final response flagged
// triton_final_response when asked), with the HTTP side's latency model, faults and
// ground-truth log. gRPC's own server threads run it, beside the HTTP event loops.
#pragma once
#include <memory>
#include <string>

namespace aiperf::mock {

struct ServerContext;

class GrpcServer {
 public:
  /// Listens on host:port (0 = a free port). Throws std::runtime_error when it cannot.
  GrpcServer(ServerContext& ctx, const std::string& host, int port);
  ~GrpcServer();
  GrpcServer(const GrpcServer&) = delete;
  GrpcServer& operator=(const GrpcServer&) = delete;
  int port() const;
  /// Ends every call and joins gRPC's threads. Idempotent.
  void stop();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace aiperf::mock
