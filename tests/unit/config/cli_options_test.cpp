// `aiperf profile` flags: aliases, defaults, every validation rule, help text, artifact naming.
#include "aiperf/config/cli_options.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "aiperf/common/error.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

const std::string kData = AIPERF_TEST_DATA_DIR;
const std::string kSingleTurn = kData + "/traces/single_turn_basic.jsonl";
const std::string kMooncake = kData + "/traces/arxiv_mooncake_trace_first20.jsonl";

Config parse(Args args, bool tty = false) {
  ParseEnv env;
  env.stdout_is_tty = tty;
  return parse_profile_args(args, env);
}

/// Parses `args`, expecting a ConfigError; returns its message.
std::string error_of(Args args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

bool has_warning(const Config& c, const std::string& needle) {
  for (const auto& w : c.warnings) {
    if (w.find(needle) != std::string::npos) return true;
  }
  return false;
}

#define EXPECT_ERROR(args, text) EXPECT_EQ(error_of(args), text)
#define EXPECT_ERROR_HAS(args, text) \
  EXPECT_NE(error_of(args).find(text), std::string::npos) << error_of(args)

TEST(ProfileDefaults, OnlyModel) {
  Config c = parse({"-m", "Qwen/Qwen3-0.6B"});
  EXPECT_EQ(c.models, (std::vector<std::string>{"Qwen/Qwen3-0.6B"}));
  EXPECT_EQ(c.model_selection, ModelSelection::kRoundRobin);
  EXPECT_EQ(c.urls, (std::vector<std::string>{"http://localhost:8000"}));
  EXPECT_EQ(c.endpoint_type, EndpointType::kChat);
  EXPECT_FALSE(c.custom_endpoint);
  EXPECT_FALSE(c.streaming);
  EXPECT_FALSE(c.api_key);
  EXPECT_TRUE(c.headers.empty());
  EXPECT_EQ(c.extra_inputs_json, "{}");
  EXPECT_EQ(c.request_timeout_s, 21600.0);
  EXPECT_EQ(c.timing_mode, TimingMode::kConcurrency);
  EXPECT_EQ(c.concurrency, 1);
  EXPECT_FALSE(c.request_rate);
  EXPECT_EQ(c.request_count, 10);
  EXPECT_FALSE(c.benchmark_duration_s);
  EXPECT_EQ(c.benchmark_grace_period_s, 30.0);
  EXPECT_FALSE(c.warmup_request_count);
  EXPECT_FALSE(c.warmup_duration_s);
  EXPECT_FALSE(c.random_seed);
  EXPECT_EQ(c.isl_mean, 550);
  EXPECT_EQ(c.isl_stddev, 0.0);
  EXPECT_FALSE(c.osl_mean);
  EXPECT_EQ(c.num_dataset_entries, 100);
  EXPECT_TRUE(c.goodput.empty());
  EXPECT_EQ(c.artifact_dir, "artifacts/Qwen_Qwen3-0.6B-openai-chat-concurrency1");
  EXPECT_FALSE(c.profile_export_prefix);
  EXPECT_EQ(c.export_level, ExportLevel::kRecords);
  EXPECT_EQ(c.ui, UiType::kNone);
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.workers_max, 0);
  EXPECT_EQ(c.tokenizer_spec(), "Qwen/Qwen3-0.6B");
  EXPECT_EQ(c.tokenizer_revision, "main");
  EXPECT_TRUE(c.warnings.empty());
  EXPECT_EQ(c.argv, (std::vector<std::string>{"aiperf", "profile", "-m", "Qwen/Qwen3-0.6B"}));
}

TEST(ProfileDefaults, UiFollowsTerminal) {
  EXPECT_EQ(parse({"-m", "x"}, /*tty=*/true).ui, UiType::kDashboard);
  EXPECT_EQ(parse({"-m", "x", "-v"}, /*tty=*/true).ui, UiType::kSimple);
  EXPECT_EQ(parse({"-m", "x", "-vv"}, /*tty=*/true).ui, UiType::kSimple);
  EXPECT_EQ(parse({"-m", "x"}, /*tty=*/false).ui, UiType::kNone);
  EXPECT_EQ(parse({"-m", "x", "--ui", "simple"}, false).ui, UiType::kSimple);
  EXPECT_EQ(parse({"-m", "x", "--ui", "none"}, true).ui, UiType::kNone);
}

// Every alias of every option reaches the same field.
struct AliasCase {
  Args args;
  std::function<bool(const Config&)> check;
};

