#include "aiperf/mock/mock_server.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

#include "aiperf/common/clock.h"
#include "aiperf/common/error.h"
#include "aiperf/mock/connection.h"
#include "aiperf/mock/grpc_server.h"
#include "aiperf/mock/mock_rng.h"
#include "aiperf/mock/tls_context.h"
#include "aiperf/tokenizer/tokenizer.h"

namespace aiperf::mock {

// ---------------------------------------------------------------- ServerContext

namespace {
std::shared_ptr<const tokenizer::Tokenizer> load_tokenizer(const MockOptions& o) {
  if (o.no_tokenizer) return nullptr;
  if (o.tokenizer.empty() || o.tokenizer == "builtin") return tokenizer::builtin();
  return tokenizer::load(o.tokenizer);
}

LatencyParams latency_of(const MockOptions& o) {
  LatencyParams p;
  p.ttft_ms = o.ttft_ms;
  p.itl_ms = o.itl_ms;
  p.ttft_per_isl_token_ms = o.ttft_per_isl_token_ms;
  p.ttft_concurrency_quad_ms = o.ttft_concurrency_quad_ms;
  p.itl_per_osl_token_ms = o.itl_per_osl_token_ms;
  p.itl_concurrency_lin_ms = o.itl_concurrency_lin_ms;
  p.ttft_jitter_cv = o.ttft_jitter_cv;
  p.itl_jitter_cv = o.itl_jitter_cv;
  return p;
}
}  // namespace

ServerContext::ServerContext(const MockOptions& o) : opts(o), framer(o), latency(latency_of(o)) {
  if (opts.model_names.empty()) throw ConfigError("--model-names: at least one model name");
  text = std::make_unique<TokenText>(load_tokenizer(opts));
  ClockAnchor anchor;
  start_mono_ns = anchor.mono();
  start_wall_ns = anchor.wall();
  if (!opts.record_requests.empty())
    recorder =
        std::make_unique<RequestRecorder>(opts.record_requests, start_mono_ns, start_wall_ns);
  if (opts.tls || !opts.tls_cert.empty() || !opts.tls_key.empty())
    ssl_ctx = make_server_tls_context(opts.tls_cert, opts.tls_key);
  models_body = "{\"object\":\"list\",\"data\":[";
  for (size_t i = 0; i < opts.model_names.size(); ++i) {
    if (i) models_body += ',';
    models_body += fmt::format(
        "{{\"id\":{},\"object\":\"model\",\"created\":{},\"owned_by\":\"aiperf-mock-server\"}}",
        json_quote(opts.model_names[i]), start_wall_ns / 1'000'000'000);
  }
  models_body += "]}";
  if (auto f = metrics_family_from_name(opts.metrics_family)) {
    metrics_family = *f;
  } else {
    throw ConfigError("--metrics-family: unknown family '" + opts.metrics_family + "'");
  }
  DcgmOptions d;
  d.gpu_name = opts.dcgm_gpu_name;
  d.num_gpus = opts.dcgm_num_gpus;
  d.min_throughput = opts.dcgm_min_throughput;
  d.window_s = opts.dcgm_window_sec;
  d.hostname = opts.dcgm_hostname;
  d.seed = opts.dcgm_seed >= 0 ? uint64_t(opts.dcgm_seed) : opts.random_seed;
  d.auto_load = opts.dcgm_auto_load;
  for (int e = 1; e <= 2; ++e) dcgm.push_back(std::make_unique<DcgmFaker>(d, e));
}

ServerContext::~ServerContext() {
  if (ssl_ctx) SSL_CTX_free(ssl_ctx);
}

bool ServerContext::selected(const FaultSelector& s, uint64_t seq, uint64_t salt) const {
  if (s.every > 0 && seq % s.every == 0) return true;
  if (s.rate_pct <= 0.0) return false;
  double u = unit_from_hash(
      splitmix64(opts.random_seed ^ (salt * 0x9e3779b97f4a7c15ULL) ^ splitmix64(seq)));
  return u * 100.0 < s.rate_pct;
}

bool ServerContext::models_ready(int64_t now_ns) const {
  return double(now_ns - start_mono_ns) >= opts.models_ready_delay_s * 1e9;
}

bool ServerContext::inference_ready(int64_t now_ns) const {
  return double(now_ns - start_mono_ns) >= opts.inference_ready_delay_s * 1e9;
}

// ---------------------------------------------------------------- Worker

Worker::Worker(ServerContext* c, int listen_fd) : ctx(c), listen_fd_(listen_fd) {
  loop.add(listen_fd_, EPOLLIN, this);
}

Worker::~Worker() {
  // The thread has stopped: close what is still open (in-flight requests are recorded).
  std::vector<Connection*> open(connections.begin(), connections.end());
  for (Connection* c : open) {
    c->abandon();
    delete c;
  }
  for (Connection* c : graveyard_) delete c;
  for (Connection* c : limbo_) delete c;
  if (listen_fd_ >= 0) ::close(listen_fd_);
}

void Worker::retire(Connection* c) {
  graveyard_.push_back(c);
  if (!reap_posted_) {
    reap_posted_ = true;
    loop.post([this] { reap(); });
  }
}

void Worker::reap() {
  reap_posted_ = false;
  for (Connection* c : limbo_) delete c;
  limbo_.swap(graveyard_);
  graveyard_.clear();
  if (!limbo_.empty()) {
    reap_posted_ = true;
    loop.post([this] { reap(); });
  }
}

void Worker::on_io(uint32_t) {
  while (true) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // EAGAIN, or EMFILE etc.: the next edge retries
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    SSL* ssl = nullptr;
    if (ctx->ssl_ctx) {
      ssl = SSL_new(ctx->ssl_ctx);
      if (!ssl) {
        ::close(fd);
        continue;
      }
      SSL_set_fd(ssl, fd);
      SSL_set_accept_state(ssl);
    }
    (new Connection(this, fd, ssl))->start();
  }
}

void Worker::start_thread() {
  thread_ = std::thread([this] { loop.run(); });
}

void Worker::stop_and_join() {
  loop.stop();
  if (thread_.joinable()) thread_.join();
}

// ---------------------------------------------------------------- MockServer

struct MockServer::Impl {
  MockOptions opts;
  std::unique_ptr<ServerContext> ctx;
  std::vector<std::unique_ptr<Worker>> workers;
  std::unique_ptr<GrpcServer> grpc;  // --grpc-port
  int port = 0;
  bool started = false;
  bool stopped = false;
};

namespace {
// SO_REUSEPORT would let a second server share a port that another one (same user) already
// listens on; probe with a plain bind first so that "address in use" is reported instead.
void check_port_free(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port_s = std::to_string(port);
  if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), port_s.c_str(), &hints, &res) != 0)
    return;
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    int rc = ::bind(fd, ai->ai_addr, ai->ai_addrlen);
    int err = errno;
    ::close(fd);
    if (rc != 0 && err == EADDRINUSE) {
      ::freeaddrinfo(res);
      throw std::runtime_error(
          fmt::format("cannot listen on {}:{}: {}", host, port, std::strerror(err)));
    }
    if (rc == 0) break;
  }
  ::freeaddrinfo(res);
}

