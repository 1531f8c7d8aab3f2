#include "aiperf/schedule/schedule.h"

#include <cmath>

namespace aiperf::schedule {

std::vector<PhaseSpec> make_phases(const config::Config& cfg) {
  PhaseSpec prof;
  prof.phase = record::Phase::kProfiling;
  prof.mode = cfg.timing_mode;
  prof.request_count = cfg.request_count;
  prof.duration_s = cfg.benchmark_duration_s;
  prof.grace_s = cfg.benchmark_grace_period_s;
  prof.concurrency_set = cfg.concurrency.has_value();
  prof.concurrency = cfg.concurrency.value_or(1);
  prof.rate = cfg.request_rate.value_or(0.0);
  prof.arrival = cfg.arrival_pattern;
  prof.smoothness = cfg.arrival_smoothness;
  if (!prof.request_count && !prof.duration_s) prof.request_count = 10;  // spec §1.4

  std::vector<PhaseSpec> phases;
  if (cfg.warmup_request_count || cfg.warmup_duration_s) {
    PhaseSpec w = prof;
    w.phase = record::Phase::kWarmup;
    // Precedence request-count > duration (spec §1.4).
    w.request_count = cfg.warmup_request_count;
    w.duration_s = cfg.warmup_request_count ? std::nullopt : cfg.warmup_duration_s;
    w.grace_s = std::numeric_limits<double>::infinity();
    phases.push_back(w);
  }
  phases.push_back(prof);
  return phases;
}

PhaseState::PhaseState(const PhaseSpec& spec, size_t num_conversations, size_t num_urls)
    : spec_(spec), num_urls_(num_urls == 0 ? 1 : num_urls), sampler_(num_conversations) {}

void PhaseState::start(int64_t now_ns) {
  start_ns_ = now_ns;
  if (spec_.duration_s) {
    send_deadline_ns_ = now_ns + int64_t(std::llround(*spec_.duration_s * 1e9));
  }
}

bool PhaseState::slot_available() const {
  return active_sessions_.load(std::memory_order_acquire) < spec_.concurrency;
}

std::optional<Credit> PhaseState::try_issue(int64_t now_ns, int64_t scheduled_ns) {
  if (sending_done()) return std::nullopt;
  if (now_ns >= send_deadline_ns_) {
    stop_sending();
    return std::nullopt;
  }
  std::lock_guard<std::mutex> lk(mu_);
  if (sending_done()) return std::nullopt;
  uint64_t n = sent_.load(std::memory_order_relaxed);
  if (spec_.request_count && int64_t(n) >= *spec_.request_count) {
    stop_sending();
    return std::nullopt;
  }
  Credit c;
  c.index = n;
  c.phase = spec_.phase;
  c.conversation = sampler_.next();
  c.turn = 0;
  c.session = uint32_t(n);
  c.url_index = uint16_t(next_url_++ % num_urls_);  // round robin per conversation (spec §5.1)
  c.scheduled_ns = scheduled_ns;
  active_sessions_.fetch_add(1, std::memory_order_acq_rel);
  sent_.store(n + 1, std::memory_order_release);
  if (spec_.request_count && int64_t(n + 1) >= *spec_.request_count) stop_sending();
  return c;
}

void PhaseState::on_return(const Credit&) {
  active_sessions_.fetch_sub(1, std::memory_order_acq_rel);
  returned_.fetch_add(1, std::memory_order_acq_rel);
}

}  // namespace aiperf::schedule
