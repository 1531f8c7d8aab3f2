// What an I/O worker hands to the record processors: bytes and timestamps only (DESIGN §3).
// JSON parsing, tokenizing and metric formulas happen later, off the I/O threads.
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aiperf::dataset {
struct PreparedConversation;
}  // namespace aiperf::dataset

namespace aiperf::record {

/// Why a request failed, counted by kind (wrk's habit). kNone = success at the transport level.
enum class ErrorKind : uint8_t {
  kNone = 0,
  kConnect,    // TCP/TLS connect failed or refused
  kWrite,      // send failed
  kRead,       // connection reset / closed before the response completed
  kTimeout,    // --request-timeout-seconds expired
  kStatus,     // non-2xx HTTP status (body captured in error_body)
  kProtocol,   // malformed HTTP / chunked framing
  kSseError,   // an SSE message with `event: error`
  kCancelled,  // aborted by the client at shutdown (grace expired, Ctrl-C): never reported
  /// --request-cancellation-rate (spec §3.10): the client disconnected on purpose after its
  /// delay; reported as error 499.
  kRequestCancelled,
  kJob,  // an asynchronous job (video generation) failed, or its result is unusable
  /// A gRPC call (--endpoint-type kserve) ended with a status other than OK, or a streamed
  /// response carried an error_message; error_message reads "<STATUS_NAME>: <details>".
  kGrpcStatus,
};

const char* error_kind_name(ErrorKind k);
/// gRPC's canonical status name for `code` ("UNAVAILABLE"); "UNKNOWN" when out of range.
const char* grpc_status_name(int code);
/// The code of a canonical status name; -1 when it is none.
int grpc_status_code(std::string_view name);

enum class Phase : uint8_t { kWarmup = 0, kProfiling = 1 };

/// One framed response message: an SSE event's joined `data` (or, for a non-SSE body, the whole
/// body), stamped with the monotonic time of the network read that completed it (spec §2.4:
/// messages completed by one read share it).
///
/// Storage is front- and back-coded to keep in-flight memory small (10k streams each holding
/// every chunk until the record processor runs): the message is the first `shared` bytes of the
/// previous message, then RequestRecord::data[offset, offset+len), then the last `shared_suffix`
/// bytes of the previous message. Consecutive OpenAI chunks differ only in their few content
/// bytes. Read messages in order with EventPayloads, never by slicing `data`.
struct ResponseEvent {
  int64_t ts_ns;
  uint32_t offset;
  uint32_t len;
  /// For SSE: the `event:` field was "error". Error events are never coded.
  bool is_error_event = false;
  uint16_t shared_suffix = 0;
  uint32_t shared = 0;
};

/// Transport phases of one request (spec §2.5 HTTP trace metrics, k6/HAR naming), stamped on
/// the I/O thread with CLOCK_MONOTONIC ns; 0 = did not happen (a reused connection has no
/// connect or TLS stamps). DNS is resolved once before the run, so there is no lookup here.
struct HttpTrace {
  int64_t connect_start_ns = 0;  // connect(2) called on a fresh socket
  int64_t connect_end_ns = 0;    // TCP connected
  int64_t tls_start_ns = 0;      // TLS handshake begun (https)
  int64_t tls_end_ns = 0;        // TLS handshake done
  int64_t send_start_ns = 0;     // first request byte handed to the ready connection
  int64_t first_byte_ns = 0;     // the read that delivered the first response body byte
  uint32_t write_calls = 0;      // write/sendmsg/SSL_write calls that moved request bytes
  uint32_t body_reads = 0;       // reads that delivered response body bytes
  /// (stamp, bytes) per write and per body read: kept only for --export-http-trace.
  std::vector<std::pair<int64_t, uint32_t>> writes, reads;

  /// Back to zero, keeping the buffers of writes and reads.
  void clear() {
    connect_start_ns = connect_end_ns = tls_start_ns = tls_end_ns = 0;
    send_start_ns = first_byte_ns = 0;
    write_calls = body_reads = 0;
    writes.clear();
    reads.clear();
  }
};

struct RequestRecord {
  // --- identity (set by the scheduler when the credit is issued)
  uint64_t credit_index = 0;  // issue order within the phase (= JSONL session_num)
  Phase phase = Phase::kProfiling;
  uint32_t conversation_index = 0;  // dataset conversation
  uint32_t turn_index = 0;
  uint32_t num_turns = 1;
  uint32_t session_index = 0;  // session instance (x_correlation_id)
  uint16_t worker_id = 0;
  uint16_t url_index = 0;
  std::string x_request_id;      // uuid4 per request (X-Request-ID header)
  std::string x_correlation_id;  // uuid4 per session instance (X-Correlation-ID header)
  /// The session's conversation when the dataset is rebuilt just in time (from the credit);
  /// null: the dataset's held conversation `conversation_index`.
  std::shared_ptr<const dataset::PreparedConversation> prepared;

