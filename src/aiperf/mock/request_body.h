// Parsing of OpenAI request bodies (chat, completions, embeddings) with simdjson on-demand.
// Only the fields the mock acts on are read; unknown fields are ignored.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aiperf::mock {

enum class ApiKind { kChat, kCompletions, kEmbeddings };

struct InferenceRequest {
  std::string model;
  std::string prompt_text;        // chat: message texts joined by one space (spec §2.6)
  int64_t prompt_token_ids = -1;  // completions with token-id prompts: their count, else -1
  bool stream = false;
  bool include_usage = false;
  bool continuous_usage = false;      // stream_options.continuous_usage_stats (vLLM)
  std::optional<int64_t> max_tokens;  // max_completion_tokens wins over max_tokens
  std::optional<int64_t> min_tokens;
  bool ignore_eos = false;
  std::string reasoning_effort;
  std::vector<std::string> inputs;       // embeddings: one text per input (token arrays -> "")
  std::vector<int64_t> input_token_ids;  // embeddings: token count of token-array inputs, else -1
};

/// Parse `body` (it may be padded in place for simdjson). Returns an empty string on success,
/// else a one-line reason for a 400 answer.
std::string parse_inference_request(ApiKind kind, std::string& body, InferenceRequest* out);

}  // namespace aiperf::mock