TEST(ProfileAliases, EveryNameWorks) {
  const std::vector<AliasCase> cases = {
      {{"--model", "a"}, [](const Config& c) { return c.models[0] == "a"; }},
      {{"--model-names", "a"}, [](const Config& c) { return c.models[0] == "a"; }},
      {{"-m", "a"}, [](const Config& c) { return c.models[0] == "a"; }},
      {{"-m", "a", "--endpoint", "/x"}, [](const Config& c) { return c.custom_endpoint == "/x"; }},
      {{"-m", "a", "--custom-endpoint", ""},
       [](const Config& c) { return c.custom_endpoint == ""; }},
      {{"-m", "a", "-u", "h:1"}, [](const Config& c) { return c.urls[0] == "http://h:1"; }},
      {{"-m", "a", "--url", "h:1"}, [](const Config& c) { return c.urls[0] == "http://h:1"; }},
      {{"-m", "a", "-H", "A:b"}, [](const Config& c) { return c.headers[0].first == "A"; }},
      {{"-m", "a", "--header", "A:b"}, [](const Config& c) { return c.headers[0].second == "b"; }},
      {{"-m", "a", "--arrival-pattern", "constant", "--request-rate", "2"},
       [](const Config& c) { return c.arrival_pattern == ArrivalPattern::kConstant; }},
      {{"-m", "a", "--request-rate-mode", "constant", "--request-rate", "2"},
       [](const Config& c) { return c.arrival_pattern == ArrivalPattern::kConstant; }},
      {{"-m", "a", "--request-rate", "2", "--arrival-pattern", "gamma", "--arrival-smoothness",
        "2"},
       [](const Config& c) { return c.arrival_smoothness == 2.0; }},
      {{"-m", "a", "--request-rate", "2", "--arrival-pattern", "gamma", "--vllm-burstiness", "3"},
       [](const Config& c) { return c.arrival_smoothness == 3.0; }},
      {{"-m", "a", "--request-count", "7"}, [](const Config& c) { return c.request_count == 7; }},
      {{"-m", "a", "--num-requests", "7"}, [](const Config& c) { return c.request_count == 7; }},
      {{"-m", "a", "--warmup-request-count", "3"},
       [](const Config& c) { return c.warmup_request_count == 3; }},
      {{"-m", "a", "--num-warmup-requests", "3"},
       [](const Config& c) { return c.warmup_request_count == 3; }},
      {{"-m", "a", "--isl", "9"}, [](const Config& c) { return c.isl_mean == 9; }},
      {{"-m", "a", "--synthetic-input-tokens-mean", "9"},
       [](const Config& c) { return c.isl_mean == 9; }},
      {{"-m", "a", "--prompt-input-tokens-mean", "9"},
       [](const Config& c) { return c.isl_mean == 9; }},
      {{"-m", "a", "--isl-stddev", "2.5"}, [](const Config& c) { return c.isl_stddev == 2.5; }},
      {{"-m", "a", "--synthetic-input-tokens-stddev", "2.5"},
       [](const Config& c) { return c.isl_stddev == 2.5; }},
      {{"-m", "a", "--prompt-input-tokens-stddev", "2.5"},
       [](const Config& c) { return c.isl_stddev == 2.5; }},
      {{"-m", "a", "--osl", "8"}, [](const Config& c) { return c.osl_mean == 8; }},
      {{"-m", "a", "--output-tokens-mean", "8"}, [](const Config& c) { return c.osl_mean == 8; }},
      {{"-m", "a", "--prompt-output-tokens-mean", "8"},
       [](const Config& c) { return c.osl_mean == 8; }},
      {{"-m", "a", "--osl-stddev", "1"}, [](const Config& c) { return c.osl_stddev == 1.0; }},
      {{"-m", "a", "--output-tokens-stddev", "1"},
       [](const Config& c) { return c.osl_stddev == 1.0; }},
      {{"-m", "a", "--prompt-output-tokens-stddev", "1"},
       [](const Config& c) { return c.osl_stddev == 1.0; }},
      {{"-m", "a", "--num-dataset-entries", "5"},
       [](const Config& c) { return c.num_dataset_entries == 5; }},
      {{"-m", "a", "--num-prompts", "5"},
       [](const Config& c) { return c.num_dataset_entries == 5; }},
      {{"-m", "a", "--artifact-dir", "out"},
       [](const Config& c) { return c.artifact_dir == "out"; }},
      {{"-m", "a", "--output-artifact-dir", "out"},
       [](const Config& c) { return c.artifact_dir == "out"; }},
      {{"-m", "a", "--profile-export-prefix", "p"},
       [](const Config& c) { return c.profile_export_prefix == "p"; }},
      {{"-m", "a", "--profile-export-file", "p"},
       [](const Config& c) { return c.profile_export_prefix == "p"; }},
      {{"-m", "a", "--export-level", "raw"},
       [](const Config& c) { return c.export_level == ExportLevel::kRaw; }},
      {{"-m", "a", "--profile-export-level", "summary"},
       [](const Config& c) { return c.export_level == ExportLevel::kSummary; }},
      {{"-m", "a", "--ui", "simple"}, [](const Config& c) { return c.ui == UiType::kSimple; }},
      {{"-m", "a", "--ui-type", "simple"}, [](const Config& c) { return c.ui == UiType::kSimple; }},
      {{"-m", "a", "-v"}, [](const Config& c) { return c.log_level == LogLevel::kDebug; }},
      {{"-m", "a", "--verbose"}, [](const Config& c) { return c.log_level == LogLevel::kDebug; }},
      {{"-m", "a", "-vv"}, [](const Config& c) { return c.log_level == LogLevel::kTrace; }},
      {{"-m", "a", "--extra-verbose"},
       [](const Config& c) { return c.log_level == LogLevel::kTrace; }},
      {{"-m", "a", "--generate-plots"}, [](const Config& c) { return c.generate_plots; }},
      {{"-m", "a", "--auto-plot", "--plot-required"},
       [](const Config& c) { return c.generate_plots && c.plot_required; }},
      {{"-m", "a", "--no-auto-plot"}, [](const Config& c) { return !c.generate_plots; }},
      {{"-m", "a", "--workers-max", "3"}, [](const Config& c) { return c.workers_max == 3; }},
      {{"-m", "a", "--max-workers", "3"}, [](const Config& c) { return c.workers_max == 3; }},
      {{"-m", "a", "--streaming"}, [](const Config& c) { return c.streaming; }},
      {{"-m", "a", "--api-key", "k"}, [](const Config& c) { return c.api_key == "k"; }},
      {{"-m", "a", "--use-legacy-max-tokens"},
       [](const Config& c) { return c.use_legacy_max_tokens; }},
      {{"-m", "a", "--use-server-token-count"},
       [](const Config& c) { return c.use_server_token_count; }},
      {{"-m", "a", "--insecure"}, [](const Config& c) { return c.tls_insecure; }},
      {{"-m", "a", "--tokenizer", "t"}, [](const Config& c) { return c.tokenizer_spec() == "t"; }},
      {{"-m", "a", "--tokenizer-revision", "v1"},
       [](const Config& c) { return c.tokenizer_revision == "v1"; }},
      {{"-m", "a", "--tokenizer-trust-remote-code"},
       [](const Config& c) { return c.tokenizer_trust_remote_code; }},
      {{"-m", "a", "--endpoint-type", "completions"},
       [](const Config& c) { return c.endpoint_type == EndpointType::kCompletions; }},
      {{"-m", "a", "--model-selection-strategy", "random"},
       [](const Config& c) { return c.model_selection == ModelSelection::kRandom; }},
      {{"-m", "a", "--request-timeout-seconds", "1.5"},
       [](const Config& c) { return c.request_timeout_s == 1.5; }},
      {{"-m", "a", "--random-seed", "42"}, [](const Config& c) { return c.random_seed == 42u; }},
      {{"-m", "a", "--benchmark-duration", "5"},
       [](const Config& c) { return c.benchmark_duration_s == 5.0; }},
      {{"-m", "a", "--benchmark-duration", "5", "--benchmark-grace-period", "2"},
       [](const Config& c) { return c.benchmark_grace_period_s == 2.0; }},
      {{"-m", "a", "--warmup-duration", "2"},
       [](const Config& c) { return c.warmup_duration_s == 2.0; }},
      {{"-m", "a", "--log-level", "warning"},
       [](const Config& c) { return c.log_level == LogLevel::kWarning; }},
      {{"-m", "a", "--goodput", "request_latency:250"},
       [](const Config& c) { return c.goodput.size() == 1; }},
      {{"-m", "a", "--concurrency", "4"}, [](const Config& c) { return c.concurrency == 4; }},
      {{"-m", "a", "--request-rate", "4"}, [](const Config& c) { return c.request_rate == 4.0; }},
      {{"-m", "a", "--extra-inputs", "k:1"},
       [](const Config& c) { return c.extra_inputs_json == "{\"k\":1}"; }},
      // ---- workloads (issue 5)
      {{"-m", "a", "--input-file", kSingleTurn},
       [](const Config& c) { return c.input_file == kSingleTurn; }},
      {{"-m", "a", "--input-file", kMooncake, "--custom-dataset-type", "mooncake_trace",
        "--no-fixed-schedule"},
       [](const Config& c) {
         return c.custom_dataset_type == CustomDatasetType::kMooncakeTrace &&
                c.fixed_schedule == false && c.timing_mode == TimingMode::kConcurrency;
       }},
      {{"-m", "a", "--public-dataset", "sharegpt"},
       [](const Config& c) { return c.public_dataset == "sharegpt"; }},
      {{"-m", "a", "--public-dataset", "spec_al_mbpp", "--hf-subset", "sanitized"},
       [](const Config& c) { return c.hf_subset == "sanitized"; }},
      {{"-m", "a", "--dataset-sampling-strategy", "shuffle"},
       [](const Config& c) { return c.dataset_sampling_strategy == SamplingStrategy::kShuffle; }},
      {{"-m", "a", "--input-file", kMooncake, "--fixed-schedule", "--fixed-schedule-auto-offset",
        "--fixed-schedule-end-offset", "9"},
       [](const Config& c) {
         return c.timing_mode == TimingMode::kFixedSchedule &&
                c.fixed_schedule_auto_offset == true && c.fixed_schedule_end_offset_ms == 9;
       }},
      {{"-m", "a", "--input-file", kMooncake, "--fixed-schedule-start-offset", "5"},
       [](const Config& c) {
         return c.fixed_schedule_start_offset_ms == 5 && c.fixed_schedule_auto_offset == false;
       }},
      {{"-m", "a", "--conversation-num", "4"}, [](const Config& c) { return c.num_sessions == 4; }},
      {{"-m", "a", "--num-conversations", "4"},
       [](const Config& c) { return c.num_sessions == 4; }},
      {{"-m", "a", "--num-sessions", "4"}, [](const Config& c) { return c.num_sessions == 4; }},
      {{"-m", "a", "--conversation-turn-mean", "3"},
       [](const Config& c) { return c.session_turns_mean == 3.0; }},
      {{"-m", "a", "--session-turns-mean", "3"},
       [](const Config& c) { return c.session_turns_mean == 3.0; }},
      {{"-m", "a", "--conversation-turn-stddev", "2"},
       [](const Config& c) { return c.session_turns_stddev == 2.0; }},
      {{"-m", "a", "--session-turns-stddev", "2"},
       [](const Config& c) { return c.session_turns_stddev == 2.0; }},
      {{"-m", "a", "--conversation-turn-delay-mean", "5"},
       [](const Config& c) { return c.session_turn_delay_mean_ms == 5.0; }},
      {{"-m", "a", "--session-turn-delay-mean", "5"},
       [](const Config& c) { return c.session_turn_delay_mean_ms == 5.0; }},
      {{"-m", "a", "--conversation-turn-delay-stddev", "5"},
       [](const Config& c) { return c.session_turn_delay_stddev_ms == 5.0; }},
      {{"-m", "a", "--session-turn-delay-stddev", "5"},
       [](const Config& c) { return c.session_turn_delay_stddev_ms == 5.0; }},
      {{"-m", "a", "--conversation-turn-delay-ratio", "0.5"},
       [](const Config& c) { return c.session_turn_delay_ratio == 0.5; }},
      {{"-m", "a", "--session-delay-ratio", "0.5"},
       [](const Config& c) { return c.session_turn_delay_ratio == 0.5; }},
      {{"-m", "a", "--inter-turn-delay-cap-seconds", "2"},
       [](const Config& c) { return c.inter_turn_delay_cap_s == 2.0; }},
      {{"-m", "a", "--prompt-batch-size", "3"},
       [](const Config& c) { return c.prompt_batch_size == 3; }},
      {{"-m", "a", "--batch-size-text", "2"},
       [](const Config& c) { return c.prompt_batch_size == 2; }},
      {{"-m", "a", "--batch-size", "0"}, [](const Config& c) { return c.prompt_batch_size == 0; }},
      {{"-m", "a", "-b", "4"}, [](const Config& c) { return c.prompt_batch_size == 4; }},
      {{"-m", "a", "--prompt-prefix-pool-size", "3", "--prompt-prefix-length", "7"},
       [](const Config& c) { return c.num_prefix_prompts == 3 && c.prefix_prompt_length == 7; }},
      {{"-m", "a", "--prefix-prompt-pool-size", "3", "--prefix-prompt-length", "7"},
       [](const Config& c) { return c.num_prefix_prompts == 3 && c.prefix_prompt_length == 7; }},
      {{"-m", "a", "--num-prefix-prompts", "3", "--prefix-prompt-length", "7"},
       [](const Config& c) { return c.num_prefix_prompts == 3; }},
      {{"-m", "a", "--shared-system-prompt-length", "8"},
       [](const Config& c) { return c.shared_system_prompt_length == 8; }},
      {{"-m", "a", "--user-context-prompt-length", "9"},
       [](const Config& c) { return c.user_context_prompt_length == 9; }},
      {{"-m", "a", "--isl-block-size", "16"},
       [](const Config& c) { return c.isl_block_size == 16; }},
      {{"-m", "a", "--prompt-input-tokens-block-size", "16"},
       [](const Config& c) { return c.isl_block_size == 16; }},
      {{"-m", "a", "--synthetic-input-tokens-block-size", "16"},
       [](const Config& c) { return c.isl_block_size == 16; }},
      {{"-m", "a", "--seq-dist", "128,64:100"},
       [](const Config& c) { return c.seq_dist.has_value(); }},
      {{"-m", "a", "--sequence-distribution", "128,64:100"},
       [](const Config& c) { return c.seq_dist == "128,64:100"; }},
      {{"-m", "a", "--synthesis-speedup-ratio", "2"},
       [](const Config& c) { return c.synthesis_speedup_ratio == 2.0; }},
      {{"-m", "a", "--synthesis-prefix-len-multiplier", "2"},
       [](const Config& c) { return c.synthesis_prefix_len_multiplier == 2.0; }},
      {{"-m", "a", "--synthesis-prefix-root-multiplier", "2"},
       [](const Config& c) { return c.synthesis_prefix_root_multiplier == 2; }},
      {{"-m", "a", "--synthesis-prompt-len-multiplier", "2"},
       [](const Config& c) { return c.synthesis_prompt_len_multiplier == 2.0; }},
      {{"-m", "a", "--synthesis-output-len-multiplier", "2"},
       [](const Config& c) { return c.synthesis_output_len_multiplier == 2.0; }},
      {{"-m", "a", "--synthesis-max-isl", "100"},
       [](const Config& c) { return c.synthesis_max_isl == 100; }},
      {{"-m", "a", "--synthesis-max-osl", "100"},
       [](const Config& c) { return c.synthesis_max_osl == 100; }},
      // Audio / Image / Video Input (spec §1.3)
      {{"-m", "a", "--audio-length-mean", "0.5", "--audio-batch-size", "2"},
       [](const Config& c) { return c.audio_length_mean_s == 0.5 && c.audio_batch_size == 2; }},
      {{"-m", "a", "--audio-length-mean", "0.5", "--batch-size-audio", "2"},
       [](const Config& c) { return c.audio_batch_size == 2; }},
      {{"-m", "a", "--audio-length-mean", "0.5", "--audio-length-stddev", "0.1"},
       [](const Config& c) { return c.audio_length_stddev_s == 0.1; }},
      {{"-m", "a", "--audio-format", "mp3"},
       [](const Config& c) { return c.audio_format == AudioFormat::kMp3; }},
      {{"-m", "a", "--audio-depths", "24"},
       [](const Config& c) { return c.audio_depths == std::vector<int64_t>{24}; }},
      {{"-m", "a", "--audio-sample-rates", "44.1"},
       [](const Config& c) { return c.audio_sample_rates_khz == std::vector<double>{44.1}; }},
      {{"-m", "a", "--audio-num-channels", "2"},
       [](const Config& c) { return c.audio_num_channels == 2; }},
      {{"-m", "a", "--image-width-mean", "8", "--image-height-mean", "9"},
       [](const Config& c) { return c.image_width_mean == 8 && c.image_height_mean == 9; }},
      {{"-m", "a", "--image-width-mean", "8", "--image-height-mean", "9", "--image-width-stddev",
        "1", "--image-height-stddev", "2"},
       [](const Config& c) { return c.image_width_stddev == 1 && c.image_height_stddev == 2; }},
      {{"-m", "a", "--image-batch-size", "3"},
       [](const Config& c) { return c.image_batch_size == 3; }},
      {{"-m", "a", "--batch-size-image", "3"},
       [](const Config& c) { return c.image_batch_size == 3; }},
      {{"-m", "a", "--image-format", "jpeg"},
       [](const Config& c) { return c.image_format == ImageFormat::kJpeg; }},
      {{"-m", "a", "--image-source", "assets", "--image-source-sampling", "sequential-cycle"},
       [](const Config& c) {
         return c.image_source == "assets" &&
                c.image_source_sampling == ImageSourceSampling::kSequentialCycle;
       }},
      {{"-m", "a", "--video-batch-size", "0", "--video-duration", "2", "--video-fps", "8"},
       [](const Config& c) {
         return c.video_batch_size == 0 && c.video_duration_s == 2 && c.video_fps == 8;
       }},
      {{"-m", "a", "--batch-size-video", "2"},
       [](const Config& c) { return c.video_batch_size == 2; }},
      {{"-m", "a", "--video-width", "64", "--video-height", "48", "--video-batch-size", "0"},
       [](const Config& c) { return c.video_width == 64 && c.video_height == 48; }},
      {{"-m", "a", "--video-synth-type", "grid_clock", "--video-format", "mp4", "--video-codec",
        "libx264"},
       [](const Config& c) {
         return c.video_synth_type == VideoSynthType::kGridClock &&
                c.video_format == VideoFormat::kMp4 && c.video_codec == "libx264";
       }},
      {{"-m", "a", "--video-audio-sample-rate", "16000", "--video-audio-num-channels", "2",
        "--video-audio-codec", "libopus", "--video-audio-depth", "24"},
       [](const Config& c) {
         return c.video_audio_sample_rate == 16000 && c.video_audio_num_channels == 2 &&
                c.video_audio_codec == "libopus" && c.video_audio_depth == 24;
       }},
      {{"-m", "a", "--warmup-request-count", "2", "--num-warmup-sessions", "3",
        "--warmup-concurrency", "4", "--warmup-request-rate", "5", "--warmup-arrival-pattern",
        "gamma"},
       [](const Config& c) {
         return c.warmup_request_count == 2 && !c.warmup_num_sessions &&
                c.warmup_concurrency == 4 && c.warmup_request_rate == 5.0 &&
                c.warmup_arrival_pattern == ArrivalPattern::kGamma;
       }},
      {{"-m", "a", "--warmup-duration", "5", "--warmup-grace-period", "1.5"},
       [](const Config& c) { return c.warmup_grace_period_s == 1.5; }},
      {{"-m", "a", "--user-centric-rate", "2", "--num-users", "3", "--session-turns-mean", "2"},
       [](const Config& c) {
         return c.timing_mode == TimingMode::kUserCentric && c.user_centric_rate == 2.0 &&
                c.num_users == 3;
       }},
      {{"-m", "a", "--endpoint-type", "video_generation", "--download-video-content"},
       [](const Config& c) {
         return c.endpoint_type == EndpointType::kVideoGeneration && c.download_video_content;
       }},
      {{"-m", "a", "--endpoint-type", "nim_rankings", "--rankings-passages-mean", "2",
        "--rankings-passages-stddev", "1", "--rankings-passages-prompt-token-mean", "30",
        "--rankings-passages-prompt-token-stddev", "3", "--rankings-query-prompt-token-mean", "9",
        "--rankings-query-prompt-token-stddev", "1"},
       [](const Config& c) {
         return c.rankings_passages_mean == 2 && c.rankings_passages_stddev == 1 &&
                c.rankings_passages_prompt_token_mean == 30 &&
                c.rankings_passages_prompt_token_stddev == 3 &&
                c.rankings_query_prompt_token_mean == 9 &&
                c.rankings_query_prompt_token_stddev == 1;
       }},
      // Several servers and readiness (issue 9; more in compat_options_test.cpp).
      {{"-m", "a", "-u", "h:1", "h:2", "--url-strategy", "round_robin"},
       [](const Config& c) { return c.urls.size() == 2; }},
      {{"-m", "a", "--connection-reuse-strategy", "sticky-user-sessions"},
       [](const Config& c) { return c.connection_reuse == ConnectionReuse::kStickyUserSessions; }},
      {{"-m", "a", "--wait-for-model-timeout", "30", "--wait-for-model-mode", "both",
        "--wait-for-model-interval", "0.5"},
       [](const Config& c) {
         return c.wait_for_model_timeout_s == 30 &&
                c.wait_for_model_mode == WaitForModelMode::kBoth &&
                c.wait_for_model_interval_s == 0.5;
       }},
      // Tutorial spellings (issue 9).
      {{"-m", "a", "--input-tokens-mean", "9", "--input-tokens-stddev", "2"},
       [](const Config& c) { return c.isl_mean == 9 && c.isl_stddev == 2; }},
      {{"-m", "a", "--duration", "5"},
       [](const Config& c) { return c.benchmark_duration_s == 5.0; }},
      {{"-m", "a", "--max-concurrency", "4", "--request-rate", "2"},
       [](const Config& c) { return c.concurrency == 4 && c.request_rate == 2.0; }},
      {{"-m", "a", "--warmup-requests", "3"},
       [](const Config& c) { return c.warmup_request_count == 3; }},
      {{"-m", "a", "--dataset", "sharegpt"},
       [](const Config& c) { return c.public_dataset == "sharegpt"; }},
      {{"-m", "a", "--request-timeout", "1500"},
       [](const Config& c) { return c.request_timeout_s == 1.5; }},
      {{"-m", "a", "--trace-file", kMooncake},
       [](const Config&
              c) { return c.input_file == kMooncake && c.timing_mode == TimingMode::kFixedSchedule; }},
      {{"-m", "a", "--streaming", "--goodput-ttft", "50", "--goodput-itl", "5", "--goodput-e2e",
        "900"},
       [](const Config& c) { return c.goodput.size() == 3; }},
      // Server Metrics / GPU Telemetry (more in telemetry_options_test.cpp).
      {{"-m", "a", "--server-metrics", "h:1", "--server-metrics-formats", "jsonl"},
       [](const Config& c) {
         return c.server_metrics_urls == std::vector<std::string>{"http://h:1/metrics"} &&
                c.server_metrics_formats == std::vector<std::string>{"jsonl"};
       }},
      {{"-m", "a", "--no-server-metrics", "--no-gpu-telemetry"},
       [](const Config& c) { return !c.server_metrics_enabled && !c.gpu_telemetry_enabled; }},
      {{"-m", "a", "--gpu-telemetry", "--streaming"},  // bare, as AIPerf's docs spell it
       [](const Config& c) {
         return c.gpu_telemetry_console && c.streaming && c.gpu_telemetry_urls.empty() &&
                !c.gpu_telemetry_nvml;
       }},
      {{"-m", "a", "--gpu-telemetry"},
       [](const Config& c) { return c.gpu_telemetry_console && c.gpu_telemetry_urls.empty(); }},
      {{"-m", "a", "--gpu-telemetry", "pynvml"},
       [](const Config& c) { return c.gpu_telemetry_nvml && c.gpu_telemetry_console; }},
      // Load shaping, cancellation, HTTP trace, network latency (options_shaping.cpp).
      {{"-m", "a", "--streaming", "--concurrency", "4", "--prefill-concurrency", "2",
        "--concurrency-ramp-duration", "1.5", "--prefill-concurrency-ramp-duration", "2"},
       [](const Config& c) {
         return c.prefill_concurrency == 2 && c.concurrency_ramp_duration_s == 1.5 &&
                c.prefill_concurrency_ramp_duration_s == 2.0;
       }},
      {{"-m", "a", "--request-rate", "5", "--request-rate-ramp-duration", "3"},
       [](const Config& c) { return c.request_rate_ramp_duration_s == 3.0; }},
      {{"-m", "a", "--request-rate-series", "10:30s,50:1m"},
       [](const Config& c) {
         return c.request_rate_series.size() == 2 && c.request_rate_series[1].duration_s == 60.0;
       }},
      {{"-m", "a", "--request-cancellation-rate", "25", "--request-cancellation-delay", "0.5"},
       [](const Config& c) {
         return c.request_cancellation_rate_pct == 25.0 && c.request_cancellation_delay_s == 0.5;
       }},
      {{"-m", "a", "--export-http-trace", "--show-trace-timing"},
       [](const Config& c) { return c.export_http_trace && c.show_trace_timing; }},
      {{"-m", "a", "--network-latency-automatic", "--network-latency-ping-interval", "0.5"},
       [](const Config& c) {
         return c.network_latency_automatic && c.network_latency_ping_interval_s == 0.5;
       }},
      {{"-m", "a", "--network-latency-mean", "1.5"},
       [](const Config& c) { return c.network_latency_mean_ms == 1.5; }},
      // Multi-Run, sweeps, capacity search, time slices (study_options_test.cpp has the rules).
      {{"-m", "a", "--slice-duration", "2"},
       [](const Config& c) { return c.slice_duration_s == 2.0; }},
      {{"-m", "a", "--num-profile-runs", "3", "--profile-run-cooldown-seconds", "1",
        "--confidence-level", "0.9", "--no-profile-run-disable-warmup-after-first",
        "--no-set-consistent-seed", "--vary-seed-per-trial"},
       [](const Config& c) {
         return c.study.num_profile_runs == 3 && c.study.profile_run_cooldown_s == 1 &&
                c.study.confidence_level == 0.9 && !c.study.disable_warmup_after_first &&
                !c.study.set_consistent_seed && c.study.vary_seed_per_trial;
       }},
      {{"-m", "a", "--runs", "2", "--profile-run-disable-warmup-after-first",
        "--set-consistent-seed", "--no-vary-seed-per-trial"},
       [](const Config& c) {
         return c.study.num_profile_runs == 2 && c.study.disable_warmup_after_first &&
                !c.study.vary_seed_per_trial && c.random_seed == 42u;
       }},
      {{"-m", "a", "--runs", "4", "--convergence-metric", "request_latency", "--convergence-stat",
        "p90", "--convergence-threshold", "0.2", "--convergence-mode", "cv"},
       [](const Config& c) {
         return c.study.convergence_metric == "request_latency" &&
                c.study.convergence_stat == "p90" && c.study.convergence_threshold == 0.2 &&
                c.study.convergence_mode == ConvergenceMode::kCv;
       }},
      {{"-m", "a", "--concurrency", "1,2", "--parameter-sweep-cooldown-seconds", "1",
        "--parameter-sweep-same-seed", "--parameter-sweep-mode", "independent", "--sweep-type",
        "zip"},
       [](const Config& c) {
         return c.study.parameter_sweep_cooldown_s == 1 && c.study.parameter_sweep_same_seed &&
                c.study.parameter_sweep_mode == SweepMode::kIndependent &&
                c.study.sweep_type == SweepType::kZip;
       }},
      {{"-m", "a", "--concurrency", "1,2", "--no-parameter-sweep-same-seed"},
       [](const Config& c) { return !c.study.parameter_sweep_same_seed; }},
      {{"-m", "a", "--concurrency-start", "1", "--concurrency-end", "5", "--concurrency-step", "2"},
       [](const Config& c) { return c.study.sweep.at(0).values.size() == 3; }},
      {{"-m", "a", "--goodput", "request_latency:9", "--search", "concurrency", "--search-target",
        "0.8", "--search-resolution", "2", "--search-start", "2", "--search-max", "64",
        "--search-max-probes", "9"},
       [](const Config& c) {
         return c.study.search == SearchParameter::kConcurrency && c.study.search_target == 0.8 &&
                c.study.search_resolution == 2.0 && c.study.search_start == 2.0 &&
                c.study.search_max == 64.0 && c.study.search_max_probes == 9;
       }},
      {{"-m", "a", "--streaming", "--concurrency", "8", "--prefill-concurrency", "4",
        "--request-rate", "5", "--concurrency-ramp-duration", "2", "--concurrency-ramp-strategy",
        "exponential", "--prefill-concurrency-ramp-duration", "2",
        "--prefill-concurrency-ramp-strategy", "Poisson", "--request-rate-ramp-duration", "3",
        "--request-rate-ramp-strategy", "linear", "--warmup-request-count", "4",
        "--warmup-prefill-concurrency", "2", "--warmup-concurrency-ramp-duration", "1",
        "--warmup-concurrency-ramp-strategy", "poisson", "--warmup-prefill-concurrency-ramp-duration",
        "1", "--warmup-prefill-concurrency-ramp-strategy", "linear",
        "--warmup-request-rate-ramp-duration", "1", "--warmup-request-rate-ramp-strategy",
        "exponential"},
       [](const Config& c) {
         const PhaseShaping p = c.profiling_shaping(), w = c.warmup_shaping();
         return p.concurrency_ramp == Ramp{2, RampType::kExponential} &&
                p.prefill_ramp == Ramp{2, RampType::kPoisson} &&
                p.rate_ramp == Ramp{3, RampType::kLinear} && w.prefill_concurrency == 2 &&
                w.concurrency_ramp == Ramp{1, RampType::kPoisson} &&
                w.prefill_ramp == Ramp{1, RampType::kLinear} &&
                w.rate_ramp == Ramp{1, RampType::kExponential};
       }},
      {{"-m", "a", "--isl-distribution", R"({"mean": 9, "median": 8})", "--osl-distribution",
        "12"},
       [](const Config& c) {
         return c.isl_distribution && c.osl_distribution && c.isl_mean == 9 && c.osl_mean == 12;
       }},
      // Scale-out and plugins (SourceIp below, transport/source_addrs_test.cpp, the Plugins tests).
      {{"-m", "a", "--source-ip", "127.0.0.2,127.0.0.3", "--plugin", "/x/libp.so", "--plugin",
        "/y"},
       [](const Config& c) {
         return c.source_ips == std::vector<std::string>{"127.0.0.2", "127.0.0.3"} &&
                c.plugins == std::vector<std::string>{"/x/libp.so", "/y"};
       }},
  };
  for (const auto& tc : cases) {
    std::string joined;
    for (const auto& a : tc.args) joined += a + " ";
    Config c = parse(tc.args);
    EXPECT_TRUE(tc.check(c)) << joined;
  }
  // Every name in the table is covered above (or is --help).
  for (const auto& name : profile_flag_names()) {
    if (name == "--help" || name == "-h") continue;
    if (name == "--config" || name == "-f") continue;  // needs a file: config_file_test.cpp
    bool covered = false;
    for (const auto& tc : cases) {
      for (const auto& a : tc.args) covered |= a == name;
    }
    EXPECT_TRUE(covered) << name;
  }
}

