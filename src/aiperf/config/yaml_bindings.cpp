// Config-file keys -> option occurrences: the one-to-one table, the envelope and the small
// sections (models, endpoint, tokenizer, artifacts, runtime, logging, slos). Datasets and
// phases are in yaml_dataset.cpp and yaml_phases.cpp. See yaml_bindings.h.
#include "aiperf/config/yaml_bindings.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "aiperf/common/error.h"
#include "aiperf/config/file_merge.h"
#include "aiperf/config/jinja_lite.h"

namespace aiperf::config::detail {
namespace {

using K = KeyKind;

const std::vector<SimpleKey> kSimpleKeys = {
    {"", "random_seed", "--random-seed", K::kInt},
    {"endpoint", "urls", "--url", K::kList},
    {"endpoint", "url", "--url", K::kList},
    {"endpoint", "type", "--endpoint-type", K::kText},
    {"endpoint", "path", "--custom-endpoint", K::kText},
    {"endpoint", "api_key", "--api-key", K::kText},
    {"endpoint", "timeout", "--request-timeout-seconds", K::kNumber},
    {"endpoint", "streaming", "--streaming", K::kSwitch},
    {"endpoint", "use_legacy_max_tokens", "--use-legacy-max-tokens", K::kSwitch},
    {"endpoint", "use_server_token_count", "--use-server-token-count", K::kSwitch},
    {"endpoint", "insecure", "--insecure", K::kSwitch},   // this build's extension
    {"endpoint", "source_ips", "--source-ip", K::kList},  // this build's extension
    {"endpoint", "url_strategy", "--url-strategy", K::kText},
    {"endpoint", "connection_reuse", "--connection-reuse-strategy", K::kText},
    {"endpoint", "download_video_content", "--download-video-content", K::kSwitch},
    {"endpoint", "wait_for_model_timeout", "--wait-for-model-timeout", K::kNumber},
    {"endpoint", "wait_for_model_interval", "--wait-for-model-interval", K::kNumber},
    {"endpoint", "wait_for_model_mode", "--wait-for-model-mode", K::kText},
    {"rankings.passages", "mean", "--rankings-passages-mean", K::kInt},
    {"rankings.passages", "stddev", "--rankings-passages-stddev", K::kInt},
    {"rankings.passage_tokens", "mean", "--rankings-passages-prompt-token-mean", K::kInt},
    {"rankings.passage_tokens", "stddev", "--rankings-passages-prompt-token-stddev", K::kInt},
    {"rankings.query_tokens", "mean", "--rankings-query-prompt-token-mean", K::kInt},
    {"rankings.query_tokens", "stddev", "--rankings-query-prompt-token-stddev", K::kInt},
    {"tokenizer", "name", "--tokenizer", K::kText},
    {"tokenizer", "revision", "--tokenizer-revision", K::kText},
    {"tokenizer", "trust_remote_code", "--tokenizer-trust-remote-code", K::kSwitch},
    {"dataset", "entries", "--num-dataset-entries", K::kInt},
    {"dataset", "sampling", "--dataset-sampling-strategy", K::kText},
    {"synthetic", "turn_delay_ratio", "--conversation-turn-delay-ratio", K::kNumber},
    {"file", "path", "--input-file", K::kText},
    {"file", "format", "--custom-dataset-type", K::kText},
    {"file", "inter_turn_delay_cap_seconds", "--inter-turn-delay-cap-seconds", K::kNumber},
    {"public", "dataset", "--public-dataset", K::kText},
    {"public", "hf_subset", "--hf-subset", K::kText},
    {"prompts", "block_size", "--prompt-input-tokens-block-size", K::kInt},
    {"prompts", "batch_size", "--prompt-batch-size", K::kInt},
    {"prefix_prompts", "pool_size", "--prompt-prefix-pool-size", K::kInt},
    {"prefix_prompts", "length", "--prompt-prefix-length", K::kInt},
    {"prefix_prompts", "shared_system_length", "--shared-system-prompt-length", K::kInt},
    {"prefix_prompts", "user_context_length", "--user-context-prompt-length", K::kInt},
    {"synthesis", "speedup_ratio", "--synthesis-speedup-ratio", K::kNumber},
    {"synthesis", "prefix_len_multiplier", "--synthesis-prefix-len-multiplier", K::kNumber},
    {"synthesis", "prefix_root_multiplier", "--synthesis-prefix-root-multiplier", K::kInt},
    {"synthesis", "prompt_len_multiplier", "--synthesis-prompt-len-multiplier", K::kNumber},
    {"synthesis", "output_len_multiplier", "--synthesis-output-len-multiplier", K::kNumber},
    {"synthesis", "max_isl", "--synthesis-max-isl", K::kInt},
    {"synthesis", "max_osl", "--synthesis-max-osl", K::kInt},
    {"images", "batch_size", "--image-batch-size", K::kInt},
    {"images", "format", "--image-format", K::kText},
    {"images", "source", "--image-source", K::kText},
    {"images", "source_sampling", "--image-source-sampling", K::kText},
    {"audio", "batch_size", "--audio-batch-size", K::kInt},
    {"audio", "format", "--audio-format", K::kText},
    {"audio", "sample_rates", "--audio-sample-rates", K::kList},
    {"audio", "depths", "--audio-depths", K::kList},
    {"audio", "channels", "--audio-num-channels", K::kInt},
    {"video", "batch_size", "--video-batch-size", K::kInt},
    {"video", "duration", "--video-duration", K::kNumber},
    {"video", "fps", "--video-fps", K::kInt},
    {"video", "width", "--video-width", K::kInt},
    {"video", "height", "--video-height", K::kInt},
    {"video", "format", "--video-format", K::kText},
    {"video", "codec", "--video-codec", K::kText},
    {"video", "synth_type", "--video-synth-type", K::kText},
    {"video.audio", "sample_rate", "--video-audio-sample-rate", K::kNumber},
    {"video.audio", "channels", "--video-audio-num-channels", K::kInt},
    {"video.audio", "codec", "--video-audio-codec", K::kText},
    {"video.audio", "depth", "--video-audio-depth", K::kInt},
    {"phase", "requests", "--request-count", K::kInt},
    {"phase", "duration", "--benchmark-duration", K::kDuration},
    {"phase", "sessions", "--conversation-num", K::kInt},
    {"phase", "concurrency", "--concurrency", K::kInt},
    {"phase", "grace_period", "--benchmark-grace-period", K::kDurationOrInf},
    {"phase", "smoothness", "--arrival-smoothness", K::kNumber},
    {"phase", "users", "--num-users", K::kInt},
    {"phase", "start_offset", "--fixed-schedule-start-offset", K::kInt},
    {"phase", "end_offset", "--fixed-schedule-end-offset", K::kInt},
    {"artifacts", "dir", "--output-artifact-dir", K::kText},
    {"artifacts", "prefix", "--profile-export-prefix", K::kText},
    {"artifacts", "slice_duration", "--slice-duration", K::kDuration},
    {"artifacts", "trace", "--export-http-trace", K::kSwitch},
    {"artifacts", "auto_plot", "--auto-plot", K::kSwitchPair},
    {"artifacts", "plot_required", "--plot-required", K::kSwitch},
    {"artifacts", "show_trace_timing", "--show-trace-timing", K::kSwitch},
    {"phase", "prefill_concurrency", "--prefill-concurrency", K::kInt},
    {"server_metrics", "urls", "--server-metrics", K::kList},
    {"server_metrics", "formats", "--server-metrics-formats", K::kList},
    {"runtime", "ui", "--ui-type", K::kText},
    {"runtime", "workers", "--workers-max", K::kInt},
    {"logging", "level", "--log-level", K::kText},
    // The study (one run's effective config leaves these out: it describes that run).
    {"multi_run", "num_runs", "--num-profile-runs", K::kInt},
    {"multi_run", "cooldown_seconds", "--profile-run-cooldown-seconds", K::kNumber},
    {"multi_run", "confidence_level", "--confidence-level", K::kNumber},
    {"multi_run", "set_consistent_seed", "--set-consistent-seed", K::kSwitchPair},
    {"multi_run", "vary_seed_per_trial", "--vary-seed-per-trial", K::kSwitchPair},
    {"multi_run", "disable_warmup_after_first", "--profile-run-disable-warmup-after-first",
     K::kSwitchPair},
    {"multi_run.convergence", "metric", "--convergence-metric", K::kText},
    {"multi_run.convergence", "stat", "--convergence-stat", K::kText},
    {"multi_run.convergence", "mode", "--convergence-mode", K::kText},
    {"multi_run.convergence", "threshold", "--convergence-threshold", K::kNumber},
    {"sweep", "cooldown_seconds", "--parameter-sweep-cooldown-seconds", K::kNumber},
    {"sweep", "iteration_order", "--parameter-sweep-mode", K::kText},
    {"sweep", "same_seed", "--parameter-sweep-same-seed", K::kSwitchPair},
};

const std::vector<std::string_view> kShapedFlags = {
    "--model-names",
    "--model-selection-strategy",
    "--header",
    "--extra-inputs",
    "--goodput",
    "--prompt-input-tokens-mean",
    "--prompt-input-tokens-stddev",
    "--prompt-output-tokens-mean",
    "--prompt-output-tokens-stddev",
    "--seq-dist",
    "--conversation-turn-mean",
    "--conversation-turn-stddev",
    "--conversation-turn-delay-mean",
    "--conversation-turn-delay-stddev",
    "--image-width-mean",
    "--image-width-stddev",
    "--image-height-mean",
    "--image-height-stddev",
    "--audio-length-mean",
    "--audio-length-stddev",
    "--request-rate",
    "--arrival-pattern",
    "--user-centric-rate",
    "--fixed-schedule",
    "--no-fixed-schedule",
    "--fixed-schedule-auto-offset",
    "--export-level",
    "--warmup-request-count",
    "--warmup-duration",
    "--num-warmup-sessions",
    "--warmup-concurrency",
    "--warmup-request-rate",
    "--warmup-arrival-pattern",
    "--warmup-grace-period",
    "--verbose",
    "--extra-verbose",
    "--no-set-consistent-seed",  // kSwitchPair's negative forms
    "--no-vary-seed-per-trial",
    "--no-profile-run-disable-warmup-after-first",
    "--no-parameter-sweep-same-seed",
    "--no-auto-plot",
    "--sweep-type",  // sweep.type grid|zip (scenarios are expanded here)
    // yaml_observe.cpp
    "--no-server-metrics",
    "--gpu-telemetry",
    "--no-gpu-telemetry",
    "--network-latency-automatic",
    "--network-latency-mean",
    "--network-latency-ping-interval",
    "--concurrency-ramp-duration",
    "--prefill-concurrency-ramp-duration",
    "--request-rate-ramp-duration",
    "--concurrency-ramp-strategy",
    "--prefill-concurrency-ramp-strategy",
    "--request-rate-ramp-strategy",
    "--warmup-prefill-concurrency",
    "--isl-distribution",  // prompts.isl / osl of another shape (yaml_bindings.cpp distribution)
    "--osl-distribution",
    "--warmup-concurrency-ramp-duration",
    "--warmup-prefill-concurrency-ramp-duration",
    "--warmup-request-rate-ramp-duration",
    "--warmup-concurrency-ramp-strategy",
    "--warmup-prefill-concurrency-ramp-strategy",
    "--warmup-request-rate-ramp-strategy",
    "--request-rate-series",  // phases[].request_rate_series (this build's extension)
    "--request-cancellation-rate",
    "--request-cancellation-delay",
};

// --help and --config itself; the capacity search and the concurrency range are this build's
// command-line extensions (a file's `sweep` lists its values).
// --plugin: plugins are loaded from the command line before anything else is read (their
// endpoint types must be known when the file's endpoint.type is).
const std::vector<std::string_view> kCliOnly = {
    "--help", "--config", "--plugin", "--concurrency-start", "--concurrency-end",
    "--concurrency-step", "--search", "--search-target", "--search-resolution", "--search-start",
    "--search-max", "--search-max-probes",
    // tutorial spellings: given_options holds them
    // as the options they stand for
    "--request-timeout", "--trace-file", "--goodput-ttft", "--goodput-itl", "--goodput-e2e"};

}  // namespace

const std::vector<SimpleKey>& simple_keys() {
  return kSimpleKeys;
}
const std::vector<std::string_view>& shaped_key_flags() {
  return kShapedFlags;
}
const std::vector<std::string_view>& cli_only_flags() {
  return kCliOnly;
}

void BodyMapper::emit(const std::string& flag, std::vector<std::string> values,
                      const std::string& path, const YamlNode& at, bool implicit) {
  const int idx = option_index(flag);
  if (idx >= 0 && option_table()[size_t(idx)].kind == ValueKind::kFlag) {
    values = {""};  // a switch occurs once, with no value (as collect() counts it)
  }
  for (auto& o : out_.options) {
    if (o.flag == flag) {
      o.values.insert(o.values.end(), values.begin(), values.end());
      return;
    }
  }
  out_.options.push_back({flag, std::move(values), path, at.line, implicit});
}

std::vector<std::string> BodyMapper::simple(const std::string& section, const std::string& path,
                                            const YamlNode& n) {
  std::vector<std::string> handled;
  for (const auto& k : kSimpleKeys) {
    if (section != k.section) continue;
    const YamlNode* v = n.find(k.key);
    if (!v) continue;
    handled.emplace_back(k.key);
    const std::string p = YamlReader::child(path, n.key_as_written(k.key));
    if (scalar_is_null(*v)) continue;  // null: the default
    switch (k.kind) {
      case K::kText:
        emit(k.flag, {r_.text(p, *v)}, p, *v);
        break;
      case K::kInt:
        emit(k.flag, {r_.integer_text(p, *v)}, p, *v);
        break;
      case K::kNumber:
        emit(k.flag, {r_.number_text(p, *v)}, p, *v);
        break;
      case K::kSwitch:
        if (r_.boolean(p, *v)) emit(k.flag, {}, p, *v);
        break;
      case K::kList:
        emit(k.flag, r_.string_list(p, *v), p, *v);
        break;
      case K::kDuration:
        emit(k.flag, {r_.duration_text(p, *v, false)}, p, *v);
        break;
      case K::kDurationOrInf:
        emit(k.flag, {r_.duration_text(p, *v, true)}, p, *v);
        break;
      case K::kSwitchPair:
        emit(r_.boolean(p, *v) ? std::string(k.flag) : "--no-" + std::string(k.flag).substr(2), {},
             p, *v);
        break;
    }
  }
  return handled;
}

void BodyMapper::distribution(const std::string& path, const YamlNode& n, const char* mean_flag,
                              const char* stddev_flag, bool integral_mean, const char* dist_flag) {
  if (scalar_is_null(n)) return;
  if (dist_flag && n.is_map()) {
    bool other = false;
    for (const char* k : {"median", "peaks", "points", "min", "max"}) {
      if (const YamlNode* v = n.find(k); v && !scalar_is_null(*v)) other = true;
    }
    if (const YamlNode* t = n.find("type"); t && t->is_scalar()) {
      other |= t->text == "lognormal" || t->text == "multimodal" || t->text == "empirical";
    }
    if (other) {  // checked by the flag's parser, which names the key path
      emit(dist_flag, {to_json(n).dump()}, path, n);
      return;
    }
  }
  auto mean_text = [&](const std::string& p, const YamlNode& v) {
    return integral_mean ? r_.integer_text(p, v) : r_.number_text(p, v);
  };
  if (n.is_scalar()) {
    emit(mean_flag, {mean_text(path, n)}, path, n);
    return;
  }
  r_.check_keys(path, n,
                {"type", "mean", "stddev", "value", "min", "max", "median", "peaks", "points"});
  for (const char* k : {"median", "peaks", "points"}) {
    if (const YamlNode* v = n.find(k)) {
      r_.fail(YamlReader::child(path, k), *v,
              "lognormal, multimodal and empirical distributions are not supported by this "
              "build; give a number or {mean, stddev}");
    }
  }
  for (const char* k : {"min", "max"}) {
    if (const YamlNode* v = n.find(k)) {
      r_.only_default(YamlReader::child(path, k), *v, "null", "clamping a distribution");
    }
  }
  if (const YamlNode* t = n.find("type")) {
    r_.choice(YamlReader::child(path, "type"), *t, {"fixed", "normal"});
  }
  if (const YamlNode* v = n.find("value")) {
    emit(mean_flag, {mean_text(YamlReader::child(path, "value"), *v)},
         YamlReader::child(path, "value"), *v);
    return;
  }
  const YamlNode* mean = n.find("mean");
  if (!mean) r_.fail(path, n, "needs 'mean' (or 'value', or a plain number)");
  const std::string mp = YamlReader::child(path, n.key_as_written("mean"));
  emit(mean_flag, {mean_text(mp, *mean)}, mp, *mean);
  if (const YamlNode* sd = n.find("stddev")) {
    const std::string sp = YamlReader::child(path, n.key_as_written("stddev"));
    emit(stddev_flag, {r_.number_text(sp, *sd)}, sp, *sd);
  }
}

void BodyMapper::map_envelope(const YamlNode& env) {
  if (const YamlNode* seed = env.find("random_seed")) {
    (void)seed;
    simple("", "", env);
  }
  const YamlNode& body = *env.find("benchmark");
  r_.check_keys("benchmark", body,
                {"models", "endpoint", "datasets", "phases", "artifacts", "slos", "tokenizer",
                 "gpu_telemetry", "server_metrics", "network_latency", "otel", "mlflow", "wandb",
                 "runtime", "logging", "metrics", "accuracy"});
  auto section = [&](const char* key) -> const YamlNode* { return body.find(key); };
  auto path = [&](const char* key) { return "benchmark." + body.key_as_written(key); };
  if (auto* n = section("models")) models(path("models"), *n);
  if (auto* n = section("endpoint")) endpoint(path("endpoint"), *n);
  if (auto* n = section("tokenizer")) tokenizer(path("tokenizer"), *n);
  if (auto* n = section("datasets")) {
    datasets(path("datasets"), *n);
  } else {  // no dataset: the default synthetic one, with SyntheticDataset's 100 entries
    emit("--num-dataset-entries", {"100"}, "benchmark", body, true);
  }
  if (const YamlNode* n = section("phases")) {
    phases(path("phases"), *n);
  } else {
    r_.fail("benchmark", body,
            "'phases' is required (e.g. phases: {type: concurrency, concurrency: 8, requests: "
            "100})");
  }
  if (auto* n = section("artifacts")) artifacts(path("artifacts"), *n);
  if (auto* n = section("runtime")) runtime(path("runtime"), *n);
  if (auto* n = section("logging")) logging(path("logging"), *n);
  if (auto* n = section("slos")) slos(path("slos"), *n);
  if (auto* n = section("server_metrics")) server_metrics(path("server_metrics"), *n);
  if (auto* n = section("gpu_telemetry")) gpu_telemetry(path("gpu_telemetry"), *n);
  if (auto* n = section("network_latency")) network_latency(path("network_latency"), *n);
  for (auto [k, field, what] : {std::tuple{"otel", "metrics_url", "OpenTelemetry streaming"},
                                std::tuple{"mlflow", "tracking_uri", "MLflow upload"},
                                std::tuple{"wandb", "project", "Weights & Biases upload"}}) {
    const YamlNode* n = section(k);
    if (!n || scalar_is_null(*n)) continue;
    r_.expect_map(path(k), *n);
    if (const YamlNode* v = n->find(field)) {
      r_.only_default(YamlReader::child(path(k), field), *v, "null", what);
    }
  }
  if (auto* n = section("metrics")) {
    r_.only_default(path("metrics"), *n, "{}", "metrics aggregation settings");
  }
  if (auto* n = section("accuracy")) {
    r_.only_default(path("accuracy"), *n, "null", "accuracy benchmarking");
  }
}

void BodyMapper::models(const std::string& path, const YamlNode& n) {
  if (n.is_scalar() || n.is_seq()) {
    std::vector<std::string> names = r_.string_list(path, n);
    emit("--model-names", names, path, n);
    return;
  }
  r_.check_keys(path, n, {"strategy", "items"});
  if (const YamlNode* s = n.find("strategy")) {
    const std::string p = YamlReader::child(path, "strategy");
    if (r_.choice(p, *s, {"round_robin", "random", "weighted"}) == "weighted") {
      r_.fail(p, *s, "weighted selection (per-model weights) is not supported by this build");
    }
    emit("--model-selection-strategy", {s->text}, p, *s);
  }
  const YamlNode* items = n.find("items");
  if (!items || !items->is_seq() || items->items.empty()) {
    r_.fail(YamlReader::child(path, "items"), items ? *items : n,
            "expected a non-empty list of {name: ...}");
  }
  for (size_t i = 0; i < items->items.size(); ++i) {
    const YamlNode& item = items->items[i];
    const std::string ip = YamlReader::index(YamlReader::child(path, "items"), i);
    r_.check_keys(ip, item, {"name", "weight", "lora", "modalities", "tokenizer"});
    const YamlNode* name = item.find("name");
    if (!name) r_.fail(ip, item, "'name' is required");
    for (auto [k, what] :
         {std::pair{"weight", "per-model weights"}, std::pair{"lora", "LoRA adapters"},
          std::pair{"modalities", "per-model modalities"},
          std::pair{"tokenizer", "per-model tokenizers"}}) {
      if (const YamlNode* v = item.find(k))
        r_.only_default(YamlReader::child(ip, k), *v, "null", what);
    }
    emit("--model-names", {r_.text(YamlReader::child(ip, "name"), *name)}, path, n);
  }
}

void BodyMapper::endpoint(const std::string& path, const YamlNode& n) {
  r_.check_keys(path, n,
                {"urls",
                 "url",
                 "url_strategy",
                 "type",
                 "path",
                 "api_key",
                 "timeout",
                 "streaming",
                 "transport",
                 "connection_reuse",
                 "use_legacy_max_tokens",
                 "use_server_token_count",
                 "template",
                 "headers",
                 "extra",
                 "download_video_content",
                 "request_content_type",
                 "session_header",
                 "wait_for_model_timeout",
                 "wait_for_model_interval",
                 "wait_for_model_mode",
                 "insecure",
                 "source_ips"});
  if (n.find("url") && n.find("urls")) {
    r_.fail(YamlReader::child(path, n.key_as_written("url")), *n.find("url"),
            "give 'url' or 'urls', not both");
  }
  const auto at = [&](const char* k) { return YamlReader::child(path, n.key_as_written(k)); };
  struct Off {
    const char* key;
    const char* value;
    const char* what;
  };
  for (const Off& o : {
           Off{"transport", "null", "choosing the transport"},
           Off{"template", "null", "the template endpoint"},
           Off{"request_content_type", "null", "a request content type"},
           Off{"session_header", "null", "a session header"},
       }) {
    if (const YamlNode* v = n.find(o.key)) r_.only_default(at(o.key), *v, o.value, o.what);
  }
  simple("endpoint", path, n);
  if (const YamlNode* h = n.find("headers"); h && !scalar_is_null(*h)) {
    r_.expect_map(at("headers"), *h);
    std::vector<std::string> values;
    for (const auto& [name, value] : h->fields) {
      values.push_back(name + ":" + r_.text(YamlReader::child(at("headers"), name), value));
    }
    if (!values.empty()) emit("--header", values, at("headers"), *h);
  }
  if (const YamlNode* e = n.find("extra"); e && !scalar_is_null(*e)) {
    r_.expect_map(at("extra"), *e);
    if (!e->fields.empty()) emit("--extra-inputs", {to_json(*e).dump()}, at("extra"), *e);
  }
}

void BodyMapper::tokenizer(const std::string& path, const YamlNode& n) {
  if (scalar_is_null(n)) return;
  if (n.is_scalar()) {  // a bare name
    emit("--tokenizer", {n.text}, path, n);
    return;
  }
  r_.check_keys(path, n, {"name", "revision", "trust_remote_code"});
  simple("tokenizer", path, n);
}

void BodyMapper::artifacts(const std::string& path, const YamlNode& n) {
  r_.check_keys(
      path, n,
      {"dir", "prefix", "summary", "records", "raw", "trace", "slice_duration", "show_trace_timing",
       "user_files", "auto_plot", "plot_required", "export_outputs_json"});
  const auto at = [&](const char* k) { return YamlReader::child(path, n.key_as_written(k)); };
  simple("artifacts", path, n);
  if (const YamlNode* s = n.find("summary")) {
    if (!s->is_seq()) {
      r_.fail(at("summary"), *s,
              "turning the summary JSON off is not supported by this build; remove the key or "
              "write [json]");
    }
    for (size_t i = 0; i < s->items.size(); ++i) {
      r_.choice(YamlReader::index(at("summary"), i), s->items[i], {"json"});
    }
  }
  std::optional<std::string> level;
  const YamlNode* where = nullptr;
  if (const YamlNode* rec = n.find("records")) {
    where = rec;
    if (rec->is_seq()) {
      for (size_t i = 0; i < rec->items.size(); ++i) {
        r_.choice(YamlReader::index(at("records"), i), rec->items[i], {"jsonl"});
      }
      level = rec->items.empty() ? "summary" : "records";
    } else if (!r_.boolean(at("records"), *rec)) {
      level = "summary";
    } else {
      r_.fail(at("records"), *rec, "expected a list of formats ([jsonl]) or false");
    }
  }
  if (const YamlNode* raw = n.find("raw")) {
    if (r_.boolean(at("raw"), *raw)) {
      level = "raw";
      where = raw;
    } else if (!level) {
      level = "records";
      where = raw;
    }
  }
  if (level) emit("--export-level", {*level}, path, *where);
  struct Off {
    const char* key;
    const char* value;
    const char* what;
  };
  if (const YamlNode* v = n.find("export_outputs_json")) {
    r_.only_default(at("export_outputs_json"), *v, "false", "outputs.json");
  }
  if (const YamlNode* v = n.find("user_files")) user_files(at("user_files"), *v);
}

void BodyMapper::runtime(const std::string& path, const YamlNode& n) {
  r_.check_keys(path, n,
                {"ui", "workers", "record_processors", "service_run_type", "communication",
                 "api_port", "api_host", "dataset_api_base_url", "workers_per_pod",
                 "record_processors_per_pod", "workers_min"});
  simple("runtime", path, n);
  const auto at = [&](const char* k) { return YamlReader::child(path, n.key_as_written(k)); };
  if (const YamlNode* v = n.find("service_run_type")) {
    r_.only_default(at("service_run_type"), *v, "multiprocessing", "other service run types");
  }
  for (const char* k :
       {"record_processors", "communication", "api_port", "api_host", "dataset_api_base_url",
        "workers_per_pod", "record_processors_per_pod", "workers_min"}) {
    if (const YamlNode* v = n.find(k)) r_.only_default(at(k), *v, "null", k);
  }
}

void BodyMapper::logging(const std::string& path, const YamlNode& n) {
  r_.check_keys(path, n, {"level"});
  simple("logging", path, n);
}

void BodyMapper::slos(const std::string& path, const YamlNode& n) {
  if (scalar_is_null(n)) return;
  r_.expect_map(path, n);
  std::string pairs;
  for (const auto& [tag, value] : n.fields) {
    pairs += (pairs.empty() ? "" : " ") + tag + ":" +
             r_.number_text(YamlReader::child(path, tag), value);
  }
  if (!pairs.empty()) emit("--goodput", {pairs}, path, n);
}

void BodyMapper::study(const YamlNode& envelope, const StudySpec& spec) {
  if (const YamlNode* mr = envelope.find("multi_run"); mr && mr->is_map()) {
    const std::string mp = envelope.key_as_written("multi_run");
    simple("multi_run", mp, *mr);
    if (const YamlNode* c = mr->find("convergence"); c && c->is_map()) {
      const std::string cp = YamlReader::child(mp, mr->key_as_written("convergence"));
      simple("multi_run.convergence", cp, *c);
      if (const YamlNode* v = c->find("min_runs")) {
        r_.only_default(YamlReader::child(cp, "min_runs"), *v, "2",
                        "a minimum run count other than 2 before convergence is checked");
      }
    }
  }
  if (const YamlNode* sw = envelope.find("sweep"); sw && sw->is_map() && spec.sweep) {
    const std::string sp = envelope.key_as_written("sweep");
    simple("sweep", sp, *sw);
    if (spec.sweep->type == "zip") {
      emit("--sweep-type", {"zip"}, YamlReader::child(sp, "type"), *sw->find("type"));
    }
  }
  if (const YamlNode* v = envelope.find("no_sweep_table")) {
    r_.only_default(envelope.key_as_written("no_sweep_table"), *v, "false",
                    "turning the sweep table off");
  }
}

}  // namespace aiperf::config::detail

