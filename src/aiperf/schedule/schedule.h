// Phases, credits and stop conditions (spec §3.1-3.4, §3.9): the pure logic of "who may send
// what, when", unit-testable without sockets (MLPerf LoadGen's habit). The worker threads
// (worker/), the schedulers and the record pipeline call into PhaseState, which is thread-safe.
//
// Sessions (spec §3.2-3.3): a session is one run of a dataset conversation; its first turn takes
// a session slot (--concurrency counts sessions), every turn is one credit, and the slot is
// released when the final turn returns or the session is abandoned (a later turn refused).
#pragma once
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aiperf/common/rng.h"
#include "aiperf/config/config.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/record/request_record.h"
#include "aiperf/schedule/shaping.h"

namespace aiperf::schedule {

/// Permission to send one request (one turn of one session) at `scheduled_ns`.
struct Credit {
  uint64_t index = 0;  // issue order within the phase (JSONL session_num)
  record::Phase phase = record::Phase::kProfiling;
  uint32_t conversation = 0;  // dataset conversation index
  uint32_t turn = 0;
  uint32_t num_turns = 1;    // turns this session sends (user-centric may truncate)
  uint32_t session = 0;      // session number within the phase
  uint16_t url_index = 0;    // chosen on the first turn, kept by later turns
  int64_t scheduled_ns = 0;  // CLOCK_MONOTONIC target send time
  /// >= 0: cancel the request this long after it is fully written (spec §3.10); -1: never.
  int64_t cancel_after_ns = -1;
  /// The session's X-Correlation-ID. Empty on a first turn: the worker draws a UUID4 (or the
  /// user-centric driver sets the user id); later turns carry the first turn's value.
  std::string x_correlation_id;
  /// Body of a later turn rendered with the session history (record pipeline), or of the first
  /// turn rendered just in time (SessionFeed); null: the pre-rendered turn-0 body of
  /// `conversation`.
  std::shared_ptr<const std::string> body;
  /// The session's conversation when the dataset is rebuilt just in time (null: the dataset's
  /// held conversation `conversation`). Every credit of the session carries it.
  std::shared_ptr<const dataset::PreparedConversation> prepared;

  bool final_turn() const { return turn + 1 >= num_turns; }
};

struct PhaseSpec {
  record::Phase phase = record::Phase::kProfiling;
  config::TimingMode mode = config::TimingMode::kConcurrency;
  std::optional<int64_t> request_count;  // stop after this many credits (every turn counts)
  std::optional<int64_t> num_sessions;   // stop after this many sessions' turns (spec §3.3)
  std::optional<double> duration_s;      // stop issuing after this long
  double grace_s = 0.0;                  // wait for in-flight after duration (inf allowed)
  int64_t concurrency = 1;               // session slots (a ceiling in the open-loop modes)
  bool concurrency_set = false;          // open loop: is there a ceiling at all
  double rate = 0.0;                     // requests/s (rate and user-centric modes)
  config::ArrivalPattern arrival = config::ArrivalPattern::kPoisson;
  double smoothness = 1.0;
  int64_t num_users = 0;  // user-centric
  // Fixed schedule (spec §3.6): the dataset is already filtered by the offsets.
  bool auto_offset = true;
  std::optional<int64_t> start_offset_ms;
  /// Clamp of dataset turn delays (--inter-turn-delay-cap-seconds, file datasets only).
  std::optional<double> delay_cap_s;
  // Load shaping (spec §3.2, §3.5, §3.10; schedule/shaping.h).
  std::optional<int64_t> prefill_concurrency;  // cap on requests awaiting their first token
  std::optional<double> concurrency_ramp_s;    // session limit 1 -> concurrency
  std::optional<double> prefill_ramp_s;        // prefill limit 1 -> prefill_concurrency
  std::optional<double> rate_ramp_s;           // request rate ramp (request-rate mode)
  config::RampType concurrency_ramp_type = config::RampType::kLinear;  // the ramps' curves
  config::RampType prefill_ramp_type = config::RampType::kLinear;
  config::RampType rate_ramp_type = config::RampType::kLinear;
  std::vector<config::Config::RateSegment> rate_series;  // --request-rate-series (segments)
  std::vector<config::Config::RatePoint> rate_points;    // --request-rate-series (JSON points)
  double cancel_rate_pct = 0.0;                          // 0: no cancellation
  double cancel_delay_s = 0.0;
  // ---- Scale-out (cluster/share.h, docs/scale-out.md): this process sends the share of the
  // global schedule whose index ≡ deal_index (mod deal_count): sessions in concurrency and
  // rate modes, ticks of the arrival sequence, trace entries, users. Counts above are already
  // this share's. idle: this process sends nothing in the phase.
  int deal_index = 0;
  int deal_count = 1;
  bool idle = false;
  const char* name() const { return phase == record::Phase::kWarmup ? "warmup" : "profiling"; }
  bool open_loop() const { return mode != config::TimingMode::kConcurrency; }
};

/// The phases of a run in order: warmup (if --warmup-request-count, --num-warmup-sessions or
/// --warmup-duration), then profiling. The warmup is always request-rate style (spec §3.1): an
/// open loop at --warmup-request-rate (else --request-rate) by --warmup-arrival-pattern (else
/// the profiling pattern), capped by --warmup-concurrency (else --concurrency); without a rate a
/// closed loop at --warmup-concurrency (else --concurrency, else 1). Its grace is
/// --warmup-grace-period, unbounded when unset (spec §3.9). Without any stop condition the
/// profiling phase sends 10 requests (spec §1.4), except in fixed-schedule mode whose stop
/// condition is the trace itself.
std::vector<PhaseSpec> make_phases(const config::Config& cfg);

/// Picks the dataset conversation for each new session (spec §4.9): sequential (wraps around),
/// random (uniform with replacement, stream dataset.sampler.random) or shuffle (a permutation,
/// reshuffled when exhausted, stream dataset.sampler.shuffle). Not thread-safe.
class ConversationSampler {
 public:
  explicit ConversationSampler(size_t n) : n_(n == 0 ? 1 : n) {}
  ConversationSampler(size_t n, config::SamplingStrategy strategy, const RngManager& rngs);
  uint32_t next();

