// Command line of aiperf-mock-server: every option declared once (name, default, help, env var
// MOCK_SERVER_<OPTION>), grouped as in docs/mock-server.md.
#include <CLI/CLI.hpp>

#include <cstdio>

#include "aiperf/common/error.h"
#include "aiperf/mock/mock_server.h"

namespace aiperf::mock {

namespace {

std::string env_name(const std::string& flag) {
  std::string n = "MOCK_SERVER_";
  for (char c : flag.substr(flag.rfind('-', 1) == 1 ? 2 : 0)) {
    if (c == ',') break;
    n.push_back(c == '-' ? '_' : char(std::toupper(static_cast<unsigned char>(c))));
  }
  return n;
}

// The long name of a CLI11 name list such as "-p,--port".
std::string long_name(const std::string& names) {
  size_t p = names.find("--");
  std::string l = p == std::string::npos ? names : names.substr(p);
  size_t comma = l.find(',');
  return comma == std::string::npos ? l : l.substr(0, comma);
}

template <typename T>
CLI::Option* opt(CLI::App& app, const std::string& names, T& value, const std::string& help,
                 const char* group) {
  return app.add_option(names, value, help)
      ->capture_default_str()
      ->envname(env_name(long_name(names)))
      ->group(group);
}

CLI::Option* flag(CLI::App& app, const std::string& names, bool& value, const std::string& help,
                  const char* group) {
  return app.add_flag(names, value, help)->envname(env_name(long_name(names)))->group(group);
}

}  // namespace

MockOptions parse_options(int argc, char** argv, int* exit_code) {
  MockOptions o;
  CLI::App app{
      "aiperf-mock-server: an OpenAI-compatible mock inference server (docs/mock-server.md)",
      "aiperf-mock-server"};
  app.set_version_flag("--version", "aiperf-mock-server 0.11.0");
  const char* kServer = "Server";
  opt(app, "--host", o.host, "Address to bind", kServer);
  opt(app, "-p,--port", o.port, "Port to bind (0 = a free port)", kServer)
      ->check(CLI::Range(0, 65535));
  opt(app, "--grpc-port", o.grpc_port,
      "Also answer KServe v2 gRPC (Triton's protocol) on this port (0 = a free port, -1 = off)",
      kServer)
      ->check(CLI::Range(-1, 65535));
  opt(app, "-w,--workers", o.workers, "Event-loop threads (0 = one per online core)", kServer)
      ->check(CLI::Range(0, 1024));
  opt(app, "--model-names", o.model_names, "Models listed by /v1/models (any name is served)",
      kServer)
      ->delimiter(',');
  opt(app, "--max-body-bytes", o.max_body_bytes, "Largest request body; larger -> 413", kServer);
  opt(app, "--max-header-bytes", o.max_header_bytes, "Largest request head; larger -> 431",
      kServer);
  flag(app, "-q,--quiet", o.quiet, "Print only the listening line", kServer);

  const char* kLatency = "Latency model";
  flag(app, "-f,--fast", o.fast, "Zero latency (throughput tests)", kLatency);
  opt(app, "-t,--ttft", o.ttft_ms, "Time to first token, ms", kLatency)
      ->check(CLI::Range(0.0, 1e9));
  opt(app, "--itl", o.itl_ms, "Inter-token latency, ms", kLatency)->check(CLI::Range(0.0, 1e9));
  opt(app, "--ttft-per-isl-token-ms", o.ttft_per_isl_token_ms, "Extra TTFT per prompt token, ms",
      kLatency);
  opt(app, "--ttft-concurrency-quad-ms", o.ttft_concurrency_quad_ms,
      "Extra TTFT per in-flight request squared, ms", kLatency);
  opt(app, "--itl-per-osl-token-ms", o.itl_per_osl_token_ms, "Extra ITL per output token, ms",
      kLatency);
  opt(app, "--itl-concurrency-lin-ms", o.itl_concurrency_lin_ms,
      "Extra ITL per in-flight request, ms", kLatency);
  opt(app, "--ttft-jitter-cv", o.ttft_jitter_cv, "CV of a mean-1 log-normal TTFT factor", kLatency)
      ->check(CLI::Range(0.0, 100.0));
  opt(app, "--itl-jitter-cv", o.itl_jitter_cv, "CV of a mean-1 log-normal ITL factor", kLatency)
      ->check(CLI::Range(0.0, 100.0));
  opt(app, "--embedding-base-latency", o.embedding_base_latency_ms, "Embeddings latency, ms",
      kLatency);
  opt(app, "--embedding-per-input-latency", o.embedding_per_input_latency_ms,
      "Embeddings latency per input, ms", kLatency);
  opt(app, "--ranking-base-latency", o.ranking_base_latency_ms, "Rankings latency, ms", kLatency);
  opt(app, "--ranking-per-passage-latency", o.ranking_per_passage_latency_ms,
      "Rankings latency per passage, ms", kLatency);
  opt(app, "--video-generation-ms", o.video_generation_ms,
      "Time from a video job's submission to its completion, ms", kLatency)
      ->check(CLI::Range(0.0, 1e9));
  opt(app, "--random-seed", o.random_seed, "Seed of lengths, jitter and fault selection", kLatency);

  const char* kTokens = "Tokens";
  opt(app, "--tokenizer", o.tokenizer, "Tokenizer counting prompt tokens (builtin = o200k_base)",
      kTokens);
  flag(app, "--no-tokenizer", o.no_tokenizer, "Count whitespace-separated words instead", kTokens);
  flag(app, "--no-completion-tokens-details", o.no_completion_tokens_details,
       "Leave completion_tokens_details (Responses: output_tokens_details) out of usage, as "
       "llama.cpp and others do",
       kTokens);
  opt(app, "--record-requests", o.record_requests,
      "Write one ground-truth JSON line per inference request to this file", kTokens);

  const char* kAccess = "Access and readiness";
  opt(app, "--api-key", o.api_key, "Require 'Authorization: Bearer KEY' (401 otherwise)", kAccess);
  opt(app, "--auth-header-name", o.auth_header_name,
      "Header carrying the key (other than Authorization: the bare key)", kAccess);
  flag(app, "--echo-credentials", o.echo_credentials,
       "The 401 message quotes the credential header received (a leaky server)", kAccess);
  opt(app, "--models-ready-delay-seconds", o.models_ready_delay_s, "503 on /v1/models until then",
      kAccess);
  opt(app, "--inference-ready-delay-seconds", o.inference_ready_delay_s,
      "503 on inference endpoints until then", kAccess);
  flag(app, "--disable-models-endpoint", o.disable_models_endpoint, "/v1/models answers 404",
       kAccess);
  flag(app, "--tls", o.tls, "Serve HTTPS with a self-signed certificate made at start", kAccess);
  opt(app, "--tls-cert", o.tls_cert, "PEM certificate chain (HTTPS)", kAccess)
      ->check(CLI::ExistingFile);
  opt(app, "--tls-key", o.tls_key, "PEM private key (HTTPS)", kAccess)->check(CLI::ExistingFile);

  const char* kFaults = "Faults (rates in %, 'every' selects requests N, 2N, ...)";
  auto pct = CLI::Range(0.0, 100.0);
  opt(app, "--error-rate", o.error.rate_pct, "Answer this % of requests with an error", kFaults)
      ->check(pct);
  opt(app, "--error-every", o.error.every, "Answer every Nth request with an error", kFaults);
  opt(app, "--error-status", o.error_status, "HTTP status of injected errors", kFaults)
      ->check(CLI::Range(400, 599));
  opt(app, "--fault-reset-rate", o.reset.rate_pct, "Reset (TCP RST) this % of streams midway",
      kFaults)
      ->check(pct);
  opt(app, "--fault-reset-every", o.reset.every, "Reset every Nth stream midway", kFaults);
  opt(app, "--fault-reset-after-tokens", o.reset_after_tokens,
      "Tokens sent before the reset (-1 = half)", kFaults);
  opt(app, "--fault-stall-rate", o.stall.rate_pct, "Stall this % of streams midway", kFaults)
      ->check(pct);
  opt(app, "--fault-stall-every", o.stall.every, "Stall every Nth stream midway", kFaults);
  opt(app, "--fault-stall-seconds", o.stall_seconds, "Length of a stall, s", kFaults)
      ->check(CLI::Range(0.0, 86400.0));
  opt(app, "--fault-stall-after-tokens", o.stall_after_tokens,
      "Tokens sent before the stall (-1 = half)", kFaults);
  opt(app, "--fault-malformed-rate", o.malformed.rate_pct,
      "Send one truncated JSON chunk in this % of streams", kFaults)
      ->check(pct);
  opt(app, "--fault-malformed-every", o.malformed.every,
      "Send one truncated JSON chunk in every Nth stream", kFaults);
  std::string line_ending = "lf";
  opt(app, "--sse-line-ending", line_ending, "SSE line ending", kFaults)
      ->check(CLI::IsMember({"lf", "crlf", "cr"}));
  flag(app, "--sse-keepalive-comments", o.sse_keepalive_comments,
       "Send ': keep-alive' comment events before every write", kFaults);
  flag(app, "--sse-no-space", o.sse_no_space, "Write 'data:' without the space", kFaults);
  flag(app, "--sse-multiline-data", o.sse_multiline_data, "Split each JSON over two data: lines",
       kFaults);
  opt(app, "--sse-events-per-write", o.sse_events_per_write, "SSE events per socket write", kFaults)
      ->default_str("1; 16 with --fast")
      ->check(CLI::Range(1, 1 << 20));
  opt(app, "--tokens-per-chunk", o.tokens_per_chunk, "Tokens per SSE chunk", kFaults)
      ->check(CLI::Range(1, 1 << 20));
  opt(app, "--slow-headers-ms", o.slow_headers_ms,
      "Send the status line, then the rest of the head this much later", kFaults)
      ->check(CLI::Range(0.0, 1e9));
  flag(app, "--close-after-response", o.close_after_response,
       "Close after every response while still sending Connection: keep-alive", kFaults);
  opt(app, "--error-body", o.error_body, "Body of injected errors: json, text or empty", kFaults)
      ->check(CLI::IsMember({"json", "text", "empty"}));
  opt(app, "--fault-reset-before-headers-rate", o.reset_before_headers.rate_pct,
      "Reset (TCP RST) this % of requests before any response byte", kFaults)
      ->check(pct);
  opt(app, "--fault-reset-before-headers-every", o.reset_before_headers.every,
      "Reset every Nth request before any response byte", kFaults);
  opt(app, "--fault-error-event-rate", o.error_event.rate_pct,
      "Send an {\"error\": ...} event midway through this % of 200 streams, then end them", kFaults)
      ->check(pct);
  opt(app, "--fault-error-event-every", o.error_event.every,
      "Send an {\"error\": ...} event midway through every Nth 200 stream", kFaults);
  opt(app, "--fault-truncate-rate", o.truncate.rate_pct,
      "Cut this % of chunked streams mid-chunk (close without the final chunk)", kFaults)
      ->check(pct);
  opt(app, "--fault-truncate-every", o.truncate.every, "Cut every Nth chunked stream mid-chunk",
      kFaults);
  flag(app, "--sse-no-done", o.sse_no_done, "End streams without the [DONE] event", kFaults);
  opt(app, "--sse-pad-bytes", o.sse_pad_bytes,
      "Pad the first content event of a stream with this many bytes (one huge SSE line)", kFaults)
      ->check(CLI::Range(size_t(0), size_t(64) << 20));
  const char* kTimeouts = "Timeouts (0 = none)";
  opt(app, "--header-timeout-seconds", o.header_timeout_s,
      "Answer 408 and close when a request is not complete this long after its first byte",
      kTimeouts)
      ->check(CLI::Range(0.0, 86400.0));
  opt(app, "--idle-timeout-seconds", o.idle_timeout_s,
      "Close a connection with no request in progress after this long", kTimeouts)
      ->check(CLI::Range(0.0, 86400.0));

  const char* kMetrics = "Prometheus metrics";
  opt(app, "--metrics-family", o.metrics_family,
      "What /metrics imitates: aiperf, vllm, sglang, trtllm, triton, dynamo, tgi, llamacpp "
      "(each also at /<family>/metrics)",
      kMetrics)
      ->check(CLI::IsMember(
          {"aiperf", "vllm", "sglang", "trtllm", "triton", "dynamo", "tgi", "llamacpp"}));
  opt(app, "--dcgm-gpu-name", o.dcgm_gpu_name,
      "Fake DCGM GPU model: rtx6000, a100, h100, h100-sxm, h200, b200, gb200", kMetrics)
      ->check(CLI::IsMember({"rtx6000", "a100", "h100", "h100-sxm", "h200", "b200", "gb200"}));
  opt(app, "--dcgm-num-gpus", o.dcgm_num_gpus, "Fake GPUs per DCGM exporter", kMetrics)
      ->check(CLI::Range(1, 8));
  opt(app, "--dcgm-min-throughput", o.dcgm_min_throughput,
      "Tokens/s counted as full load at least (the load scales to the peak above it)", kMetrics)
      ->check(CLI::Range(1.0, 1e9));
  opt(app, "--dcgm-window-sec", o.dcgm_window_sec, "Throughput window of the load, s", kMetrics)
      ->check(CLI::Range(0.1, 60.0));
  opt(app, "--dcgm-hostname", o.dcgm_hostname, "Hostname label of the fake GPUs", kMetrics);
  opt(app, "--dcgm-seed", o.dcgm_seed, "Seed of the fake GPUs (-1: --random-seed)", kMetrics);
  app.add_flag("--dcgm-auto-load,!--no-dcgm-auto-load", o.dcgm_auto_load,
               "Load follows the token throughput (off: idle GPUs)")
      ->envname("MOCK_SERVER_DCGM_AUTO_LOAD")
      ->group(kMetrics);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    *exit_code = app.exit(e);
    return MockOptions{};
  } catch (const CLI::CallForVersion& e) {
    *exit_code = app.exit(e);
    return MockOptions{};
  } catch (const CLI::ParseError& e) {
    throw ConfigError(e.what());
  }
  o.sse_line_ending = line_ending == "crlf" ? SseLineEnding::kCrLf
                      : line_ending == "cr" ? SseLineEnding::kCr
                                            : SseLineEnding::kLf;
  if (o.tls_cert.empty() != o.tls_key.empty())
    throw ConfigError("--tls-cert and --tls-key must be given together");
  if (o.model_names.empty()) o.model_names = {"mock-model"};
  return o;
}

}  // namespace aiperf::mock
