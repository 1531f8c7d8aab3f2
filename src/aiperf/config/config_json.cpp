// The exported (redacted) forms of a Config: `input_config` JSON and run_info.cli_command
// (spec §6.3; DESIGN §4: secrets never appear in logs or artifacts).
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>

#include "aiperf/config/cli_options.h"
#include "aiperf/config/speed_bench.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"

namespace aiperf::config {
namespace {

/// Replaces the password of "scheme://user:password@host" forms anywhere in `text`.
std::string redact_url_passwords(std::string text) {
  size_t pos = 0;
  while ((pos = text.find("://", pos)) != std::string::npos) {
    size_t auth = pos + 3;
    size_t end = text.find_first_of("/?# ", auth);
    if (end == std::string::npos) end = text.size();
    size_t at = text.rfind('@', end);
    if (at != std::string::npos && at >= auth) {
      size_t colon = text.find(':', auth);
      if (colon != std::string::npos && colon < at) {
        text.replace(colon + 1, at - colon - 1, kRedacted);
        end = text.find_first_of("/?# ", auth);
        if (end == std::string::npos) end = text.size();
      }
    }
    pos = end;
  }
  return text;
}

/// One -H value with credential values replaced; values that do not parse are kept as typed
/// unless they mention a credential-looking name.
std::string redact_header_arg(const std::string& value) {
  size_t first = value.find_first_not_of(" \t");
  if (first != std::string::npos && value[first] == '{') {
    nlohmann::json j = nlohmann::json::parse(value, nullptr, false);
    if (j.is_object()) {
      for (auto& [k, v] : j.items()) {
        if (is_credential_header(k)) v = kRedacted;
      }
      return j.dump();
    }
    return kRedacted;  // malformed JSON could still hold a secret
  }
  size_t colon = value.find(':');
  if (colon == std::string::npos) return value;
  if (is_credential_header(value.substr(0, colon))) return value.substr(0, colon + 1) + kRedacted;
  return value;
}

std::string shell_quote(const std::string& s) {
  if (s.empty()) return "''";
  bool safe = true;
  for (unsigned char c : s) {
    if (!(std::isalnum(c) || std::string_view("_@%+=:,./-").find(char(c)) != std::string::npos)) {
      safe = false;
      break;
    }
  }
  if (safe) return s;
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

nlohmann::ordered_json seconds(double s) {
  if (std::isinf(s)) return "inf";
  return s;
}

const char* phase_type(const Config& c) {
  if (c.timing_mode == TimingMode::kConcurrency) return "concurrency";
  if (c.timing_mode == TimingMode::kFixedSchedule) return "fixed_schedule";
  if (c.timing_mode == TimingMode::kUserCentric) return "user_centric";
  return to_string(c.arrival_pattern);
}

}  // namespace

// Keys in AIPerf's BenchmarkConfig field order (models, endpoint, datasets, phases, artifacts,
// slos, tokenizer, runtime, logging), so a reader sees the same layout. Two blocks older readers
// look for are added at the end of their object: endpoint.model_names and a top-level loadgen
// (AIPerf before its v2 config wrote them; plotting and comparison tools still read them).
nlohmann::ordered_json redacted_config_json(const Config& c) {
  using json = nlohmann::ordered_json;
  json models = {{"strategy", to_string(c.model_selection)}, {"items", json::array()}};
  for (const auto& m : c.models) models["items"].push_back({{"name", m}});

  json urls = json::array();
  for (const auto& u : c.urls) urls.push_back(redact_url_passwords(u));
  json headers = json::object();
  for (const auto& [k, v] : c.headers) headers[k] = is_credential_header(k) ? kRedacted : v;
  json endpoint = {{"urls", urls}};
  if (c.urls.size() > 1) endpoint["url_strategy"] = "round_robin";
  endpoint["type"] = to_string(c.endpoint_type);
  if (c.custom_endpoint) endpoint["path"] = *c.custom_endpoint;
  if (c.api_key) endpoint["api_key"] = kRedacted;
  endpoint["timeout"] = c.request_timeout_s;
  endpoint["streaming"] = c.streaming;
  if (c.connection_reuse != ConnectionReuse::kPooled) {
    endpoint["connection_reuse"] = to_string(c.connection_reuse);
  }
  endpoint["use_legacy_max_tokens"] = c.use_legacy_max_tokens;
  endpoint["use_server_token_count"] = c.use_server_token_count;
  endpoint["headers"] = headers;
  endpoint["extra"] = json::parse(c.extra_inputs_json, nullptr, false);
  if (endpoint["extra"].is_discarded()) endpoint["extra"] = json::object();
  if (c.wait_for_model_timeout_s > 0) {
    endpoint["wait_for_model_timeout"] = c.wait_for_model_timeout_s;
    endpoint["wait_for_model_interval"] = c.wait_for_model_interval_s;
    endpoint["wait_for_model_mode"] = to_string(c.wait_for_model_mode);
  }
  endpoint["tls_insecure"] = c.tls_insecure;  // our extension (--insecure)
  endpoint["model_names"] = c.models;         // older readers

  json prompts = {{"isl", {{"mean", c.isl_mean}, {"stddev", c.isl_stddev}}}};
  if (c.osl_mean) prompts["osl"] = {{"mean", *c.osl_mean}, {"stddev", c.osl_stddev}};
  if (c.prompt_batch_size != 1) prompts["batch_size"] = c.prompt_batch_size;
  json dataset = {{"name", "main"},
                  {"type", "synthetic"},
                  {"entries", c.num_dataset_entries},
                  {"prompts", prompts}};
  if (c.input_file) {
    dataset = {{"name", "main"}, {"type", "file"}, {"path", *c.input_file}};
    if (c.custom_dataset_type) dataset["format"] = custom_dataset_format(c);
    if (c.osl_mean) dataset["prompts"] = {{"osl", prompts["osl"]}};
  } else if (c.public_dataset) {
    dataset = {{"name", "main"}, {"type", "public"}, {"dataset", *c.public_dataset}};
    if (c.hf_subset) dataset["hf_subset"] = *c.hf_subset;
  } else {
    if (c.session_turns_mean != 1.0 || c.session_turns_stddev != 0.0) {
      dataset["turns"] = {{"mean", c.session_turns_mean}, {"stddev", c.session_turns_stddev}};
    }
    if (c.session_turn_delay_mean_ms > 0) {
      dataset["turn_delay"] = {{"mean", c.session_turn_delay_mean_ms},
                               {"stddev", c.session_turn_delay_stddev_ms},
                               {"ratio", c.session_turn_delay_ratio}};
    }
    if (c.seq_dist) dataset["sequence_distribution"] = *c.seq_dist;
    if (c.num_prefix_prompts > 0) {
      dataset["prefix_prompts"] = {{"pool_size", c.num_prefix_prompts},
                                   {"length", c.prefix_prompt_length}};
    }
    // Synthetic media, shaped like AIPerf's dataset images / audio / video sections.
    static constexpr const char* kImageFormats[] = {"png", "jpeg", "random"};
    static constexpr const char* kSampling[] = {"random-with-replacement", "shuffle-cycle",
                                                "sequential-cycle"};
    static constexpr const char* kSynth[] = {"moving_shapes", "grid_clock", "noise"};
    if (c.images_enabled()) {
      dataset["images"] = {
          {"batch_size", c.image_batch_size},
          {"width", {{"mean", c.image_width_mean}, {"stddev", c.image_width_stddev}}},
          {"height", {{"mean", c.image_height_mean}, {"stddev", c.image_height_stddev}}},
          {"format", kImageFormats[int(c.image_format)]},
          {"source", c.image_source},
          {"source_sampling", kSampling[int(c.image_source_sampling)]}};
    }
    if (c.audio_enabled()) {
      dataset["audio"] = {
          {"batch_size", c.audio_batch_size},
          {"length", {{"mean", c.audio_length_mean_s}, {"stddev", c.audio_length_stddev_s}}},
          {"format", c.audio_format == AudioFormat::kWav ? "wav" : "mp3"},
          {"sample_rates", c.audio_sample_rates_khz},
          {"depths", c.audio_depths},
          {"channels", c.audio_num_channels}};
    }
    if (c.video_enabled()) {
      dataset["video"] = {{"batch_size", c.video_batch_size},
                          {"duration", c.video_duration_s},
                          {"fps", c.video_fps},
                          {"width", *c.video_width},
                          {"height", *c.video_height},
                          {"synth_type", kSynth[int(c.video_synth_type)]},
                          {"format", c.video_format == VideoFormat::kWebm ? "webm" : "mp4"},
                          {"codec", c.video_codec}};
      if (c.video_audio_num_channels > 0) {
        dataset["video"]["audio"] = {{"sample_rate", c.video_audio_sample_rate},
                                     {"channels", c.video_audio_num_channels},
                                     {"depth", c.video_audio_depth}};
        if (c.video_audio_codec) dataset["video"]["audio"]["codec"] = *c.video_audio_codec;
      }
    }
  }
  // Synthetic and file-based conversations alike take the shared system prompt and context.
  if (c.shared_system_prompt_length) {
    dataset["prefix_prompts"]["shared_system_length"] = *c.shared_system_prompt_length;
  }
  if (c.user_context_prompt_length) {
    dataset["prefix_prompts"]["user_context_length"] = *c.user_context_prompt_length;
  }
  if (c.dataset_sampling_strategy) dataset["sampling"] = to_string(*c.dataset_sampling_strategy);

  auto load = [&](json& phase) {
    phase["type"] = phase_type(c);
    if (c.concurrency) phase["concurrency"] = *c.concurrency;
    if (c.timing_mode == TimingMode::kRequestRate) {
      phase["rate"] = *c.request_rate;
      if (c.arrival_pattern == ArrivalPattern::kGamma) phase["smoothness"] = c.arrival_smoothness;
    }
    if (c.timing_mode == TimingMode::kUserCentric) {
      phase["rate"] = *c.user_centric_rate;
      phase["users"] = *c.num_users;
    }
    if (c.timing_mode == TimingMode::kFixedSchedule) {
      phase["auto_offset"] = c.fixed_schedule_auto_offset.value_or(true);
      if (c.fixed_schedule_start_offset_ms) {
        phase["start_offset"] = *c.fixed_schedule_start_offset_ms;
      }
      if (c.fixed_schedule_end_offset_ms) phase["end_offset"] = *c.fixed_schedule_end_offset_ms;
    }
    // Load shaping (AIPerf's phase keys; the rate series is our extension).
    if (c.prefill_concurrency) phase["prefill_concurrency"] = *c.prefill_concurrency;
    if (c.concurrency_ramp_duration_s) {
      phase["concurrency_ramp"] = {{"duration", *c.concurrency_ramp_duration_s}};
    }
    if (c.prefill_concurrency_ramp_duration_s) {
      phase["prefill_ramp"] = {{"duration", *c.prefill_concurrency_ramp_duration_s}};
    }
    if (c.request_rate_ramp_duration_s) {
      phase["rate_ramp"] = {{"duration", *c.request_rate_ramp_duration_s}};
    }
    if (!c.request_rate_series.empty()) {
      json series = json::array();
      for (const auto& s : c.request_rate_series)
        series.push_back({{"rate", s.rate}, {"duration", s.duration_s}});
      phase["rate_series"] = series;
    }
    if (!c.request_rate_points.empty()) {
      json points = json::array();
      for (const auto& p : c.request_rate_points)
        points.push_back({{"time_s", p.time_s}, {"qps", p.qps}});
      phase["rate_series"] = {{"points", points}};
    }
  };
  json phases = json::array();
  if (c.warmup_request_count || c.warmup_duration_s) {
    json warmup = {{"name", "warmup"}};
    load(warmup);
    if (c.warmup_request_count) warmup["requests"] = *c.warmup_request_count;
    if (c.warmup_duration_s) warmup["duration"] = *c.warmup_duration_s;
    phases.push_back(warmup);
  }
  json profiling = {{"name", "profiling"}};
  load(profiling);
  if (c.request_count) profiling["requests"] = *c.request_count;
  if (c.num_sessions) profiling["sessions"] = *c.num_sessions;
  if (c.benchmark_duration_s) {
    profiling["duration"] = *c.benchmark_duration_s;
    profiling["grace_period"] = seconds(c.benchmark_grace_period_s);
  }
  if (c.request_cancellation_rate_pct) {
    profiling["cancellation"] = {{"rate", *c.request_cancellation_rate_pct},
                                 {"delay", c.request_cancellation_delay_s}};
  }
  phases.push_back(profiling);

  json out = {{"models", models},
              {"endpoint", endpoint},
              {"datasets", json::array({dataset})},
              {"phases", phases}};
  out["artifacts"] = {{"dir", c.artifact_dir}, {"export_level", to_string(c.export_level)}};
  if (c.profile_export_prefix) out["artifacts"]["prefix"] = *c.profile_export_prefix;
  if (c.slice_duration_s) out["artifacts"]["slice_duration"] = *c.slice_duration_s;
  // Telemetry (issue 12), shaped like AIPerf's server_metrics / gpu_telemetry sections; URLs may
  // carry passwords.
  json sm_urls = json::array();
  for (const auto& u : c.server_metrics_urls) sm_urls.push_back(redact_url_passwords(u));
  out["server_metrics"] = {{"enabled", c.server_metrics_enabled},
                           {"urls", sm_urls},
                           {"formats", c.server_metrics_formats}};
  json gpu_urls = json::array();
  for (const auto& u : c.gpu_telemetry_urls) gpu_urls.push_back(redact_url_passwords(u));
  out["gpu_telemetry"] = {{"enabled", c.gpu_telemetry_enabled},
                          {"collector", c.gpu_telemetry_nvml     ? "pynvml"
                                        : c.gpu_telemetry_amdsmi ? "amdsmi"
                                                                 : "dcgm"},
                          {"urls", gpu_urls}};
  if (!c.gpu_telemetry_metrics_files.empty()) {
    out["gpu_telemetry"]["metrics_files"] = c.gpu_telemetry_metrics_files;
  }
  if (!c.goodput.empty()) {
    json slos = json::object();
    for (const auto& [tag, v] : c.goodput) slos[tag] = v;
    out["slos"] = slos;
  }
  out["tokenizer"] = {{"name", c.tokenizer_spec()},
                      {"revision", c.tokenizer_revision},
                      {"trust_remote_code", c.tokenizer_trust_remote_code}};
  out["runtime"] = {{"ui", to_string(c.ui)}};
  if (c.workers_max > 0) out["runtime"]["workers_max"] = c.workers_max;
  out["logging"] = {{"level", to_string(c.log_level)}};
  // The flat load block of AIPerf's older config, for readers that look there.
  json loadgen = json::object();
  if (c.concurrency) loadgen["concurrency"] = *c.concurrency;
  if (c.request_rate) loadgen["request_rate"] = *c.request_rate;
  if (c.request_count) loadgen["request_count"] = *c.request_count;
  if (c.benchmark_duration_s) loadgen["benchmark_duration"] = *c.benchmark_duration_s;
  if (c.warmup_request_count) loadgen["warmup_request_count"] = *c.warmup_request_count;
  out["loadgen"] = loadgen;
  return out;
}

std::string redacted_command_line(const std::vector<std::string>& argv) {
  std::string out;
  enum class Next { kPlain, kSecret, kHeader } next = Next::kPlain;
  for (const auto& raw : argv) {
    std::string tok = raw;
    const bool option =
        tok.size() > 1 && tok[0] == '-' && !std::isdigit(static_cast<unsigned char>(tok[1]));
    if (next == Next::kSecret) {
      tok = kRedacted;
      next = Next::kPlain;
    } else if (next == Next::kHeader && !option) {
      tok = redact_header_arg(tok);  // -H takes several values in a row
    } else if (tok == "--api-key") {
      next = Next::kSecret;
    } else if (tok.rfind("--api-key=", 0) == 0) {
      tok = std::string("--api-key=") + kRedacted;
    } else if (tok == "-H" || tok == "--header") {
      next = Next::kHeader;
    } else if (tok.rfind("--header=", 0) == 0) {
      tok = "--header=" + redact_header_arg(tok.substr(9));
      next = Next::kHeader;
    } else if (option) {
      next = Next::kPlain;
    }
    tok = redact_url_passwords(tok);
    if (!out.empty()) out += ' ';
    out += shell_quote(tok);
  }
  return out;
}

}  // namespace aiperf::config
