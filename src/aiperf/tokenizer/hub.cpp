#include "aiperf/tokenizer/hub.h"
#include "aiperf/common/env.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hf_tokenizer.h"

namespace aiperf::tokenizer {
namespace fs = std::filesystem;

namespace {

bool looks_like_commit(const std::string& rev) {
  if (rev.size() != 40) return false;
  for (char c : rev)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string hub_cache_dir() {
  if (auto c = env::raw("HF_HUB_CACHE")) return *c;
  if (auto c = env::raw("HUGGINGFACE_HUB_CACHE")) return *c;
  if (auto h = env::raw("HF_HOME")) return (fs::path(*h) / "hub").string();
  if (auto xdg = env::raw("XDG_CACHE_HOME"))
    return (fs::path(*xdg) / "huggingface" / "hub").string();
  return (fs::path(env::string("HOME", ".")) / ".cache" / "huggingface" / "hub").string();
}

std::string hub_repo_folder(const std::string& id) {
  std::string folder = "models--";
  for (char c : id) {
    if (c == '/')
      folder += "--";
    else
      folder += c;
  }
  return folder;
}

std::string find_cached_snapshot(const std::string& id, const std::string& revision) {
  fs::path repo = fs::path(hub_cache_dir()) / hub_repo_folder(id);
  std::string commit;
  if (looks_like_commit(revision)) {
    commit = revision;
  } else {
    std::ifstream ref(repo / "refs" / revision);
    if (!ref || !std::getline(ref, commit)) return "";
    while (!commit.empty() &&
           (commit.back() == '\n' || commit.back() == '\r' || commit.back() == ' '))
      commit.pop_back();
  }
  fs::path snap = repo / "snapshots" / commit;
  std::error_code ec;
  if (fs::exists(snap / "tokenizer.json", ec)) return snap.string();
  return "";
}

std::shared_ptr<const Tokenizer> load_from_hub(const std::string& id, const LoadOptions& opts) {
  std::string snap = find_cached_snapshot(id, opts.revision);
  if (snap.empty() && !env::flag("HF_HUB_OFFLINE") && !env::flag("TRANSFORMERS_OFFLINE"))
    snap = download_to_cache(id, opts.revision);
  if (snap.empty())
    throw InputError("tokenizer '" + id +
                     "': not a local file/directory and not in the HuggingFace cache at " +
                     hub_cache_dir() +
                     "; pass --tokenizer builtin or a local tokenizer.json (or its directory)");
  return load_hf_tokenizer((fs::path(snap) / "tokenizer.json").string(), opts);
}

}  // namespace aiperf::tokenizer
