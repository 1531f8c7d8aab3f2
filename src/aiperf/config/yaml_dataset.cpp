// Config-file `datasets` (AIPerf's SyntheticDataset / FileDataset / PublicDataset) -> option
// occurrences. See yaml_bindings.h.
#include <cmath>
#include <cstdio>
#include <tuple>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include "aiperf/common/error.h"
#include "aiperf/config/yaml_bindings.h"

namespace aiperf::config::detail {
namespace {

/// "128|10,64|5:25;512,128:75" from AIPerf's sequence_distribution entries; probabilities are
/// weights, normalized to percent as AIPerf does.
std::string seq_dist_text(const YamlReader& r, const std::string& path, const YamlNode& list) {
  if (!list.is_seq() || list.items.empty()) {
    r.fail(path, list, "expected a non-empty list of {isl, osl, probability}");
  }
  struct Entry {
    std::string isl, isl_sd, osl, osl_sd;
    double prob;
  };
  std::vector<Entry> entries;
  double total = 0;
  for (size_t i = 0; i < list.items.size(); ++i) {
    const YamlNode& e = list.items[i];
    const std::string ep = YamlReader::index(path, i);
    r.check_keys(ep, e, {"isl", "isl_stddev", "osl", "osl_stddev", "probability"});
    Entry out;
    for (auto [key, sd_key, value, sd] : {std::tuple{"isl", "isl_stddev", &out.isl, &out.isl_sd},
                                          std::tuple{"osl", "osl_stddev", &out.osl, &out.osl_sd}}) {
      const YamlNode* v = e.find(key);
      if (!v) r.fail(ep, e, std::string("'") + key + "' is required");
      const std::string vp = YamlReader::child(ep, key);
      if (v->is_map()) {
        r.check_keys(vp, *v, {"mean", "stddev", "type"});
        const YamlNode* mean = v->find("mean");
        if (!mean) r.fail(vp, *v, "needs 'mean'");
        *value = r.integer_text(vp + ".mean", *mean);
        if (const YamlNode* s = v->find("stddev")) *sd = r.number_text(vp + ".stddev", *s);
        if (e.find(sd_key)) {
          r.fail(YamlReader::child(ep, sd_key), *e.find(sd_key),
                 std::string("cannot be used when ") + key + " is already a distribution");
        }
      } else {
        *value = r.integer_text(vp, *v);
      }
      if (const YamlNode* s = e.find(sd_key); s && !scalar_is_null(*s)) {
        *sd = r.number_text(YamlReader::child(ep, sd_key), *s);
      }
    }
    const YamlNode* p = e.find("probability");
    if (!p) r.fail(ep, e, "'probability' is required");
    out.prob = r.number(YamlReader::child(ep, "probability"), *p);
    if (out.prob < 0 || out.prob > 100) {
      r.fail(YamlReader::child(ep, "probability"), *p, "must be in 0..100");
    }
    total += out.prob;
    entries.push_back(out);
  }
  if (total <= 0) r.fail(path, list, "the probabilities must not all be 0");
  std::string text;
  double assigned = 0;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& e = entries[i];
    double pct = e.prob * 100.0 / total;
    if (i + 1 == entries.size()) pct = 100.0 - assigned;
    assigned += pct;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.12g", pct);
    text += (i ? ";" : "") + e.isl + (e.isl_sd.empty() ? "" : "|" + e.isl_sd) + "," + e.osl +
            (e.osl_sd.empty() ? "" : "|" + e.osl_sd) + ":" + buf;
  }
  return text;
}

}  // namespace

void BodyMapper::datasets(const std::string& path, const YamlNode& n) {
  if (!n.is_seq()) {
    r_.fail(path, n, "expected a list with one dataset ([{name: main, type: synthetic, ...}])");
  }
  if (n.items.size() != 1) {
    r_.fail(path, n,
            "exactly one dataset is supported (got " + std::to_string(n.items.size()) + ")");
  }
  const YamlNode& ds = n.items[0];
  const std::string dp = YamlReader::index(path, 0);
  r_.expect_map(dp, ds);
  if (!ds.find_exact("name")) r_.fail(dp, ds, "'name' is required (e.g. name: main)");
  if (const YamlNode* t = ds.find("type")) {
    dataset_kind_ = r_.choice(YamlReader::child(dp, "type"), *t, {"synthetic", "file", "public"});
  }
  if (const YamlNode* seed = ds.find("random_seed")) {
    r_.only_default(YamlReader::child(dp, ds.key_as_written("random_seed")), *seed, "null",
                    "a per-dataset random_seed (use the top-level random_seed)");
  }
  if (dataset_kind_ == "file") {
    file_dataset(dp, ds);
  } else if (dataset_kind_ == "public") {
    public_dataset(dp, ds);
  } else {
    synthetic_dataset(dp, ds);
  }
}

