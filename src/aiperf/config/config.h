// The validated, immutable run configuration (DESIGN §1). Built once from the command line by
// config::parse_profile_args (config/cli_options.cpp); every later stage reads it and nothing
// writes it. Field names follow AIPerf's flags; units are in the names.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aiperf/config/distribution.h"
#include "aiperf/config/study_config.h"

namespace aiperf::config {

/// --endpoint-type (spec §1.3, §5.4), in AIPerf's choice order; kMessages is Anthropic's
/// Messages API (current AIPerf).
enum class EndpointType {
  kChat,
  kCohereRankings,
  kCompletions,
  kResponses,
  kChatEmbeddings,
  kEmbeddings,
  kHfTeiRankings,
  kHuggingfaceGenerate,
  kImageGeneration,
  kVideoGeneration,
  kNimEmbeddings,
  kNimRankings,
  kTemplate,
  kMessages,
  // Not AIPerf's: Triton's KServe v2 gRPC with the TensorRT-LLM / vLLM backends' tensors
  // (GenAI-Perf's --service-kind triton; docs/triton.md).
  kKserve,
  kKserveVllm,
  kTritonGenerate,  // Triton's HTTP generate extension (GenAI-Perf's --endpoint-type generate)
};
enum class ArrivalPattern { kPoisson, kConstant, kGamma, kConcurrencyBurst };
enum class ModelSelection { kRoundRobin, kRandom, kWeighted };
enum class ExportLevel { kSummary, kRecords, kRaw };
enum class UiType { kNone, kSimple, kDashboard };
enum class LogLevel { kTrace, kDebug, kInfo, kNotice, kWarning, kSuccess, kError, kCritical };

/// How the profiling phase issues credits (spec §1.4 "timing mode selection").
enum class TimingMode { kConcurrency, kRequestRate, kFixedSchedule, kUserCentric };
enum class CustomDatasetType {
  kSingleTurn,
  kMultiTurn,
  kMooncakeTrace,
  kBailianTrace,
  kBurstGptTrace,
  kRandomPool,
  kRawPayload,
  kInputsJson,
  kSageMakerDataCapture,
  kSpeedBench  // the speed_bench_* formats (config/speed_bench.h; Config::speed_bench_format)
};
enum class SamplingStrategy { kSequential, kRandom, kShuffle };
/// --connection-reuse-strategy (spec §5.1): one shared keep-alive pool; a fresh connection per
/// request; or one connection per conversation instance, closed after its final turn.
enum class ConnectionReuse { kPooled, kNever, kStickyUserSessions };
/// --wait-for-model-mode (spec §5.5): GET /v1/models lists the model; a one-token request
/// answers below 500; or both, models first.
enum class WaitForModelMode { kModels, kInference, kBoth };
/// The curve of a ramp (spec §3.5; AIPerf's RampType): linear steps, exponential ease-in
/// (value progress (t/D)^2), or Poisson (random step times normalized to end at D).
enum class RampType { kLinear, kExponential, kPoisson };
/// A ramp of a limit or of the rate: its duration and curve.
struct Ramp {
  double duration_s = 0;
  RampType type = RampType::kLinear;
  bool operator==(const Ramp&) const = default;
};
/// The shaping one phase runs with (prefill cap and ramps), resolved from the flags:
/// Config::profiling_shaping() and Config::warmup_shaping().
struct PhaseShaping {
  std::optional<int64_t> prefill_concurrency;
  std::optional<Ramp> concurrency_ramp, prefill_ramp, rate_ramp;
};
// Synthetic media (spec §1.3 "Audio/Image/Video Input", §4.7).
enum class ImageFormat { kPng, kJpeg, kRandom };
enum class ImageSourceSampling { kRandomWithReplacement, kShuffleCycle, kSequentialCycle };
enum class AudioFormat { kWav, kMp3 };
enum class VideoSynthType { kMovingShapes, kGridClock, kNoise };
enum class VideoFormat { kWebm, kMp4 };

const char* to_string(EndpointType t);      // "chat", "completions", ... (the CLI name)
const char* to_string(ArrivalPattern p);    // "poisson", ...
const char* to_string(ExportLevel l);       // "summary", "records", "raw"
const char* to_string(ModelSelection s);    // "round_robin", "random", "weighted"
const char* to_string(UiType u);            // "none", "simple", "dashboard"
const char* to_string(LogLevel l);          // "TRACE", ..., "CRITICAL" (AIPerf's spelling)
const char* to_string(TimingMode m);        // "concurrency", "request_rate"
const char* to_string(ConnectionReuse c);   // "pooled", "never", "sticky-user-sessions"
const char* to_string(WaitForModelMode m);  // "models", "inference", "both"
const char* to_string(RampType t);          // "linear", "exponential", "poisson"

/// Every --endpoint-type name, in AIPerf's order (the CLI choices).
const std::vector<std::string_view>& endpoint_type_names();
/// The metadata of an endpoint type that stages other than the endpoint need (spec §5.4; the
/// endpoint's own EndpointInfo holds the same facts, and a test keeps them equal).
struct EndpointFacts {
  bool supports_streaming = true;
  bool produces_tokens = true;
  bool tokenizes_input = true;
  bool supports_images = false;
  bool supports_audio = false;
  bool supports_videos = false;
  bool produces_video = false;
  std::string_view metrics_title = "LLM Metrics";  // console title (spec §6.8)
};
const EndpointFacts& endpoint_facts(EndpointType t);
/// The endpoint's metadata says it can stream (spec §5.4); --streaming is turned off otherwise.
inline bool endpoint_supports_streaming(EndpointType t) {
  return endpoint_facts(t).supports_streaming;
}
/// Which synthetic media kinds the endpoint's requests carry (supports_images / _audio /
/// _videos).
struct EndpointMedia {
  bool images = false;
  bool audio = false;
  bool videos = false;
};
inline EndpointMedia endpoint_media(EndpointType t) {
  const EndpointFacts& f = endpoint_facts(t);
  return {f.supports_images, f.supports_audio, f.supports_videos};
}
/// cohere_rankings, hf_tei_rankings, nim_rankings: synthetic data is a query plus passages
/// (spec §4.8).
bool is_rankings_endpoint(EndpointType t);

/// True for model names that are obviously placeholders (mock-model, test-model, fake-model,
/// dummy-model, mock, fake, dummy, placeholder, and mock-* / fake-* / dummy-*), case-insensitive,
/// never for names containing '/' (hub ids). Such names get the builtin tokenizer by default.
bool is_placeholder_model_name(const std::string& model);

/// Endpoint names that plugins registered (plugin/plugin.h): --endpoint-type accepts them.
/// Call before parsing; not thread-safe.
void register_plugin_endpoint_name(std::string name);
bool is_plugin_endpoint_name(std::string_view name);

struct Config {
  // ---- Endpoint
  std::vector<std::string> models;  // -m/--model/--model-names (>= 1)
  ModelSelection model_selection = ModelSelection::kRoundRobin;
  std::vector<std::string> urls{"http://localhost:8000"};  // normalized: scheme added
  EndpointType endpoint_type = EndpointType::kChat;
  std::optional<std::string> custom_endpoint;  // --endpoint/--custom-endpoint
  bool streaming = false;
  std::optional<std::string> api_key;                        // secret: never logged or exported
  std::vector<std::pair<std::string, std::string>> headers;  // -H/--header, in order
  /// --extra-inputs as a JSON object text (key:value items are type-coerced), merged last.
  std::string extra_inputs_json = "{}";
  double request_timeout_s = 21600.0;
  bool use_legacy_max_tokens = false;
  bool use_server_token_count = false;
  bool tls_insecure = false;  // --insecure: skip TLS verification

