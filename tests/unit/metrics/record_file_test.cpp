#include "aiperf/export/record_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "test_util.h"

namespace aiperf::exporter::detail {
namespace {

using metrics::test::read_all;

off_t size_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_size : -1;
}

std::string dir() {
  const std::string d = ::testing::TempDir() + "/aiperf_record_file";
  std::filesystem::create_directories(d);
  return d;
}

/// Lines across every boundary: short ones, one that ends exactly at the buffer's end, one
/// longer than the buffer, and a tail that is no whole block.
std::vector<std::string> lines() {
  std::vector<std::string> v;
  for (int i = 0; i < 3000; ++i)
    v.push_back(std::string(size_t(100 + i % 977), char('a' + i % 26)));
  size_t so_far = 0;
  for (const auto& l : v) so_far += l.size() + 1;
  const size_t room = RecordFile::kBufferBytes - so_far % RecordFile::kBufferBytes;
  v.push_back(std::string(room - 1, 'x'));  // fills the buffer to the byte
  v.push_back(std::string(RecordFile::kBufferBytes * 2 + 123, 'y'));  // longer than the buffer
  v.push_back("tail");
  return v;
}

TEST(RecordFile, WritesEveryLineWithAndWithoutODirect) {
  for (bool direct : {true, false}) {
    const std::string path = dir() + (direct ? "/direct.jsonl" : "/buffered.jsonl");
    std::string want;
    {
      RecordFile f(path, direct);
      if (!direct) {
        EXPECT_FALSE(f.direct());
      }
      size_t n = 0;
      for (const auto& l : lines()) {
        f.put_line(l);
        want += l;
        want += '\n';
        if (++n == 1000) {
          f.flush();
          // Flushed: whole blocks with O_DIRECT (the tail waits), everything without.
          const off_t on_disk = size_of(path);
          if (f.direct()) {
            EXPECT_EQ(on_disk % off_t(RecordFile::kBlockBytes), 0);
            EXPECT_GT(on_disk, off_t(want.size()) - off_t(RecordFile::kBlockBytes));
          } else {
            EXPECT_EQ(on_disk, off_t(want.size()));
          }
        }
      }
      f.close();
      f.close();  // idempotent
    }
    EXPECT_EQ(size_of(path), off_t(want.size())) << (direct ? "direct" : "buffered");
    EXPECT_TRUE(read_all(path) == want) << (direct ? "direct" : "buffered");
  }
}

TEST(RecordFile, TheDestructorWritesWhatIsBuffered) {
  const std::string path = dir() + "/dtor.jsonl";
  {
    RecordFile f(path, true);
    f.put_line("{\"a\":1}");
  }
  EXPECT_EQ(read_all(path), "{\"a\":1}\n");
}

TEST(RecordFile, AnUnwritableFileNamesItself) {
  try {
    RecordFile f("/proc/aiperf-no-such-dir/x.jsonl", true);
    FAIL() << "opened";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot write /proc/aiperf-no-such-dir/x.jsonl: "),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace aiperf::exporter::detail
