// HttpClient over TLS against an in-test server with a certificate made here.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <filesystem>

#include "aiperf/common/clock.h"
#include "aiperf/transport/http_client.h"
#include "test_server.h"
#include "test_util.h"

namespace aiperf::transport {
namespace {

using record::ErrorKind;
using record::RequestRecord;
using test::Stream;
using test::TestServer;

/// A self-signed P-256 certificate for IP 127.0.0.1 and a server context using it.
struct SelfSigned {
  EVP_PKEY* key = nullptr;
  X509* cert = nullptr;
  SSL_CTX* server_ctx = nullptr;
  std::string pem_path;

  SelfSigned() {
    key = EVP_EC_gen("P-256");
    cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("aiperf test"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    for (auto [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                              std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &v3, nid, value);
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert, key, EVP_sha256());
    server_ctx = SSL_CTX_new(TLS_server_method());
    SSL_CTX_use_certificate(server_ctx, cert);
    SSL_CTX_use_PrivateKey(server_ctx, key);
    pem_path = (std::filesystem::temp_directory_path() /
                ("aiperf_tls_test_" + std::to_string(::getpid()) + ".pem"))
                   .string();
    FILE* f = std::fopen(pem_path.c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
  }
  ~SelfSigned() {
    std::remove(pem_path.c_str());
    SSL_CTX_free(server_ctx);
    X509_free(cert);
    EVP_PKEY_free(key);
  }
};

std::unique_ptr<RequestRecord> run_one(EventLoop& loop, HttpClient& client) {
  static const std::string body = "{\"m\":1}";
  HttpRequest req;
  req.target = "/v1/completions";
  req.header_lines = "Content-Type: application/json\r\n";
  req.body = body;
  std::unique_ptr<RequestRecord> got;
  client.send(req, std::make_unique<RequestRecord>(),
              [&](std::unique_ptr<RequestRecord> r) { got = std::move(r); });
  int64_t until = mono_ns() + 10'000'000'000;
  while (!got && mono_ns() < until) loop.run_once(10);
  EXPECT_TRUE(got);
  return got ? std::move(got) : std::make_unique<RequestRecord>();
}

std::unique_ptr<HttpClient> make_client(EventLoop& loop, const std::string& url, bool insecure,
                                        const std::string& ca_file = {}) {
  ClientOptions o;
  o.urls.push_back(*parse_url(url));
  o.insecure = insecure;
  o.ca_file = ca_file;
  o.request_timeout_ns = 10'000'000'000;
  return std::make_unique<HttpClient>(loop, o);
}

const std::string kSse = "data: {\"a\":1}\n\n: keep-alive\n\ndata: {\"a\":2}\n\ndata: [DONE]\n\n";

TestServer::Handler sse_handler() {
  return [](Stream& s, int) {
    while (s.read_request()) {
      s.write_all(
          "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
          "Transfer-Encoding: chunked\r\n\r\n");
      for (size_t i = 0; i < kSse.size(); i += 9) {
        std::string part = kSse.substr(i, 9);
        char hex[32];
        snprintf(hex, sizeof hex, "%zx\r\n", part.size());
        s.write_all(hex + part + "\r\n");
      }
      s.write_all("0\r\n\r\n");
    }
  };
}

TEST(HttpClientTls, InsecureAcceptsSelfSignedAndStreamsSse) {
  SelfSigned tls;
  TestServer srv(sse_handler(), tls.server_ctx);
  EventLoop loop;
  auto client = make_client(loop, srv.url("https"), /*insecure=*/true);
  for (int i = 0; i < 2; ++i) {
    auto r = run_one(loop, *client);
    EXPECT_EQ(r->error, ErrorKind::kNone) << r->error_message;
    EXPECT_EQ(r->http_status, 200);
    EXPECT_TRUE(r->sse);
    auto ev = test::events_of(*r);
    ASSERT_EQ(ev.size(), 3u);
    EXPECT_EQ(ev[0].data, "{\"a\":1}");
    EXPECT_EQ(ev[2].data, "[DONE]");
    EXPECT_EQ(r->connection_reused, i == 1);
  }
  EXPECT_EQ(client->stats().tls_handshakes, 1u);
  EXPECT_EQ(srv.connections(), 1);
}

TEST(HttpClientTls, VerificationOnRejectsSelfSigned) {
  SelfSigned tls;
  TestServer srv(sse_handler(), tls.server_ctx);
  EventLoop loop;
  auto client = make_client(loop, srv.url("https"), /*insecure=*/false);
  auto r = run_one(loop, *client);
  EXPECT_EQ(r->error, ErrorKind::kConnect);
  EXPECT_NE(r->error_message.find("verification failed"), std::string::npos) << r->error_message;
  EXPECT_EQ(client->stats().tls_handshakes, 0u);
}

TEST(HttpClientTls, TrustedCaVerifiesAndHostNameIsChecked) {
  SelfSigned tls;
  TestServer srv(sse_handler(), tls.server_ctx);
  EventLoop loop;
  // Trusted and the certificate names IP 127.0.0.1: accepted.
  auto ok = make_client(loop, srv.url("https"), /*insecure=*/false, tls.pem_path);
  auto r = run_one(loop, *ok);
  EXPECT_EQ(r->error, ErrorKind::kNone) << r->error_message;
  // Same server reached as "localhost": the name is not in the certificate.
  auto bad = make_client(loop, "https://localhost:" + std::to_string(srv.port()),
                         /*insecure=*/false, tls.pem_path);
  r = run_one(loop, *bad);
  EXPECT_EQ(r->error, ErrorKind::kConnect);
  EXPECT_NE(r->error_message.find("verification failed"), std::string::npos) << r->error_message;
}

}  // namespace
}  // namespace aiperf::transport
