// Run preparation: tokenizer, dataset, rendered request bodies, inputs.json, the start-up
// reachability check (docs/architecture.md "Data flow").
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "aiperf/common/cancel.h"
#include "aiperf/common/clock.h"
#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/common/log.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/config/config_file.h"
#include "aiperf/kserve/grpc_client.h"
#include "aiperf/run/probe.h"
#include "aiperf/run/profile_run.h"
#include "aiperf/run/servers.h"
#include "aiperf/run/session_feed.h"
#include "aiperf/run/signals.h"
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

void check_artifact_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    throw ConfigError("--artifact-dir: cannot create '" + dir + "': " + ec.message() +
                      " (choose a writable directory)");
  }
  // Writable? (mkdir succeeding says nothing of an existing directory.)
  const std::string probe =
      (fs::path(dir) / fmt::format(".aiperf-write-test-{}", ::getpid())).string();
  const int fd = ::open(probe.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw ConfigError("--artifact-dir: cannot write in '" + dir + "': " + std::strerror(errno) +
                      " (choose a writable directory)");
  }
  ::close(fd);
  ::unlink(probe.c_str());
}

int default_worker_count(const config::Config& cfg) {
  if (cfg.workers_max > 0) return cfg.workers_max;
  // AIPerf's formula (spec §9.2): three quarters of the cores less one, 1 to 32, and no more
  // workers than the profiling phase has concurrent requests (a concurrency-mode phase: 1 by
  // default).
  const int cores = int(std::max(1u, std::thread::hardware_concurrency()));
  const double factor = env::number("AIPERF_WORKER_CPU_UTILIZATION_FACTOR", 0.75);
  const int cap = int(env::integer("AIPERF_WORKER_MAX_WORKERS_CAP", 32));
  int n = std::max(1, std::min(int(cores * factor) - 1, cap));
  if (cfg.concurrency) {
    n = int(std::min<int64_t>(n, std::max<int64_t>(1, *cfg.concurrency)));
  } else if (cfg.timing_mode == config::TimingMode::kConcurrency) {
    n = 1;
  }
  return n;
}

