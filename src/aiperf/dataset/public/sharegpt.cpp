// --public-dataset sharegpt (spec §4.6): ShareGPT_V3_unfiltered_cleaned_split.json, downloaded
// once into the cache directory (URL overridable with $AIPERF_SHAREGPT_URL, for tests and
// mirrors) and read from there afterwards. Offline and not cached: an error naming the file to
// fetch and where to put it.
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <simdjson.h>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/dataset/public/download.h"
#include "aiperf/dataset/public/public_loaders.h"

namespace aiperf::dataset {
namespace {

constexpr const char* kShareGptUrl =
    "https://huggingface.co/datasets/anon8231489123/ShareGPT_Vicuna_unfiltered/resolve/main/"
    "ShareGPT_V3_unfiltered_cleaned_split.json";
constexpr const char* kShareGptFile = "ShareGPT_V3_unfiltered_cleaned_split.json";

std::string env_or(const char* name, const std::string& fallback) {
  return env::string(name, fallback);
}

/// vLLM's is_valid_sequence: prompt 4..1024 tokens, completion >= 4 (unless --osl is set),
/// prompt + completion <= 2048.
bool valid_pair(int64_t prompt, int64_t completion, bool skip_min_output) {
  if (prompt < 4 || prompt > 1024) return false;
  if (!skip_min_output && completion < 4) return false;
  return prompt + completion <= 2048;
}

}  // namespace

Dataset load_sharegpt_file(const std::string& path, const config::Config& cfg,
                           const tokenizer::Tokenizer& tok, const RngManager& rngs) {
  namespace od = simdjson::ondemand;
  // On-demand parsing keeps only the file text in memory (the real file is ~650 MB; a DOM of
  // it would take several GB).
  simdjson::padded_string text;
  if (simdjson::padded_string::load(path).get(text)) {
    throw InputError(path + ": cannot read the cached ShareGPT file");
  }
  auto bad = [&](size_t e, const std::string& what) -> InputError {
    return InputError(path + ": entry " + std::to_string(e) + ": " + what +
                      " (delete the file to download it again)");
  };
  od::parser parser;
  od::document doc;
  od::array entries;
  if (parser.iterate(text).get(doc) || doc.get_array().get(entries)) {
    throw InputError(path +
                     ": expected a JSON array of {\"id\", \"conversations\"} (delete the "
                     "file to download it again)");
  }
  Dataset ds;
  Rng model_rng = rngs.derive("composer.turn.model_selection");
  uint64_t turn_counter = 0;
  int64_t short_entries = 0, bad_pairs = 0;
  size_t e = 0;
  for (auto entry_result : entries) {
    od::object entry;
    if (entry_result.get_object().get(entry)) throw bad(e, "expected an object");
    std::string id;
    std::vector<std::pair<std::string, std::string>> msgs;  // (from, value)
    bool have_conv = false;
    for (auto field : entry) {
      std::string_view key;
      if (field.unescaped_key().get(key)) throw bad(e, "bad key");
      if (key == "id") {
        std::string_view v;
        if (!field.value().get_string().get(v)) id = std::string(v);
      } else if (key == "conversations") {
        od::array arr;
        if (field.value().get_array().get(arr)) {
          throw bad(e, "conversations: expected a list of {\"from\", \"value\"}");
        }
        have_conv = true;
        for (auto m : arr) {
          od::object mo;
          if (m.get_object().get(mo)) throw bad(e, "conversations: expected objects");
          std::string from, value;
          for (auto mf : mo) {
            std::string_view k, v;
            if (mf.unescaped_key().get(k)) throw bad(e, "bad key");
            if (k != "from" && k != "value") continue;
            if (mf.value().get_string().get(v)) continue;  // non-string: treated as absent
            (k == "from" ? from : value) = std::string(v);
          }
          msgs.emplace_back(std::move(from), std::move(value));
        }
      }
    }
    if (!have_conv) throw bad(e, "conversations: missing");
    const size_t index = e++;
    if (msgs.size() < 2) {
      ++short_entries;
      continue;
    }
    bool roles = false;
    for (const auto& m : msgs) roles |= !m.first.empty();
    std::vector<std::pair<std::string, std::string>> pairs;
    if (roles) {
      for (size_t i = 0; i + 1 < msgs.size(); ++i) {
        if (msgs[i].first == "human" && msgs[i + 1].first == "gpt") {
          pairs.emplace_back(std::move(msgs[i].second), std::move(msgs[i + 1].second));
          ++i;
        }
      }
    } else {
      pairs.emplace_back(std::move(msgs[0].second), std::move(msgs[1].second));
    }
    Conversation conv;
    bool ok = !pairs.empty();
    for (auto& [prompt, answer] : pairs) {
      Turn t;
      t.text = std::move(prompt);
      t.input_tokens = int64_t(tok.count(t.text));
      const int64_t completion = int64_t(tok.count(answer));
      if (!valid_pair(t.input_tokens, completion, cfg.osl_mean.has_value())) {
        ok = false;
        break;
      }
      t.max_tokens = cfg.osl_mean ? *cfg.osl_mean : completion;
      t.model = pick_model(cfg, model_rng, turn_counter++);
      conv.turns.push_back(std::move(t));
    }
    if (!ok) {
      ++bad_pairs;
      continue;
    }
    conv.session_id = id.empty() ? "sharegpt_" + std::to_string(index) : id;
    ds.conversations.push_back(std::move(conv));
  }
  if (short_entries) {
    ds.skipped_records += short_entries;
    ds.warnings.push_back("sharegpt: " + std::to_string(short_entries) +
                          " entries with fewer than 2 messages left out");
  }
  if (bad_pairs) {
    ds.skipped_records += bad_pairs;
    ds.warnings.push_back("sharegpt: " + std::to_string(bad_pairs) +
                          " conversations left out by the length filter (prompt 4..1024 "
                          "tokens, completion >= 4, total <= 2048)");
  }
  if (ds.conversations.empty()) {
    throw InputError(path + ": no usable ShareGPT conversations");
  }
  return ds;
}

Dataset load_sharegpt(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                      const RngManager& rngs) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(public_cache_dir()) / "sharegpt";
  const fs::path file = dir / kShareGptFile;
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    const std::string url = env_or("AIPERF_SHAREGPT_URL", kShareGptUrl);
    fs::create_directories(dir, ec);
    std::string err = download_to_file(url, file.string());
    if (!err.empty()) {
      throw InputError("--public-dataset sharegpt: " + file.string() +
                       " is not cached and downloading " + url + " failed (" + err +
                       "); fetch that file by hand and save it as " + file.string() +
                       " (or set AIPERF_DATASET_CACHE)");
    }
  }
  return load_sharegpt_file(file.string(), cfg, tok, rngs);
}

}  // namespace aiperf::dataset
