// Incremental HTTP/1.1 response parser: status line, headers, and a body delimited by
// Content-Length, chunked transfer coding, or connection close. Bytes may arrive split at any
// position. No sockets here, so it is unit tested and fuzzed on its own.
//
// Threading: one parser per connection, used by one thread. Errors are return values.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace aiperf::transport {

/// What the client needs from a response head. Views are valid only during on_head().
struct ResponseHead {
  int status = 0;
  int minor_version = 1;          // HTTP/1.<minor>
  bool keep_alive = true;         // false after `Connection: close` or for HTTP/1.0 by default
  bool chunked = false;           // Transfer-Encoding ends in chunked
  int64_t content_length = -1;    // -1 = not given
  bool event_stream = false;      // Content-Type media type is text/event-stream
  bool gzip = false;              // Content-Encoding: gzip (or x-gzip)
  std::string_view reason;        // reason phrase
  std::string_view content_type;  // raw header value
};

class HttpResponseParser {
 public:
  enum class Status : uint8_t {
    kNeedMore,  // all input consumed; the response is not complete yet
    kDone,      // the response is complete; `consumed` tells how much input it used
    kError,     // malformed; see error()
  };

  /// Receives the parsed pieces. on_body gets decoded body bytes (chunk framing removed) in
  /// order; several calls may come from one feed().
  class Sink {
   public:
    virtual ~Sink() = default;
    virtual void on_head(const ResponseHead& head) = 0;
    virtual void on_body(const char* data, size_t len) = 0;
  };

  /// Largest accepted status line + headers, and trailer section, in bytes.
  static constexpr size_t kMaxHeadBytes = 64 * 1024;

  /// Ready for a new response (keeps buffer capacity).
  void reset();

  /// Consumes bytes of the response. `*consumed` (if given) is set to the number of bytes that
  /// belong to this response; bytes after a complete response are left unconsumed.
  Status feed(const char* data, size_t len, Sink& sink, size_t* consumed = nullptr);

  /// The peer closed the connection. kDone for a close-delimited body; kError (truncated) when
  /// the response was incomplete; kNeedMore never.
  Status finish_eof(Sink& sink);

  bool head_done() const { return state_ > State::kHead; }
  bool done() const { return state_ == State::kDone; }
  /// Nothing of a response has been received yet.
  bool nothing_received() const { return state_ == State::kHead && head_buf_.empty() && !any_; }
  const ResponseHead& head() const { return head_; }
  const char* error() const { return error_; }

 private:
  enum class State : uint8_t {
    kHead,
    kBodyLength,    // content-length body, remaining_ bytes to go
    kBodyClose,     // read until EOF
    kChunkSize,     // hex digits of a chunk size line
    kChunkExt,      // chunk extension, skipped until LF
    kChunkData,     // remaining_ bytes of chunk data
    kChunkDataEnd,  // CR LF after chunk data
    kTrailers,      // trailer lines after the last chunk, until an empty line
    kDone,
    kError,
  };

  Status fail(const char* why);
  /// Parses a complete head [p, p+n) (ending with the blank line). False on error.
  bool parse_head(const char* p, size_t n, Sink& sink);
  Status parse_body(const char* p, size_t n, size_t* used, Sink& sink);

  State state_ = State::kHead;
  bool any_ = false;      // some byte of this response was seen
  std::string head_buf_;  // head bytes split across feeds (empty when a head arrives whole)
  ResponseHead head_;
  std::string reason_;  // stable copies for head_ views after on_head
  std::string content_type_;
  uint64_t remaining_ = 0;
  uint64_t chunk_size_ = 0;
  int chunk_digits_ = 0;
  bool saw_cr_ = false;  // kChunkDataEnd: CR seen
  size_t trailer_line_len_ = 0;
  size_t trailer_bytes_ = 0;
  const char* error_ = nullptr;
};

}  // namespace aiperf::transport
