#include "aiperf/mock/http_request_parser.h"

#include <cstring>

namespace aiperf::mock {

namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// RFC 9110 tchar.
bool is_tchar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != 0;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// True if the comma-separated header value contains `token` (case-insensitive).
bool has_token(std::string_view value, std::string_view token) {
  while (!value.empty()) {
    size_t comma = value.find(',');
    std::string_view item = trim_ows(value.substr(0, comma));
    if (iequals(item, token)) return true;
    if (comma == std::string_view::npos) break;
    value.remove_prefix(comma + 1);
  }
  return false;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string_view HttpRequest::path() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? t : t.substr(0, q);
}

std::string_view HttpRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

bool HttpRequest::has_header(std::string_view name) const {
  for (const auto& kv : headers)
    if (iequals(kv.first, name)) return true;
  return false;
}

HttpRequestParser::Status HttpRequestParser::fail(int status, const char* reason) {
  state_ = State::kError;
  error_status_ = status;
  error_reason_ = reason;
  return Status::kError;
}

bool HttpRequestParser::next_line(std::string_view* line) {
  size_t from = scan_pos_ > pos_ ? scan_pos_ : pos_;
  size_t nl = buf_.find('\n', from);
  if (nl == std::string::npos) {
    scan_pos_ = buf_.size();
    return false;
  }
  size_t end = nl;
  if (end > pos_ && buf_[end - 1] == '\r') --end;
  *line = std::string_view(buf_).substr(pos_, end - pos_);
  pos_ = nl + 1;
  scan_pos_ = pos_;
  return true;
}

HttpRequestParser::Status HttpRequestParser::parse() {
  switch (state_) {
    case State::kHead:
      return parse_head();
    case State::kBody: {
      size_t avail = buf_.size() - pos_;
      size_t take = avail < body_remaining_ ? avail : body_remaining_;
      req_.body.append(buf_, pos_, take);
      pos_ += take;
      body_remaining_ -= take;
      if (body_remaining_ > 0) return Status::kNeedMore;
      state_ = State::kDone;
      return Status::kComplete;
    }
    case State::kChunkSize:
    case State::kChunkData:
    case State::kChunkDataEnd:
    case State::kTrailers:
      return parse_chunked();
    case State::kDone:
      return Status::kComplete;
    case State::kError:
      return Status::kError;
  }
  return Status::kError;
}

HttpRequestParser::Status HttpRequestParser::parse_head() {
  std::string_view line;
  while (true) {
    if (!next_line(&line)) {
      if (buf_.size() > limits_.max_header_bytes) return fail(431, "request headers too large");
      return Status::kNeedMore;
    }
    if (pos_ > limits_.max_header_bytes) return fail(431, "request headers too large");
    if (!saw_request_line_) {
      if (line.empty()) continue;  // RFC 9112 §2.2: ignore empty lines before the request line
      if (!parse_request_line(line)) {
        if (error_status_ == 0) return fail(400, "malformed request line");
        return Status::kError;
      }
      saw_request_line_ = true;
      continue;
    }
    if (line.empty()) return after_headers();
    if (!add_header_line(line)) return Status::kError;
  }
}

bool HttpRequestParser::parse_request_line(std::string_view line) {
  size_t sp1 = line.find(' ');
  if (sp1 == std::string_view::npos || sp1 == 0) return false;
  std::string_view method = line.substr(0, sp1);
  for (char c : method)
    if (!is_tchar(static_cast<unsigned char>(c))) return false;
  std::string_view rest = line.substr(sp1 + 1);
  size_t sp2 = rest.find(' ');
  if (sp2 == std::string_view::npos || sp2 == 0) return false;
  std::string_view target = rest.substr(0, sp2);
  std::string_view version = rest.substr(sp2 + 1);
  for (char c : target) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/") return false;
  if (version[5] != '1' || version[6] != '.') {
    fail(505, "HTTP version not supported");
    return false;
  }
  if (version[7] == '0') {
    req_.version_minor = 0;
  } else if (version[7] == '1') {
    req_.version_minor = 1;
  } else {
    fail(505, "HTTP version not supported");
    return false;
  }
  req_.method.assign(method);
  req_.target.assign(target);
  return true;
}

bool HttpRequestParser::add_header_line(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    fail(400, "obsolete header line folding");
    return false;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    fail(400, "malformed header line");
    return false;
  }
  std::string_view name = line.substr(0, colon);
  for (char c : name)
    if (!is_tchar(static_cast<unsigned char>(c))) {
      fail(400, "invalid header name");
      return false;
    }
  std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    auto u = static_cast<unsigned char>(c);
    if (u == 0 || u == '\r' || u == '\n') {
      fail(400, "invalid header value");
      return false;
    }
  }
  if (req_.headers.size() >= limits_.max_headers) {
    fail(431, "too many request headers");
    return false;
  }
  req_.headers.emplace_back(std::string(name), std::string(value));
  return true;
}

