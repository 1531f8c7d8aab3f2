#include "aiperf/tokenizer/hub.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "aiperf/common/error.h"
#include "aiperf/tokenizer/hf_tokenizer.h"

namespace aiperf::tokenizer {
namespace fs = std::filesystem;

namespace {

bool env_true(const char* name) {
  const char* v = std::getenv(name);
  if (!v) return false;
  std::string s = v;
  return s == "1" || s == "true" || s == "TRUE" || s == "True" || s == "yes" || s == "on";
}

bool looks_like_commit(const std::string& rev) {
  if (rev.size() != 40) return false;
  for (char c : rev)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

std::string hub_cache_dir() {
  if (const char* c = std::getenv("HF_HUB_CACHE"); c && *c) return c;
  if (const char* c = std::getenv("HUGGINGFACE_HUB_CACHE"); c && *c) return c;
  if (const char* h = std::getenv("HF_HOME"); h && *h) return (fs::path(h) / "hub").string();
  const char* xdg = std::getenv("XDG_CACHE_HOME");
  if (xdg && *xdg) return (fs::path(xdg) / "huggingface" / "hub").string();
  const char* home = std::getenv("HOME");
  return (fs::path(home ? home : ".") / ".cache" / "huggingface" / "hub").string();
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
  if (snap.empty() && !env_true("HF_HUB_OFFLINE") && !env_true("TRANSFORMERS_OFFLINE"))
    snap = download_to_cache(id, opts.revision);
  if (snap.empty())
    throw InputError("tokenizer '" + id +
                     "': not a local file/directory and not in the HuggingFace cache at " +
                     hub_cache_dir() +
                     "; pass --tokenizer builtin or a local tokenizer.json (or its directory)");
  return load_hf_tokenizer((fs::path(snap) / "tokenizer.json").string(), opts);
}

}  // namespace aiperf::tokenizer
