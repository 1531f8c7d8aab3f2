// The effective configuration of a run as an AIPerf YAML config file (config_file.h): the
// inverse of yaml_bindings.cpp. The options the run was given are written at their keys
// (kSimpleKeys, the same table the reader uses, and an inverse for each shaped key); the
// timing phase(s), the dataset kind and the seed are written as resolved, so the file is
// complete on its own and `aiperf profile -f` gives the same run.
#include <algorithm>
#include <fstream>
#include <map>

#include "aiperf/config/config_file.h"
#include "aiperf/config/speed_bench.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/config/workload.h"
#include "aiperf/config/yaml_bindings.h"
#include "aiperf/config/yaml_reader.h"

namespace aiperf::config {
namespace {

using detail::KeyKind;
using detail::trim_number;

YamlNode scalar(const std::string& text, bool quoted = false) {
  return YamlNode::scalar(text, 0, quoted);
}

YamlNode num(double v) {
  return scalar(trim_number(v));
}

class Writer {
 public:
  explicit Writer(const Config& cfg) : cfg_(cfg) {
    for (const auto& [flag, values] : cfg.given_options) given_[flag] = values;
    kind_ = cfg.input_file ? "file" : cfg.public_dataset ? "public" : "synthetic";
  }

  YamlNode build(uint64_t seed) {
    YamlNode env = YamlNode::map();
    env.fields.emplace_back("schema_version", scalar("2.0", true));
    env.fields.emplace_back("random_seed", scalar(std::to_string(seed)));
    env.fields.emplace_back("benchmark", YamlNode::map());
    body_ = &env.fields.back().second;
    // Sections in the schema's order; empty ones are dropped at the end.
    for (const char* s :
         {"models", "endpoint", "tokenizer", "datasets", "phases", "artifacts", "slos",
          "gpu_telemetry", "server_metrics", "network_latency", "runtime", "logging"}) {
      body_->fields.emplace_back(s, YamlNode::map());
    }
    dataset();
    models();
    simple_keys();
    inline_records();
    shaped_keys();
    observation();
    phases();
    unflagged(env);
    body_ = env.find("benchmark");  // unflagged() inserts beside it: the old pointer is stale
    std::erase_if(body_->fields, [](const auto& f) {
      return (f.second.is_map() && f.second.fields.empty()) ||
             (f.second.is_seq() && f.second.items.empty());
    });
    return env;
  }

 private:
  const std::vector<std::string>* get(const char* flag) const {
    auto it = given_.find(flag);
    return it == given_.end() ? nullptr : &it->second;
  }
  YamlNode& section(const char* name) { return *body_->find(name); }
  YamlNode& ds() { return section("datasets").items.front(); }
  YamlNode& sub(YamlNode& parent, const char* key) {
    if (YamlNode* n = parent.find(key)) return *n;
    parent.fields.emplace_back(key, YamlNode::map());
    return parent.fields.back().second;
  }

  /// Where a kSimpleKeys section lives for this run; nullptr when it does not apply to the
  /// dataset kind (a key the run's dataset cannot use had no effect and is left out).
  YamlNode* place(const std::string& s) {
    if (s == "endpoint" || s == "tokenizer" || s == "artifacts" || s == "runtime" ||
        s == "logging" || s == "server_metrics") {
      return &section(s.c_str());
    }
    if (s == "dataset") return &ds();
    if (s == "synthetic" || s == "file" || s == "public") return s == kind_ ? &ds() : nullptr;
    if (s == "prompts") return kind_ == "public" ? nullptr : &sub(ds(), "prompts");
    if (kind_ != "synthetic" && s != "synthesis") return nullptr;
    if (s == "synthesis") return kind_ == "file" ? &sub(ds(), "synthesis") : nullptr;
    if (s == "prefix_prompts" || s == "images" || s == "audio" || s == "video") {
      return &sub(ds(), s.c_str());
    }
    if (s == "video.audio") return &sub(sub(ds(), "video"), "audio");
    if (s.rfind("rankings.", 0) == 0) return &sub(sub(ds(), "rankings"), s.substr(9).c_str());
    return nullptr;  // "", "phase", "warmup": written from the resolved config
  }