TEST(ProfileParse, SourceIpTakesAddressLiteralsOnly) {
  EXPECT_EQ(parse({"-m", "a", "--source-ip", "::1", "--source-ip", "[::1]"}).source_ips.size(), 2u);
  std::string e = error_of({"-m", "a", "--source-ip", "127.0.0.2,eth0"});
  EXPECT_NE(e.find("--source-ip: 'eth0' is not an IPv4 or IPv6 address"), std::string::npos) << e;
}

TEST(ProfileParse, InlineValuesAndNegativeNumbers) {
  EXPECT_EQ(parse({"-m", "a", "--concurrency=5"}).concurrency, 5);
  EXPECT_EQ(parse({"--model=a,b"}).models.size(), 2u);
  // A value may start with '-' when it is not an option name.
  EXPECT_EQ(parse({"-m", "a", "--api-key", "-abc"}).api_key, "-abc");
  // "-1" is taken as the value, then rejected by the range check.
  EXPECT_ERROR(Args({"-m", "a", "--random-seed", "-1"}), "--random-seed: must be >= 0 (got -1)");
}

TEST(ProfileModels, CommaAndRepeat) {
  Config c = parse({"-m", "a, b", "--model", "c"});
  EXPECT_EQ(c.models, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(c.artifact_dir, "artifacts/a_multi-openai-chat-concurrency1");
}

TEST(ProfileModels, Required) {
  EXPECT_ERROR_HAS(Args({}), "--model: at least one model name is required");
  EXPECT_ERROR_HAS(Args({"--streaming"}), "--model");
  EXPECT_ERROR_HAS(Args({"-m", "a,,b"}), "-m: empty item");
}

TEST(ProfileModels, SelectionStrategy) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--model-selection-strategy", "weighted"}),
                   "--model-selection-strategy: 'weighted'");
  EXPECT_ERROR(Args({"-m", "a", "--model-selection-strategy", "rr"}),
               "--model-selection-strategy: invalid choice 'rr' (choose from: round_robin, "
               "random)");
}

