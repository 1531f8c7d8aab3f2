// The floor of client cost (issue 15): a bare epoll HTTP/1.1 client that does only what any
// streaming benchmark client must — keep C connections busy with one fixed POST each, find the
// response's end (Content-Length or chunked framing), find SSE event boundaries in the decoded
// body, and stamp every read that carried events with CLOCK_MONOTONIC. No JSON, no tokenizing,
// no records, no exports. Whatever aiperf spends beyond this is its own overhead.
//
//   floor_client --port P --connections C --requests N [--stream 0|1] [--max-tokens 100]
//                [--timings FILE] [--rate R] [--io epoll|uring]
//
// Like wrk, a read that returns less than the buffer ends the wake-up (the socket is drained;
// more data raises epoll again), so the floor pays no read that would only say EAGAIN.
// Prints one JSON line: requests, events, wall_s, cpu_s (user+system of the process). With
// --timings, writes per request "ttft_ns mean_itl_ns events" (ITL as AIPerf's: the span from the
// first to the last content event over events - 1; [DONE] rides with the last event).
//
// With --io uring (where liburing was found at build time: -DFLOOR_URING -luring) the same
// client runs on io_uring instead of epoll, as an experiment for the I/O layer (issue 15: "io_uring
// beside epoll"): one ring (single issuer, deferred task work), a multishot receive per
// connection into a ring of provided buffers, sends queued as SQEs and submitted with the wait
// for completions (one io_uring_enter per loop pass), the schedule's due times as absolute
// timeouts. Reads are stamped in user space when their completion is reaped (no kernel stamps).
//
// With --rate R the requests leave on a schedule instead (constant arrivals, R per second, on
// whichever connection is free; a request due while all are busy waits for one): a timerfd in
// the same epoll set wakes the loop at each due time, as aiperf's I/O thread wakes. The JSON line
// then also carries the send lateness (send time minus due time) p50/p99/max in us: the floor
// of schedule-keeping on this machine, against which aiperf's send_lateness is read.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "rx_stamp.h"

#ifdef FLOOR_URING
#include <liburing.h>
#include <sys/mman.h>
#endif

namespace {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

enum class State { kHead, kChunkSize, kChunkData, kChunkCrlf, kLength, kTrailer };

struct Conn {
  int fd = -1;
  State st = State::kHead;
  std::string head;      // response head being assembled
  size_t remaining = 0;  // bytes left in the current chunk / Content-Length body
  std::string size_line;
  bool chunked = false;
  char prev = 0;  // last decoded body byte (an SSE boundary "\n\n" may straddle reads)
  int64_t sent_ns = 0;
  int64_t first_ns = 0;
  int64_t last_ns = 0;
  uint32_t events = 0;
};

struct Totals {
  uint64_t requests = 0;
  uint64_t events = 0;
};

class Client {
 public:
  Client(int port, int conns, uint64_t requests, bool stream, int max_tokens, FILE* timings,
         double rate, bool kernel_stamps)
      : port_(port),
        nconn_(conns),
        target_(requests),
        timings_(timings),
        rate_(rate),
        kernel_stamps_(kernel_stamps) {
    std::string body =
        std::string("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",") +
        "\"content\":\"hello there\"}],\"max_tokens\":" + std::to_string(max_tokens) +
        (stream ? ",\"stream\":true" : "") + "}";
    request_ =
        "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Content-Type: application/json\r\nContent-Length: " +
        std::to_string(body.size()) + "\r\n\r\n" + body;
  }
  int run();
#ifdef FLOOR_URING
  int run_uring();
#endif
  const Totals& totals() const {
    return totals_;
  }
  std::vector<int64_t>& lateness() {
    return lateness_;
  }

 private:
  bool open_conn(Conn& c);
  void send_request(Conn& c);
  void on_read(Conn& c);
  void consume(Conn& c, const char* p, size_t left, int64_t t);
  void body_bytes(Conn& c, const char* p, size_t n, int64_t t);
  void end_response(Conn& c);
  void on_timer();
  void arm_timer();
  void start_sending();
  void release_due();  // the requests whose time has come, on free connections
  int64_t due_time(uint64_t i) const {
    return t0_ + int64_t(double(i) * 1e9 / rate_);
  }
  void send_due(Conn& c);
#ifdef FLOOR_URING
  void queue_send(Conn& c);
  void arm_recv(size_t idx);
  void arm_uring_timer();
  bool on_cqe(const io_uring_cqe* cqe);
  static constexpr uint64_t kTimerTag = uint64_t(1) << 62;
  static constexpr uint64_t kSendTag = uint64_t(1) << 61;
  static constexpr unsigned kBufs = 1024;
  static constexpr unsigned kBufSize = 16384;
  io_uring ring_{};
  io_uring_buf_ring* br_ = nullptr;
  std::vector<char> bufs_;
  __kernel_timespec due_ts_{};

 public:
  bool uring_ = false;

 private:
#endif

  int port_, nconn_;
  uint64_t target_;
  uint64_t issued_ = 0;
  FILE* timings_;
  double rate_;              // requests per second; 0: closed loop
  bool kernel_stamps_;       // stamp reads with the kernel's arrival time (rx_stamp.h)
  int tfd_ = -1;             // the schedule's timerfd (rate mode)
  int64_t t0_ = 0;           // the schedule's start
  uint64_t due_ = 0;         // requests whose time has come (rate mode)
  std::vector<Conn*> idle_;  // free connections (rate mode)
  std::vector<int64_t> lateness_;
  std::string request_;
  int ep_ = -1;
  std::vector<Conn> conns_;
  Totals totals_;
  int open_ = 0;
};

bool Client::open_conn(Conn& c) {
  // A blocking connect (loopback: the handshake completes in the kernel), then non-blocking
  // I/O: the first request is written at once, never spinning on a socket still connecting.
  c.fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (kernel_stamps_) enable_rx_stamps(c.fd);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port_));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("floor_client: connect");
    return false;
  }
  fcntl(c.fd, F_SETFL, fcntl(c.fd, F_GETFL) | O_NONBLOCK);
  ++open_;
