// Hugging Face splits as the Hub's Parquet conversion (refs/convert/parquet), fetched through
// the tokenizer stage's hub client (same HF_ENDPOINT, HF_TOKEN and offline rules as tokenizer
// downloads). The list of files is saved beside them: the cache is complete when the list and
// every file it names are present, so an interrupted download resumes where it stopped.
#include "aiperf/dataset/public/hf_parquet.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"
#include "aiperf/dataset/dataset.h"
#include "aiperf/tokenizer/hub.h"

namespace aiperf::dataset {
namespace {

namespace fs = std::filesystem;

std::string host_of(const std::string& url) {
  size_t p = url.find("://");
  if (p == std::string::npos) return "";
  p += 3;
  return url.substr(p, url.find('/', p) - p);
}

/// Reads the saved URL list; false when absent or not a non-empty JSON array of strings.
bool parse_list(const std::string& text, std::vector<std::string>& urls) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.empty()) return false;
  urls.clear();
  for (const auto& u : j) {
    if (!u.is_string()) return false;
    urls.push_back(u.get<std::string>());
  }
  return true;
}

std::string read_all(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_atomic(const fs::path& path, const std::string& data, const std::string& what) {
  fs::path tmp = path;
  tmp += ".part." + std::to_string(getpid());
  {
    std::ofstream o(tmp, std::ios::binary);
    o.write(data.data(), std::streamsize(data.size()));
    if (!o) throw InputError(what + ": cannot write " + tmp.string() + " (check the cache dir)");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw InputError(what + ": cannot rename " + tmp.string() + ": " + ec.message());
}

/// GET with the hub token when `url` is on the hub's own host; throws on anything but 200.
/// With `to_file`, the body is streamed into that file (large Parquet files never sit in
/// memory) and "" is returned; otherwise the body is returned.
std::string fetch(const std::string& url, const std::string& what, const std::string& dest,
                  const std::string& to_file = "") {
  const std::string token =
      host_of(url) == host_of(tokenizer::hub_endpoint()) ? tokenizer::hub_token() : "";
  int status = 0;
  std::string body;
  std::string err = to_file.empty() ? tokenizer::hub_get(url, token, status, body)
                                    : tokenizer::hub_get_to_file(url, token, status, body, to_file);
  const std::string by_hand =
      "; or fetch it by hand into " + dest + " (then HF_HUB_OFFLINE=1 works)";
  if (!err.empty()) {
    throw InputError(what + ": downloading " + url + " failed (" + err + ")" + by_hand);
  }
  if (status == 401 || status == 403) {
    throw InputError(what + ": the hub answered " + std::to_string(status) + " for " + url +
                     "; the dataset is gated or private: accept its terms on the Hub and set "
                     "HF_TOKEN to a token with access");
  }
  if (status != 200) {
    throw InputError(what + ": the hub answered HTTP " + std::to_string(status) + " for " + url +
                     by_hand);
  }
  return body;
}

/// Has the file Parquet's magic at both ends?
bool looks_like_parquet(const fs::path& p) {
  std::ifstream f(p, std::ios::binary | std::ios::ate);
  const std::streamoff size = f ? std::streamoff(f.tellg()) : 0;
  if (size < 12) return false;
  char head[4], tail[4];
  f.seekg(0);
  f.read(head, 4);
  f.seekg(size - 4);
  f.read(tail, 4);
  return f && std::string_view(head, 4) == "PAR1" && std::string_view(tail, 4) == "PAR1";
}

}  // namespace

std::string hf_parquet_list_url(const HfSplit& s) {
  return tokenizer::hub_endpoint() + "/api/datasets/" + s.repo + "/parquet/" + s.config + "/" +
         s.split;
}

std::string hf_split_cache_dir(const HfSplit& s) {
  return (fs::path(public_cache_dir()) / "hf" / s.repo / s.config / s.split).string();
}

std::vector<std::string> hf_parquet_files(const HfSplit& s, const std::string& what) {
  const fs::path dir = hf_split_cache_dir(s);
  const fs::path list_path = dir / "parquet-files.json";
  const std::string list_url = hf_parquet_list_url(s);
  std::error_code ec;
  std::vector<std::string> urls;
  const bool have_list = fs::exists(list_path, ec) && parse_list(read_all(list_path), urls);
  auto file_path = [&](size_t i) { return dir / (std::to_string(i) + ".parquet"); };
  std::vector<size_t> missing;
  for (size_t i = 0; i < urls.size(); ++i) {
    if (!fs::exists(file_path(i), ec)) missing.push_back(i);
  }
  if (!have_list || !missing.empty()) {
    if (tokenizer::hub_offline()) {
      if (!have_list) {
        throw InputError(what + ": not cached and HF_HUB_OFFLINE is set; fetch " + list_url +
                         " (a JSON list of Parquet URLs) into " + list_path.string() +
                         " and file i of that list into " + (dir / "<i>.parquet").string());
      }
      throw InputError(what + ": " + file_path(missing[0]).string() +
                       " is not cached and HF_HUB_OFFLINE is set; fetch " + urls[missing[0]] +
                       " into it");
    }
    fs::create_directories(dir, ec);
    if (ec) throw InputError(what + ": cannot create " + dir.string() + ": " + ec.message());
    if (!have_list) {
      std::string body = fetch(list_url, what, list_path.string());
      if (!parse_list(body, urls)) {
        throw InputError(what + ": " + list_url +
                         " did not answer a JSON list of Parquet file URLs (check the dataset "
                         "name, subset and split)");
      }
      missing.clear();
      for (size_t i = 0; i < urls.size(); ++i) {
        if (!fs::exists(file_path(i), ec)) missing.push_back(i);
      }
    }
    for (size_t i : missing) {
      fs::path tmp = file_path(i);
      tmp += ".part." + std::to_string(getpid());
      try {
        fetch(urls[i], what, file_path(i).string(), tmp.string());
      } catch (...) {
        fs::remove(tmp, ec);
        throw;
      }
      if (!looks_like_parquet(tmp)) {
        fs::remove(tmp, ec);
        throw InputError(what + ": " + urls[i] + " did not answer a Parquet file");
      }
      fs::rename(tmp, file_path(i), ec);
      if (ec) throw InputError(what + ": cannot rename " + tmp.string() + ": " + ec.message());
    }
    if (!have_list) write_atomic(list_path, nlohmann::json(urls).dump(), what);
  }
  std::vector<std::string> paths;
  for (size_t i = 0; i < urls.size(); ++i) paths.push_back(file_path(i).string());
  return paths;
}

}  // namespace aiperf::dataset
