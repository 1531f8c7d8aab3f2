// The run's phases and exports (docs/architecture.md "Threads of a run"), and the public
// entry points of run.h.
#include <sys/prctl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "aiperf/common/cancel.h"
#include "aiperf/common/clock.h"
#include "aiperf/common/cpu_affinity.h"
#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/common/log.h"
#include "aiperf/config/value_parsers.h"
#include "aiperf/plugin/plugin.h"
#include "aiperf/run/profile_run.h"
#include "aiperf/run/session_feed.h"
#include "aiperf/run/signals.h"
#include "aiperf/schedule/arrival.h"
#include "aiperf/schedule/user_centric.h"
#include "aiperf/worker/open_loop_drivers.h"
#include "aiperf/worker/rate_scheduler.h"
#include "aiperf/worker/shaping_driver.h"

namespace aiperf::run {

namespace {
constexpr int64_t kInterruptDrainNs = 5'000'000'000;  // first Ctrl-C: wait this long, then cut
std::string g_failed_while = "starting";  // what run_benchmark() was doing when it threw
}  // namespace

std::unique_ptr<JustInTimeFeed> ProfileRun::start_feed(const schedule::PhaseSpec& spec,
                                                       schedule::PhaseState& ps,
                                                       schedule::ConversationSampler sampler) {
  JustInTimeFeed::Options o;
  o.source = dataset_.source.get();
  const bool warmup = spec.phase == record::Phase::kWarmup;
  o.render = [this, warmup](const dataset::Conversation& conv) {
    auto rc = endpoint::make_render_context(cfg_, conv, conv.turns[0], extra_inputs_.get());
    rc.warmup = warmup;
    return endpoint_->render_body(rc);
  };
  o.hint_events = cfg_.streaming;
  if (!warmup && inputs_stream_) {
    InputsJsonStream* stream = inputs_stream_.get();
    o.on_rendered = [stream](uint32_t i, const dataset::PreparedConversation& p) {
      stream->add(i, p.conversation, p.first_body);
    };
  }
  o.window = feed_window(spec.concurrency, spec.rate);
  const size_t first = std::min<size_t>(o.window, 1024);
  std::unique_ptr<JustInTimeFeed> feed;
  if (spec.mode == config::TimingMode::kFixedSchedule && fixed_) {
    std::vector<uint32_t> order;
    order.reserve(fixed_->entries.size());
    for (const auto& e : fixed_->entries) order.push_back(e.conversation);
    feed = std::make_unique<JustInTimeFeed>(std::move(o), std::move(order));
  } else {
    feed = std::make_unique<JustInTimeFeed>(std::move(o), std::move(sampler));
  }
  feed->start();
  // The window's first sessions (at most 1,024) are ready before the phase starts (a few
  // seconds at most).
  feed->prefill(first, mono_ns() + 5'000'000'000);
  ps.set_feed(feed.get());
  return feed;
}

PhaseWindow ProfileRun::run_phase(const schedule::PhaseSpec& spec_in, ui::Progress& progress,
                                  RecordPipeline& pipeline) {
  using config::TimingMode;
  PhaseWindow out;
  out.phase = spec_in.phase;
  schedule::PhaseSpec spec = spec_in;
  if (spec.mode == TimingMode::kFixedSchedule && fixed_) {
    // The trace is the stop condition; --request-count still applies (spec §3.3, §3.6).
    int64_t total = int64_t(fixed_->total_turns);
    spec.request_count = spec.request_count ? std::min(*spec.request_count, total) : total;
    spec.num_sessions = int64_t(fixed_->entries.size());
  }
  const std::optional<int64_t> global_count = spec.request_count;
  if (team_) spec = team_->share(spec);  // this rank's part of the one schedule
  auto make_sampler = [&] {
    return schedule::ConversationSampler(
        dataset_.size(),
        cfg_.dataset_sampling_strategy.value_or(config::SamplingStrategy::kSequential), rngs_);
  };
  phase_states_.push_back(std::make_unique<schedule::PhaseState>(
      spec, schedule::turn_counts(dataset_), plan_.client.urls.size(), make_sampler()));
  schedule::PhaseState& ps = *phase_states_.back();
  std::unique_ptr<JustInTimeFeed> feed;
  if (dataset_.source) feed = start_feed(spec, ps, make_sampler());
  if (spec.cancel_rate_pct > 0) {
    ps.set_cancellation(
        schedule::CancellationPolicy(spec.cancel_rate_pct, spec.cancel_delay_s, rngs_));
  }
  if (spec.phase == record::Phase::kProfiling && cfg_.network_latency_automatic) {
    network_probe_ =
        std::make_unique<NetworkProbe>(plan_.client.urls, cfg_.network_latency_ping_interval_s);
    network_probe_->start();
  }
  if (spec.phase == record::Phase::kProfiling) sched_at_start_ = sample_sched();
  int64_t start = team_ ? team_->start_phase(spec.phase) : mono_ns();  // a common start
  out.start_mono_ns = start;
  out.start_wall_ns = process_anchor().to_wall(start);  // as the requests' wall times
  ps.start(start);
  if (spec.idle) ps.stop_sending();  // a rank with no share of this phase
  if (team_ && spec.phase == record::Phase::kProfiling) profiling_cpu0_ns_ = process_cpu_ns();
  notify([&](RunObserver& o) { o.on_phase_start(spec.phase, start); });

  ui::ProgressCounters pc;
  pc.phase = spec.name();
  pc.total = global_count ? uint64_t(*global_count) : 0;
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
      // The session limit: --concurrency, or 1 when it ramps (the ShapingDriver adds sessions).
      const int64_t n = int64_t(workers_.size()), slots = ps.session_limit();
      for (int64_t i = 0; i < n; ++i) {
        int64_t share = slots / n + (i < slots % n ? 1 : 0);
        if (share > 0) workers_[i]->run_closed_loop(&ps, share);
      }
      break;
    }
    case TimingMode::kRequestRate: {
      // A rate that changes (ramp, series): unit-mean gaps turned into time by the schedule.
      std::optional<schedule::RateSchedule> rates;
      const double tick = env::number("AIPERF_TIMING_RATE_RAMP_UPDATE_INTERVAL", 0.1);
      if (!spec.rate_series.empty()) {
        rates = schedule::RateSchedule::series(spec.rate_series);
      } else if (spec.rate_ramp_s) {
        rates = schedule::RateSchedule::ramp(spec.rate, *spec.rate_ramp_s, tick,
                                             spec.rate_ramp_type, &rngs_);
      }
      if (!spec.rate_points.empty()) {  // AIPerf's series takes over at the ramp's end
        rates = schedule::RateSchedule::points(spec.rate_points, spec.rate, std::move(rates),
                                               spec.rate_ramp_s.value_or(0.0), tick);
      }
      rs = std::make_unique<worker::RateScheduler>(
          ps, ws,
          schedule::make_interval_generator(spec.arrival, rates ? 1.0 : spec.rate, spec.smoothness,
                                            rngs_),
          std::move(rates));
      router_.attach(spec.phase, &ps, rs.get());
      rs->start();
      break;
    }
    case TimingMode::kFixedSchedule:
      turns = worker::make_fixed_schedule_turns(ps, ws, fixed_->zero_ms);
      router_.attach(spec.phase, &ps, turns.get());
      fsd = std::make_unique<worker::FixedScheduleDriver>(ps, ws, *fixed_);
      fsd->start();
      break;
    case TimingMode::kUserCentric: {
      double total = 0;
      for (size_t i = 0; i < dataset_.size(); ++i) total += double(dataset_.turns(i));
      double avg = dataset_.size() == 0 ? 1.0 : total / double(dataset_.size());
      auto plan = schedule::plan_user_centric(spec.num_users, spec.rate, avg);
      turns = worker::make_user_centric_turns(ps, ws, plan.turn_gap_ns);
      router_.attach(spec.phase, &ps, turns.get());
      ucd = std::make_unique<worker::UserCentricDriver>(ps, ws, std::move(plan));
      ucd->start();
      break;
    }
  }

