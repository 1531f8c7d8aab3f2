// Hub downloads against a local HTTP server that serves a hub-shaped tree.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hub.h"
#include "aiperf/tokenizer/tokenizer.h"
#include "fixture_cases.h"

namespace aiperf::tokenizer {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCommit = "aaaabbbbccccddddeeeeffff0000111122223333";

// Serves canned responses by request path; records the requests' Authorization headers.
class HubServer {
 public:
  struct Reply {
    int status = 200;
    std::string headers;  // extra header lines, each ending in \r\n
    std::string body;
  };
  HubServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    ::listen(fd_, 16);
    thread_ = std::thread([this] { loop(); });
  }
  ~HubServer() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set(const std::string& path, Reply r) {
    std::lock_guard<std::mutex> g(mu_);
    replies_[path] = std::move(r);
  }
  std::vector<std::string> auth_seen() {
    std::lock_guard<std::mutex> g(mu_);
    return auth_;
  }

 private:
  void loop() {
    while (!stop_) {
      int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      std::string req;
      char buf[4096];
      while (req.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        req.append(buf, static_cast<size_t>(n));
      }
      std::string path = req.substr(4, req.find(' ', 4) - 4);
      Reply r{404, "", "not found"};
      {
        std::lock_guard<std::mutex> g(mu_);
        auto it = replies_.find(path);
        if (it != replies_.end()) r = it->second;
        size_t a = req.find("Authorization: ");
        auth_.push_back(a == std::string::npos ? ""
                                               : req.substr(a + 15, req.find("\r\n", a) - a - 15));
      }
      std::string out = "HTTP/1.1 " + std::to_string(r.status) +
                        " X\r\nContent-Length: " + std::to_string(r.body.size()) + "\r\n" +
                        r.headers + "Connection: close\r\n\r\n" + r.body;
      ssize_t w = ::write(c, out.data(), out.size());
      (void)w;
      ::close(c);
    }
  }
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mu_;
  std::map<std::string, Reply> replies_;
  std::vector<std::string> auth_;
};

std::string read_file(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

class HubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_ = fs::path(::testing::TempDir()) /
             ("aiperf_hub_" +
              std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(cache_);
    setenv("HF_HUB_CACHE", cache_.c_str(), 1);
    setenv("HF_ENDPOINT", server_.url().c_str(), 1);
    unsetenv("HF_HUB_OFFLINE");
    unsetenv("HF_TOKEN");
  }
  void TearDown() override {
    unsetenv("HF_HUB_CACHE");
    unsetenv("HF_ENDPOINT");
    unsetenv("HF_HUB_OFFLINE");
    unsetenv("HF_TOKEN");
  }
  void expect_error(const std::string& id, const std::string& part) {
    try {
      load(id);
      ADD_FAILURE() << "no error";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(part), std::string::npos) << e.what();
    }
  }
  HubServer server_;
  fs::path cache_;
};

TEST_F(HubTest, DownloadsIntoTheCacheLayoutThenWorksOffline) {
  std::string json = read_file(testing::data_dir("gpt2") + "/tokenizer.json");
  server_.set("/acme/tiny/resolve/main/tokenizer.json",
              {200, std::string("X-Repo-Commit: ") + kCommit + "\r\nETag: \"blob1\"\r\n", json});
  server_.set(std::string("/acme/tiny/resolve/") + kCommit + "/tokenizer_config.json",
              {200, "ETag: \"blob2\"\r\n", R"({"model_max_length": 1024})"});
  setenv("HF_TOKEN", "secret", 1);
  EXPECT_EQ(load("acme/tiny")->encode("Hello world", false), (std::vector<TokenId>{15496, 995}));
  fs::path repo = cache_ / "models--acme--tiny";
  EXPECT_EQ(read_file((repo / "refs" / "main").string()), kCommit);
  fs::path snap = repo / "snapshots" / kCommit;
  EXPECT_TRUE(fs::is_symlink(snap / "tokenizer.json"));
  EXPECT_EQ(fs::read_symlink(snap / "tokenizer.json"), fs::path("../../blobs/blob1"));
  EXPECT_EQ(read_file((repo / "blobs" / "blob1").string()), json);
  EXPECT_TRUE(fs::exists(snap / "tokenizer_config.json"));
  EXPECT_FALSE(fs::exists(snap / "special_tokens_map.json"));  // 404: optional
  for (const auto& a : server_.auth_seen()) EXPECT_EQ(a, "Bearer secret");

  // Offline, from the cache only: the server no longer has the file.
  server_.set("/acme/tiny/resolve/main/tokenizer.json", {500, "", "down"});
  setenv("HF_HUB_OFFLINE", "1", 1);
  EXPECT_EQ(load("acme/tiny")->count("Hello world"), 2u);
}

TEST_F(HubTest, FollowsRedirectsAndKeepsTheLinkedEtag) {
  std::string json = read_file(testing::data_dir("bert_base_uncased") + "/tokenizer.json");
  server_.set("/acme/lfs/resolve/main/tokenizer.json",
              {302,
               std::string("Location: /cdn/xyz\r\nX-Repo-Commit: ") + kCommit +
                   "\r\nX-Linked-Etag: \"sha256abc\"\r\n",
               ""});
  server_.set("/cdn/xyz", {200, "ETag: \"other\"\r\n", json});
  EXPECT_EQ(load("acme/lfs")->encode("hello", true), (std::vector<TokenId>{101, 7592, 102}));
  EXPECT_TRUE(fs::exists(cache_ / "models--acme--lfs" / "blobs" / "sha256abc"));
}

TEST_F(HubTest, UnauthorizedSaysSetHfToken) {
  server_.set("/acme/gated/resolve/main/tokenizer.json", {401, "", "no"});
  expect_error("acme/gated", "HF_TOKEN");
}

TEST_F(HubTest, NotFoundNamesTheIdAndRevision) {
  expect_error("acme/missing", "not found at revision 'main'");
}

TEST_F(HubTest, OfflineWithoutCacheIsAClearError) {
  setenv("HF_HUB_OFFLINE", "1", 1);
  expect_error("acme/tiny", "not in the HuggingFace cache");
}

TEST_F(HubTest, UnreachableEndpointIsAnInputError) {
  // A port that was just free: bound, then closed without listening.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  std::string url = "http://127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  setenv("HF_ENDPOINT", url.c_str(), 1);
  expect_error("acme/tiny", "download of tokenizer.json");
}

}  // namespace
}  // namespace aiperf::tokenizer