#ifdef FLOOR_URING
  if (uring_) return true;
#endif
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = &c;
  epoll_ctl(ep_, EPOLL_CTL_ADD, c.fd, &ev);
  return true;
}

void Client::send_request(Conn& c) {
  ++issued_;
  c.st = State::kHead;
  c.head.clear();
  c.prev = 0;
  c.events = 0;
  c.first_ns = c.last_ns = 0;
  c.sent_ns = now_ns();
#ifdef FLOOR_URING
  if (uring_) {
    queue_send(c);
    return;
  }
#endif
  // A small request fits the socket buffer: one write (a blocking wait would only hide a bug).
  size_t off = 0;
  while (off < request_.size()) {
    ssize_t n = write(c.fd, request_.data() + off, request_.size() - off);
    if (n > 0) {
      off += size_t(n);
    } else if (errno != EAGAIN && errno != EINTR) {
      std::perror("floor_client: write");
      std::exit(1);
    }
  }
}

int Client::run() {
  ep_ = epoll_create1(0);
  conns_.resize(size_t(nconn_));
  for (auto& c : conns_) {
    if (!open_conn(c)) return 1;
  }
  if (rate_ > 0) {
    tfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // the timer; connections carry their Conn
    epoll_ctl(ep_, EPOLL_CTL_ADD, tfd_, &ev);
  }
  start_sending();
  std::vector<epoll_event> evs(1024);
  while (totals_.requests < target_) {
    int n = epoll_wait(ep_, evs.data(), int(evs.size()), 10'000);
    if (n == 0) {
      std::fprintf(stderr, "floor_client: no progress for 10 s\n");
      return 1;
    }
    for (int i = 0; i < n; ++i) {
      if (evs[i].data.ptr == nullptr) {
        on_timer();
      } else {
        on_read(*static_cast<Conn*>(evs[i].data.ptr));
      }
    }
  }
  return 0;
}

// Due time of request i: t0 + i / rate.
void Client::arm_timer() {
  if (due_ >= target_) return;
  const int64_t t = t0_ + int64_t(double(due_) * 1e9 / rate_);
  itimerspec its{};
  its.it_value.tv_sec = t / 1'000'000'000;
  its.it_value.tv_nsec = t % 1'000'000'000;
  timerfd_settime(tfd_, TFD_TIMER_ABSTIME, &its, nullptr);
}

void Client::on_timer() {
  uint64_t expirations;
  while (read(tfd_, &expirations, sizeof expirations) > 0) {
  }
  release_due();
  arm_timer();
}

// Closed loop: a request on every connection. Rate mode: the schedule starts in 1 ms.
void Client::start_sending() {
  if (rate_ <= 0) {
    for (auto& c : conns_) {
      if (issued_ < target_) send_request(c);
    }
    return;
  }
  for (auto& c : conns_) idle_.push_back(&c);
  lateness_.reserve(target_);
  t0_ = now_ns() + 1'000'000;
#ifdef FLOOR_URING
  if (uring_) {
    arm_uring_timer();
    return;
  }
#endif
  arm_timer();
}

void Client::release_due() {
  const int64_t now = now_ns();
  while (due_ < target_ && due_time(due_) <= now) ++due_;
  while (issued_ < due_ && !idle_.empty()) {
    Conn* c = idle_.back();
    idle_.pop_back();
    send_due(*c);
  }
}

void Client::send_due(Conn& c) {
  const int64_t due = due_time(issued_);
  send_request(c);
  lateness_.push_back(c.sent_ns - due);
}

#ifdef FLOOR_URING
io_uring_sqe* get_sqe(io_uring* ring) {
  io_uring_sqe* sqe = io_uring_get_sqe(ring);
  if (!sqe) {  // full: hand what is queued to the kernel
    io_uring_submit(ring);
    sqe = io_uring_get_sqe(ring);
  }
  return sqe;
}

void Client::queue_send(Conn& c) {
  io_uring_sqe* sqe = get_sqe(&ring_);
  io_uring_prep_send(sqe, c.fd, request_.data(), request_.size(), 0);
  io_uring_sqe_set_data64(sqe, kSendTag | uint64_t(&c - conns_.data()));
}

void Client::arm_recv(size_t idx) {
  io_uring_sqe* sqe = get_sqe(&ring_);
  io_uring_prep_recv_multishot(sqe, conns_[idx].fd, nullptr, 0, 0);
  sqe->flags |= IOSQE_BUFFER_SELECT;
  sqe->buf_group = 0;
  io_uring_sqe_set_data64(sqe, idx);
}

void Client::arm_uring_timer() {
  if (due_ >= target_) return;
  const int64_t t = due_time(due_);
  due_ts_.tv_sec = t / 1'000'000'000;
  due_ts_.tv_nsec = t % 1'000'000'000;
  io_uring_sqe* sqe = get_sqe(&ring_);
  io_uring_prep_timeout(sqe, &due_ts_, 0, IORING_TIMEOUT_ABS);
  io_uring_sqe_set_data64(sqe, kTimerTag);
}

// One completion; false on a failure that ends the run.
bool Client::on_cqe(const io_uring_cqe* cqe) {
  const uint64_t tag = io_uring_cqe_get_data64(cqe);
  if (tag == kTimerTag) {
    release_due();
    arm_uring_timer();
    return true;
  }
  if (tag & kSendTag) {
    if (cqe->res != int(request_.size())) {
      std::fprintf(stderr, "floor_client: send returned %d\n", cqe->res);
      return false;
    }
    return true;
  }
  const size_t idx = size_t(tag);
  if (cqe->res == -ENOBUFS) {  // every buffer in use: re-arm once some come back
    arm_recv(idx);
    return true;
  }
  if (cqe->res <= 0) {
    std::fprintf(stderr, "floor_client: receive returned %d\n", cqe->res);
    return false;
  }
  const unsigned bid = cqe->flags >> IORING_CQE_BUFFER_SHIFT;
  char* buf = bufs_.data() + size_t(bid) * kBufSize;
  consume(conns_[idx], buf, size_t(cqe->res), now_ns());
  io_uring_buf_ring_add(br_, buf, kBufSize, uint16_t(bid), io_uring_buf_ring_mask(kBufs), 0);
  io_uring_buf_ring_advance(br_, 1);
  if (!(cqe->flags & IORING_CQE_F_MORE)) arm_recv(idx);
  return true;
}

int Client::run_uring() {
  io_uring_params p{};
  p.flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN;
  if (int rc = io_uring_queue_init_params(4096, &ring_, &p); rc < 0) {
    std::fprintf(stderr, "floor_client: io_uring_queue_init: %s\n", std::strerror(-rc));
    return 1;
  }
  const size_t ring_bytes = sizeof(io_uring_buf) * kBufs;
  void* mem = mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_PRIVATE, -1, 0);
  br_ = static_cast<io_uring_buf_ring*>(mem);
  io_uring_buf_reg reg{};
  reg.ring_addr = uint64_t(reinterpret_cast<uintptr_t>(br_));
  reg.ring_entries = kBufs;
  reg.bgid = 0;
  if (int rc = io_uring_register_buf_ring(&ring_, &reg, 0); rc < 0) {
    std::fprintf(stderr, "floor_client: io_uring_register_buf_ring: %s\n", std::strerror(-rc));
    return 1;
  }
  io_uring_buf_ring_init(br_);
  bufs_.resize(size_t(kBufs) * kBufSize);
  for (unsigned i = 0; i < kBufs; ++i) {
    io_uring_buf_ring_add(br_, bufs_.data() + size_t(i) * kBufSize, kBufSize, uint16_t(i),
                          io_uring_buf_ring_mask(kBufs), int(i));
  }
  io_uring_buf_ring_advance(br_, int(kBufs));
  conns_.resize(size_t(nconn_));
  for (size_t i = 0; i < conns_.size(); ++i) {
    if (!open_conn(conns_[i])) return 1;
    arm_recv(i);
  }
  start_sending();
  while (totals_.requests < target_) {
    __kernel_timespec limit{10, 0};
    io_uring_cqe* first = nullptr;
    int rc = io_uring_submit_and_wait_timeout(&ring_, &first, 1, &limit, nullptr);
    if (rc == -ETIME) {
      std::fprintf(stderr, "floor_client: no progress for 10 s\n");
      return 1;
    }
    if (rc < 0 && rc != -EINTR) {
      std::fprintf(stderr, "floor_client: io_uring_submit_and_wait: %s\n", std::strerror(-rc));
      return 1;
    }
    unsigned head, seen = 0;
    io_uring_cqe* cqe;
    bool ok = true;
    io_uring_for_each_cqe(&ring_, head, cqe) {
      ++seen;
      if (!on_cqe(cqe)) ok = false;
    }
    io_uring_cq_advance(&ring_, seen);
    if (!ok) return 1;
  }
  return 0;
}
#endif

