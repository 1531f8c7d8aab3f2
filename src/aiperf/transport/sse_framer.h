// Server-sent events framing (WHATWG HTML §9.2 "event stream interpretation") over decoded
// response body bytes, on the I/O thread. It finds event boundaries and joins `data:` lines;
// it never parses JSON (DESIGN §3).
//
// Rules: LF, CR and CRLF line ends (a CR that ends one read and the LF that starts the next are
// one line end); a blank line dispatches the event; lines starting with ':' are comments; field
// `data` (one optional space after the colon is dropped) lines are joined with "\n"; field
// `event` is remembered only as "is it `error`"; other fields are ignored; field names are
// case-sensitive. An event is emitted when it had at least one `data` line or was an
// `event: error`; the `[DONE]` sentinel is emitted like any other event. At end of body a
// pending event (even without its final line end) is emitted, as AIPerf does (spec §5.2).
//
// Raw-newline repair (spec §5.2): while the current `data` value starts with '{' and does not
// end with '}', a following non-blank line that does not start with "data:" is appended to it
// joined by the two characters "\n" — servers that put raw newlines inside JSON strings.
//
// Output goes straight into the record: the event's joined data is appended to
// RequestRecord::data and a ResponseEvent{ts_ns, offset, len, is_error_event} to
// RequestRecord::events, stamped with the read that completed the event. No allocation per
// event beyond the record's own buffers growing.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "aiperf/record/request_record.h"

namespace aiperf::transport {

class SseFramer {
 public:
  /// Ready for a new stream (keeps buffer capacity).
  void reset();

  /// Frames body bytes [data, data+len) that arrived in the network read stamped `ts_ns`.
  void feed(const char* data, size_t len, int64_t ts_ns, record::RequestRecord& rec);

  /// The body ended: a pending event is emitted, stamped `ts_ns`.
  void finish(int64_t ts_ns, record::RequestRecord& rec);

  /// An `event: error` event was emitted in this stream.
  bool saw_error_event() const { return saw_error_; }
  /// The first comment line (without ':' and one leading space) of the first error event;
  /// AIPerf reports it as the error message (spec §3.11). Empty when there was none.
  const std::string& error_comment() const { return error_comment_; }

 private:
  /// `stable`: `line` points into the caller's read buffer (valid until feed() returns).
  void process_line(std::string_view line, bool stable, record::RequestRecord& rec);
  /// Copies a pending single-line value into rec.data (the classic path).
  void materialize(record::RequestRecord& rec);
  void dispatch(int64_t ts_ns, record::RequestRecord& rec);

  std::string line_;     // a line split across reads (empty otherwise)
  std::string comment_;  // first comment of the current event
  std::string prev_;     // the previous message in full (front coding, record::ResponseEvent)
  static constexpr size_t kMinShared = 16;  // shorter shared prefixes are not worth coding
  std::string error_comment_;
  size_t ev_start_ = 0;             // offset in rec.data where the current event's data starts
  std::string_view pending_value_;  // the current event's only data value, not yet stored
  bool pending_ = false;
  bool pending_cr_ = false;  // the previous read ended with CR
  bool has_data_ = false;    // the current event has a `data` line
  bool has_comment_ = false;
  bool is_error_ = false;   // the current event's type is "error"
  bool json_open_ = false;  // the current data value looks like unterminated JSON
  bool saw_error_ = false;
};

}  // namespace aiperf::transport
