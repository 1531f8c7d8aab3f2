// The Multi-Run rows of the `aiperf profile` option table (spec §1.3, §8.1), AIPerf's list-valued
// sweep flags (spec §1.2), our capacity-search flags and --slice-duration (Output, spec §2.8).
// Names, aliases and defaults are AIPerf's except where marked as our extension; help texts are
// our own words. The study itself runs in study/ (docs/study.md).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "aiperf/common/error.h"
#include "aiperf/config/option_rows.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config {

const char* to_string(SweepType t) {
  return t == SweepType::kZip ? "zip" : "grid";
}
const char* to_string(SweepMode m) {
  return m == SweepMode::kIndependent ? "independent" : "repeated";
}
const char* to_string(ConvergenceMode m) {
  switch (m) {
    case ConvergenceMode::kCv:
      return "cv";
    case ConvergenceMode::kDistribution:
      return "distribution";
    default:
      return "ci_width";
  }
}
const char* to_string(SearchParameter p) {
  switch (p) {
    case SearchParameter::kConcurrency:
      return "concurrency";
    case SearchParameter::kRequestRate:
      return "request-rate";
    default:
      return "none";
  }
}

namespace detail {
namespace {

constexpr const char* kGroup = "Multi-Run";

double fraction_open(std::string_view flag, const std::string& text) {
  double v = parse_number(flag, text, 0, true);
  if (!(v < 1)) {
    throw ConfigError(std::string(flag) + ": must be > 0 and < 1 (got " + text + ")");
  }
  return v;
}

/// A Multi-Run switch pair (--x / --no-x): the row sets `on` or `off` in the state.
OptionSpec switch_row(std::vector<std::string> names, const char* default_text, const char* help,
                      ApplyFn apply) {
  return {std::move(names), ValueKind::kFlag, "",   default_text, kGroup, help,
          kRepeat,          kSingle,          apply};
}

std::vector<std::string_view> trimmed_items(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    std::string_view part = text.substr(start, comma - start);
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.front()))) {
      part.remove_prefix(1);
    }
    while (!part.empty() && std::isspace(static_cast<unsigned char>(part.back()))) {
      part.remove_suffix(1);
    }
    if (!part.empty()) out.push_back(part);
    start = comma + 1;
  }
  return out;
}

std::vector<OptionSpec> repeat_rows() {
  return {
      {{"--num-profile-runs", "--runs"},
       ValueKind::kValue,
       "<int>",
       "1",
       kGroup,
       "Run the same benchmark this many times (1..10), each in profile_runs/run_NNNN/, and "
       "write mean, standard deviation and a Student-t confidence interval of every metric "
       "across the runs to aggregate/.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         int64_t n = parse_int_at_least(flag, one(values), 1);
         if (n > 10) {
           throw ConfigError(std::string(flag) + ": must be between 1 and 10 (got " + one(values) +
                             ")");
         }
         st.cfg.study.num_profile_runs = int(n);
       }},
      {{"--profile-run-cooldown-seconds"},
       ValueKind::kValue,
       "<seconds>",
       "0",
       kGroup,
       "Pause this long between repeated runs. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.profile_run_cooldown_s = parse_number(flag, one(values), 0, false);
       }},
      {{"--confidence-level"},
       ValueKind::kValue,
       "<fraction>",
       "0.95",
       kGroup,
       "Confidence level of the intervals computed across repeated runs. Must be > 0 and < 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.confidence_level = fraction_open(flag, one(values));
       }},
      switch_row({"--profile-run-disable-warmup-after-first"}, "on",
                 "Warm up only before the first run of each point (later runs measure the "
                 "warmed-up server).",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.disable_warmup_after_first = true;
                 }),
      switch_row({"--no-profile-run-disable-warmup-after-first"}, "",
                 "Warm up before every repeated run.",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.disable_warmup_after_first = false;
                 }),
      switch_row({"--set-consistent-seed"}, "on",
                 "Without --random-seed, use seed 42 for every run of a study so each run sends "
                 "the same workload.",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.set_consistent_seed = true;
                 }),
      switch_row({"--no-set-consistent-seed"}, "",
                 "Without --random-seed, let every run of a study draw its own seed.",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.set_consistent_seed = false;
                 }),
      switch_row({"--vary-seed-per-trial"}, "off",
                 "Give every repeated run of a point its own seed (SHA-256 of the study seed, the "
                 "point's label and the run index) so the runs also sample different inputs.",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.vary_seed_per_trial = true;
                 }),
      switch_row({"--no-vary-seed-per-trial"}, "",
                 "Every repeated run of a point uses the point's seed.",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.vary_seed_per_trial = false;
                 }),
  };
}

