// Helpers for integration tests that run the real binaries over 127.0.0.1: spawn a process, find
// a free port, wait until a port listens, run a command (curl, aiperf) and capture its output,
// start/stop an aiperf-mock-server. POSIX only; every call is blocking and bounded by a timeout.
#pragma once
#include <sys/types.h>

#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aiperf::testing {

/// A fresh directory under $TMPDIR (or /tmp), removed by the caller if it cares.
std::string make_temp_dir(const std::string& prefix = "aiperf-test");

/// A TCP port that was free on 127.0.0.1 a moment ago (bind to port 0, read it, close).
int free_port();

/// True once a TCP connect to host:port succeeds, false after `timeout_ms`.
bool wait_port(int port, int timeout_ms = 10000, const std::string& host = "127.0.0.1");

/// Whole file as a string ("" if missing).
std::string read_file(const std::string& path);

/// A child process started with execvp; stdout and stderr go to files (or /dev/null). The
/// destructor sends SIGKILL if it still runs.
class ChildProcess {
 public:
  ChildProcess() = default;
  ChildProcess(const std::vector<std::string>& argv, const std::string& stdout_path = "",
               const std::string& stderr_path = "");
  ~ChildProcess();
  ChildProcess(ChildProcess&& o) noexcept;
  ChildProcess& operator=(ChildProcess&& o) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  /// Wait up to `timeout_ms` for exit. Returns the exit code (128+signal if killed), or -1 on
  /// timeout (the process keeps running).
  int wait(int timeout_ms);
  /// Send `sig`, wait up to `timeout_ms`, then SIGKILL. Returns the exit code as wait() does.
  int terminate(int sig = 15, int timeout_ms = 5000);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

struct CommandResult {
  int exit_code = -1;  // -1 = timed out (killed)
  std::string out;     // stdout
  std::string err;     // stderr
};

/// Run to completion (killed after `timeout_s`), capturing stdout and stderr.
CommandResult run_command(const std::vector<std::string>& argv, int timeout_s = 60);

struct CurlResult {
  int exit_code = -1;   // curl's exit code (0 = transfer ok; 56 = connection reset, ...)
  int http_status = 0;  // 0 if no response
  std::string body;
  std::string headers;  // raw response head(s)
};

/// curl -sS -N with `args` appended (e.g. {"-H", "...", "-d", "...", url}). The body is captured
/// as received (streams included); `timeout_s` maps to --max-time.
CurlResult curl(const std::vector<std::string>& args, int timeout_s = 30);

struct RawResult {
  std::string data;          // every byte received
  bool peer_closed = false;  // the server closed (EOF or reset) before the timeout
  bool reset = false;        // ECONNRESET seen
};

/// Connect to 127.0.0.1:port, send `bytes` (in pieces of `piece` bytes with `pause_ms` between
/// them when piece > 0), then read until the server closes or `timeout_ms` passes without data.
RawResult raw_exchange(int port, const std::string& bytes, int timeout_ms = 2000, size_t piece = 0,
                       int pause_ms = 0);

/// Split an SSE stream into the `data` payloads of its events (lines joined by '\n'); accepts
/// LF, CRLF and CR line ends and "data:" with or without the space. Comments are skipped.
std::vector<std::string> sse_data(const std::string& stream);

/// An aiperf-mock-server child on a free port of 127.0.0.1 (binary: MOCK_BIN unless given).
class MockServerProcess {
 public:
  /// Starts with `--host 127.0.0.1 --port P` plus `extra_args`; throws std::runtime_error if it
  /// does not listen within 10 s (message includes the log tail).
  explicit MockServerProcess(const std::vector<std::string>& extra_args = {},
                             const std::string& binary = "");
  ~MockServerProcess();
  int port() const { return port_; }
  /// "http://127.0.0.1:P" ("https://..." when `--tls`, `--tls-cert` is among the args).
  std::string url() const { return url_; }
  /// Combined stdout/stderr so far.
  std::string log() const;
  /// SIGTERM and wait; returns the exit code.
  int stop();
  ChildProcess& process() { return proc_; }

 private:
  int port_ = 0;
  std::string url_;
  std::string dir_;
  ChildProcess proc_;
};

/// Waits until the mock server at `url` has answered `n` requests (its Prometheus counter
/// vllm:request_success_total at /vllm/metrics), up to `timeout_ms`. False on timeout.
bool wait_for_answers(const std::string& url, double n, int timeout_ms = 30000);

/// A tiny HTTP/1.1 file server on a free port of 127.0.0.1, in a thread of the test: GET <path>
/// answers the body set for that path (200) or 404, one request per connection. Counts requests
/// per path. Stands in for the Hugging Face Hub and other download hosts.
class FileServer {
 public:
  FileServer();
  ~FileServer();
  FileServer(const FileServer&) = delete;
  FileServer& operator=(const FileServer&) = delete;
  /// "http://127.0.0.1:P"
  std::string url() const;
  void set(const std::string& path, std::string body);
  /// Requests so far: all, or those for `path`.
  int requests() const;
  int requests(const std::string& path) const;

 private:
  void serve();
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mu_;
  std::map<std::string, std::string> files_;
  std::map<std::string, int> hits_;
  int total_ = 0;
  std::thread thread_;
};

}  // namespace aiperf::testing
