#include "aiperf/transport/http_response_parser.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace aiperf::transport {

namespace {

constexpr size_t kNpos = static_cast<size_t>(-1);

char lower_ascii(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c + 32) : c;
}

/// The eight bytes of `x` with A-Z lowered (bytes >= 0x80 and the rest left as they are).
uint64_t lower_ascii8(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  const uint64_t h = x & ~kHigh;                      // each byte < 0x80: no carries below
  const uint64_t ge_a = h + (0x80 - 'A') * kOnes;     // high bit: byte >= 'A'
  const uint64_t gt_z = h + (0x7F - 'Z') * kOnes;     // high bit: byte > 'Z'
  const uint64_t upper = (ge_a ^ gt_z) & ~x & kHigh;  // in 'A'..'Z' and ASCII
  return x | (upper >> 2);                            // + 0x20
}

/// `a` equals `lower` (lowercase ASCII) ignoring the case of a's letters; eight bytes a step.
bool iequals(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, lower.data() + i, 8);
    if (lower_ascii8(x) != y) return false;
  }
  for (; i < a.size(); ++i)
    if (lower_ascii(a[i]) != lower[i]) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

/// Index just past the blank line that ends a head in [p, p+n), searching line ends from
/// `from`; kNpos if the head is not complete. Accepts CRLF and bare LF line ends.
size_t find_head_end(const char* p, size_t n, size_t from) {
  while (from < n) {
    const void* hit = std::memchr(p + from, '\n', n - from);
    if (!hit) return kNpos;
    size_t i = size_t(static_cast<const char*>(hit) - p);
    if (i + 1 < n && p[i + 1] == '\n') return i + 2;
    if (i + 2 < n && p[i + 1] == '\r' && p[i + 2] == '\n') return i + 3;
    if (i + 1 >= n || (i + 2 >= n && p[i + 1] == '\r')) return kNpos;  // need more bytes
    from = i + 1;
  }
  return kNpos;
}

