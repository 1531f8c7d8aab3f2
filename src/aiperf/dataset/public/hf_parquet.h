// Private to the dataset stage: a Hugging Face dataset split as the Hub's auto-converted Parquet
// files, downloaded once into the public dataset cache and read from there afterwards.
#pragma once
#include <string>
#include <vector>

namespace aiperf::dataset {

/// Where one split lives on the Hub and in the cache.
struct HfSplit {
  std::string repo;    // "AI-MO/NuminaMath-TIR"
  std::string config;  // the subset, or "default"
  std::string split;   // "train"
};

/// <endpoint>/api/datasets/<repo>/parquet/<config>/<split>: the JSON list of the split's
/// Parquet file URLs.
std::string hf_parquet_list_url(const HfSplit& s);

/// <public_cache_dir()>/hf/<repo>/<config>/<split>
std::string hf_split_cache_dir(const HfSplit& s);

/// The split's Parquet files in the cache, in the Hub's order. When the cache lacks any (the
/// list is <dir>/parquet-files.json, file i is <dir>/<i>.parquet), fetches the list and the
/// missing files first ($HF_ENDPOINT, $HF_TOKEN), each written atomically; with $HF_HUB_OFFLINE
/// set it throws an InputError naming the URL to fetch and the path to put it. `what` prefixes
/// errors ("--public-dataset aimo").
std::vector<std::string> hf_parquet_files(const HfSplit& s, const std::string& what);

}  // namespace aiperf::dataset
