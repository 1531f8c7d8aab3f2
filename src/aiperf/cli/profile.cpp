// `aiperf profile`: config → dataset → schedule → workers → record pipeline → exports
// (docs/architecture.md). This file wires the stages together and owns the run's threads.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "aiperf/cli/cli.h"
#include "aiperf/cli/probe.h"
#include "aiperf/cli/record_pipeline.h"
#include "aiperf/cli/signals.h"
#include "aiperf/common/clock.h"
#include "aiperf/common/error.h"
#include "aiperf/common/log.h"
#include "aiperf/config/cli_options.h"
#include "aiperf/schedule/arrival.h"
#include "aiperf/schedule/fixed_schedule.h"
#include "aiperf/schedule/user_centric.h"
#include "aiperf/ui/progress.h"
#include "aiperf/worker/open_loop_drivers.h"
#include "aiperf/worker/rate_scheduler.h"
#include "aiperf/worker/session_router.h"

namespace aiperf::cli {

namespace fs = std::filesystem;

namespace {

constexpr int kProbeTimeoutMs = 5000;
constexpr int64_t kInterruptDrainNs = 5'000'000'000;  // first Ctrl-C: wait this long, then cut

int default_worker_count(const config::Config& cfg) {
  if (cfg.workers_max > 0) return cfg.workers_max;
  unsigned n = std::max(1u, std::thread::hardware_concurrency());
  return int(std::max(1u, n / 2));  // the other cores: record pipeline, scheduler, the server
}

/// inputs.json: every turn's payload as formatted before the run (spec §6.1). Later turns of a
/// session are written as the turn alone; the history with the server's answers is only known
/// during the run.
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

struct PhaseOutcome {
  bool interrupted = false;
  bool grace_expired = false;
  int64_t start_wall_ns = 0;
  int64_t end_wall_ns = 0;
  int64_t wall_ns = 0;
};

class ProfileRun {
 public:
  explicit ProfileRun(config::Config cfg) : cfg_(std::move(cfg)), rngs_(cfg_.random_seed) {}
  int execute();

 private:
  void prepare();
  void check_servers();
  PhaseOutcome run_phase(const schedule::PhaseSpec& spec, ui::Progress& progress,
                         RecordPipeline& pipeline);
  int finish(const PhaseOutcome& prof, const RecordPipeline& pipeline);

