#include "aiperf/tokenizer/hub.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hf_tokenizer.h"

namespace aiperf::tokenizer {
namespace fs = std::filesystem;

std::string hub_cache_dir() {
  if (const char* c = std::getenv("HF_HUB_CACHE"); c && *c) return c;
  if (const char* h = std::getenv("HF_HOME"); h && *h) return (fs::path(h) / "hub").string();
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg) return (fs::path(xdg) / "huggingface" / "hub").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home ? home : ".") / ".cache" / "huggingface" / "hub").string();
}

std::shared_ptr<const Tokenizer> load_from_hub(const std::string& id, const LoadOptions& opts) {
  std::string cache = hub_cache_dir();
  std::string folder = "models--";
  for (char c : id) {
    if (c == '/')
      folder += "--";
    else
      folder += c;
  }
  fs::path repo = fs::path(cache) / folder;
  std::string commit = opts.revision;
  std::ifstream ref(repo / "refs" / opts.revision);
  if (ref) std::getline(ref, commit);
  fs::path snap = repo / "snapshots" / commit;
  std::error_code ec;
  if (fs::exists(snap / "tokenizer.json", ec))
    return load_hf_tokenizer((snap / "tokenizer.json").string(), opts);
  throw InputError("tokenizer '" + id + "': not a local file/directory and not in the HuggingFace cache at " +
                   cache + "; pass --tokenizer builtin or a local tokenizer.json (or its directory)");
}

}  // namespace aiperf::tokenizer
