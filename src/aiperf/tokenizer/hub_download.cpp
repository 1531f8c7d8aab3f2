// Hub downloads into the huggingface_hub cache layout, with a small blocking HTTP/1.1 client
// (cold path: a few files once per machine). HTTPS uses OpenSSL when the program links libssl
// (the aiperf binary does, through the transport stage); the symbols are weak so that this
// stage alone still links, and then only plain-http endpoints work.
#include <netdb.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hub.h"

#pragma weak TLS_client_method
#pragma weak SSL_CTX_new
#pragma weak SSL_CTX_free
#pragma weak SSL_CTX_set_default_verify_paths
#pragma weak SSL_CTX_set_verify
#pragma weak SSL_new
#pragma weak SSL_free
#pragma weak SSL_set_fd
#pragma weak SSL_ctrl
#pragma weak SSL_set1_host
#pragma weak SSL_connect
#pragma weak SSL_read
#pragma weak SSL_write
#pragma weak SSL_shutdown

namespace aiperf::tokenizer {
namespace fs = std::filesystem;

namespace {

struct Url {
  bool tls = false;
  std::string host;
  std::string port;
  std::string path;  // starts with '/'
};

bool parse_url(const std::string& url, Url& u) {
  size_t p;
  if (url.rfind("https://", 0) == 0) {
    u.tls = true;
    p = 8;
  } else if (url.rfind("http://", 0) == 0) {
    u.tls = false;
    p = 7;
  } else {
    return false;
  }
  size_t slash = url.find('/', p);
  std::string hostport = url.substr(p, slash == std::string::npos ? std::string::npos : slash - p);
  u.path = slash == std::string::npos ? "/" : url.substr(slash);
  size_t colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']') == std::string::npos) {
    u.host = hostport.substr(0, colon);
    u.port = hostport.substr(colon + 1);
  } else {
    u.host = hostport;
    u.port = u.tls ? "443" : "80";
  }
  return !u.host.empty();
}

struct Response {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return "";
  }
};

class Conn {
 public:
  ~Conn() {
    if (ssl_) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    if (ctx_) SSL_CTX_free(ctx_);
    if (fd_ >= 0) ::close(fd_);
  }
  // Returns "" or an error text.
  std::string open(const Url& u) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(u.host.c_str(), u.port.c_str(), &hints, &res);
    if (rc != 0) return std::string("cannot resolve host: ") + gai_strerror(rc);
    std::string err = "cannot connect";
    for (addrinfo* a = res; a; a = a->ai_next) {
      fd_ = ::socket(a->ai_family, a->ai_socktype, a->ai_protocol);
      if (fd_ < 0) continue;
      timeval tv{30, 0};
      setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
      if (::connect(fd_, a->ai_addr, a->ai_addrlen) == 0) {
        err.clear();
        break;
      }
      err = std::string("cannot connect: ") + std::strerror(errno);
      ::close(fd_);
      fd_ = -1;
    }
    freeaddrinfo(res);
    if (!err.empty()) return err;
    if (!u.tls) return "";
    if (!&SSL_new || !&TLS_client_method)
      return "https is not available in this build (libssl not linked); use an http HF_ENDPOINT";
    ctx_ = SSL_CTX_new(TLS_client_method());
    if (!ctx_) return "TLS setup failed";
    SSL_CTX_set_default_verify_paths(ctx_);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, u.host.c_str());
    SSL_set1_host(ssl_, u.host.c_str());
    if (SSL_connect(ssl_) != 1) return "TLS handshake with " + u.host + " failed";
    return "";
  }
  bool write_all(const std::string& s) {
    size_t off = 0;
    while (off < s.size()) {
      long n = ssl_ ? SSL_write(ssl_, s.data() + off, static_cast<int>(s.size() - off))
                    : ::write(fd_, s.data() + off, s.size() - off);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // One read: > 0 bytes, 0 at EOF, < 0 on an error (TLS peers that skip close_notify end with
  // an error; callers check Content-Length).
  long read_some(char* buf, size_t n) {
    return ssl_ ? SSL_read(ssl_, buf, static_cast<int>(n)) : ::read(fd_, buf, n);
  }
  bool tls() const { return ssl_ != nullptr; }

 private:
  int fd_ = -1;
  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
};

std::string lower(std::string s) {
  for (char& c : s)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return s;
}

bool dechunk(const std::string& in, std::string& out) {
  size_t p = 0;
  out.clear();
  while (true) {
    size_t eol = in.find("\r\n", p);
    if (eol == std::string::npos) return false;
    size_t n = std::strtoul(in.substr(p, eol - p).c_str(), nullptr, 16);
    p = eol + 2;
    if (n == 0) return true;
    if (p + n > in.size()) return false;
    out.append(in, p, n);
    p += n + 2;
  }
}

/// Receives the body of a 200 response piece by piece; false stops with an error.
using BodySink = std::function<bool(const char*, size_t)>;

// One GET; returns "" or an error text. With a `sink`, the body of a 200 response that is not
// chunked goes to the sink as it arrives instead of into r.body (large files never sit in
// memory).
std::string http_get(const Url& u, const std::string& token, Response& r,
                     const BodySink* sink = nullptr) {
  Conn c;
  if (std::string e = c.open(u); !e.empty()) return e;
  std::string req = "GET " + u.path + " HTTP/1.1\r\nHost: " + u.host +
                    "\r\nUser-Agent: aiperf-cpp\r\nAccept-Encoding: identity\r\n"
                    "Connection: close\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  req += "\r\n";
  if (!c.write_all(req)) return "cannot send the request";
  std::string raw;
  char buf[65536];
  size_t end;
  while ((end = raw.find("\r\n\r\n")) == std::string::npos) {
    long n = c.read_some(buf, sizeof buf);
    if (n <= 0) return raw.empty() ? "connection failed while reading" : "bad HTTP response";
    raw.append(buf, static_cast<size_t>(n));
    if (raw.size() > (1u << 20)) return "HTTP response head too large";
  }
  if (raw.compare(0, 5, "HTTP/") != 0) return "bad HTTP response";
  size_t sp = raw.find(' ');
  r.status = std::atoi(raw.c_str() + sp + 1);
  size_t p = raw.find("\r\n") + 2;
  while (p < end) {
    size_t eol = raw.find("\r\n", p);
    std::string line = raw.substr(p, eol - p);
    size_t colon = line.find(':');
    if (colon != std::string::npos) {
      size_t v = line.find_first_not_of(' ', colon + 1);
      r.headers.emplace_back(lower(line.substr(0, colon)),
                             v == std::string::npos ? "" : line.substr(v));
    }
    p = eol + 2;
  }
  const bool chunked = lower(r.header("transfer-encoding")).find("chunked") != std::string::npos;
  const std::string cl = r.header("content-length");
  if (sink && r.status == 200 && !chunked) {
    uint64_t got = raw.size() - (end + 4);
    if (got && !(*sink)(raw.data() + end + 4, got)) return "cannot write the download";
    for (;;) {
      long n = c.read_some(buf, sizeof buf);
      if (n <= 0) break;
      got += static_cast<uint64_t>(n);
      if (!(*sink)(buf, static_cast<size_t>(n))) return "cannot write the download";
    }
    if (!cl.empty() && std::strtoull(cl.c_str(), nullptr, 10) != got) return "truncated response";
    return "";
  }
  for (;;) {
    long n = c.read_some(buf, sizeof buf);
    if (n == 0) break;
    if (n < 0) {
      if (!c.tls()) return "connection failed while reading";
      break;  // TLS peers often skip close_notify: the length checks below decide
    }
    raw.append(buf, static_cast<size_t>(n));
  }
  std::string body = raw.substr(end + 4);
  if (chunked) {
    if (!dechunk(body, r.body)) return "truncated chunked response";
    if (sink && r.status == 200 && !(*sink)(r.body.data(), r.body.size())) {
      return "cannot write the download";
    }
  } else {
    r.body = std::move(body);
    if (!cl.empty() && std::strtoull(cl.c_str(), nullptr, 10) != r.body.size())
      return "truncated response";
  }
  return "";
}

}  // namespace