void Client::on_read(Conn& c) {
  char buf[65536];
  for (;;) {
    int64_t t = 0;  // one stamp per read, as aiperf stamps
    ssize_t n = kernel_stamps_ ? read_stamped(c.fd, buf, sizeof buf, c.sent_ns, &t)
                               : read(c.fd, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && errno == EAGAIN) return;
      std::fprintf(stderr, "floor_client: server closed a connection\n");
      std::exit(1);
    }
    if (!kernel_stamps_) t = now_ns();
    consume(c, buf, size_t(n), t);
    if (size_t(n) < sizeof buf) return;  // drained
  }
}

void Client::consume(Conn& c, const char* p, size_t left, int64_t t) {
  while (left > 0) {
    switch (c.st) {
      case State::kHead: {
        size_t before = c.head.size();
        c.head.append(p, left);
        size_t end = c.head.find("\r\n\r\n");
        if (end == std::string::npos) {
          left = 0;
          break;
        }
        size_t used = end + 4 - before;
        p += used;
        left -= used;
        c.chunked = c.head.find("chunked") != std::string::npos;
        if (c.chunked) {
          c.st = State::kChunkSize;
          c.size_line.clear();
        } else {
          size_t cl = c.head.find("Content-Length:");
          c.remaining = cl == std::string::npos ? 0 : std::strtoul(&c.head[cl + 15], nullptr, 10);
          c.st = State::kLength;
          if (c.remaining == 0) end_response(c);
        }
        break;
      }
      case State::kChunkSize: {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', left));
        size_t take = nl ? size_t(nl - p) + 1 : left;
        c.size_line.append(p, take);
        p += take;
        left -= take;
        if (!nl) break;
        c.remaining = std::strtoul(c.size_line.c_str(), nullptr, 16);
        c.size_line.clear();
        c.st = c.remaining ? State::kChunkData : State::kTrailer;
        break;
      }
      case State::kChunkData:
      case State::kLength: {
        size_t take = std::min(left, c.remaining);
        body_bytes(c, p, take, t);
        p += take;
        left -= take;
        c.remaining -= take;
        if (c.remaining == 0) {
          if (c.st == State::kLength) {
            end_response(c);
          } else {
            c.st = State::kChunkCrlf;
            c.size_line.clear();
          }
        }
        break;
      }
      case State::kChunkCrlf:
      case State::kTrailer: {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', left));
        size_t take = nl ? size_t(nl - p) + 1 : left;
        p += take;
        left -= take;
        if (!nl) break;
        if (c.st == State::kChunkCrlf) {
          c.st = State::kChunkSize;
        } else {
          end_response(c);  // the empty line after the last chunk ("0\r\n\r\n")
        }
        break;
      }
    }
  }
}