  // ---- Several servers and readiness (issue 9 part 3; spec §1.3 Endpoint, §5.1, §5.5).
  // --url-strategy has one choice (round_robin): URLs go round robin per conversation.
  ConnectionReuse connection_reuse = ConnectionReuse::kPooled;  // --connection-reuse-strategy
  double wait_for_model_timeout_s = 0.0;  // --wait-for-model-timeout; 0 = no readiness probe
  WaitForModelMode wait_for_model_mode = WaitForModelMode::kInference;
  double wait_for_model_interval_s = 5.0;  // --wait-for-model-interval

  // ---- Tokenizer
  std::optional<std::string> tokenizer;  // default: model name (or builtin)
  std::string tokenizer_revision = "main";
  bool tokenizer_trust_remote_code = false;

  // ---- Load generator
  TimingMode timing_mode = TimingMode::kConcurrency;
  std::optional<int64_t> concurrency;
  std::optional<double> request_rate;
  ArrivalPattern arrival_pattern = ArrivalPattern::kPoisson;
  double arrival_smoothness = 1.0;
  /// Stop conditions. If none is given, request_count = 10 (spec §1.4).
  std::optional<int64_t> request_count;
  std::optional<double> benchmark_duration_s;
  /// Grace after the duration ends. AIPerf's code uses 0 when unset although its docs say 30 s;
  /// we implement the documented 30 s (docs/differences.md). +inf = wait forever.
  double benchmark_grace_period_s = 30.0;
  std::optional<int64_t> warmup_request_count;
  std::optional<double> warmup_duration_s;
  std::optional<uint64_t> random_seed;

