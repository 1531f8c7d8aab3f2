// config::secret_values and scrub_secrets (docs/reliability.md "Secrets").
#include <gtest/gtest.h>

#include "aiperf/common/secrets.h"
#include "aiperf/config/value_parsers.h"

namespace aiperf::config {
namespace {

TEST(Secrets, ValuesOfTheKeyAndCredentialHeadersLongestFirst) {
  auto s = secret_values(std::string_view("sk-abcdef"), {{"Authorization", "Bearer tok12345"},
                                                         {"X-Api-Key", "xk99"},
                                                         {"Accept", "text/event-stream"},
                                                         {"X-Session-Token", "ab"}});
  EXPECT_EQ(s, (std::vector<std::string>{"Bearer tok12345", "sk-abcdef", "tok12345", "xk99"}));
  EXPECT_TRUE(secret_values(std::nullopt, {{"Accept", "x"}}).empty());
}

TEST(Secrets, ScrubReplacesEveryOccurrence) {
  std::string t = "bad key Bearer tok12345 (tok12345), sk-abcdef!";
  scrub_secrets(t, {"Bearer tok12345", "sk-abcdef", "tok12345"});
  EXPECT_EQ(t, "bad key <redacted> (<redacted>), <redacted>!");
}

}  // namespace
}  // namespace aiperf::config
