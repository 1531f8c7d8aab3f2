// Kernel receive stamps for the bench programs (issue 15, accuracy): with SO_TIMESTAMPNS on a
// socket, recvmsg() also returns the time the kernel queued the last segment it read
// (CLOCK_REALTIME). read_stamped() turns that into CLOCK_MONOTONIC by subtracting how long ago
// it was, so a stamp no longer includes the wake-up and scheduling delay between the segment's
// arrival and the read — the delay that varies most on a shared or virtual machine.
#pragma once
#include <sys/socket.h>
#include <time.h>

#include <cstdint>
#include <cstring>

#include "aiperf/common/clock.h"  // built with -Isrc

inline void enable_rx_stamps(int fd) {
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
}

// read(2) that also sets *stamp (CLOCK_MONOTONIC ns): the segment's arrival as aiperf computes
// it (aiperf::arrival_mono_ns, src/aiperf/common/clock.h: within [not_before, now]); without a
// kernel stamp, now.
inline ssize_t read_stamped(int fd, char* buf, size_t cap, int64_t not_before, int64_t* stamp) {
  iovec iov{buf, cap};
  alignas(cmsghdr) char ctl[CMSG_SPACE(sizeof(timespec))];
  msghdr m{};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl;
  m.msg_controllen = sizeof ctl;
  ssize_t n = recvmsg(fd, &m, 0);
  if (n <= 0) return n;
  const int64_t mono = aiperf::mono_ns();
  *stamp = mono;
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS) continue;
    timespec ts;
    std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
    *stamp = aiperf::arrival_mono_ns(mono, aiperf::wall_ns(),
                                     int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec, not_before);
  }
  return n;
}