TEST(ProfileEndpoint, TypesNotInThisBuildAreRejected) {
  // image_edit, image_retrieval, solido_rag and raw are AIPerf choices this build does not speak.
  for (const char* other : {"rankings", "raw", "image_edit", "solido_rag"}) {
    EXPECT_ERROR_HAS(Args({"-m", "a", "--endpoint-type", other}),
                     std::string("--endpoint-type: invalid choice '") + other +
                         "' (choose from: chat, cohere_rankings, completions, responses,");
  }
}

TEST(ProfileUrls, NormalizeAndList) {
  Config c =
      parse({"-m", "a", "-u", "localhost:8000", "HTTPS://h.example/base", "--url", "a:1,b:2"});
  EXPECT_EQ(c.urls, (std::vector<std::string>{"http://localhost:8000", "https://h.example/base",
                                              "http://a:1", "http://b:2"}));
  EXPECT_EQ(parse({"-m", "a", "-u", "[::1]:9000"}).urls[0], "http://[::1]:9000");
}

TEST(ProfileUrls, Invalid) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "-u", "http://a b"}), "-u: invalid URL");
  EXPECT_ERROR_HAS(Args({"-m", "a", "-u", "http://a b"}), "whitespace");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--url", "ftp://h"}), "scheme 'ftp'");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--url", "ftp:h"}), "scheme 'ftp'");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--url", "http://"}), "missing host");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--url", "http://:80"}), "missing host");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--url", "h:0"}), "port '0' must be a number in 1..65535");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--url", "h:65536"}), "port '65536'");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--url", "h:x"}), "port 'x'");
  EXPECT_EQ(parse({"-m", "a", "--url", "h:65535"}).urls[0], "http://h:65535");
}

