// --source-ip (docs/scale-out.md "Many source addresses"): new connections bind to local
// addresses round robin before they connect. One source address reaches one server address and
// port through at most the ephemeral port range (~28k connections); N addresses allow N times
// that (127.0.0.2, 127.0.0.3, ... on loopback; extra addresses of a NIC elsewhere).
// IP_BIND_ADDRESS_NO_PORT defers the port choice to connect(), so the kernel still picks a port
// per (source, destination) pair instead of reserving one per source.
#pragma once
#include <sys/socket.h>

#include <optional>
#include <string>
#include <vector>

namespace aiperf::transport {

/// Parses an IPv4 or IPv6 literal (no port). nullopt when it is not one.
std::optional<sockaddr_storage> parse_ip_literal(const std::string& ip);

class SourceAddrs {
 public:
  SourceAddrs() = default;
  /// `ips` must be literals (checked by the config); `start` staggers round robins of clients.
  SourceAddrs(const std::vector<std::string>& ips, size_t start);
  bool empty() const { return addrs_.empty(); }
  /// Binds `fd` (a socket of `family`) to the next address of that family; nothing when there
  /// is none of the family. False with `*error` set when bind() fails.
  bool bind_next(int fd, int family, std::string* error);

 private:
  std::vector<sockaddr_storage> addrs_;
  std::vector<std::string> names_;
  size_t next_ = 0;
};

/// Whether `ip` can be bound on this host (an address of one of its interfaces). nullopt when
/// it can, else the reason.
std::optional<std::string> check_bindable(const std::string& ip);

}  // namespace aiperf::transport
