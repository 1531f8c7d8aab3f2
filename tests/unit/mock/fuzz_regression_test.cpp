// Inputs found by scripts/fuzz.sh (mock_request_body_fuzz), kept as regression tests
// (docs/reliability.md "Fuzzing").
#include <gtest/gtest.h>

#include <string>

#include "aiperf/mock/request_body.h"

namespace aiperf::mock {
namespace {

// A max_tokens of 1.1e86 was converted from double with undefined behaviour; such a request
// is refused (400) now.
TEST(MockRequestBodyFuzzRegression, HugeFloatMaxTokensIsRefused) {
  std::string body =
      R"({"model":"m","prompt":"once upon","max_tokens":)" + std::string(90, '1') + R"(.00})";
  InferenceRequest r;
  EXPECT_NE(parse_inference_request(ApiKind::kCompletions, body, &r), "");
  std::string nan_like = R"({"model":"m","prompt":"x","max_tokens":-1e400})";
  InferenceRequest r2;
  EXPECT_NE(parse_inference_request(ApiKind::kCompletions, nan_like, &r2), "");
  std::string fine = R"({"model":"m","prompt":"x","max_tokens":12.0})";
  InferenceRequest r3;
  EXPECT_EQ(parse_inference_request(ApiKind::kCompletions, fine, &r3), "");
  EXPECT_EQ(r3.max_tokens, 12);
}

}  // namespace
}  // namespace aiperf::mock