namespace aiperf::config {

namespace {

using detail::YamlReader;
using J = nlohmann::ordered_json;

/// Jinja context: `variables` (resolved on demand, in dependency order) and dotted names into
/// the envelope and, lifted, into the benchmark body.
class JinjaContext {
 public:
  JinjaContext(const YamlNode& env, const YamlReader& r) : env_(env), r_(r) {}

  std::optional<J> lookup(const std::string& name) {
    const YamlNode* vars = env_.find("variables");
    std::string var = name.rfind("variables.", 0) == 0 ? name.substr(10) : name;
    if (vars && vars->is_map() && var.find('.') == std::string::npos) {
      if (const YamlNode* v = vars->find_exact(var)) return variable(var, *v);
    }
    if (const YamlNode* n = walk(env_, name)) return rendered(name, *n);
    if (const YamlNode* body = env_.find("benchmark")) {
      if (const YamlNode* n = walk(*body, name)) return rendered(name, *n);
    }
    return std::nullopt;
  }

  /// Renders every scalar with `{{` in `n` (skipping endpoint templates and user files).
  void render_tree(YamlNode& n, const std::string& path) {
    if (n.is_map()) {
      for (auto& [k, v] : n.fields) {
        const std::string s = to_snake(k);
        if (s == "template" || s == "body" || s == "payload_template" || s == "user_files") {
          continue;
        }
        render_tree(v, YamlReader::child(path, k));
      }
    } else if (n.is_seq()) {
      for (size_t i = 0; i < n.items.size(); ++i) {
        render_tree(n.items[i], YamlReader::index(path, i));
      }
    } else if (n.is_scalar() && has_jinja(n.text)) {
      const J v = render(path, n);
      n.text = jinja_str(v);
      n.quoted = false;
    }
  }

