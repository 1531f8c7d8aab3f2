#include "aiperf/schedule/schedule.h"

#include <algorithm>
#include <cmath>

namespace aiperf::schedule {

namespace {
void apply_shaping(PhaseSpec& p, const config::PhaseShaping& s) {
  p.prefill_concurrency = s.prefill_concurrency;
  p.concurrency_ramp_s.reset();
  p.prefill_ramp_s.reset();
  p.rate_ramp_s.reset();
  if (s.concurrency_ramp) {
    p.concurrency_ramp_s = s.concurrency_ramp->duration_s;
    p.concurrency_ramp_type = s.concurrency_ramp->type;
  }
  if (s.prefill_ramp) {
    p.prefill_ramp_s = s.prefill_ramp->duration_s;
    p.prefill_ramp_type = s.prefill_ramp->type;
  }
  if (s.rate_ramp) {
    p.rate_ramp_s = s.rate_ramp->duration_s;
    p.rate_ramp_type = s.rate_ramp->type;
  }
}
}  // namespace

std::vector<PhaseSpec> make_phases(const config::Config& cfg) {
  using config::TimingMode;
  PhaseSpec prof;
  prof.phase = record::Phase::kProfiling;
  prof.mode = cfg.timing_mode;
  prof.request_count = cfg.request_count;
  prof.num_sessions = cfg.num_sessions;
  prof.duration_s = cfg.benchmark_duration_s;
  prof.grace_s = cfg.benchmark_grace_period_s;
  prof.concurrency_set = cfg.concurrency.has_value();
  prof.concurrency = cfg.concurrency.value_or(1);
  prof.rate = cfg.request_rate.value_or(0.0);
  prof.arrival = cfg.arrival_pattern;
  prof.smoothness = cfg.arrival_smoothness;
  if (prof.mode == TimingMode::kUserCentric) {
    prof.rate = cfg.user_centric_rate.value_or(0.0);
    prof.num_users = cfg.num_users.value_or(0);
  }
  if (prof.mode == TimingMode::kFixedSchedule) {
    // Effective auto-offset default is on unless a start offset is given (spec §1.3).
    prof.auto_offset =
        cfg.fixed_schedule_auto_offset.value_or(!cfg.fixed_schedule_start_offset_ms.has_value());
    prof.start_offset_ms = cfg.fixed_schedule_start_offset_ms;
  }
  if (cfg.input_file) prof.delay_cap_s = cfg.inter_turn_delay_cap_s;
  apply_shaping(prof, cfg.profiling_shaping());
  if (prof.mode != TimingMode::kRequestRate) prof.rate_ramp_s.reset();
  if (prof.mode == TimingMode::kRequestRate) {
    prof.rate_series = cfg.request_rate_series;
    prof.rate_points = cfg.request_rate_points;
  }
  prof.cancel_rate_pct = cfg.request_cancellation_rate_pct.value_or(0.0);
  prof.cancel_delay_s = cfg.request_cancellation_delay_s;
  if (!prof.request_count && !prof.duration_s && !prof.num_sessions &&
      prof.mode != TimingMode::kFixedSchedule) {
    prof.request_count = 10;  // spec §1.4
  }

  std::vector<PhaseSpec> phases;
  if (cfg.warmup_request_count || cfg.warmup_num_sessions || cfg.warmup_duration_s) {
    PhaseSpec w = prof;
    w.phase = record::Phase::kWarmup;
    // Warmup is always request-rate style (spec §3.1): a rate (its own, else the profiling
    // one) gives an open loop, otherwise a closed loop; --warmup-* override what it inherits.
    std::optional<double> rate =
        cfg.warmup_request_rate ? cfg.warmup_request_rate : cfg.request_rate;
    if (rate && *rate <= 0) rate.reset();  // --warmup-request-rate 0: a closed loop
    const std::optional<int64_t> conc =
        cfg.warmup_concurrency ? cfg.warmup_concurrency : cfg.concurrency;
    w.num_users = 0;
    if (rate) {
      w.mode = TimingMode::kRequestRate;
      w.rate = *rate;
      if (cfg.warmup_arrival_pattern) w.arrival = *cfg.warmup_arrival_pattern;
      if (w.arrival == config::ArrivalPattern::kConcurrencyBurst) {
        w.arrival = config::ArrivalPattern::kPoisson;
      }
      w.concurrency_set = conc.has_value();
      w.concurrency = conc.value_or(1);
    } else {
      w.mode = TimingMode::kConcurrency;
      w.rate = 0.0;
      w.concurrency_set = true;
      w.concurrency = conc.value_or(1);
    }
    // Precedence request-count > sessions > duration (spec §3.1).
    w.request_count = cfg.warmup_request_count;
    w.num_sessions = cfg.warmup_request_count ? std::nullopt : cfg.warmup_num_sessions;
    w.duration_s =
        cfg.warmup_request_count || cfg.warmup_num_sessions ? std::nullopt : cfg.warmup_duration_s;
    w.grace_s = cfg.warmup_grace_period_s.value_or(std::numeric_limits<double>::infinity());
    // Ramps and prefill concurrency: the warmup's own, else inherited (spec §3.1); the rate
    // series is not: warmup runs at its mean rate. Warmup requests are never cancelled (§3.10).
    apply_shaping(w, cfg.warmup_shaping());
    w.rate_series.clear();
    w.rate_points.clear();
    if (w.mode != TimingMode::kRequestRate) w.rate_ramp_s.reset();
    w.cancel_rate_pct = 0.0;
    phases.push_back(w);
  }
  phases.push_back(prof);
  return phases;
}

int64_t turn_delay_ns(const PhaseSpec& spec, std::optional<int64_t> delay_ms) {
  if (!delay_ms || *delay_ms <= 0) return 0;
  double ms = double(*delay_ms);
  if (spec.delay_cap_s) ms = std::min(ms, *spec.delay_cap_s * 1000.0);
  return int64_t(std::llround(ms * 1e6));
}

// ---- ConversationSampler ----------------------------------------------------------------------

ConversationSampler::ConversationSampler(size_t n, config::SamplingStrategy strategy,
                                         const RngManager& rngs)
    : n_(n == 0 ? 1 : n), strategy_(strategy) {
  if (strategy_ == config::SamplingStrategy::kRandom)
    rng_.emplace(rngs.derive(kRandomSamplerStream));
  if (strategy_ == config::SamplingStrategy::kShuffle) {
    rng_.emplace(rngs.derive(kShuffleSamplerStream));
    order_.resize(n_);
  }
}

uint32_t ConversationSampler::next() {
  switch (strategy_) {
    case config::SamplingStrategy::kRandom:
      return uint32_t(rng_->randrange(int64_t(n_)));
    case config::SamplingStrategy::kShuffle: {
      size_t pos = size_t(next_++ % n_);
      if (pos == 0) {
        for (size_t i = 0; i < n_; ++i) order_[i] = uint32_t(i);
        rng_->shuffle(order_.begin(), order_.end());
      }
      return order_[pos];
    }
    case config::SamplingStrategy::kSequential:
    default:
      return uint32_t(next_++ % n_);
  }
}

// ---- PhaseState -------------------------------------------------------------------------------

PhaseState::PhaseState(const PhaseSpec& spec, size_t num_conversations, size_t num_urls)
    : PhaseState(spec, {}, num_urls, ConversationSampler(num_conversations)) {}

PhaseState::PhaseState(const PhaseSpec& spec, std::vector<uint32_t> turns, size_t num_urls,
                       ConversationSampler sampler)
    : spec_(spec),
      turns_(std::move(turns)),
      num_urls_(num_urls == 0 ? 1 : num_urls),
      sampler_(std::move(sampler)) {
  // A concurrency ramp starts at one session (spec §3.5).
  session_limit_.store(spec_.concurrency_ramp_s ? std::min<int64_t>(1, spec_.concurrency)
                                                : spec_.concurrency);
  if (spec_.prefill_concurrency) {
    int64_t p = *spec_.prefill_concurrency;
    prefill_ = std::make_unique<SlotQueue<PrefillWaiter>>(
        spec_.prefill_ramp_s ? std::min<int64_t>(1, p) : p);
  }
}

bool PhaseState::acquire_prefill(uint16_t worker, Credit& c) {
  PrefillWaiter w{worker, std::move(c)};
  if (prefill_->acquire_or_queue(w)) {
    c = std::move(w.credit);
    return true;
  }
  return false;
}

std::optional<PrefillWaiter> PhaseState::release_prefill() {
  return prefill_ ? prefill_->release() : std::nullopt;
}

std::vector<PrefillWaiter> PhaseState::set_prefill_limit(int64_t n) {
  return prefill_ ? prefill_->set_limit(n) : std::vector<PrefillWaiter>{};
}

std::vector<PrefillWaiter> PhaseState::take_prefill_waiters() {
  return prefill_ ? prefill_->take_waiters() : std::vector<PrefillWaiter>{};
}

void PhaseState::start(int64_t now_ns) {
  start_ns_ = now_ns;
  if (spec_.duration_s) {
    send_deadline_ns_ = now_ns + int64_t(std::llround(*spec_.duration_s * 1e9));
  }
}

uint32_t PhaseState::sample_conversation() {
  std::lock_guard<std::mutex> lk(mu_);
  return sampler_.next();
}

bool PhaseState::slot_available() const {
  return active_sessions_.load(std::memory_order_acquire) < session_limit();
}

// Spec §3.3. Lifecycle, request count, session count, duration.
bool PhaseState::any_turn_allowed_locked(int64_t now_ns) const {
  if (sending_done() || now_ns >= send_deadline_ns_) return false;
  uint64_t n = sent_.load(std::memory_order_relaxed);
  if (spec_.request_count && int64_t(n) >= *spec_.request_count) return false;
  if (spec_.num_sessions &&
      int64_t(sessions_.load(std::memory_order_relaxed)) >= *spec_.num_sessions &&
      n >= total_session_turns_) {
    return false;
  }
  return true;
}

bool PhaseState::new_session_allowed_locked(int64_t now_ns) const {
  if (!any_turn_allowed_locked(now_ns)) return false;
  return !spec_.num_sessions ||
         int64_t(sessions_.load(std::memory_order_relaxed)) < *spec_.num_sessions;
}

bool PhaseState::can_start_new_session(int64_t now_ns) const {
  std::lock_guard<std::mutex> lk(mu_);
  return new_session_allowed_locked(now_ns);
}

bool PhaseState::can_send_any_turn(int64_t now_ns) const {
  std::lock_guard<std::mutex> lk(mu_);
  return any_turn_allowed_locked(now_ns);
}

Credit PhaseState::issue_locked(uint32_t conversation, uint32_t turn, uint32_t num_turns,
                                int64_t scheduled_ns) {
  uint64_t n = sent_.load(std::memory_order_relaxed);
  Credit c;
  c.index = global_index(n);
  c.phase = spec_.phase;
  c.conversation = conversation;
  c.turn = turn;
  c.num_turns = num_turns;
  c.scheduled_ns = scheduled_ns;
  if (cancel_.enabled()) c.cancel_after_ns = cancel_.draw(spec_.phase, c.index).value_or(-1);
  sent_.store(n + 1, std::memory_order_release);
  // The credit that reaches a target is the final one (spec §3.3).
  bool final_credit = (spec_.request_count && int64_t(n + 1) >= *spec_.request_count) ||
                      (spec_.num_sessions &&
                       int64_t(sessions_.load(std::memory_order_relaxed)) >= *spec_.num_sessions &&
                       n + 1 >= total_session_turns_);
  if (final_credit) stop_sending();
  return c;
}

std::optional<Credit> PhaseState::try_issue(int64_t now_ns, int64_t scheduled_ns) {
  if (sending_done()) return std::nullopt;
  std::lock_guard<std::mutex> lk(mu_);
  if (!new_session_allowed_locked(now_ns)) {
    if (!any_turn_allowed_locked(now_ns)) stop_sending();
    return std::nullopt;
  }
  uint32_t conv = 0;
  std::shared_ptr<const dataset::PreparedConversation> prepared;
  uint64_t s = sessions_.load(std::memory_order_relaxed);
  // Scale-out: the sampler's draw for this share's next global session (the draws of the other
  // ranks' sessions are skipped), so N ranks send what one process would. A just-in-time feed
  // is never shared (prepare.cpp holds the dataset under a launcher).
  const uint64_t g = global_index(s);
  if (feed_) {
    if (!take_from_feed(-1, &conv, &prepared)) return std::nullopt;
  } else {
    while (sampler_draws_ < g) {
      sampler_.next();
      ++sampler_draws_;
    }
    ++sampler_draws_;
    conv = sampler_.next();
  }
  uint32_t turns =
      prepared ? uint32_t(prepared->conversation.turns.size()) : conversation_turns(conv);
  sessions_.store(s + 1, std::memory_order_release);
  total_session_turns_ += turns;
  active_sessions_.fetch_add(1, std::memory_order_acq_rel);
  Credit c = issue_locked(conv, 0, turns, scheduled_ns);
  c.session = uint32_t(g);
  c.url_index = uint16_t(g % num_urls_);  // round robin per session (spec §5.1)
  attach(c, std::move(prepared));
  return c;
}

bool PhaseState::take_from_feed(int64_t want, uint32_t* conversation,
                                std::shared_ptr<const dataset::PreparedConversation>* out) {
  const SessionFeed::Take t = feed_->take(want, conversation, out);
  starved_.store(t == SessionFeed::Take::kNotYet, std::memory_order_release);
  if (t == SessionFeed::Take::kEnded) stop_sending();  // nothing more can start
  return t == SessionFeed::Take::kReady;
}

void PhaseState::attach(Credit& c, std::shared_ptr<const dataset::PreparedConversation> p) {
  if (!p) return;
  c.body = std::shared_ptr<const std::string>(p, &p->first_body);  // aliases the prepared one
  c.prepared = std::move(p);
}

std::optional<Credit> PhaseState::try_issue_session(uint32_t conversation, uint32_t num_turns,
                                                    int64_t now_ns, int64_t scheduled_ns) {
  if (sending_done()) return std::nullopt;
  std::lock_guard<std::mutex> lk(mu_);
  if (!new_session_allowed_locked(now_ns)) {
    if (!any_turn_allowed_locked(now_ns)) stop_sending();
    return std::nullopt;
  }
  std::shared_ptr<const dataset::PreparedConversation> prepared;
  if (feed_ && !take_from_feed(int64_t(conversation), &conversation, &prepared)) {
    return std::nullopt;
  }
  uint32_t all =
      prepared ? uint32_t(prepared->conversation.turns.size()) : conversation_turns(conversation);
  uint32_t turns = num_turns == 0 ? all : std::min(num_turns, all);
  uint64_t s = sessions_.load(std::memory_order_relaxed);
  sessions_.store(s + 1, std::memory_order_release);
  total_session_turns_ += turns;
  active_sessions_.fetch_add(1, std::memory_order_acq_rel);
  Credit c = issue_locked(conversation, 0, turns, scheduled_ns);
  const uint64_t g = global_index(s);
  c.session = uint32_t(g);
  c.url_index = uint16_t(g % num_urls_);
  attach(c, std::move(prepared));
  return c;
}

std::optional<Credit> PhaseState::try_issue_next(const Credit& prev, int64_t now_ns,
                                                 int64_t scheduled_ns) {
  if (prev.final_turn() || sending_done()) return std::nullopt;
  std::lock_guard<std::mutex> lk(mu_);
  if (!any_turn_allowed_locked(now_ns)) {
    stop_sending();
    return std::nullopt;
  }
  // Due after the duration: refused, but other sessions' earlier turns may still go.
  if (scheduled_ns >= send_deadline_ns_) return std::nullopt;
  Credit c = issue_locked(prev.conversation, prev.turn + 1, prev.num_turns, scheduled_ns);
  c.session = prev.session;
  c.url_index = prev.url_index;
  c.x_correlation_id = prev.x_correlation_id;
  c.prepared = prev.prepared;
  return c;
}

void PhaseState::on_return(const Credit& c, bool session_ends) {
  if (c.final_turn() || session_ends) active_sessions_.fetch_sub(1, std::memory_order_acq_rel);
  returned_.fetch_add(1, std::memory_order_acq_rel);
}

void PhaseState::end_session(uint32_t unsent_turns) {
  active_sessions_.fetch_sub(1, std::memory_order_acq_rel);
  if (unsent_turns == 0) return;
  std::lock_guard<std::mutex> lk(mu_);
  total_session_turns_ -= std::min<uint64_t>(unsent_turns, total_session_turns_);
  if (spec_.num_sessions &&
      int64_t(sessions_.load(std::memory_order_relaxed)) >= *spec_.num_sessions &&
      sent_.load(std::memory_order_relaxed) >= total_session_turns_) {
    stop_sending();  // the started sessions have nothing left to send
  }
}

}  // namespace aiperf::schedule
