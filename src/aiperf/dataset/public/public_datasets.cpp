// --public-dataset (spec §4.6): AIPerf's table of public datasets, and the text loaders:
// Hugging Face instruction datasets (one prompt column or template per row), MT-Bench (a list
// of turns per row) and Spec-Bench (a JSONL file). Rows map to conversations exactly as AIPerf's
// HFInstructionResponseDatasetLoader, MTBenchDatasetLoader and SpecBenchLoader map them.
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "aiperf/common/env.h"
#include "aiperf/common/error.h"
#include "aiperf/dataset/custom/parallel.h"
#include "aiperf/dataset/public/download.h"
#include "aiperf/dataset/public/hf_parquet.h"
#include "aiperf/dataset/public/public_loaders.h"

namespace aiperf::dataset {
namespace {

namespace fs = std::filesystem;
using parquet::Value;

constexpr const char* kSpecBenchUrl =
    "https://raw.githubusercontent.com/hemingkx/Spec-Bench/"
    "fd2c1cd7d2201ef71db4c5f4e455008f017967bf/data/spec_bench/question.jsonl";

constexpr std::string_view kBlazeditTemplate =
    "Given a code file, please apply the change requests and generate the new file.\n\n"
    "Original file:\n```python\n{code}\n```\n\nChange request:\n{change_request}\n\n"
    "Please generate the new code file in the \"New file\" section below.";

constexpr std::string_view kImages =
    "an image dataset; this build's --public-dataset loads text datasets only (send images "
    "with --input-file rows instead)";
constexpr std::string_view kVideo =
    "a video dataset; this build's --public-dataset loads text datasets only";
constexpr std::string_view kAudio =
    "an audio (ASR) dataset; this build's --public-dataset loads text datasets only and has no "
    "audio_transcription endpoint";
constexpr std::string_view kAgent =
    "recorded agent traces (messages, tools and timing); this build does not replay them yet";

/// Is code point `c` whitespace for Python's str.isspace()?
bool py_space(uint32_t c) {
  return (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20) || c == 0x85 || c == 0xa0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f ||
         c == 0x205f || c == 0x3000;
}

/// Decodes the UTF-8 code point at s[i] (length in `len`); invalid bytes decode as U+FFFD.
uint32_t code_point(std::string_view s, size_t i, size_t& len) {
  const auto b = [&](size_t k) { return uint8_t(s[i + k]); };
  const uint8_t c = b(0);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) {
    len = 1;
    return 0xfffd;
  }
  uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xc0) != 0x80) {
      len = 1;
      return 0xfffd;
    }
    v = (v << 6) | (b(k) & 0x3f);
  }
  len = n;
  return v;
}

/// Python's repr() of a str.
std::string py_repr(const std::string& s) {
  const char q = s.find('\'') != std::string::npos && s.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, q);
  for (char c : s) {
    if (c == q || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + q;
}

/// Python's str() of a cell (a list shows its elements' repr()).
std::string py_str(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return "None";
    case Value::Kind::kBytes:
      return v.bytes;
    case Value::Kind::kInt:
      return std::to_string(v.integer);
    case Value::Kind::kDouble: {
      std::string s = fmt::format("{}", v.real);  // shortest round trip, as Python's repr
      if (s.find_first_of(".en") == std::string::npos) s += ".0";
      return s;
    }
    case Value::Kind::kList: {
      std::string out = "[";
      for (size_t i = 0; i < v.items.size(); ++i) {
        if (i) out += ", ";
        const Value& e = v.items[i];
        out += e.kind == Value::Kind::kBytes ? py_repr(e.bytes) : py_str(e);
      }
      return out + "]";
    }
  }
  return "";
}

/// Python truthiness of a cell.
bool py_truthy(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kNull:
      return false;
    case Value::Kind::kBytes:
      return !v.bytes.empty();
    case Value::Kind::kInt:
      return v.integer != 0;
    case Value::Kind::kDouble:
      return v.real != 0;
    case Value::Kind::kList:
      return !v.items.empty();
  }
  return false;
}

std::string columns_list(const parquet::File& f) {
  std::string out = "[";
  for (const auto& c : f.columns()) {
    out += (out.size() > 1 ? ", '" : "'") + parquet::printable(c) + "'";
  }
  return out + "]";
}

std::string env_or(const char* name, const std::string& fallback) {
  return env::string(name, fallback);
}