std::string hub_endpoint() {
  std::string s = env::string("HF_ENDPOINT", "https://huggingface.co");
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

std::string hub_token() {
  if (auto t = env::raw("HF_TOKEN")) return *t;
  if (auto t = env::raw("HUGGING_FACE_HUB_TOKEN")) return *t;
  // huggingface-cli login stores the token at $HF_HOME/token.
  const auto home = env::raw("HF_HOME");
  fs::path p = home ? fs::path(*home) / "token"
                    : fs::path(env::string("HOME", ".")) / ".cache/huggingface/token";
  std::ifstream f(p);
  std::string t;
  if (f && std::getline(f, t)) return t;
  return "";
}

bool hub_offline() {
  for (const char* name : {"HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"}) {
    if (env::raw(name) && env::flag(name)) return true;
  }
  return false;
}

static std::string hub_get_impl(const std::string& url, const std::string& token, int& status,
                                std::string& body, const BodySink* sink);

std::string hub_get(const std::string& url, const std::string& token, int& status,
                    std::string& body) {
  return hub_get_impl(url, token, status, body, nullptr);
}

std::string hub_get_to_file(const std::string& url, const std::string& token, int& status,
                            std::string& body, const std::string& path) {
  std::ofstream out;
  BodySink sink = [&](const char* p, size_t n) {
    if (!out.is_open()) out.open(path, std::ios::binary | std::ios::trunc);
    out.write(p, static_cast<std::streamsize>(n));
    return static_cast<bool>(out);
  };
  std::string err = hub_get_impl(url, token, status, body, &sink);
  if (err.empty() && status == 200) {
    if (!out.is_open()) out.open(path, std::ios::binary | std::ios::trunc);  // empty body
    out.close();
    if (!out) return "cannot write " + path;
  }
  return err;
}

static std::string hub_get_impl(const std::string& url, const std::string& token, int& status,
                                std::string& body, const BodySink* sink) {
  std::string current = url;
  std::string first_host;
  for (int hop = 0; hop < 6; ++hop) {
    Url u;
    if (!parse_url(current, u)) return "not an http(s) URL: " + current;
    if (first_host.empty()) first_host = u.host;
    Response r;
    std::string err = http_get(u, u.host == first_host ? token : "", r, sink);
    if (!err.empty()) return err + " (" + u.host + ")";
    if (r.status >= 300 && r.status < 400 && !r.header("location").empty()) {
      std::string loc = r.header("location");
      if (loc[0] == '/') loc = (u.tls ? "https://" : "http://") + u.host + ":" + u.port + loc;
      current = loc;
      continue;
    }
    status = r.status;
    body = std::move(r.body);
    return "";
  }
  return "too many redirects";
}

namespace {

struct Fetched {
  int status = 0;
  std::string body, commit, etag;
};

// GET <endpoint>/<id>/resolve/<rev>/<file>, following redirects. The commit and blob ids come
// from the hub's own (first) response, as huggingface_hub reads them.
Fetched fetch(const std::string& id, const std::string& rev, const std::string& file) {
  std::string url = hub_endpoint() + "/" + id + "/resolve/" + rev + "/" + file;
  std::string token = hub_token();
  Fetched f;
  std::string first_host;
  for (int hop = 0; hop < 6; ++hop) {
    Url u;
    if (!parse_url(url, u))
      throw InputError("HF_ENDPOINT '" + hub_endpoint() + "': not an http(s) URL; fix HF_ENDPOINT");
    if (first_host.empty()) first_host = u.host;
    Response r;
    std::string err = http_get(u, u.host == first_host ? token : "", r);
    if (!err.empty())
      throw InputError("tokenizer '" + id + "': download of " + file + " from " + u.host +
                       " failed (" + err +
                       "); check the network, or set HF_HUB_OFFLINE=1 and "
                       "use a filled cache or a local path");
    if (hop == 0) {
      f.commit = r.header("x-repo-commit");
      f.etag = r.header("x-linked-etag");
      if (f.etag.empty()) f.etag = r.header("etag");
    }
    if (r.status >= 300 && r.status < 400 && !r.header("location").empty()) {
      std::string loc = r.header("location");
      if (loc[0] == '/') loc = (u.tls ? "https://" : "http://") + u.host + ":" + u.port + loc;
      url = loc;
      continue;
    }
    f.status = r.status;
    f.body = std::move(r.body);
    return f;
  }
  throw InputError("tokenizer '" + id + "': too many redirects downloading " + file);
}

std::string clean_etag(std::string e) {
  if (e.rfind("W/", 0) == 0) e = e.substr(2);
  if (e.size() >= 2 && e.front() == '"' && e.back() == '"') e = e.substr(1, e.size() - 2);
  return e;
}

void write_atomic(const fs::path& path, const std::string& data) {
  fs::create_directories(path.parent_path());
  fs::path tmp = path;
  tmp += ".incomplete." + std::to_string(std::random_device{}());
  {
    std::ofstream o(tmp, std::ios::binary);
    o.write(data.data(), static_cast<std::streamsize>(data.size()));
    if (!o) throw InputError("cannot write '" + tmp.string() + "'; check HF_HUB_CACHE permissions");
  }
  fs::rename(tmp, path);
}

}  // namespace

std::string download_to_cache(const std::string& id, const std::string& revision) {
  fs::path repo = fs::path(hub_cache_dir()) / hub_repo_folder(id);
  std::string commit;
  const char* files[] = {"tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"};
  for (const char* file : files) {
    Fetched f = fetch(id, commit.empty() ? revision : commit, file);
    bool required = std::strcmp(file, "tokenizer.json") == 0;
    if (f.status == 401 || f.status == 403)
      throw InputError("tokenizer '" + id + "': the hub answered " + std::to_string(f.status) +
                       " for " + file +
                       "; the repository is gated or private: set HF_TOKEN to a "
                       "token with access");
    if (f.status == 404) {
      if (!required) continue;
      throw InputError("tokenizer '" + id + "': " + file + " not found at revision '" + revision +
                       "' (404); check the model id and --tokenizer-revision, or pass a local "
                       "tokenizer.json");
    }
    if (f.status != 200)
      throw InputError("tokenizer '" + id + "': the hub answered HTTP " + std::to_string(f.status) +
                       " for " + file + "; try again later");
    if (commit.empty()) commit = f.commit.empty() ? revision : f.commit;
    std::string blob = clean_etag(f.etag);
    fs::path snap_file = repo / "snapshots" / commit / file;
    std::error_code ec;
    if (blob.empty()) {
      write_atomic(snap_file, f.body);
    } else {
      write_atomic(repo / "blobs" / blob, f.body);
      fs::create_directories(snap_file.parent_path());
      fs::remove(snap_file, ec);
      fs::create_symlink(fs::path("..") / ".." / "blobs" / blob, snap_file, ec);
      if (ec) write_atomic(snap_file, f.body);  // filesystems without symlinks
    }
  }
  if (commit != revision) write_atomic(repo / "refs" / revision, commit);
  return (repo / "snapshots" / commit).string();
}

}  // namespace aiperf::tokenizer