void Client::body_bytes(Conn& c, const char* p, size_t n, int64_t t) {
  uint32_t ev = 0;
  for (size_t i = 0; i < n; ++i) {
    if (p[i] == '\n' && c.prev == '\n') ++ev;
    c.prev = p[i];
  }
  if (!ev) return;
  if (!c.first_ns) c.first_ns = t;
  c.last_ns = t;
  c.events += ev;
}

void Client::end_response(Conn& c) {
  ++totals_.requests;
  uint32_t content = c.events > 0 ? c.events - 1 : 0;  // the final [DONE] is not a token
  totals_.events += content ? content : 1;
  if (timings_ && c.first_ns) {
    double itl = content > 1 ? double(c.last_ns - c.first_ns) / double(content - 1) : 0.0;
    std::fprintf(timings_, "%lld %.0f %u\n", (long long)(c.first_ns - c.sent_ns), itl, content);
  }
  if (rate_ > 0) {
    if (issued_ < due_) {
      send_due(c);  // a request due while every connection was busy
    } else {
      idle_.push_back(&c);
    }
  } else if (issued_ < target_) {
    send_request(c);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int port = 0, conns = 64, stream = 1, max_tokens = 100;
  uint64_t requests = 1000;
  double rate = 0;
  int kernel_stamps = 0;
  const char* timings_path = nullptr;
  std::string io = "epoll";
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    if (k == "--port")
      port = std::atoi(argv[i + 1]);
    else if (k == "--connections")
      conns = std::atoi(argv[i + 1]);
    else if (k == "--requests")
      requests = std::strtoull(argv[i + 1], nullptr, 10);
    else if (k == "--stream")
      stream = std::atoi(argv[i + 1]);
    else if (k == "--max-tokens")
      max_tokens = std::atoi(argv[i + 1]);
    else if (k == "--timings")
      timings_path = argv[i + 1];
    else if (k == "--rate")
      rate = std::atof(argv[i + 1]);
    else if (k == "--kernel-stamps")
      kernel_stamps = std::atoi(argv[i + 1]);
    else if (k == "--io")
      io = argv[i + 1];
    else {
      std::fprintf(stderr, "floor_client: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (port <= 0 || conns <= 0) {
    std::fprintf(stderr,
                 "usage: floor_client --port P --connections C --requests N "
                 "[--stream 0|1] [--max-tokens N] [--timings FILE] [--rate R] "
                 "[--kernel-stamps 0|1] [--io epoll|uring]\n");
    return 2;
  }
  FILE* timings = timings_path ? std::fopen(timings_path, "w") : nullptr;
  int64_t t0 = now_ns();
  Client cl(port, conns, requests, stream != 0, max_tokens, timings, rate, kernel_stamps != 0);
  int rc;
  if (io == "epoll") {
    rc = cl.run();
#ifdef FLOOR_URING
  } else if (io == "uring") {
    cl.uring_ = true;
    rc = cl.run_uring();
#endif
  } else {
    std::fprintf(stderr, "floor_client: --io %s is not built in (epoll%s)\n", io.c_str(),
#ifdef FLOOR_URING
                 ", uring"
#else
                 "; uring needs liburing-dev"
#endif
    );
    return 2;
  }
  double wall = double(now_ns() - t0) / 1e9;
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  double cpu = double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
               double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
  if (timings) std::fclose(timings);
  std::printf("{\"requests\": %llu, \"events\": %llu, \"wall_s\": %.3f, \"cpu_s\": %.4f",
              (unsigned long long)cl.totals().requests, (unsigned long long)cl.totals().events,
              wall, cpu);
  auto& late = cl.lateness();
  if (!late.empty()) {
    std::sort(late.begin(), late.end());
    auto at = [&](double q) { return double(late[size_t(q * double(late.size() - 1))]) / 1e3; };
    std::printf(", \"lateness_p50_us\": %.1f, \"lateness_p99_us\": %.1f, \"lateness_max_us\": %.1f",
                at(0.5), at(0.99), at(1.0));
  }
  std::printf("}\n");
  return rc;
}
