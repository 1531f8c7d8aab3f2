// Run preparation: tokenizer, dataset, rendered request bodies, inputs.json, the start-up
// reachability check (docs/architecture.md "Data flow").
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "aiperf/common/clock.h"
#include "aiperf/common/error.h"
#include "aiperf/common/log.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/run/probe.h"
#include "aiperf/run/profile_run.h"
#include "aiperf/transport/source_addrs.h"

namespace aiperf::run {

namespace fs = std::filesystem;

namespace {

constexpr int kProbeTimeoutMs = 5000;

/// A single-turn conversation's prompt lives on in its rendered body; the record processors
/// only need its token count (no history, no system or context message to count with it).
/// Dropping the text right after rendering halves the memory of large traces. Returns the bytes
/// released.
size_t release_rendered_text(dataset::Conversation& conv) {
  if (conv.turns.size() != 1 || conv.system_message || conv.user_context_message) return 0;
  dataset::Turn& t = conv.turns[0];
  if (t.input_tokens <= 0 || !t.texts.empty() || !t.messages_json.empty() ||
      !t.payload_json.empty()) {
    return 0;
  }
  size_t n = t.text.capacity();
  std::string().swap(t.text);
  // Media data URLs likewise; the items stay (their kinds are counted, e.g. num_images).
  for (dataset::MediaItem& m : t.media) {
    n += m.content.capacity();
    std::string().swap(m.content);
  }
  return n;
}

LogSeverity log_severity(config::LogLevel l) {
  switch (l) {
    case config::LogLevel::kTrace:
      return LogSeverity::kTrace;
    case config::LogLevel::kDebug:
      return LogSeverity::kDebug;
    case config::LogLevel::kWarning:
      return LogSeverity::kWarning;
    case config::LogLevel::kError:
      return LogSeverity::kError;
    case config::LogLevel::kCritical:
      return LogSeverity::kCritical;
    default:
      return LogSeverity::kInfo;  // INFO, NOTICE, SUCCESS
  }
}

}  // namespace

int default_worker_count(const config::Config& cfg) {
  if (cfg.workers_max > 0) return cfg.workers_max;
  // AIPerf's formula (spec §9.2): three quarters of the cores less one, 1 to 32, and no more
  // workers than the profiling phase has concurrent requests (a concurrency-mode phase: 1 by
  // default).
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  int n = std::clamp(int(cores * 0.75) - 1, 1, 32);
  if (cfg.concurrency) {
    n = int(std::min<int64_t>(n, std::max<int64_t>(1, *cfg.concurrency)));
  } else if (cfg.timing_mode == config::TimingMode::kConcurrency) {
    n = 1;
  }
  return n;
}

void write_inputs_json(const std::string& path, const dataset::Dataset& ds,
                       const std::vector<std::string>& bodies, const config::Config& cfg,
                       const endpoint::Endpoint& ep, const nlohmann::ordered_json* extra) {
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error("cannot write " + path);
  f << "{\n  \"data\": [";
  for (size_t i = 0; i < ds.conversations.size(); ++i) {
    const dataset::Conversation& conv = ds.conversations[i];
    f << (i ? ",\n" : "\n") << "    {\"session_id\": " << nlohmann::json(conv.session_id).dump()
      << ", \"payloads\": [" << bodies[i];
    for (size_t k = 1; k < conv.turns.size(); ++k) {
      f << ", " << ep.render_body(endpoint::make_render_context(cfg, conv, conv.turns[k], extra));
    }
    f << "]}";
  }
  f << "\n  ]\n}\n";
}

void ProfileRun::prepare() {
  ctx_ = metrics::make_run_context(cfg_);  // validates --goodput
  paths_ = exporter::artifact_paths(cfg_);
  fs::create_directories(paths_.dir);
  const bool follower = team_ && !team_->leader();
  if (!follower) {
    setup_logging((fs::path(paths_.dir) / "logs" / "aiperf.log").string(),
                  log_severity(cfg_.log_level));
  } else {
    quiet_rank_logging(paths_.dir, team_->rank(), log_severity(cfg_.log_level));
  }
  spdlog::info("aiperf {} profile: {}", endpoint::kAiperfVersion,
               config::redacted_command_line(cfg_.argv));
  spdlog::info("endpoint {} streaming={} timing={} urls={} models={}",
               config::to_string(cfg_.endpoint_type), cfg_.streaming,
               config::to_string(cfg_.timing_mode), cfg_.urls.size(), fmt::join(cfg_.models, ","));
  if (cfg_.tokenizer_trust_remote_code) {
    spdlog::warn(
        "--tokenizer-trust-remote-code is accepted for compatibility, but no repository code is "
        "ever run: the tokenizer is loaded from its tokenizer.json (or tokenizer.model)");
  }
  int64_t t0 = mono_ns();
  endpoint_ = cfg_.plugin_endpoint.empty() ? endpoint::create(cfg_.endpoint_type)
                                           : endpoint::create(cfg_.plugin_endpoint);
  if (!endpoint_) throw ConfigError("--endpoint-type " + cfg_.plugin_endpoint + ": not loaded");
  if (!cfg_.plugin_endpoint.empty()) {
    // A plugin's endpoint says itself what its metrics are (aiperf_plugin.h).
    const endpoint::EndpointInfo& ei = endpoint_->info();
    ctx_.produces_tokens = ei.produces_tokens;
    ctx_.tokenizes_input = ei.tokenizes_input;
    ctx_.streaming = ctx_.streaming && ei.supports_streaming;
    ctx_.metrics_title = std::string(ei.metrics_title);
    ctx_.finalize();
  }
  for (size_t i = 0; i < cfg_.urls.size(); ++i) {
    std::string err;
    auto url = transport::parse_url(cfg_.urls[i], &err);
    if (!url) throw ConfigError("--url: '" + cfg_.urls[i] + "' is not a valid URL: " + err);
    plan_.targets.push_back(transport::request_target(*url, endpoint_->path(cfg_)));
    plan_.client.urls.push_back(*url);
  }
  plan_.client.insecure = cfg_.tls_insecure;
  for (const std::string& ip : cfg_.source_ips) {  // --source-ip: addresses of this host
    if (auto why = transport::check_bindable(ip)) {
      throw ConfigError("--source-ip: cannot bind " + ip + ": " + *why +
                        " (give addresses of this host's interfaces)");
    }
  }
  plan_.client.source_ips = cfg_.source_ips;
  plan_.client.request_timeout_ns = int64_t(cfg_.request_timeout_s * 1e9);

  tokenizer::LoadOptions lo;
  lo.revision = cfg_.tokenizer_revision;
  lo.trust_remote_code = cfg_.tokenizer_trust_remote_code;
  tokenizer_ = tokenizer::load(cfg_.tokenizer_spec(), lo);
  spdlog::info("tokenizer {} loaded in {:.1f} ms", tokenizer_->name(), (mono_ns() - t0) / 1e6);
  t0 = mono_ns();
  dataset_ = dataset::load_dataset(cfg_, *tokenizer_, rngs_);
  size_t turns = 0;
  for (const auto& c : dataset_.conversations) turns += c.turns.size();
  spdlog::info("dataset: {} conversations, {} turns, built in {:.1f} ms",
               dataset_.conversations.size(), turns, (mono_ns() - t0) / 1e6);
  for (const auto& w : cfg_.warnings) spdlog::warn("{}", w);
  for (const auto& w : dataset_.warnings) spdlog::warn("{}", w);
  render_bodies();
  if (cfg_.timing_mode == config::TimingMode::kFixedSchedule) {
    auto specs = schedule::make_phases(cfg_);
    fixed_ = schedule::build_fixed_schedule(dataset_, specs.back().auto_offset,
                                            specs.back().start_offset_ms);
  }
  if (cfg_.timing_mode == config::TimingMode::kUserCentric && !cfg_.num_users) {
    throw ConfigError("--user-centric-rate requires --num-users");
  }
  if (!follower) {
    write_inputs_json((fs::path(paths_.dir) / "inputs.json").string(), dataset_, plan_.bodies, cfg_,
                      *endpoint_, extra_inputs_.get());
  }
}

void ProfileRun::render_bodies() {
  extra_inputs_ = endpoint::parse_extra_inputs(cfg_.extra_inputs_json);
  headers_ = std::make_unique<endpoint::RequestHeaders>(cfg_);
  plan_.headers = headers_.get();
  bool warmup = cfg_.warmup_request_count || cfg_.warmup_duration_s;
  size_t released = 0;
  for (auto& conv : dataset_.conversations) {
    auto rc = endpoint::make_render_context(cfg_, conv, conv.turns[0], extra_inputs_.get());
    plan_.bodies.push_back(endpoint_->render_body(rc));
    if (cfg_.streaming) {
      // Room for one SSE event per token plus the role, usage and [DONE] messages.
      int64_t most = 0;
      for (const auto& t : conv.turns) most = std::max(most, t.max_tokens.value_or(0));
      plan_.expected_events.push_back(most > 0 ? uint32_t(std::min<int64_t>(most, 1 << 16) + 4)
                                               : 0);
    }
    if (warmup) {
      rc.warmup = true;
      plan_.warmup_bodies.push_back(endpoint_->render_body(rc));
    }
    released += release_rendered_text(conv);
  }
  if (released) {
    spdlog::info("released {:.1f} MB of prompt text kept in rendered bodies", released / 1e6);
  }
}

void ProfileRun::check_servers() {
  for (size_t i = 0; i < plan_.client.urls.size(); ++i) {
    if (auto err = probe_tcp(plan_.client.urls[i], kProbeTimeoutMs)) {
      throw std::runtime_error("cannot connect to " + cfg_.urls[i] + ": " + *err +
                               " (is the server running and is --url right?)");
    }
  }
}

}  // namespace aiperf::run
