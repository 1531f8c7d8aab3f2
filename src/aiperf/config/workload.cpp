// --seq-dist grammar (spec §4.4) and the --input-file peek (spec §1.4 auto-promotion, §4.5
// auto-detection). The peek reads only the first non-empty line of a file.
#include "aiperf/config/workload.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "aiperf/common/error.h"

namespace aiperf::config {
namespace {

[[noreturn]] void fail(std::string_view flag, const std::string& what) {
  throw ConfigError(std::string(flag) + ": " + what);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

double number(std::string_view flag, std::string_view text, std::string_view what) {
  auto t = trim(text);
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v)) {
    fail(flag, "bad " + std::string(what) + " '" + std::string(text) +
                   "' (expected ISL[|STD],OSL[|STD]:PROB;... e.g. 128,64:25;512,128:75)");
  }
  return v;
}

/// "V" or "V|STD".
void value_with_std(std::string_view flag, std::string_view text, std::string_view what,
                    int64_t& value, double& stddev) {
  size_t bar = text.find('|');
  double v = number(flag, text.substr(0, bar), what);
  if (v != std::floor(v))
    fail(flag, std::string(what) + " must be an integer (got " +
                   std::string(trim(text.substr(0, bar))) + ")");
  value = int64_t(v);
  stddev = bar == std::string_view::npos ? 0.0 : number(flag, text.substr(bar + 1), "stddev");
}

/// "ISL[|STD],OSL[|STD]" then ":PROB".
SeqDistPair pair_from(std::string_view flag, std::string_view lens, std::string_view prob) {
  size_t comma = lens.find(',');
  if (comma == std::string_view::npos) {
    fail(flag, "pair '" + std::string(trim(lens)) + "' needs ISL,OSL");
  }
  SeqDistPair p;
  value_with_std(flag, lens.substr(0, comma), "ISL", p.isl, p.isl_stddev);
  value_with_std(flag, lens.substr(comma + 1), "OSL", p.osl, p.osl_stddev);
  p.prob_percent = number(flag, prob, "probability");
  return p;
}

void check(std::string_view flag, const std::vector<SeqDistPair>& pairs) {
  if (pairs.empty()) fail(flag, "no ISL,OSL pairs given");
  double sum = 0;
  for (const auto& p : pairs) {
    if (p.isl <= 0 || p.osl <= 0) fail(flag, "ISL and OSL must be > 0");
    if (p.prob_percent < 0 || p.prob_percent > 100) {
      fail(flag, "each probability must be in [0, 100]");
    }
    if (p.isl_stddev < 0 || p.osl_stddev < 0) fail(flag, "stddevs must be >= 0");
    sum += p.prob_percent;
  }
  if (std::fabs(sum - 100.0) > 1e-6) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%g", sum);
    fail(flag, std::string("probabilities must sum to 100 (got ") + buf + ")");
  }
}

std::vector<SeqDistPair> parse_json(std::string_view flag, std::string_view text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("pairs") || !j["pairs"].is_array()) {
    fail(flag, "JSON form must be {\"pairs\": [{\"isl\": N, \"osl\": N, \"prob\": P}, ...]}");
  }
  std::vector<SeqDistPair> out;
  for (const auto& e : j["pairs"]) {
    auto num = [&](const char* key, bool required) -> double {
      if (!e.is_object() || !e.contains(key)) {
        if (required) fail(flag, std::string("JSON pair needs \"") + key + "\"");
        return 0.0;
      }
      if (!e[key].is_number()) fail(flag, std::string("JSON \"") + key + "\" must be a number");
      return e[key].get<double>();
    };
    SeqDistPair p;
    double isl = num("isl", true), osl = num("osl", true);
    if (isl != std::floor(isl) || osl != std::floor(osl)) {
      fail(flag, "ISL and OSL must be integers");
    }
    p.isl = int64_t(isl);
    p.osl = int64_t(osl);
    p.prob_percent = num("prob", true);
    p.isl_stddev = num("isl_stddev", false);
    p.osl_stddev = num("osl_stddev", false);
    out.push_back(p);
  }
  return out;
}

