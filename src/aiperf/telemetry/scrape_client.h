// A small blocking HTTP/1.1 GET client for metrics endpoints: one keep-alive connection per
// endpoint, poll()-bounded connect / send / receive, gzip bodies (zlib), http and https
// (OpenSSL). It runs on the telemetry threads only and never touches the workers' event loops.
// Response framing reuses transport::HttpResponseParser.
//
// Threading: one ScrapeClient per thread.
#pragma once
#include <cstdint>
#include <memory>
#include <string>

#include "aiperf/transport/url.h"

namespace aiperf::telemetry {

struct ScrapeOptions {
  int64_t connect_timeout_ms = 10'000;
  int64_t io_timeout_ms = 10'000;  // whole request, from the send to the last byte
  bool insecure = false;           // https: skip certificate verification (--insecure)
  size_t max_body_bytes = 64u << 20;
  /// Value of the Accept header.
  std::string accept =
      "text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1";
};

struct ScrapeResult {
  bool ok = false;    // a complete response was read (any status)
  std::string error;  // why not, one line (connection refused, timeout, ...)
  int status = 0;
  std::string content_type;
  std::string body;  // decoded (gzip removed)
  size_t wire_bytes = 0;
  int64_t sent_mono_ns = 0;        // request written
  int64_t first_byte_mono_ns = 0;  // first response byte
  int64_t done_mono_ns = 0;        // last response byte
};

class ScrapeClient {
 public:
  /// `url`: the full metrics URL (path and query are the request target).
  ScrapeClient(transport::Url url, ScrapeOptions opts);
  ~ScrapeClient();
  ScrapeClient(const ScrapeClient&) = delete;
  ScrapeClient& operator=(const ScrapeClient&) = delete;

  /// One GET. Reuses the kept-alive connection; a stale one is reopened once.
  ScrapeResult get();
  /// Points the client at another URL (same or another host); closes the connection.
  void retarget(transport::Url url);
  const transport::Url& url() const { return url_; }
  void close();

 private:
  struct Conn;
  bool connect_now(std::string* err, int64_t deadline_ns);
  bool tls_handshake(std::string* err, int64_t deadline_ns);
  bool exchange(ScrapeResult& r, bool* retryable);
  std::string request_text() const;  // the GET with Host, Accept and Accept-Encoding: gzip

  transport::Url url_;
  std::string target_;
  ScrapeOptions opts_;
  std::unique_ptr<Conn> conn_;
};

/// Inflates a gzip (or zlib) body. False with `err` when it is corrupt or exceeds `max_bytes`.
bool gunzip(const std::string& in, std::string* out, size_t max_bytes, std::string* err);

}  // namespace aiperf::telemetry