 private:
  size_t n_;
  config::SamplingStrategy strategy_ = config::SamplingStrategy::kSequential;
  uint64_t next_ = 0;
  std::optional<Rng> rng_;
  std::vector<uint32_t> order_;
};

/// A credit waiting for a prefill slot (spec §3.2), and the worker it was given to.
struct PrefillWaiter {
  uint16_t worker = 0;
  Credit credit;
};

inline constexpr std::string_view kRandomSamplerStream = "dataset.sampler.random";
inline constexpr std::string_view kShuffleSamplerStream = "dataset.sampler.shuffle";

/// New sessions prepared ahead of the schedule when the dataset is rebuilt just in time
/// (docs/architecture.md "Datasets rendered just in time"): a renderer thread builds each
/// session's conversation and first body in the order sessions will start (the sampler's order,
/// or a fixed schedule's), and PhaseState takes them from here instead of sampling.
class SessionFeed {
 public:
  virtual ~SessionFeed() = default;
  enum class Take { kReady, kNotYet, kEnded };
  /// Takes the next prepared session. `want`: the conversation the caller is about to start
  /// (fixed schedule; sessions before it that were skipped are dropped), or -1 for whatever comes
  /// next (sampler order). Non-blocking: kNotYet when it is not ready yet; kEnded when no more
  /// sessions will come (the order ended, or rendering failed). Called under PhaseState's lock.
  virtual Take take(int64_t want, uint32_t* conversation,
                    std::shared_ptr<const dataset::PreparedConversation>* out) = 0;
  /// Blocks until take() would find a session or `deadline_ns` (monotonic) passes; false on
  /// timeout or when the feed ended. Not under any lock.
  virtual bool wait_ready(int64_t deadline_ns) = 0;
  /// Episodes of take() finding nothing ready (the renderer fell behind the schedule).
  virtual uint64_t stalls() const = 0;
};

/// Shared, thread-safe state of one running phase: credit counting against the stop
/// conditions, session slots, and completion tracking.
class PhaseState {
 public:
  /// Every conversation has one turn; sequential sampling.
  PhaseState(const PhaseSpec& spec, size_t num_conversations, size_t num_urls);
  /// `turns[i]` = number of turns of conversation i; `sampler` picks conversations.
  PhaseState(const PhaseSpec& spec, std::vector<uint32_t> turns, size_t num_urls,
             ConversationSampler sampler);