std::string generated_session_id(const RngManager& rngs, size_t index) {
  if (!rngs.seeded()) return random_uuid4();
  char buf[32];
  std::snprintf(buf, sizeof buf, "session_%06zu", index);
  return buf;
}

}  // namespace

const std::vector<PublicDatasetInfo>& public_datasets() {
  using K = PublicKind;
  static const std::vector<PublicDatasetInfo> kTable = {
      {"exgentic_v2", K::kUnsupported, "Exgentic/agent-llm-traces-v2", "train", "", "", "", kAgent},
      {"exgentic", K::kUnsupported, "Exgentic/agent-llm-traces", "train", "", "", "", kAgent},
      {"sharegpt", K::kShareGpt, "", "", "", "", "", ""},
      {"aimo", K::kInstruction, "AI-MO/NuminaMath-TIR", "train", "", "problem", "", ""},
      {"mmstar", K::kUnsupported, "Lin-Chen/MMStar", "val", "", "question", "", kImages},
      {"mmvu", K::kUnsupported, "yale-nlp/MMVU", "validation", "", "", "", kVideo},
      {"vision_arena", K::kUnsupported, "lmarena-ai/VisionArena-Chat", "train", "", "", "",
       kImages},
      {"llava_onevision", K::kUnsupported, "lmms-lab/LLaVA-OneVision-Data", "train", "sharegpt4o",
       "", "", kImages},
      {"aimo_aime", K::kInstruction, "AI-MO/aimo-validation-aime", "train", "", "problem", "", ""},
      {"aimo_numina_cot", K::kInstruction, "AI-MO/NuminaMath-CoT", "train", "", "problem", "", ""},
      {"aimo_numina_1_5", K::kInstruction, "AI-MO/NuminaMath-1.5", "train", "", "problem", "", ""},
      {"spec_bench", K::kSpecBench, "", "", "", "", "", ""},
      {"spec_al_gsm8k", K::kInstruction, "openai/gsm8k", "test", "main", "question", "", ""},
      {"spec_al_math500", K::kInstruction, "HuggingFaceH4/MATH-500", "test", "", "problem", "", ""},
      {"spec_al_humaneval", K::kInstruction, "openai/openai_humaneval", "test", "", "prompt", "",
       ""},
      {"spec_al_mbpp", K::kInstruction, "google-research-datasets/mbpp", "test", "full", "text", "",
       ""},
      {"spec_al_mtbench", K::kMtBench, "HuggingFaceH4/mt_bench_prompts", "train", "", "prompt", "",
       ""},
      {"instruct_coder", K::kInstruction, "likaixin/InstructCoder", "train", "", "instruction", "",
       ""},
      {"blazedit_5k", K::kInstruction, "vdaita/edit_5k_char", "train", "", "change_request",
       kBlazeditTemplate, ""},
      {"blazedit_10k", K::kInstruction, "vdaita/edit_10k_char", "train", "", "change_request",
       kBlazeditTemplate, ""},
      {"librispeech", K::kUnsupported, "openslr/librispeech_asr", "test", "clean", "", "", kAudio},
      {"voxpopuli", K::kUnsupported, "facebook/voxpopuli", "test", "en", "", "", kAudio},
      {"gigaspeech", K::kUnsupported, "speechcolab/gigaspeech", "test", "xs", "", "", kAudio},
      {"ami", K::kUnsupported, "edinburghcstr/ami", "test", "ihm", "", "", kAudio},
      {"spgispeech", K::kUnsupported, "kensho/spgispeech", "test", "test", "", "", kAudio},
  };
  return kTable;
}

const PublicDatasetInfo* find_public_dataset(std::string_view name) {
  for (const auto& d : public_datasets()) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

std::string_view py_strip(std::string_view s) {
  size_t b = 0, len = 0;
  while (b < s.size() && py_space(code_point(s, b, len))) b += len;
  size_t e = s.size();
  while (e > b) {
    size_t start = e - 1;
    while (start > b && (uint8_t(s[start]) & 0xc0) == 0x80 && e - start < 4) --start;
    if (!py_space(code_point(s, start, len)) || start + len != e) break;
    e = start;
  }
  return s.substr(b, e - b);
}

std::string format_row_template(std::string_view tmpl,
                                const std::function<const Value&(const std::string&)>& lookup) {
  std::string out;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if ((c == '{' || c == '}') && i + 1 < tmpl.size() && tmpl[i + 1] == c) {
      out += c;
      ++i;
    } else if (c == '{') {
      size_t close = tmpl.find('}', i);
      if (close == std::string_view::npos) throw ConfigError("prompt template: unmatched '{'");
      out += py_str(lookup(std::string(tmpl.substr(i + 1, close - i - 1))));
      i = close;
    } else if (c == '}') {
      throw ConfigError("prompt template: single '}'");
    } else {
      out += c;
    }
  }
  return out;
}

