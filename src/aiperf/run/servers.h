// The run's servers before the benchmark starts (spec §1.3 Endpoint, §5.1, §5.5): how
// connections are reused, and the readiness probe of --wait-for-model-timeout that polls every
// --url until the model answers. Private to the run stage; cold path.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/transport/http_client.h"

namespace aiperf::run {

transport::ReusePolicy transport_reuse(config::ConnectionReuse c);

/// One readiness request and its answer, as the probe needs it.
struct ProbeAnswer {
  int status = 0;     // HTTP status; 0 = no answer (see error)
  std::string body;   // response body (2xx) or error body
  std::string error;  // why there was no answer (connect refused, timeout, ...)
};

/// Sends one request and waits for the answer (at most `timeout_ns`). Injectable for tests.
using ProbeSender = std::function<ProbeAnswer(
    const transport::Url& url, std::string_view method, const std::string& target,
    const std::string& header_lines, const std::string& body, int64_t timeout_ns)>;

/// A ProbeSender on this thread's own event loop and HTTP client (TLS per cfg.tls_insecure).
ProbeSender http_probe_sender(const config::Config& cfg);

struct ReadinessOptions {
  const config::Config* cfg = nullptr;
  std::vector<transport::Url> urls;  // parsed --url values, in order
  std::string inference_path;        // the endpoint's non-streaming path for the one-token probe
  std::string header_lines;          // "Name: value\r\n" lines: --header, Authorization
  ProbeSender send;
  /// Called once, the first time a probe is not ready yet (the CLI prints that it waits).
  std::function<void(const std::string& what)> on_waiting;
};

/// Blocks until every (URL, model) pair passes the probe of --wait-for-model-mode, as AIPerf
/// does: `models` polls GET <url>/v1/models until the model id is listed (a 404 there accepts a
/// 2xx from the base URL); `inference` posts a one-token request until the status is below 500;
/// `both` runs models, then inference. Attempts are --wait-for-model-interval apart and each
/// (URL, model) probe gets --wait-for-model-timeout. Throws std::runtime_error with one line
/// naming the URL, the model, the attempts and the last answer when a probe times out.
void wait_for_model(const ReadinessOptions& opts);

/// The canned one-token body of the inference probe for an endpoint type name (AIPerf's: chat,
/// completions and embeddings have their own; others get the chat body).
std::string readiness_body(std::string_view endpoint_type, const std::string& model);

}  // namespace aiperf::run