TEST(ProfileHeaders, PairsAndJson) {
  Config c = parse({"-m", "a", "-H", "X-A: 1, 2", "B:c", "--header", "{\"C\": \"d\"}"});
  ASSERT_EQ(c.headers.size(), 3u);
  EXPECT_EQ(c.headers[0], (std::pair<std::string, std::string>{"X-A", "1, 2"}));
  EXPECT_EQ(c.headers[1], (std::pair<std::string, std::string>{"B", "c"}));
  EXPECT_EQ(c.headers[2], (std::pair<std::string, std::string>{"C", "d"}));
  EXPECT_ERROR_HAS(Args({"-m", "a", "-H", "nocolon"}), "-H: 'nocolon' must be Name:Value");
  EXPECT_ERROR_HAS(Args({"-m", "a", "-H", "{\"C\": 1}"}), "must be a JSON string");
  EXPECT_ERROR_HAS(Args({"-m", "a", "-H", "{bad"}), "not a valid JSON object");
  EXPECT_ERROR_HAS(Args({"-m", "a", "-H", "Bad Name:x"}), "invalid character");
}

TEST(ProfileExtraInputs, CoercionJsonAndMerge) {
  Config c = parse({"-m", "a", "--extra-inputs", "t:0.7,n:5,b:true,z:null,s:abc,o:007", "neg:-3",
                    "--extra-inputs", "{\"n\": 6, \"obj\": {\"k\": [1]}}"});
  auto j = nlohmann::json::parse(c.extra_inputs_json);
  EXPECT_EQ(j["t"], 0.7);
  EXPECT_EQ(j["n"], 6);  // later wins
  EXPECT_EQ(j["b"], true);
  EXPECT_TRUE(j["z"].is_null());
  EXPECT_EQ(j["s"], "abc");
  EXPECT_EQ(j["o"], "007");
  EXPECT_EQ(j["neg"], -3);
  EXPECT_EQ(j["obj"]["k"][0], 1);
  EXPECT_ERROR_HAS(Args({"-m", "a", "--extra-inputs", "novalue"}), "--extra-inputs: item");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--extra-inputs", "{\"a\":"}), "not a valid JSON object");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--extra-inputs", ":1"}), "empty key");
}