 private:
  J render(const std::string& path, const YamlNode& n) {
    try {
      return render_jinja(n.text, [this](const std::string& name) { return lookup(name); });
    } catch (const std::invalid_argument& e) {
      r_.fail(path, n, std::string("{{ }} expression: ") + e.what());
    }
  }
  J rendered(const std::string& path, const YamlNode& n) {
    if (n.is_scalar() && has_jinja(n.text)) {
      if (!active_.insert(path).second) {
        r_.fail(path, n, "{{ }} expressions refer to each other in a cycle");
      }
      J v = render(path, n);
      active_.erase(path);
      return v;
    }
    return to_json(n);
  }
  J variable(const std::string& name, const YamlNode& v) {
    if (auto it = cache_.find(name); it != cache_.end()) return it->second;
    YamlNode copy = v;
    const std::string path = "variables." + name;
    if (!active_.insert(path).second) {
      r_.fail(path, v, "variables refer to each other in a cycle");
    }
    render_tree(copy, path);
    active_.erase(path);
    return cache_[name] = to_json(copy);
  }
  static const YamlNode* walk(const YamlNode& root, const std::string& dotted) {
    const YamlNode* cur = &root;
    size_t start = 0;
    while (cur) {
      const size_t dot = dotted.find('.', start);
      const std::string key = dotted.substr(start, dot == std::string::npos ? dot : dot - start);
      if (cur->is_map()) {
        const YamlNode* next = cur->find_exact(key);
        cur = next ? next : cur->find(to_snake(key));
      } else if (cur->is_seq()) {
        const YamlNode* next = nullptr;
        for (const auto& i : cur->items) {
          const YamlNode* nm = i.is_map() ? i.find_exact("name") : nullptr;
          if (nm && nm->text == key) next = &i;
        }
        if (!next && !key.empty() && key.size() < 9 &&
            std::all_of(key.begin(), key.end(), ::isdigit) && std::stoul(key) < cur->items.size()) {
          next = &cur->items[std::stoul(key)];
        }
        cur = next;
      } else {
        return nullptr;
      }
      if (dot == std::string::npos) return cur;
      start = dot + 1;
    }
    return nullptr;
  }

