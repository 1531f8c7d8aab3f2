#include "aiperf/common/env.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>
#include <sstream>

#include "aiperf/common/error.h"

namespace aiperf::env {
namespace {

TEST(Env, UnknownAiperfVariablesAreWarnedWithTheNearestName) {
  auto w = check({"AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLDS=5", "PATH=/bin", "AIPERF_DEV_MODE=1",
                  "AIPERF_TOTALLY_UNKNOWN_THING=1"});
  ASSERT_EQ(w.size(), 2u);
  EXPECT_NE(w[0].find("AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLDS"), std::string::npos);
  EXPECT_NE(w[0].find("did you mean AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD?"),
            std::string::npos);
  EXPECT_NE(w[1].find("AIPERF_TOTALLY_UNKNOWN_THING"), std::string::npos);
  EXPECT_EQ(w[1].find("did you mean"), std::string::npos);
}

TEST(Env, BadValuesOfKnownVariablesAreConfigErrors) {
  EXPECT_THROW(check({"AIPERF_DEV_MODE=maybe"}), ConfigError);
  EXPECT_THROW(check({"AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD=abc"}), ConfigError);
  EXPECT_THROW(check({"AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD=101"}), ConfigError);
  EXPECT_THROW(check({"AIPERF_METRICS_OSL_MISMATCH_MAX_TOKEN_THRESHOLD=2.5"}), ConfigError);
  EXPECT_NO_THROW(check({"AIPERF_METRICS_OSL_MISMATCH_PCT_THRESHOLD=7.5"}));
  EXPECT_NO_THROW(check({"AIPERF_DEV_MODE="}));  // empty = unset
}

TEST(Env, TypedReadersUseTheValueOrTheFallback) {
  ::setenv("AIPERF_UI_PLAIN_PROGRESS_INTERVAL", "2.5", 1);
  EXPECT_DOUBLE_EQ(number("AIPERF_UI_PLAIN_PROGRESS_INTERVAL", 10), 2.5);
  ::unsetenv("AIPERF_UI_PLAIN_PROGRESS_INTERVAL");
  EXPECT_DOUBLE_EQ(number("AIPERF_UI_PLAIN_PROGRESS_INTERVAL", 10), 10);
  ::setenv("AIPERF_HTTP_SSL_VERIFY", "off", 1);
  EXPECT_FALSE(flag("AIPERF_HTTP_SSL_VERIFY"));
  ::unsetenv("AIPERF_HTTP_SSL_VERIFY");
  EXPECT_TRUE(flag("AIPERF_HTTP_SSL_VERIFY"));  // the table's default
  EXPECT_THROW(number("AIPERF_NOT_IN_THE_TABLE", 1), std::logic_error);
}

TEST(Env, TheCommittedDocumentIsTheGeneratedOne) {
  std::ifstream f(std::string(AIPERF_TEST_DATA_DIR) + "/../../docs/environment-variables.md");
  ASSERT_TRUE(f) << "docs/environment-variables.md is missing";
  std::stringstream ss;
  ss << f.rdbuf();
  EXPECT_EQ(ss.str(), markdown())
      << "docs/environment-variables.md is out of date: regenerate it with "
         "build/release/src/aiperf-docgen env-md > docs/environment-variables.md";
}

TEST(Env, EveryAiperfRowFollowsTheSectionNamePattern) {
  for (const auto& v : table()) {
    const std::string name = v.name;
    if (name.rfind("AIPERF_", 0) != 0) continue;
    EXPECT_GE(std::count(name.begin(), name.end(), '_'), 2) << name;
    for (char c : name) EXPECT_TRUE(std::isupper(c) || std::isdigit(c) || c == '_') << name;
  }
}

}  // namespace
}  // namespace aiperf::env