  std::unique_ptr<worker::ShapingDriver> shaping;  // ramps and the prefill limit
  if (worker::ShapingDriver::needed(spec)) {
    shaping = std::make_unique<worker::ShapingDriver>(ps, ws, spec.mode == TimingMode::kConcurrency,
                                                      rngs_);
    shaping->start();
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
    const bool told = team_ && !out.interrupted && team_->stop_requested();
    if (sig > handled_interrupts_ || told) {
      handled_interrupts_ = sig;
      out.interrupted = true;
      ps.stop_sending();
      worker::drop_prefill_waiters(&ps, ws);  // never sent
      // Under a launcher an interrupt is a one-second affair (mpirun sends SIGKILL after
      // SIGTERM): stop at once and write what completed.
      const bool again = sig - interrupts_at_start_ >= 2;
      const bool at_once = again || team_;
      abort_at = std::min(abort_at, at_once ? now : now + kInterruptDrainNs);
      if (team_) team_->request_stop();
      if (!team_ || team_->leader()) {
        if (at_once) {
          std::fprintf(stderr, "\naiperf: %s received%s; stopping now, writing what completed\n",
                       signal_name(first_signal()), again ? " again" : "");
        } else {
          std::fprintf(stderr,
                       "\naiperf: %s received; waiting up to 5 s for in-flight requests (again to "
                       "stop now)\n",
                       signal_name(first_signal()));
        }
      }
    }
    if (now >= ps.send_deadline_ns()) ps.stop_sending();
    pc.completed = (warm ? cnt.warmup_done.load() : cnt.profiling_done.load()) - done0;
    pc.errors = warm ? 0 : cnt.profiling_errors.load() - err0;
    progress.update(pc);
    if (!opts_.observers.empty()) {
      LiveStatus live;
      live.phase = spec.phase;
      live.phase_start_mono_ns = start;
      live.now_mono_ns = now;
      live.completed = pc.completed;
      live.errors = pc.errors;
      live.total = pc.total;
      live.duration_s = pc.duration_s;
      live.issued = ps.sent();
      live.in_flight = uint64_t(std::max<int64_t>(ps.in_flight(), 0));
      live.stopping = ps.sending_done();
      notify([&](RunObserver& o) { o.on_tick(live); });
    }
    // With ranks the phase is over when every rank's part is (an interrupted leader does not
    // wait: the launcher is about to end the job).
    if (ps.finished() &&
        (!team_ || team_->phase_over(spec.phase, true) || (out.interrupted && team_->leader()))) {
      break;
    }
    if (!aborted && now >= abort_at) {
      aborted = true;
      if (!out.interrupted) out.grace_expired = true;
      for (auto& w : workers_) w->abort_in_flight();
      worker::drop_prefill_waiters(&ps, ws);
    }
    if (aborted && now >= abort_at + 10'000'000'000) break;  // never hang on shutdown
  }
  // Before the phase's threads end: schedstat sums the live ones.
  if (spec.phase == record::Phase::kProfiling) {
    sched_profiling_ = sched_delta(sched_at_start_, sample_sched());
  }
  router_.detach(spec.phase);  // before the schedulers go
  if (shaping) shaping->stop();
  if (rs) rs->stop();
  if (fsd) fsd->stop();
  if (ucd) ucd->stop();
  if (feed) {
    feed->stop();
    spdlog::info(
        "phase {}: {} sessions rendered just in time ({:.1f} s of renderer CPU), {} stalls",
        spec.name(), feed->rendered(), feed->cpu_ns() / 1e9, feed->stalls());
    if (!feed->error().empty()) spdlog::error("rendering a session failed: {}", feed->error());
    feed_cpu_ns_ += feed->cpu_ns();
    if (spec.phase == record::Phase::kProfiling) {
      feed_profiling_.stalls += int64_t(feed->stalls());
      feed_profiling_.sessions += int64_t(feed->rendered());
      feed_profiling_.cpu_ns += feed->cpu_ns();
    }
  }
  out.end_mono_ns = mono_ns();
  out.end_wall_ns = process_anchor().to_wall(out.end_mono_ns);
  if (spec.phase == record::Phase::kProfiling && network_probe_) network_probe_->stop();
  notify([&](RunObserver& o) { o.on_phase_end(out); });
  spdlog::info("phase {} ended after {:.3f} s{}{}", spec.name(),
               (out.end_mono_ns - out.start_mono_ns) / 1e9, out.interrupted ? " (interrupted)" : "",
               out.grace_expired ? " (grace period expired)" : "");
  return out;
}

void ProfileRun::prepare_and_probe() {
  prepare();
  RunSetup setup;
  setup.cfg = &cfg_;
  setup.ctx = &ctx_;
  setup.dataset = &dataset_;
  setup.paths = &paths_;
  setup.seed = rngs_.root();
  setup.workers = default_worker_count(cfg_);
  notify([&](RunObserver& o) { o.on_prepared(setup); });
  // The preparation is done (inputs.json written): from here on the run's main loop polls the
  // signals. One that comes while the server is checked, or came after the preparation's last
  // poll, is still counted: the run then stops at once and writes its (empty) artifacts with
  // was_cancelled, as a stop during the run does.
  set_signal_policy(SignalPolicy::kPolled, "running the benchmark");
  check_servers();
}

RunOutcome ProfileRun::execute() {
  if (opts_.install_signal_handlers) install_interrupt_handlers();
  secrets_ = config::secret_values(
      cfg_.api_key ? std::optional<std::string_view>(*cfg_.api_key) : std::nullopt, cfg_.headers);
  // A key in memory must not end up in a core file: no core dumps while it is held.
  if (!secrets_.empty()) ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  // Signals the caller has handled (a study's own count), else those before this point.
  interrupts_at_start_ = opts_.interrupts_seen >= 0 ? opts_.interrupts_seen : interrupt_count();
  handled_interrupts_ = interrupts_at_start_;
  if (!team_) {
    prepare_and_probe();
  } else if (std::optional<RunOutcome> left = prepare_in_team()) {
    return std::move(*left);  // a rank left out, or a configuration error somewhere
  }
  const bool follower = team_ && !team_->leader();

  aggregator_ = std::make_unique<metrics::Aggregator>(ctx_);
  if (cfg_.request_count && *cfg_.request_count > 0)
    aggregator_->expect_records(size_t(*cfg_.request_count));
  if (!follower) writers_ = std::make_unique<exporter::RecordWriters>(cfg_, ctx_, paths_);
  record::RecordProcessor processor(cfg_, *endpoint_, tokenizer_.get());
  processor.set_secrets(secrets_);
  RecordPipeline pipeline(sink_, processor, dataset_, plan_.bodies, *aggregator_, writers_.get());
  RecordPipeline::Sessions sessions;
  sessions.cfg = &cfg_;
  sessions.endpoint = endpoint_.get();
  sessions.extra_inputs = extra_inputs_.get();
  sessions.router = &router_;
  if (cfg_.input_file) sessions.delay_cap_s = cfg_.inter_turn_delay_cap_s;
  pipeline.enable_sessions(sessions);
  pipeline.observe(opts_.observers);
  if (cfg_.slice_duration_s) {
    timeslices_ = std::make_unique<metrics::TimesliceAggregator>(ctx_, *cfg_.slice_duration_s);
    pipeline.enable_timeslices(timeslices_.get());
  }
  if (team_) attach_team(pipeline);
  // The team's record sink refers to `pipeline`: detached before `pipeline` goes, however the
  // run ends.
  struct SinkGuard {
    cluster::Team* t;
    ~SinkGuard() {
      if (t) t->set_record_sink(nullptr);
    }
  } sink_guard{team_ && team_->leader() ? team_ : nullptr};
  // I/O workers on cores of their own when there are cores for it: this thread (and so the
  // pipeline and every thread started from here) keeps to the rest until the run ends.
  const int nw = default_worker_count(cfg_);
  const affinity::PinScope pins(nw, !team_ && env::flag("AIPERF_WORKER_CPU_PINNING"));
  affinity::set_role_tuning(env::flag("AIPERF_THREAD_PRIORITIES"));
  const affinity::CpuPlan& cpus = pins.plan();
  pipeline.start();

  uint64_t id_seed = rngs_.derive("worker.ids").next_u64();
  if (team_) id_seed ^= 0x9E3779B97F4A7C15ull * uint64_t(team_->rank() + 1);  // distinct ids
  plan_.trace_chunks = cfg_.export_http_trace;
  std::vector<worker::Worker*> peers;
  for (int i = 0; i < nw; ++i) {
    workers_.push_back(std::make_unique<worker::Worker>(uint16_t(i), plan_, sink_, id_seed));
    peers.push_back(workers_.back().get());
  }
  for (auto& w : workers_) {
    w->set_peers(peers);
    w->start();
    if (cpus.pinned() && !w->pin_to({cpus.workers[w->id()]})) {
      spdlog::warn("I/O worker {}: cannot pin it to CPU {}: {}", w->id(), cpus.workers[w->id()],
                   std::strerror(errno));
    }
  }
  if (cpus.pinned()) {
    spdlog::info("{} I/O worker thread(s) started on CPUs {}, one each; other threads on {}", nw,
                 affinity::cpu_list(cpus.workers), affinity::cpu_list(cpus.rest));
  } else {
    spdlog::info("{} I/O worker thread(s) started", nw);
  }

  ui::ProgressOptions po;
  po.mode = cfg_.ui == config::UiType::kNone || !opts_.show_progress || follower
                ? ui::ProgressMode::kNone
                : ui::ProgressMode::kSimple;
  po.out = stderr;
  ui::Progress progress(po);
  progress.start();

  PhaseWindow prof;
  bool profiled = false;
  for (const auto& spec : schedule::make_phases(cfg_)) {
    PhaseWindow o = run_phase(spec, progress, pipeline);
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

RunOutcome run_benchmark(const config::Config& cfg, const RunOptions& opts) {
  // The caller's signal policy is restored afterwards, however the run ends.
  struct RestorePolicy {
    SignalPolicy policy = signal_policy();
    std::string doing = signal_activity();
    ~RestorePolicy() { set_signal_policy(policy, doing); }
  } restore;
  ProfileRun run(cfg, opts);
  try {
    return run.execute();
  } catch (...) {
    g_failed_while = signal_activity();  // before the policy is restored
    throw;
  }
}

namespace {
/// The one line for a stop before the run started (nothing was sent).
int report_interrupted(int signo) {
  std::fprintf(stderr, "aiperf: interrupted by %s while %s; nothing was sent (exit %d)\n",
               signal_name(signo), g_failed_while.c_str(), 128 + signo);
  return 128 + signo;
}
}  // namespace

int report_run_error(std::exception_ptr ep) {
  try {
    std::rethrow_exception(ep);
  } catch (const Interrupted& e) {
    return report_interrupted(e.signo());
  } catch (const ConfigError& e) {
    if (stop_requested()) return report_interrupted(stop_signal());  // an error while unwinding
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  } catch (const InputError& e) {
    if (stop_requested()) return report_interrupted(stop_signal());
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    if (stop_requested()) return report_interrupted(stop_signal());
    std::fprintf(stderr, "aiperf: error: %s\n", e.what());
    return kExitBenchmarkFailed;
  }
}

int run_benchmark_cli(const config::Config& cfg, const RunOptions& opts, RunOutcome* outcome) {
  try {
    RunOutcome o = run_benchmark(cfg, opts);
    int rc = o.exit_code;
    if (outcome) *outcome = std::move(o);
    return rc;
  } catch (const std::exception&) {
    return report_run_error(std::current_exception());
  }
}

}  // namespace aiperf::run