void BodyMapper::synthetic_dataset(const std::string& dp, const YamlNode& ds) {
  r_.check_keys(
      dp, ds,
      {"name", "type", "entries", "random_seed", "sampling", "prompts", "prefix_prompts", "turns",
       "turn_delay", "turn_delay_ratio", "images", "audio", "video", "rankings"});
  const auto at = [&](const char* k) { return YamlReader::child(dp, ds.key_as_written(k)); };
  simple("dataset", dp, ds);
  simple("synthetic", dp, ds);
  if (!ds.find("entries")) emit("--num-dataset-entries", {"100"}, at("type"), ds, true);
  if (const YamlNode* p = ds.find("prompts"); p && !scalar_is_null(*p)) {
    const std::string pp = at("prompts");
    r_.check_keys(pp, *p, {"isl", "osl", "block_size", "batch_size", "sequence_distribution"});
    simple("prompts", pp, *p);
    if (const YamlNode* v = p->find("isl")) {
      distribution(YamlReader::child(pp, "isl"), *v, "--prompt-input-tokens-mean",
                   "--prompt-input-tokens-stddev", true, "--isl-distribution");
    }
    if (const YamlNode* v = p->find("osl")) {
      distribution(YamlReader::child(pp, "osl"), *v, "--prompt-output-tokens-mean",
                   "--prompt-output-tokens-stddev", true, "--osl-distribution");
    }
    if (const YamlNode* v = p->find("sequence_distribution"); v && !scalar_is_null(*v)) {
      const std::string sp = YamlReader::child(pp, p->key_as_written("sequence_distribution"));
      emit("--seq-dist", {seq_dist_text(r_, sp, *v)}, sp, *v);
    }
  }
  if (const YamlNode* p = ds.find("prefix_prompts"); p && !scalar_is_null(*p)) {
    r_.check_keys(at("prefix_prompts"), *p,
                  {"pool_size", "length", "shared_system_length", "user_context_length"});
    simple("prefix_prompts", at("prefix_prompts"), *p);
  }
  if (const YamlNode* v = ds.find("turns")) {
    distribution(at("turns"), *v, "--conversation-turn-mean", "--conversation-turn-stddev", false);
  }
  if (const YamlNode* v = ds.find("turn_delay")) {
    distribution(at("turn_delay"), *v, "--conversation-turn-delay-mean",
                 "--conversation-turn-delay-stddev", false);
  }
  if (const YamlNode* v = ds.find("rankings"); v && !scalar_is_null(*v)) {
    // AIPerf's datasets.<name>.rankings: passages / passage_tokens / query_tokens, each a
    // {mean, stddev} (the --rankings-* flags).
    const std::string rp = at("rankings");
    r_.check_keys(rp, *v, {"passages", "passage_tokens", "query_tokens"});
    for (const char* k : {"passages", "passage_tokens", "query_tokens"}) {
      const YamlNode* d = v->find(k);
      if (!d || scalar_is_null(*d)) continue;
      const std::string kp = YamlReader::child(rp, v->key_as_written(k));
      r_.check_keys(kp, *d, {"mean", "stddev"});
      simple(std::string("rankings.") + k, kp, *d);
    }
  }
  media(dp, ds);
}

void BodyMapper::media(const std::string& dp, const YamlNode& ds) {
  const auto at = [&](const char* k) { return YamlReader::child(dp, ds.key_as_written(k)); };
  if (const YamlNode* img = ds.find("images"); img && !scalar_is_null(*img)) {
    const std::string ip = at("images");
    r_.check_keys(ip, *img,
                  {"batch_size", "width", "height", "format", "source", "source_sampling"});
    simple("images", ip, *img);
    if (const YamlNode* v = img->find("width")) {
      distribution(YamlReader::child(ip, "width"), *v, "--image-width-mean", "--image-width-stddev",
                   false);
    }
    if (const YamlNode* v = img->find("height")) {
      distribution(YamlReader::child(ip, "height"), *v, "--image-height-mean",
                   "--image-height-stddev", false);
    }
  }
  if (const YamlNode* au = ds.find("audio"); au && !scalar_is_null(*au)) {
    const std::string ap = at("audio");
    r_.check_keys(ap, *au,
                  {"batch_size", "length", "format", "sample_rates", "depths", "channels"});
    simple("audio", ap, *au);
    if (const YamlNode* v = au->find("length")) {
      distribution(YamlReader::child(ap, "length"), *v, "--audio-length-mean",
                   "--audio-length-stddev", false);
    }
  }
  if (const YamlNode* vi = ds.find("video"); vi && !scalar_is_null(*vi)) {
    const std::string vp = at("video");
    r_.check_keys(vp, *vi,
                  {"batch_size", "duration", "fps", "width", "height", "format", "codec",
                   "synth_type", "audio"});
    simple("video", vp, *vi);
    if (const YamlNode* va = vi->find("audio"); va && !scalar_is_null(*va)) {
      const std::string ap = YamlReader::child(vp, vi->key_as_written("audio"));
      r_.check_keys(ap, *va, {"sample_rate", "channels", "codec", "depth"});
      simple("video.audio", ap, *va);
    }
  }
}

