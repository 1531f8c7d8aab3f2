// Ground truth (--record-requests FILE): one JSON line per finished request, written and flushed
// as the request ends so tests can read the file while the server runs. Thread-safe (a mutex
// around one write(2) per line; this is a test aid, not the hot path).
#pragma once
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace aiperf::mock {

struct RequestRecord {
  std::string endpoint;  // request path
  std::string method;
  std::string model;
  bool stream = false;
  int status = 0;
  std::string outcome = "ok";  // ok | error | reset | client_closed | bad_request | ...
  int64_t isl = -1;
  int64_t requested_max_tokens = -1;
  int64_t requested_min_tokens = -1;
  bool ignore_eos = false;
  int64_t planned_output_tokens = 0;
  int64_t output_tokens = 0;     // content tokens actually written
  int64_t reasoning_tokens = 0;  // reasoning tokens actually written
  int64_t tokens_per_chunk = 1;  // --tokens-per-chunk: tokens per streamed SSE chunk
  uint64_t seq = 0;              // 1-based inference request number (fault selectors use it)
  uint64_t connection = 0;       // 1-based number of the TCP connection, in accept order
  std::vector<std::string> faults;
  std::vector<std::pair<std::string, std::string>> headers;  // headers of interest
  // CLOCK_MONOTONIC ns (0 = did not happen).
  int64_t arrival_ns = 0;           // first byte of the request read
  int64_t request_complete_ns = 0;  // last byte of the request parsed
  int64_t headers_sent_ns = 0;
  int64_t first_token_ns = 0;
  int64_t last_token_ns = 0;
  int64_t completion_ns = 0;              // last byte of the response handed to the kernel
  std::vector<int64_t> token_offsets_ns;  // per content/reasoning token, from arrival
};

class RequestRecorder {
 public:
  /// Opens (truncates) `path`. Throws std::runtime_error naming the path.
  RequestRecorder(const std::string& path, int64_t anchor_mono_ns, int64_t anchor_wall_ns);
  ~RequestRecorder();
  void write(const RequestRecord& r);
  /// The JSON line for a record (no trailing newline); exposed for tests.
  std::string to_json(const RequestRecord& r) const;

 private:
  int fd_ = -1;
  int64_t anchor_mono_ns_;
  int64_t anchor_wall_ns_;
  std::mutex mu_;
};

}  // namespace aiperf::mock
