#include "aiperf/transport/sse_framer.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>

namespace aiperf::transport {

namespace {

// Length of the common prefix of a and b (n bytes each at most), eight bytes at a time: consecutive
// OpenAI chunks share ~180 of their ~190 bytes with the previous one.
size_t common_prefix(const char* a, const char* b, size_t n) {
  size_t k = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; k + 8 <= n; k += 8) {
      uint64_t x, y;
      std::memcpy(&x, a + k, 8);
      std::memcpy(&y, b + k, 8);
      if (x != y) return k + size_t(std::countr_zero(x ^ y) >> 3);
    }
  }
  while (k < n && a[k] == b[k]) ++k;
  return k;
}

// Length of the common suffix of a[0, na) and b[0, nb), at most `limit`.
size_t common_suffix(const char* a, size_t na, const char* b, size_t nb, size_t limit) {
  size_t m = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; m + 8 <= limit; m += 8) {
      uint64_t x, y;
      std::memcpy(&x, a + na - m - 8, 8);
      std::memcpy(&y, b + nb - m - 8, 8);
      if (x != y) return m + size_t(std::countl_zero(x ^ y) >> 3);
    }
  }
  while (m < limit && a[na - 1 - m] == b[nb - 1 - m]) ++m;
  return m;
}

bool ends_json_object(std::string_view v) {
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.remove_suffix(1);
  return !v.empty() && v.back() == '}';
}

}  // namespace

void SseFramer::reset() {
  line_.clear();
  comment_.clear();
  error_comment_.clear();
  ev_start_ = 0;
  pending_cr_ = false;
  has_data_ = false;
  has_comment_ = false;
  is_error_ = false;
  json_open_ = false;
  saw_error_ = false;
  pending_ = false;
  prev_.clear();
}

void SseFramer::materialize(record::RequestRecord& rec) {
  if (!pending_) return;
  ev_start_ = rec.data.size();
  rec.data.append(pending_value_);
  pending_ = false;
}

void SseFramer::process_line(std::string_view line, bool stable, record::RequestRecord& rec) {
  if (json_open_ && line.substr(0, 5) != "data:") {
    materialize(rec);
    rec.data.append("\\n", 2);
    rec.data.append(line);
    json_open_ = !ends_json_object(line);
    return;
  }
  if (line.front() == ':') {
    if (!has_comment_) {
      std::string_view c = line.substr(1);
      if (!c.empty() && c.front() == ' ') c.remove_prefix(1);
      comment_.assign(c);
      has_comment_ = true;
    }
    return;
  }
  size_t colon = line.find(':');
  std::string_view name = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (name == "data") {
    if (has_data_) {
      materialize(rec);
      rec.data.push_back('\n');
      rec.data.append(value);
    } else if (stable) {
      // The usual event: one `data` line inside one read. Keep a view into the read buffer and
      // store only what front/back coding leaves (dispatch), never the whole message.
      pending_value_ = value;
      pending_ = true;
    } else {
      ev_start_ = rec.data.size();
      rec.data.append(value);
    }
    has_data_ = true;
    json_open_ = !value.empty() && value.front() == '{' && !ends_json_object(value);
  } else if (name == "event") {
    is_error_ = value == "error";
  }
}

void SseFramer::dispatch(int64_t ts_ns, record::RequestRecord& rec) {
  if (has_data_ || is_error_) {
    if (!has_data_) ev_start_ = rec.data.size();
    uint32_t shared = 0;
    uint16_t shared_suffix = 0;
    if (is_error_) materialize(rec);
    if (!is_error_) {
      // Front- and back-code against the previous message (record::ResponseEvent): keep only
      // the bytes between the prefix and the suffix they share.
      std::string_view full =
          pending_ ? pending_value_
                   : std::string_view(rec.data.data() + ev_start_, rec.data.size() - ev_start_);
      size_t n = std::min(full.size(), prev_.size());
      size_t k = common_prefix(full.data(), prev_.data(), n);
      size_t max_suffix = std::min<size_t>(n - k, 0xFFFF);
      size_t m = common_suffix(full.data(), full.size(), prev_.data(), prev_.size(), max_suffix);
      prev_.assign(full);
      if (k < kMinShared) k = 0;
      if (m < kMinShared) m = 0;
      if (pending_) {
        ev_start_ = rec.data.size();
        rec.data.append(full.data() + k, full.size() - k - m);
        pending_ = false;
      } else if (k + m > 0) {
        rec.data.erase(rec.data.size() - m, m);
        rec.data.erase(ev_start_, k);
      }
      shared = uint32_t(k);
      shared_suffix = uint16_t(m);
    } else {
      prev_.clear();
    }
    rec.events.push_back(record::ResponseEvent{ts_ns, uint32_t(ev_start_),
                                               uint32_t(rec.data.size() - ev_start_), is_error_,
                                               shared_suffix, shared});
    if (is_error_ && !saw_error_) {
      saw_error_ = true;
      error_comment_ = comment_;
    }
  }
  has_data_ = false;
  is_error_ = false;
  json_open_ = false;
  if (has_comment_) {
    comment_.clear();
    has_comment_ = false;
  }
}

void SseFramer::feed(const char* p, size_t len, int64_t ts_ns, record::RequestRecord& rec) {
  size_t i = 0;
  if (pending_cr_ && len > 0) {
    pending_cr_ = false;
    if (p[0] == '\n') i = 1;
  }
  while (i < len) {
    const char* start = p + i;
    size_t rem = len - i;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', rem));
    size_t lim = nl ? size_t(nl - start) : rem;
    const char* cr = static_cast<const char*>(std::memchr(start, '\r', lim));
    if (!cr && !nl) {
      line_.append(start, rem);
      break;
    }
    size_t end = cr ? size_t(cr - start) : lim;
    std::string_view line(start, end);
    bool stable = line_.empty();  // the view stays valid until feed() returns
    if (!stable) {
      line_.append(start, end);
      line = line_;
    }
    if (line.empty()) {
      dispatch(ts_ns, rec);
    } else {
      process_line(line, stable, rec);
    }
    line_.clear();
    i += end + 1;
    if (cr) {
      if (i < len) {
        if (p[i] == '\n') ++i;
      } else {
        pending_cr_ = true;
      }
    }
  }
  materialize(rec);  // the read buffer is reused after this call
}

void SseFramer::finish(int64_t ts_ns, record::RequestRecord& rec) {
  if (!line_.empty()) {
    process_line(line_, false, rec);
    line_.clear();
  }
  dispatch(ts_ns, rec);
  pending_cr_ = false;
}

}  // namespace aiperf::transport