namespace {
constexpr std::string_view kInlinePrefix = "aiperf-inline-records-";
}  // namespace

std::string write_inline_records(const std::vector<std::string>& jsonl_lines) {
  std::string text;
  for (const auto& l : jsonl_lines) text += l + "\n";
  uint64_t h = 1469598103934665603ull;  // FNV-1a: the name follows the content
  for (unsigned char ch : text) h = (h ^ ch) * 1099511628211ull;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  std::error_code ec;
  const std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  const std::filesystem::path p =
      (ec ? std::filesystem::path("/tmp") : dir) / (std::string(kInlinePrefix) + hex + ".jsonl");
  if (!std::filesystem::exists(p, ec)) {
    const std::filesystem::path tmp = p.string() + ".tmp" + std::to_string(::getpid());
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f || (std::filesystem::rename(tmp, p, ec), ec)) {
      std::filesystem::remove(tmp, ec);
      throw ConfigError("cannot write the inline records to " + p.string() +
                        " (set TMPDIR to a writable directory)");
    }
  }
  return p.string();
}

bool is_inline_records_file(const std::string& path) {
  const std::string name = std::filesystem::path(path).filename().string();
  return name.rfind(kInlinePrefix, 0) == 0;
}

void BodyMapper::file_dataset(const std::string& dp, const YamlNode& ds) {
  r_.check_keys(dp, ds,
                {"name", "type", "path", "records", "format", "sampling", "synthesis", "entries",
                 "random_seed", "inter_turn_delay_cap_seconds", "osl", "prompts"});
  const auto at = [&](const char* k) { return YamlReader::child(dp, ds.key_as_written(k)); };
  const YamlNode* rec = ds.find("records");
  if (rec && scalar_is_null(*rec)) rec = nullptr;
  if (rec) {  // AIPerf's inline records: one JSONL line each, read like a file of them
    if (ds.find("path")) r_.fail(at("records"), *rec, "give 'path' or 'records', not both");
    if (!rec->is_seq() || rec->items.empty()) {
      r_.fail(at("records"), *rec, "expected a non-empty list of records (e.g. {text: ...})");
    }
    std::vector<std::string> lines;
    for (size_t i = 0; i < rec->items.size(); ++i) {
      if (!rec->items[i].is_map()) {
        r_.fail(at("records") + "[" + std::to_string(i) + "]", rec->items[i],
                "expected a record (a mapping such as {text: ...})");
      }
      lines.push_back(to_json(rec->items[i]).dump());
    }
    emit("--input-file", {write_inline_records(lines)}, at("records"), *rec);
  } else if (!ds.find("path")) {
    r_.fail(dp, ds, "a file dataset needs 'path' (the JSONL file to read) or inline 'records'");
  }
  simple("dataset", dp, ds);
  simple("file", dp, ds);
  if (!ds.find("format")) {  // AIPerf's FileDataset default
    emit("--custom-dataset-type", {"single_turn"}, at("path"), ds, true);
  }
  if (const YamlNode* s = ds.find("synthesis"); s && !scalar_is_null(*s)) {
    r_.check_keys(at("synthesis"), *s,
                  {"speedup_ratio", "prefix_len_multiplier", "prefix_root_multiplier",
                   "prompt_len_multiplier", "output_len_multiplier", "max_isl", "max_osl"});
    simple("synthesis", at("synthesis"), *s);
  }
  if (const YamlNode* v = ds.find("osl")) {
    distribution(at("osl"), *v, "--prompt-output-tokens-mean", "--prompt-output-tokens-stddev",
                 true, "--osl-distribution");
  }
  // This build's extension: the hash_ids block size of trace files (--isl-block-size).
  if (const YamlNode* p = ds.find("prompts"); p && !scalar_is_null(*p)) {
    r_.check_keys(at("prompts"), *p, {"block_size"});
    simple("prompts", at("prompts"), *p);
  }
}

void BodyMapper::public_dataset(const std::string& dp, const YamlNode& ds) {
  r_.check_keys(dp, ds,
                {"name", "type", "dataset", "entries", "random_seed", "sampling", "hf_subset",
                 "filters", "osl"});
  if (!ds.find("dataset")) {
    r_.fail(dp, ds, "a public dataset needs 'dataset' (e.g. dataset: sharegpt)");
  }
  simple("dataset", dp, ds);
  simple("public", dp, ds);
  // This build's extension: the output length of public datasets (--osl).
  if (const YamlNode* v = ds.find("osl")) {
    distribution(YamlReader::child(dp, "osl"), *v, "--prompt-output-tokens-mean",
                 "--prompt-output-tokens-stddev", true, "--osl-distribution");
  }
  if (const YamlNode* f = ds.find("filters")) {
    r_.only_default(YamlReader::child(dp, "filters"), *f, "{}", "dataset filters");
  }
}

}  // namespace aiperf::config::detail
