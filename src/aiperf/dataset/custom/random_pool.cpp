// random_pool (spec §4.5): a JSONL file, or a directory of JSONL files (one pool per file, items
// named after the file stem). Conversations are built by sampling one entry per pool with
// replacement and merging them into one turn.
#include <algorithm>
#include <filesystem>

#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/records.h"
#include "aiperf/dataset/media/media.h"

namespace aiperf::dataset::custom {

std::vector<Conversation> build_random_pool(const std::string& path, int64_t entries, Rng& rng,
                                            std::map<std::string, int64_t>* unknown) {
  namespace fs = std::filesystem;
  std::vector<std::pair<std::string, std::string>> files;  // (path, pool name or "")
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& e : fs::directory_iterator(path)) {
      if (e.is_regular_file() && e.path().extension() == ".jsonl") {
        files.emplace_back(e.path().string(), e.path().stem().string());
      }
    }
    std::sort(files.begin(), files.end());
    if (files.empty()) throw InputError(path + ": directory has no .jsonl files (random_pool)");
  } else {
    files.emplace_back(path, "");
  }
  std::vector<std::vector<TurnRecord>> pools;
  for (const auto& [file, name] : files) {
    std::vector<TurnRecord> pool;
    for_each_line(file, [&](std::string_view line, const SourcePos& pos) {
      TurnRecord r;
      parse_turn_object(line, pos, TurnShape::kRandomPool, r, unknown);
      for (MediaItem& m : r.media) media::inline_media_file(m);  // local paths -> base64
      if (!name.empty()) {
        for (auto& m : r.media) m.name = name;
      }
      pool.push_back(std::move(r));
    });
    if (pool.empty()) throw InputError(file + ": no records (random_pool needs at least one)");
    pools.push_back(std::move(pool));
  }
  std::vector<Conversation> out(size_t(std::max<int64_t>(entries, 1)));
  for (auto& conv : out) {
    Turn t;
    for (const auto& pool : pools) {
      const TurnRecord& r = pool[size_t(rng.randrange(int64_t(pool.size())))];
      t.texts.insert(t.texts.end(), r.texts.begin(), r.texts.end());
      t.text_names.insert(t.text_names.end(), r.text_names.begin(), r.text_names.end());
      t.media.insert(t.media.end(), r.media.begin(), r.media.end());
    }
    conv.turns.push_back(std::move(t));
  }
  return out;
}

}  // namespace aiperf::dataset::custom
