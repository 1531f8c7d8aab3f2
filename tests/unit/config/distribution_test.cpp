// AIPerf's sampling distributions for isl / osl (config/distribution.h): shapes read from the
// keys, their draws (fixed seeds: the figures below are what these seeds give, and the bounds
// are wide enough for any seed at these sample sizes), clamps, and the command-line rules.
#include "aiperf/config/distribution.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

std::string error_of(const std::string& json) {
  try {
    parse_distribution("--isl-distribution", json);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Distribution, TheShapeComesFromTheKeys) {
  using K = Distribution::Kind;
  EXPECT_EQ(parse_distribution("f", "512").kind, K::kFixed);
  EXPECT_EQ(parse_distribution("f", R"({"value": 3})").kind, K::kFixed);
  EXPECT_EQ(parse_distribution("f", R"({"mean": 3})").kind, K::kNormal);
  EXPECT_EQ(parse_distribution("f", R"({"mean": 3, "stddev": 1})").kind, K::kNormal);
  EXPECT_EQ(parse_distribution("f", R"({"mean": 3, "median": 2})").kind, K::kLogNormal);
  EXPECT_EQ(parse_distribution("f", R"({"peaks": [{"mean": 1}, {"mean": 9, "median": 4}]})").kind,
            K::kMultimodal);
  EXPECT_EQ(parse_distribution("f", R"({"points": [{"value": 1}]})").kind, K::kEmpirical);
  EXPECT_EQ(parse_distribution("f", R"({"type": "normal", "mean": 3, "median": 2})").kind,
            K::kNormal);  // an explicit type wins, as AIPerf's discriminator has it
}

TEST(Distribution, BadShapesAreOneLineNamingTheKey) {
  EXPECT_NE(error_of(R"({"mean": 3, "median": 4})").find("median must be <= its mean"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"peaks": [{"mean": 3}]})").find("peaks: needs at least 2 peaks"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mean": 3, "min": 5, "max": 1})").find("min is greater than max"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"mean": 3, "sigma": 1})").find(".sigma: unknown key"), std::string::npos);
  EXPECT_NE(error_of(R"({"peaks": [{"mean": 3}, {"mean": 5, "median": 9}]})")
                .find("peaks[1]: the log-normal median must be <= its mean"),
            std::string::npos);
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(R"({"points": [{"value": 1, "weight": 0}]})").find("weight: must be > 0"),
            std::string::npos);
  EXPECT_EQ(error_of(R"({"mean": 3, "median": 3})"), "");  // mean == median: deterministic
}

TEST(Distribution, LogNormalHitsItsMedianAndMean) {
  const Distribution d = parse_distribution("f", R"({"mean": 1024, "median": 904})");
  Rng rng(42);
  std::vector<double> xs;
  double sum = 0;
  for (int i = 0; i < 40000; ++i) {
    xs.push_back(d.sample(rng));
    sum += xs.back();
  }
  std::nth_element(xs.begin(), xs.begin() + xs.size() / 2, xs.end());
  EXPECT_NEAR(xs[xs.size() / 2], 904.0, 904.0 * 0.02);
  EXPECT_NEAR(sum / double(xs.size()), 1024.0, 1024.0 * 0.02);
  EXPECT_DOUBLE_EQ(d.expected_value(), 1024.0);
}

TEST(Distribution, PeaksAreChosenByWeightAndPointsOnlyGiveTheirValues) {
  const Distribution m = parse_distribution(
      "f", R"({"peaks": [{"value": 10, "weight": 60}, {"value": 1000, "weight": 40}]})");
  Rng rng(7);
  int low = 0;
  for (int i = 0; i < 20000; ++i) low += m.sample(rng) == 10.0;
  EXPECT_NEAR(low / 20000.0, 0.6, 0.02);
  EXPECT_DOUBLE_EQ(m.expected_value(), 0.6 * 10 + 0.4 * 1000);
  const Distribution e = parse_distribution(
      "f", R"({"points": [{"value": 128, "weight": 3}, {"value": 512, "weight": 1}]})");
  int small = 0;
  for (int i = 0; i < 20000; ++i) {
    const double v = e.sample(rng);
    ASSERT_TRUE(v == 128.0 || v == 512.0) << v;
    small += v == 128.0;
  }
  EXPECT_NEAR(small / 20000.0, 0.75, 0.02);
}

TEST(Distribution, ClampsAndLengths) {
  const Distribution d =
      parse_distribution("f", R"({"mean": 100, "stddev": 80, "min": 50, "max": 120})");
  Rng rng(3);
  for (int i = 0; i < 5000; ++i) {
    const double v = d.sample(rng);
    ASSERT_GE(v, 50.0);
    ASSERT_LE(v, 120.0);
  }
  EXPECT_EQ(parse_distribution("f", "0.2").sample_length(rng), 1);  // max(1, ceil)
  EXPECT_EQ(parse_distribution("f", "7.2").sample_length(rng), 8);
}

TEST(Distribution, ToJsonReadsBackTheSame) {
  for (
      const char* text :
      {R"({"mean": 1024, "median": 904, "min": 10})",
       R"({"peaks": [{"mean": 128, "stddev": 30, "weight": 60}, {"mean": 2048, "median": 1891, "weight": 40}]})",
       R"({"points": [{"value": 1, "weight": 2}], "max": 5})", "12"}) {
    const Distribution d = parse_distribution("f", text);
    EXPECT_EQ(parse_distribution("f", d.to_json().dump()), d) << text;
  }
}

TEST(Distribution, CommandLineReplacesMeanAndStddev) {
  auto parse = [](std::vector<std::string> a) {
    a.insert(a.begin(), {"-m", "m"});
    ParseEnv env;
    return parse_profile_args(a, env);
  };
  const Config c = parse({"--isl-distribution", R"({"mean": 1024, "median": 904})",
                          "--osl-distribution", R"({"points": [{"value": 10}, {"value": 30}]})"});
  ASSERT_TRUE(c.isl_distribution && c.osl_distribution);
  EXPECT_EQ(c.isl_mean, 1024);  // the expected value, for displays and exports
  EXPECT_EQ(c.osl_mean, 20);
  Rng rng(1);
  for (int i = 0; i < 100; ++i) {
    const int64_t o = c.sample_osl(rng);
    ASSERT_TRUE(o == 10 || o == 30) << o;
  }
  try {
    parse({"--isl", "100", "--isl-distribution", R"({"mean": 3, "median": 2})"});
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--isl-distribution cannot be used with"),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace aiperf::config