void ProfileRun::prepare() {
  ctx_ = metrics::make_run_context(cfg_);  // validates --goodput
  paths_ = exporter::artifact_paths(cfg_);
  check_artifact_dir(paths_.dir);
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
  set_signal_policy(SignalPolicy::kCooperative, "loading the tokenizer");
  if (cfg_.plugin_endpoint.empty()) {
    endpoint_ = endpoint::create(cfg_);  // configured from cfg_
  } else {
    endpoint_ = endpoint::create(cfg_.plugin_endpoint);
    if (!endpoint_) throw ConfigError("--endpoint-type " + cfg_.plugin_endpoint + ": not loaded");
    endpoint_->configure(cfg_);
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
  plan_.client.rx_timestamps = env::flag("AIPERF_HTTP_RX_TIMESTAMPS");
  for (const std::string& ip : cfg_.source_ips) {  // --source-ip: addresses of this host
    if (auto why = transport::check_bindable(ip)) {
      throw ConfigError("--source-ip: cannot bind " + ip + ": " + *why +
                        " (give addresses of this host's interfaces)");
    }
  }
  plan_.client.source_ips = cfg_.source_ips;
  plan_.client.reuse = transport_reuse(cfg_.connection_reuse);
  plan_.client.request_timeout_ns = int64_t(cfg_.request_timeout_s * 1e9);
  if (endpoint_->info().grpc) {  // kserve, kserve_vllm: KServe v2 gRPC (docs/triton.md)
    plan_.grpc = true;
    plan_.grpc_options.urls = cfg_.urls;
    plan_.grpc_options.backend = cfg_.endpoint_type == config::EndpointType::kKserveVllm
                                     ? kserve::Backend::kVllm
                                     : kserve::Backend::kTensorrtllm;
    plan_.grpc_options.streaming = ctx_.streaming;
    plan_.grpc_options.request_timeout_ns = plan_.client.request_timeout_ns;
    plan_.grpc_options.metadata = kserve::grpc_metadata(cfg_.headers, cfg_.api_key);
  }
  if (endpoint_->info().polls_job) {  // video_generation: follow each job (worker/video_job.h)
    plan_.jobs = {true, endpoint_.get(), worker::video_poll_interval_ns(),
                  cfg_.download_video_content, plan_.client.request_timeout_ns};
  }

  tokenizer::LoadOptions lo;
  lo.revision = cfg_.tokenizer_revision;
  lo.trust_remote_code = cfg_.tokenizer_trust_remote_code;
  tokenizer_ = tokenizer::load(cfg_.tokenizer_spec(), lo);
  spdlog::info("tokenizer {} loaded in {:.1f} ms", tokenizer_->name(), (mono_ns() - t0) / 1e6);
  t0 = mono_ns();
  throw_if_stop_requested();
  set_signal_policy(SignalPolicy::kCooperative, "building the dataset");
  dataset_ = dataset::load_dataset(cfg_, *tokenizer_, rngs_);
  if (team_ && dataset_.source) {
    // Ranks deal the schedule by global session index (cluster/share.h) while a just-in-time
    // feed walks the whole order: under a launcher each rank holds its dataset instead.
    auto cursor = dataset_.source->open();
    dataset_.conversations.reserve(dataset_.source->size());
    for (size_t i = 0; i < dataset_.source->size(); ++i) {
      if (i % 1024 == 0) throw_if_stop_requested();
      dataset_.conversations.push_back(cursor->read(i));
    }
    dataset_.source.reset();
  }
  if (dataset_.source) {
    spdlog::info(
        "dataset: {} conversations, rebuilt just in time (compact form {:.1f} MB, made in {:.1f} "
        "ms)",
        dataset_.size(), dataset_.source->memory_bytes() / 1e6, (mono_ns() - t0) / 1e6);
  } else {
    size_t turns = 0;
    for (const auto& c : dataset_.conversations) turns += c.turns.size();
    spdlog::info("dataset: {} conversations, {} turns, built in {:.1f} ms",
                 dataset_.conversations.size(), turns, (mono_ns() - t0) / 1e6);
  }
  for (const auto& w : cfg_.warnings) spdlog::warn("{}", w);
  for (const auto& w : ctx_.warnings) spdlog::warn("{}", w);
  for (const auto& w : dataset_.warnings) spdlog::warn("{}", w);
  throw_if_stop_requested();
  set_signal_policy(SignalPolicy::kCooperative, "rendering the request bodies");
  render_bodies();
  if (cfg_.timing_mode == config::TimingMode::kFixedSchedule) {
    auto specs = schedule::make_phases(cfg_);
    fixed_ = schedule::build_fixed_schedule(dataset_, specs.back().auto_offset,
                                            specs.back().start_offset_ms);
  }
  if (cfg_.timing_mode == config::TimingMode::kUserCentric && !cfg_.num_users) {
    throw ConfigError("--user-centric-rate requires --num-users");
  }
  throw_if_stop_requested();
  if (follower) return;  // rank 0 writes inputs.json
  // The effective configuration (config/config_file.h): `aiperf profile -f` repeats the run.
  std::ofstream((fs::path(paths_.dir) / "run_config.yaml").string())
      << config::effective_config_yaml(cfg_, rngs_.root());
  set_signal_policy(SignalPolicy::kCooperative, "writing inputs.json");
  const std::string inputs = (fs::path(paths_.dir) / "inputs.json").string();
  if (dataset_.source) {  // written as the run renders the conversations (inputs_json.h)
    inputs_stream_ = std::make_unique<InputsJsonStream>(inputs, dataset_.size(), cfg_, *endpoint_,
                                                        extra_inputs_.get());
    return;
  }
  try {
    write_inputs_json(inputs, dataset_, plan_.bodies, cfg_, *endpoint_, extra_inputs_.get());
  } catch (...) {
    std::error_code ec;
    fs::remove(inputs, ec);  // never leave a truncated inputs.json behind
    throw;
  }
}

void ProfileRun::render_bodies() {
  extra_inputs_ = endpoint::parse_extra_inputs(cfg_.extra_inputs_json);
  headers_ = std::make_unique<endpoint::RequestHeaders>(cfg_);
  plan_.headers = headers_.get();
  if (dataset_.source) return;  // rendered just in time (run/session_feed.h)
  bool warmup = cfg_.warmup_request_count || cfg_.warmup_duration_s;
  size_t released = 0;
  size_t n = 0;
  for (auto& conv : dataset_.conversations) {
    if (++n % 1024 == 0) throw_if_stop_requested();
    auto rc = endpoint::make_render_context(cfg_, conv, conv.turns[0], extra_inputs_.get());
    plan_.bodies.push_back(endpoint_->render_body(rc));
    if (cfg_.streaming) plan_.expected_events.push_back(expected_events(conv));
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
  if (plan_.grpc) {
    check_grpc_servers();
    return;
  }
  if (cfg_.wait_for_model_timeout_s > 0) {
    wait_until_ready();  // polls until the model answers (spec §5.5)
    return;
  }
  for (size_t i = 0; i < plan_.client.urls.size(); ++i) {
    if (auto err = probe_tcp(plan_.client.urls[i], kProbeTimeoutMs)) {
      throw std::runtime_error("cannot connect to " + cfg_.urls[i] + ": " + *err +
                               " (is the server running and is --url right?)");
    }
  }
}

/// KServe v2 gRPC servers: ServerLive and ModelReady for each URL and model; with
/// --wait-for-model-timeout, polled every --wait-for-model-interval until they hold.
void ProfileRun::check_grpc_servers() {
  const int64_t deadline = mono_ns() + int64_t(cfg_.wait_for_model_timeout_s * 1e9);
  for (const std::string& url : cfg_.urls) {
    for (const std::string& model : cfg_.models) {
      for (int attempt = 1;; ++attempt) {
        std::string err = kserve::probe(url, model, kProbeTimeoutMs,
                                        kserve::grpc_metadata(cfg_.headers, cfg_.api_key));
        if (err.empty()) break;
        if (mono_ns() >= deadline) {
          if (cfg_.wait_for_model_timeout_s > 0) {
            err += " (still so after " + std::to_string(attempt) + " attempts in " +
                   fmt::format("{:g}", cfg_.wait_for_model_timeout_s) +
                   " s of --wait-for-model-timeout)";
          }
          throw std::runtime_error(err);
        }
        throw_if_stop_requested();
        std::this_thread::sleep_for(
            std::chrono::milliseconds(int64_t(cfg_.wait_for_model_interval_s * 1000)));
      }
    }
  }
}

}  // namespace aiperf::run