TEST(ProfileNumbers, Ranges) {
  EXPECT_ERROR(Args({"-m", "a", "--concurrency", "0"}), "--concurrency: must be >= 1 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--concurrency", "abc"}),
               "--concurrency: expected an integer >= 1 (got 'abc')");
  EXPECT_ERROR(Args({"-m", "a", "--concurrency", "2.5"}),
               "--concurrency: expected an integer >= 1 (got '2.5')");
  EXPECT_EQ(parse({"-m", "a", "--concurrency", "1,2"}).study.sweep.size(), 1u);  // a sweep
  EXPECT_EQ(parse({"-m", "a", "--concurrency", "4,"}).concurrency, 4);
  EXPECT_ERROR(Args({"-m", "a", "--request-rate", "0"}), "--request-rate: must be > 0 (got 0)");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--request-rate", "inf"}), "finite");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--request-rate", "nan"}), "expected a number > 0");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--request-rate", "0x10"}), "expected a number > 0");
  EXPECT_ERROR(Args({"-m", "a", "--request-timeout-seconds", "0"}),
               "--request-timeout-seconds: must be > 0 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--request-count", "0"}), "--request-count: must be >= 1 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--num-requests", "0"}), "--num-requests: must be >= 1 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--benchmark-duration", "0"}),
               "--benchmark-duration: must be > 0 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--warmup-request-count", "0"}),
               "--warmup-request-count: must be >= 1 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--warmup-duration", "0"}),
               "--warmup-duration: must be > 0 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--isl", "-1"}), "--isl: must be >= 0 (got -1)");
  EXPECT_ERROR(Args({"-m", "a", "--isl-stddev", "-1"}), "--isl-stddev: must be >= 0 (got -1)");
  EXPECT_ERROR(Args({"-m", "a", "--osl", "0"}), "--osl: must be >= 1 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--osl-stddev", "-0.5"}), "--osl-stddev: must be >= 0 (got -0.5)");
  EXPECT_ERROR(Args({"-m", "a", "--num-dataset-entries", "0"}),
               "--num-dataset-entries: must be >= 1 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--workers-max", "0"}), "--workers-max: must be >= 1 (got 0)");
  EXPECT_ERROR(Args({"-m", "a", "--random-seed", "x"}),
               "--random-seed: expected an integer >= 0 (got 'x')");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--concurrency", "99999999999999999999"}), "out of range");
  EXPECT_ERROR(Args({"-m", "a", "--request-rate", "2", "--arrival-pattern", "gamma",
                     "--arrival-smoothness", "0"}),
               "--arrival-smoothness: must be > 0 (got 0)");
}