  const PhaseSpec& spec() const { return spec_; }
  void start(int64_t now_ns);
  int64_t start_ns() const { return start_ns_; }
  /// Monotonic ns after which no credit may be issued (INT64_MAX without a duration).
  int64_t send_deadline_ns() const { return send_deadline_ns_; }

  /// First turn of a new session on a sampled conversation, if the stop conditions allow a new
  /// session; takes a session slot (the caller checked slot_available() where there is a
  /// ceiling). nullopt: no new session now; sending_done() tells whether nothing more may be
  /// sent at all (then it has been marked).
  std::optional<Credit> try_issue(int64_t now_ns, int64_t scheduled_ns);
  /// The same for a given conversation (fixed schedule, user-centric), sending `num_turns`
  /// turns (0 = all of the conversation's turns).
  std::optional<Credit> try_issue_session(uint32_t conversation, uint32_t num_turns, int64_t now_ns,
                                          int64_t scheduled_ns);
  /// The next turn of the session whose turn `prev` returned, due at `scheduled_ns` (may be
  /// later than `now_ns`). Keeps the session slot. nullopt: refused by a stop condition (a
  /// turn due after the duration is refused without ending the phase); the caller must then
  /// end_session().
  std::optional<Credit> try_issue_next(const Credit& prev, int64_t now_ns, int64_t scheduled_ns);

  /// The sampler's next conversation (user-centric users pick theirs when created).
  uint32_t sample_conversation();
  /// Sessions come from `feed` (borrowed; set before the phase starts) instead of the sampler.
  void set_feed(SessionFeed* feed) { feed_ = feed; }
  SessionFeed* feed() const { return feed_; }
  /// The last try_issue*() found the feed not ready: retry shortly (nothing was taken).
  bool feed_starved() const { return starved_.load(std::memory_order_acquire); }
  /// Waits (not holding the lock) until the feed has a session ready or `deadline_ns`; true at
  /// once without a feed.
  bool wait_feed(int64_t deadline_ns) { return !feed_ || feed_->wait_ready(deadline_ns); }
  /// True when a session slot is free (open-loop modes with a ceiling check before issuing).
  bool slot_available() const;
  /// The session limit now: --concurrency, or the concurrency ramp's current step.
  int64_t session_limit() const { return session_limit_.load(std::memory_order_acquire); }
  void set_session_limit(int64_t n) { session_limit_.store(n, std::memory_order_release); }

  /// Request cancellation (spec §3.10): drawn for each credit as it is issued. Call before
  /// start(); without it nothing is cancelled.
  void set_cancellation(CancellationPolicy policy) { cancel_ = std::move(policy); }

  // Prefill concurrency (spec §3.2): every credit of a limited phase takes a prefill slot before
  // it is sent and gives it back at its first token (or when it ends without one).
  bool prefill_limited() const { return prefill_ != nullptr; }
  /// A slot now (true), or `c` joins the waiters (false; moved from).
  bool acquire_prefill(uint16_t worker, Credit& c);
  /// A slot comes back; the oldest waiter, if any, takes it (the caller sends it).
  std::optional<PrefillWaiter> release_prefill();
  /// A new limit (the prefill ramp); the waiters that fit now.
  std::vector<PrefillWaiter> set_prefill_limit(int64_t n);
  /// Removes the waiters (the phase stops sending); they hold no slot.
  std::vector<PrefillWaiter> take_prefill_waiters();
  /// Slots in use (requests awaiting their first token, or about to be sent); 0 if unlimited.
  int64_t prefill_in_use() const { return prefill_ ? prefill_->in_use() : 0; }
  /// True when a prefill slot is free now (always true without a limit).
  bool prefill_available() const {
    return !prefill_ || (prefill_->waiting() == 0 && prefill_->in_use() < prefill_->limit());
  }
  int64_t active_sessions() const { return active_sessions_.load(std::memory_order_acquire); }
  /// Stop conditions without side effects (spec §3.3).
  bool can_start_new_session(int64_t now_ns) const;
  bool can_send_any_turn(int64_t now_ns) const;