std::vector<OptionSpec> convergence_rows() {
  return {
      {{"--convergence-metric"},
       ValueKind::kValue,
       "<metric tag>",
       "",
       kGroup,
       "Stop repeating runs early once this metric (e.g. time_to_first_token) has settled, "
       "judged by --convergence-mode; --num-profile-runs (> 1) is the most runs made.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         if (one(values).empty()) throw ConfigError(std::string(flag) + ": empty metric tag");
         st.cfg.study.convergence_metric = one(values);
       }},
      {{"--convergence-stat"},
       ValueKind::kValue,
       "avg|p50|p90|p95|p99|min|max",
       "avg",
       kGroup,
       "Statistic of --convergence-metric compared across runs (ci_width and cv modes).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static const std::vector<std::string_view> kStats = {"avg", "p50", "p90", "p95",
                                                              "p99", "min", "max"};
         st.cfg.study.convergence_stat = std::string(kStats[choose(flag, one(values), kStats)]);
       }},
      {{"--convergence-threshold"},
       ValueKind::kValue,
       "<fraction>",
       "0.10 ci_width, 0.05 cv, 0.05 distribution",
       kGroup,
       "ci_width: largest confidence-interval width relative to the mean; cv: largest "
       "coefficient of variation; distribution: smallest KS-test p-value. Must be > 0 and < 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.convergence_threshold = fraction_open(flag, one(values));
       }},
      {{"--convergence-mode"},
       ValueKind::kValue,
       "ci_width|cv|distribution",
       "ci_width",
       kGroup,
       "How settling is judged: the Student-t interval width over the mean, the coefficient "
       "of variation, or a two-sample Kolmogorov-Smirnov test of the last run's per-request "
       "values against the earlier runs' (needs the per-record export).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         static constexpr ConvergenceMode kModes[] = {
             ConvergenceMode::kCiWidth, ConvergenceMode::kCv, ConvergenceMode::kDistribution};
         st.cfg.study.convergence_mode =
             kModes[choose(flag, one(values), {"ci_width", "cv", "distribution"})];
       }},
  };
}

std::vector<OptionSpec> sweep_rows() {
  return {
      {{"--parameter-sweep-cooldown-seconds"},
       ValueKind::kValue,
       "<seconds>",
       "0",
       kGroup,
       "Pause this long between the points of a parameter sweep. Must be >= 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.parameter_sweep_cooldown_s = parse_number(flag, one(values), 0, false);
       }},
      switch_row({"--parameter-sweep-same-seed"}, "off",
                 "Every point of a sweep uses the same seed (by default point i uses seed + i).",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.parameter_sweep_same_seed = true;
                 }),
      switch_row({"--no-parameter-sweep-same-seed"}, "",
                 "Point i of a sweep uses the study seed + i.",
                 [](ParseState& st, std::string_view, const std::vector<std::string>&) {
                   st.cfg.study.parameter_sweep_same_seed = false;
                 }),
      {{"--parameter-sweep-mode"},
       ValueKind::kValue,
       "repeated|independent",
       "repeated",
       kGroup,
       "Sweep with repeated runs: run every point once per trial (repeated), or all trials of "
       "one point before the next (independent). Only the order and the directories differ.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.parameter_sweep_mode = choose(flag, one(values), {"repeated", "independent"})
                                                 ? SweepMode::kIndependent
                                                 : SweepMode::kRepeated;
       }},
      {{"--sweep-type"},
       ValueKind::kValue,
       "grid|zip",
       "grid",
       kGroup,
       "How several swept lists combine: every combination (grid) or element by element "
       "(zip; the lists must have the same length).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.sweep_type =
             choose(flag, one(values), {"grid", "zip"}) ? SweepType::kZip : SweepType::kGrid;
       }},
  };
}

