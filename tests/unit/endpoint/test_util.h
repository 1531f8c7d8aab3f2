// Test helpers for unit_endpoint: fixture loading, a tiny SSE splitter (the real framer lives in
// transport/), RequestRecord builders and a fake tokenizer.
#pragma once
#include <atomic>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "aiperf/record/request_record.h"
#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::test {

inline std::string read_data_file(const std::string& rel) {
  std::ifstream f(std::string(AIPERF_TEST_DATA_DIR) + "/endpoint/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

struct SseEvent {
  std::string data;
  bool is_error = false;
};

/// Splits an SSE body on blank lines (LF or CRLF), joins `data` fields with '\n', strips the
/// value's surrounding whitespace (as AIPerf does), skips comments, flags `event: error`.
inline std::vector<SseEvent> split_sse(std::string body) {
  std::string norm;
  norm.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\r') {
      norm += '\n';
      if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
    } else {
      norm += body[i];
    }
  }
  std::vector<SseEvent> out;
  size_t pos = 0;
  while (pos < norm.size()) {
    size_t end = norm.find("\n\n", pos);
    std::string block = norm.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    pos = end == std::string::npos ? norm.size() : end + 2;
    SseEvent ev;
    bool any = false;
    std::istringstream lines(block);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.empty() || line[0] == ':') continue;
      size_t c = line.find(':');
      std::string name = line.substr(0, c);
      std::string value = c == std::string::npos ? "" : line.substr(c + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      if (name == "data") {
        if (any && !ev.data.empty()) ev.data += '\n';
        ev.data += value;
        any = true;
      } else if (name == "event" && value == "error") {
        ev.is_error = true;
        any = true;
      }
    }
    if (any) out.push_back(std::move(ev));
  }
  return out;
}

/// Builds a raw record whose events are `payloads`, stamped start+10, start+20, ...
inline record::RequestRecord make_record(const std::vector<std::pair<int64_t, std::string>>& evs,
                                         int64_t start_ns = 1000, int64_t end_ns = -1) {
  record::RequestRecord r;
  r.start_ns = start_ns;
  r.start_wall_ns = 1'700'000'000'000'000'000;
  r.http_status = 200;
  r.sse = true;
  for (const auto& [ts, p] : evs) {
    record::ResponseEvent e;
    e.ts_ns = ts;
    e.offset = static_cast<uint32_t>(r.data.size());
    e.len = static_cast<uint32_t>(p.size());
    r.data += p;
    r.events.push_back(e);
  }
  r.end_ns = end_ns >= 0 ? end_ns : (evs.empty() ? start_ns + 1 : evs.back().first + 1);
  return r;
}

inline record::RequestRecord record_from_sse(const std::string& body, int64_t start_ns = 1000) {
  std::vector<std::pair<int64_t, std::string>> evs;
  int64_t ts = start_ns;
  auto events = split_sse(body);
  for (auto& e : events) evs.emplace_back(ts += 10, e.data);
  record::RequestRecord r = make_record(evs, start_ns);
  for (size_t i = 0; i < events.size(); ++i) r.events[i].is_error_event = events[i].is_error;
  return r;
}

/// One token per byte: makes "joined with a single space" rules visible in counts.
class ByteTokenizer : public tokenizer::Tokenizer {
 public:
  std::vector<tokenizer::TokenId> encode(std::string_view text, bool) const override {
    calls_.fetch_add(1, std::memory_order_relaxed);
    return std::vector<tokenizer::TokenId>(text.begin(), text.end());
  }
  std::string decode(const std::vector<tokenizer::TokenId>& ids, bool) const override {
    return std::string(ids.begin(), ids.end());
  }
  std::string name() const override { return "bytes"; }
  int calls() const { return calls_.load(); }

 private:
  mutable std::atomic<int> calls_{0};
};

}  // namespace aiperf::test
