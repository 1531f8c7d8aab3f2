// Inputs found by scripts/fuzz.sh (openai_response_fuzz), kept as regression tests
// (docs/reliability.md "Fuzzing").
#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "aiperf/endpoint/endpoint.h"

namespace aiperf::endpoint {
namespace {

// A usage count beyond int64 (here 9.2e56) was converted from double with undefined behaviour
// (UBSan: "outside the range of representable values of type 'long'"); it saturates now.
TEST(OpenAiResponseFuzzRegression, HugeFloatUsageCountSaturates) {
  auto chat = create("chat");
  ParsedResponse out;
  const std::string payload =
      R"({"choices":[],"usage":{"total_tokens":92e55,"completion_tokens":-1e300,)"
      R"("prompt_tokens":18446744073709551615}})";
  ASSERT_TRUE(chat->parse(payload, out));
  ASSERT_TRUE(out.has_usage);
  EXPECT_EQ(out.usage.total_tokens, INT64_MAX);
  EXPECT_EQ(out.usage.completion_tokens, INT64_MIN);
  EXPECT_EQ(out.usage.prompt_tokens, INT64_MAX);
}

}  // namespace
}  // namespace aiperf::endpoint