std::vector<OptionSpec> search_rows() {
  return {
      {{"--concurrency-start"},
       ValueKind::kValue,
       "<int>",
       "",
       kGroup,
       "Sweep --concurrency from this value to --concurrency-end in steps of "
       "--concurrency-step (our extension; the same as --concurrency a,b,c). Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.concurrency_start = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--concurrency-end"},
       ValueKind::kValue,
       "<int>",
       "",
       kGroup,
       "Last concurrency of a --concurrency-start sweep (included when a step lands on it).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.concurrency_end = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--concurrency-step"},
       ValueKind::kValue,
       "<int>",
       "1",
       kGroup,
       "Step of a --concurrency-start sweep. Must be >= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.concurrency_step = parse_int_at_least(flag, one(values), 1);
       }},
      {{"--search"},
       ValueKind::kValue,
       "concurrency|request-rate",
       "",
       kGroup,
       "Capacity search (our extension): find the largest load whose goodput fraction (the "
       "share of requests meeting every --goodput SLO) stays >= --search-target, by doubling "
       "the load until it misses, then bisecting. Each probe is a full run in search/. Needs "
       "--goodput.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.search = choose(flag, one(values), {"concurrency", "request-rate"})
                                   ? SearchParameter::kRequestRate
                                   : SearchParameter::kConcurrency;
       }},
      {{"--search-target"},
       ValueKind::kValue,
       "<fraction>",
       "0.9",
       kGroup,
       "Goodput fraction a load must keep to pass a --search probe. Must be > 0 and <= 1.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         double v = parse_number(flag, one(values), 0, true);
         if (v > 1) {
           throw ConfigError(std::string(flag) + ": must be > 0 and <= 1 (got " + one(values) +
                             ")");
         }
         st.cfg.study.search_target = v;
       }},
      {{"--search-resolution"},
       ValueKind::kValue,
       "<load>",
       "1 concurrency, 5% of the capacity request-rate",
       kGroup,
       "Stop a --search when the load that passes and the load that fails are this close (in "
       "concurrent requests or requests per second). Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.search_resolution = parse_number(flag, one(values), 0, true);
       }},
      {{"--search-start"},
       ValueKind::kValue,
       "<load>",
       "1",
       kGroup,
       "First load a --search probes; the search doubles it until a probe misses the target. "
       "Must be > 0 (a whole number for concurrency).",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.search_start = parse_number(flag, one(values), 0, true);
       }},
      {{"--search-max"},
       ValueKind::kValue,
       "<load>",
       "4096 concurrency, 100000 request-rate",
       kGroup,
       "Largest load a --search probes; when it still meets the target the search stops there.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.search_max = parse_number(flag, one(values), 0, true);
       }},
      {{"--search-max-probes"},
       ValueKind::kValue,
       "<int>",
       "20",
       kGroup,
       "Most probes (runs) a --search makes before it reports the best bracket found. Must be "
       ">= 2.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.study.search_max_probes =
             int(std::min<int64_t>(parse_int_at_least(flag, one(values), 2), 1000));
       }},
  };
}

}  // namespace

std::vector<OptionSpec> study_options() {
  std::vector<OptionSpec> out = {
      {{"--slice-duration"},
       ValueKind::kValue,
       "<seconds>",
       "",
       "Output",
       "Also report every metric per time slice of this many seconds (requests bucketed by "
       "their start time on epoch-aligned boundaries) in profile_export_aiperf_timeslices.json "
       "and .csv. Must be > 0.",
       kOnce,
       kSingle,
       [](ParseState& st, std::string_view flag, const std::vector<std::string>& values) {
         st.cfg.slice_duration_s = parse_number(flag, one(values), 0, true);
       }},
  };
  for (auto rows : {repeat_rows, convergence_rows, sweep_rows, search_rows}) {
    std::vector<OptionSpec> r = rows();
    out.insert(out.end(), std::make_move_iterator(r.begin()), std::make_move_iterator(r.end()));
  }
  return out;
}

const std::vector<MagicList>& magic_lists() {
  static const std::vector<MagicList> kLists = {
      {"--concurrency", "phases.profiling.concurrency", true},
      {"--prefill-concurrency", "phases.profiling.prefill_concurrency", true},
      {"--request-rate", "phases.profiling.rate", false},
      {"--request-count", "phases.profiling.requests", true},
      {"--benchmark-duration", "phases.profiling.duration", false},
      {"--num-users", "phases.profiling.users", true},
      {"--conversation-num", "phases.profiling.sessions", true},
      {"--conversation-turn-mean", "datasets.main.turns.mean", true},
      {"--prompt-input-tokens-mean", "datasets.main.prompts.isl.mean", true},
      {"--prompt-input-tokens-stddev", "datasets.main.prompts.isl.stddev", false},
      {"--prompt-output-tokens-mean", "datasets.main.prompts.osl.mean", true},
      {"--prompt-output-tokens-stddev", "datasets.main.prompts.osl.stddev", false},
  };
  return kLists;
}

std::optional<std::string> take_sweep_list(ParseState& st, const OptionSpec& row,
                                           std::string_view flag, const std::string& value) {
  const auto& lists = magic_lists();
  auto it = std::find_if(lists.begin(), lists.end(),
                         [&](const MagicList& m) { return row.names.front() == m.flag; });
  if (it == lists.end() || st.study_point) return std::nullopt;
  std::vector<std::string_view> items = trimmed_items(value);
  if (items.size() < 2) return std::nullopt;
  SweepParameter p;
  p.path = it->path;
  p.flag = it->flag;
  for (std::string_view item : items) {
    ParseState scratch;  // the row's own parser checks the value and names the flag
    row.apply(scratch, flag, {std::string(item)});
    SweepValue v;
    v.text = std::string(item);
    v.number = std::strtod(v.text.c_str(), nullptr);
    v.integer = it->integer;
    p.values.push_back(std::move(v));
  }
  st.cfg.study.sweep.push_back(std::move(p));
  return std::string(items.front());
}

}  // namespace detail
}  // namespace aiperf::config