HttpRequestParser::Status HttpRequestParser::after_headers() {
  std::string_view conn = req_.header("connection");
  if (req_.version_minor == 0)
    req_.keep_alive = has_token(conn, "keep-alive");
  else
    req_.keep_alive = !has_token(conn, "close");
  req_.expect_continue = req_.version_minor == 1 && iequals(req_.header("expect"), "100-continue");

  bool chunked = false;
  bool has_length = false;
  uint64_t length = 0;
  for (const auto& [k, v] : req_.headers) {
    if (iequals(k, "transfer-encoding")) {
      // The final coding must be chunked; we do not decode others.
      std::string_view val = trim_ows(v);
      size_t comma = val.rfind(',');
      std::string_view last =
          trim_ows(comma == std::string_view::npos ? val : val.substr(comma + 1));
      if (!iequals(last, "chunked")) return fail(501, "unsupported transfer-encoding");
      if (has_token(val, "gzip") || has_token(val, "deflate") || has_token(val, "compress"))
        return fail(501, "unsupported transfer-encoding");
      chunked = true;
    } else if (iequals(k, "content-length")) {
      std::string_view val = trim_ows(v);
      if (val.empty() || val.size() > 19)
        return fail(val.empty() ? 400 : 413, "bad content-length");
      uint64_t n = 0;
      for (char c : val) {
        if (c < '0' || c > '9') return fail(400, "bad content-length");
        n = n * 10 + uint64_t(c - '0');
      }
      if (has_length && n != length) return fail(400, "conflicting content-length");
      has_length = true;
      length = n;
    }
  }
  if (chunked) {
    if (req_.version_minor == 0) return fail(400, "chunked body in HTTP/1.0");
    state_ = State::kChunkSize;
  } else if (has_length) {
    if (length > limits_.max_body_bytes) return fail(413, "request body too large");
    body_remaining_ = size_t(length);
    // Reserve what is declared only up to 1 MiB: a peer's claim is not an allocation order.
    req_.body.reserve((body_remaining_ < (1u << 20) ? body_remaining_ : (1u << 20)) + 64);
    state_ = State::kBody;
  } else {
    state_ = State::kDone;
    return Status::kComplete;
  }
  if (req_.expect_continue && !continue_reported_) {
    continue_reported_ = true;
    // Report only when the body has not already arrived with the headers.
    if (buf_.size() == pos_) return Status::kHeadersDone;
  }
  return parse();
}

HttpRequestParser::Status HttpRequestParser::parse_chunked() {
  std::string_view line;
  while (true) {
    switch (state_) {
      case State::kChunkSize: {
        if (!next_line(&line)) {
          if (buf_.size() - pos_ > 1024) return fail(400, "chunk size line too long");
          return Status::kNeedMore;
        }
        size_t semi = line.find(';');
        std::string_view digits = trim_ows(line.substr(0, semi));
        if (digits.empty() || digits.size() > 15) return fail(400, "bad chunk size");
        uint64_t n = 0;
        for (char c : digits) {
          int h = hex_value(c);
          if (h < 0) return fail(400, "bad chunk size");
          n = n * 16 + uint64_t(h);
        }
        if (n == 0) {
          state_ = State::kTrailers;
          break;
        }
        if (n > limits_.max_body_bytes - req_.body.size())
          return fail(413, "request body too large");
        body_remaining_ = size_t(n);
        state_ = State::kChunkData;
        break;
      }
      case State::kChunkData: {
        size_t avail = buf_.size() - pos_;
        if (avail == 0) return Status::kNeedMore;
        size_t take = avail < body_remaining_ ? avail : body_remaining_;
        req_.body.append(buf_, pos_, take);
        pos_ += take;
        body_remaining_ -= take;
        if (body_remaining_ == 0) state_ = State::kChunkDataEnd;
        break;
      }
      case State::kChunkDataEnd: {
        size_t avail = buf_.size() - pos_;
        if (avail == 0) return Status::kNeedMore;
        if (buf_[pos_] == '\n') {
          pos_ += 1;
        } else if (buf_[pos_] == '\r') {
          if (avail < 2) return Status::kNeedMore;
          if (buf_[pos_ + 1] != '\n') return fail(400, "missing CRLF after chunk");
          pos_ += 2;
        } else {
          return fail(400, "missing CRLF after chunk");
        }
        scan_pos_ = pos_;
        state_ = State::kChunkSize;
        break;
      }
      case State::kTrailers: {
        if (!next_line(&line)) {
          if (buf_.size() - pos_ > limits_.max_header_bytes) return fail(431, "trailers too large");
          return Status::kNeedMore;
        }
        if (line.empty()) {
          state_ = State::kDone;
          return Status::kComplete;
        }
        break;  // trailer fields are ignored
      }
      default:
        return parse();
    }
  }
}

void HttpRequestParser::consume() {
  if (state_ == State::kDone) {
    buf_.erase(0, pos_);
  } else {
    buf_.clear();
  }
  pos_ = 0;
  scan_pos_ = 0;
  state_ = State::kHead;
  req_ = HttpRequest{};
  saw_request_line_ = false;
  body_remaining_ = 0;
  continue_reported_ = false;
  error_status_ = 0;
  error_reason_ = "";
}

}  // namespace aiperf::mock
