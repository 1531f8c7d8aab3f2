// RecordProcessor: parse responses, count tokens, decide validity (see processor.h).
#include "aiperf/record/processor.h"

#include "aiperf/common/http_status.h"
#include "aiperf/common/secrets.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include <simdjson.h>

namespace aiperf::record {

namespace {

/// Per-thread scratch: buffers keep their capacity between records, so the steady state does
/// not allocate for parsing or text concatenation.
struct Scratch {
  endpoint::ParsedResponse parsed;
  std::string output;
  std::string reasoning;
  std::string joined_input;
  std::string first_chunk;  // output + reasoning text of the first content response
};

Scratch& scratch() {
  thread_local Scratch s;
  return s;
}

std::string host_port(std::string_view url) {
  size_t p = url.find("://");
  bool https = p != std::string_view::npos && url.substr(0, p) == "https";
  std::string_view rest = p == std::string_view::npos ? url : url.substr(p + 3);
  size_t end = rest.find_first_of("/?#");
  std::string_view hp = end == std::string_view::npos ? rest : rest.substr(0, end);
  std::string out(hp);
  const bool has_port = !hp.empty() && (hp.front() == '[' ? hp.find("]:") != std::string_view::npos
                                                          : hp.find(':') != std::string_view::npos);
  if (!has_port && !hp.empty()) out += https ? ":443" : ":80";
  return out;
}

ErrorInfo invalid_result(std::string_view note) {
  ErrorInfo e;
  e.type = "InvalidInferenceResultError";
  e.message = "Invalid inference result: ";
  e.message += note;
  return e;
}

bool is_malformed_message(std::string_view payload) {
  while (!payload.empty() && std::isspace(static_cast<unsigned char>(payload.front())))
    payload.remove_prefix(1);
  while (!payload.empty() && std::isspace(static_cast<unsigned char>(payload.back())))
    payload.remove_suffix(1);
  if (payload.empty() || payload == "[DONE]") return false;
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  return parser.parse(payload.data(), payload.size()).get(doc) != simdjson::SUCCESS;
}

/// Usage split over several messages (EndpointInfo::merges_usage): what the last one lacks is
/// taken from an earlier one, as AIPerf folds earlier usage keys into the final dict.
void fill_missing(Usage& last, const Usage& earlier) {
  auto fill = [](auto& a, const auto& b) {
    if (!a && b) a = b;
  };
  fill(last.prompt_tokens, earlier.prompt_tokens);
  fill(last.completion_tokens, earlier.completion_tokens);
  fill(last.total_tokens, earlier.total_tokens);
  fill(last.reasoning_tokens, earlier.reasoning_tokens);
  fill(last.prompt_cache_read_tokens, earlier.prompt_cache_read_tokens);
  fill(last.prompt_cache_write_tokens, earlier.prompt_cache_write_tokens);
  fill(last.prompt_cache_miss_tokens, earlier.prompt_cache_miss_tokens);
  fill(last.prompt_audio_tokens, earlier.prompt_audio_tokens);
  fill(last.completion_audio_tokens, earlier.completion_audio_tokens);
  fill(last.accepted_prediction_tokens, earlier.accepted_prediction_tokens);
  fill(last.rejected_prediction_tokens, earlier.rejected_prediction_tokens);
  fill(last.tool_use_prompt_tokens, earlier.tool_use_prompt_tokens);
  fill(last.prompt_audio_seconds, earlier.prompt_audio_seconds);
}

ErrorInfo malformed_message_error(std::string_view payload) {
  ErrorInfo e;
  e.kind = ErrorKind::kProtocol;
  e.type = "InvalidResponseError";
  constexpr size_t kShown = 120;
  e.message = "a response message is not valid JSON: " + std::string(payload.substr(0, kShown)) +
              (payload.size() > kShown ? "..." : "");
  return e;
}

}  // namespace

std::string http_reason_phrase(int status) {
  std::string_view p = http_status_phrase(status);
  return p.empty() ? "HTTP " + std::to_string(status) : std::string(p);
}

ErrorInfo map_transport_error(const RequestRecord& raw, std::string_view base_url) {
  ErrorInfo e;
  e.kind = raw.error;
  const std::string& msg = raw.error_message;
  auto or_default = [&msg](const char* d) { return msg.empty() ? std::string(d) : msg; };
  switch (raw.error) {
    case ErrorKind::kNone:
      break;
    case ErrorKind::kStatus:
      e.code = raw.http_status;
      e.type = http_reason_phrase(raw.http_status);
      e.message = msg;
      break;
    case ErrorKind::kSseError:
      e.code = 502;
      e.type = "SSEResponseError";
      e.message = msg;
      break;
    case ErrorKind::kCancelled:
    case ErrorKind::kRequestCancelled:
      e.code = 499;
      e.type = "RequestCancellationError";
      e.message = or_default("Request was cancelled");
      break;
    case ErrorKind::kTimeout:
      e.type = "TimeoutError";
      e.message = or_default("Request timed out");
      break;
    case ErrorKind::kConnect:
      e.type = "ClientConnectorError";
      e.message = "Cannot connect to host ";
      e.message += base_url.empty() ? std::string("?") : host_port(base_url);
      e.message += " ssl:default";
      if (!msg.empty()) e.message += " [" + msg + "]";
      break;
    case ErrorKind::kRead:
      // As aiohttp tells them apart: the connection lost while the body was being read (the
      // head had arrived) fails the body: ClientPayloadError; before any response, a socket
      // error is ClientOSError and a clean close ServerDisconnectedError. The transport's
      // socket errors read "read failed: <strerror> ...".
      if (raw.ack_ns > 0 || raw.http_status > 0) {
        e.type = "ClientPayloadError";
        e.message = "Response payload is not completed" + (msg.empty() ? "" : ": " + msg);
      } else if (msg.rfind("read failed:", 0) == 0) {
        e.type = "ClientOSError";
        e.message = msg;
      } else {
        e.type = "ServerDisconnectedError";
        e.message = or_default("Server disconnected");
      }
      break;
    case ErrorKind::kWrite:
      e.type = "ClientOSError";
      e.message = or_default("Failed to send the request");
      break;
    case ErrorKind::kProtocol:
      e.type = "ClientPayloadError";
      e.message = or_default("Response payload is not completed");
      break;
    case ErrorKind::kGrpcStatus: {
      // "<STATUS_NAME>: details" (kserve/grpc_client.h): the status name is the type, its number
      // the code, as gRPC clients report them.
      const std::string_view name = std::string_view(msg).substr(0, msg.find(':'));
      e.type = "GrpcError";
      if (const int code = grpc_status_code(name); code >= 0) {
        e.code = code;
        e.type = "Grpc" + std::string(name);
      }
      e.message = or_default("gRPC call failed");
      break;
    }
    case ErrorKind::kJob:
      // AIPerf's video pipeline: VideoGenerationError / VideoDownloadError, code 500 unless
      // the failing request had a status (the message names the step).
      e.code = raw.http_status >= 400 ? raw.http_status : 500;
      e.type =
          msg.rfind("Failed to download", 0) == 0 ? "VideoDownloadError" : "VideoGenerationError";
      e.message = or_default("Video generation failed");
      break;
  }
  return e;
}

ErrorInfo map_response_error(const endpoint::ResponseError& re, int http_status) {
  ErrorInfo e;
  e.kind = ErrorKind::kNone;
  e.code = re.code ? re.code : (http_status ? std::optional<int>(http_status) : std::nullopt);
  e.type = re.type.empty() ? std::string("ServerError") : re.type;
  e.message = re.message;
  return e;
}

RecordProcessor::RecordProcessor(const config::Config& cfg, const endpoint::Endpoint& ep,
                                 const tokenizer::Tokenizer* tok)
    : cfg_(cfg),
      ep_(ep),
      tok_(tok),
      tokenize_(ep.info().produces_tokens || ep.info().tokenizes_input),
      produces_tokens_(ep.info().produces_tokens),
      merge_usage_(ep.info().merges_usage),
      server_tc_(cfg.use_server_token_count),
      keep_raw_(cfg.export_level == config::ExportLevel::kRaw) {}

int64_t RecordProcessor::count_input_tokens(const dataset::Conversation& conv,
                                            std::span<const dataset::Turn> history,
                                            const dataset::Turn& turn) const {
  const bool has_sys = conv.system_message && !conv.system_message->empty();
  const bool has_ctx = conv.user_context_message && !conv.user_context_message->empty();
  // Raw messages / a raw payload: `text` is the text AIPerf tokenizes from the body it sends
  // (its extract_payload_inputs), set by the dataset loader; empty when there is none.
  auto is_raw = [](const dataset::Turn& t) {
    return !t.messages_json.empty() || !t.payload_json.empty();
  };
  if (!has_sys && !has_ctx && history.empty() && turn.input_tokens > 0) return turn.input_tokens;
  if (!tok_) return 0;
  std::string& j = scratch().joined_input;
  j.clear();
  bool any = false;
  auto add = [&j, &any](std::string_view text) {
    if (any) j += ' ';
    j += text;
    any = true;
  };
  if (has_sys) add(*conv.system_message);
  if (has_ctx) add(*conv.user_context_message);
  auto add_turn = [&](const dataset::Turn& t) {
    if (!t.texts.empty()) {
      for (const std::string& text : t.texts) add(text);
    } else if (is_raw(t)) {
      if (!t.text.empty()) add(t.text);
    } else if (!(t.text.empty() && !t.media.empty())) {
      add(t.text);  // one text item (a media-only turn has none)
    }
  };
  for (const dataset::Turn& t : history) add_turn(t);
  add_turn(turn);
  return static_cast<int64_t>(tok_->count(j));
}

void RecordProcessor::split_by_stream(int64_t completion, std::string_view output,
                                      std::string_view reasoning, ProcessedRecord& r) const {
  // The server counted every completion token but did not say how many were reasoning
  // (llama.cpp and others: no completion_tokens_details), while the stream showed reasoning
  // text: share its total in proportion to the two texts' token counts (bytes without a
  // tokenizer), so that reasoning is not reported as output.
  const double rt = tok_ ? double(tok_->count(reasoning)) : double(reasoning.size());
  const double ot = tok_ ? double(tok_->count(output)) : double(output.size());
  const int64_t total = completion < 0 ? 0 : completion;
  int64_t reasoning_tokens =
      rt + ot > 0 ? int64_t(std::llround(double(total) * rt / (rt + ot))) : total;
  reasoning_tokens = std::clamp<int64_t>(reasoning_tokens, 0, total);
  r.reasoning_tokens = reasoning_tokens;
  r.output_tokens = total - reasoning_tokens;
  r.token_split = ProcessedRecord::TokenSplit::kStream;
}

void RecordProcessor::process(const RequestRecord& raw, const dataset::Conversation& conv,
                              const dataset::Turn& turn, std::string_view payload_sent,
                              const RequestContext& ctx, ProcessedRecord& r) const {
  r.clear();
  r.credit_index = raw.credit_index;
  r.phase = raw.phase;
  r.conversation_index = raw.conversation_index;
  r.turn_index = raw.turn_index;
  r.worker_id = raw.worker_id;
  r.x_request_id = ctx.x_request_id.empty() ? std::string_view(raw.x_request_id) : ctx.x_request_id;
  r.x_correlation_id =
      ctx.x_correlation_id.empty() ? std::string_view(raw.x_correlation_id) : ctx.x_correlation_id;
  r.conversation_id = conv.session_id;
  r.scheduled_ns = raw.scheduled_ns;
  r.credit_ns = raw.credit_ns;
  r.start_ns = raw.start_ns;
  r.ack_ns = raw.ack_ns;
  r.end_ns = raw.end_ns;
  r.start_wall_ns = raw.start_wall_ns;
  r.http_status = raw.http_status;
  r.sent_ns = raw.sent_ns;
  r.connection_reused = raw.connection_reused;
  r.bytes_sent = raw.bytes_sent;
  r.bytes_received = raw.bytes_received;
  r.trace = raw.trace;
  r.cancel_ns = raw.cancel_ns;
  if (turn.max_tokens) r.requested_osl = *turn.max_tokens;
  auto images_of = [](const dataset::Turn& t) {
    int64_t n = 0;
    for (const auto& m : t.media) n += m.kind == dataset::MediaItem::Kind::kImage ? 1 : 0;
    return n;
  };
  r.num_images = images_of(turn);
  for (const dataset::Turn& t : ctx.history) r.num_images += images_of(t);
  if (keep_raw_) {
    r.payload.assign(payload_sent);
    r.raw_responses.reserve(raw.events.size());
  }

  Scratch& s = scratch();
  s.output.clear();
  s.reasoning.clear();
  s.first_chunk.clear();
  std::optional<int64_t> usage_before_first;  // completion tokens reported before any content
  std::optional<int64_t> first_chunk_usage;   // ... and with the first content response
  if (ctx.assistant_reply) ctx.assistant_reply->clear();

  std::optional<ErrorInfo> error;
  if (raw.error != ErrorKind::kNone) {
    const std::string& url =
        cfg_.urls.empty() ? std::string() : cfg_.urls[raw.url_index % cfg_.urls.size()];
    error = map_transport_error(raw, url);
  }

  const bool parse = !error.has_value();
  if (parse) r.content_ts.reserve(raw.events.size());
  EventPayloads payloads(raw);
  // s.parsed holds the parse of the previous message (prev_len bytes): the next one, usually
  // the same chunk with other text, is read from it when it can be (reparse_in_place).
  bool have_prev = false;
  size_t prev_len = 0;
  for (const ResponseEvent& ev : raw.events) {
    std::string_view payload = payloads.next();
    if (keep_raw_) r.raw_responses.emplace_back(ev.ts_ns, std::string(payload));
    if (!parse) continue;
    const bool had_prev = std::exchange(have_prev, false);
    if (ev.is_error_event) {
      // `event: error` not already turned into a transport error: same mapping (spec §5.2).
      if (!error) {
        ErrorInfo e;
        e.kind = ErrorKind::kSseError;
        e.code = 502;
        e.type = "SSEResponseError";
        e.message = raw.error_message.empty() ? std::string(payload) : raw.error_message;
        error = std::move(e);
      }
      continue;
    }
    endpoint::ParsedResponse& p = s.parsed;
    const bool reread =
        had_prev && endpoint::reparse_in_place(p, prev_len, payload, payloads.shared_prefix(),
                                               payloads.shared_suffix());
    if (!reread && !ep_.parse(payload, p)) {
      // Nothing for [DONE], empty data and well-formed objects of another type (spec §5.2); but
      // a message that is not JSON at all would silently lose tokens, so it fails the request.
      if (!error && is_malformed_message(payload)) error = malformed_message_error(payload);
      continue;
    }
    have_prev = true;
    prev_len = payload.size();
    if (p.has_error && !error) error = map_response_error(p.error, raw.http_status);
    if (p.has_usage) {  // the last non-empty usage wins
      if (merge_usage_ && r.usage) fill_missing(p.usage, *r.usage);
      r.usage = p.usage;
    }
    if (!p.has_data()) {
      if (p.has_usage && r.content_ts.empty()) usage_before_first = p.usage.completion_tokens;
      continue;
    }
    // A message repeating text already streamed (Responses API output_text.done) is not a
    // content response of its own; it counts only when no delta brought the text.
    if (p.final_text && !s.output.empty()) continue;
    if (p.kind == endpoint::DataKind::kVideo) {
      // The first job message that reports them, as AIPerf's video metrics read them.
      if (!r.video_inference_time_s) r.video_inference_time_s = p.video.inference_time_s;
      if (!r.video_peak_memory_mb) r.video_peak_memory_mb = p.video.peak_memory_mb;
    }
    if (r.content_ts.empty()) {
      // Per-token ITL needs the first chunk's token count: a usage delta when the server sends
      // usage with every chunk, else the tokenizer on its text (below).
      if (p.has_usage && p.usage.completion_tokens) {
        first_chunk_usage = *p.usage.completion_tokens - usage_before_first.value_or(0);
      }
      s.first_chunk.assign(p.output_text());
      if (p.kind == endpoint::DataKind::kReasoning) s.first_chunk.append(p.reasoning);
    }
    r.content_ts.push_back(ev.ts_ns);
    std::string_view out = p.output_text();
    if (!out.empty() && r.first_output_ts == 0) r.first_output_ts = ev.ts_ns;
    s.output.append(out);
    if (p.kind == endpoint::DataKind::kReasoning) s.reasoning.append(p.reasoning);
  }

  // Validity (spec §2.1): content, 0 <= start < end, content timestamps within [start, end].
  if (!error) {
    if (r.content_ts.empty()) {
      error = invalid_result("no responses with actual content were received");
    } else if (raw.start_ns < 0 || raw.start_ns >= raw.end_ns) {
      error = invalid_result("request start is not before its end");
    } else if (r.content_ts.front() < raw.start_ns || r.content_ts.back() > raw.end_ns) {
      error = invalid_result("response timestamps are outside the request's time range");
    }
  }

  // Token counts (spec §2.6).
  if (server_tc_) {
    if (r.usage) {
      r.input_tokens = r.usage->prompt_tokens;
      if (!error) {
        r.reasoning_tokens = r.usage->reasoning_tokens;
        if (r.usage->completion_tokens && !r.usage->reasoning_tokens && !s.reasoning.empty()) {
          split_by_stream(*r.usage->completion_tokens, s.output, s.reasoning, r);
        } else if (r.usage->completion_tokens) {
          int64_t out = *r.usage->completion_tokens - r.usage->reasoning_tokens.value_or(0);
          r.output_tokens = out < 0 ? 0 : out;
        }
      }
    }
  } else if (tokenize_ && tok_) {
    r.input_tokens = count_input_tokens(conv, ctx.history, turn);
    if (!error && produces_tokens_) {
      r.output_tokens = static_cast<int64_t>(tok_->count(s.output));
      if (!s.reasoning.empty()) r.reasoning_tokens = static_cast<int64_t>(tok_->count(s.reasoning));
    }
  }

  // Tokens of the first chunk, for per-token ITL (needs >= 2 chunks): its usage delta, else
  // the tokenizer (not with --use-server-token-count, which never tokenizes).
  if (!error && r.content_ts.size() >= 2) {
    if (first_chunk_usage) {
      r.first_chunk_tokens = first_chunk_usage;
    } else if (tok_ && produces_tokens_ && !server_tc_) {
      r.first_chunk_tokens = static_cast<int64_t>(tok_->count(s.first_chunk));
    }
  }

  if (ctx.assistant_reply && !error)
    ctx.assistant_reply->assign(s.output.empty() ? s.reasoning : s.output);
  if (!secrets_.empty()) {
    // A server may quote the credential it got ("Incorrect API key provided: sk-...").
    if (error) scrub_secrets(error->message, secrets_);
    for (auto& [ts, text] : r.raw_responses) scrub_secrets(text, secrets_);
  }
  r.error = std::move(error);
}

}  // namespace aiperf::record