std::vector<PromptTurns> instruction_prompts(const std::vector<parquet::File>& files,
                                             const PublicDatasetInfo& info, int64_t& skipped) {
  std::vector<PromptTurns> out;
  const std::string column(info.prompt_column);
  bool validated = false;
  for (const auto& f : files) {
    if (f.num_rows() == 0) continue;
    if (!validated) {
      validated = true;
      if (info.prompt_template.empty() && !f.has_column(column)) {
        throw InputError(f.name() + ": column '" + column +
                         "' not found in dataset. Available columns: " + columns_list(f));
      }
    }
    std::vector<std::vector<Value>> cols;  // template fields, by name order of first use
    std::vector<std::string> names;
    std::vector<Value> prompt_col;  // moved from as rows are taken
    if (info.prompt_template.empty()) prompt_col = f.read_column(column);
    for (int64_t r = 0; r < f.num_rows(); ++r) {
      std::string prompt;
      bool truthy;
      if (!info.prompt_template.empty()) {
        prompt =
            format_row_template(info.prompt_template, [&](const std::string& name) -> const Value& {
              size_t k = 0;
              while (k < names.size() && names[k] != name) ++k;
              if (k == names.size()) {
                if (!f.has_column(name)) {
                  throw InputError(
                      f.name() + ": the prompt template needs column '" + name +
                      "', which the dataset does not have. Available columns: " + columns_list(f));
                }
                names.push_back(name);
                cols.push_back(f.read_column(name));
              }
              return cols[k][size_t(r)];
            });
        truthy = !prompt.empty();
      } else {
        Value& v = prompt_col[size_t(r)];
        truthy = py_truthy(v);
        if (truthy) prompt = v.kind == Value::Kind::kBytes ? std::move(v.bytes) : py_str(v);
      }
      if (!truthy || py_strip(prompt).empty()) {
        ++skipped;
        continue;
      }
      out.push_back({std::move(prompt)});
    }
  }
  return out;
}

std::vector<PromptTurns> mt_bench_prompts(const std::vector<parquet::File>& files,
                                          int64_t& skipped) {
  std::vector<PromptTurns> out;
  bool validated = false;
  for (const auto& f : files) {
    if (f.num_rows() == 0) continue;
    if (!validated) {
      validated = true;
      if (!f.has_column("prompt")) {
        throw InputError(f.name() + ": column 'prompt' not found in dataset. Available columns: " +
                         columns_list(f));
      }
    }
    for (const Value& row : f.read_column("prompt")) {
      if (row.kind != Value::Kind::kList) {
        ++skipped;
        continue;
      }
      PromptTurns turns;
      for (const Value& t : row.items) {
        if (!py_truthy(t)) continue;
        std::string text(py_strip(py_str(t)));
        if (!text.empty()) turns.push_back(std::move(text));
      }
      if (turns.empty()) {
        ++skipped;
        continue;
      }
      out.push_back(std::move(turns));
    }
  }
  return out;
}

std::vector<PromptTurns> spec_bench_prompts(std::string_view jsonl, const std::string& file,
                                            int64_t& skipped) {
  std::vector<PromptTurns> out;
  size_t line_no = 0;
  for (size_t pos = 0; pos <= jsonl.size();) {
    size_t nl = jsonl.find('\n', pos);
    if (nl == std::string_view::npos) nl = jsonl.size();
    std::string_view line = jsonl.substr(pos, nl - pos);
    pos = nl + 1;
    ++line_no;
    if (py_strip(line).empty()) continue;
    auto where = [&] { return file + ":" + std::to_string(line_no) + ": "; };
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      throw InputError(where() + "expected a JSON object (delete the file to download it again)");
    }
    auto it = j.find("turns");
    if (it == j.end() || it->is_null() || (it->is_array() && it->empty())) {
      ++skipped;
      continue;
    }
    if (!it->is_array()) throw InputError(where() + "\"turns\": expected a list of strings");
    const auto& first = (*it)[0];
    std::string text = first.is_string() ? first.get<std::string>() : first.dump();
    if (py_strip(text).empty()) {
      ++skipped;
      continue;
    }
    out.push_back({std::move(text)});
  }
  return out;
}