std::vector<SeqDistPair> parse_bracket(std::string_view flag, std::string_view text) {
  // [(ISL,OSL):PROB, (ISL|S,OSL|S):PROB]
  std::string_view body = trim(text.substr(1, text.size() - 2));
  std::vector<SeqDistPair> out;
  size_t i = 0;
  while (i < body.size()) {
    size_t open = body.find('(', i);
    if (open == std::string_view::npos) {
      if (!trim(body.substr(i)).empty()) fail(flag, "expected (ISL,OSL):PROB items");
      break;
    }
    if (!trim(body.substr(i, open - i)).empty() && trim(body.substr(i, open - i)) != ",") {
      fail(flag, "expected (ISL,OSL):PROB items separated by commas");
    }
    size_t close = body.find(')', open);
    if (close == std::string_view::npos) fail(flag, "missing ')'");
    size_t colon = body.find(':', close);
    if (colon == std::string_view::npos ||
        !trim(body.substr(close + 1, colon - close - 1)).empty()) {
      fail(flag, "expected ':PROB' after '(ISL,OSL)'");
    }
    size_t end = body.find(',', colon);
    if (end == std::string_view::npos) end = body.size();
    out.push_back(pair_from(flag, body.substr(open + 1, close - open - 1),
                            body.substr(colon + 1, end - colon - 1)));
    i = end;
  }
  return out;
}

std::vector<SeqDistPair> parse_semicolon(std::string_view flag, std::string_view text) {
  std::vector<SeqDistPair> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t semi = text.find(';', start);
    if (semi == std::string_view::npos) semi = text.size();
    auto item = trim(text.substr(start, semi - start));
    start = semi + 1;
    if (item.empty()) continue;
    size_t colon = item.rfind(':');
    if (colon == std::string_view::npos) {
      fail(flag, "pair '" + std::string(item) + "' needs ':PROB' (e.g. 128,64:25)");
    }
    out.push_back(pair_from(flag, item.substr(0, colon), item.substr(colon + 1)));
  }
  return out;
}

/// First non-empty line of a file (CR stripped), at most 16 MiB read.
std::optional<std::string> first_line(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConfigError("--input-file: cannot open '" + path + "'");
  std::string line;
  bool first = true;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    first = false;
    if (!trim(line).empty()) return line;
  }
  return std::nullopt;
}

}  // namespace

std::vector<SeqDistPair> parse_seq_dist(std::string_view flag, std::string_view text) {
  auto t = trim(text);
  std::vector<SeqDistPair> pairs;
  if (!t.empty() && t.front() == '{') {
    pairs = parse_json(flag, t);
  } else if (t.size() >= 2 && t.front() == '[' && t.back() == ']') {
    pairs = parse_bracket(flag, t);
  } else {
    pairs = parse_semicolon(flag, t);
  }
  check(flag, pairs);
  return pairs;
}

const char* to_string(CustomDatasetType t) {
  switch (t) {
    case CustomDatasetType::kSingleTurn:
      return "single_turn";
    case CustomDatasetType::kMultiTurn:
      return "multi_turn";
    case CustomDatasetType::kMooncakeTrace:
      return "mooncake_trace";
    case CustomDatasetType::kBailianTrace:
      return "bailian_trace";
    case CustomDatasetType::kBurstGptTrace:
      return "burst_gpt_trace";
    case CustomDatasetType::kRandomPool:
      return "random_pool";
    case CustomDatasetType::kRawPayload:
      return "raw_payload";
    case CustomDatasetType::kInputsJson:
      return "inputs_json";
    case CustomDatasetType::kSageMakerDataCapture:
      return "sagemaker_data_capture";
    case CustomDatasetType::kSpeedBench:
      return "speed_bench";  // the family; custom_dataset_format() gives the name used
  }
  return "?";
}