TEST(ProfileTiming, ConcurrencyMode) {
  Config c = parse({"-m", "a", "--concurrency", "10"});
  EXPECT_EQ(c.timing_mode, TimingMode::kConcurrency);
  EXPECT_EQ(c.concurrency, 10);
  EXPECT_EQ(c.artifact_dir, "artifacts/a-openai-chat-concurrency10");
}

TEST(ProfileTiming, RateMode) {
  Config c = parse({"-m", "a", "--request-rate", "5"});
  EXPECT_EQ(c.timing_mode, TimingMode::kRequestRate);
  EXPECT_EQ(c.request_rate, 5.0);
  EXPECT_EQ(c.arrival_pattern, ArrivalPattern::kPoisson);
  EXPECT_FALSE(c.concurrency);                           // no cap
  EXPECT_EQ(c.artifact_dir, "artifacts/a-openai-chat");  // AIPerf's naming: no rate part
  Config capped = parse(
      {"-m", "a", "--request-rate", "5", "--concurrency", "3", "--endpoint-type", "completions"});
  EXPECT_EQ(capped.concurrency, 3);
  EXPECT_EQ(capped.artifact_dir, "artifacts/a-openai-completions-concurrency3");
}

TEST(ProfileTiming, ArrivalPatterns) {
  EXPECT_EQ(
      parse({"-m", "a", "--request-rate", "1", "--arrival-pattern", "constant"}).arrival_pattern,
      ArrivalPattern::kConstant);
  Config burst =
      parse({"-m", "a", "--request-rate", "1", "--arrival-pattern", "concurrency_burst"});
  EXPECT_EQ(burst.arrival_pattern, ArrivalPattern::kPoisson);
  EXPECT_TRUE(has_warning(burst, "concurrency_burst"));
  Config ignored = parse({"-m", "a", "--arrival-pattern", "gamma"});
  EXPECT_EQ(ignored.timing_mode, TimingMode::kConcurrency);
  EXPECT_TRUE(has_warning(ignored, "--arrival-pattern has no effect without --request-rate"));
  EXPECT_ERROR(Args({"-m", "a", "--arrival-pattern", "uniform"}),
               "--arrival-pattern: invalid choice 'uniform' (choose from: constant, poisson, "
               "gamma, concurrency_burst)");
}

TEST(ProfileTiming, SmoothnessOnlyWithGamma) {
  const std::string msg = "--arrival-smoothness is only supported with --arrival-pattern gamma.";
  EXPECT_ERROR_HAS(Args({"-m", "a", "--request-rate", "1", "--arrival-pattern", "poisson",
                         "--arrival-smoothness", "2"}),
                   msg);
  EXPECT_ERROR_HAS(Args({"-m", "a", "--arrival-smoothness", "2"}), msg);
  EXPECT_ERROR_HAS(Args({"-m", "a", "--vllm-burstiness", "2", "--concurrency", "2"}), msg);
  Config g = parse({"-m", "a", "--request-rate", "1", "--vllm-burstiness", "0.5"});
  EXPECT_EQ(g.arrival_pattern, ArrivalPattern::kGamma);  // smoothness alone selects gamma
  EXPECT_EQ(g.arrival_smoothness, 0.5);
  EXPECT_EQ(
      parse({"-m", "a", "--request-rate", "1", "--arrival-pattern", "gamma"}).arrival_smoothness,
      1.0);
}

TEST(ProfileStop, DefaultsAndDuration) {
  Config d = parse({"-m", "a", "--benchmark-duration", "60"});
  EXPECT_FALSE(d.request_count);
  EXPECT_EQ(d.benchmark_duration_s, 60.0);
  EXPECT_EQ(d.benchmark_grace_period_s, 30.0);
  EXPECT_EQ(d.num_dataset_entries, 100);
  Config both = parse({"-m", "a", "--benchmark-duration", "60", "--request-count", "5"});
  EXPECT_EQ(both.request_count, 5);
  EXPECT_EQ(both.benchmark_duration_s, 60.0);
}

TEST(ProfileStop, GracePeriod) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--benchmark-grace-period", "5"}),
                   "--benchmark-grace-period requires --benchmark-duration to be set.");
  EXPECT_EQ(parse({"-m", "a", "--benchmark-duration", "1", "--benchmark-grace-period", "0"})
                .benchmark_grace_period_s,
            0.0);
  EXPECT_TRUE(
      std::isinf(parse({"-m", "a", "--benchmark-duration", "1", "--benchmark-grace-period", "inf"})
                     .benchmark_grace_period_s));
  EXPECT_ERROR(Args({"-m", "a", "--benchmark-duration", "1", "--benchmark-grace-period", "-1"}),
               "--benchmark-grace-period: must be >= 0 (got -1)");
}

TEST(ProfileStop, WarmupCountWinsOverDuration) {
  Config c = parse({"-m", "a", "--warmup-request-count", "4", "--warmup-duration", "9"});
  EXPECT_EQ(c.warmup_request_count, 4);
  EXPECT_FALSE(c.warmup_duration_s);
  EXPECT_TRUE(has_warning(c, "--warmup-duration is ignored"));
}

TEST(ProfileDataset, EntriesResolution) {
  EXPECT_EQ(parse({"-m", "a"}).num_dataset_entries, 100);
  EXPECT_EQ(parse({"-m", "a", "--request-count", "37"}).num_dataset_entries, 37);
  EXPECT_EQ(
      parse({"-m", "a", "--request-count", "37", "--num-dataset-entries", "3"}).num_dataset_entries,
      3);
}

TEST(ProfileGoodput, Syntax) {
  Config c = parse({"-m", "a", "--goodput", "request_latency:250  time_to_first_token:50.5"});
  ASSERT_EQ(c.goodput.size(), 2u);
  EXPECT_EQ(c.goodput[0], (std::pair<std::string, double>{"request_latency", 250.0}));
  EXPECT_EQ(c.goodput[1], (std::pair<std::string, double>{"time_to_first_token", 50.5}));
  EXPECT_ERROR_HAS(Args({"-m", "a", "--goodput", "request_latency"}), "is not tag:value");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--goodput", "request_latency:fast"}),
                   "--goodput: value for 'request_latency' must be a number");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--goodput", ":3"}), "empty metric tag");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--goodput", " "}), "--goodput: empty value");
  // Unquoted second pair: a stray argument, with a hint to quote.
  EXPECT_ERROR_HAS(Args({"-m", "a", "--goodput", "request_latency:1", "time_to_first_token:2"}),
                   "quote several goodput pairs");
}

TEST(ProfileOutput, ArtifactDirAndChoices) {
  EXPECT_EQ(parse({"-m", "org/m", "--artifact-dir", "/tmp/x"}).artifact_dir, "/tmp/x");
  EXPECT_ERROR(Args({"-m", "a", "--export-level", "all"}),
               "--export-level: invalid choice 'all' (choose from: summary, records, raw)");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--artifact-dir", ""}), "--artifact-dir: empty directory");
}