  // ---- Prompt / dataset (synthetic)
  int64_t isl_mean = 550;
  double isl_stddev = 0.0;
  std::optional<int64_t> osl_mean;  // unset: no max tokens sent
  double osl_stddev = 0.0;
  // --isl-distribution / --osl-distribution (our extension; config files' non-normal `isl` /
  // `osl`: log-normal, peaks, empirical, clamps): drawn instead of mean/stddev, whose mean then
  // holds the distribution's expected value (rounded) for displays and exports.
  std::optional<Distribution> isl_distribution;
  std::optional<Distribution> osl_distribution;
  /// One prompt length: isl_distribution, else mean/stddev (spec §4.1).
  int64_t sample_isl(Rng& rng) const;
  /// One requested output length: osl_distribution, else osl_mean/stddev; osl_mean must be set.
  int64_t sample_osl(Rng& rng) const;
  int64_t num_dataset_entries = 100;  // resolved (spec §1.3 order)

  // ---- Workloads (issue 5: spec §3.6-3.8, §4). Set only by the flags of the same names.
  std::optional<std::string> input_file;                 // --input-file
  std::optional<CustomDatasetType> custom_dataset_type;  // --custom-dataset-type
  std::optional<std::string> public_dataset;             // --public-dataset
  std::optional<std::string> hf_subset;  // --hf-subset: overrides the dataset's subset/config
  std::optional<SamplingStrategy> dataset_sampling_strategy;  // effective default sequential
  std::optional<bool> fixed_schedule;  // --fixed-schedule / --no-fixed-schedule; unset=auto
  std::optional<bool> fixed_schedule_auto_offset;
  std::optional<int64_t> fixed_schedule_start_offset_ms;
  std::optional<int64_t> fixed_schedule_end_offset_ms;
  std::optional<int64_t> isl_block_size;  // hash_ids block size (loader default otherwise)
  std::optional<int64_t> num_sessions;    // --conversation-num/--num-sessions (stop cond.)
  double session_turns_mean = 1.0;
  double session_turns_stddev = 0.0;
  double session_turn_delay_mean_ms = 0.0;
  double session_turn_delay_stddev_ms = 0.0;
  double session_turn_delay_ratio = 1.0;
  std::optional<double> inter_turn_delay_cap_s;
  std::optional<int64_t> shared_system_prompt_length;
  std::optional<int64_t> user_context_prompt_length;
  int64_t prompt_batch_size = 1;  // --prompt-batch-size: synthetic prompts per turn (>= 0)
  int64_t num_prefix_prompts = 0;
  int64_t prefix_prompt_length = 0;
  std::optional<std::string> seq_dist;      // --seq-dist, raw text (dataset parses it)
  std::optional<double> user_centric_rate;  // --user-centric-rate (QPS)
  std::optional<int64_t> num_users;         // --num-users
  double synthesis_speedup_ratio = 1.0;
  double synthesis_prefix_len_multiplier = 1.0;
  int64_t synthesis_prefix_root_multiplier = 1;
  double synthesis_prompt_len_multiplier = 1.0;
  double synthesis_output_len_multiplier = 1.0;
  std::optional<int64_t> synthesis_max_isl;
  std::optional<int64_t> synthesis_max_osl;

