// --public-dataset sharegpt (spec §4.6): downloaded once from a local HTTP server into the cache
// directory, read from the cache afterwards, and a clear error when offline and not cached.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "aiperf/common/error.h"
#include "aiperf/dataset/dataset.h"
#include "path_server.h"

namespace aiperf::dataset {
namespace {

namespace fs = std::filesystem;

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
    PathServer server;
    server.set("/sg.json", read_file(std::string(AIPERF_TEST_DATA_DIR) +
                                     "/traces/dialogstudio_sharegpt_original_example.json"));
    setenv("AIPERF_SHAREGPT_URL", (server.base() + "/sg.json").c_str(), 1);
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