int open_listener(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  std::string port_s = std::to_string(port);
  int rc = ::getaddrinfo(host.empty() ? nullptr : host.c_str(), port_s.c_str(), &hints, &res);
  if (rc != 0) throw std::runtime_error("--host " + host + ": " + gai_strerror(rc));
  int fd = -1;
  std::string last_err = "no address";
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && ::listen(fd, 4096) == 0) break;
    last_err = std::strerror(errno);
    ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot listen on {}:{}: {}", host, port, last_err));
  return fd;
}

int bound_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
}
}  // namespace

MockServer::MockServer(MockOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = std::move(opts);
  impl_->ctx = std::make_unique<ServerContext>(impl_->opts);
}

MockServer::~MockServer() {
  stop();
}

void MockServer::start() {
  if (impl_->started) return;
  ::signal(SIGPIPE, SIG_IGN);
  // One fd per connection: 10k+ concurrent streams need more than the usual soft limit of 1024.
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  int n = impl_->opts.workers > 0 ? impl_->opts.workers : int(::sysconf(_SC_NPROCESSORS_ONLN));
  if (n < 1) n = 1;
  if (impl_->opts.port != 0) check_port_free(impl_->opts.host, impl_->opts.port);
  int first = open_listener(impl_->opts.host, impl_->opts.port);
  impl_->port = bound_port(first);
  impl_->workers.push_back(std::make_unique<Worker>(impl_->ctx.get(), first));
  for (int i = 1; i < n; ++i)
    impl_->workers.push_back(
        std::make_unique<Worker>(impl_->ctx.get(), open_listener(impl_->opts.host, impl_->port)));
  for (auto& w : impl_->workers) w->start_thread();
  if (impl_->opts.grpc_port >= 0) {
    impl_->grpc =
        std::make_unique<GrpcServer>(*impl_->ctx, impl_->opts.host, impl_->opts.grpc_port);
  }
  impl_->started = true;
}

int MockServer::grpc_port() const {
  return impl_->grpc ? impl_->grpc->port() : -1;
}

int MockServer::port() const {
  return impl_->port;
}

std::string MockServer::url() const {
  std::string host = impl_->opts.host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return fmt::format("{}://{}:{}", impl_->ctx->ssl_ctx ? "https" : "http", host, impl_->port);
}

void MockServer::stop() {
  if (!impl_ || !impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  if (impl_->grpc) impl_->grpc->stop();
  for (auto& w : impl_->workers) w->stop_and_join();
  impl_->workers.clear();
}

int main(int argc, char** argv) {
  int exit_code = -1;
  MockOptions opts;
  try {
    opts = parse_options(argc, argv, &exit_code);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aiperf-mock-server: %s\n", e.what());
    return kExitUsage;
  }
  if (exit_code >= 0) return exit_code;
  // Block the signals before any thread starts so that only sigwait() below receives them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  try {
    MockServer server(opts);
    server.start();
    std::printf("listening on %s\n", server.url().c_str());
    if (server.grpc_port() >= 0)
      std::printf("grpc listening on %s:%d\n", opts.host.c_str(), server.grpc_port());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&set, &sig);
    server.stop();
    if (!opts.quiet) std::fprintf(stderr, "aiperf-mock-server: stopped (signal %d)\n", sig);
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "aiperf-mock-server: %s\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "aiperf-mock-server: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace aiperf::mock