TEST(ProfileUi, DashboardIsKept) {
  Config c = parse({"-m", "a", "--ui", "dashboard"});
  EXPECT_EQ(c.ui, UiType::kDashboard);
  EXPECT_FALSE(has_warning(c, "dashboard"));
  EXPECT_TRUE(parse({"-m", "a", "--generate-plots"}).generate_plots);
  EXPECT_FALSE(parse({"-m", "a"}).generate_plots);
  EXPECT_ERROR(Args({"-m", "a", "--ui", "fancy"}),
               "--ui: invalid choice 'fancy' (choose from: none, simple, dashboard)");
}

TEST(ProfileService, LogLevels) {
  EXPECT_EQ(parse({"-m", "a", "--log-level", "debug"}).log_level, LogLevel::kDebug);
  EXPECT_EQ(parse({"-m", "a", "--log-level", "Critical"}).log_level, LogLevel::kCritical);
  EXPECT_EQ(parse({"-m", "a", "--log-level", "ERROR", "-v"}).log_level, LogLevel::kDebug);
  EXPECT_EQ(parse({"-m", "a", "-v", "-vv"}).log_level, LogLevel::kTrace);
  EXPECT_ERROR_HAS(Args({"-m", "a", "--log-level", "loud"}),
                   "--log-level: invalid choice 'loud' (choose from: TRACE, DEBUG, INFO, NOTICE, "
                   "WARNING, SUCCESS, ERROR, CRITICAL)");
}

TEST(ProfileTokenizer, PlaceholderModels) {
  Config c = parse({"-m", "mock-model"});
  EXPECT_EQ(c.tokenizer_spec(), "builtin");
  EXPECT_TRUE(has_warning(c, "builtin tokenizer"));
  Config t = parse({"-m", "Test-Model"});
  EXPECT_EQ(t.tokenizer_spec(), "builtin");
  Config explicit_tok = parse({"-m", "fake-model", "--tokenizer", "gpt2"});
  EXPECT_EQ(explicit_tok.tokenizer_spec(), "gpt2");
  EXPECT_TRUE(explicit_tok.warnings.empty());
  EXPECT_EQ(parse({"-m", "org/mock-model"}).tokenizer_spec(), "org/mock-model");
  EXPECT_EQ(parse({"-m", "mockingbird"}).tokenizer_spec(), "mockingbird");
  EXPECT_TRUE(is_placeholder_model_name("dummy-llm"));
  EXPECT_FALSE(is_placeholder_model_name("llama"));
}

TEST(ProfileErrors, UnknownFlagSuggestsNearest) {
  EXPECT_ERROR(Args({"-m", "a", "--concurency", "4"}),
               "unknown option --concurency; did you mean --concurrency?");
  EXPECT_ERROR(Args({"-m", "a", "--request_rate=4"}),
               "unknown option --request_rate; did you mean --request-rate?");
  EXPECT_ERROR(Args({"-m", "a", "--streming"}),
               "unknown option --streming; did you mean --streaming?");
  EXPECT_ERROR(Args({"-m", "a", "--zzzzzzzzzzzzzzzz"}),
               "unknown option --zzzzzzzzzzzzzzzz (see aiperf profile --help)");
  EXPECT_ERROR(Args({"-m", "a", "-x"}), "unknown option -x (see aiperf profile --help)");
  EXPECT_ERROR(Args({"-m", "a", "-concurrency", "2"}),
               "unknown option -concurrency; did you mean --concurrency?");
  EXPECT_ERROR(Args({"-m", "a", "-vvv"}), "unknown option -vvv; did you mean -vv?");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--"}), "unexpected argument '--'");
}

TEST(ProfileErrors, MissingValueSwitchValueRepeatStray) {
  EXPECT_ERROR(Args({"-m", "a", "--concurrency"}), "--concurrency: missing value (expected <int>)");
  EXPECT_ERROR(Args({"-m", "a", "--concurrency", "--streaming"}),
               "--concurrency: missing value (expected <int>)");
  EXPECT_ERROR(Args({"-m", "-v"}), "-m: missing value (expected <name>[,<name>...])");
  EXPECT_ERROR(Args({"-m", "a", "--streaming=yes"}),
               "--streaming: is a switch and takes no value (got '--streaming=yes')");
  EXPECT_ERROR(Args({"-m", "a", "--concurrency", "1", "--concurrency", "2"}),
               "--concurrency: given more than once ('1' and '2'); pass it once");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--concurrency", "1", "2"}), "unexpected argument '2'");
  // A switch may be repeated.
  EXPECT_TRUE(parse({"-m", "a", "--streaming", "--streaming"}).streaming);
}

TEST(ProfileErrors, NonUtf8AndControlCharacters) {
  EXPECT_ERROR(Args({"-m", "a", "--extra-inputs", "k:\xff"}),
               "argument 4 after 'profile' is not valid UTF-8; pass text in UTF-8");
  EXPECT_ERROR_HAS(Args({"-m", "\xc3"}), "argument 2");
  EXPECT_ERROR_HAS(Args({"-m", "\xed\xa0\x80"}), "argument 2");  // surrogate
  EXPECT_EQ(parse({"-m", "caf\xc3\xa9-\xf0\x9f\x98\x80"}).models[0],
            "caf\xc3\xa9-\xf0\x9f\x98\x80");
  EXPECT_ERROR(Args({"-m", "a", "\nx"}),
               "unexpected argument '\\nx'; aiperf profile takes only options (see aiperf "
               "profile --help)");
}

TEST(ProfileErrors, OneLineEach) {
  for (const Args& a : {Args{}, Args{"-m", "a", "--concurency"}, Args{"-m", "a", "-u", "ftp://x"},
                        Args{"-m", "a", "--benchmark-grace-period", "1"}}) {
    std::string e = error_of(a);
    EXPECT_FALSE(e.empty());
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
}

TEST(ProfileHelp, ListsEveryFlagGroupAndDefault) {
  std::string help;
  try {
    parse({"--concurency", "--help"});  // help wins over errors
    FAIL() << "expected HelpRequested";
  } catch (const HelpRequested& h) {
    help = h.text();
  }
  EXPECT_EQ(help, profile_help_text());
  for (const auto& name : profile_flag_names()) {
    // Whole-word match: the name followed by ',', ' ' or a newline.
    bool found = help.find(name + ",") != std::string::npos ||
                 help.find(name + " ") != std::string::npos ||
                 help.find(name + "\n") != std::string::npos;
    EXPECT_TRUE(found) << name;
  }
  for (const char* group :
       {"Endpoint:", "Tokenizer:", "Input:", "Fixed Schedule:", "Goodput:", "Conversation Input:",
        "Prefix Prompt:", "Synthesis:", "User-Centric Rate:", "Input Sequence Length (ISL):",
        "Output Sequence Length (OSL):", "Load Generator:", "Warmup:", "Output:", "UI:", "Service:",
        "Workers:"}) {
    EXPECT_NE(help.find(std::string("\n") + group + "\n"), std::string::npos) << group;
  }
  EXPECT_LT(help.find("Endpoint:"), help.find("Tokenizer:"));
  EXPECT_LT(help.find("Load Generator:"), help.find("Warmup:"));
  EXPECT_NE(help.find("-m, --model-names, --model"), std::string::npos);
  EXPECT_NE(help.find("-vv, --extra-verbose"), std::string::npos);
  EXPECT_NE(help.find("[default: 550]"), std::string::npos);
  EXPECT_NE(help.find("[default: http://localhost:8000]"), std::string::npos);
  EXPECT_NE(help.find("[default: 21600]"), std::string::npos);
  EXPECT_NE(help.find("--insecure"), std::string::npos);
  EXPECT_THROW(parse({"-h"}), HelpRequested);
}

}  // namespace
}  // namespace aiperf::config