  /// A file dataset given as inline `records` is written back as records (the temporary file
  /// that carried them to the loader may be gone when the run is repeated).
  void inline_records() {
    if (kind_ != "file" || !cfg_.input_file || !detail::is_inline_records_file(*cfg_.input_file)) {
      return;
    }
    std::ifstream f(*cfg_.input_file, std::ios::binary);
    YamlNode list = YamlNode::seq();
    for (std::string line; std::getline(f, line);) {
      if (!line.empty()) list.items.push_back(from_json(nlohmann::ordered_json::parse(line)));
    }
    if (list.items.empty()) return;  // unreadable now: keep the path
    YamlNode& d = ds();
    std::erase_if(d.fields, [](const auto& kv) { return kv.first == "path"; });
    d.set("records", std::move(list));
  }

  /// The sections without a flag: the user files (and the variables their templates use), the
  /// plot configuration (inline, whether it came inline or from a file). Adds fields to `env`,
  /// which moves the `benchmark` node that body_ points to: body_ is found again after.
  void unflagged(YamlNode& env) {
    if (!cfg_.user_files_json.empty()) {
      section("artifacts")
          .set("user_files", from_json(nlohmann::ordered_json::parse(cfg_.user_files_json)));
      if (!cfg_.config_variables_json.empty() && cfg_.config_variables_json != "{}") {
        env.fields.insert(
            env.fields.begin() + 1,
            YamlField("variables",
                      from_json(nlohmann::ordered_json::parse(cfg_.config_variables_json))));
      }
    }
    if (cfg_.plot_config_yaml) {
      env.fields.emplace_back("plot", parse_yaml(*cfg_.plot_config_yaml, cfg_.plot_config_origin));
    }
  }

  void simple_keys() {
    std::vector<std::string> done;
    for (const auto& k : detail::simple_keys()) {
      const auto* values = get(k.flag);
      const bool off = k.kind == KeyKind::kSwitchPair && !values &&
                       get(("--no-" + std::string(k.flag).substr(2)).c_str());
      if ((!values && !off) || std::find(done.begin(), done.end(), k.flag) != done.end()) {
        continue;
      }
      YamlNode* at = place(k.section);
      if (!at) continue;
      done.emplace_back(k.flag);
      YamlNode v;
      switch (k.kind) {
        case KeyKind::kSwitch:
        case KeyKind::kSwitchPair:
          v = scalar(off ? "false" : "true");
          break;
        case KeyKind::kList:
          v = YamlNode::seq();
          for (const auto& s : *values) v.items.push_back(scalar(s, true));
          break;
        case KeyKind::kText:
          v = scalar(values->back(), true);
          break;
        default:
          v = scalar(values->back());
          break;
      }
      if (std::string(k.flag) == "--api-key") v = scalar(kRedacted, true);
      at->set(k.key, std::move(v));
    }
  }

  void dataset() {
    YamlNode d = YamlNode::map();
    d.fields.emplace_back("name", scalar("default"));
    d.fields.emplace_back("type", scalar(kind_));
    if (kind_ == "synthetic") {
      d.fields.emplace_back("entries", scalar(std::to_string(cfg_.num_dataset_entries)));
    } else if (kind_ == "file" && cfg_.custom_dataset_type) {
      d.fields.emplace_back("format", scalar(custom_dataset_format(cfg_)));
    }
    section("datasets") = YamlNode::seq();
    section("datasets").items.push_back(std::move(d));
  }

