// The Endpoint and Tokenizer rows of the `aiperf profile` option table (spec §1.3). Names, aliases
// and defaults are AIPerf's; help texts are our own words.
#include <algorithm>
#include <cctype>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config::detail {

std::vector<OptionSpec> endpoint_options() {
  return {
      // ---------------------------------------------------------------- Endpoint
      {{"--model-names", "--model", "-m"},
       ValueKind::kValue,
       "<name>[,<name>...]",
       "",
       "Endpoint",
       "Model name(s) to benchmark: a comma-separated list and/or the flag repeated. At least "
       "one is required.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         for (const auto& v : values) {
           for (auto& m : split_comma_list(flag, v)) st.cfg.models.push_back(std::move(m));
         }
       }},
      {{"--model-selection-strategy"},
       ValueKind::kValue,
       "round_robin|random",
       "round_robin",
       "Endpoint",
       "How each turn picks its model when several are given: round_robin (n-th turn gets "
       "model n mod N) or random (uniform).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values) == "weighted") {
           throw ConfigError(std::string(flag) +
                             ": 'weighted' needs per-model weights, which the command line cannot "
                             "give (AIPerf rejects it too); use round_robin or random");
         }
         st.cfg.model_selection = choose(flag, one(values), {"round_robin", "random"}) == 0
                                      ? ModelSelection::kRoundRobin
                                      : ModelSelection::kRandom;
       }},
      {{"--custom-endpoint", "--endpoint"},
       ValueKind::kValue,
       "<path>",
       "",
       "Endpoint",
       "URL path to use instead of the endpoint type's default (/v1/chat/completions, "
       "/v1/embeddings, ...); an empty string appends nothing to the base URL.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>& values) {
         st.cfg.custom_endpoint = one(values);
       }},
      {{"--endpoint-type"},
       ValueKind::kValue,
       "<type>",
       "chat",
       "Endpoint",
       "API to benchmark: chat, cohere_rankings, completions, responses, chat_embeddings, "
       "embeddings, hf_tei_rankings, huggingface_generate, image_generation, video_generation, "
       "nim_embeddings, nim_rankings, template or messages (Anthropic); kserve or kserve_vllm "
       "(Triton's KServe v2 gRPC, TensorRT-LLM or vLLM backend) or triton_generate (Triton's HTTP "
       "generate extension), docs/triton.md. "
       "docs/endpoints.md lists each one's path, body and metrics.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (is_plugin_endpoint_name(one(values))) {  // a loaded plugin's (--plugin)
           st.cfg.plugin_endpoint = one(values);
           return;
         }
         st.cfg.endpoint_type =
             static_cast<EndpointType>(choose(flag, one(values), endpoint_type_names()));
       }},
      {{"--streaming"},
       ValueKind::kFlag,
       "",
       "off",
       "Endpoint",
       "Ask the server to stream the answer (SSE); enables time-to-first-token and inter-token "
       "latency metrics.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.streaming = true;
       }},
      {{"--url", "-u"},
       ValueKind::kValue,
       "<url>[,<url>...]",
       "http://localhost:8000",
       "Endpoint",
       "Base URL(s) of the server(s); several URLs are used round-robin, one per conversation. "
       "Repeat the flag, list several after it, or separate with commas. http:// is added when "
       "no scheme is given.",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.urls.clear();
         for (const auto& v : values) {
           for (const auto& u : split_comma_list(flag, v)) {
             st.cfg.urls.push_back(normalize_url(flag, u));
           }
         }
       }},
      {{"--request-timeout-seconds"},
       ValueKind::kValue,
       "<seconds>",
       "21600",
       "Endpoint",
       "Longest a request may take, from connecting to the last byte; a request that runs "
       "longer fails with a timeout error. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_timeout_s = parse_number(flag, one(values), 0, true);
       }},
      {{"--api-key"},
       ValueKind::kValue,
       "<key>",
       "",
       "Endpoint",
       "Sent as 'Authorization: Bearer <key>' (with --endpoint-type messages: 'x-api-key: <key>'). "
       "Never logged; redacted in exports.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>& values) {
         st.cfg.api_key = one(values);
       }},
      {{"--use-legacy-max-tokens"},
       ValueKind::kFlag,
       "",
       "off",
       "Endpoint",
       "Chat requests carry the output limit as max_tokens instead of max_completion_tokens.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.use_legacy_max_tokens = true;
       }},
      {{"--use-server-token-count"},
       ValueKind::kFlag,
       "",
       "off",
       "Endpoint",
       "Count tokens from the server's usage fields instead of tokenizing on the client; "
       "streaming requests then ask for stream_options.include_usage.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.use_server_token_count = true;
       }},
      {{"--insecure"},
       ValueKind::kFlag,
       "",
       "off",
       "Endpoint",
       "Do not verify the server's TLS certificate (self-signed test servers). Not an AIPerf "
       "option: an extension of this build.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.tls_insecure = true;
       }},
      // ---------------------------------------------------------------- Tokenizer
      {{"--tokenizer"},
       ValueKind::kValue,
       "<name|path|builtin>",
       "the model name",
       "Tokenizer",
       "Tokenizer for prompts and token counts: a Hugging Face id, a local path, or builtin "
       "(tiktoken o200k_base, no download). Placeholder model names such as mock-model get "
       "builtin automatically, with a warning.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty value");
         st.cfg.tokenizer = one(values);
       }},
      {{"--tokenizer-revision"},
       ValueKind::kValue,
       "<revision>",
       "main",
       "Tokenizer",
       "Branch, tag or commit of a Hugging Face tokenizer.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty value");
         st.cfg.tokenizer_revision = one(values);
       }},
      {{"--tokenizer-trust-remote-code"},
       ValueKind::kFlag,
       "",
       "off",
       "Tokenizer",
       "Allow tokenizers that need custom code from their repository.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.tokenizer_trust_remote_code = true;
       }},
  };
}

}  // namespace aiperf::config::detail
