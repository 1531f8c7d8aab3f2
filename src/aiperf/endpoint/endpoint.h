// Endpoints: one class per API (chat, completions, ...). An endpoint renders request bodies
// (cold path, before the run: DESIGN §3) and parses response messages (warm path, on the record
// processor threads). Spec §5.1 (URL, headers), §5.3 (content responses), §5.4 (bodies, parsing).
//
// Thread-safety: an Endpoint is immutable after construction; render_body() and parse() may be
// called from many threads at once (parse() keeps its simdjson parser thread-local).
#pragma once
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/record/processed_record.h"

namespace aiperf::endpoint {

/// The version sent in `User-Agent: aiperf/<version>` (the CMake project version).
inline constexpr std::string_view kAiperfVersion = "0.11.0";

/// The anthropic-version header sent to --endpoint-type messages (AIPerf's value).
inline constexpr std::string_view kAnthropicVersion = "2023-06-01";

/// Static facts about an endpoint (spec §5.4 metadata columns).
struct EndpointInfo {
  std::string_view name;            // the --endpoint-type value, e.g. "chat"
  std::string_view endpoint_path;   // e.g. "/v1/chat/completions"; empty = URL used as is
  std::string_view streaming_path;  // used instead of endpoint_path when streaming; empty = same
  bool supports_streaming = true;
  bool produces_tokens = true;
  bool tokenizes_input = true;
  std::string_view metrics_title = "LLM Metrics";
  std::string_view service_kind = "openai";
  // Input media the requests can carry (the metric applicability filter, spec §2.1).
  bool supports_audio = false;
  bool supports_images = false;
  bool supports_videos = false;
  bool produces_video = false;  // video_generation: the video metrics apply
  /// Usage is split over several messages of one response (Anthropic: input_tokens in
  /// message_start, output_tokens in message_delta): keys missing from the last usage are
  /// taken from earlier ones, as AIPerf's messages endpoint folds them.
  bool merges_usage = false;
  /// The request submits a job that the worker then polls until it is done (video_generation,
  /// spec §5.4); see worker/video_job.h.
  bool polls_job = false;
  /// Requests go over KServe v2 gRPC (kserve/grpc_client.h), not HTTP: the worker sends the
  /// rendered body through a GrpcClient.
  bool grpc = false;
};

/// What a response message carried (spec §5.4 parsing; AIPerf's TextResponseData,
/// ReasoningResponseData, ToolCallResponseData). kNone = not a content response.
/// kEmbeddings / kRankings / kImage / kVideo: non-token content (AIPerf's EmbeddingResponseData,
/// RankingsResponseData, ImageResponseData, VideoResponseData): a content response with no text.
enum class DataKind : uint8_t {
  kNone = 0,
  kText,
  kReasoning,
  kToolCall,
  kEmbeddings,
  kRankings,
  kImage,
  kVideo
};

/// A video job's state as a video_generation response reports it (submit and poll bodies).
struct VideoJobInfo {
  std::string id;
  std::string status;  // "queued", "in_progress", "completed", "failed", ...
  std::string url;     // where the finished video can be downloaded, if given
  std::optional<double> inference_time_s;
  std::optional<double> peak_memory_mb;
  std::string error_message;  // error.message (or the error string) of a failed job
};

/// An `{"error": ...}` object found in a response message (vLLM/SGLang/TGI send these with
/// HTTP 200 in the middle of a stream).
struct ResponseError {
  std::optional<int> code;  // error.code or error.http_status_code when numeric
  std::string type;         // error.type (or top-level error_type), may be empty
  std::string message;      // error.message (or the error string itself)
};

/// One parsed response message. Reused across calls: parse() clears it first and string
/// buffers keep their capacity.
struct ParsedResponse {
  DataKind kind = DataKind::kNone;
  /// kText: the text; kReasoning: the answer part (`content`, may be empty); kToolCall: the prose
  /// `content` sent alongside the call (not counted as output, spec §2.6).
  std::string content;
  std::string reasoning;       // kReasoning: reasoning_content / reasoning
  std::string tool_call_text;  // kToolCall: concatenated function.name + function.arguments
  std::string finish_reason;   // choices[0].finish_reason when a non-empty string
  /// kText from a message that repeats text already streamed in deltas (Responses API
  /// `response.output_text.done`): the record processor counts it only when no text delta
  /// came before it in the same response (AIPerf counts it twice, docs/differences.md).
  bool final_text = false;
  size_t items = 0;        // kEmbeddings: vectors; kRankings: entries; kImage: images
  VideoJobInfo video;      // kVideo
  bool has_usage = false;  // a non-empty `usage` object was present (attached even if kNone)
  record::Usage usage;
  bool has_error = false;  // an `error` member was present (the request is failed)
  ResponseError error;
  /// Where the text that made this message kText (`content`) or kReasoning (`reasoning`, with
  /// no `content`) lies in the message, when the message holds it verbatim (a JSON string
  /// without escapes); text_len 0 when unknown. Lets reparse_in_place() read the next chunk
  /// of a stream, which usually differs only inside that string.
  uint32_t text_at = 0;
  uint32_t text_len = 0;

