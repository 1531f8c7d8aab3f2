// The `aiperf profile` option table. Names, aliases, defaults and groups are AIPerf's (spec §1.3);
// help texts are our own words. --insecure is our extension.
#include "aiperf/config/option_table.h"

#include <algorithm>
#include <cctype>

#include "aiperf/common/error.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config::detail {
namespace {

const std::string& one(const std::vector<std::string>& values) {
  return values.back();
}

/// Index of `value` in `choices` (exact, or case-insensitive when `fold_case`), else a
/// ConfigError listing the valid choices.
size_t choose(std::string_view flag, const std::string& value,
              const std::vector<std::string_view>& choices, bool fold_case = false) {
  auto fold = [&](std::string s) {
    if (fold_case) {
      std::transform(s.begin(), s.end(), s.begin(),
                     [](unsigned char c) { return char(std::toupper(c)); });
    }
    return s;
  };
  for (size_t i = 0; i < choices.size(); ++i) {
    if (fold(value) == fold(std::string(choices[i]))) return i;
  }
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  throw ConfigError(std::string(flag) + ": invalid choice '" + value + "' (choose from: " + list +
                    ")");
}

constexpr bool kRepeat = true;
constexpr bool kOnce = false;
constexpr bool kMulti = true;
constexpr bool kSingle = false;

}  // namespace

const std::vector<std::string_view> kHelpGroups = {
    "Endpoint",
    "Tokenizer",
    "Input",
    "Fixed Schedule",
    "Goodput",
    "Conversation Input",
    "Prompt",
    "Prefix Prompt",
    "Input Sequence Length (ISL)",
    "Output Sequence Length (OSL)",
    "Audio Input",
    "Image Input",
    "Video Input",
    "Synthesis",
    "Load Generator",
    "Warmup",
    "User-Centric Rate",
    "Output",
    "UI",
    "Service",
    "Workers",
    "Help",
};

