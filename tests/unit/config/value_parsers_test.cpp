// Single-value parsers, nearest-name suggestion, redacted exports.
#include "aiperf/config/value_parsers.h"

#include <gtest/gtest.h>

#include "aiperf/common/error.h"
#include "aiperf/config/cli_options.h"

namespace aiperf::config {
namespace {

TEST(CoerceScalar, AIPerfRules) {
  EXPECT_EQ(coerce_scalar("true"), true);
  EXPECT_EQ(coerce_scalar("FALSE"), false);
  EXPECT_TRUE(coerce_scalar("None").is_null());
  EXPECT_TRUE(coerce_scalar("null").is_null());
  EXPECT_EQ(coerce_scalar("0"), 0);
  EXPECT_TRUE(coerce_scalar("42").is_number_integer());
  EXPECT_EQ(coerce_scalar("-42"), -42);
  EXPECT_EQ(coerce_scalar("007"), "007");  // leading zero stays text
  EXPECT_EQ(coerce_scalar("-07"), "-07");
  EXPECT_TRUE(coerce_scalar("0.5").is_number_float());
  EXPECT_EQ(coerce_scalar("0.5"), 0.5);
  EXPECT_EQ(coerce_scalar("-1.25"), -1.25);
  EXPECT_EQ(coerce_scalar(".5"), 0.5);
  EXPECT_EQ(coerce_scalar("1e3"), "1e3");  // AIPerf keeps exponent forms as text
  EXPECT_EQ(coerce_scalar("1.2.3"), "1.2.3");
  EXPECT_EQ(coerce_scalar("abc"), "abc");
  EXPECT_EQ(coerce_scalar(""), "");
}

TEST(NormalizeUrl, Cases) {
  EXPECT_EQ(normalize_url("-u", "localhost"), "http://localhost");
  EXPECT_EQ(normalize_url("-u", "10.0.0.1:8000/v1"), "http://10.0.0.1:8000/v1");
  EXPECT_EQ(normalize_url("-u", "Http://H:1"), "http://H:1");
  EXPECT_EQ(normalize_url("-u", "https://user:pw@h:443"), "https://user:pw@h:443");
  EXPECT_EQ(normalize_url("-u", "http://[::1]"), "http://[::1]");
  EXPECT_THROW(normalize_url("-u", "http://[::1"), ConfigError);
  EXPECT_THROW(normalize_url("-u", "http://[]:80"), ConfigError);
  EXPECT_THROW(normalize_url("-u", "javascript:alert(1)"), ConfigError);
  EXPECT_THROW(normalize_url("-u", "ws://h"), ConfigError);
  EXPECT_THROW(normalize_url("-u", "h:"), ConfigError);
  EXPECT_THROW(normalize_url("-u", ""), ConfigError);
  try {
    normalize_url("--url", "gopher://x");
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(),
                 "--url: invalid URL 'gopher://x': scheme 'gopher' is not supported; use http:// "
                 "or https://");
  }
}

TEST(Numbers, Parse) {
  EXPECT_EQ(parse_int_at_least("--x", " +12 ", 1), 12);
  EXPECT_THROW(parse_int_at_least("--x", "+-12", -100), ConfigError);
  EXPECT_THROW(parse_int_at_least("--x", "", 0), ConfigError);
  EXPECT_EQ(parse_number("--x", "1e3", 0, true), 1000.0);
  EXPECT_EQ(parse_number("--x", "0", 0, false), 0.0);
  EXPECT_THROW(parse_number("--x", "0", 0, true), ConfigError);
  EXPECT_THROW(parse_number("--x", "1e999", 0, true), ConfigError);
  EXPECT_TRUE(std::isinf(parse_number("--x", "Infinity", 0, false, false, true)));
}

TEST(Goodput, DuplicateTagKeepsPositionTakesLastValue) {
  auto g = parse_goodput("--goodput", "a:1 b:2 a:3");
  ASSERT_EQ(g.size(), 2u);
  EXPECT_EQ(g[0], (std::pair<std::string, double>{"a", 3.0}));
  EXPECT_EQ(g[1], (std::pair<std::string, double>{"b", 2.0}));
}

TEST(Nearest, EditDistance) {
  EXPECT_EQ(edit_distance("", "abc"), 3u);
  EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
  EXPECT_EQ(edit_distance("same", "same"), 0u);
  std::vector<std::string> c = {"--concurrency", "--request-count", "--request-rate"};
  EXPECT_EQ(nearest("--reqest-rate", c), "--request-rate");
  EXPECT_EQ(nearest("--xyz", c), std::nullopt);
}

TEST(Redaction, CredentialHeaderNames) {
  EXPECT_TRUE(is_credential_header("Authorization"));
  EXPECT_TRUE(is_credential_header("x-api-key"));
  EXPECT_TRUE(is_credential_header("Cookie"));
  EXPECT_TRUE(is_credential_header("X-Auth-Token"));
  EXPECT_FALSE(is_credential_header("X-Request-ID"));
  EXPECT_FALSE(is_credential_header("Content-Type"));
}

TEST(Redaction, ConfigJson) {
  ParseEnv env;
  Config c = parse_profile_args({"-m",
                                 "m1",
                                 "--api-key",
                                 "sk-SECRET",
                                 "-H",
                                 "Authorization:Bearer SECRET2",
                                 "-H",
                                 "X-Trace:keep",
                                 "-u",
                                 "http://bob:SECRET3@h:1",
                                 "--request-rate",
                                 "4",
                                 "--arrival-pattern",
                                 "gamma",
                                 "--arrival-smoothness",
                                 "2",
                                 "--benchmark-duration",
                                 "10",
                                 "--goodput",
                                 "request_latency:100",
                                 "--warmup-request-count",
                                 "2",
                                 "--extra-inputs",
                                 "temperature:0.1"},
                                env);
  nlohmann::json j = redacted_config_json(c);
  std::string text = j.dump();
  EXPECT_EQ(text.find("SECRET"), std::string::npos) << text;
  EXPECT_EQ(j["endpoint"]["api_key"], "<redacted>");
  EXPECT_EQ(j["endpoint"]["headers"]["Authorization"], "<redacted>");
  EXPECT_EQ(j["endpoint"]["headers"]["X-Trace"], "keep");
  EXPECT_EQ(j["endpoint"]["urls"][0], "http://bob:<redacted>@h:1");
  EXPECT_EQ(j["endpoint"]["extra"]["temperature"], 0.1);
  EXPECT_EQ(j["models"]["items"][0]["name"], "m1");
  ASSERT_EQ(j["phases"].size(), 2u);
  EXPECT_EQ(j["phases"][0]["name"], "warmup");
  EXPECT_EQ(j["phases"][0]["requests"], 2);
  EXPECT_EQ(j["phases"][1]["type"], "gamma");
  EXPECT_EQ(j["phases"][1]["rate"], 4.0);
  EXPECT_EQ(j["phases"][1]["smoothness"], 2.0);
  EXPECT_EQ(j["phases"][1]["duration"], 10.0);
  EXPECT_EQ(j["phases"][1]["grace_period"], 30.0);
  EXPECT_FALSE(j["phases"][1].contains("requests"));
  EXPECT_EQ(j["slos"]["request_latency"], 100.0);
  EXPECT_EQ(j["datasets"][0]["entries"], 100);
  EXPECT_EQ(j["tokenizer"]["name"], "m1");
}

TEST(Redaction, CommandLine) {
  std::string line = redacted_command_line(
      {"aiperf", "profile", "-m", "m", "--api-key", "sk-SECRET", "--api-key=sk-SECRET2", "-H",
       "Authorization: Bearer SECRET3", "X-Api-Key:SECRET4", "--header={\"Cookie\":\"SECRET5\"}",
       "-H", "X-Trace:keep", "-u", "http://u:SECRET6@h", "--goodput", "a:1 b:2"});
  EXPECT_EQ(line.find("SECRET"), std::string::npos) << line;
  EXPECT_NE(line.find("--api-key '<redacted>'"), std::string::npos) << line;
  EXPECT_NE(line.find("'Authorization:<redacted>'"), std::string::npos) << line;
  EXPECT_NE(line.find("X-Trace:keep"), std::string::npos) << line;
  EXPECT_NE(line.find("'a:1 b:2'"), std::string::npos) << line;
  EXPECT_EQ(line.rfind("aiperf profile -m m", 0), 0u) << line;
}

}  // namespace
}  // namespace aiperf::config
