// Response bytes of the OpenAI APIs: SSE chunk JSON, final usage, non-streaming bodies, errors,
// and the SSE framing variants (line ending, "data:" spacing, multi-line data). Hand-written
// appends into a caller-owned buffer: this is the server's hot path (one call per token).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/mock/mock_server.h"

namespace aiperf::mock {

/// Per-request constant parts of every chunk.
struct ChunkIdentity {
  bool chat = true;        // chat.completion.chunk vs text_completion
  std::string id;          // "chatcmpl-..." / "cmpl-..."
  std::string model_json;  // the model name as a JSON string literal, quotes included
  int64_t created_s = 0;
};

struct UsageCounts {
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;  // content + reasoning
  int64_t reasoning_tokens = 0;
  int64_t cached_tokens = 0;
  /// completion_tokens_details / output_tokens_details are sent (off with
  /// --no-completion-tokens-details: llama.cpp and others never send them).
  bool details = true;
};

/// JSON string literal of `s` (quotes included, control characters escaped).
std::string json_quote(std::string_view s);
void append_json_quoted(std::string* out, std::string_view s);

/// One token chunk's JSON. `role` puts "role":"assistant" in the delta (chat only); `reasoning`
/// sends `text` as delta.reasoning_content; `finish_reason` empty = null. `usage` (vLLM's
/// stream_options.continuous_usage_stats): the running usage, appended to the chunk.
void append_chunk_json(std::string* out, const ChunkIdentity& id, std::string_view text, bool role,
                       bool reasoning, std::string_view finish_reason,
                       const UsageCounts* usage = nullptr);
/// The include_usage chunk: empty choices plus usage.
void append_usage_chunk_json(std::string* out, const ChunkIdentity& id, const UsageCounts& u);
void append_usage_json(std::string* out, const UsageCounts& u);

/// Frames one SSE event around `data` per the style options.
class SseFramer {
 public:
  explicit SseFramer(const MockOptions& o);
  void append_event(std::string* out, std::string_view data) const;
  /// An event with an `event:` line first (Responses API, Anthropic, errors).
  void append_named_event(std::string* out, std::string_view event, std::string_view data) const;
  void append_comment(std::string* out, std::string_view text) const;

 private:
  std::string_view eol_;
  bool no_space_;
  bool multiline_;
};

/// Non-streaming bodies.
std::string chat_completion_body(const ChunkIdentity& id, std::string_view content,
                                 std::string_view reasoning, std::string_view finish_reason,
                                 const UsageCounts& u);
std::string text_completion_body(const ChunkIdentity& id, std::string_view text,
                                 std::string_view finish_reason, const UsageCounts& u);
/// OpenAI-style error: {"error":{"message":...,"type":...,"param":null,"code":status}}.
std::string error_body(int status, std::string_view message, std::string_view type);
std::string_view status_reason(int status);

}  // namespace aiperf::mock
