// load(): resolves a --tokenizer value to a builtin, a local file/directory, or the hub cache.
#include "aiperf/tokenizer/tokenizer.h"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <thread>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hf_tokenizer.h"
#include "aiperf/tokenizer/hub.h"
#include "aiperf/tokenizer/sentencepiece.h"
#include "aiperf/tokenizer/tiktoken.h"

extern "C" const unsigned char aiperf_o200k_data[];
extern "C" const uint64_t aiperf_o200k_size;

namespace aiperf::tokenizer {
namespace fs = std::filesystem;

namespace {

bool ends_with(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::shared_ptr<const Tokenizer> load_dir(const fs::path& dir, const LoadOptions& opts) {
  if (fs::exists(dir / "tokenizer.json"))
    return load_hf_tokenizer((dir / "tokenizer.json").string(), opts);
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == ".tiktoken")
      return load_tiktoken_file(entry.path().string());
  }
  for (const char* name : {"tokenizer.model", "spiece.model"})
    if (fs::exists(dir / name)) return load_sentencepiece((dir / name).string(), opts);
  throw InputError("tokenizer directory '" + dir.string() +
                   "' has no tokenizer.json, .tiktoken file or tokenizer.model; pass a directory "
                   "that has one, or --tokenizer builtin");
}

}  // namespace

std::shared_ptr<const Tokenizer> builtin() {
  static const std::shared_ptr<const Tokenizer> tok = [] {
    TiktokenSpec spec;
    known_tiktoken_spec("o200k_base", spec);
    std::string_view data(reinterpret_cast<const char*>(aiperf_o200k_data), aiperf_o200k_size);
    return make_tiktoken(data, "builtin", "builtin o200k_base", std::move(spec),
                         /*release_input=*/true);
  }();
  return tok;
}

std::shared_ptr<const Tokenizer> load(const std::string& spec, const LoadOptions& opts) {
  if (spec == "builtin" || spec == "o200k_base") return builtin();
  std::error_code ec;
  fs::path p(spec);
  if (fs::is_directory(p, ec)) return load_dir(p, opts);
  if (fs::is_regular_file(p, ec)) {
    if (ends_with(spec, ".tiktoken")) return load_tiktoken_file(spec);
    if (ends_with(spec, ".model")) return load_sentencepiece(spec, opts);
    return load_hf_tokenizer(spec, opts);
  }
  // A HuggingFace id is "name" or "org/name": never absolute, never relative with dots or a
  // home directory, never ending in a tokenizer file name. Those are local paths that are missing.
  bool looks_like_path = spec.empty() || spec.front() == '/' || spec.front() == '~' ||
                         spec.rfind("./", 0) == 0 || spec.rfind("../", 0) == 0 ||
                         ends_with(spec, ".json") || ends_with(spec, ".tiktoken") ||
                         ends_with(spec, ".model");
  if (looks_like_path) {
    throw InputError("tokenizer '" + spec +
                     "': no such file or directory (pass a tokenizer.json, a .tiktoken or "
                     ".model file, a directory holding one, a HuggingFace id, or builtin)");
  }
  return load_from_hub(spec, opts);
}

std::vector<std::vector<TokenId>> encode_batch(const Tokenizer& tok,
                                               const std::vector<std::string>& texts,
                                               bool add_special_tokens, unsigned threads) {
  std::vector<std::vector<TokenId>> out(texts.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, texts.size()));
  if (threads <= 1) {
    for (size_t i = 0; i < texts.size(); ++i) out[i] = tok.encode(texts[i], add_special_tokens);
    return out;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < texts.size();)
      out[i] = tok.encode(texts[i], add_special_tokens);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  return out;
}

}  // namespace aiperf::tokenizer