  void models() {
    YamlNode& m = section("models");
    if (const auto* s = get("--model-selection-strategy")) {
      m.fields.emplace_back("strategy", scalar(s->back()));
      YamlNode items = YamlNode::seq();
      for (const auto& name : cfg_.models) {
        YamlNode item = YamlNode::map();
        item.fields.emplace_back("name", scalar(name, true));
        items.items.push_back(std::move(item));
      }
      m.fields.emplace_back("items", std::move(items));
      return;
    }
    m = YamlNode::seq();
    for (const auto& name : cfg_.models) m.items.push_back(scalar(name, true));
  }

  void distribution(YamlNode& parent, const char* key, const char* mean_flag,
                    const char* stddev_flag) {
    const std::string_view mf = mean_flag;
    const std::optional<Distribution>* dist =
        mf == "--prompt-input-tokens-mean"    ? &cfg_.isl_distribution
        : mf == "--prompt-output-tokens-mean" ? &cfg_.osl_distribution
                                              : nullptr;
    if (dist && *dist) {  // --isl-distribution / --osl-distribution, in AIPerf's keys
      parent.set(key, from_json((*dist)->to_json()));
      return;
    }
    const auto* mean = get(mean_flag);
    const auto* sd = get(stddev_flag);
    if (!mean && !sd) return;
    if (!mean && default_mean(mean_flag) <= 0) return;  // a spread without a mean does nothing
    if (mean && !sd) {
      parent.set(key, scalar(mean->back()));
      return;
    }
    YamlNode d = YamlNode::map();
    d.fields.emplace_back("mean", mean ? scalar(mean->back()) : num(default_mean(mean_flag)));
    d.fields.emplace_back("stddev", scalar(sd->back()));
    parent.set(key, std::move(d));
  }
  double default_mean(const std::string& flag) const {
    if (flag == "--prompt-input-tokens-mean") return double(cfg_.isl_mean);
    if (flag == "--prompt-output-tokens-mean") return double(cfg_.osl_mean.value_or(0));
    if (flag == "--conversation-turn-mean") return cfg_.session_turns_mean;
    if (flag == "--conversation-turn-delay-mean") return cfg_.session_turn_delay_mean_ms;
    if (flag == "--image-width-mean") return cfg_.image_width_mean;
    if (flag == "--image-height-mean") return cfg_.image_height_mean;
    if (flag == "--audio-length-mean") return cfg_.audio_length_mean_s;
    return 0;
  }

