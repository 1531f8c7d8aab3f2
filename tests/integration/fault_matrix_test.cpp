// The fault matrix (docs/reliability.md): one test per row, the real aiperf against the mock
// server (or a purpose-built server) misbehaving one way. Every row checks that the affected
// requests are errors of the right type and code, that the run goes on to the end (no hang:
// each run is bounded by run_command's timeout), that the artifacts are written, and that
// successes + errors = requests sent.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_util.h"

namespace aiperf::testing {
namespace {

using nlohmann::json;

struct Row {
  CommandResult result;
  std::string dir;
  json summary;
  std::map<std::string, int> error_types;  // "type|code" -> count, from the records
  int successes = 0;
  int errors = 0;
};

std::string key_of(const json& err) {
  // A null code is left out of the record, as AIPerf writes it.
  std::string code = !err.contains("code") || err["code"].is_null()
                         ? "null"
                         : std::to_string(err["code"].get<int>());
  return err["type"].get<std::string>() + "|" + code;
}

/// Runs aiperf with `args` against `url` and reads what it wrote.
Row run_row(const std::string& url, std::vector<std::string> args, int timeout_s = 120) {
  Row row;
  row.dir = make_temp_dir("aiperf-fault");
  std::vector<std::string> argv = {
      AIPERF_BIN,    "profile", "-m",   "m",    "--url",          url,
      "--tokenizer", "builtin", "--ui", "none", "--artifact-dir", row.dir,
      "--isl",       "16"};
  argv.insert(argv.end(), args.begin(), args.end());
  row.result = run_command(argv, timeout_s);
  EXPECT_NE(row.result.exit_code, -1) << "the run hung";
  std::string s = read_file(row.dir + "/profile_export_aiperf.json");
  EXPECT_FALSE(s.empty()) << "no summary written: " << row.result.err;
  if (s.empty()) return row;
  row.summary = json::parse(s);
  row.successes = row.summary.contains("request_count")
                      ? int(row.summary["request_count"]["avg"].get<double>())
                      : 0;
  row.errors = row.summary.contains("error_request_count")
                   ? int(row.summary["error_request_count"]["avg"].get<double>())
                   : 0;
  std::string records = read_file(row.dir + "/profile_export.jsonl");
  for (size_t i = 0; i < records.size();) {
    size_t nl = records.find('\n', i);
    if (nl == std::string::npos) nl = records.size();
    if (nl > i) {
      json rec = json::parse(records.substr(i, nl - i));
      if (!rec["error"].is_null()) ++row.error_types[key_of(rec["error"])];
    }
    i = nl + 1;
  }
  return row;
}

/// Every record's error is `type|code`, there are `errors` of them, and the counts add up.
void expect_errors(const Row& row, int sent, const std::string& type_code, int errors) {
  EXPECT_EQ(row.successes + row.errors, sent) << row.result.err;
  EXPECT_EQ(row.errors, errors) << row.summary.dump();
  if (errors > 0) {
    EXPECT_EQ(row.error_types.size(), 1u) << row.summary["error_summary"].dump();
    EXPECT_EQ(row.error_types.count(type_code), 1u) << row.summary["error_summary"].dump();
    EXPECT_EQ(row.error_types.begin()->second, errors);
  } else {
    EXPECT_TRUE(row.error_types.empty()) << row.summary["error_summary"].dump();
  }
  // Some succeed: the run goes on and exits 0; none succeed: 1 (spec: every request failed).
  EXPECT_EQ(row.result.exit_code, row.successes > 0 ? 0 : 1) << row.result.err;
}

const std::vector<std::string> kStream20 = {"--streaming", "--concurrency", "2", "--request-count",
                                            "20",          "--osl",         "10"};

std::vector<std::string> with(std::vector<std::string> base, std::vector<std::string> more) {
  base.insert(base.end(), more.begin(), more.end());
  return base;
}

// ---- HTTP errors --------------------------------------------------------------------------

TEST(FaultMatrix, Http4xxWithJsonBody) {
  MockServerProcess m({"--fast", "--error-every", "4", "--error-status", "429"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "Too Many Requests|429", 5);
}

TEST(FaultMatrix, Http5xxWithJsonBody) {
  MockServerProcess m({"--fast", "--error-every", "4", "--error-status", "503"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "Service Unavailable|503", 5);
}

TEST(FaultMatrix, Http5xxWithATextBody) {
  MockServerProcess m(
      {"--fast", "--error-every", "4", "--error-status", "502", "--error-body", "text"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "Bad Gateway|502", 5);
  EXPECT_NE(row.summary["error_summary"].dump().find("Simulated error"), std::string::npos);
}

TEST(FaultMatrix, Http4xxWithoutABody) {
  MockServerProcess m(
      {"--fast", "--error-every", "4", "--error-status", "404", "--error-body", "empty"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "Not Found|404", 5);
}

// ---- connections ----------------------------------------------------------------------------

// The server goes away mid-run: what was in flight is cut, every later request is refused;
// the run still ends when its count is reached, with every request accounted for.
TEST(FaultMatrix, ConnectionRefused) {
  const int port = free_port();
  const std::string dir = make_temp_dir("aiperf-fault");
  ChildProcess mock({MOCK_BIN, "--host", "127.0.0.1", "--port", std::to_string(port), "--ttft", "2",
                     "--itl", "1", "-q"});
  ASSERT_TRUE(wait_port(port));
  ChildProcess aiperf({AIPERF_BIN,
                       "profile",
                       "-m",
                       "m",
                       "--url",
                       "http://127.0.0.1:" + std::to_string(port),
                       "--tokenizer",
                       "builtin",
                       "--ui",
                       "none",
                       "--streaming",
                       "--request-rate",
                       "50",
                       "--request-count",
                       "40",
                       "--osl",
                       "5",
                       "--isl",
                       "16",
                       "--artifact-dir",
                       dir},
                      dir + "/out.txt", dir + "/err.txt");
  ASSERT_TRUE(wait_for_answers("http://127.0.0.1:" + std::to_string(port), 5));
  mock.terminate(SIGKILL, 2000);
  int rc = aiperf.wait(60000);
  ASSERT_NE(rc, -1) << "the run hung";
  json s = json::parse(read_file(dir + "/profile_export_aiperf.json"));
  int ok = s.contains("request_count") ? int(s["request_count"]["avg"].get<double>()) : 0;
  int bad = int(s["error_request_count"]["avg"].get<double>());
  EXPECT_EQ(ok + bad, 40);
  EXPECT_GT(ok, 0);
  EXPECT_GT(bad, 0);
  EXPECT_EQ(rc, 0);
  EXPECT_NE(s["error_summary"].dump().find("ClientConnectorError"), std::string::npos)
      << s["error_summary"].dump();
  EXPECT_NE(s["error_summary"].dump().find("Connection refused"), std::string::npos);
}

TEST(FaultMatrix, ResetBeforeHeaders) {
  // Every connection fresh (the server closes after each answer), so a reset before the head
  // cannot be taken for a stale kept-alive connection (those are re-sent once).
  MockServerProcess m(
      {"--fast", "--close-after-response", "--fault-reset-before-headers-every", "4"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "ClientOSError|null", 5);
}

TEST(FaultMatrix, ResetMidStream) {
  MockServerProcess m({"--ttft", "2", "--itl", "1", "--fault-reset-every", "4"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "ClientPayloadError|null", 5);
}

TEST(FaultMatrix, StallLongerThanTheRequestTimeout) {
  MockServerProcess m(
      {"--ttft", "2", "--itl", "1", "--fault-stall-every", "4", "--fault-stall-seconds", "60"});
  auto t0 = std::chrono::steady_clock::now();
  Row row = run_row(m.url(), with(kStream20, {"--request-timeout-seconds", "1"}));
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 30.0);
  expect_errors(row, 20, "TimeoutError|null", 5);
}

// llama.cpp closes after every streamed response while its headers say keep-alive: no request
// may be lost to the dead pooled connection.
TEST(FaultMatrix, ServerClosesAfterEveryResponseWhileAdvertisingKeepAlive) {
  MockServerProcess m({"--fast", "--close-after-response"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "", 0);
}

// ---- stream contents ------------------------------------------------------------------------

TEST(FaultMatrix, MalformedJsonMidStream) {
  MockServerProcess m({"--fast", "--fault-malformed-every", "4"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "InvalidResponseError|null", 5);
}

TEST(FaultMatrix, ErrorObjectInsideA200Stream) {
  MockServerProcess m({"--fast", "--fault-error-event-every", "4"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "server_error|500", 5);
}

TEST(FaultMatrix, TruncatedChunkedEncoding) {
  MockServerProcess m({"--fast", "--fault-truncate-every", "4"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "ClientPayloadError|null", 5);
}

TEST(FaultMatrix, StreamWithoutDone) {
  MockServerProcess m({"--fast", "--sse-no-done"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "", 0);
  EXPECT_EQ(row.summary["output_sequence_length"]["avg"].get<double>(), 10);
}

TEST(FaultMatrix, CrlfAndCrLineEnds) {
  for (const char* ending : {"crlf", "cr"}) {
    MockServerProcess m({"--fast", "--sse-line-ending", ending});
    Row row = run_row(m.url(), kStream20);
    expect_errors(row, 20, "", 0);
    EXPECT_EQ(row.summary["output_sequence_length"]["avg"].get<double>(), 10) << ending;
  }
}

TEST(FaultMatrix, OneMegabyteSseLines) {
  MockServerProcess m({"--fast", "--sse-pad-bytes", "1048576"});
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "", 0);
  EXPECT_EQ(row.summary["output_sequence_length"]["avg"].get<double>(), 10);
}

TEST(FaultMatrix, SlowHeaders) {
  MockServerProcess m({"--ttft", "2", "--itl", "1", "--slow-headers-ms", "300"});
  Row ok = run_row(m.url(), kStream20);
  expect_errors(ok, 20, "", 0);
  EXPECT_GE(ok.summary["time_to_first_token"]["min"].get<double>(), 300.0);
  // Slower than the request timeout: a timeout, not a hang.
  Row late = run_row(m.url(), with(kStream20, {"--request-timeout-seconds", "0.1"}));
  expect_errors(late, 20, "TimeoutError|null", 20);
}

// ---- TLS and names --------------------------------------------------------------------------

TEST(FaultMatrix, TlsHandshakeFailure) {
  MockServerProcess plain({"--fast"});  // speaks HTTP: the client's ClientHello gets garbage
  std::string url = plain.url();
  url.replace(0, 4, "https");
  Row row = run_row(url, with(kStream20, {"--insecure"}));
  expect_errors(row, 20, "ClientConnectorError|null", 20);
  EXPECT_NE(row.summary["error_summary"].dump().find("TLS handshake failed"), std::string::npos)
      << row.summary["error_summary"].dump();
}

TEST(FaultMatrix, BadCertificate) {
  MockServerProcess m({"--fast", "--tls"});  // self-signed: not trusted without --insecure
  Row row = run_row(m.url(), kStream20);
  expect_errors(row, 20, "ClientConnectorError|null", 20);
  EXPECT_NE(row.summary["error_summary"].dump().find("certificate verification failed"),
            std::string::npos)
      << row.summary["error_summary"].dump();
}

// A name that does not resolve: one clear line and exit 1 before anything is sent.
TEST(FaultMatrix, DnsNameThatDoesNotResolve) {
  auto t0 = std::chrono::steady_clock::now();
  std::string dir = make_temp_dir("aiperf-fault");
  CommandResult r = run_command(
      {AIPERF_BIN, "profile", "-m", "m", "--url", "http://no-such-host.invalid:8000", "--tokenizer",
       "builtin", "--ui", "none", "--request-count", "5", "--artifact-dir", dir},
      60);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 30.0);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("cannot resolve host 'no-such-host.invalid'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

// A host name with several addresses whose first refuses: where `localhost` stands for both
// 127.0.0.1 and ::1, a server on ::1 only is reached through the second. (Where it does not, the
// transport's unit test HttpClient.AHostWithSeveralAddressesTriesTheNextWhenOneRefuses gives a
// name two addresses through ClientOptions::resolve.)
TEST(FaultMatrix, HostWithSeveralAddressesWhereTheFirstRefuses) {
  CommandResult hosts = run_command({"getent", "ahosts", "localhost"}, 10);
  if (hosts.out.find("::1") == std::string::npos ||
      hosts.out.find("127.0.0.1") == std::string::npos) {
    GTEST_SKIP() << "localhost does not stand for both 127.0.0.1 and ::1 here";
  }
  const int port = free_port();
  ChildProcess mock({MOCK_BIN, "--host", "::1", "--port", std::to_string(port), "--fast", "-q"});
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Row row = run_row("http://localhost:" + std::to_string(port), kStream20);
  expect_errors(row, 20, "", 0);
}

// The server restarts mid-run: requests in flight are cut, those sent while it is down are
// refused, and once it listens again the run carries on with successes.
TEST(FaultMatrix, ServerRestartMidRun) {
  const int port = free_port();
  const std::string dir = make_temp_dir("aiperf-fault");
  auto start_mock = [port] {
    return ChildProcess({MOCK_BIN, "--host", "127.0.0.1", "--port", std::to_string(port), "--ttft",
                         "2", "--itl", "1", "-q"});
  };
  ChildProcess mock = start_mock();
  ASSERT_TRUE(wait_port(port));
  ChildProcess aiperf({AIPERF_BIN,
                       "profile",
                       "-m",
                       "m",
                       "--url",
                       "http://127.0.0.1:" + std::to_string(port),
                       "--tokenizer",
                       "builtin",
                       "--ui",
                       "none",
                       "--streaming",
                       "--request-rate",
                       "40",
                       "--request-count",
                       "80",
                       "--osl",
                       "5",
                       "--isl",
                       "16",
                       "--artifact-dir",
                       dir},
                      dir + "/out.txt", dir + "/err.txt");
  ASSERT_TRUE(wait_for_answers("http://127.0.0.1:" + std::to_string(port), 10));
  mock.terminate(SIGKILL, 2000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  mock = start_mock();
  ASSERT_TRUE(wait_port(port));
  int rc = aiperf.wait(60000);
  ASSERT_NE(rc, -1) << "the run hung";
  EXPECT_EQ(rc, 0) << read_file(dir + "/err.txt");
  json s = json::parse(read_file(dir + "/profile_export_aiperf.json"));
  int ok = int(s["request_count"]["avg"].get<double>());
  int bad = int(s["error_request_count"]["avg"].get<double>());
  EXPECT_EQ(ok + bad, 80);
  EXPECT_GT(bad, 0);
  EXPECT_GT(ok, 10);  // successes before and after the restart
  EXPECT_NE(s["error_summary"].dump().find("ClientConnectorError"), std::string::npos)
      << s["error_summary"].dump();
}

}  // namespace
}  // namespace aiperf::testing
