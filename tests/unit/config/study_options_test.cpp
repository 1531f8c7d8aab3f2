// The Multi-Run flags, AIPerf's list-valued sweep flags, our --search and --concurrency-start
// flags, --slice-duration, and the one-point re-parse a study uses (spec §1.2, §1.3, §8.1).
#include <gtest/gtest.h>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

using Args = std::vector<std::string>;

Config parse(Args args) {
  return parse_profile_args(args, ParseEnv{});
}

std::string error_of(Args args) {
  try {
    parse(std::move(args));
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "expected a ConfigError";
  return {};
}

#define EXPECT_ERROR_HAS(args, needle) \
  EXPECT_NE(error_of(args).find(needle), std::string::npos) << error_of(args)

TEST(StudyFlags, Defaults) {
  Config c = parse({"-m", "a"});
  EXPECT_FALSE(c.study.active());
  EXPECT_EQ(c.study.num_profile_runs, 1);
  EXPECT_DOUBLE_EQ(c.study.confidence_level, 0.95);
  EXPECT_TRUE(c.study.disable_warmup_after_first);
  EXPECT_TRUE(c.study.set_consistent_seed);
  EXPECT_FALSE(c.random_seed);  // a single run keeps its own seed
  EXPECT_FALSE(c.slice_duration_s);
}

TEST(StudyFlags, RepeatedRuns) {
  Config c =
      parse({"-m", "a", "--runs", "3", "--confidence-level", "0.9",
             "--profile-run-cooldown-seconds", "2", "--no-profile-run-disable-warmup-after-first"});
  EXPECT_TRUE(c.study.active());
  EXPECT_EQ(c.study.num_profile_runs, 3);
  EXPECT_DOUBLE_EQ(c.study.confidence_level, 0.9);
  EXPECT_DOUBLE_EQ(c.study.profile_run_cooldown_s, 2);
  EXPECT_FALSE(c.study.disable_warmup_after_first);
  EXPECT_EQ(*c.random_seed, 42u);  // --set-consistent-seed (default)
  EXPECT_EQ(*parse({"-m", "a", "--num-profile-runs", "2", "--random-seed", "7"}).random_seed, 7u);
  EXPECT_FALSE(
      parse({"-m", "a", "--num-profile-runs", "2", "--no-set-consistent-seed"}).random_seed);
}

TEST(StudyFlags, BadValuesNameTheFlag) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--num-profile-runs", "11"}),
                   "--num-profile-runs: must be between 1 and 10");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--runs", "0"}), "--runs: must be >= 1");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--confidence-level", "1"}),
                   "--confidence-level: must be > 0 and < 1 (got 1)");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--confidence-level", "0"}), "--confidence-level: must be > 0");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--convergence-threshold", "1.5"}), "--convergence-threshold");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--convergence-mode", "ks"}),
                   "--convergence-mode: invalid choice");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--sweep-type", "cartesian"}), "--sweep-type: invalid choice");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--profile-run-cooldown-seconds", "-1"}),
                   "--profile-run-cooldown-seconds: must be >= 0");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--set-consistent-seed", "--no-set-consistent-seed"}),
                   "cannot be used together");
}

TEST(StudyFlags, Convergence) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--convergence-metric", "time_to_first_token"}),
                   "--convergence-metric requires --num-profile-runs > 1");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--num-profile-runs", "3", "--convergence-metric", "x",
                         "--convergence-mode", "distribution", "--export-level", "summary"}),
                   "requires per-request JSONL data");
  Config c = parse({"-m", "a", "--num-profile-runs", "5", "--convergence-metric", "request_latency",
                    "--convergence-mode", "cv", "--convergence-stat", "p99"});
  EXPECT_EQ(*c.study.convergence_metric, "request_latency");
  EXPECT_EQ(c.study.convergence_mode, ConvergenceMode::kCv);
  EXPECT_EQ(c.study.convergence_stat, "p99");
  Config w = parse({"-m", "a", "--convergence-mode", "cv"});
  ASSERT_FALSE(w.warnings.empty());
  EXPECT_NE(w.warnings.back().find("no effect without --convergence-metric"), std::string::npos);
}

TEST(SweepFlags, ListsBecomeSweepParameters) {
  Config c = parse({"-m", "a", "--concurrency", "10,20, 40", "--request-rate", "5,2.5"});
  ASSERT_EQ(c.study.sweep.size(), 2u);
  const SweepParameter& conc = c.study.sweep[0];
  EXPECT_EQ(conc.path, "phases.profiling.concurrency");
  EXPECT_EQ(conc.flag, "--concurrency");
  ASSERT_EQ(conc.values.size(), 3u);
  EXPECT_EQ(conc.values[2].text, "40");
  EXPECT_TRUE(conc.values[2].integer);
  const SweepParameter& rate = c.study.sweep[1];
  EXPECT_EQ(rate.path, "phases.profiling.rate");
  EXPECT_DOUBLE_EQ(rate.values[1].number, 2.5);
  EXPECT_FALSE(rate.values[1].integer);
  EXPECT_EQ(*c.concurrency, 10);  // the first value stands in for the base config
  EXPECT_EQ(*c.random_seed, 42u);
  EXPECT_TRUE(parse({"-m", "a", "--isl", "128,512"}).study.is_sweep());
  EXPECT_TRUE(parse({"-m", "a", "--osl-stddev", "0,5"}).study.is_sweep());
  EXPECT_TRUE(parse({"-m", "a", "--num-requests", "10,20"}).study.is_sweep());
  EXPECT_TRUE(parse({"-m", "a", "--benchmark-duration", "1,2"}).study.is_sweep());
  EXPECT_FALSE(parse({"-m", "a", "--concurrency", "4,"}).study.is_sweep());
}

