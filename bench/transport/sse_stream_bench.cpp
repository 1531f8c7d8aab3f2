// Client CPU per streamed SSE event over loopback: HttpClient + response parser + SSE framer,
// nothing else (no JSON, no metrics). A blocking server thread streams `events` chunked SSE
// events to each of `concurrency` kept-alive connections, one event per connection per round.
// Prints the client thread's CPU time per event and per request.
//
// Build and run: bench/transport/run.sh [concurrency] [events] [rounds]
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/common/clock.h"
#include "aiperf/transport/http_client.h"

using namespace aiperf;
using namespace aiperf::transport;

namespace {

bool read_request(int fd, std::string& buf) {
  while (true) {
    size_t he = buf.find("\r\n\r\n");
    if (he != std::string::npos) {
      size_t p = buf.find("Content-Length: ");
      size_t cl = p != std::string::npos && p < he ? std::stoul(buf.substr(p + 16)) : 0;
      if (buf.size() >= he + 4 + cl) {
        buf.erase(0, he + 4 + cl);
        return true;
      }
    }
    char tmp[8192];
    ssize_t n = ::read(fd, tmp, sizeof tmp);
    if (n <= 0) return false;
    buf.append(tmp, size_t(n));
  }
}

void write_all(int fd, const std::string& s) {
  size_t off = 0;
  while (off < s.size()) {
    ssize_t n = ::send(fd, s.data() + off, s.size() - off, MSG_NOSIGNAL);
    if (n <= 0) return;
    off += size_t(n);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int conc = argc > 1 ? std::atoi(argv[1]) : 100;
  int events = argc > 2 ? std::atoi(argv[2]) : 100;
  int rounds = argc > 3 ? std::atoi(argv[3]) : 5;

  int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(lfd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::listen(lfd, 4096);
  socklen_t len = sizeof a;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&a), &len);
  int port = ntohs(a.sin_port);

  std::string event =
      "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
      "\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token\"},"
      "\"finish_reason\":null}]}\n\n";
  char hex[32];
  snprintf(hex, sizeof hex, "%zx\r\n", event.size());
  std::string chunk = hex + event + "\r\n";
  const std::string head =
      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";

  std::thread server([&] {
    std::vector<int> fds;
    std::vector<std::string> bufs(static_cast<size_t>(conc));
    for (int i = 0; i < conc; ++i) {
      int fd = ::accept(lfd, nullptr, nullptr);
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      fds.push_back(fd);
    }
    for (int r = 0; r < rounds; ++r) {
      for (int i = 0; i < conc; ++i)
        if (!read_request(fds[size_t(i)], bufs[size_t(i)])) return;
      for (int i = 0; i < conc; ++i) write_all(fds[size_t(i)], head);
      for (int e = 0; e < events; ++e)
        for (int fd : fds) write_all(fd, chunk);
      for (int fd : fds) write_all(fd, "0\r\n\r\n");
    }
    for (int fd : fds) ::close(fd);
  });

  EventLoop loop;
  ClientOptions o;
  o.urls.push_back(*parse_url("http://127.0.0.1:" + std::to_string(port)));
  o.request_timeout_ns = 60'000'000'000;
  HttpClient client(loop, o);
  std::string body = "{\"model\":\"m\",\"stream\":true}";
  HttpRequest req;
  req.target = "/v1/chat/completions";
  req.header_lines = "Content-Type: application/json\r\nAccept: text/event-stream\r\n";
  req.body = body;

  uint64_t total_events = 0, errors = 0;
  int64_t cpu = 0, wall = 0;
  for (int r = 0; r < rounds; ++r) {
    int done = 0;
    int64_t c0 = thread_cpu_ns(), w0 = mono_ns();
    for (int i = 0; i < conc; ++i)
      client.send(req, std::make_unique<record::RequestRecord>(),
                  [&](std::unique_ptr<record::RequestRecord> rec) {
                    ++done;
                    total_events += rec->events.size();
                    if (rec->error != record::ErrorKind::kNone) ++errors;
                  });
    while (done < conc) loop.run_once(100);
    if (r > 0) {  // round 0 includes connection set-up
      cpu += thread_cpu_ns() - c0;
      wall += mono_ns() - w0;
    }
  }
  server.join();
  uint64_t measured_events = total_events / uint64_t(rounds) * uint64_t(rounds - 1);
  double reqs = double(conc) * (rounds - 1);
  std::printf("concurrency %d, %d events/request, %d measured rounds, errors %llu\n", conc, events,
              rounds - 1, (unsigned long long)errors);
  std::printf("client CPU: %.2f us/event, %.1f us/request; wall %.1f ms\n",
              double(cpu) / 1e3 / double(measured_events), double(cpu) / 1e3 / reqs,
              double(wall) / 1e6);
  // Peak RSS of the whole process (the in-process server thread's share is small).
  if (FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof line, f))
      if (std::strncmp(line, "VmHWM:", 6) == 0) std::printf("peak RSS %s", line + 6);
    std::fclose(f);
  }
  return errors ? 1 : 0;
}