  // ---- Synthetic media (spec §1.3, §4.7). A modality is on when its enabled() helper says so.
  double image_width_mean = 0.0;  // px
  double image_width_stddev = 0.0;
  double image_height_mean = 0.0;
  double image_height_stddev = 0.0;
  int64_t image_batch_size = 1;  // images per turn
  ImageFormat image_format = ImageFormat::kPng;
  std::string image_source = "noise";  // "noise", "assets" or a directory of images
  ImageSourceSampling image_source_sampling = ImageSourceSampling::kRandomWithReplacement;
  int64_t audio_batch_size = 1;  // audio clips per turn
  double audio_length_mean_s = 0.0;
  double audio_length_stddev_s = 0.0;
  AudioFormat audio_format = AudioFormat::kWav;
  std::vector<int64_t> audio_depths{16};             // bits: 8, 16, 24, 32
  std::vector<double> audio_sample_rates_khz{16.0};  // values given > 96 were Hz (divided)
  int64_t audio_num_channels = 1;
  int64_t video_batch_size = 1;  // videos per turn
  double video_duration_s = 5.0;
  int64_t video_fps = 4;
  std::optional<int64_t> video_width;  // px; both or neither
  std::optional<int64_t> video_height;
  VideoSynthType video_synth_type = VideoSynthType::kMovingShapes;
  VideoFormat video_format = VideoFormat::kWebm;
  std::string video_codec = "libvpx-vp9";        // any ffmpeg encoder name
  double video_audio_sample_rate = 44100;        // Hz (values <= 1000 are kHz)
  int64_t video_audio_num_channels = 0;          // 0 = no audio track
  std::optional<std::string> video_audio_codec;  // aac|libvorbis|libopus; unset: by format
  int64_t video_audio_depth = 16;

  bool images_enabled() const {
    return image_width_mean > 0 && image_height_mean > 0 && image_batch_size > 0;
  }
  bool audio_enabled() const { return audio_length_mean_s > 0 && audio_batch_size > 0; }
  bool video_enabled() const {
    return video_width && video_height && *video_width > 0 && *video_height > 0 &&
           video_batch_size > 0;
  }

  // ---- Load shaping, request cancellation, HTTP trace, network latency (issue 11, spec §3.2,
  // §3.5, §3.10, §2.5, §7.3; rows in config/options_shaping.cpp, docs/timing.md)
  std::optional<int64_t> prefill_concurrency;  // requests awaiting their first token, at most
  std::optional<double> concurrency_ramp_duration_s;
  std::optional<double> prefill_concurrency_ramp_duration_s;
  std::optional<double> request_rate_ramp_duration_s;
  /// --request-rate-series (our extension): a piecewise-constant rate, segment after segment;
  /// the last rate holds after the series. Sets request_rate (its time-weighted mean) and, when
  /// no --benchmark-duration is given, the duration (the series' total).
  struct RateSegment {
    double rate = 0;                                      // requests/s, >= 0
    double duration_s = 0;                                // > 0
    bool operator==(const RateSegment&) const = default;  // Config's equality (tests)
  };
  std::vector<RateSegment> request_rate_series;
  /// --request-rate-series FILE (AIPerf's form: a JSON file of {time_s, qps} points, or inline
  /// JSON, our extension for config files): a piecewise-linear rate from the end of the rate
  /// ramp on (the last rate holds after the last point); --request-rate is the rate before it.
  struct RatePoint {
    double time_s = 0;  // >= 0, strictly increasing
    double qps = 0;     // > 0
    bool operator==(const RatePoint&) const = default;
  };
  std::vector<RatePoint> request_rate_points;
  std::optional<double> request_cancellation_rate_pct;  // (0, 100]
  double request_cancellation_delay_s = 0.0;            // after the body is fully written
  bool export_http_trace = false;                       // trace_data in profile_export.jsonl
  bool show_trace_timing = false;                       // the HTTP trace console table
  bool network_latency_automatic = false;               // TCP-handshake RTT probes
  std::optional<double> network_latency_mean_ms;        // a fixed RTT instead of probes
  double network_latency_ping_interval_s = 1.0;         // between probes
  // ---- Endpoints (issue 9: spec §1.3 "Endpoint" and "Rankings", §4.8, §5.4)
  bool download_video_content = false;  // --download-video-content (video_generation)
  int64_t rankings_passages_mean = 1;   // passages per synthetic rankings request (>= 1)
  int64_t rankings_passages_stddev = 0;
  int64_t rankings_passages_prompt_token_mean = 550;  // tokens per passage (>= 1)
  int64_t rankings_passages_prompt_token_stddev = 0;
  int64_t rankings_query_prompt_token_mean = 550;  // tokens of the query (>= 1)
  int64_t rankings_query_prompt_token_stddev = 0;

