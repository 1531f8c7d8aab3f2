// Record processing (DESIGN §1 warm path): a RequestRecord (bytes + timestamps from an I/O
// thread) becomes a ProcessedRecord — responses parsed by the endpoint, content responses and
// their timestamps, output / reasoning / input token counts (spec §2.6), server usage (§2.5),
// validity (§2.1) and the exported error (§3.11, §6.5).
//
// Thread-safety: a RecordProcessor is immutable after construction; process() may run on any
// number of threads at once (per-call scratch is thread-local). The Config, Endpoint and
// Tokenizer passed to the constructor must outlive it.
#pragma once
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/endpoint/endpoint.h"
#include "aiperf/record/processed_record.h"
#include "aiperf/record/request_record.h"
#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::record {

/// The rest of what process() needs to know about a request, beyond the raw record.
struct RequestContext {
  /// Earlier turns of the session sent with this request (multi-turn history, incl. assistant
  /// replies), in order; they count towards the input tokens (spec §2.6).
  std::span<const dataset::Turn> history;
  std::string_view x_request_id;      // the X-Request-ID sent (empty: raw.x_request_id)
  std::string_view x_correlation_id;  // the X-Correlation-ID sent (empty: raw's)
  /// When set, receives the assistant reply text (non-reasoning output; the reasoning text when
  /// there is no other output) for the next turn of a multi-turn session.
  std::string* assistant_reply = nullptr;
};

class RecordProcessor {
 public:
  /// `tok` may be null only when the endpoint neither produces tokens nor tokenizes input, or
  /// with --use-server-token-count.
  RecordProcessor(const config::Config& cfg, const endpoint::Endpoint& ep,
                  const tokenizer::Tokenizer* tok);

  /// Secret strings of the run (config::secret_values): scrubbed from error messages and raw
  /// responses, where a server may quote them. Call before the first process().
  void set_secrets(std::vector<std::string> secrets) { secrets_ = std::move(secrets); }

  /// Processes one finished request. `payload_sent` is the exact request body (kept only at
  /// --export-level raw).
  ProcessedRecord process(const RequestRecord& raw, const dataset::Conversation& conv,
                          const dataset::Turn& turn, std::string_view payload_sent) const {
    return process(raw, conv, turn, payload_sent, RequestContext{});
  }
  ProcessedRecord process(const RequestRecord& raw, const dataset::Conversation& conv,
                          const dataset::Turn& turn, std::string_view payload_sent,
                          const RequestContext& ctx) const {
    ProcessedRecord r;
    process(raw, conv, turn, payload_sent, ctx, r);
    return r;
  }
  /// The same into `out` (cleared first, its buffers kept: the pipeline reuses one record).
  void process(const RequestRecord& raw, const dataset::Conversation& conv,
               const dataset::Turn& turn, std::string_view payload_sent, const RequestContext& ctx,
               ProcessedRecord& out) const;

  /// ISL by spec §2.6: tokens of the system message, the user-context message and every text
  /// item of each turn (history, then `turn`), joined by single spaces. Media are not counted;
  /// a raw-messages / raw-payload turn counts only its `texts` (usually none). Uses
  /// turn.input_tokens when the prompt is that single (non-raw) turn's text and the count is
  /// known.
  int64_t count_input_tokens(const dataset::Conversation& conv,
                             std::span<const dataset::Turn> history,
                             const dataset::Turn& turn) const;

 private:
  /// --use-server-token-count, usage without a reasoning count, reasoning in the stream.
  void split_by_stream(int64_t completion, std::string_view output, std::string_view reasoning,
                       ProcessedRecord& r) const;

  const config::Config& cfg_;
  const endpoint::Endpoint& ep_;
  const tokenizer::Tokenizer* tok_;
  bool tokenize_;         // the endpoint produces tokens or tokenizes input
  bool produces_tokens_;  // output is tokenized (not for embeddings, rankings, images, video)
  bool merge_usage_;      // EndpointInfo::merges_usage
  bool server_tc_;        // --use-server-token-count
  bool keep_raw_;         // --export-level raw
  std::vector<std::string> secrets_;
};

/// The exported error for a transport-level failure (spec §3.11; names as AIPerf/aiohttp
/// report them): kStatus → {status, reason phrase, body}; kSseError → {502, "SSEResponseError",
/// message}; kCancelled → {499, "RequestCancellationError", ...}; kTimeout → {null,
/// "TimeoutError", ...}; kConnect → {null, "ClientConnectorError", "Cannot connect to host ..."};
/// `base_url` (the --url used) names the host for kConnect.
/// kRead → "ClientPayloadError" once the response head had arrived (the body was cut), else
/// "ClientOSError" for a socket error (reset) and "ServerDisconnectedError" for a clean close;
/// kWrite → "ClientOSError"; kProtocol → "ClientPayloadError".
ErrorInfo map_transport_error(const RequestRecord& raw, std::string_view base_url = {});

/// An error object received inside a 2xx response (vLLM-style `{"error": {...}}`): code =
/// error.code (else HTTP status), type = error.type (else "ServerError"), message.
ErrorInfo map_response_error(const endpoint::ResponseError& e, int http_status);

/// The standard reason phrase of an HTTP status ("Internal Server Error"), or "HTTP <n>".
std::string http_reason_phrase(int status);

}  // namespace aiperf::record