  /// A credit's request finished (success or error). Releases the session slot when it was the
  /// session's final turn, or when `session_ends` (the session will not continue: its record
  /// was dropped).
  void on_return(const Credit& c, bool session_ends = false);
  /// A credit was dropped without a request (shutdown): counts as returned, ends its session.
  void on_dropped(const Credit& c) { on_return(c, true); }
  /// A session stops before its final turn (its next turn was refused or could not be
  /// built): releases its slot; its `unsent_turns` no longer count towards --num-sessions'
  /// target, so the phase can still finish.
  void end_session(uint32_t unsent_turns = 0);
  /// Unsent turns of the session after `c` (for end_session()).
  static uint32_t turns_after(const Credit& c) {
    return c.num_turns > c.turn + 1 ? c.num_turns - c.turn - 1 : 0;
  }

  /// Stop issuing (duration elapsed, Ctrl-C, fatal error).
  void stop_sending() { sending_done_.store(true, std::memory_order_release); }
  bool sending_done() const { return sending_done_.load(std::memory_order_acquire); }
  uint64_t sent() const { return sent_.load(std::memory_order_acquire); }
  uint64_t returned() const { return returned_.load(std::memory_order_acquire); }
  uint64_t sessions_started() const { return sessions_.load(std::memory_order_acquire); }
  int64_t in_flight() const { return int64_t(sent()) - int64_t(returned()); }
  /// Sending is done and every issued credit came back.
  bool finished() const { return sending_done() && returned() == sent(); }
  uint32_t conversation_turns(uint32_t conversation) const {
    return turns_.empty() ? 1 : turns_[conversation % turns_.size()];
  }

 private:
  bool new_session_allowed_locked(int64_t now_ns) const;
  bool any_turn_allowed_locked(int64_t now_ns) const;
  Credit issue_locked(uint32_t conversation, uint32_t turn, uint32_t num_turns,
                      int64_t scheduled_ns);
  bool take_from_feed(int64_t want, uint32_t* conversation,
                      std::shared_ptr<const dataset::PreparedConversation>* out);
  /// Gives a first-turn credit its prepared conversation and body (just-in-time datasets).
  static void attach(Credit& c, std::shared_ptr<const dataset::PreparedConversation> p);

  PhaseSpec spec_;
  std::vector<uint32_t> turns_;  // turns per conversation (empty: all single-turn)
  size_t num_urls_;
  int64_t start_ns_ = 0;
  int64_t send_deadline_ns_ = std::numeric_limits<int64_t>::max();
  /// The global number of this share's local credit or session number `n` (scale-out).
  uint64_t global_index(uint64_t n) const {
    return n * uint64_t(spec_.deal_count) + uint64_t(spec_.deal_index);
  }

  mutable std::mutex mu_;  // guards sampler_ and the issue decisions
  ConversationSampler sampler_;
  uint64_t sampler_draws_ = 0;  // draws try_issue() made (scale-out skips other shares')
  SessionFeed* feed_ = nullptr;
  std::atomic<bool> starved_{false};
  uint64_t total_session_turns_ = 0;  // Σ num_turns of started sessions (guarded by mu_)
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> sessions_{0};
  std::atomic<uint64_t> returned_{0};
  std::atomic<int64_t> active_sessions_{0};
  std::atomic<bool> sending_done_{false};
  std::atomic<int64_t> session_limit_{1};
  CancellationPolicy cancel_;  // guarded by mu_
  std::unique_ptr<SlotQueue<PrefillWaiter>> prefill_;
};

/// Turns per conversation of a dataset (for PhaseState).
template <class Dataset>
std::vector<uint32_t> turn_counts(const Dataset& ds) {
  if (ds.source) return ds.source->turn_counts();
  std::vector<uint32_t> t;
  t.reserve(ds.conversations.size());
  for (const auto& c : ds.conversations)
    t.push_back(uint32_t(c.turns.empty() ? 1 : c.turns.size()));
  return t;
}

/// A dataset turn delay in ns, clamped by the phase's delay cap (negative delays count as 0).
int64_t turn_delay_ns(const PhaseSpec& spec, std::optional<int64_t> delay_ms);

}  // namespace aiperf::schedule