  // --- timing, CLOCK_MONOTONIC ns (0 = did not happen)
  int64_t scheduled_ns = 0;   // when the schedule wanted the request sent
  int64_t credit_ns = 0;      // when the worker received the credit
  int64_t start_ns = 0;       // immediately before the first byte was written (or connect began)
  int64_t sent_ns = 0;        // request fully written
  int64_t ack_ns = 0;         // response status line + headers received
  int64_t end_ns = 0;         // response complete, or error
  int64_t start_wall_ns = 0;  // epoch ns paired with start_ns
  /// The first SSE message carrying data (not `[DONE]`): where prefill ends for
  /// --prefill-concurrency (set only when the request asked for it).
  int64_t first_data_ns = 0;
  int64_t cancel_ns = 0;         // a --request-cancellation fired (kRequestCancelled)
  int64_t cancel_after_ns = -1;  // the planned cancellation delay; -1: not to be cancelled
  HttpTrace trace;

  // --- response
  int http_status = 0;
  bool sse = false;  // Content-Type was text/event-stream
  bool connection_reused = false;
  std::string data;  // concatenated message payloads (see ResponseEvent)
  std::vector<ResponseEvent> events;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;

  // --- failure
  ErrorKind error = ErrorKind::kNone;
  std::string error_message;  // human text; for kStatus the response body

  /// Bytes its reusable buffers hold (capacity): what a pooled record keeps (reset()).
  size_t buffer_bytes() const {
    return data.capacity() + events.capacity() * sizeof(ResponseEvent) +
           (trace.writes.capacity() + trace.reads.capacity()) * sizeof(trace.reads[0]) +
           x_request_id.capacity() + x_correlation_id.capacity();
  }

  /// Cleared for reuse from a pool: the buffers of the body, events, trace and ids are kept, a
  /// long error text and the shared conversation are let go. Field by field (assigning a
  /// default record cost ~400 instructions a request); a field added above must be reset here
  /// too (RequestRecordTest.ResetClearsEveryField fails until it is).
  void reset() {
    credit_index = 0;
    phase = Phase::kProfiling;
    conversation_index = turn_index = 0;
    num_turns = 1;
    session_index = 0;
    worker_id = url_index = 0;
    x_request_id.clear();
    x_correlation_id.clear();
    prepared.reset();
    scheduled_ns = credit_ns = start_ns = sent_ns = ack_ns = end_ns = start_wall_ns = 0;
    first_data_ns = cancel_ns = 0;
    cancel_after_ns = -1;
    trace.clear();
    http_status = 0;
    sse = connection_reused = false;
    data.clear();
    events.clear();
    bytes_sent = bytes_received = 0;
    error = ErrorKind::kNone;
    if (error_message.capacity() > 256) {
      std::string().swap(error_message);
    } else {
      error_message.clear();
    }
  }
};

/// Reconstructs the messages of a record in order (see ResponseEvent). Not thread-safe; the
/// returned view is valid until the next call.
class EventPayloads {
 public:
  explicit EventPayloads(const RequestRecord& r) : r_(r) {}
  size_t size() const { return r_.events.size(); }
  /// Message i; calls must go i = 0, 1, 2, ... (the previous message is the shared prefix).
  /// A message stored whole is returned where the record holds it (no copy: a non-streaming
  /// answer is one such message); one that shares bytes with the previous is put together in
  /// a buffer of this object's.
  std::string_view next() {
    const ResponseEvent& ev = r_.events[i_++];
    size_t off = ev.offset, len = ev.len;
    if (off > r_.data.size()) off = r_.data.size();
    if (len > r_.data.size() - off) len = r_.data.size() - off;
    std::string_view tail(r_.data.data() + off, len);
    pre_ = suf_ = 0;
    if (ev.shared == 0 && ev.shared_suffix == 0) {
      last_ = tail;
      return last_;
    }
    const size_t pre = pre_ = std::min<size_t>(ev.shared, last_.size());
    const size_t suf = suf_ = std::min<size_t>(ev.shared_suffix, last_.size() - pre);
    if (last_.data() == cur_.data()) {  // the previous message is in cur_ itself
      prev_.assign(cur_, cur_.size() - suf, suf);
      cur_.resize(pre);
      cur_.append(tail);
      cur_.append(prev_);
    } else {  // the previous message is in the record: nothing to save first
      cur_.assign(last_.data(), pre);
      cur_.append(tail);
      cur_.append(last_.substr(last_.size() - suf));
    }
    last_ = cur_;
    return last_;
  }
  /// How many of the first and of the last bytes of the message next() returned last are the
  /// previous message's (0 and 0 for a message stored whole).
  size_t shared_prefix() const { return pre_; }
  size_t shared_suffix() const { return suf_; }

 private:
  const RequestRecord& r_;
  size_t i_ = 0;
  size_t pre_ = 0, suf_ = 0;
  std::string_view last_;  // the message next() returned last: in the record or in cur_
  std::string cur_;
  std::string prev_;  // scratch: the shared suffix
};

}  // namespace aiperf::record