  // ---- Goodput: (metric tag, threshold in display unit), in order given
  std::vector<std::pair<std::string, double>> goodput;

  // ---- Output
  std::string artifact_dir = "artifacts";  // resolved, incl. descriptive subdir
  std::optional<std::string> profile_export_prefix;
  ExportLevel export_level = ExportLevel::kRecords;
  UiType ui = UiType::kNone;
  LogLevel log_level = LogLevel::kInfo;
  int workers_max = 0;  // 0 = auto

  // ---- Report (plots, HTML report, dashboard; docs/plots.md)
  /// --auto-plot / --generate-plots (or a config file's `plot:` section): PNG/SVG into
  /// <artifact dir>/plots after a run; --no-auto-plot turns it off, the section's too.
  bool generate_plots = false;
  bool auto_plot_on = false, auto_plot_off = false;  // the flags given
  bool plot_required = false;  // --plot-required: a plot that cannot be drawn fails the run
  /// A config file's `plot:` section (AIPerf's plot envelope): the plot configuration's YAML
  /// text (the section itself, on its lines of the file, or the file it names) and the file its
  /// lines belong to. Used instead of ~/.aiperf/plot_config.yaml and written beside the run as
  /// .aiperf-plot-config.yaml.
  std::optional<std::string> plot_config_yaml;
  std::string plot_config_origin;

  // ---- Telemetry (issue 12, spec §7.1-§7.2; flags in options_telemetry.cpp)
  bool server_metrics_enabled = true;            // off with --no-server-metrics
  std::vector<std::string> server_metrics_urls;  // --server-metrics, normalized (…/metrics)
  /// --server-metrics-formats, in AIPerf's spelling: "json", "csv", "jsonl".
  std::vector<std::string> server_metrics_formats{"json", "csv"};
  bool gpu_telemetry_enabled = true;            // off with --no-gpu-telemetry
  bool gpu_telemetry_console = false;           // --gpu-telemetry given: print the GPU table
  bool gpu_telemetry_nvml = false;              // --gpu-telemetry pynvml: NVML instead of DCGM
  bool gpu_telemetry_amdsmi = false;            // --gpu-telemetry amdsmi: AMD SMI instead of DCGM
  std::vector<std::string> gpu_telemetry_urls;  // DCGM URLs given, normalized
  std::vector<std::string> gpu_telemetry_metrics_files;  // custom metric CSVs
  bool has_server_metrics_format(const std::string& f) const {
    for (const auto& x : server_metrics_formats) {
      if (x == f) return true;
    }
    return false;
  }
  // ---- Study and time slices (issue 11: study/study.h, docs/study.md)
  StudyConfig study;                       // --num-profile-runs, sweeps, --search, ...
  std::optional<double> slice_duration_s;  // --slice-duration: time-slice exports (spec §2.8)

