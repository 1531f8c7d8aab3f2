#include "aiperf/transport/source_addrs.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace aiperf::transport {
namespace {

TEST(SourceAddrs, ParsesLiteralsOnly) {
  EXPECT_TRUE(parse_ip_literal("127.0.0.2").has_value());
  EXPECT_TRUE(parse_ip_literal("::1").has_value());
  EXPECT_TRUE(parse_ip_literal("[::1]").has_value());
  EXPECT_FALSE(parse_ip_literal("localhost").has_value());
  EXPECT_FALSE(parse_ip_literal("127.0.0.1:80").has_value());
}

TEST(SourceAddrs, BindableOnlyWhenAnAddressOfThisHost) {
  EXPECT_FALSE(check_bindable("127.0.0.7").has_value());  // all of 127/8 is loopback
  EXPECT_TRUE(check_bindable("192.0.2.1").has_value());   // TEST-NET-1: not ours
  EXPECT_TRUE(check_bindable("nonsense").has_value());
}

// Connections made through SourceAddrs come from its addresses in turn.
TEST(SourceAddrs, ConnectionsTakeTheAddressesInTurn) {
  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(lfd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(lfd, 16), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  SourceAddrs src({"127.0.0.2", "127.0.0.3"}, 0);
  std::vector<std::string> peers;
  for (int i = 0; i < 4; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    std::string err;
    ASSERT_TRUE(src.bind_next(fd, AF_INET, &err)) << err;
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    sockaddr_in peer{};
    socklen_t pl = sizeof peer;
    int cfd = ::accept(lfd, reinterpret_cast<sockaddr*>(&peer), &pl);
    ASSERT_GE(cfd, 0);
    char buf[INET_ADDRSTRLEN];
    peers.push_back(inet_ntop(AF_INET, &peer.sin_addr, buf, sizeof buf));
    ::close(cfd);
    ::close(fd);
  }
  ::close(lfd);
  EXPECT_EQ(peers, (std::vector<std::string>{"127.0.0.2", "127.0.0.3", "127.0.0.2", "127.0.0.3"}));
  // No address of the socket's family: the kernel chooses (nothing bound, no error).
  SourceAddrs v6({"::1"}, 0);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  std::string err;
  EXPECT_TRUE(v6.bind_next(fd, AF_INET, &err));
  ::close(fd);
}

}  // namespace
}  // namespace aiperf::transport
