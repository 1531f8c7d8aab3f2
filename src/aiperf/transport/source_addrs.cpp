#include "aiperf/transport/source_addrs.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aiperf::transport {

std::optional<sockaddr_storage> parse_ip_literal(const std::string& ip) {
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    return ss;
  }
  std::string bare =
      ip.size() > 2 && ip.front() == '[' && ip.back() == ']' ? ip.substr(1, ip.size() - 2) : ip;
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET6, bare.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    return ss;
  }
  return std::nullopt;
}

SourceAddrs::SourceAddrs(const std::vector<std::string>& ips, size_t start) : next_(start) {
  for (const std::string& ip : ips) {
    if (auto a = parse_ip_literal(ip)) {
      addrs_.push_back(*a);
      names_.push_back(ip);
    }
  }
}

namespace {
socklen_t addr_len(const sockaddr_storage& a) {
  return a.ss_family == AF_INET ? sizeof(sockaddr_in) : sizeof(sockaddr_in6);
}
}  // namespace

bool SourceAddrs::bind_next(int fd, int family, std::string* error) {
  for (size_t tries = 0; tries < addrs_.size(); ++tries) {
    size_t i = next_++ % addrs_.size();
    if (addrs_[i].ss_family != family) continue;
#ifdef IP_BIND_ADDRESS_NO_PORT
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof one);
#endif
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&addrs_[i]), addr_len(addrs_[i])) != 0) {
      if (error) *error = "bind to source address " + names_[i] + ": " + std::strerror(errno);
      return false;
    }
    return true;
  }
  return true;  // no address of this family: the kernel chooses
}

std::optional<std::string> check_bindable(const std::string& ip) {
  auto a = parse_ip_literal(ip);
  if (!a) return "not an IPv4 or IPv6 address";
  int fd = ::socket(a->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return std::string("socket: ") + std::strerror(errno);
  int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&*a), addr_len(*a));
  int e = errno;
  ::close(fd);
  if (rc != 0) return std::string(std::strerror(e));
  return std::nullopt;
}

}  // namespace aiperf::transport
