// aiperf-mock-server: an inference server that answers OpenAI chat, completions, responses,
// embeddings, images and videos, Anthropic messages, TGI generate, NIM / Cohere / TEI rankings,
// models, health and Prometheus metrics with a configurable latency model, injects faults on
// request, and logs ground truth (what it sent and when) for the client's tests (spec §10.1,
// docs/mock-server.md). One epoll event loop per worker thread; tokens are released on absolute
// per-connection timer deadlines, never by sleeping threads.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace aiperf::mock {

/// A fault selector: a percentage of requests (seeded, deterministic) and/or every Nth request
/// (1-based: N, 2N, ...). Either one selects; both zero means off.
struct FaultSelector {
  double rate_pct = 0.0;
  uint64_t every = 0;
  bool enabled() const { return rate_pct > 0.0 || every > 0; }
};

enum class SseLineEnding { kLf, kCrLf, kCr };

/// SSE events per socket write under --fast unless --sse-events-per-write says otherwise.
inline constexpr int kFastEventsPerWrite = 16;

/// Every option of the command line (docs/mock-server.md lists them with defaults). Units are in
/// the names. Immutable once the server starts.
struct MockOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0 = pick a free port (see MockServer::port())
  /// KServe v2 gRPC (Triton's protocol) on this port as well; -1 = off, 0 = a free port.
  int grpc_port = -1;
  int workers = 0;  // event-loop threads; 0 = number of online cores
  std::vector<std::string> model_names = {"mock-model"};

  // Latency model (spec §10.1). --fast zeroes every latency.
  bool fast = false;
  double ttft_ms = 20.0;
  double itl_ms = 5.0;
  double ttft_per_isl_token_ms = 0.0;
  double ttft_concurrency_quad_ms = 0.0;
  double itl_per_osl_token_ms = 0.0;
  double itl_concurrency_lin_ms = 0.0;
  double ttft_jitter_cv = 0.0;
  double itl_jitter_cv = 0.0;
  double embedding_base_latency_ms = 10.0;
  double embedding_per_input_latency_ms = 2.0;  // per input
  double ranking_base_latency_ms = 10.0;
  double ranking_per_passage_latency_ms = 1.0;
  double video_generation_ms = 300.0;         // a video job's time to completion
  bool no_completion_tokens_details = false;  // usage without *_tokens_details (llama.cpp)
  uint64_t random_seed = 0;

  // Tokens.
  std::string tokenizer = "builtin";
  bool no_tokenizer = false;  // count whitespace-separated words instead

  // Ground truth.
  std::string record_requests;  // JSONL path; empty = off

  // Access and readiness.
  std::string api_key;
  std::string auth_header_name = "Authorization";
  bool echo_credentials = false;  // the 401 message quotes the credential header received
  double models_ready_delay_s = 0.0;
  double inference_ready_delay_s = 0.0;
  bool disable_models_endpoint = false;
  size_t max_body_bytes = 64u << 20;
  size_t max_header_bytes = 64u << 10;

  // Faults.
  FaultSelector error;
  int error_status = 500;
  FaultSelector reset;
  int64_t reset_after_tokens = -1;  // -1 = half of the output
  FaultSelector stall;
  double stall_seconds = 5.0;
  int64_t stall_after_tokens = -1;  // -1 = half of the output
  FaultSelector malformed;
  SseLineEnding sse_line_ending = SseLineEnding::kLf;
  bool sse_keepalive_comments = false;
  bool sse_no_space = false;
  bool sse_multiline_data = false;
  /// Events per socket write; 0: 1, or kFastEventsPerWrite under --fast (every token is due at
  /// once, and a write per event costs the server ~7 us here, most of it waking the reader).
  int sse_events_per_write = 0;
  int tokens_per_chunk = 1;
  double slow_headers_ms = 0.0;
  bool close_after_response = false;
  // More faults for the client's fault matrix (docs/reliability.md).
  std::string error_body = "json";     // injected errors' body: json | text | empty
  FaultSelector reset_before_headers;  // RST right after the request, before any response byte
  FaultSelector error_event;           // an {"error": ...} event mid-stream in a 200 stream
  FaultSelector truncate;              // the chunked stream cut mid-chunk (FIN)
  bool sse_no_done = false;            // end streams without the [DONE] event
  size_t sse_pad_bytes = 0;            // the first content event carries this much padding

  // Timeouts: a client that does not finish its request, or keeps a connection idle, is closed
  // (0 = never).
  double header_timeout_s = 10.0;  // from a request's first byte to its last (then 408)
  double idle_timeout_s = 60.0;    // no request in progress (keep-alive, or never sent one)

  // TLS.
  bool tls = false;  // self-signed certificate generated at start unless cert/key are given
  std::string tls_cert;
  std::string tls_key;

  // Prometheus metrics (docs/mock-server.md): which server /metrics imitates, and the fake
  // DCGM exporters at /dcgm1/metrics and /dcgm2/metrics.
  std::string metrics_family = "aiperf";  // aiperf, vllm, sglang, trtllm, triton, dynamo, ...
  std::string dcgm_gpu_name = "h200";
  int dcgm_num_gpus = 2;
  double dcgm_min_throughput = 100;
  double dcgm_window_sec = 1.0;
  std::string dcgm_hostname = "localhost";
  int64_t dcgm_seed = -1;  // -1: --random-seed
  bool dcgm_auto_load = true;

  bool quiet = false;  // no per-start log lines beyond "listening on ..."
};

/// Parse argv (options also read from MOCK_SERVER_<OPTION> environment variables). Throws
/// aiperf::ConfigError naming the flag on a bad value. `exit_code` is set (and the function
/// returns default options) when --help or --version was handled.
MockOptions parse_options(int argc, char** argv, int* exit_code);

class MockServer {
 public:
  /// Validates options, loads the tokenizer, prepares TLS. Throws std::runtime_error.
  explicit MockServer(MockOptions opts);
  ~MockServer();
  MockServer(const MockServer&) = delete;
  MockServer& operator=(const MockServer&) = delete;

  /// Bind the listening sockets and start the worker threads. Throws on bind failure.
  void start();
  /// The bound port (after start()).
  int port() const;
  /// The gRPC port (after start()); -1 when --grpc-port is off.
  int grpc_port() const;
  /// "http://host:port" or "https://host:port".
  std::string url() const;
  /// Stop the workers, join them, flush the record file. Idempotent; called by the destructor.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The program: parse options, start, print "listening on URL", wait for SIGINT/SIGTERM, stop.
int main(int argc, char** argv);

}  // namespace aiperf::mock
