// --endpoint-type kserve / kserve_vllm (docs/triton.md): options that act on HTTP requests only
// are refused with one line, and the artifact directory names Triton's service kind.
#include <gtest/gtest.h>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

std::string error_of(const std::vector<std::string>& args) {
  try {
    parse_profile_args(args, ParseEnv{});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return {};
}

TEST(KserveOptions, HttpOnlyOptionsAreRefused) {
  const std::string e =
      error_of({"-m", "ensemble", "--endpoint-type", "kserve", "--export-http-trace"});
  EXPECT_NE(e.find("--export-http-trace applies to HTTP requests; --endpoint-type kserve speaks "
                   "gRPC"),
            std::string::npos)
      << e;
  EXPECT_EQ(error_of({"-m", "ensemble", "--endpoint-type", "chat", "--export-http-trace"}), "");
}

TEST(KserveOptions, ArtifactDirectoryNamesTriton) {
  Config c = parse_profile_args(
      {"-m", "ensemble", "--endpoint-type", "kserve_vllm", "--concurrency", "2"}, ParseEnv{});
  EXPECT_EQ(std::string(c.artifact_dir), "artifacts/ensemble-triton-kserve_vllm-concurrency2");
}

}  // namespace
}  // namespace aiperf::config