namespace {

/// Every option but the media rows (media_options.cpp).
const std::vector<OptionSpec>& core_options() {
  static const std::vector<OptionSpec> kTable = {
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
       "/v1/completions); an empty string appends nothing to the base URL.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>& values) {
         st.cfg.custom_endpoint = one(values);
       }},
      {{"--endpoint-type"},
       ValueKind::kValue,
       "chat|completions",
       "chat",
       "Endpoint",
       "API to benchmark: chat (OpenAI chat completions) or completions (OpenAI text "
       "completions).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.endpoint_type = choose(flag, one(values), {"chat", "completions"}) == 0
                                    ? EndpointType::kChat
                                    : EndpointType::kCompletions;
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
       "Sent as 'Authorization: Bearer <key>'. Never logged; redacted in exports.",
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
      // ---------------------------------------------------------------- Input
      {{"--extra-inputs"},
       ValueKind::kValue,
       "<key:value>[,...]|<json>",
       "",
       "Input",
       "Fields merged into every request body, after (and over) the built-in ones: key:value "
       "items (numbers and true/false/null are converted) or a JSON object. Repeatable.",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         for (const auto& v : values) merge_extra_inputs(flag, v, st.extra_inputs);
       }},
      {{"--header", "-H"},
       ValueKind::kValue,
       "<Name:Value>|<json>",
       "",
       "Input",
       "HTTP header added to every request: Name:Value, or a JSON object of headers. "
       "Repeatable. Credential headers are redacted in exports.",
       kRepeat,
       kMulti,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         for (const auto& v : values) {
           for (auto& h : parse_headers(flag, v)) st.cfg.headers.push_back(std::move(h));
         }
       }},
      {{"--random-seed"},
       ValueKind::kValue,
       "<int>",
       "",
       "Input",
       "Seed for every random choice (prompts, lengths, arrivals), so a run can be repeated. "
       "Unset: a fresh seed each run.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.random_seed = uint64_t(parse_int_at_least(flag, one(values), 0));
       }},
      // ---------------------------------------------------------------- Goodput
      {{"--goodput"},
       ValueKind::kValue,
       "\"<tag:value> ...\"",
       "",
       "Goodput",
       "Service level objectives as one quoted, space-separated list of metric-tag:value pairs, "
       "values in the metric's display unit, e.g. \"request_latency:250 "
       "time_to_first_token:50\" (ms). A request is good when it meets all of them.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.goodput = parse_goodput(flag, one(values));
       }},
      // ---------------------------------------------------------------- Conversation Input
      {{"--num-dataset-entries", "--num-prompts"},
       ValueKind::kValue,
       "<int>",
       "100",
       "Conversation Input",
       "Number of distinct synthetic conversations to generate. Unset: --conversation-num, else "
       "the --request-count if given, "
       "else 100. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.num_dataset_entries = parse_int_at_least(flag, one(values), 1);
       }},
      // ---------------------------------------------------------------- ISL
      {{"--prompt-input-tokens-mean", "--synthetic-input-tokens-mean", "--isl"},
       ValueKind::kValue,
       "<int>",
       "550",
       "Input Sequence Length (ISL)",
       "Mean length of the synthetic prompts, in tokens. 0 sends no text (then images, audio "
       "or video must be on). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.isl_mean = parse_int_at_least(flag, one(values), 0, true);
       }},
      {{"--prompt-input-tokens-stddev", "--synthetic-input-tokens-stddev", "--isl-stddev"},
       ValueKind::kValue,
       "<number>",
       "0",
       "Input Sequence Length (ISL)",
       "Standard deviation of the prompt length, in tokens (normal distribution). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.isl_stddev = parse_number(flag, one(values), 0, false, true);
       }},
      // ---------------------------------------------------------------- OSL
      {{"--prompt-output-tokens-mean", "--output-tokens-mean", "--osl"},
       ValueKind::kValue,
       "<int>",
       "",
       "Output Sequence Length (OSL)",
       "Mean number of output tokens to ask for (sent as max_completion_tokens or max_tokens). "
       "Unset: no limit is sent. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.osl_mean = parse_int_at_least(flag, one(values), 1, true);
       }},
      {{"--prompt-output-tokens-stddev", "--output-tokens-stddev", "--osl-stddev"},
       ValueKind::kValue,
       "<number>",
       "0",
       "Output Sequence Length (OSL)",
       "Standard deviation of the requested output length, in tokens. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.osl_stddev = parse_number(flag, one(values), 0, false, true);
       }},
      // ---------------------------------------------------------------- Load Generator
      {{"--benchmark-duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Load Generator",
       "Stop sending new requests after this many seconds. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.benchmark_duration_s = parse_number(flag, one(values), 0, true, true);
       }},
      {{"--benchmark-grace-period"},
       ValueKind::kValue,
       "<seconds>|inf",
       "30",
       "Load Generator",
       "After --benchmark-duration ends, wait this long for in-flight responses; requests still "
       "open then are cancelled and left out of the results. inf waits for all. Needs "
       "--benchmark-duration. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.grace_period_s = parse_number(flag, one(values), 0, false, false, true);
       }},
      {{"--concurrency"},
       ValueKind::kValue,
       "<int>",
       "1 without --request-rate",
       "Load Generator",
       "Number of conversations kept in flight (closed loop). With --request-rate it caps the "
       "requests in flight instead. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.concurrency = parse_int_at_least(flag, one(values), 1, true);
       }},
      {{"--request-rate"},
       ValueKind::kValue,
       "<per-second>",
       "",
       "Load Generator",
       "Send requests at this average rate (open loop), spaced per --arrival-pattern. Must "
       "be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_rate = parse_number(flag, one(values), 0, true, true);
       }},
      {{"--arrival-pattern", "--request-rate-mode"},
       ValueKind::kValue,
       "constant|poisson|gamma|concurrency_burst",
       "poisson",
       "Load Generator",
       "Spacing of requests with --request-rate: constant intervals, poisson (exponential "
       "gaps) or gamma (see --arrival-smoothness); concurrency_burst is treated as poisson, as "
       "AIPerf does. Ignored without --request-rate.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ArrivalPattern kPatterns[] = {
             ArrivalPattern::kConstant, ArrivalPattern::kPoisson, ArrivalPattern::kGamma,
             ArrivalPattern::kConcurrencyBurst};
         st.arrival_pattern = kPatterns[choose(
             flag, one(values), {"constant", "poisson", "gamma", "concurrency_burst"})];
       }},
      {{"--arrival-smoothness", "--vllm-burstiness"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Load Generator",
       "Shape of the gamma arrival distribution: 1 is poisson-like, < 1 burstier, > 1 more "
       "regular (vLLM's --burstiness). Only with gamma arrivals; with --request-rate and no "
       "--arrival-pattern it selects gamma. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.arrival_smoothness = parse_number(flag, one(values), 0, true);
       }},
      {{"--request-count", "--num-requests"},
       ValueKind::kValue,
       "<int>",
       "10",
       "Load Generator",
       "Stop after sending this many requests. When neither this nor --benchmark-duration is "
       "given, 10. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.request_count = parse_int_at_least(flag, one(values), 1, true);
       }},
      // ---------------------------------------------------------------- Warmup
      {{"--warmup-request-count", "--num-warmup-requests"},
       ValueKind::kValue,
       "<int>",
       "",
       "Warmup",
       "Send this many requests before measuring; their results are discarded. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_request_count = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--warmup-duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Warmup",
       "Warm up for this many seconds before measuring. When --warmup-request-count is also "
       "given, the count is used (as AIPerf does). Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.warmup_duration_s = parse_number(flag, one(values), 0, true);
       }},
      // ---------------------------------------------------------------- Output
      {{"--output-artifact-dir", "--artifact-dir"},
       ValueKind::kValue,
       "<dir>",
       "artifacts",
       "Output",
       "Directory for all results. Unset: artifacts/<model>-openai-<endpoint-type>-<load>, "
       "e.g. artifacts/Qwen_Qwen3-0.6B-openai-chat-concurrency10.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty directory");
         st.cfg.artifact_dir = one(values);
         st.artifact_dir_given = true;
       }},
      {{"--profile-export-prefix", "--profile-export-file"},
       ValueKind::kValue,
       "<name>",
       "",
       "Output",
       "Base name for the export files (P.json, P.csv, P.jsonl, P_raw.jsonl) instead of "
       "profile_export_aiperf / profile_export.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty name");
         st.cfg.profile_export_prefix = one(values);
       }},
      {{"--export-level", "--profile-export-level"},
       ValueKind::kValue,
       "summary|records|raw",
       "records",
       "Output",
       "summary: the aggregate JSON and CSV only; records: also one JSONL line per request; "
       "raw: also the raw request and response of each request.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ExportLevel kLevels[] = {ExportLevel::kSummary, ExportLevel::kRecords,
                                                   ExportLevel::kRaw};
         st.cfg.export_level = kLevels[choose(flag, one(values), {"summary", "records", "raw"})];
       }},
      // ---------------------------------------------------------------- UI
      {{"--ui-type", "--ui"},
       ValueKind::kValue,
       "none|simple|dashboard",
       "simple on a terminal, none otherwise",
       "UI",
       "Live display: none, or simple (a progress bar on a terminal, periodic lines "
       "otherwise). dashboard is accepted and shown as simple in this build.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr UiType kUis[] = {UiType::kNone, UiType::kSimple, UiType::kDashboard};
         st.ui = kUis[choose(flag, one(values), {"none", "simple", "dashboard"})];
       }},
      // ---------------------------------------------------------------- Service
      {{"--log-level"},
       ValueKind::kValue,
       "TRACE|DEBUG|INFO|NOTICE|WARNING|SUCCESS|ERROR|CRITICAL",
       "INFO",
       "Service",
       "Logging verbosity (any case).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr LogLevel kLevels[] = {
             LogLevel::kTrace,   LogLevel::kDebug,   LogLevel::kInfo,  LogLevel::kNotice,
             LogLevel::kWarning, LogLevel::kSuccess, LogLevel::kError, LogLevel::kCritical};
         st.cfg.log_level = kLevels[choose(
             flag, one(values),
             {"TRACE", "DEBUG", "INFO", "NOTICE", "WARNING", "SUCCESS", "ERROR", "CRITICAL"},
             /*fold_case=*/true)];
         st.log_level_given = true;
       }},
      {{"--verbose", "-v"},
       ValueKind::kFlag,
       "",
       "off",
       "Service",
       "Same as --log-level DEBUG.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.verbose = true;
       }},
      {{"--extra-verbose", "-vv"},
       ValueKind::kFlag,
       "",
       "off",
       "Service",
       "Same as --log-level TRACE.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.extra_verbose = true;
       }},
      // ---------------------------------------------------------------- Workers
      {{"--workers-max", "--max-workers"},
       ValueKind::kValue,
       "<int>",
       "auto",
       "Workers",
       "Most worker (I/O) threads to start. Unset: chosen from the CPU count and the "
       "concurrency. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         int64_t n = parse_int_at_least(flag, one(values), 1);
         if (n > 100000) {
           throw ConfigError(std::string(flag) + ": must be <= 100000 (got " + one(values) + ")");
         }
         st.cfg.workers_max = int(n);
       }},
      // ---------------------------------------------------------------- Input (workloads)
      {{"--input-file"},
       ValueKind::kValue,
       "<path>",
       "",
       "Input",
       "Dataset file (or, for random_pool, a directory of files) to send instead of synthetic "
       "prompts; its format is --custom-dataset-type, or guessed from the first record.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty path");
         st.cfg.input_file = one(values);
       }},
      {{"--public-dataset"},
       ValueKind::kValue,
       "<name>",
       "",
       "Input",
       "A public dataset, downloaded once into the cache (~/.cache/aiperf/datasets, or "
       "$AIPERF_DATASET_CACHE) and read from there afterwards: sharegpt, spec_bench, or a "
       "Hugging Face text dataset (aimo, aimo_aime, aimo_numina_cot, aimo_numina_1_5, "
       "spec_al_gsm8k, spec_al_math500, spec_al_humaneval, spec_al_mbpp, spec_al_mtbench, "
       "instruct_coder, blazedit_5k, blazedit_10k) fetched as the Hub's Parquet files "
       "($HF_ENDPOINT, $HF_TOKEN, $HF_HUB_OFFLINE).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         // AIPerf's image, video, audio and agent-trace datasets, and what they would need.
         static const std::vector<std::pair<std::string_view, std::string_view>> kMedia = {
             {"mmstar", "an image dataset"},
             {"vision_arena", "an image dataset"},
             {"llava_onevision", "an image dataset"},
             {"mmvu", "a video dataset"},
             {"librispeech", "an audio (ASR) dataset"},
             {"voxpopuli", "an audio (ASR) dataset"},
             {"gigaspeech", "an audio (ASR) dataset"},
             {"ami", "an audio (ASR) dataset"},
             {"spgispeech", "an audio (ASR) dataset"},
             {"exgentic", "a set of recorded agent traces"},
             {"exgentic_v2", "a set of recorded agent traces"}};
         for (const auto& [name, kind] : kMedia) {
           if (one(values) == name) {
             throw ConfigError(std::string(flag) + ": '" + one(values) + "' is " +
                               std::string(kind) +
                               "; this build's public datasets are text only (use a text "
                               "dataset, or export it to JSONL and pass --input-file)");
           }
         }
         choose(
             flag, one(values),
             {"sharegpt", "aimo", "aimo_aime", "aimo_numina_cot", "aimo_numina_1_5", "spec_bench",
              "spec_al_gsm8k", "spec_al_math500", "spec_al_humaneval", "spec_al_mbpp",
              "spec_al_mtbench", "instruct_coder", "blazedit_5k", "blazedit_10k"});
         st.cfg.public_dataset = one(values);
       }},
      {{"--hf-subset"},
       ValueKind::kValue,
       "<name>",
       "the dataset's own",
       "Input",
       "Subset (config) of a Hugging Face --public-dataset to load instead of the one AIPerf "
       "uses for it (e.g. spec_al_mbpp: full -> sanitized).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty subset name");
         st.cfg.hf_subset = one(values);
       }},
      {{"--custom-dataset-type"},
       ValueKind::kValue,
       "single_turn|multi_turn|mooncake_trace|bailian_trace|burst_gpt_trace|random_pool|"
       "raw_payload|inputs_json|sagemaker_data_capture",
       "guessed from the file",
       "Input",
       "Format of --input-file (docs/datasets.md).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values) == "dag_jsonl") {
           throw ConfigError(std::string(flag) +
                             ": 'dag_jsonl' (agentic DAG sessions) is an AIPerf dataset type "
                             "this build does not have yet; use multi_turn or mooncake_trace");
         }
         static constexpr CustomDatasetType kTypes[] = {
             CustomDatasetType::kSingleTurn,          CustomDatasetType::kMultiTurn,
             CustomDatasetType::kMooncakeTrace,       CustomDatasetType::kBailianTrace,
             CustomDatasetType::kBurstGptTrace,       CustomDatasetType::kRandomPool,
             CustomDatasetType::kRawPayload,          CustomDatasetType::kInputsJson,
             CustomDatasetType::kSageMakerDataCapture};
         st.cfg.custom_dataset_type = kTypes[choose(
             flag, one(values),
             {"single_turn", "multi_turn", "mooncake_trace", "bailian_trace", "burst_gpt_trace",
              "random_pool", "raw_payload", "inputs_json", "sagemaker_data_capture"})];
       }},
      {{"--dataset-sampling-strategy"},
       ValueKind::kValue,
       "sequential|random|shuffle",
       "sequential",
       "Input",
       "Order in which new sessions take conversations from the dataset: sequential (wrapping "
       "around), random (with replacement) or shuffle (reshuffled when exhausted).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr SamplingStrategy kS[] = {
             SamplingStrategy::kSequential, SamplingStrategy::kRandom, SamplingStrategy::kShuffle};
         st.cfg.dataset_sampling_strategy =
             kS[choose(flag, one(values), {"sequential", "random", "shuffle"})];
       }},
      // ---------------------------------------------------------------- Fixed Schedule
      {{"--fixed-schedule"},
       ValueKind::kFlag,
       "",
       "on for timestamped traces",
       "Fixed Schedule",
       "Send each request at the timestamp the dataset gives it (trace replay). Trace files "
       "whose first record has a timestamp get this automatically.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.fixed_schedule_flag = true;
       }},
      {{"--no-fixed-schedule"},
       ValueKind::kFlag,
       "",
       "off",
       "Fixed Schedule",
       "Do not replay the timestamps of a trace file; use --concurrency or --request-rate.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.no_fixed_schedule_flag = true;
       }},
      {{"--fixed-schedule-auto-offset"},
       ValueKind::kFlag,
       "",
       "on unless a start offset is given",
       "Fixed Schedule",
       "Shift the schedule so the first timestamp is sent at once.",
       kRepeat,
       kSingle,
       [](ParseState& st, std::string_view, const std::vector<std::string>&) {
         st.cfg.fixed_schedule_auto_offset = true;
       }},
      {{"--fixed-schedule-start-offset"},
       ValueKind::kValue,
       "<ms>",
       "",
       "Fixed Schedule",
       "Skip records with a timestamp before this (ms, inclusive); the schedule starts here.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.fixed_schedule_start_offset_ms = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--fixed-schedule-end-offset"},
       ValueKind::kValue,
       "<ms>",
       "",
       "Fixed Schedule",
       "Skip records with a timestamp after this (ms, inclusive).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.fixed_schedule_end_offset_ms = parse_int_at_least(flag, one(values), 0);
       }},
      // ---------------------------------------------------------------- Conversation Input
      {{"--conversation-num", "--num-conversations", "--num-sessions"},
       ValueKind::kValue,
       "<int>",
       "",
       "Conversation Input",
       "Stop after this many sessions (conversations) have started; also the number of "
       "synthetic conversations when --num-dataset-entries is not given. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.num_conversations = parse_int_at_least(flag, one(values), 1, true);
         st.cfg.num_sessions = st.num_conversations;
       }},
      {{"--conversation-turn-mean", "--session-turns-mean"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Conversation Input",
       "Mean number of turns of a synthetic conversation (normal distribution). Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turns_mean = double(parse_int_at_least(flag, one(values), 1, true));
       }},
      {{"--conversation-turn-stddev", "--session-turns-stddev"},
       ValueKind::kValue,
       "<int>",
       "0",
       "Conversation Input",
       "Standard deviation of the number of turns. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turns_stddev = double(parse_int_at_least(flag, one(values), 0));
       }},
      {{"--conversation-turn-delay-mean", "--session-turn-delay-mean"},
       ValueKind::kValue,
       "<ms>",
       "0",
       "Conversation Input",
       "Mean delay before each turn after the first, in ms, counted from the previous answer. "
       "Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turn_delay_mean_ms = parse_number(flag, one(values), 0, false);
       }},
      {{"--conversation-turn-delay-stddev", "--session-turn-delay-stddev"},
       ValueKind::kValue,
       "<ms>",
       "0",
       "Conversation Input",
       "Standard deviation of the turn delay, in ms. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turn_delay_stddev_ms = parse_number(flag, one(values), 0, false);
       }},
      {{"--conversation-turn-delay-ratio", "--session-delay-ratio"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Conversation Input",
       "Multiplier applied to every sampled turn delay. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.session_turn_delay_ratio = parse_number(flag, one(values), 0, false);
       }},
      {{"--inter-turn-delay-cap-seconds"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Conversation Input",
       "Cap every per-turn delay read from a dataset file at this many seconds. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.inter_turn_delay_cap_s = parse_number(flag, one(values), 0, false);
       }},
      // ---------------------------------------------------------------- Prompt
      {{"--prompt-batch-size", "--batch-size-text", "--batch-size", "-b"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Prompt",
       "Number of independent synthetic prompts in each turn's text (several text parts in one "
       "message; meaningful for embeddings/rankings). 0 sends no text. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.prompt_batch_size = parse_int_at_least(flag, one(values), 0);
       }},
      // ---------------------------------------------------------------- Prefix Prompt
      {{"--prompt-prefix-pool-size", "--prefix-prompt-pool-size", "--num-prefix-prompts"},
       ValueKind::kValue,
       "<int>",
       "0",
       "Prefix Prompt",
       "Number of prefix prompts to generate; each conversation's first turn starts with one "
       "of them, picked at random. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.num_prefix_prompts = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--prompt-prefix-length", "--prefix-prompt-length"},
       ValueKind::kValue,
       "<tokens>",
       "0",
       "Prefix Prompt",
       "Length of each prefix prompt, in tokens. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.prefix_prompt_length = parse_int_at_least(flag, one(values), 0);
       }},
      {{"--shared-system-prompt-length"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Prefix Prompt",
       "One system prompt of this many tokens, shared by every conversation. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.shared_system_prompt_length = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--user-context-prompt-length"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Prefix Prompt",
       "A distinct user-context prompt of this many tokens per conversation, sent right after "
       "the system prompt. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.user_context_prompt_length = parse_int_at_least(flag, one(values), 1);
       }},
      // ---------------------------------------------------------------- ISL (workloads)
      {{"--prompt-input-tokens-block-size", "--synthetic-input-tokens-block-size",
        "--isl-block-size"},
       ValueKind::kValue,
       "<tokens>",
       "512 mooncake, 16 bailian",
       "Input Sequence Length (ISL)",
       "Tokens per hash_ids block when prompts are rebuilt from a trace's hash_ids. Must be "
       ">= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.isl_block_size = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--seq-dist", "--sequence-distribution"},
       ValueKind::kValue,
       "<dist>",
       "",
       "Input Sequence Length (ISL)",
       "Mix of (ISL, OSL) pairs with percent probabilities: \"128,64:25;512,128:75\", "
       "\"[(128,64):25,(512,128):75]\", or JSON {\"pairs\":[{\"isl\":128,\"osl\":64,\"prob\":25},"
       "...]}; ISL|STD and OSL|STD add a spread.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         parse_seq_dist(flag, one(values));  // syntax checked now, sampled by the dataset
         st.cfg.seq_dist = one(values);
       }},
      // ---------------------------------------------------------------- Synthesis
      {{"--synthesis-speedup-ratio"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Divide trace timestamps by this (2 replays twice as fast). Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_speedup_ratio = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-prefix-len-multiplier"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Scale the shared-prefix part of each trace prompt. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_prefix_len_multiplier = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-prefix-root-multiplier"},
       ValueKind::kValue,
       "<int>",
       "1",
       "Synthesis",
       "Spread the traces over this many disjoint prefix trees. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_prefix_root_multiplier = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--synthesis-prompt-len-multiplier"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Scale the unshared part of each trace prompt. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_prompt_len_multiplier = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-output-len-multiplier"},
       ValueKind::kValue,
       "<number>",
       "1.0",
       "Synthesis",
       "Scale each trace's output length. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_output_len_multiplier = parse_number(flag, one(values), 0, false);
       }},
      {{"--synthesis-max-isl"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Synthesis",
       "Leave out trace records whose input length is above this (the count is reported). "
       "Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_max_isl = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--synthesis-max-osl"},
       ValueKind::kValue,
       "<tokens>",
       "",
       "Synthesis",
       "Cap each trace record's output length at this. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.synthesis_max_osl = parse_int_at_least(flag, one(values), 1);
       }},
      // ---------------------------------------------------------------- User-Centric Rate
      {{"--user-centric-rate"},
       ValueKind::kValue,
       "<per-second>",
       "",
       "User-Centric Rate",
       "Total request rate shared by --num-users simulated users, each sending its next turn "
       "num_users/rate seconds after the previous one. Needs multi-turn conversations. Must "
       "be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.user_centric_rate = parse_number(flag, one(values), 0, true);
       }},
      {{"--num-users"},
       ValueKind::kValue,
       "<int>",
       "",
       "User-Centric Rate",
       "Number of simulated users for --user-centric-rate. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.num_users = parse_int_at_least(flag, one(values), 1, true);
       }},
      // ---------------------------------------------------------------- Help
      {{"--help", "-h"},
       ValueKind::kFlag,
       "",
       "",
       "Help",
       "Show this help and exit.",
       kRepeat,
       kSingle,
       [](ParseState&, std::string_view, const std::vector<std::string>&) {}},
  };
  return kTable;
}

}  // namespace

const std::vector<OptionSpec>& option_table() {
  static const std::vector<OptionSpec> kAll = [] {
    std::vector<OptionSpec> t = core_options();
    std::vector<OptionSpec> media = media_options();
    t.insert(t.end() - 1, media.begin(), media.end());  // before --help, the last row
    return t;
  }();
  return kAll;
}

}  // namespace aiperf::config::detail
