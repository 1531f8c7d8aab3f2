// Secrets (docs/reliability.md "Secrets"): an API key and credential headers given to a run
// never appear in anything it writes -- stdout, stderr, logs, exports, raw exports, inputs.json,
// error messages -- even when the server quotes them back in its errors.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "test_util.h"

namespace aiperf::testing {
namespace {

namespace fs = std::filesystem;

/// Every file under `dir` (recursively) that contains one of `secrets`, as "path: secret".
std::vector<std::string> leaks(const std::string& dir, const CommandResult& r,
                               const std::vector<std::string>& secrets) {
  std::vector<std::string> out;
  auto check = [&](const std::string& where, const std::string& text) {
    for (const auto& s : secrets) {
      if (text.find(s) != std::string::npos) out.push_back(where + ": " + s);
    }
  };
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    ++files;
    check(e.path().string(), read_file(e.path().string()));
  }
  EXPECT_GE(files, 6) << "inputs, summary json/csv, jsonl, raw jsonl, log";
  check("stdout", r.out);
  check("stderr", r.err);
  return out;
}

TEST(Secrets, NoArtifactOfARunHoldsItsKeysOrCredentialHeaders) {
  const std::string key = "sk-test-0123456789abcdef";
  const std::string xkey = "xk-9876543210fedcba";
  const std::string token = "tok-aaaabbbbccccdddd";
  // The server wants another key and quotes the one it got in its 401 message: every request
  // fails with the key in the server's error text.
  {
    MockServerProcess m({"--fast", "--api-key", "the-right-one", "--echo-credentials"});
    std::string dir = make_temp_dir("aiperf-secret");
    CommandResult r = run_command({AIPERF_BIN,
                                   "profile",
                                   "-m",
                                   "m",
                                   "--url",
                                   m.url(),
                                   "--tokenizer",
                                   "builtin",
                                   "--ui",
                                   "none",
                                   "--request-count",
                                   "6",
                                   "--isl",
                                   "16",
                                   "--osl",
                                   "4",
                                   "--export-level",
                                   "raw",
                                   "--api-key",
                                   key,
                                   "-H",
                                   "x-api-key: " + xkey,
                                   "-H",
                                   "X-Custom-Token: " + token,
                                   "--artifact-dir",
                                   dir},
                                  60);
    EXPECT_EQ(r.exit_code, 1) << r.err;  // every request failed (401)
    EXPECT_NE(read_file(dir + "/profile_export.jsonl").find("Incorrect API key provided"),
              std::string::npos);
    EXPECT_NE(read_file(dir + "/profile_export.jsonl").find("<redacted>"), std::string::npos);
    auto found = leaks(dir, r, {key, xkey, token});
    EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found);
  }
  // A -H "Authorization: Bearer ..." accepted by the server: successful raw records.
  {
    const std::string bearer = "bearer-secret-55667788";
    MockServerProcess m({"--fast", "--api-key", bearer});
    std::string dir = make_temp_dir("aiperf-secret");
    CommandResult r = run_command({AIPERF_BIN,
                                   "profile",
                                   "-m",
                                   "m",
                                   "--url",
                                   m.url(),
                                   "--tokenizer",
                                   "builtin",
                                   "--ui",
                                   "none",
                                   "--streaming",
                                   "--request-count",
                                   "6",
                                   "--isl",
                                   "16",
                                   "--osl",
                                   "4",
                                   "--export-level",
                                   "raw",
                                   "-H",
                                   "Authorization: Bearer " + bearer,
                                   "--artifact-dir",
                                   dir},
                                  60);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    auto found = leaks(dir, r, {bearer});
    EXPECT_TRUE(found.empty()) << ::testing::PrintToString(found);
  }
}

}  // namespace
}  // namespace aiperf::testing
