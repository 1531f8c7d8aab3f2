// Server-side incremental HTTP/1.1 request parser for the mock server. Bytes are appended as
// they arrive; parse() resumes where it stopped, so a request split over many reads costs
// O(total bytes). Keep-alive and pipelining: after a request completes, consume() drops its bytes
// and the next parse() starts on the following request. Never trusts the peer: every length is
// bounded, every malformed input ends in a status code (400/413/431/501/505), never a crash.
// Self-contained (standard library only) so the fuzz target builds from this file alone.
// Not thread-safe: one parser per connection.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aiperf::mock {

struct HttpRequestLimits {
  size_t max_header_bytes = 64 * 1024;       // request line + headers -> 431 beyond
  size_t max_body_bytes = 64 * 1024 * 1024;  // decoded body -> 413 beyond
  size_t max_headers = 128;                  // header lines -> 431 beyond
};

/// One parsed request. Header names are kept as sent; lookups are case-insensitive.
struct HttpRequest {
  std::string method;
  std::string target;  // as sent: path plus optional query
  int version_minor = 1;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // decoded (chunked framing removed)
  bool keep_alive = true;
  bool expect_continue = false;

  /// Path without the query string.
  std::string_view path() const;
  /// First header with this name (case-insensitive), or empty view.
  std::string_view header(std::string_view name) const;
  bool has_header(std::string_view name) const;
};

class HttpRequestParser {
 public:
  enum class Status {
    kNeedMore,     // feed more bytes
    kHeadersDone,  // headers parsed, body pending, and the client asked for 100-continue
    kComplete,     // request() holds a full request; call consume() after handling it
    kError,        // error_status() holds the HTTP status to answer; close after answering
  };

  explicit HttpRequestParser(HttpRequestLimits limits = {}) : limits_(limits) {}

  /// Append received bytes.
  void append(const char* data, size_t n) { buf_.append(data, n); }
  /// Parse as far as the buffered bytes allow. kHeadersDone is reported once per request.
  Status parse();
  /// The request being parsed / just completed.
  const HttpRequest& request() const { return req_; }
  HttpRequest& request() { return req_; }
  /// Drop the completed request's bytes and reset for the next one (keeps pipelined bytes).
  void consume();
  /// Bytes received but not yet consumed.
  size_t buffered() const { return buf_.size(); }
  int error_status() const { return error_status_; }
  std::string_view error_reason() const { return error_reason_; }

 private:
  enum class State {
    kHead,
    kBody,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailers,
    kDone,
    kError
  };
  Status fail(int status, const char* reason);
  Status parse_head();
  bool parse_request_line(std::string_view line);
  bool add_header_line(std::string_view line);
  Status after_headers();
  Status parse_chunked();
  // Next line from pos_ (without CR/LF), or false when no full line is buffered yet.
  bool next_line(std::string_view* line);

  HttpRequestLimits limits_;
  std::string buf_;
  size_t pos_ = 0;       // parse position in buf_
  size_t scan_pos_ = 0;  // where the search for the next '\n' resumes
  State state_ = State::kHead;
  HttpRequest req_;
  bool saw_request_line_ = false;
  size_t body_remaining_ = 0;
  bool continue_reported_ = false;
  int error_status_ = 0;
  const char* error_reason_ = "";
};

}  // namespace aiperf::mock