const char* to_string(SamplingStrategy s) {
  switch (s) {
    case SamplingStrategy::kSequential:
      return "sequential";
    case SamplingStrategy::kRandom:
      return "random";
    case SamplingStrategy::kShuffle:
      return "shuffle";
  }
  return "?";
}

bool is_trace_type(CustomDatasetType t) {
  return t == CustomDatasetType::kMooncakeTrace || t == CustomDatasetType::kBailianTrace ||
         t == CustomDatasetType::kBurstGptTrace || t == CustomDatasetType::kSageMakerDataCapture;
}

namespace {

/// First non-empty line of a file parsed as JSON (discarded when it is not JSON or unreadable).
nlohmann::json first_record(const std::filesystem::path& p) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return nlohmann::json::value_t::discarded;
  auto line = first_line(p.string());
  if (!line) return nlohmann::json::value_t::discarded;
  return nlohmann::json::parse(trim(*line), nullptr, false);
}

/// AIPerf's raw_payload can_load on a record: a `messages` list, no `conversation_id`, and no
/// `data` list (an inputs.json).
bool raw_payload_record(const nlohmann::json& j) {
  if (!j.is_object()) return false;
  auto m = j.find("messages");
  if (m == j.end() || !m->is_array() || j.contains("conversation_id")) return false;
  auto d = j.find("data");
  return d == j.end() || !d->is_array();
}

bool sagemaker_record(const nlohmann::json& j) {
  return j.is_object() && j.contains("captureData") && j.contains("eventMetadata");
}

/// A mooncake record that AIPerf's model would accept: exactly one input mode, hash_ids only with
/// input_length, a non-empty messages list of objects with a role, a non-empty payload object.
bool mooncake_record(const nlohmann::json& j) {
  if (!j.is_object()) return false;
  auto given = [&](const char* k) {
    auto it = j.find(k);
    return it != j.end() && !it->is_null();
  };
  int modes = 0;
  for (const char* k : {"input_length", "text_input", "messages", "payload"}) modes += given(k);
  if (modes != 1) return false;
  if (given("hash_ids") && !given("input_length")) return false;
  if (given("messages")) {
    const auto& m = j["messages"];
    if (!m.is_array() || m.empty()) return false;
    for (const auto& e : m) {
      if (!e.is_object() || !e.contains("role")) return false;
    }
  }
  if (given("payload") && (!j["payload"].is_object() || j["payload"].empty())) return false;
  return true;
}

/// AIPerf's inputs_json can_load: a `.json` file holding {"data": [{"payloads": [...]}, ...]}.
bool inputs_json_file(const std::filesystem::path& p) {
  std::error_code ec;
  if (p.extension() != ".json" || !std::filesystem::is_regular_file(p, ec)) return false;
  std::ifstream f(p, std::ios::binary);
  if (!f) return false;
  nlohmann::json j = nlohmann::json::parse(f, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto d = j.find("data");
  if (d == j.end() || !d->is_array() || d->empty()) return false;
  const auto& first = (*d)[0];
  return first.is_object() && first.contains("payloads") && first["payloads"].is_array();
}

/// `*.jsonl` files of a directory, sorted (recursive or only the top level).
std::vector<std::filesystem::path> jsonl_files(const std::filesystem::path& dir, bool recursive) {
  std::vector<std::filesystem::path> out;
  std::error_code ec;
  auto take = [&](const std::filesystem::directory_entry& e) {
    if (e.is_regular_file(ec) && e.path().extension() == ".jsonl") out.push_back(e.path());
  };
  if (recursive) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) take(e);
  } else {
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) take(e);
  }
  std::sort(out.begin(), out.end());
  return out;
}

