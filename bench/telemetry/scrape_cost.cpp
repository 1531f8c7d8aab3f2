// The cost of server-metrics scraping to the client (issue 12: "scraping 5 endpoints of ~2,000
// series every 333 ms adds < 2 % CPU to a run"). A forked child serves 5 Prometheus endpoints on
// 127.0.0.1, each ~2,000 sample lines (10 histogram families x 10 label sets x 17 lines, 200
// counters, 100 gauges) whose values change on every scrape; the parent runs the real
// ServerMetricsCollector against them for D seconds and reports its own CPU time (the server's
// is in the child), then the per-scrape parse cost alone.
//   scrape_cost [seconds=30] [endpoints=5] [interval_ms=333] [jsonl=0|1]
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "aiperf/common/clock.h"
#include "aiperf/telemetry/prom_parser.h"
#include "aiperf/telemetry/server_metrics.h"

using namespace aiperf;
using namespace aiperf::telemetry;

namespace {

std::string body(uint64_t gen, int endpoint) {
  std::string out;
  out.reserve(220000);
  char buf[256];
  const double bounds[] = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08,
                           0.1,   0.25,  0.5,  0.75, 1.0,  2.5,  5.0};
  for (int f = 0; f < 10; ++f) {
    std::snprintf(
        buf, sizeof buf,
        "# HELP bench:hist_%d_seconds A histogram.\n# TYPE bench:hist_%d_seconds histogram\n", f,
        f);
    out += buf;
    for (int l = 0; l < 10; ++l) {
      uint64_t cum = 0;
      for (int b = 0; b <= 14; ++b) {
        cum += (gen * uint64_t(b + 1) + uint64_t(l)) % 7;
        if (b < 14) {
          std::snprintf(
              buf, sizeof buf,
              "bench:hist_%d_seconds_bucket{engine=\"%d\",model_name=\"m\",le=\"%g\"} %llu.0\n", f,
              l, bounds[b], (unsigned long long)cum);
        } else {
          std::snprintf(
              buf, sizeof buf,
              "bench:hist_%d_seconds_bucket{engine=\"%d\",model_name=\"m\",le=\"+Inf\"} %llu.0\n",
              f, l, (unsigned long long)cum);
        }
        out += buf;
      }
      std::snprintf(buf, sizeof buf,
                    "bench:hist_%d_seconds_sum{engine=\"%d\",model_name=\"m\"} %.6f\n"
                    "bench:hist_%d_seconds_count{engine=\"%d\",model_name=\"m\"} %llu.0\n",
                    f, l, double(cum) * 0.037, f, l, (unsigned long long)cum);
      out += buf;
    }
  }
  for (int c = 0; c < 200; ++c) {
    std::snprintf(
        buf, sizeof buf,
        "# TYPE bench:counter_%d_total counter\nbench:counter_%d_total{endpoint=\"%d\"} %llu.0\n",
        c, c, endpoint, (unsigned long long)(gen * uint64_t(c + 1)));
    out += buf;
  }
  for (int g = 0; g < 100; ++g) {
    std::snprintf(buf, sizeof buf, "# TYPE bench:gauge_%d gauge\nbench:gauge_%d %.4f\n", g, g,
                  double((gen * 31 + uint64_t(g)) % 1000) / 10.0);
    out += buf;
  }
  return out;
}

void serve_connection(int c, int endpoint) {
  std::string req;
  char tmp[4096];
  uint64_t gen = 0;
  for (;;) {
    size_t end;
    while ((end = req.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = ::read(c, tmp, sizeof tmp);
      if (n <= 0) {
        ::close(c);
        return;
      }
      req.append(tmp, size_t(n));
    }
    req.erase(0, end + 4);
    std::string b = body(++gen, endpoint);
    std::string out =
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: " +
        std::to_string(b.size()) + "\r\n\r\n" + b;
    size_t off = 0;
    while (off < out.size()) {
      ssize_t n = ::send(c, out.data() + off, out.size() - off, MSG_NOSIGNAL);
      if (n <= 0) break;
      off += size_t(n);
    }
  }
}

[[noreturn]] void serve(const std::vector<int>& fds) {
  std::vector<std::thread> ts;
  for (size_t i = 0; i < fds.size(); ++i) {
    ts.emplace_back([fd = fds[i], i] {
      for (;;) {
        int c = ::accept(fd, nullptr, nullptr);
        if (c < 0) continue;
        std::thread(serve_connection, c, int(i)).detach();
      }
    });
  }
  for (auto& t : ts) t.join();
  std::exit(0);
}

double cpu_s() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 30.0;
  const int endpoints = argc > 2 ? std::atoi(argv[2]) : 5;
  const int interval_ms = argc > 3 ? std::atoi(argv[3]) : 333;
  const bool jsonl = argc > 4 && std::atoi(argv[4]) != 0;
  std::vector<int> fds, ports;
  for (int i = 0; i < endpoints; ++i) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::listen(fd, 16);
    fds.push_back(fd);
    ports.push_back(ntohs(a.sin_port));
  }
  pid_t child = fork();
  if (child == 0) serve(fds);
  for (int fd : fds) ::close(fd);

  std::string sample = body(1, 0);
  size_t lines = 0;
  for (char ch : sample) lines += ch == '\n';
  ServerMetricsSettings s;
  for (int p : ports) s.urls.push_back("http://127.0.0.1:" + std::to_string(p) + "/metrics");
  s.interval_ns = int64_t(interval_ms) * 1'000'000;
  if (jsonl) s.jsonl_path = "/tmp/aiperf_scrape_cost.jsonl";
  ServerMetricsCollector collector(s);
  const double c0 = cpu_s();
  const int64_t t0 = mono_ns();
  collector.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(int64_t(seconds * 1000)));
  collector.stop();
  const double cpu = cpu_s() - c0;
  const double wall = double(mono_ns() - t0) / 1e9;
  ServerMetricsReport rep = collector.report(Window{t0, mono_ns()}, 0, 0);
  uint64_t scrapes = 0;
  for (const auto& [url, info] : rep.endpoint_info) scrapes += info.total_fetches;
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  std::printf("endpoints %d x %zu lines (%zu KB) every %d ms, %.0f s%s\n", endpoints, lines,
              sample.size() / 1024, interval_ms, wall, jsonl ? ", JSONL on" : "");
  std::printf("scrapes: %llu (%.1f/s), series stored: %zu metrics\n", (unsigned long long)scrapes,
              double(scrapes) / wall, rep.metrics.size());
  std::printf("client CPU: %.3f s over %.1f s = %.2f %% of one core (%.0f us per scrape)\n", cpu,
              wall, 100.0 * cpu / wall, scrapes ? 1e6 * cpu / double(scrapes) : 0.0);
  // The parse alone, on this process's one thread.
  Exposition x;
  ParseError e;
  const int n = 300;
  double p0 = cpu_s();
  for (int i = 0; i < n; ++i)
    parse_exposition(body(uint64_t(i), 0), ExpositionFormat::kText, &x, &e);
  double with_gen = cpu_s() - p0;
  p0 = cpu_s();
  for (int i = 0; i < n; ++i) sample = body(uint64_t(i), 0);
  double gen_only = cpu_s() - p0;
  std::printf("parse: %.0f us per %zu-line scrape (%.0f MB/s)\n", 1e6 * (with_gen - gen_only) / n,
              lines, double(sample.size()) * n / (with_gen - gen_only) / 1e6);
  if (jsonl) std::remove(s.jsonl_path.c_str());
  return 0;
}