  // ---- Warmup load (issue 16: AIPerf's Warmup group, options_warmup.cpp). Unset: inherited.
  std::optional<int64_t> warmup_num_sessions;            // --num-warmup-sessions
  std::optional<int64_t> warmup_concurrency;             // --warmup-concurrency
  std::optional<double> warmup_request_rate;             // --warmup-request-rate; 0 = closed loop
  std::optional<ArrivalPattern> warmup_arrival_pattern;  // --warmup-arrival-pattern
  std::optional<double> warmup_grace_period_s;           // --warmup-grace-period; unset: unbounded
  // Warmup shaping (issue 11; options_warmup.cpp). Unset: the profiling value; 0: none (our
  // extension, so that a config file's warmup phase without a ramp can say so).
  std::optional<int64_t> warmup_prefill_concurrency;         // --warmup-prefill-concurrency
  std::optional<double> warmup_concurrency_ramp_duration_s;  // --warmup-concurrency-ramp-...
  std::optional<double>
      warmup_prefill_concurrency_ramp_duration_s;             // --warmup-prefill-...-ramp-...
  std::optional<double> warmup_request_rate_ramp_duration_s;  // --warmup-request-rate-ramp-...
  // Ramp curves (--*-ramp-strategy, our extension: AIPerf's config files name them per ramp).
  RampType concurrency_ramp_type = RampType::kLinear;
  RampType prefill_concurrency_ramp_type = RampType::kLinear;
  RampType request_rate_ramp_type = RampType::kLinear;
  std::optional<RampType> warmup_concurrency_ramp_type;  // unset: as the warmup's ramp came
  std::optional<RampType> warmup_prefill_concurrency_ramp_type;
  std::optional<RampType> warmup_request_rate_ramp_type;
  /// The profiling phase's prefill cap and ramps.
  PhaseShaping profiling_shaping() const;
  /// The warmup's: each warmup-specific value, else the profiling one (spec §3.1); 0 = none.
  PhaseShaping warmup_shaping() const;

  // ---- Config files and the effective configuration (issue 16: config_file.h)
  std::optional<std::string> config_file;  // -f/--config, as given
  /// Every option the run was given, file and flags merged (flags win), keyed by primary name
  /// with the values as given, in option-table order. effective_config_yaml() writes them.
  std::vector<std::pair<std::string, std::vector<std::string>>> given_options;
  /// The -f file asks for several runs (`sweep`, `multi_run`): `aiperf profile` hands it to the
  /// study runner with one Config per variation (cli/config_study.cpp).
  bool config_file_study = false;
  /// `artifacts.user_files` of the file: [{path, format, content}] as JSON text, the content's
  /// `{{ }}` unrendered (run/user_files.h renders and writes them before the run starts), and
  /// the file's `variables`, resolved (a JSON object), their template context.
  std::string user_files_json;
  std::string config_variables_json;
  // ---- Scale-out and plugins (issue 14: docs/scale-out.md, docs/plugins.md)
  /// --source-ip: IP literals new connections bind to, round robin (many source addresses).
  std::vector<std::string> source_ips;
  /// --plugin: shared objects loaded before the other flags are parsed (plugin/plugin.h).
  std::vector<std::string> plugins;
  /// --endpoint-type naming a plugin's endpoint (endpoint_type then stays kChat, unused).
  std::string plugin_endpoint;
  // ---- SPEED-Bench files (issue 16: config/speed_bench.h, docs/datasets.md)
  /// The speed_bench_* name given to --custom-dataset-type (custom_dataset_type kSpeedBench).
  std::string speed_bench_format;

  // ---- Provenance
  std::vector<std::string> argv;  // for run_info.cli_command (redacted)
  /// One-line notices produced while resolving the flags (an ignored flag, a substituted
  /// tokenizer or UI). The CLI prints each once at start-up, before anything runs.
  std::vector<std::string> warnings;

  /// The tokenizer spec to load: explicit --tokenizer, else "builtin" for placeholder model
  /// names (mock-model, test-model, ...), else the first model name.
  std::string tokenizer_spec() const;

  /// Field-by-field equality (tests compare the Config of two spellings of one command line).
  /// A member of struct type needs its own `operator==(...) const = default` for this to exist.
  bool operator==(const Config&) const = default;
};

}  // namespace aiperf::config
