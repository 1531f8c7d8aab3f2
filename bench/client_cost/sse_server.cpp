// A minimal OpenAI-shaped SSE server for client-cost benchmarks (issue 15): one thread, one
// epoll loop, keep-alive HTTP/1.1. Each POST whose body contains "stream":true gets a chunked
// text/event-stream of --events chat-completion chunks then `data: [DONE]`, --events-per-send
// events per write() (one HTTP chunk each); any other POST gets a small chat.completion JSON.
// With --ttft-us/--itl-us the sends are paced from the request's arrival (a timerfd and a heap);
// without them every send goes out as fast as the socket takes it.
//
//   sse_server --port P [--events 100] [--events-per-send 1] [--ttft-us 0] [--itl-us 0]
//              [--log FILE]
//
// --log writes one line per streamed response, the server's ground truth for accuracy checks:
// "arrival_ns first_send_ns last_send_ns events" (CLOCK_MONOTONIC; arrival = the request was
// complete in the server's buffer, first/last = the write() of the first and last event).
//
// It does only what a server must to keep a client busy: it is the fixed side of the
// comparison between aiperf and bench/client_cost/floor_client.cpp.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <queue>
#include <string>
#include <vector>

#include "rx_stamp.h"

namespace {

int64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

struct Options {
  int port = 0;
  int events = 100;
  int per_send = 1;
  int64_t ttft_ns = 0;
  int64_t itl_ns = 0;
  const char* log = nullptr;
};

struct Conn {
  int fd = -1;
  std::string in;
  std::string out;     // bytes not yet written
  size_t out_off = 0;  // written prefix of `out`
  int events_left = 0;
  bool streaming = false;
  bool done_sent = false;  // [DONE] and the last chunk are queued
  uint64_t gen = 0;        // bumps when the connection closes (stale heap entries)
  int64_t read_ns = 0;     // --log: the kernel's arrival stamp of the last read
  int64_t arrival_ns = 0;  // --log: the request was complete
  int64_t first_ns = 0;    // --log: the first event's write
};

const char kEvent[] =
    "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
    "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok\"},"
    "\"finish_reason\":null}]}\n\n";
const char kDone[] = "data: [DONE]\n\n";
const char kStreamHead[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
    "Connection: keep-alive\r\n\r\n";
const char kJsonBody[] =
    "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"m\","
    "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hello world\"},"
    "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,"
    "\"total_tokens\":7}}";

class Server {
 public:
  explicit Server(const Options& o) : o_(o) {}
  int run();

 private:
  using Due = std::pair<int64_t, std::pair<int, uint64_t>>;  // (deadline, (fd, gen))

  void accept_all();
  void on_readable(Conn& c);
  bool parse_request(Conn& c);  // false: need more bytes
  void queue_send(Conn& c);     // appends the next HTTP chunk of events
  void flush(Conn& c);
  void close_conn(Conn& c);
  void schedule(Conn& c, int64_t at);
  void on_timer();
  void arm_timer();

  Options o_;
  FILE* log_ = nullptr;
  int ep_ = -1, lfd_ = -1, tfd_ = -1;
  std::vector<Conn> conns_;
  std::priority_queue<Due, std::vector<Due>, std::greater<Due>> heap_;
};

void set_nonblock(int fd) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

int Server::run() {
  signal(SIGPIPE, SIG_IGN);
  if (o_.log) {
    log_ = std::fopen(o_.log, "w");
    if (!log_) {
      std::perror("sse_server: --log");
      return 1;
    }
    setvbuf(log_, nullptr, _IOLBF, 0);  // complete lines survive the kill that stops us
  }
  lfd_ = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(o_.port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || listen(lfd_, 4096) != 0) {
    std::perror("sse_server: bind/listen");
    return 1;
  }
  set_nonblock(lfd_);
  ep_ = epoll_create1(0);
  tfd_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = lfd_;
  epoll_ctl(ep_, EPOLL_CTL_ADD, lfd_, &ev);
  ev.data.fd = tfd_;
  epoll_ctl(ep_, EPOLL_CTL_ADD, tfd_, &ev);
  std::vector<epoll_event> evs(1024);
  for (;;) {
    int n = epoll_wait(ep_, evs.data(), int(evs.size()), -1);
    for (int i = 0; i < n; ++i) {
      int fd = evs[i].data.fd;
      if (fd == lfd_) {
        accept_all();
      } else if (fd == tfd_) {
        on_timer();
      } else if (size_t(fd) < conns_.size() && conns_[fd].fd == fd) {
        Conn& c = conns_[fd];
        if (evs[i].events & (EPOLLERR | EPOLLHUP)) {
          close_conn(c);
          continue;
        }
        if (evs[i].events & EPOLLOUT) flush(c);
        if (c.fd >= 0 && (evs[i].events & EPOLLIN)) on_readable(c);
      }
    }
  }
}

void Server::accept_all() {
  for (;;) {
    int fd = accept4(lfd_, nullptr, nullptr, SOCK_NONBLOCK);
    if (fd < 0) return;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (log_) enable_rx_stamps(fd);
    if (size_t(fd) >= conns_.size()) conns_.resize(size_t(fd) + 1);
    Conn& c = conns_[fd];
    uint64_t gen = c.gen;
    c = Conn{};
    c.fd = fd;
    c.gen = gen + 1;
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT | EPOLLET;
    ev.data.fd = fd;
    epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  }
}

void Server::on_readable(Conn& c) {
  char buf[16384];
  for (;;) {
    int64_t t = 0;
    ssize_t n = log_ ? read_stamped(c.fd, buf, sizeof buf, 0, &t) : read(c.fd, buf, sizeof buf);
    if (n > 0) {
      c.in.append(buf, size_t(n));
      c.read_ns = t;
      continue;
    }
    if (n == 0 || errno != EAGAIN) {
      close_conn(c);
      return;
    }
    break;
  }
  while (c.fd >= 0 && c.events_left == 0 && !c.streaming && parse_request(c)) {
  }
}

bool Server::parse_request(Conn& c) {
  size_t end = c.in.find("\r\n\r\n");
  if (end == std::string::npos) return false;
  size_t body_len = 0;
  for (const char* name : {"Content-Length:", "content-length:"}) {
    size_t p = c.in.find(name);
    if (p != std::string::npos && p < end)
      body_len = std::strtoul(c.in.c_str() + p + 15, nullptr, 10);
  }
  if (c.in.size() < end + 4 + body_len) return false;
  std::string_view body(c.in.data() + end + 4, body_len);
  bool stream = body.find("\"stream\":true") != std::string_view::npos ||
                body.find("\"stream\": true") != std::string_view::npos;
  c.in.erase(0, end + 4 + body_len);
  if (!stream) {
    char head[160];
    int n = std::snprintf(head, sizeof head,
                          "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n",
                          sizeof kJsonBody - 1);
    c.out.append(head, size_t(n));
    c.out.append(kJsonBody, sizeof kJsonBody - 1);
    flush(c);
    return c.fd >= 0;
  }
  c.streaming = true;
  c.arrival_ns = c.read_ns;
  c.first_ns = 0;
  c.events_left = o_.events;
  c.done_sent = false;
  c.out.append(kStreamHead, sizeof kStreamHead - 1);
  if (o_.ttft_ns > 0 || o_.itl_ns > 0) {
    flush(c);
    if (c.fd >= 0) schedule(c, now_ns() + o_.ttft_ns);
    return false;
  }
  while (c.fd >= 0 && c.streaming && c.out.size() - c.out_off < (1u << 16)) {
    queue_send(c);
    flush(c);
  }
  return false;
}

void Server::queue_send(Conn& c) {
  std::string payload;
  int k = std::min(o_.per_send, c.events_left);
  for (int i = 0; i < k; ++i) payload.append(kEvent, sizeof kEvent - 1);
  c.events_left -= k;
  bool last = c.events_left == 0;
  if (last) payload.append(kDone, sizeof kDone - 1);
  char size[32];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", payload.size());
  c.out.append(size, size_t(n));
  c.out += payload;
  c.out += "\r\n";
  if (log_) {
    const int64_t t = now_ns();  // the write follows at once (flush)
    if (!c.first_ns) c.first_ns = t;
    if (last)
      std::fprintf(log_, "%lld %lld %lld %d\n", (long long)c.arrival_ns, (long long)c.first_ns,
                   (long long)t, o_.events);
  }
  if (last) {
    c.out += "0\r\n\r\n";
    c.streaming = false;
  }
}

void Server::flush(Conn& c) {
  while (c.out_off < c.out.size()) {
    ssize_t n = write(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off);
    if (n > 0) {
      c.out_off += size_t(n);
      continue;
    }
    if (n < 0 && errno == EAGAIN) return;
    close_conn(c);
    return;
  }
  c.out.clear();
  c.out_off = 0;
  // Unpaced streams refill as soon as the socket takes more; a finished response lets the next
  // pipelined request through.
  if (c.streaming && o_.ttft_ns == 0 && o_.itl_ns == 0) {
    queue_send(c);
    flush(c);
  } else if (!c.streaming && !c.in.empty()) {
    while (c.fd >= 0 && !c.streaming && c.out.empty() && parse_request(c)) {
    }
  }
}

void Server::close_conn(Conn& c) {
  if (c.fd < 0) return;
  close(c.fd);
  c.fd = -1;
  c.in.clear();
  c.out.clear();
  c.out_off = 0;
  c.streaming = false;
  ++c.gen;
}

void Server::schedule(Conn& c, int64_t at) {
  bool earliest = heap_.empty() || at < heap_.top().first;
  heap_.push({at, {c.fd, c.gen}});
  if (earliest) arm_timer();
}

void Server::arm_timer() {
  itimerspec its{};
  if (!heap_.empty()) {
    int64_t at = std::max<int64_t>(heap_.top().first, 1);
    its.it_value.tv_sec = at / 1'000'000'000;
    its.it_value.tv_nsec = at % 1'000'000'000;
  }
  timerfd_settime(tfd_, TFD_TIMER_ABSTIME, &its, nullptr);
}

void Server::on_timer() {
  uint64_t ticks;
  (void)!read(tfd_, &ticks, sizeof ticks);
  int64_t now = now_ns();
  while (!heap_.empty() && heap_.top().first <= now) {
    auto [at, who] = heap_.top();
    heap_.pop();
    auto [fd, gen] = who;
    if (size_t(fd) >= conns_.size() || conns_[fd].fd != fd || conns_[fd].gen != gen) continue;
    Conn& c = conns_[fd];
    if (!c.streaming) continue;
    queue_send(c);
    flush(c);
    if (c.fd >= 0 && c.streaming) heap_.push({at + o_.itl_ns, {fd, gen}});
  }
  arm_timer();
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i];
    long long v = std::atoll(argv[i + 1]);
    if (k == "--port")
      o.port = int(v);
    else if (k == "--events")
      o.events = int(v);
    else if (k == "--events-per-send")
      o.per_send = int(v);
    else if (k == "--ttft-us")
      o.ttft_ns = v * 1000;
    else if (k == "--itl-us")
      o.itl_ns = v * 1000;
    else if (k == "--log")
      o.log = argv[i + 1];
    else {
      std::fprintf(stderr, "sse_server: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.port <= 0 || o.events <= 0 || o.per_send <= 0) {
    std::fprintf(stderr,
                 "usage: sse_server --port P [--events N] [--events-per-send K] "
                 "[--ttft-us T] [--itl-us I] [--log FILE]\n");
    return 2;
  }
  return Server(o).run();
}
