// Parsing of the request bodies of every API the mock answers (OpenAI chat, completions,
// embeddings, responses, images, videos; Anthropic messages; TGI generate; NIM, Cohere and TEI
// rankings) with simdjson on-demand. Only the fields the mock acts on are read; unknown fields
// are ignored.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace aiperf::mock {

enum class ApiKind {
  kChat,
  kCompletions,
  kEmbeddings,      // `input` strings or token arrays; or chat `messages` (vLLM chat embeddings)
  kResponses,       // OpenAI Responses API
  kMessages,        // Anthropic Messages API
  kTgi,             // TGI /generate and /generate_stream
  kTritonGenerate,  // Triton's /v2/models/<model>/generate and generate_stream
  kRankNim,         // NIM /v1/ranking
  kRankCohere,      // Cohere /v2/rerank
  kRankTei,         // TEI /rerank
  kImages,          // OpenAI /v1/images/generations
  kVideos,          // OpenAI / SGLang /v1/videos (job submission)
};

/// True for the APIs whose answer is generated text streamed token by token.
inline bool is_token_api(ApiKind k) {
  return k == ApiKind::kChat || k == ApiKind::kCompletions || k == ApiKind::kResponses ||
         k == ApiKind::kMessages || k == ApiKind::kTgi || k == ApiKind::kTritonGenerate;
}

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
  // rankings
  std::string query;
  std::vector<std::string> passages;
  // images
  int64_t partial_images = 0;  // streamed partial images before the final one
  int64_t n = 1;               // images per request
};

/// Parse `body` (it may be padded in place for simdjson). Returns an empty string on success,
/// else a one-line reason for a 400 answer.
std::string parse_inference_request(ApiKind kind, std::string& body, InferenceRequest* out);

}  // namespace aiperf::mock