TEST(SweepFlags, BadListItemNamesTheFlag) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--concurrency", "1,x,4"}),
                   "--concurrency: expected an integer >= 1 (got 'x')");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--request-rate", "5,0"}), "--request-rate: must be > 0");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--num-requests", "10,2.5"}),
                   "--num-requests: expected an integer");
}

TEST(SweepFlags, ZipNeedsEqualLengths) {
  EXPECT_ERROR_HAS(
      Args({"-m", "a", "--concurrency", "1,2", "--request-rate", "1,2,3", "--sweep-type", "zip"}),
      "zip sweep parameters must all have equal length");
  Config c =
      parse({"-m", "a", "--concurrency", "1,2", "--request-rate", "1,2", "--sweep-type", "zip"});
  EXPECT_EQ(c.study.sweep_type, SweepType::kZip);
}

TEST(SweepFlags, ConcurrencyRange) {
  Config c = parse({"-m", "a", "--concurrency-start", "2", "--concurrency-end", "10",
                    "--concurrency-step", "4"});
  ASSERT_EQ(c.study.sweep.size(), 1u);
  std::vector<std::string> values;
  for (const auto& v : c.study.sweep[0].values) values.push_back(v.text);
  EXPECT_EQ(values, (std::vector<std::string>{"2", "6", "10"}));
  EXPECT_EQ(*c.concurrency, 2);
  EXPECT_ERROR_HAS(Args({"-m", "a", "--concurrency-start", "2"}), "must be given together");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--concurrency-start", "4", "--concurrency-end", "2"}),
                   "--concurrency-end (2) must be >= --concurrency-start (4)");
  EXPECT_ERROR_HAS(
      Args({"-m", "a", "--concurrency-start", "1", "--concurrency-end", "2", "--concurrency", "3"}),
      "cannot be used together");
  EXPECT_FALSE(
      parse({"-m", "a", "--concurrency-start", "3", "--concurrency-end", "3"}).study.is_sweep());
}

TEST(SearchFlags, RulesBeforeAnythingRuns) {
  EXPECT_ERROR_HAS(Args({"-m", "a", "--search", "concurrency"}), "--search needs --goodput");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--search", "latency"}), "--search: invalid choice");
  EXPECT_ERROR_HAS(Args({"-m", "a", "--search-target", "0.8"}), "applies to a capacity search");
  const Args base = {"-m", "a", "--goodput", "inter_token_latency:10", "--search"};
  auto with = [&](Args more) {
    Args a = base;
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  EXPECT_ERROR_HAS(with({"concurrency", "--concurrency", "4"}), "drop --concurrency");
  EXPECT_ERROR_HAS(with({"concurrency", "--request-rate", "4"}),
                   "cannot be used with --request-rate");
  EXPECT_ERROR_HAS(with({"request-rate", "--concurrency", "1,2"}), "parameter sweep");
  EXPECT_ERROR_HAS(with({"concurrency", "--num-profile-runs", "2"}), "drop --num-profile-runs");
  EXPECT_ERROR_HAS(with({"concurrency", "--search-start", "1.5"}), "whole number");
  EXPECT_ERROR_HAS(with({"concurrency", "--search-target", "1.5"}), "--search-target: must be");
  EXPECT_ERROR_HAS(with({"concurrency", "--search-start", "8", "--search-max", "4"}),
                   "--search-max must be >= --search-start");
  Config c = parse(with({"request-rate", "--search-target", "0.95", "--search-resolution", "0.5"}));
  EXPECT_EQ(c.study.search, SearchParameter::kRequestRate);
  EXPECT_DOUBLE_EQ(c.study.search_target, 0.95);
  EXPECT_DOUBLE_EQ(*c.study.search_resolution, 0.5);
  EXPECT_TRUE(c.study.active());
}

TEST(SliceDuration, Parsed) {
  EXPECT_DOUBLE_EQ(*parse({"-m", "a", "--slice-duration", "0.5"}).slice_duration_s, 0.5);
  EXPECT_ERROR_HAS(Args({"-m", "a", "--slice-duration", "0"}), "--slice-duration: must be > 0");
}

TEST(StudyPoint, ReparsesWithOneValue) {
  Config base =
      parse({"-m", "a", "--num-requests", "10,30", "--concurrency", "1,2", "--ui", "none"});
  Config p = parse_profile_point(
      base, {{"phases.profiling.requests", "30"}, {"phases.profiling.concurrency", "2"}});
  EXPECT_FALSE(p.study.active());
  EXPECT_EQ(*p.request_count, 30);
  EXPECT_EQ(*p.concurrency, 2);
  EXPECT_EQ(p.num_dataset_entries, 30);  // derived from the point's own request count
  // A value the search chooses for a flag the user did not give.
  Config s = parse({"-m", "a", "--goodput", "request_latency:100", "--search", "request-rate"});
  Config q = parse_profile_point(s, {{"phases.profiling.rate", "12.5"}});
  EXPECT_EQ(q.timing_mode, TimingMode::kRequestRate);
  EXPECT_DOUBLE_EQ(*q.request_rate, 12.5);
  EXPECT_FALSE(q.study.active());
  // A range sweep's point.
  Config r = parse({"-m", "a", "--concurrency-start", "1", "--concurrency-end", "3"});
  EXPECT_EQ(*parse_profile_point(r, {{"phases.profiling.concurrency", "3"}}).concurrency, 3);
}

TEST(StudyPoint, CrossOptionRuleOfOnePoint) {
  Config base = parse({"-m", "a", "--user-centric-rate", "5", "--num-users", "4",
                       "--session-turns-mean", "2", "--request-count", "10,2"});
  EXPECT_THROW(parse_profile_point(base, {{"phases.profiling.requests", "2"}}), ConfigError);
}

}  // namespace
}  // namespace aiperf::config