  config::Config cfg_;
  RngManager rngs_;
  metrics::RunContext ctx_;
  std::unique_ptr<endpoint::Endpoint> endpoint_;
  std::shared_ptr<const tokenizer::Tokenizer> tokenizer_;
  std::unique_ptr<endpoint::RequestHeaders> headers_;
  std::shared_ptr<const nlohmann::ordered_json> extra_inputs_;
  dataset::Dataset dataset_;
  worker::RequestPlan plan_;
  exporter::ArtifactPaths paths_;
  worker::SessionRouter router_;
  // Phase states outlive their phase (declared before the workers, which refer to them until
  // they are destroyed): late records and timers may still use them.
  std::vector<std::unique_ptr<schedule::PhaseState>> phase_states_;
  worker::RecordSink sink_;
  std::vector<std::unique_ptr<worker::Worker>> workers_;
  std::unique_ptr<metrics::Aggregator> aggregator_;
  std::unique_ptr<exporter::RecordWriters> writers_;
  std::optional<schedule::FixedSchedule> fixed_;  // trace replay (built before connecting)
  int handled_interrupts_ = 0;
  bool stop_all_ = false;
};

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

void ProfileRun::prepare() {
  ctx_ = metrics::make_run_context(cfg_);  // validates --goodput
  paths_ = exporter::artifact_paths(cfg_);
  fs::create_directories(paths_.dir);
  setup_logging((fs::path(paths_.dir) / "logs" / "aiperf.log").string(),
                log_severity(cfg_.log_level));
  spdlog::info("aiperf {} profile: {}", kVersion, config::redacted_command_line(cfg_.argv));
  spdlog::info("endpoint {} streaming={} timing={} urls={} models={}",
               config::to_string(cfg_.endpoint_type), cfg_.streaming,
               config::to_string(cfg_.timing_mode), cfg_.urls.size(), fmt::join(cfg_.models, ","));
  if (cfg_.tokenizer_trust_remote_code) {
    spdlog::warn(
        "--tokenizer-trust-remote-code is accepted for compatibility, but no repository code is "
        "ever run: the tokenizer is loaded from its tokenizer.json (or tokenizer.model)");
  }
  int64_t t0 = mono_ns();
  endpoint_ = endpoint::create(cfg_);
  for (size_t i = 0; i < cfg_.urls.size(); ++i) {
    std::string err;
    auto url = transport::parse_url(cfg_.urls[i], &err);
    if (!url) throw ConfigError("--url: '" + cfg_.urls[i] + "' is not a valid URL: " + err);
    plan_.targets.push_back(transport::request_target(*url, endpoint_->path(cfg_)));
    plan_.client.urls.push_back(*url);
  }
  plan_.client.insecure = cfg_.tls_insecure;
  plan_.client.request_timeout_ns = int64_t(cfg_.request_timeout_s * 1e9);
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
  dataset_ = dataset::load_dataset(cfg_, *tokenizer_, rngs_);
  size_t turns = 0;
  for (const auto& c : dataset_.conversations) turns += c.turns.size();
  spdlog::info("dataset: {} conversations, {} turns, built in {:.1f} ms",
               dataset_.conversations.size(), turns, (mono_ns() - t0) / 1e6);
  for (const auto& w : cfg_.warnings) spdlog::warn("{}", w);
  for (const auto& w : dataset_.warnings) spdlog::warn("{}", w);
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
  if (cfg_.timing_mode == config::TimingMode::kFixedSchedule) {
    auto specs = schedule::make_phases(cfg_);
    fixed_ = schedule::build_fixed_schedule(dataset_, specs.back().auto_offset,
                                            specs.back().start_offset_ms);
  }
  if (cfg_.timing_mode == config::TimingMode::kUserCentric && !cfg_.num_users) {
    throw ConfigError("--user-centric-rate requires --num-users");
  }
  write_inputs_json((fs::path(paths_.dir) / "inputs.json").string(), dataset_, plan_.bodies, cfg_,
                    *endpoint_, extra_inputs_.get());
}

void ProfileRun::check_servers() {
  for (size_t i = 0; i < plan_.client.urls.size(); ++i) {
    if (auto err = probe_tcp(plan_.client.urls[i], kProbeTimeoutMs)) {
      throw std::runtime_error("cannot connect to " + cfg_.urls[i] + ": " + *err +
                               " (is the server running and is --url right?)");
    }
  }
}

PhaseOutcome ProfileRun::run_phase(const schedule::PhaseSpec& spec_in, ui::Progress& progress,
                                   RecordPipeline& pipeline) {
  using config::TimingMode;
  PhaseOutcome out;
  schedule::PhaseSpec spec = spec_in;
  if (spec.mode == TimingMode::kFixedSchedule && fixed_) {
    // The trace is the stop condition; --request-count still applies (spec §3.3, §3.6).
    int64_t total = int64_t(fixed_->total_turns);
    spec.request_count = spec.request_count ? std::min(*spec.request_count, total) : total;
    spec.num_sessions = int64_t(fixed_->entries.size());
  }
  schedule::ConversationSampler sampler(
      dataset_.conversations.size(),
      cfg_.dataset_sampling_strategy.value_or(config::SamplingStrategy::kSequential), rngs_);
  phase_states_.push_back(std::make_unique<schedule::PhaseState>(
      spec, schedule::turn_counts(dataset_), plan_.client.urls.size(), std::move(sampler)));
  schedule::PhaseState& ps = *phase_states_.back();
  int64_t start = mono_ns();
  out.start_wall_ns = wall_ns();
  ps.start(start);

  ui::ProgressCounters pc;
  pc.phase = spec.name();
  pc.total = spec.request_count ? uint64_t(*spec.request_count) : 0;
  pc.duration_s = spec.duration_s.value_or(0.0);
  pc.phase_start_ns = start;
  bool warm = spec.phase == record::Phase::kWarmup;
  const auto& cnt = pipeline.counters();
  uint64_t done0 = warm ? cnt.warmup_done.load() : cnt.profiling_done.load();
  uint64_t err0 = warm ? 0 : cnt.profiling_errors.load();

  std::vector<worker::Worker*> ws;
  for (auto& w : workers_) ws.push_back(w.get());
  std::unique_ptr<worker::RateScheduler> rs;
  std::unique_ptr<worker::FixedScheduleDriver> fsd;
  std::unique_ptr<worker::UserCentricDriver> ucd;
  std::unique_ptr<worker::TurnScheduler> turns;  // later turns of sessions (not rate mode)
  worker::TurnScheduler* next_turns = nullptr;
  switch (spec.mode) {
    case TimingMode::kConcurrency: {
      turns = std::make_unique<worker::DirectTurnScheduler>(
          ps, ws, [](const worker::TurnDone& t, int64_t) { return t.returned_ns + t.delay_ns; });
      next_turns = turns.get();
      router_.attach(spec.phase, &ps, next_turns);
      int64_t n = int64_t(workers_.size());
      for (int64_t i = 0; i < n; ++i) {
        int64_t share = spec.concurrency / n + (i < spec.concurrency % n ? 1 : 0);
        if (share > 0) workers_[i]->run_closed_loop(&ps, share);
      }
      break;
    }
    case TimingMode::kRequestRate:
      rs = std::make_unique<worker::RateScheduler>(
          ps, ws,
          schedule::make_interval_generator(spec.arrival, spec.rate, spec.smoothness, rngs_));
      router_.attach(spec.phase, &ps, rs.get());
      rs->start();
      break;
    case TimingMode::kFixedSchedule:
      turns = worker::make_fixed_schedule_turns(ps, ws, fixed_->zero_ms);
      router_.attach(spec.phase, &ps, turns.get());
      fsd = std::make_unique<worker::FixedScheduleDriver>(ps, ws, *fixed_);
      fsd->start();
      break;
    case TimingMode::kUserCentric: {
      double total = 0;
      for (const auto& c : dataset_.conversations) total += double(c.turns.size());
      double avg =
          dataset_.conversations.empty() ? 1.0 : total / double(dataset_.conversations.size());
      auto plan = schedule::plan_user_centric(spec.num_users, spec.rate, avg);
      turns = worker::make_user_centric_turns(ps, ws, plan.turn_gap_ns);
      router_.attach(spec.phase, &ps, turns.get());
      ucd = std::make_unique<worker::UserCentricDriver>(ps, ws, std::move(plan));
      ucd->start();
      break;
    }
  }

  int64_t abort_at = std::numeric_limits<int64_t>::max();
  if (spec.duration_s && std::isfinite(spec.grace_s)) {
    abort_at = ps.send_deadline_ns() + int64_t(spec.grace_s * 1e9);
  }
  bool aborted = false;
  for (;;) {
    usleep(10'000);
    int64_t now = mono_ns();
    int sig = interrupt_count();
    if (sig > handled_interrupts_) {
      handled_interrupts_ = sig;
      out.interrupted = true;
      ps.stop_sending();
      abort_at = std::min(abort_at, sig >= 2 ? now : now + kInterruptDrainNs);
      std::fprintf(stderr, sig >= 2
                               ? "\naiperf: stopping now; writing what completed\n"
                               : "\naiperf: interrupted; waiting up to 5 s for in-flight requests "
                                 "(Ctrl-C again to stop now)\n");
    }
    if (now >= ps.send_deadline_ns()) ps.stop_sending();
    pc.completed = (warm ? cnt.warmup_done.load() : cnt.profiling_done.load()) - done0;
    pc.errors = warm ? 0 : cnt.profiling_errors.load() - err0;
    progress.update(pc);
    if (ps.finished()) break;
    if (!aborted && now >= abort_at) {
      aborted = true;
      if (!out.interrupted) out.grace_expired = true;
      for (auto& w : workers_) w->abort_in_flight();
    }
    if (aborted && now >= abort_at + 10'000'000'000) break;  // never hang on shutdown
  }
  router_.detach(spec.phase);  // before the schedulers go
  if (rs) rs->stop();
  if (fsd) fsd->stop();
  if (ucd) ucd->stop();
  out.wall_ns = mono_ns() - start;
  out.end_wall_ns = wall_ns();
  spdlog::info("phase {} ended after {:.3f} s{}{}", spec.name(), out.wall_ns / 1e9,
               out.interrupted ? " (interrupted)" : "",
               out.grace_expired ? " (grace period expired)" : "");
  return out;
}

int ProfileRun::execute() {
  prepare();
  check_servers();
  install_interrupt_handlers();

  aggregator_ = std::make_unique<metrics::Aggregator>(ctx_);
  writers_ = std::make_unique<exporter::RecordWriters>(cfg_, ctx_, paths_);
  record::RecordProcessor processor(cfg_, *endpoint_, tokenizer_.get());
  RecordPipeline pipeline(sink_, processor, dataset_, plan_.bodies, *aggregator_, writers_.get());
  RecordPipeline::Sessions sessions;
  sessions.cfg = &cfg_;
  sessions.endpoint = endpoint_.get();
  sessions.extra_inputs = extra_inputs_.get();
  sessions.router = &router_;
  if (cfg_.input_file) sessions.delay_cap_s = cfg_.inter_turn_delay_cap_s;
  pipeline.enable_sessions(sessions);
  pipeline.start();

  int nw = default_worker_count(cfg_);
  uint64_t id_seed = rngs_.derive("worker.ids").next_u64();
  for (int i = 0; i < nw; ++i) {
    workers_.push_back(std::make_unique<worker::Worker>(uint16_t(i), plan_, sink_, id_seed));
    workers_.back()->start();
  }
  spdlog::info("{} I/O worker thread(s) started", nw);

  ui::ProgressOptions po;
  po.mode = cfg_.ui == config::UiType::kNone ? ui::ProgressMode::kNone : ui::ProgressMode::kSimple;
  po.out = stderr;
  ui::Progress progress(po);
  progress.start();

  PhaseOutcome prof;
  bool profiled = false;
  for (const auto& spec : schedule::make_phases(cfg_)) {
    PhaseOutcome o = run_phase(spec, progress, pipeline);
    if (spec.phase == record::Phase::kProfiling) {
      prof = o;
      profiled = true;
    }
    if (o.interrupted) break;
  }
  if (!profiled) prof.interrupted = true;
  progress.finish();
  for (auto& w : workers_) w->stop();
  pipeline.finish();
  return finish(prof, pipeline);
}

int ProfileRun::finish(const PhaseOutcome& prof, const RecordPipeline& pipeline) {
  writers_->close();
  metrics::Results results = aggregator_->finish();

  exporter::ClientSelfStats self;
  int64_t wall = std::max<int64_t>(prof.wall_ns, 1);
  for (auto& w : workers_) {
    self.cpu_ns += w->cpu_ns();
    self.worker_thread_utilization.push_back(double(w->cpu_ns()) / double(wall));
  }
  self.cpu_ns += pipeline.counters().cpu_ns.load();
  self.requests = results.valid_count + results.error_count;
  exporter::ClientHealth health = exporter::assess_client_health(self, results);

  exporter::SummaryInfo info;
  info.aiperf_version = kVersion;
  info.benchmark_id =
      endpoint::uuid4(rngs_.derive("benchmark.id").next_u64(), wall_ns() ^ uint64_t(::getpid()));
  info.was_cancelled = prof.interrupted;
  info.start_wall_ns = prof.start_wall_ns;
  info.end_wall_ns = prof.end_wall_ns;
  info.client_health = health;
  exporter::write_summary_json(paths_.summary_json, results, ctx_, cfg_, info);
  exporter::write_summary_csv(paths_.summary_csv, results, ctx_);

  auto files = writers_->files();
  files.insert(files.begin(), {"CSV", paths_.summary_csv});
  files.insert(files.begin(), {"JSON", paths_.summary_json});
  exporter::print_console(stdout, results, ctx_, &health, files);
  std::fflush(stdout);

  spdlog::info("results: {} valid, {} errors; client: {}", results.valid_count, results.error_count,
               health.reason);
  for (const auto& [label, path] : files) spdlog::info("{}: {}", label, path);
  if (prof.grace_expired) {
    spdlog::warn(
        "the grace period (--benchmark-grace-period {} s) expired; requests still in flight were "
        "cancelled and are not in the results",
        cfg_.benchmark_grace_period_s);
  }
  int rc = kExitOk;
  if (prof.interrupted) {
    spdlog::warn("interrupted: results cover the {} requests that completed", self.requests);
    rc = kExitInterrupted;
  } else if (results.valid_count == 0) {
    std::string first = pipeline.first_error();
    spdlog::error("all {} requests failed{}{}", results.error_count,
                  first.empty() ? "" : "; first error: ", first);
    rc = kExitBenchmarkFailed;
  }
  shutdown_logging();
  return rc;
}

}  // namespace

int run_profile(const std::vector<std::string>& args) {
  config::Config cfg;
  try {
    cfg = config::parse_profile_args(args);
  } catch (const config::HelpRequested& h) {
    std::fputs(h.text().c_str(), stdout);
    return kExitOk;
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  }
  if (cfg.argv.empty()) {
    cfg.argv = {"aiperf", "profile"};
    cfg.argv.insert(cfg.argv.end(), args.begin(), args.end());
  }
  try {
    ProfileRun run(std::move(cfg));
    return run.execute();
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  } catch (const InputError& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitBenchmarkFailed;
  }
}

}  // namespace aiperf::cli