Dataset conversations_from_prompts(std::vector<PromptTurns> prompts, const config::Config& cfg,
                                   const tokenizer::Tokenizer& tok, const RngManager& rngs) {
  Dataset ds;
  Rng max_tokens_rng = rngs.derive("composer.turn.max_tokens");
  Rng model_rng = rngs.derive("composer.turn.model_selection");
  uint64_t turn_counter = 0;
  for (auto& turns : prompts) {
    Conversation conv;
    conv.session_id = generated_session_id(rngs, ds.conversations.size());
    for (auto& text : turns) {
      Turn t;
      t.text = std::move(text);
      if (cfg.osl_mean) {
        t.max_tokens = cfg.sample_osl(max_tokens_rng);
      }
      t.model = pick_model(cfg, model_rng, turn_counter++);
      conv.turns.push_back(std::move(t));
    }
    ds.conversations.push_back(std::move(conv));
  }
  // Token counts last, on all cores (the random draws above stay in order).
  custom::parallel_for(ds.conversations.size(), [&](size_t i) {
    for (Turn& t : ds.conversations[i].turns) t.input_tokens = int64_t(tok.count(t.text));
  });
  return ds;
}

std::string public_cache_dir() {
  if (auto c = env::raw("AIPERF_DATASET_CACHE")) return *c;
  if (auto x = env::raw("XDG_CACHE_HOME")) return *x + "/aiperf/datasets";
  return env::string("HOME", ".") + "/.cache/aiperf/datasets";
}

Dataset load_public(const config::Config& cfg, const tokenizer::Tokenizer& tok,
                    const RngManager& rngs) {
  const std::string name = cfg.public_dataset.value_or("");
  const PublicDatasetInfo* info = find_public_dataset(name);
  if (!info) throw ConfigError("--public-dataset: unknown dataset '" + name + "'");
  const std::string what = "--public-dataset " + name;
  std::vector<PromptTurns> prompts;
  int64_t skipped = 0;
  switch (info->kind) {
    case PublicKind::kShareGpt:
      return load_sharegpt(cfg, tok, rngs);
    case PublicKind::kUnsupported:
      throw ConfigError(what + ": '" + name + "' is " + std::string(info->note));
    case PublicKind::kSpecBench: {
      const fs::path dir = fs::path(public_cache_dir()) / "spec_bench";
      const fs::path file = dir / "spec_bench.jsonl";
      std::error_code ec;
      if (!fs::exists(file, ec)) {
        const std::string url = env_or("AIPERF_SPEC_BENCH_URL", kSpecBenchUrl);
        fs::create_directories(dir, ec);
        std::string err = download_to_file(url, file.string());
        if (!err.empty()) {
          throw InputError(what + ": " + file.string() + " is not cached and downloading " + url +
                           " failed (" + err + "); fetch that file by hand and save it as " +
                           file.string() + " (or set AIPERF_DATASET_CACHE)");
        }
      }
      std::ifstream in(file, std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      if (!in) throw InputError(file.string() + ": cannot read the cached Spec-Bench file");
      prompts = spec_bench_prompts(text.str(), file.string(), skipped);
      break;
    }
    case PublicKind::kInstruction:
    case PublicKind::kMtBench: {
      std::string subset = cfg.hf_subset.value_or(std::string(info->hf_subset));
      HfSplit split{std::string(info->hf_repo), subset.empty() ? "default" : subset,
                    std::string(info->hf_split)};
      std::vector<parquet::File> files;
      for (const auto& p : hf_parquet_files(split, what)) files.push_back(parquet::File::open(p));
      prompts = info->kind == PublicKind::kMtBench ? mt_bench_prompts(files, skipped)
                                                   : instruction_prompts(files, *info, skipped);
      break;
    }
  }
  Dataset ds = conversations_from_prompts(std::move(prompts), cfg, tok, rngs);
  if (skipped) {
    ds.skipped_records += skipped;
    ds.warnings.push_back(name + ": " + std::to_string(skipped) +
                          " rows with an empty prompt left out");
  }
  if (ds.conversations.empty()) {
    throw InputError(what + ": no rows with a prompt (" + std::to_string(skipped) + " empty rows)");
  }
  return ds;
}

}  // namespace aiperf::dataset