  const YamlNode& env_;
  const YamlReader& r_;
  std::map<std::string, J> cache_;
  std::set<std::string> active_;
};

}  // namespace

YamlNode render_variation(const LoadedConfigFile& file, const Variation& variation) {
  YamlReader r(file.path);
  YamlNode env = variation.envelope;
  JinjaContext ctx(variation.envelope, r);
  YamlNode* body = env.find("benchmark");
  ctx.render_tree(*body, "benchmark");
  if (YamlNode* seed = env.find("random_seed")) ctx.render_tree(*seed, "random_seed");
  return env;
}

FileOptions file_options(const LoadedConfigFile& file, const Variation& variation) {
  YamlReader r(file.path);
  FileOptions out;
  out.file = file.path;
  const YamlNode env = render_variation(file, variation);
  detail::BodyMapper m(r, out);
  m.map_envelope(env);
  m.study(file.envelope, file.study);
  // The user files' template context: the variables, resolved as `{{ }}` resolves them.
  JinjaContext ctx(variation.envelope, r);
  nlohmann::ordered_json vars = nlohmann::ordered_json::object();
  if (const YamlNode* v = variation.envelope.find("variables"); v && v->is_map()) {
    for (const auto& f : v->fields) vars[f.first] = *ctx.lookup(f.first);
  }
  out.variables_json = vars.dump();
  out.plot_yaml = file.plot_yaml;
  out.plot_origin = file.plot_origin;
  // An inline plot section is part of the file: its `{{ }}` are rendered as the body's are
  // (AIPerf renders the whole file), every value kept on its line.
  if (const YamlNode* p = variation.envelope.find("plot"); p && p->is_map()) {
    YamlNode plot = *p;
    ctx.render_tree(plot, "plot");
    out.plot_yaml = emit_yaml_at_lines(plot, plot_name_maps());
  }
  return out;
}

}  // namespace aiperf::config
