#include "aiperf/run/probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aiperf::run {

namespace {
std::optional<std::string> try_connect(const addrinfo* ai, int timeout_ms) {
  int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  int rc = ::connect(fd, ai->ai_addr, ai->ai_addrlen);
  if (rc < 0 && errno != EINPROGRESS) {
    std::string e = std::strerror(errno);
    ::close(fd);
    return e;
  }
  if (rc < 0) {
    pollfd p{fd, POLLOUT, 0};
    int n = ::poll(&p, 1, timeout_ms);
    if (n == 0) {
      ::close(fd);
      return "timed out after " + std::to_string(timeout_ms / 1000) + " s";
    }
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (n < 0 || err != 0) {
      ::close(fd);
      return std::strerror(n < 0 ? errno : err);
    }
  }
  ::close(fd);
  return std::nullopt;
}
}  // namespace

std::optional<std::string> probe_tcp(const transport::Url& url, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  std::string port = std::to_string(url.port);
  int rc = ::getaddrinfo(url.host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0) return "cannot resolve host '" + url.host + "': " + gai_strerror(rc);
  std::optional<std::string> last = std::string("no address");
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    last = try_connect(ai, timeout_ms);
    if (!last) break;
  }
  ::freeaddrinfo(res);
  return last;
}

}  // namespace aiperf::run
