// Trace parsing speed and memory: a generated 5M-row BurstGPT-shaped CSV and a 1M-row
// Mooncake-shaped JSONL, streamed through the record parsers of dataset/custom into compact
// replay rows (timestamp, lengths, hash ids) and turned into a sorted send schedule.
//   dataset_parse_bench burst|mooncake [dir=/tmp]     (one format per process: peak RSS is per run)
// Prints rows, seconds and peak RSS. Prompt text is NOT built here (see docs/datasets.md).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "aiperf/dataset/custom/records.h"

using namespace aiperf::dataset::custom;

namespace {

double now_s() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

long peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024;
}

void generate_burst(const std::string& path, int64_t rows) {
  if (std::filesystem::exists(path)) return;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  std::fputs("Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n", f);
  uint64_t x = 1;
  for (int64_t i = 0; i < rows; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t req = int64_t((x >> 33) % 4000), resp = int64_t((x >> 20) % 800);
    std::fprintf(f, "%lld,%s,%lld,%lld,%lld,%s\n", (long long)(i / 3),
                 (x & 1) ? "ChatGPT" : "GPT-4", (long long)req, (long long)resp,
                 (long long)(req + resp), (x & 2) ? "Conversation log" : "API log");
  }
  std::fclose(f);
}

void generate_mooncake(const std::string& path, int64_t rows) {
  if (std::filesystem::exists(path)) return;
  std::FILE* f = std::fopen(path.c_str(), "wb");
  uint64_t x = 7;
  int64_t next_id = 0;
  for (int64_t i = 0; i < rows; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    int64_t blocks = 1 + int64_t((x >> 40) % 12);
    int64_t input = (blocks - 1) * 512 + 1 + int64_t((x >> 20) % 512);
    std::fprintf(
        f, "{\"timestamp\": %lld, \"input_length\": %lld, \"output_length\": %lld, \"hash_ids\": [",
        (long long)(i * 3), (long long)input, (long long)((x >> 30) % 600 + 1));
    for (int64_t b = 0; b < blocks; ++b) {
      int64_t id = b < 2 ? int64_t((x >> (10 + b)) % 64) : next_id++;  // shared first blocks
      std::fprintf(f, b ? ", %lld" : "%lld", (long long)id);
    }
    std::fputs("]}\n", f);
  }
  std::fclose(f);
}

struct Compact {
  double ts;
  int64_t input, output;
  uint32_t ids_begin, ids_count;
};

}  // namespace

int main(int argc, char** argv) {
  std::string which = argc > 1 ? argv[1] : "burst";
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  if (which == "burst") {
    const std::string path = dir + "/aiperf_bench_burstgpt_5m.csv";
    generate_burst(path, 5'000'000);
    double t0 = now_s();
    LineReader r(path);
    std::string_view line;
    BurstGptColumns cols;
    bool header = false;
    std::vector<BurstGptRow> rows;
    int64_t skipped = 0;
    while (r.next(line)) {
      SourcePos pos{path, r.line_number()};
      if (!header) {
        cols = parse_burst_gpt_header(line, pos);
        header = true;
        continue;
      }
      BurstGptRow row;
      if (parse_burst_gpt_row(line, pos, cols, row, nullptr)) {
        rows.push_back(row);
      } else {
        ++skipped;
      }
    }
    double t1 = now_s();
    std::vector<int64_t> schedule_ms;
    schedule_ms.reserve(rows.size());
    for (const auto& row : rows) schedule_ms.push_back(int64_t(row.timestamp_ms));
    std::stable_sort(schedule_ms.begin(), schedule_ms.end());
    double t2 = now_s();
    std::printf(
        "burst_gpt_trace: %zu rows (%lld skipped) parsed in %.2f s, scheduled in %.2f s, "
        "total %.2f s, peak RSS %ld MB\n",
        rows.size(), (long long)skipped, t1 - t0, t2 - t1, t2 - t0, peak_rss_mb());
  } else {
    const std::string path = dir + "/aiperf_bench_mooncake_1m.jsonl";
    generate_mooncake(path, 1'000'000);
    double t0 = now_s();
    std::vector<Compact> rows;
    std::vector<int64_t> ids;
    TraceRow row;
    for_each_line(path, [&](std::string_view line, const SourcePos& pos) {
      parse_mooncake_line(line, pos, row, nullptr);
      rows.push_back({row.timestamp_ms.value_or(0), row.input_length.value_or(0),
                      row.output_length.value_or(0), uint32_t(ids.size()),
                      uint32_t(row.hash_ids.size())});
      ids.insert(ids.end(), row.hash_ids.begin(), row.hash_ids.end());
    });
    double t1 = now_s();
    std::vector<int64_t> schedule_ms;
    schedule_ms.reserve(rows.size());
    for (const auto& c : rows) schedule_ms.push_back(int64_t(c.ts));
    std::stable_sort(schedule_ms.begin(), schedule_ms.end());
    double t2 = now_s();
    std::printf(
        "mooncake_trace: %zu rows (%zu hash ids) parsed in %.2f s, scheduled in %.2f s, "
        "total %.2f s, peak RSS %ld MB\n",
        rows.size(), ids.size(), t1 - t0, t2 - t1, t2 - t0, peak_rss_mb());
  }
  return 0;
}
