// Server TLS context: a certificate/key pair from files, or a self-signed P-256 certificate for
// CN=localhost with SAN localhost/127.0.0.1/::1 generated at start (OpenSSL 3). OpenSSL types
// stay out of every other header.
#pragma once
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace aiperf::mock {

/// Throws std::runtime_error with OpenSSL's reason on failure. Caller owns (SSL_CTX_free).
SSL_CTX* make_server_tls_context(const std::string& cert_path, const std::string& key_path);

/// PEM of a freshly generated self-signed certificate and its private key (for tests that want
/// to hand curl a --cacert).
struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};
SelfSigned generate_self_signed();

}  // namespace aiperf::mock