  void shaped_keys() {
    YamlNode& ep = section("endpoint");
    if (!cfg_.headers.empty()) {
      YamlNode h = YamlNode::map();
      for (const auto& [name, value] : cfg_.headers) {
        h.set(name, scalar(is_credential_header(name) ? kRedacted : value, true));
      }
      ep.set("headers", std::move(h));
    }
    if (const auto* extra = get("--extra-inputs")) {
      nlohmann::json obj = nlohmann::json::object();
      for (const auto& v : *extra) merge_extra_inputs("--extra-inputs", v, obj);
      ep.set("extra", from_json(nlohmann::ordered_json::parse(obj.dump())));
    }
    if (!cfg_.goodput.empty()) {
      YamlNode& slos = section("slos");
      for (const auto& [tag, value] : cfg_.goodput) slos.set(tag, num(value));
    }
    if (const auto* level = get("--export-level")) {
      YamlNode& a = section("artifacts");
      const std::string& l = level->back();
      YamlNode jsonl = YamlNode::seq();
      jsonl.items.push_back(scalar("jsonl"));
      if (l == "summary") a.set("records", scalar("false"));
      if (l == "records") a.set("records", std::move(jsonl));
      if (l == "raw") a.set("raw", scalar("true"));
    }
    if (get("--verbose") || get("--extra-verbose")) {
      section("logging").set("level", scalar(to_string(cfg_.log_level)));
    }
    if (kind_ == "public") {
      distribution(ds(), "osl", "--prompt-output-tokens-mean", "--prompt-output-tokens-stddev");
    }
    if (kind_ == "file") {
      distribution(ds(), "osl", "--prompt-output-tokens-mean", "--prompt-output-tokens-stddev");
      return;
    }
    if (kind_ != "synthetic") return;
    YamlNode& d = ds();
    if (get("--prompt-input-tokens-mean") || get("--prompt-input-tokens-stddev") ||
        get("--prompt-output-tokens-mean") || get("--prompt-output-tokens-stddev") ||
        get("--seq-dist") || cfg_.isl_distribution || cfg_.osl_distribution) {
      YamlNode& p = sub(d, "prompts");
      distribution(p, "isl", "--prompt-input-tokens-mean", "--prompt-input-tokens-stddev");
      distribution(p, "osl", "--prompt-output-tokens-mean", "--prompt-output-tokens-stddev");
      if (const auto* sdist = get("--seq-dist")) {
        YamlNode list = YamlNode::seq();
        for (const auto& pair : parse_seq_dist("--seq-dist", sdist->back())) {
          YamlNode e = YamlNode::map();
          e.fields.emplace_back("isl", num(double(pair.isl)));
          if (pair.isl_stddev > 0) e.fields.emplace_back("isl_stddev", num(pair.isl_stddev));
          e.fields.emplace_back("osl", num(double(pair.osl)));
          if (pair.osl_stddev > 0) e.fields.emplace_back("osl_stddev", num(pair.osl_stddev));
          e.fields.emplace_back("probability", num(pair.prob_percent));
          list.items.push_back(std::move(e));
        }
        p.set("sequence_distribution", std::move(list));
      }
    }
    distribution(d, "turns", "--conversation-turn-mean", "--conversation-turn-stddev");
    distribution(d, "turn_delay", "--conversation-turn-delay-mean",
                 "--conversation-turn-delay-stddev");
    if (get("--image-width-mean") || get("--image-width-stddev") || get("--image-height-mean") ||
        get("--image-height-stddev")) {
      YamlNode& img = sub(d, "images");
      distribution(img, "width", "--image-width-mean", "--image-width-stddev");
      distribution(img, "height", "--image-height-mean", "--image-height-stddev");
    }
    if (get("--audio-length-mean") || get("--audio-length-stddev")) {
      distribution(sub(d, "audio"), "length", "--audio-length-mean", "--audio-length-stddev");
    }
  }

  static YamlNode list(const std::vector<std::string>& items) {
    YamlNode l = YamlNode::seq();
    for (const auto& i : items) l.items.push_back(scalar(i, true));
    return l;
  }

  /// server_metrics, gpu_telemetry, network_latency (inverse of yaml_observe.cpp).
  void observation() {
    if (!cfg_.source_ips.empty()) section("endpoint").set("source_ips", list(cfg_.source_ips));
    YamlNode& sm = section("server_metrics");
    if (!cfg_.server_metrics_enabled) {
      sm = YamlNode::map();
      sm.set("enabled", scalar("false"));
    } else {
      if (!cfg_.server_metrics_urls.empty()) sm.set("urls", list(cfg_.server_metrics_urls));
      if (get("--server-metrics-formats")) sm.set("formats", list(cfg_.server_metrics_formats));
    }
    YamlNode& gpu = section("gpu_telemetry");
    if (!cfg_.gpu_telemetry_enabled) {
      gpu.set("enabled", scalar("false"));
    } else if (const auto* items = get("--gpu-telemetry")) {
      if (cfg_.gpu_telemetry_nvml) gpu.set("collector", scalar("pynvml"));
      if (cfg_.gpu_telemetry_amdsmi) gpu.set("collector", scalar("amdsmi"));
      for (const auto& v : *items) {
        if (v.find("dashboard") != std::string::npos) gpu.set("mode", scalar("realtime_dashboard"));
      }
      if (!cfg_.gpu_telemetry_urls.empty()) gpu.set("urls", list(cfg_.gpu_telemetry_urls));
      const auto& files = cfg_.gpu_telemetry_metrics_files;
      if (files.size() == 1) gpu.set("metrics_file", scalar(files.front(), true));
      if (files.size() > 1) gpu.set("metrics_file", list(files));
    }
    YamlNode& net = section("network_latency");
    if (cfg_.network_latency_mean_ms) {
      net.set("enabled", scalar("true"));
      net.set("mean_ms", num(*cfg_.network_latency_mean_ms));
    } else if (cfg_.network_latency_automatic) {
      net.set("enabled", scalar("true"));
      if (get("--network-latency-ping-interval")) {
        net.set("ping_interval", num(cfg_.network_latency_ping_interval_s));
      }
    }
  }

