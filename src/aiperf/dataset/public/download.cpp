#include "aiperf/dataset/public/download.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace aiperf::dataset {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// One plain-HTTP GET; fills status, location and body.
std::string http_get(const std::string& url, int& status, std::string& location,
                     std::string& body) {
  std::string rest = url.substr(7);
  size_t slash = rest.find('/');
  std::string hostport = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "/" : rest.substr(slash);
  std::string host = hostport, port = "80";
  if (size_t colon = hostport.rfind(':'); colon != std::string::npos) {
    host = hostport.substr(0, colon);
    port = hostport.substr(colon + 1);
  }
  addrinfo hints{}, *res = nullptr;
  hints.ai_socktype = SOCK_STREAM;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return std::string("cannot resolve ") + host + ": " + gai_strerror(rc);
  }
  int fd = -1;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;
    if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  if (fd < 0) return "cannot connect to " + hostport;
  std::string req = "GET " + path + " HTTP/1.1\r\nHost: " + hostport +
                    "\r\nUser-Agent: aiperf-cpp\r\nAccept-Encoding: identity\r\nConnection: "
                    "close\r\n\r\n";
  for (size_t off = 0; off < req.size();) {
    ssize_t n = send(fd, req.data() + off, req.size() - off, MSG_NOSIGNAL);
    if (n <= 0) {
      close(fd);
      return "cannot send the request";
    }
    off += size_t(n);
  }
  std::string raw;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n < 0) {
      close(fd);
      return "connection failed while reading";
    }
    if (n == 0) break;
    raw.append(buf, size_t(n));
  }
  close(fd);
  size_t end = raw.find("\r\n\r\n");
  if (end == std::string::npos || raw.compare(0, 5, "HTTP/") != 0) return "bad HTTP response";
  status = std::atoi(raw.c_str() + raw.find(' ') + 1);
  bool chunked = false;
  std::string content_length;
  for (size_t p = raw.find("\r\n") + 2; p < end;) {
    size_t eol = raw.find("\r\n", p);
    std::string line = raw.substr(p, eol - p);
    p = eol + 2;
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string k = lower(line.substr(0, colon));
    std::string v = line.substr(std::min(line.size(), line.find_first_not_of(' ', colon + 1)));
    if (k == "location") location = v;
    if (k == "transfer-encoding" && lower(v).find("chunked") != std::string::npos) chunked = true;
    if (k == "content-length") content_length = v;
  }
  body = raw.substr(end + 4);
  if (chunked) {
    std::string out;
    size_t p = 0;
    for (;;) {
      size_t eol = body.find("\r\n", p);
      if (eol == std::string::npos) return "truncated chunked response";
      size_t n = std::strtoul(body.substr(p, eol - p).c_str(), nullptr, 16);
      p = eol + 2;
      if (n == 0) break;
      if (p + n > body.size()) return "truncated chunked response";
      out.append(body, p, n);
      p += n + 2;
    }
    body = std::move(out);
  } else if (!content_length.empty() &&
             std::strtoull(content_length.c_str(), nullptr, 10) != body.size()) {
    return "truncated response";
  }
  return "";
}

}  // namespace

std::string download_to_file(const std::string& url, const std::string& path) {
  const std::string part = path + ".part";
  std::string current = url;
  for (int hop = 0; hop < 6; ++hop) {
    if (current.rfind("https://", 0) == 0) {
      if (std::system("command -v curl >/dev/null 2>&1") != 0) {
        return "https downloads need the curl program, which is not installed";
      }
      std::string cmd = "curl -fsSL --retry 2 -o '" + part + "' '" + current + "' 2>/dev/null";
      if (current.find('\'') != std::string::npos || part.find('\'') != std::string::npos) {
        return "URL or path contains a quote";
      }
      int rc = std::system(cmd.c_str());
      if (rc != 0) return "curl exited with status " + std::to_string(WEXITSTATUS(rc));
      break;
    }
    if (current.rfind("http://", 0) != 0) return "unsupported URL scheme in " + current;
    int status = 0;
    std::string location, body;
    if (std::string err = http_get(current, status, location, body); !err.empty()) return err;
    if (status >= 300 && status < 400 && !location.empty()) {
      if (location.front() == '/') {
        size_t s = current.find('/', 7);
        location = current.substr(0, s) + location;
      }
      current = location;
      continue;
    }
    if (status != 200) return "HTTP status " + std::to_string(status);
    std::ofstream f(part, std::ios::binary);
    f.write(body.data(), std::streamsize(body.size()));
    if (!f) return "cannot write " + part;
    break;
  }
  std::error_code ec;
  if (!std::filesystem::exists(part, ec)) return "too many redirects";
  std::filesystem::rename(part, path, ec);
  if (ec) return "cannot rename " + part + ": " + ec.message();
  return "";
}

}  // namespace aiperf::dataset