  void clear();
  bool has_data() const { return kind != DataKind::kNone; }
  /// The non-reasoning output counted for OSL: kText → content, kReasoning → content,
  /// kToolCall → tool_call_text (spec §2.6).
  std::string_view output_text() const {
    return kind == DataKind::kToolCall ? std::string_view(tool_call_text)
                                       : std::string_view(content);
  }
  /// True when this message carries non-reasoning output (the TTFO rule, spec §2.5).
  bool has_output() const { return kind != DataKind::kNone && !output_text().empty(); }
};

/// Reads message `msg` of a stream into `p`, which holds the parse of the stream's previous
/// message (`prev_len` bytes), when the two differ only inside the previous message's text
/// string (p.text_at/text_len): `msg` shares its first `shared_prefix` and last `shared_suffix`
/// bytes with the previous message (record::EventPayloads), the bytes between are printable
/// ASCII without `"` or `\`, and the text's kept bytes end and begin on ASCII characters. Then
/// the JSON outside the string is byte for byte the one parsed before and the string is valid
/// UTF-8 without escapes, so a full parse would give `p` with the new text: only the text
/// changes (OpenAI chunks of one stream differ in their few content bytes). False, `p`
/// untouched, otherwise (parse the message instead); also for messages with usage or an error.
bool reparse_in_place(ParsedResponse& p, size_t prev_len, std::string_view msg,
                      size_t shared_prefix, size_t shared_suffix);

/// Everything render_body() needs for one request. Pointers are borrowed for the call only.
struct RenderContext {
  /// Its system_message and user_context_message, if any.
  const dataset::Conversation* conversation = nullptr;
  /// Earlier messages of this session in order, including captured assistant replies
  /// (role "assistant"); empty for a first turn and for conversations that do not accumulate
  /// history (Conversation::accumulate_history false). The current turn is `turn`, not here.
  std::span<const dataset::Turn> history;
  const dataset::Turn* turn = nullptr;  // required
  /// Used when turn->model is empty (the first configured model).
  std::string_view default_model;
  bool streaming = false;
  bool use_legacy_max_tokens = false;
  bool use_server_token_count = false;
  bool warmup = false;  // warmup phase: "warmup" system prefix / prompt prefix (spec §3.1)
  /// --extra-inputs as a JSON object (see parse_extra_inputs); merged last, overriding keys.
  const nlohmann::ordered_json* extra_inputs = nullptr;
};

class Endpoint {
 public:
  virtual ~Endpoint();
  virtual const EndpointInfo& info() const = 0;

  /// The request body, compact JSON, keys in AIPerf's order (spec §5.4). Off the I/O threads,
  /// but once per session when sessions are rendered just in time (the chat endpoint writes
  /// the usual request without a JSON tree for that reason).
  virtual std::string render_body(const RenderContext& ctx) const = 0;

  /// Parses one response message payload (an SSE event's data or a whole non-SSE body) into
  /// `out`. Returns true when `out` holds something (data, usage or error); false for `[DONE]`,
  /// empty payloads, non-JSON and objects of another type (then `out` is cleared).
  /// Warm path: no allocation once `out`'s buffers have grown.
  virtual bool parse(std::string_view payload, ParsedResponse& out) const = 0;

  /// The path appended to the base URL, honouring --endpoint/--custom-endpoint (an empty
  /// string means "no path").
  std::string_view path(const config::Config& cfg) const;