  /// A phase's prefill concurrency and ramps (`rate_phase`: one with a rate to ramp).
  void write_shaping(YamlNode& p, const PhaseShaping& sh, bool rate_phase) {
    if (sh.prefill_concurrency) p.set("prefill_concurrency", num(double(*sh.prefill_concurrency)));
    for (auto [key, value] : {std::pair{"concurrency_ramp", sh.concurrency_ramp},
                              std::pair{"prefill_ramp", sh.prefill_ramp},
                              std::pair{"rate_ramp", rate_phase ? sh.rate_ramp : std::nullopt}}) {
      if (!value) continue;
      YamlNode r = YamlNode::map();
      r.set("duration", num(value->duration_s));
      if (value->type != RampType::kLinear) r.set("strategy", scalar(to_string(value->type)));
      p.set(key, std::move(r));
    }
  }

  /// Prefill concurrency, ramps, cancellation of the profiling phase.
  void shaping(YamlNode& p) {
    write_shaping(p, cfg_.profiling_shaping(), cfg_.timing_mode == TimingMode::kRequestRate);
    if (cfg_.request_cancellation_rate_pct) {
      YamlNode c = YamlNode::map();
      c.set("rate", num(*cfg_.request_cancellation_rate_pct));
      c.set("delay", num(cfg_.request_cancellation_delay_s));
      p.set("cancellation", std::move(c));
    }
  }

  /// The load of the profiling phase as it resolved.
  void load(YamlNode& p) {
    switch (cfg_.timing_mode) {
      case TimingMode::kRequestRate:
        p.set("type", scalar(to_string(cfg_.arrival_pattern)));
        if (!cfg_.request_rate_series.empty()) {
          p.set("request_rate_series", scalar(get("--request-rate-series")->back(), true));
        } else {
          p.set("rate", num(*cfg_.request_rate));
        }
        if (!cfg_.request_rate_points.empty()) {  // written out: the run needs no file
          YamlNode pts = YamlNode::seq();
          for (const auto& pt : cfg_.request_rate_points) {
            YamlNode m = YamlNode::map();
            m.set("time_s", num(pt.time_s));
            m.set("qps", num(pt.qps));
            pts.items.push_back(std::move(m));
          }
          YamlNode rs = YamlNode::map();
          rs.set("points", std::move(pts));
          p.set("rate_series", std::move(rs));
        }
        if (cfg_.arrival_pattern == ArrivalPattern::kGamma && get("--arrival-smoothness")) {
          p.set("smoothness", num(cfg_.arrival_smoothness));
        }
        if (cfg_.concurrency) p.set("concurrency", num(double(*cfg_.concurrency)));
        return;
      case TimingMode::kUserCentric:
      case TimingMode::kFixedSchedule:
        if (cfg_.timing_mode == TimingMode::kUserCentric) {
          p.set("type", scalar("user_centric"));
          p.set("rate", num(*cfg_.user_centric_rate));
          p.set("users", num(double(*cfg_.num_users)));
        } else {
          p.set("type", scalar("fixed_schedule"));
          const bool auto_offset = cfg_.fixed_schedule_auto_offset.value_or(
              !cfg_.fixed_schedule_start_offset_ms.has_value());
          p.set("auto_offset", scalar(auto_offset ? "true" : "false"));
          if (!auto_offset) {
            p.set("start_offset", num(double(cfg_.fixed_schedule_start_offset_ms.value_or(0))));
          }
          if (cfg_.fixed_schedule_end_offset_ms) {
            p.set("end_offset", num(double(*cfg_.fixed_schedule_end_offset_ms)));
          }
        }
        if (cfg_.concurrency) p.set("concurrency", num(double(*cfg_.concurrency)));
        return;
      case TimingMode::kConcurrency:
        p.set("type", scalar("concurrency"));
        p.set("concurrency", num(double(cfg_.concurrency.value_or(1))));
        return;
    }
  }

