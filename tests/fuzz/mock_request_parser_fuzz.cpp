// libFuzzer target for the mock server's HTTP/1.1 request parser. Build (docs/mock-server.md):
//   clang++-14 -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -I src \
//     tests/fuzz/mock_request_parser_fuzz.cpp src/aiperf/mock/http_request_parser.cpp \
//     -o mock_request_parser_fuzz
// The first input byte chooses how the rest is split into reads, so the fuzzer explores
// incremental parsing as well as whole-buffer parsing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "aiperf/mock/http_request_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t step = 1 + data[0] % 64;
  ++data;
  --size;
  aiperf::mock::HttpRequestLimits lim;
  lim.max_body_bytes = 4096;
  lim.max_header_bytes = 2048;
  lim.max_headers = 32;
  aiperf::mock::HttpRequestParser p(lim);
  size_t off = 0;
  int completed = 0;
  while (off < size) {
    size_t n = size - off < step ? size - off : step;
    p.append(reinterpret_cast<const char*>(data) + off, n);
    off += n;
    while (true) {
      auto st = p.parse();
      if (st == aiperf::mock::HttpRequestParser::Status::kError) {
        if (p.error_status() < 400 || p.error_status() > 599) std::abort();
        return 0;
      }
      if (st != aiperf::mock::HttpRequestParser::Status::kComplete) break;
      const auto& r = p.request();
      if (r.body.size() > lim.max_body_bytes) std::abort();
      (void)r.path();
      (void)r.header("content-length");
      p.consume();
      if (++completed > 100000) return 0;
    }
  }
  return 0;
}