  /// Reads what the endpoint needs from the run configuration beyond the render context
  /// (template: payload_template and response_field from --extra-inputs). Called once by
  /// create(cfg) before any other call. Throws aiperf::ConfigError naming the flag.
  virtual void configure(const config::Config& cfg);
};

// ---- registry (DESIGN §5) ---------------------------------------------------------------------

using EndpointFactory = std::unique_ptr<Endpoint> (*)();

struct EndpointEntry {
  std::string name;  // CLI name (--endpoint-type)
  std::string description;
  EndpointFactory factory;
};

/// All endpoints, built-in ones first (in registration order). Built-ins are listed in
/// registry.cpp, one line each: a table in the same object file as this function, so a static
/// link can never drop an endpoint whose file nothing else references.
const std::vector<EndpointEntry>& registry();
/// Adds an endpoint at run time (plugins, tests). Returns false if the name is taken. Call it
/// before other threads use the registry (registry() returns the table unlocked).
bool register_endpoint(std::string name, std::string description, EndpointFactory factory);
/// nullptr when the name is unknown.
std::unique_ptr<Endpoint> create(std::string_view name);
/// The endpoint for --endpoint-type, not yet configured.
std::unique_ptr<Endpoint> create(config::EndpointType type);
/// The endpoint for cfg.endpoint_type, configured from `cfg` (Endpoint::configure). Throws
/// aiperf::ConfigError on a bad endpoint setting.
std::unique_ptr<Endpoint> create(const config::Config& cfg);

// ---- bodies -----------------------------------------------------------------------------------

/// Parses --extra-inputs JSON text (Config::extra_inputs_json) once per run. Throws
/// aiperf::ConfigError naming --extra-inputs when it is not a JSON object.
std::shared_ptr<const nlohmann::ordered_json> parse_extra_inputs(std::string_view json_text);

/// A RenderContext for `turn` of `conv` from the run configuration (model fallback = first
/// --model, streaming and token flags from cfg).
RenderContext make_render_context(const config::Config& cfg, const dataset::Conversation& conv,
                                  const dataset::Turn& turn,
                                  const nlohmann::ordered_json* extra_inputs,
                                  std::span<const dataset::Turn> history = {}, bool warmup = false);

// ---- URL (spec §5.1) --------------------------------------------------------------------------

/// Joins a base URL and an endpoint path: adds "http://" when the scheme is missing, strips
/// trailing '/' from the base path, does not append a path the base already ends with, drops
/// a duplicate "v1/" when the base ends in "/v1", keeps the base's query and fragment.
/// An empty `path` returns the (normalized) base URL.
std::string join_url(std::string_view base_url, std::string_view path);

/// The request URL for --url number `url_index`.
std::string request_url(const config::Config& cfg, const Endpoint& ep, size_t url_index);

// ---- request headers (spec §5.1) --------------------------------------------------------------

/// Header lines of a request, minus Host and Content-Length (the transport adds those).
/// Rendered once per run; per request only X-Request-ID / X-Correlation-ID are spliced in.
/// Order: User-Agent, X-Request-ID, X-Correlation-ID, -H headers, Authorization, Accept,
/// Content-Type. --endpoint-type messages sends x-api-key instead of Authorization and adds
/// anthropic-version (kAnthropicVersion) unless a -H header gives it. A later header with the same
/// (case-insensitive) name replaces an earlier one in place, as AIPerf's dict merge does; a -H
/// header named X-Request-ID or X-Correlation-ID replaces the per-request value.
class RequestHeaders {
 public:
  RequestHeaders(const config::Config& cfg, std::string_view version = kAiperfVersion);

  /// Appends all header lines ("Name: value\r\n" each) to `out`. Thread-safe (const).
  void append(std::string& out, std::string_view request_id, std::string_view correlation_id) const;

  /// The header lines with secrets redacted (Authorization and credential-like -H headers),
  /// per-request ids shown as given: for raw exports and logs.
  std::string redacted(std::string_view request_id, std::string_view correlation_id) const;

  std::string_view prefix() const { return prefix_; }
  std::string_view suffix() const { return suffix_; }

 private:
  std::string prefix_;  // lines before X-Request-ID
  std::string suffix_;  // lines after X-Correlation-ID
  std::string suffix_redacted_;
  bool emit_request_id_ = true;
  bool emit_correlation_id_ = true;
};

/// Writes a random (version 4, RFC 4122 variant) UUID from 128 caller-supplied random bits into
/// `out` (36 chars, lower-case hex, no terminator). Cheap: no allocation, no global state.
void format_uuid4(uint64_t hi, uint64_t lo, char out[36]);
std::string uuid4(uint64_t hi, uint64_t lo);

}  // namespace aiperf::endpoint