  /// The warmup as make_phases runs it (schedule.h): its own load, else the profiling one.
  YamlNode warmup() {
    YamlNode w = YamlNode::map();
    w.set("name", scalar("warmup"));
    auto rate = cfg_.warmup_request_rate ? cfg_.warmup_request_rate : cfg_.request_rate;
    if (rate && *rate <= 0) rate.reset();  // a closed loop (--warmup-request-rate 0)
    const auto conc = cfg_.warmup_concurrency ? cfg_.warmup_concurrency : cfg_.concurrency;
    if (rate) {
      ArrivalPattern a = cfg_.warmup_arrival_pattern.value_or(cfg_.arrival_pattern);
      if (a == ArrivalPattern::kConcurrencyBurst) a = ArrivalPattern::kPoisson;
      w.set("type", scalar(to_string(a)));
      w.set("rate", num(*rate));
      if (conc) w.set("concurrency", num(double(*conc)));
      if (a == ArrivalPattern::kGamma && cfg_.timing_mode == TimingMode::kRequestRate &&
          cfg_.arrival_pattern == ArrivalPattern::kGamma && get("--arrival-smoothness")) {
        w.set("smoothness", num(cfg_.arrival_smoothness));
      }
    } else {
      w.set("type", scalar("concurrency"));
      w.set("concurrency", num(double(conc.value_or(1))));
    }
    write_shaping(w, cfg_.warmup_shaping(), rate.has_value());
    if (cfg_.warmup_request_count) {
      w.set("requests", num(double(*cfg_.warmup_request_count)));
    } else if (cfg_.warmup_num_sessions) {
      w.set("sessions", num(double(*cfg_.warmup_num_sessions)));
    } else {
      w.set("duration", num(*cfg_.warmup_duration_s));
      if (cfg_.warmup_grace_period_s) w.set("grace_period", num(*cfg_.warmup_grace_period_s));
    }
    return w;
  }

  void phases() {
    YamlNode list = YamlNode::seq();
    if (cfg_.warmup_request_count || cfg_.warmup_num_sessions || cfg_.warmup_duration_s) {
      list.items.push_back(warmup());
    }
    YamlNode p = YamlNode::map();
    p.set("name", scalar("profiling"));
    load(p);
    if (cfg_.request_count) p.set("requests", num(double(*cfg_.request_count)));
    if (cfg_.benchmark_duration_s) p.set("duration", num(*cfg_.benchmark_duration_s));
    if (cfg_.num_sessions) p.set("sessions", num(double(*cfg_.num_sessions)));
    if (const auto* g = get("--benchmark-grace-period")) p.set("grace_period", scalar(g->back()));
    shaping(p);
    list.items.push_back(std::move(p));
    section("phases") = std::move(list);
  }

  const Config& cfg_;
  std::map<std::string, std::vector<std::string>> given_;
  std::string kind_;
  YamlNode* body_ = nullptr;
};

}  // namespace

std::string effective_config_yaml(const Config& cfg, uint64_t seed_used) {
  Writer w(cfg);
  const YamlNode env = w.build(seed_used);
  return "# The effective configuration of this run: `aiperf profile -f <this file>` repeats it\n"
         "# (same seed, same request payloads). Secrets are written as \"" +
         std::string(kRedacted) + "\"; pass them on the\n# command line (--api-key, -H).\n" +
         emit_yaml(env);
}

}  // namespace aiperf::config