CustomDatasetType detect_directory(const std::filesystem::path& dir) {
  bool raw = false;
  for (const auto& f : jsonl_files(dir, false)) {
    nlohmann::json j = first_record(f);
    if (j.is_discarded()) continue;
    raw = raw_payload_record(j);
    break;  // AIPerf looks at the first readable file only
  }
  bool sage = false;
  if (auto files = jsonl_files(dir, true); !files.empty()) {
    sage = sagemaker_record(first_record(files.front()));
  }
  if (raw && sage) {
    throw ConfigError(
        "--input-file: Multiple loaders can handle the data format: raw_payload "
        "and sagemaker_data_capture. Please specify --custom-dataset-type "
        "explicitly.");
  }
  if (raw) return CustomDatasetType::kRawPayload;
  if (sage) return CustomDatasetType::kSageMakerDataCapture;
  return CustomDatasetType::kRandomPool;
}

}  // namespace

CustomDatasetType detect_custom_dataset_type(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return detect_directory(path);
  if (!std::filesystem::exists(path, ec)) {
    throw ConfigError("--input-file: '" + path + "' does not exist");
  }
  if (inputs_json_file(path)) return CustomDatasetType::kInputsJson;
  auto line = first_line(path);
  if (!line) {
    throw ConfigError("--input-file: '" + path +
                      "' is empty; pass a file with records or set --custom-dataset-type");
  }
  auto t = trim(*line);
  if (t.front() != '{') {
    if (t.find("Timestamp") != std::string_view::npos &&
        t.find("Request tokens") != std::string_view::npos) {
      return CustomDatasetType::kBurstGptTrace;
    }
  } else {
    nlohmann::json j = nlohmann::json::parse(t, nullptr, false);
    if (!j.is_discarded() && j.is_object()) {
      if (sagemaker_record(j)) return CustomDatasetType::kSageMakerDataCapture;
      if (j.contains("question_id") && j.contains("category") && j.contains("messages")) {
        // AIPerf: all 32 speed_bench_* readers accept it; which subset is the user's choice.
        throw ConfigError("--input-file: '" + path +
                          "' looks like a SPEED-Bench file; pass --custom-dataset-type "
                          "speed_bench_qualitative (every row) or speed_bench_<category> "
                          "(docs/datasets.md)");
      }
      if (j.contains("turns")) return CustomDatasetType::kMultiTurn;
      if (j.contains("chat_id")) return CustomDatasetType::kBailianTrace;
      const bool raw = raw_payload_record(j);
      if (raw && mooncake_record(j)) {
        // AIPerf: both loaders accept a record with only a `messages` input.
        throw ConfigError(
            "--input-file: Multiple loaders can handle the data format: mooncake_trace and "
            "raw_payload. Please specify --custom-dataset-type explicitly.");
      }
      if (raw) return CustomDatasetType::kRawPayload;
      for (const char* k : {"input_length", "text_input", "messages", "payload", "hash_ids"}) {
        if (j.contains(k)) return CustomDatasetType::kMooncakeTrace;
      }
      for (const char* k :
           {"text", "texts", "image", "images", "audio", "audios", "video", "videos"}) {
        if (j.contains(k)) return CustomDatasetType::kSingleTurn;
      }
    }
  }
  throw ConfigError("--input-file: cannot tell the format of '" + path +
                    "' from its first record; pass --custom-dataset-type (single_turn, "
                    "multi_turn, mooncake_trace, bailian_trace, burst_gpt_trace, random_pool, "
                    "raw_payload, inputs_json, sagemaker_data_capture)");
}

bool first_record_has_timestamp(const std::string& path, CustomDatasetType type) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return false;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConfigError("--input-file: cannot open '" + path + "'");
  std::string line;
  bool header_seen = false;
  bool first = true;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (first && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);  // UTF-8 BOM
    first = false;
    auto t = trim(line);
    if (t.empty()) continue;
    if (type == CustomDatasetType::kBurstGptTrace) {
      if (!header_seen) {
        header_seen = true;
        continue;
      }
      return true;  // every BurstGPT row has a Timestamp column
    }
    nlohmann::json j = nlohmann::json::parse(t, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return false;  // the loader reports the bad line
    auto it = j.find("timestamp");
    return it != j.end() && !it->is_null();
  }
  return false;
}

}  // namespace aiperf::config