/// Each comma-separated token of a header value, trimmed.
template <class F>
void for_each_token(std::string_view v, F&& f) {
  while (!v.empty()) {
    size_t comma = v.find(',');
    f(trim(v.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = lower_ascii(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

void HttpResponseParser::reset() {
  state_ = State::kHead;
  any_ = false;
  head_buf_.clear();
  head_ = ResponseHead{};
  remaining_ = 0;
  chunk_size_ = 0;
  chunk_digits_ = 0;
  saw_cr_ = false;
  trailer_line_len_ = 0;
  trailer_bytes_ = 0;
  error_ = nullptr;
}

HttpResponseParser::Status HttpResponseParser::fail(const char* why) {
  state_ = State::kError;
  error_ = why;
  return Status::kError;
}

bool HttpResponseParser::parse_head(const char* p, size_t n, Sink& sink) {
  std::string_view all(p, n);
  // Tolerate empty lines before the status line (RFC 9112 §2.2).
  while (!all.empty() && (all.front() == '\r' || all.front() == '\n')) all.remove_prefix(1);
  size_t eol = all.find('\n');
  std::string_view line = trim(all.substr(0, eol));
  all.remove_prefix(eol == std::string_view::npos ? all.size() : eol + 1);

  ResponseHead h;
  if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[7] < '0' || line[7] > '9' ||
      line[8] != ' ') {
    error_ = "malformed status line";
    return false;
  }
  h.minor_version = line[7] - '0';
  int status = 0;
  for (int i = 9; i < 12; ++i) {
    if (line[i] < '0' || line[i] > '9') {
      error_ = "malformed status code";
      return false;
    }
    status = status * 10 + (line[i] - '0');
  }
  if (status < 100 || (line.size() > 12 && line[12] != ' ')) {
    error_ = "malformed status code";
    return false;
  }
  h.status = status;
  reason_.assign(line.size() > 13 ? line.substr(13) : std::string_view{});
  h.keep_alive = h.minor_version >= 1;
  content_type_.clear();
  bool saw_te = false;

  while (!all.empty()) {
    eol = all.find('\n');
    line = all.substr(0, eol);
    all.remove_prefix(eol == std::string_view::npos ? all.size() : eol + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') continue;  // obsolete folding: ignored
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      error_ = "malformed header line";
      return false;
    }
    std::string_view name = line.substr(0, colon);
    std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "content-length")) {
      bool ok = true;
      for_each_token(value, [&](std::string_view t) {
        if (t.empty() || t.size() > 18) {
          ok = false;
          return;
        }
        int64_t v = 0;
        for (char c : t) {
          if (c < '0' || c > '9') {
            ok = false;
            return;
          }
          v = v * 10 + (c - '0');
        }
        if (h.content_length >= 0 && h.content_length != v) ok = false;
        h.content_length = v;
      });
      if (!ok) {
        error_ = "invalid Content-Length";
        return false;
      }
    } else if (iequals(name, "transfer-encoding")) {
      saw_te = true;
      h.chunked = false;
      for_each_token(value, [&](std::string_view t) { h.chunked = iequals(t, "chunked"); });
    } else if (iequals(name, "connection")) {
      for_each_token(value, [&](std::string_view t) {
        if (iequals(t, "close")) h.keep_alive = false;
        if (iequals(t, "keep-alive") && h.minor_version == 0) h.keep_alive = true;
      });
    } else if (iequals(name, "content-encoding")) {
      for_each_token(value, [&](std::string_view t) {
        if (iequals(t, "gzip") || iequals(t, "x-gzip")) h.gzip = true;
      });
    } else if (iequals(name, "content-type")) {
      content_type_.assign(value);
      std::string_view media = trim(value.substr(0, value.find(';')));
      h.event_stream = iequals(media, "text/event-stream");
    }
  }

  if (h.status >= 100 && h.status < 200) {
    if (h.status == 101) {
      error_ = "unexpected 101 Switching Protocols";
      return false;
    }
    return true;  // interim response: the caller goes on to the final head
  }
  h.reason = reason_;
  h.content_type = content_type_;
  if (h.status == 204 || h.status == 304) {
    h.chunked = false;
    h.content_length = 0;
    state_ = State::kDone;
  } else if (h.chunked) {
    h.content_length = -1;
    state_ = State::kChunkSize;
  } else if (saw_te) {
    // A transfer coding other than chunked last: the body runs to connection close.
    h.content_length = -1;
    h.keep_alive = false;
    state_ = State::kBodyClose;
  } else if (h.content_length >= 0) {
    remaining_ = uint64_t(h.content_length);
    state_ = remaining_ == 0 ? State::kDone : State::kBodyLength;
  } else {
    h.keep_alive = false;
    state_ = State::kBodyClose;
  }
  head_ = h;
  sink.on_head(head_);
  return true;
}

HttpResponseParser::Status HttpResponseParser::parse_body(const char* p, size_t n, size_t* used,
                                                          Sink& sink) {
  size_t i = *used;
  while (i < n) {
    switch (state_) {
      case State::kBodyLength: {
        size_t take = size_t(std::min<uint64_t>(remaining_, n - i));
        sink.on_body(p + i, take);
        i += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = State::kDone;
        break;
      }
      case State::kBodyClose:
        sink.on_body(p + i, n - i);
        i = n;
        break;
      case State::kChunkData: {
        size_t take = size_t(std::min<uint64_t>(remaining_, n - i));
        sink.on_body(p + i, take);
        i += take;
        remaining_ -= take;
        if (remaining_ == 0) {
          state_ = State::kChunkDataEnd;
          saw_cr_ = false;
        }
        break;
      }
      case State::kChunkSize:
      case State::kChunkExt: {
        char c = p[i++];
        if (c == '\n') {
          if (chunk_digits_ == 0) {
            *used = i;
            return fail("missing chunk size");
          }
          if (chunk_size_ == 0) {
            state_ = State::kTrailers;
            trailer_line_len_ = 0;
          } else {
            remaining_ = chunk_size_;
            state_ = State::kChunkData;
          }
          chunk_size_ = 0;
          chunk_digits_ = 0;
        } else if (state_ == State::kChunkExt) {
          if (++trailer_bytes_ > kMaxHeadBytes) {
            *used = i;
            return fail("chunk extension too long");
          }
        } else if (int v = hex_value(c); v >= 0) {
          if (++chunk_digits_ > 15) {
            *used = i;
            return fail("chunk size too large");
          }
          chunk_size_ = chunk_size_ * 16 + uint64_t(v);
        } else if ((c == ';' || c == ' ' || c == '\t' || c == '\r') && chunk_digits_ > 0) {
          state_ = State::kChunkExt;
        } else {
          *used = i;
          return fail("malformed chunk size");
        }
        break;
      }
      case State::kChunkDataEnd: {
        char c = p[i++];
        if (c == '\r' && !saw_cr_) {
          saw_cr_ = true;
        } else if (c == '\n') {
          state_ = State::kChunkSize;
        } else {
          *used = i;
          return fail("missing CRLF after chunk data");
        }
        break;
      }
      case State::kTrailers: {
        char c = p[i++];
        if (c == '\n') {
          if (trailer_line_len_ == 0) {
            state_ = State::kDone;
          } else {
            trailer_line_len_ = 0;
          }
        } else if (c != '\r') {
          ++trailer_line_len_;
          if (++trailer_bytes_ > kMaxHeadBytes) {
            *used = i;
            return fail("trailers too long");
          }
        }
        break;
      }
      case State::kDone:
        *used = i;
        return Status::kDone;
      case State::kHead:
      case State::kError:
        *used = i;
        return Status::kError;
    }
  }
  *used = i;
  return state_ == State::kDone ? Status::kDone : Status::kNeedMore;
}

HttpResponseParser::Status HttpResponseParser::feed(const char* data, size_t len, Sink& sink,
                                                    size_t* consumed) {
  size_t used = 0;
  Status st = Status::kNeedMore;
  if (len) any_ = true;
  while (true) {
    if (state_ == State::kError) {
      st = Status::kError;
      break;
    }
    if (state_ == State::kDone) {
      st = Status::kDone;
      break;
    }
    if (state_ == State::kHead) {
      if (used == len) break;
      size_t end;
      if (head_buf_.empty()) {
        end = find_head_end(data + used, len - used, 0);
        if (end != kNpos) {
          if (!parse_head(data + used, end, sink)) {
            st = fail(error_);
            break;
          }
          used += end;
          continue;
        }
      }
      size_t old = head_buf_.size();
      head_buf_.append(data + used, len - used);
      end = find_head_end(head_buf_.data(), head_buf_.size(), old >= 3 ? old - 3 : 0);
      if (end == kNpos) {
        used = len;
        if (head_buf_.size() > kMaxHeadBytes) st = fail("response head too large");
        break;
      }
      used += end - old;
      bool ok = parse_head(head_buf_.data(), end, sink);
      head_buf_.clear();
      if (!ok) {
        st = fail(error_);
        break;
      }
      continue;
    }
    st = parse_body(data, len, &used, sink);
    if (st != Status::kNeedMore || used == len) break;
  }
  if (consumed) *consumed = used;
  return st;
}

HttpResponseParser::Status HttpResponseParser::finish_eof(Sink&) {
  if (state_ == State::kBodyClose) state_ = State::kDone;
  if (state_ == State::kDone) return Status::kDone;
  if (state_ == State::kError) return Status::kError;
  return fail(nothing_received() ? "connection closed before any response byte"
                                 : "connection closed before the response was complete");
}

}  // namespace aiperf::transport
