// --public-dataset sharegpt (spec §4.6): downloaded once from a local HTTP server into the cache
// directory, read from the cache afterwards, and a clear error when offline and not cached.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "aiperf/common/error.h"
#include "aiperf/dataset/dataset.h"

namespace aiperf::dataset {
namespace {

namespace fs = std::filesystem;

/// Serves `body` to every GET on 127.0.0.1:<port>, counting requests.
class OneFileServer {
 public:
  explicit OneFileServer(std::string body) : body_(std::move(body)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    listen(fd_, 4);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0 || stop_) {
          if (c >= 0) close(c);
          return;
        }
        char buf[4096];
        std::string req;
        while (req.find("\r\n\r\n") == std::string::npos) {
          ssize_t n = read(c, buf, sizeof buf);
          if (n <= 0) break;
          req.append(buf, size_t(n));
        }
        ++requests_;
        std::string resp = "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body_.size()) +
                           "\r\nConnection: close\r\n\r\n" + body_;
        for (size_t off = 0; off < resp.size();) {
          ssize_t n = write(c, resp.data() + off, resp.size() - off);
          if (n <= 0) break;
          off += size_t(n);
        }
        close(c);
      }
    });
  }
  ~OneFileServer() {
    stop_ = true;
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/sg.json"; }
  int requests() const { return requests_; }

 private:
  std::string body_;
  int fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

std::string read_file(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(PublicDataset, ShareGptDownloadsOnceThenUsesCache) {
  auto cache = fs::temp_directory_path() / ("aiperf_cache_" + std::to_string(getpid()));
  fs::remove_all(cache);
  setenv("AIPERF_DATASET_CACHE", cache.c_str(), 1);
  auto tok = tokenizer::builtin();
  config::Config c;
  c.models = {"m"};
  c.public_dataset = "sharegpt";
  c.random_seed = 1;
  Dataset first;
  {
    OneFileServer server(read_file(std::string(AIPERF_TEST_DATA_DIR) +
                                   "/traces/dialogstudio_sharegpt_original_example.json"));
    setenv("AIPERF_SHAREGPT_URL", server.url().c_str(), 1);
    first = load_dataset(c, *tok, RngManager(1));
    EXPECT_EQ(server.requests(), 1);
    Dataset again = load_dataset(c, *tok, RngManager(1));
    EXPECT_EQ(server.requests(), 1);  // cached: no second download
    EXPECT_EQ(again.conversations.size(), first.conversations.size());
  }
  EXPECT_TRUE(fs::exists(cache / "sharegpt" / "ShareGPT_V3_unfiltered_cleaned_split.json"));
  ASSERT_FALSE(first.conversations.empty());
  // 5 entries: kept + left out by the length filter = 5.
  EXPECT_EQ(int64_t(first.conversations.size()) + first.skipped_records, 5);
  for (const auto& conv : first.conversations) {
    EXPECT_TRUE(conv.accumulate_history);
    for (const auto& t : conv.turns) {
      EXPECT_GE(t.input_tokens, 4);
      EXPECT_LE(t.input_tokens, 1024);
      ASSERT_TRUE(t.max_tokens);  // the recorded answer's token count
      EXPECT_GE(*t.max_tokens, 4);
    }
  }
  // Offline (nothing listening) with the cache present still works.
  setenv("AIPERF_SHAREGPT_URL", "http://127.0.0.1:1/none.json", 1);
  EXPECT_NO_THROW(load_dataset(c, *tok, RngManager(1)));
  // Offline and not cached: the error names the file to fetch and where to put it.
  fs::remove_all(cache);
  try {
    load_dataset(c, *tok, RngManager(1));
    ADD_FAILURE() << "expected an InputError";
  } catch (const InputError& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("ShareGPT_V3_unfiltered_cleaned_split.json"), std::string::npos) << m;
    EXPECT_NE(m.find("http://127.0.0.1:1/none.json"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos);
  }
  unsetenv("AIPERF_SHAREGPT_URL");
  unsetenv("AIPERF_DATASET_CACHE");
  fs::remove_all(cache);
}

}  // namespace
}  // namespace aiperf::dataset
