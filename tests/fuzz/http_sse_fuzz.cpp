// libFuzzer target: the HTTP/1.1 response parser feeding the SSE framer, as the client runs
// them. Oracle: the same bytes delivered in one read and split at fuzzer-chosen positions must
// give the same parse status, consumed length, body and events; event slices stay in bounds.
//
// Input layout: byte 0 = mode, byte 1 = split seed, rest = payload.
//   mode % 3 == 0: payload is a whole response (status line, headers, body)
//   mode % 3 == 1: payload is an SSE body after a close-delimited text/event-stream head
//   mode % 3 == 2: payload is chunk-framed body after a chunked text/event-stream head
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "aiperf/transport/http_response_parser.h"
#include "aiperf/transport/sse_framer.h"

using aiperf::record::RequestRecord;
using aiperf::transport::HttpResponseParser;
using aiperf::transport::ResponseHead;
using aiperf::transport::SseFramer;

namespace {

struct Sink : HttpResponseParser::Sink {
  SseFramer framer;
  RequestRecord rec;
  std::string plain;
  int64_t ts = 0;
  bool sse = false;
  int heads = 0;
  void on_head(const ResponseHead& h) override {
    ++heads;
    sse = h.event_stream;
  }
  void on_body(const char* p, size_t n) override {
    if (sse) {
      framer.feed(p, n, ts, rec);
    } else {
      plain.append(p, n);
    }
  }
};

struct Outcome {
  HttpResponseParser::Status status;
  size_t consumed;
  int heads;
  std::string plain;
  std::string data;
  std::vector<std::pair<uint64_t, bool>> events;  // (offset << 32 | len, error)
};

Outcome run(const std::string& in, const std::vector<size_t>& cuts) {
  HttpResponseParser parser;
  Sink sink;
  size_t pos = 0;
  Outcome o{HttpResponseParser::Status::kNeedMore, 0, 0, {}, {}, {}};
  std::vector<size_t> ends = cuts;
  ends.push_back(in.size());
  for (size_t e : ends) {
    ++sink.ts;
    size_t used = 0;
    o.status = parser.feed(in.data() + pos, e - pos, sink, &used);
    o.consumed = pos + used;
    if (o.status != HttpResponseParser::Status::kNeedMore) break;
    if (used != e - pos) __builtin_trap();
    pos = e;
  }
  if (o.status == HttpResponseParser::Status::kNeedMore) o.status = parser.finish_eof(sink);
  if (sink.sse) sink.framer.finish(sink.ts, sink.rec);
  for (auto& ev : sink.rec.events) {
    if (size_t(ev.offset) + ev.len > sink.rec.data.size()) __builtin_trap();
    o.events.push_back({(uint64_t(ev.offset) << 32) | ev.len, ev.is_error_event});
  }
  o.heads = sink.heads;
  o.plain = std::move(sink.plain);
  o.data = std::move(sink.rec.data);
  return o;
}

bool same(const Outcome& a, const Outcome& b) {
  // `consumed` is only meaningful for a complete response.
  bool consumed_ok = a.status != HttpResponseParser::Status::kDone || a.consumed == b.consumed;
  return a.status == b.status && consumed_ok && a.heads == b.heads && a.plain == b.plain &&
         a.data == b.data && a.events == b.events;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint8_t mode = data[0] % 3;
  uint32_t seed = data[1];
  std::string in;
  if (mode == 1) in = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
  if (mode == 2)
    in = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
  in.append(reinterpret_cast<const char*>(data + 2), size - 2);

  Outcome whole = run(in, {});
  // Up to 7 cut positions from a small LCG over the seed, sorted and unique.
  std::vector<size_t> cuts;
  uint32_t x = seed * 2654435761u + 12345u;
  for (uint32_t i = 0; i < seed % 8; ++i) {
    x = x * 1103515245u + 12345u;
    cuts.push_back((x >> 8) % (in.size() + 1));
  }
  std::sort(cuts.begin(), cuts.end());
  cuts.erase(std::unique(cuts.begin(), cuts.end()), cuts.end());
  if (!same(whole, run(in, cuts))) __builtin_trap();
  // Byte-at-a-time reads for small inputs.
  if (in.size() <= 512) {
    std::vector<size_t> all;
    for (size_t i = 1; i < in.size(); ++i) all.push_back(i);
    if (!same(whole, run(in, all))) __builtin_trap();
  }
  return 0;
}
