// The wire shapes of the token APIs the mock streams: OpenAI chat and completions chunks, the
// OpenAI Responses API's typed events, Anthropic's message events and TGI's token events, plus
// each one's non-streaming body. The generation loop (inference.cpp) decides what and when; the
// functions here only append bytes (one call per token event is the server's hot path).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/mock/response_format.h"

namespace aiperf::mock {

/// kImages: OpenAI image generation; each "token" is one image (streamed: the partial images,
/// then the completed one).
enum class WireFormat : uint8_t {
  kChat,
  kCompletions,
  kResponses,
  kMessages,
  kTgi,
  kImages,
  kTritonGenerate
};

/// Per-request state the writers read (and the Responses API's sequence numbers, which they
/// advance).
struct StreamState {
  WireFormat format = WireFormat::kChat;
  ChunkIdentity ident;
  UsageCounts usage;
  int64_t total = 0;         // tokens of the answer (reasoning first, then content)
  int64_t reasoning = 0;     // how many of them are reasoning
  bool length_stop = false;  // stopped at the token limit (finish "length", "max_tokens", ...)
  int64_t sequence = 0;      // Responses API sequence_number of the next event
  bool no_done = false;      // --sse-no-done: chat/completions streams end without [DONE]
  size_t pad_bytes = 0;      // --sse-pad-bytes: the first chat/completions chunk's padding
};

/// Events sent right after the response head, before the first token (Responses:
/// response.created, response.in_progress and the first output item; Anthropic: message_start,
/// the first content block and a ping). Nothing for chat, completions and TGI.
void append_prelude(std::string* sse, const SseFramer& f, StreamState& s);

/// One token event carrying `text`, the tokens [first, end) of the answer. `full_content` is
/// the whole content text; TGI's last event repeats it as generated_text (others ignore it).
/// `running`: chat/completions put this running usage in the chunk (vLLM's
/// continuous_usage_stats); null for none.
void append_token_event(std::string* sse, const SseFramer& f, StreamState& s, int64_t first,
                        int64_t end, std::string_view text, std::string_view full_content,
                        const UsageCounts* running = nullptr);

/// Events between the last reasoning token and the first content token (Responses: the
/// reasoning item done, the message item added; Anthropic: the thinking block's signature and
/// stop, the text block's start). `full_reasoning` is the whole reasoning text.
void append_transition(std::string* sse, const SseFramer& f, StreamState& s,
                       std::string_view full_reasoning);

/// Events after the last token: chat/completions the include_usage chunk (when asked) and
/// [DONE]; Responses the done events and response.completed (or response.incomplete at the
/// token limit) with usage; Anthropic the block stop, message_delta with usage, message_stop.
void append_final(std::string* sse, const SseFramer& f, StreamState& s, bool include_usage,
                  std::string_view full_content, std::string_view full_reasoning);

/// True when the stream's final events need the whole content / reasoning text.
bool final_needs_text(WireFormat f);

/// The non-streaming body of the answer.
std::string full_body(const StreamState& s, std::string_view content, std::string_view reasoning);

/// The finish reason in the API's words: chat/completions "length"/"stop", Anthropic
/// "max_tokens"/"end_turn", TGI "length"/"eos_token".
std::string_view stop_reason(const StreamState& s);

}  // namespace aiperf::mock
